"""When each YAML line behind a plan last changed in git: one ``git blame`` per file.

The plan's changes name the YAML lines behind them (``Change.reason``: file,
line, column, relative to the project). For each file holding such lines this
module asks git once, whatever the number of lines:

1. ``git rev-parse`` (once): the repository, whether it is a shallow clone,
   and ``HEAD``;
2. ``git ls-tree HEAD`` (once, every file): the committed version of each file.
   The tool hashes the working file itself (as ``--changed-since`` does); a
   file whose hash differs has uncommitted edits, a file HEAD does not hold is
   uncommitted as a whole;
3. ``git blame --porcelain --first-parent HEAD`` (once per file, a few at a
   time): the commit that last changed each line, and its committer date. An
   unchanged file is blamed only on the lines asked about (``-L``); a file
   with uncommitted edits is blamed whole, since the porcelain output holds
   HEAD's text of every line, which is what the working file's lines are
   matched against (a line with no equal in HEAD is an uncommitted edit).

Why these choices:

* Blame runs on ``HEAD``, never on the working tree: git would convert the
  working file with the repository's clean filter first (a program its config
  names), and ``--no-textconv`` switches off the other conversion blame does.
  Every command goes through :mod:`inventory_as_code.config.gitsafe`.
* ``--first-parent`` dates a line by when it reached the branch: a merged pull
  request's lines carry the merge commit's date, not the date of the branch's
  commit (written before review, perhaps long before). After a squash or a
  rebase merge the commit's own date is the merge's.
* The committer date, not the author date: a rebase keeps the author date of
  work written long before it reached the branch.
* In a shallow clone, a line blamed to the boundary (a commit listed in the
  ``shallow`` file) may be older than that commit, never newer: its date is
  an upper bound (``cut``), which still tells a store change made after it.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from subprocess import TimeoutExpired

from inventory_as_code.config.gitsafe import run_git

GIT_TIMEOUT = 120.0
PARALLEL_BLAMES = 4
# Above this many separate ranges, blame the whole file (one -L per range otherwise).
MAX_RANGES = 200
_HEADER = re.compile(rb"^([0-9a-f]{40}|[0-9a-f]{64}) (\d+) (\d+)(?: \d+)?$")


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    time: int  # committer date, seconds since the epoch (UTC)


@dataclass(frozen=True, slots=True)
class Committed:
    """The line as HEAD has it, last changed in ``commit``.

    ``cut``: the commit is the boundary of a shallow clone, so the line may be
    older; the date is an upper bound.
    """

    commit: Commit
    cut: bool = False


@dataclass(frozen=True, slots=True)
class Uncommitted:
    """The working file's line differs from HEAD (or HEAD does not hold the file)."""


@dataclass(frozen=True, slots=True)
class NoHistory:
    reason: str


LineState = Committed | Uncommitted | NoHistory


@dataclass(frozen=True, slots=True)
class LineHistory:
    """What git says of the lines asked about; ``state`` answers for any line."""

    states: Mapping[tuple[str, int], LineState] = field(default_factory=dict)
    missing: NoHistory = NoHistory("the line was not looked up")
    history: str = "none"  # "full", "shallow", "none" (no git history), "unused" (none asked)
    head: str | None = None

    def state(self, file: str, line: int) -> LineState:
        return self.states.get((file, line), self.missing)

    def describe(self) -> dict[str, object]:
        """For the plan's metadata: what the explanation rests on."""
        out: dict[str, object] = {"history": self.history, "head": self.head}
        if self.history == "none":
            out["detail"] = self.missing.reason
        return out


class _GitFailed(Exception):
    pass


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = run_git(cwd, *args, timeout=GIT_TIMEOUT)
    except FileNotFoundError:
        raise _GitFailed("git is not installed") from None
    except (OSError, TimeoutExpired) as exc:
        raise _GitFailed(f"git could not run ({exc})") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        fatal = [line.removeprefix("fatal: ") for line in lines if line.startswith("fatal: ")]
        found = fatal or lines
        raise _GitFailed(found[0] if found else f"git {args[0]} exited {done.returncode}")
    return done.stdout


def read_history(project: Path, wanted: Mapping[str, Iterable[int]]) -> LineHistory:
    """The history of ``wanted`` lines (project-relative file -> 1-based lines)."""
    lines_of = {file: sorted(set(lines)) for file, lines in wanted.items() if lines}
    if not lines_of:
        return LineHistory(history="unused")
    try:
        located = _locate(project)
    except _GitFailed as exc:
        return LineHistory(missing=NoHistory(_no_repository(str(exc))))
    top, shallow_file, head = located
    cut = _shallow_commits(shallow_file)
    states: dict[tuple[str, int], LineState] = {}
    in_repo: dict[str, str] = {}  # project-relative -> repository-relative
    for file in lines_of:
        real = os.path.realpath(project / file)
        try:
            in_repo[file] = PurePosixPath(*Path(real).relative_to(top).parts).as_posix()
        except ValueError:
            outside = NoHistory("the file is outside the git repository")
            states.update(((file, n), outside) for n in lines_of[file])
    try:
        committed = _committed_blobs(top, sorted(set(in_repo.values())))
    except _GitFailed as exc:
        failed = NoHistory(f"git ls-tree failed: {exc}")
        return LineHistory(missing=failed, history="none", head=head)
    jobs = []
    for file, rel in in_repo.items():
        work = _read_lines(project / file)
        oid = committed.get(rel)
        if oid is None or work is None:
            states.update(((file, n), Uncommitted()) for n in lines_of[file])
            continue
        jobs.append((file, rel, oid, work))
    with ThreadPoolExecutor(max_workers=max(1, min(PARALLEL_BLAMES, len(jobs)))) as pool:
        found = pool.map(lambda job: _file_states(top, cut, lines_of[job[0]], *job[1:]), jobs)
        for (file, *_), lines in zip(jobs, found, strict=True):
            states.update(((file, n), state) for n, state in lines.items())
    return LineHistory(states, history="shallow" if cut else "full", head=head)


