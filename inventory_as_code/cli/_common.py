"""What every command shares: consoles, the project option, and error handling.

Exit codes (documented in the README):
  0  success (plan: no changes with --detailed-exitcode)
  1  error: nothing was done, or validation failed
  2  plan --detailed-exitcode: there are changes
  3  apply: partly applied (the report says exactly what)
  4  apply: refused (stale, edited or unsafe plan); plan --detailed-exitcode:
     a guard rail trips that apply would refuse
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from rich.console import Console

from inventory_as_code._terminal import safe_text
from inventory_as_code.errors import InventoryAsCodeError

if TYPE_CHECKING:
    from inventory_as_code.config.problems import Problem

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2
EXIT_PARTIAL = 3
EXIT_REFUSED = 4
# The reader of the output went away (`| head`): 128 + SIGPIPE, as a shell reports a
# command that signal ended (git, grep and the rest).
EXIT_BROKEN_PIPE = 141

# Set (to anything) to let an unexpected error end in its Python traceback.
DEBUG_VARIABLE = "INVENTORY_AS_CODE_DEBUG"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def color_disabled() -> bool:
    """True under ``inventory-as-code --no-color`` (click keeps it on the context)."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.color is False


class SafeConsole(Console):
    """A console that prints no text raw: every string goes through :func:`safe_text`.

    Messages quote names from the YAML, the live store, paths and Wix's own
    error texts; a message that forgets ``safe_text`` must still not let an
    escape sequence act on the terminal. (Rendered plans and reports are rich
    ``Text`` objects, built from :func:`~..plan.render_common.shown` values.)
    """

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(
            *(safe_text(o, keep_newlines=True) if isinstance(o, str) else o for o in objects),
            **kwargs,
        )


def make_console(*, stderr: bool = False) -> Console:
    """Colour only on a terminal and never with NO_COLOR (rich honours both) or --no-color."""
    # markup=False: names from YAML and Wix (e.g. "[default]") are printed as they are.
    if color_disabled():
        return SafeConsole(
            stderr=stderr, highlight=False, soft_wrap=True, markup=False, color_system=None
        )
    return SafeConsole(stderr=stderr, highlight=False, soft_wrap=True, markup=False)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    console = make_console(stderr=True)
    console.print("Error: ", style="bold red", end="")
    console.print(safe_text(message, keep_newlines=True))
    raise SystemExit(code)


def print_problems(problems: Iterable[Problem], project: Path) -> None:
    """Problems of the YAML on stderr, their files named from here (as validate shows them)."""
    err = make_console(stderr=True)
    for problem in problems:
        err.print(safe_text(str(problem.under(project)), keep_newlines=True))


def check_output_path(
    option: str,
    path: Path | None,
    consequence: str,
    *,
    ours: Callable[[bytes], bool],
    kind: str,
) -> None:
    """Before the work: an output file that cannot be written is found out now.

    An existing file is replaced only when ``ours`` recognises its first bytes
    as what the option writes (``kind``): ``--out store.yaml`` must not turn a
    file of the project into a plan.
    """
    if path is None:
        return
    folder = path.parent
    try:
        folder_is_dir = stat.S_ISDIR(os.stat(folder).st_mode)
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
            fail(f"{option} {path}: cannot write there ({exc.strerror}); {consequence}")
        folder_is_dir = False
    if not folder_is_dir:
        fail(f"{option} {path}: the folder {folder} does not exist; {consequence}")
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:  # a name too long, a link loop
        fail(f"{option} {path}: cannot write there ({exc.strerror}); {consequence}")
    if not os.access(folder, os.W_OK) or (info is not None and not stat.S_ISREG(info.st_mode)):
        fail(f"{option} {path}: cannot write there; {consequence}")
    if info is not None and info.st_size and not ours(_head(path)):
        fail(
            f"{option} {path}: the file exists and is not {kind}; {option} replaces nothing "
            f"else. Choose another name (or remove the file); {consequence}"
        )


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as handle:
        return handle.read(size)


def handle_errors(func: F) -> F:
    """Turn every exception into a message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KeyboardInterrupt:
            make_console(stderr=True).print("Interrupted.")
            sys.exit(130)
        except CLICK_OWN:
            raise  # click prints these itself
        except Exception as exc:
            exit_on_exception(exc)

    return wrapper  # type: ignore[return-value]


# Exceptions click turns into its own message and exit code.
CLICK_OWN = (click.ClickException, click.exceptions.Exit, click.Abort)


def exit_on_exception(exc: Exception) -> NoReturn:
    """The package's own errors: their message, exit 1. Anything else is a bug: one clear
    paragraph and exit 1 instead of 60 lines of Python, the traceback one variable away."""
    if isinstance(exc, BrokenPipeError):
        # Whoever read the output stopped reading (`| head`): stop quietly, as Unix tools
        # do. The tool's own network errors are the client's, never a bare BrokenPipeError.
        # stdout is pointed at /dev/null so that Python's flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        try:  # stderr may be the same closed pipe (2>&1 | head)
            print(
                "Stopped: the program reading the output went away. If this was apply, "
                "`inventory-as-code plan` shows what the store holds now.",
                file=sys.stderr,
                flush=True,
            )
        except OSError:
            os.dup2(devnull, sys.stderr.fileno())
        sys.exit(EXIT_BROKEN_PIPE)
    if not isinstance(exc, InventoryAsCodeError) and os.environ.get(DEBUG_VARIABLE):
        raise exc
    console = make_console(stderr=True)
    console.print("Error: ", style="bold red", end="")
    if isinstance(exc, InventoryAsCodeError):
        # Errors quote YAML names and Wix's own error texts: untrusted.
        console.print(safe_text(str(exc), keep_newlines=True))
        sys.exit(EXIT_ERROR)
    console.print(
        safe_text(
            f"internal error in inventory-as-code ({type(exc).__name__}: {exc}). "
            "This is a bug, not a problem with your YAML or your store. The command "
            "stopped here; if it was applying, `inventory-as-code plan` shows what the "
            f"store holds now. Run it again with {DEBUG_VARIABLE}=1 to see the "
            "traceback, and report it.",
            keep_newlines=True,
        )
    )
    sys.exit(EXIT_ERROR)


site_option = click.option(
    "--site",
    metavar="NAME",
    help=(
        "Site from inventory-as-code.toml, or 'local' for the embedded local store. "
        "Default: WIX_API_KEY/WIX_SITE_ID when set, else the embedded local store."
    ),
)
