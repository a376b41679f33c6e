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

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from inventory_as_code._terminal import safe_text
from inventory_as_code.errors import InventoryAsCodeError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2
EXIT_PARTIAL = 3
EXIT_REFUSED = 4


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def color_disabled() -> bool:
    """True under ``inventory-as-code --no-color`` (click keeps it on the context)."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.color is False


def make_console(*, stderr: bool = False) -> Console:
    """Colour only on a terminal and never with NO_COLOR (rich honours both) or --no-color."""
    # markup=False: names from YAML and Wix (e.g. "[default]") are printed as they are.
    if color_disabled():
        return Console(
            stderr=stderr, highlight=False, soft_wrap=True, markup=False, color_system=None
        )
    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False)


def fail(message: str, code: int = EXIT_ERROR) -> None:
    console = make_console(stderr=True)
    console.print("Error: ", style="bold red", end="")
    console.print(safe_text(message, keep_newlines=True))
    raise SystemExit(code)


def check_output_path(option: str, path: Path | None, consequence: str) -> None:
    """Before the work: an output file that cannot be written is found out now."""
    if path is None:
        return
    folder = path.parent
    if not folder.is_dir():
        fail(f"{option} {path}: the folder {folder} does not exist; {consequence}")
    if not os.access(folder, os.W_OK) or (path.exists() and not path.is_file()):
        fail(f"{option} {path}: cannot write there; {consequence}")


def handle_errors(func: F) -> F:
    """Turn the package's exceptions into a message and exit code 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InventoryAsCodeError as exc:
            console = make_console(stderr=True)
            console.print("Error: ", style="bold red", end="")
            # Errors quote YAML names and Wix's own error texts: untrusted.
            console.print(safe_text(str(exc), keep_newlines=True))
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            make_console(stderr=True).print("Interrupted.")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


site_option = click.option(
    "--site",
    metavar="NAME",
    help=(
        "Site from inventory-as-code.toml, or 'local' for the embedded local store. "
        "Default: WIX_API_KEY/WIX_SITE_ID when set, else the embedded local store."
    ),
)
