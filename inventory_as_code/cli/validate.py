"""``inventory-as-code validate [DIR]``: check the desired state offline.

Reads every YAML file of the project folder (the current folder by default),
checks it against the schema and the rules Wix would enforce, and prints every
problem with file, line, column, the path inside the document, what is wrong
and how to fix it. Nothing is sent anywhere; no credentials are needed.

Exit codes: 0 the project is valid, 1 problems were found, 2 usage error.

Formats: ``text`` for people, ``github`` for GitHub Actions (workflow
commands, so each problem is annotated on the pull request diff), ``json`` for
tools.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import click

from inventory_as_code.config import Problem, ValidationResult, check_project
from inventory_as_code.site import PROJECT_CONFIG, SiteError, load_guard_rails, load_sites

EXIT_OK, EXIT_INVALID = 0, 1


@click.command("validate")
@click.argument(
    "directory",
    required=False,
    default=".",
    metavar="[DIR]",
    type=click.Path(path_type=Path),
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text for people, github for GitHub Actions annotations, json for tools.",
)
def validate_command(directory: Path, output_format: str) -> None:
    """Check the YAML desired state in DIR (default: the current folder), offline.

    Every problem at once, with file:line:column, what is wrong and how to
    fix it. Exit code 0 when valid, 1 when problems were found.

    \b
    Examples:
      inventory-as-code validate examples/corner-bookshop
      inventory-as-code validate --format github     # annotations on a pull request
    """
    result = check_project(directory)
    config_problems = project_config_problems(directory)
    if config_problems:
        result = replace(result, problems=result.problems + tuple(config_problems))
    if output_format == "json":
        click.echo(json.dumps(_as_json(result, directory), indent=2, ensure_ascii=False))
    elif output_format == "github":
        for problem in result.problems:
            click.echo(github_annotation(problem, _shown(directory, problem.file)))
        click.echo(summary(result))
    else:
        for problem in result.problems:
            click.echo(text_block(problem, _shown(directory, problem.file)))
        if result.problems:
            click.echo()
        click.secho(summary(result), fg="red" if result.problems else "green", bold=True)
    raise SystemExit(EXIT_OK if result.ok else EXIT_INVALID)


def project_config_problems(directory: Path) -> list[Problem]:
    """Problems of inventory-as-code.toml (sites, guard rails), so pre-commit catches them too."""
    try:
        sites = load_sites(directory)
        for site in (None, *sites.values()):
            load_guard_rails(directory, site)
    except SiteError as exc:
        message = str(exc).removeprefix(f"{directory / PROJECT_CONFIG}: ")
        return [
            Problem(
                file=PROJECT_CONFIG,
                line=0,
                column=0,
                path="",
                message=message,
                hint="see the README, section 'Pointing it at a real Wix site'",
            )
        ]
    return []


def _shown(directory: Path, file: str) -> str:
    """The file as the user can open it: under DIR, relative to the current folder if inside it."""
    if not file:
        return str(directory)
    path = os.path.normpath(os.path.join(directory, file))
    if os.path.isabs(path):
        try:
            return Path(path).relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path
    return Path(path).as_posix()


def text_block(problem: Problem, shown_file: str) -> str:
    """``file:line:col: path: message`` then an indented ``Fix:`` line."""
    where = f"{shown_file}:{problem.line}:{problem.column}" if problem.line else shown_file
    head = (
        f"{where}: {problem.path}: {problem.message}"
        if problem.path
        else f"{where}: {problem.message}"
    )
    return f"{head}\n    Fix: {problem.hint}" if problem.hint else head


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem, shown_file: str) -> str:
    """A GitHub Actions ``::error`` workflow command for one problem."""
    props = []
    if problem.file:
        props.append(f"file={_escape_property(shown_file)}")
    if problem.line:
        props += [f"line={problem.line}", f"col={problem.column}"]
    title = f"inventory-as-code: {problem.path}" if problem.path else "inventory-as-code"
    props.append(f"title={_escape_property(title)}")
    message = problem.message + (f"\nFix: {problem.hint}" if problem.hint else "")
    if not problem.file:
        message = f"{shown_file}: {message}"
    return f"::error {','.join(props)}::{_escape_data(message)}"


def summary(result: ValidationResult) -> str:
    if not result.ok:
        files = {p.file for p in result.problems}
        count = len(result.problems)
        noun = "problem" if count == 1 else "problems"
        where = f"in {len(files)} file{'s' if len(files) != 1 else ''}" if all(files) else "found"
        return f"{count} {noun} {where}."
    state = result.state
    assert state is not None
    return (
        f"OK: {_n(len(result.files), 'file')}, {_n(len(state.locations), 'location')}, "
        f"{_n(len(state.products), 'product')}, {_n(state.variant_count, 'variant')}, "
        f"{_n(state.stock_entry_count, 'stock entry', 'stock entries')}."
    )


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


def _as_json(result: ValidationResult, directory: Path) -> dict[str, object]:
    state = result.state
    return {
        "ok": result.ok,
        "problems": [
            {
                "file": _shown(directory, p.file) if p.file else None,
                "line": p.line or None,
                "column": p.column or None,
                "path": p.path,
                "message": p.message,
                "hint": p.hint,
            }
            for p in result.problems
        ],
        "summary": {
            "files": len(result.files),
            "locations": len(state.locations) if state else None,
            "products": len(state.products) if state else None,
            "variants": state.variant_count if state else None,
            "stock_entries": state.stock_entry_count if state else None,
        },
    }
