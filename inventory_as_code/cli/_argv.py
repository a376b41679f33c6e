"""The command line as people type it: global options anywhere, Terraform's spellings.

Two habits that click does not serve by itself:

* **Global options after the command.** click takes an option of the main
  group (``--no-color``) only before the command; Terraform users write
  ``plan -no-color``. :func:`add_global_options` makes every option of the main
  group an option of each command (and sub-command) too, when the group hands
  the command out: a command added later gets them with no code of its own.
  A global option therefore does its work in a callback, wherever it is given.
* **Terraform's single-dash long options.** click reads ``-out plan.json`` as
  ``-o ut`` ("No such option '-o'"). :func:`normalise_argv` reads the whole
  command line first, command by command, and:

  - takes ``-NAME`` (and ``-NAME=VALUE``) as ``--NAME`` when the command has an
    option ``--NAME``: ``-out``, ``-target``, ``-auto-approve``,
    ``-detailed-exitcode``, ``-no-color``, ``-check``, ``-diff``, ``-help``,
    ``-version`` mean here what they mean in Terraform, so they are accepted;
  - answers Terraform's options that have no counterpart here (``-var``,
    ``-json``, ``-refresh=false``, ``-lock``, ...) with a usage error that says
    what to write instead (:data:`TERRAFORM_ONLY`);
  - answers any other ``-word`` with "no such option" and the nearest long
    option, instead of click's reading of it as a cluster of short options.

  It knows which options take a value, so a value is never taken for an option
  (``--changed-since -x`` stays a value), and ``--`` ends the options.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

import click

# Terraform's options that inventory-as-code does not have, with what to write instead.
# A callable gets the command's long options, for answers that depend on the command.
Answer = str | Callable[[set[str]], str]


def _json_answer(longs: set[str]) -> str:
    if "--format" in longs:
        return "did you mean --format json?"
    return "this command has no JSON output."


TERRAFORM_ONLY: dict[str, Answer] = {
    "-var": "inventory-as-code has no input variables: the YAML files are the whole input "
    "(choose the store with --site NAME).",
    "-var-file": "inventory-as-code has no input variables: the YAML files are the whole input "
    "(choose the store with --site NAME).",
    "-json": _json_answer,
    "-refresh-only": "there is no state to refresh: every plan reads the live store; "
    "`plan --detailed-exitcode` exits 2 on drift.",
    "-input": "inventory-as-code never prompts without a terminal (apply refuses instead); "
    "use --auto-approve to apply without the question.",
    "-lock": "inventory-as-code keeps no state and takes no lock; every write carries the "
    "revision it was planned against (docs/ci.md, Concurrency).",
    "-lock-timeout": "inventory-as-code keeps no state and takes no lock; every write carries "
    "the revision it was planned against (docs/ci.md, Concurrency).",
    "-parallelism": "the pace of Wix calls is requests_per_minute of the site in "
    "inventory-as-code.toml.",
    "-destroy": "deletions come from the YAML: remove the objects and set prune: (docs/format.md).",
    "-replace": "there is no forced replacement; a change of options replaces variants "
    "by itself (guard rail VARIANTS_REPLACED).",
    "-chdir": "give the project folder as the argument instead: inventory-as-code plan DIR.",
    "-state": "inventory-as-code keeps no state file: the live store is the state.",
    "-state-out": "inventory-as-code keeps no state file: the live store is the state.",
    "-backup": "inventory-as-code keeps no state file: the live store is the state.",
    "-compact-warnings": "warnings are already one line each.",
    "-recursive": "fmt formats every YAML file of the project, sub-folders included.",
    "-write": "fmt --check writes nothing (exit 1 when a file would change).",
    "-list": "fmt lists the files it changes, or would change with --check.",
    "-upgrade": "init starts a project; there are no providers or modules to upgrade.",
    "-backend-config": "there is no backend: the store is chosen with --site NAME.",
    "-reconfigure": "there is no backend: the store is chosen with --site NAME.",
}

# `-refresh=false` is Terraform's "do not read the live store": here --refresh takes
# full or incremental, and a plan always reads.
_REFRESH_ANSWER = (
    "a plan always reads the live store; --refresh incremental reads only what changed "
    "since the last read."
)

_NUMBER = re.compile(r"-\d")


def add_global_options(command: click.Command, options: Iterable[click.Parameter]) -> None:
    """Give ``command`` (and its sub-commands) the main group's options; idempotent.

    A command that declares an option of the same name or flag keeps its own.
    """
    for option in options:
        if any(p is option for p in command.params):
            continue
        if any(p.name == option.name or set(p.opts) & set(option.opts) for p in command.params):
            continue
        command.params.append(option)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_global_options(sub, options)


class _Options:
    """What the command line of one command may hold: its options, and their arity."""

    def __init__(self, ctx: click.Context) -> None:
        self.arity: dict[str, int] = {}
        for param in ctx.command.get_params(ctx):
            if not isinstance(param, click.Option):
                continue
            takes = 0 if param.is_flag or param.count else max(param.nargs, 1)
            for name in (*param.opts, *param.secondary_opts):
                self.arity[name] = 0 if name in param.secondary_opts else takes

    @property
    def longs(self) -> set[str]:
        return {name for name in self.arity if name.startswith("--")}


def normalise_argv(ctx: click.Context, args: list[str]) -> list[str]:
    """``args`` of the group of ``ctx``, with Terraform's spellings settled (module doc)."""
    out: list[str] = []
    options = _Options(ctx)
    group = ctx.command if isinstance(ctx.command, click.Group) else None
    index = 0
    while index < len(args):
        token = args[index]
        index += 1
        if token == "--":
            out.extend(args[index - 1 :])
            break
        if token.startswith("--"):
            out.append(token)
            if "=" not in token:
                taken = options.arity.get(token, 0)
                out.extend(args[index : index + taken])
                index += taken
            continue
        if token.startswith("-") and len(token) > 1 and not _NUMBER.match(token):
            token = _single_dash(ctx, options, token)
            out.append(token)
            name = token.split("=", 1)[0]
            if "=" not in token or not name.startswith("--"):
                taken = options.arity.get(name, 0)
                out.extend(args[index : index + taken])
                index += taken
            continue
        out.append(token)
        if group is not None:
            # The command's name: the rest of the line is that command's.
            sub = group.get_command(ctx, token)
            if sub is None:
                out.extend(args[index:])
                break
            sub_ctx = click.Context(
                sub, info_name=token, parent=ctx, resilient_parsing=ctx.resilient_parsing
            )
            out.extend(normalise_argv(sub_ctx, args[index:]))
            break
    return out


