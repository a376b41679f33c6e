"""Running git on a repository nobody vouched for, without running anything else.

The project folder may come from a pull request, a downloaded archive or a
fork, ``.git/config`` included. Git's configuration can name programs that
ordinary read-only commands start: ``core.fsmonitor`` (a hook, or git's own
daemon) for any command that reads the index; clean/smudge filters
(``filter.*``), ``diff.*.textconv``, ``diff.*.command`` and ``diff.external``
for anything that hashes, converts or diffs working-tree files (``git diff``
ran the clean filter and the fsmonitor hook); hooks (``post-index-change`` when
the index is rewritten); a pager; and the transports of a lazy fetch
(``ext::``, ``ssh``, ``remote.*.uploadpack``) when an object is missing from a
partial clone. So every git command of the tool:

* runs only plumbing that never filters, converts or diffs (``ls-files``,
  ``ls-tree``, ``cat-file --batch`` without ``--filters``/``--textconv``,
  ``rev-parse``): working-tree files are hashed by the tool itself, never by
  ``git diff`` or ``hash-object``, so no filter, textconv or external diff has
  a command to run in;
* runs with ``-c`` settings that switch the rest off (fsmonitor, hooks, pager,
  every transport; the command line outranks every configuration file,
  ``include.path`` ones too), and ``GIT_OPTIONAL_LOCKS=0`` so the index is
  never rewritten;
* gets an environment without ``GIT_*`` variables: a git hook running the tool
  (pre-commit) exports ``GIT_DIR``/``GIT_INDEX_FILE``, and ``GIT_CONFIG_*``,
  ``GIT_EXTERNAL_DIFF``, ``GIT_EXEC_PATH``, ``GIT_SSH_COMMAND`` would point git
  at another repository, other configuration or other programs. Only the two
  variables that bound where git looks for the repository are kept.

``tests/live/test_changed_since.py`` sets each of these in a repository's
config (and the environment) to a program that leaves a mark, and checks that
none ran.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

# Each a setting a repository's config could use to start a program from a read-only command.
SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.useBuiltinFSMonitor=false",  # git for Windows before 2.36
    f"core.hooksPath={os.devnull}",
    "core.pager=cat",
    "protocol.allow=never",  # no transport: a missing object fails instead of fetching
    "credential.helper=",
)
_KEPT = ("GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM")
_SET = {
    "GIT_OPTIONAL_LOCKS": "0",  # never rewrite the index (no hook, no lock taken from the user)
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_NO_LAZY_FETCH": "1",  # git 2.45+: a partial clone never fetches a missing object
    "GIT_PAGER": "cat",
    "GIT_LITERAL_PATHSPECS": "1",  # a folder named "*" is that folder, not a pattern
}


def git_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (the process environment) without the ``GIT_*`` variables git would obey."""
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if not k.startswith("GIT_") or k in _KEPT}
    env.update(_SET)
    return env


def git_command(*args: str) -> list[str]:
    """``git`` with the safe settings, then ``args``."""
    command = ["git"]
    for setting in SAFE_CONFIG:
        command += ["-c", setting]
    return [*command, *args]


def run_git(cwd: Path, *args: str, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run ``git ARGS`` in ``cwd`` safely; output as bytes. Raises OSError/TimeoutExpired."""
    return subprocess.run(
        git_command(*args),
        cwd=cwd,
        env=git_environment(),
        capture_output=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def start_git(cwd: Path, *args: str) -> subprocess.Popen[bytes]:
    """A long-running ``git ARGS`` (``cat-file --batch``) with pipes on every stream."""
    return subprocess.Popen(
        git_command(*args),
        cwd=cwd,
        env=git_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