def _no_repository(message: str) -> str:
    if "not a git repository" in message:
        return "the project is not in a git repository"
    if "ambiguous argument 'HEAD'" in message or "unknown revision" in message:
        return "the git repository has no commit yet"
    return message


def _locate(project: Path) -> tuple[Path, Path, str]:
    """The repository's real root, its ``shallow`` file, and HEAD's commit."""
    out = _git(project, "rev-parse", "--show-toplevel", "--git-path", "shallow", "HEAD")
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) != 3:
        raise _GitFailed(f"git rev-parse gave {out[:200]!r}")
    top, shallow, head = lines
    return Path(os.path.realpath(top)), project / shallow, head


def _shallow_commits(path: Path) -> frozenset[str]:
    """The boundary commits of a shallow clone (none: the history is whole)."""
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError:
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _committed_blobs(top: Path, paths: Sequence[str]) -> dict[str, str]:
    """Repository path -> the blob HEAD holds there (absent: not committed)."""
    if not paths:
        return {}
    listing = _git(top, "ls-tree", "-z", "--full-tree", "HEAD", "--", *paths)
    out = {}
    for record in listing.split(b"\0"):
        info, _, raw = record.partition(b"\t")
        parts = info.split()
        if len(parts) == 3 and parts[1] == b"blob":
            out[os.fsdecode(raw)] = parts[2].decode("ascii")
    return out


def _read_lines(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _blob_id(data: bytes, oid: str) -> str:
    digest = hashlib.new("sha256" if len(oid) == 64 else "sha1", b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def _split(data: bytes) -> list[bytes]:
    """Lines without their ends (a checkout may have turned LF into CRLF)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]


def _file_states(
    top: Path, cut: frozenset[str], wanted: Sequence[int], rel: str, oid: str, work: bytes
) -> dict[int, LineState]:
    """One file's lines: one blame of HEAD, then the working lines matched to HEAD's."""
    unchanged = _blob_id(work, oid) == oid
    try:
        blamed, head_text = _blame(top, rel, None if not unchanged else wanted)
    except _GitFailed as exc:
        failed = NoHistory(f"git blame failed: {exc}")
        return dict.fromkeys(wanted, failed)
    states: dict[int, LineState] = {}
    to_head = (lambda n: n) if unchanged else _line_map(head_text, _split(work))
    for n in wanted:
        at = to_head(n)
        commit = blamed.get(at) if at is not None else None
        if at is None:
            states[n] = Uncommitted()
        elif commit is None:
            states[n] = NoHistory("git blame did not date the line")
        else:
            states[n] = Committed(commit, cut=commit.sha in cut)
    return states


def _ranges(lines: Sequence[int]) -> list[str]:
    out: list[list[int]] = []
    for n in lines:
        if out and n <= out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return [f"{a},{b}" for a, b in out]


def _blame(
    top: Path, rel: str, lines: Sequence[int] | None
) -> tuple[dict[int, Commit], list[bytes]]:
    """Final line -> its commit, and HEAD's text of every blamed line (in order)."""
    args = ["blame", "--porcelain", "--first-parent", "--no-textconv"]
    ranges = _ranges(lines) if lines is not None else []
    if len(ranges) <= MAX_RANGES:
        for span in ranges:
            args += ["-L", span]
    return _parse_porcelain(_git(top, *args, "HEAD", "--", rel))


def _parse_porcelain(out: bytes) -> tuple[dict[int, Commit], list[bytes]]:
    commits: dict[str, Commit] = {}
    times: dict[str, int] = {}
    by_line: dict[int, Commit] = {}
    text: list[bytes] = []
    sha, final = "", 0
    for line in out.split(b"\n"):
        if line.startswith(b"\t"):
            text.append(line[1:])
            if sha not in commits and sha in times:
                commits[sha] = Commit(sha, times[sha])
            if sha in commits:
                by_line[final] = commits[sha]
            continue
        header = _HEADER.match(line)
        if header:
            sha, final = header.group(1).decode("ascii"), int(header.group(3))
        elif line.startswith(b"committer-time "):
            times[sha] = int(line.split()[1])
    return by_line, text


def _line_map(head: list[bytes], work: list[bytes]) -> Callable[[int], int | None]:
    """Working line -> the equal HEAD line it came from (None: edited or added since HEAD)."""
    head = [line[:-1] if line.endswith(b"\r") else line for line in head]
    # An edit touches a few lines: match the common start and end directly, and leave
    # only the middle to difflib (quadratic at worst, and YAML repeats many lines).
    start = 0
    while start < min(len(head), len(work)) and head[start] == work[start]:
        start += 1
    end = 0
    while end < min(len(head), len(work)) - start and head[-1 - end] == work[-1 - end]:
        end += 1
    mapping = {n: n for n in range(1, start + 1)}
    for k in range(end):
        mapping[len(work) - k] = len(head) - k
    matcher = difflib.SequenceMatcher(
        None, head[start : len(head) - end], work[start : len(work) - end], autojunk=False
    )
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                mapping[start + j1 + k + 1] = start + i1 + k + 1
    return mapping.get
