"""`inventory-as-code fmt [DIR]`: the project's YAML in the canonical layout."""

from __future__ import annotations

from pathlib import Path

import click

from inventory_as_code._terminal import safe_text
from inventory_as_code.cli._common import (
    EXIT_ERROR,
    handle_errors,
    make_console,
    print_problems,
)
from inventory_as_code.config.formatting import format_project, unified_diff, write_formatted
from inventory_as_code.errors import ConfigError


@click.command("fmt")
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; list the files that are not in the canonical layout and exit 1 "
    "if there are any (for CI and pre-commit).",
)
@click.option("--diff", is_flag=True, help="Print each change as a unified diff.")
@handle_errors
def fmt_command(directory: Path, check: bool, diff: bool) -> None:
    """Rewrite the project's YAML files in the canonical layout.

    Only layout changes: two spaces per level, no trailing whitespace, one
    newline at the end (docs/format.md, "fmt"). Comments, quotes, key order
    and flow or block style stay as written. Before writing, every file and
    the whole project are read again: if anything would mean something else,
    nothing is written. Only the files validate reads are touched; a project
    with problems is not formatted. Lists the files it changes.

    \b
    Examples:
      inventory-as-code fmt
      inventory-as-code fmt my-store --diff
      inventory-as-code fmt --check        # in CI: exit 1 when a file is not formatted
    """
    err = make_console(stderr=True)
    try:
        result = format_project(directory)
    except ConfigError as exc:
        print_problems(exc.problems, directory)
        err.print(
            f"{len(exc.problems)} problem(s) in the YAML; fmt formats a project that "
            "validates. Nothing was written."
        )
        raise SystemExit(EXIT_ERROR) from None
    for left in result.left_alone:
        err.print(f"note: {directory / left.rel}: left as it is: {left.reason}.")
    for file in result.changed:
        click.echo(safe_text(str(directory / file.rel)))
        if diff:  # the YAML's own text: terminal-safe as every name printed
            click.echo(safe_text(unified_diff(file), keep_newlines=True), nl=False)
    total = result.files
    if check:
        if result.changed:
            err.print(
                f"{len(result.changed)} of {total} file(s) not formatted; "
                f"`inventory-as-code fmt {directory}` formats them."
            )
            raise SystemExit(EXIT_ERROR)
        err.print(f"All {total} file(s) are formatted.")
        return
    if not result.changed:
        err.print(f"All {total} file(s) are formatted.")
        return
    failures = write_formatted(result)
    for failure in failures:
        err.print(f"Error: {directory / failure.rel}: not formatted: {failure.reason}.")
    err.print(f"Formatted {len(result.changed) - len(failures)} of {total} file(s).")
    if failures:
        raise SystemExit(EXIT_ERROR)
