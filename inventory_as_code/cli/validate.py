"""``inventory-as-code validate [DIR]``: check the desired state offline.

Reads the project's YAML files in the folder (the current folder by default),
checks them against the schema and the rules Wix would enforce, and prints
every problem with file, line, column, the path inside the document, what is
wrong and how to fix it. Nothing is sent anywhere; no credentials are needed.

Three levels: problems fail the run; warnings (legal but likely wrong) are
shown and fail only with ``--strict``; notes say what was skipped and why.

Exit codes: 0 the project is valid, 1 problems were found (or warnings with
--strict), 2 usage error.

Formats: ``text`` for people, ``github`` for GitHub Actions (workflow
commands, so each problem and warning is annotated on the pull request diff),
``json`` for tools. Everything taken from the YAML is made terminal-safe.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import click

from inventory_as_code._terminal import safe_json, safe_text
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
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
def validate_command(directory: Path, output_format: str, strict: bool) -> None:
    """Check the YAML desired state in DIR (default: the current folder), offline.

    Every problem at once, with file:line:column, what is wrong and how to
    fix it; then warnings (legal but likely wrong: SKUs with spaces,
    look-alike names, unused locations) and notes (files skipped, and why).
    Exit code 0 when valid, 1 when problems were found (or warnings, with
    --strict).

    \b
    Examples:
      inventory-as-code validate examples/corner-bookshop
      inventory-as-code validate --format github     # annotations on a pull request
      inventory-as-code validate --strict            # warnings fail too
    """
    result = check_project(directory)
    if not any(p.file == PROJECT_CONFIG for p in result.problems):
        config_problems = project_config_problems(directory)
        if config_problems:
            result = replace(result, problems=result.problems + tuple(config_problems))
    failed = not result.ok or (strict and bool(result.warnings))
    if output_format == "json":
        click.echo(safe_json(_as_json(result, directory, strict, failed), indent=2))
    elif output_format == "github":
        for problem in result.problems:
            click.echo(github_annotation(problem, _shown(directory, problem.file)))
        for warning in result.warnings:
            click.echo(github_annotation(warning, _shown(directory, warning.file), "warning"))
        for note in result.notes:
            click.echo(github_annotation(note, _shown(directory, note.file), "notice"))
        click.echo(summary(result, strict))
    else:
        for problem in result.problems:
            click.echo(text_block(problem, _shown(directory, problem.file)))
        for warning in result.warnings:
            click.echo(text_block(warning, _shown(directory, warning.file), "warning"))
        for note in result.notes:
            click.echo(text_block(note, _shown(directory, note.file), "note"))
        if result.problems or result.warnings or result.notes:
            click.echo()
        colour = "red" if failed else "yellow" if result.warnings else "green"
        click.secho(summary(result, strict), fg=colour, bold=True)
    raise SystemExit(EXIT_INVALID if failed else EXIT_OK)


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


def text_block(problem: Problem, shown_file: str, level: str = "") -> str:
    """``file:line:col: [level: ]path: message`` then an indented ``Fix:`` line."""
    where = f"{shown_file}:{problem.line}:{problem.column}" if problem.line else shown_file
    parts = [safe_text(where)]
    if level:
        parts.append(level)
    if problem.path:
        parts.append(safe_text(problem.path))
    head = ": ".join(parts) + ": " + safe_text(problem.message)
    return f"{head}\n    Fix: {safe_text(problem.hint)}" if problem.hint else head


def _escape_data(text: str) -> str:
    return (
        safe_text(text, keep_newlines=True)
        .replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
    )


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem, shown_file: str, level: str = "error") -> str:
    """A GitHub Actions ``::error`` (``::warning``, ``::notice``) workflow command."""
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
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def summary(result: ValidationResult, strict: bool = False) -> str:
    count = len(result.warnings)
    warned = f"{count} warning{'s' if count != 1 else ''}" if count else ""
    if strict and count:
        warned += " (--strict: warnings fail)"
    if not result.ok:
        files = {p.file for p in result.problems}
        count = len(result.problems)
        noun = "problem" if count == 1 else "problems"
        where = f"in {len(files)} file{'s' if len(files) != 1 else ''}" if all(files) else "found"
        return f"{count} {noun} {where}" + (f", {warned}." if warned else ".")
    state = result.state
    assert state is not None
    skipped = sum(1 for note in result.notes if note.message.startswith("skipped"))
    extra = [part for part in (warned, f"{skipped} skipped" if skipped else "") if part]
    return (
        f"OK: {_n(len(result.files), 'file')}, {_n(len(state.locations), 'location')}, "
        f"{_n(len(state.products), 'product')}, {_n(state.variant_count, 'variant')}, "
        f"{_n(state.stock_entry_count, 'stock entry', 'stock entries')}"
        + (f"; {', '.join(extra)}." if extra else ".")
    )


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


def _entries(problems: tuple[Problem, ...], directory: Path) -> list[dict[str, object]]:
    return [
        {
            "file": _shown(directory, p.file) if p.file else None,
            "line": p.line or None,
            "column": p.column or None,
            "path": p.path,
            "message": p.message,
            "hint": p.hint,
        }
        for p in problems
    ]


def _as_json(
    result: ValidationResult, directory: Path, strict: bool, failed: bool
) -> dict[str, object]:
    state = result.state
    return {
        "ok": not failed,
        "strict": strict,
        "problems": _entries(result.problems, directory),
        "warnings": _entries(result.warnings, directory),
        "notes": _entries(result.notes, directory),
        "summary": {
            "files": len(result.files),
            "locations": len(state.locations) if state else None,
            "products": len(state.products) if state else None,
            "variants": state.variant_count if state else None,
            "stock_entries": state.stock_entry_count if state else None,
            "warnings": len(result.warnings),
        },
    }