def _single_dash(ctx: click.Context, options: _Options, token: str) -> str:
    """``-NAME[=VALUE]``: the command's ``--NAME``, a short option, or a usage error."""
    name, equals, value = token.partition("=")
    if name in options.arity:  # a short option (-h), as click reads it
        return token
    if len(name) == 2 and not equals:
        return token  # an unknown short option: click's own message says so
    longs = options.longs
    if name == "-refresh" and value.lower() in ("true", "false"):
        return _refuse(ctx, f"{token}: {_REFRESH_ANSWER}", token)
    if "-" + name in longs:
        return "-" + name + equals + value
    answer = TERRAFORM_ONLY.get(name)
    if answer is not None:
        text = answer(longs) if callable(answer) else answer
        return _refuse(ctx, f"{name} is Terraform's; {text}", token)
    if name[1] in {n[1] for n in options.arity if len(n) == 2} and not equals:
        return token  # a cluster of short options (-hv), as click reads it
    close = difflib.get_close_matches("-" + name, sorted(longs), n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]}?" if close else ""
    return _refuse(ctx, f"No such option: {name}. Long options take two dashes.{hint}", token)


def _refuse(ctx: click.Context, message: str, token: str) -> str:
    if ctx.resilient_parsing:  # shell completion: never an error
        return token
    raise click.UsageError(message, ctx)
