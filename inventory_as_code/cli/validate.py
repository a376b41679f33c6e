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

A project whose sites have overlays (``[sites.NAME] overlay``) is checked as
the base catalogue and as each such site's merged result; what a site adds
to the catalogue's findings is listed under its name.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import click

from inventory_as_code._terminal import safe_json, safe_text
from inventory_as_code.config import Problem, ValidationResult, check_project
from inventory_as_code.config.loader import Catalogue
from inventory_as_code.config.problems import ProblemCollector
from inventory_as_code.config.projectfile import project_settings
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
    result, sites = check_with_sites(directory)
    if not any(p.file == PROJECT_CONFIG for p in result.problems):
        config_problems = project_config_problems(directory)
        if config_problems:
            result = replace(result, problems=result.problems + tuple(config_problems))
    failed = any(
        not r.ok or (strict and bool(r.warnings)) for r in (result, *(r for _, r in sites))
    )
    if output_format == "json":
        body = _as_json(result, directory, strict, failed)
        if sites:
            body["sites"] = {
                name: _as_json(
                    own, directory, strict, not own.ok or (strict and bool(own.warnings))
                )
                for name, own in sites
            }
        click.echo(safe_json(body, indent=2))
    elif output_format == "github":
        for label, own in [("", result), *sites]:
            for problem in own.problems:
                click.echo(github_annotation(problem, _shown(directory, problem.file), site=label))
            for warning in own.warnings:
                shown = _shown(directory, warning.file)
                click.echo(github_annotation(warning, shown, "warning", site=label))
            for note in own.notes:
                shown = _shown(directory, note.file)
                click.echo(github_annotation(note, shown, "notice", site=label))
        click.echo(summary(result, strict) + sites_summary(sites, strict))
    else:
        for label, own in [("", result), *sites]:
            if label and (own.problems or own.warnings or own.notes):
                click.secho(f"Site {label} (its overlay merged onto the catalogue):", bold=True)
            for problem in own.problems:
                click.echo(text_block(problem, _shown(directory, problem.file)))
            for warning in own.warnings:
                click.echo(text_block(warning, _shown(directory, warning.file), "warning"))
            for note in own.notes:
                click.echo(text_block(note, _shown(directory, note.file), "note"))
        if any(r.problems or r.warnings or r.notes for r in (result, *(r for _, r in sites))):
            click.echo()
        warned = any(r.warnings for r in (result, *(r for _, r in sites)))
        colour = "red" if failed else "yellow" if warned else "green"
        click.secho(summary(result, strict) + sites_summary(sites, strict), fg=colour, bold=True)
    raise SystemExit(EXIT_INVALID if failed else EXIT_OK)


def check_with_sites(
    directory: Path,
) -> tuple[ValidationResult, list[tuple[str, ValidationResult]]]:
    """The base catalogue's result, and each overlay site's findings beyond it.

    A site's result keeps only what the base's does not hold (its own files'
    problems, and what merging made wrong), with the site's model.
    """
    quiet = ProblemCollector()
    settings = project_settings(directory, quiet, quiet) if directory.is_dir() else None
    names = sorted({o.site for o in settings.overlays}) if settings is not None else []
    if not names:
        return check_project(directory), []
    catalogue = Catalogue(directory)
    result = catalogue.check(None)
    sites = []
    for name in names:
        own = catalogue.check(name)
        sites.append(
            (
                name,
                replace(
                    own,
                    problems=tuple(p for p in own.problems if p not in set(result.problems)),
                    warnings=tuple(p for p in own.warnings if p not in set(result.warnings)),
                    notes=tuple(p for p in own.notes if p not in set(result.notes)),
                    files=tuple(f for f in own.files if f not in set(result.files)),
                ),
            )
        )
    return result, sites


def sites_summary(sites: list[tuple[str, ValidationResult]], strict: bool) -> str:
    """`` Sites: de OK, fr: 2 problems.`` after the catalogue's summary line."""
    if not sites:
        return ""
    parts = []
    for name, own in sites:
        if own.problems:
            count = len(own.problems)
            parts.append(f"{name}: {count} problem{'s' if count != 1 else ''}")
        elif own.warnings:
            count = len(own.warnings)
            failing = " (--strict: warnings fail)" if strict else ""
            parts.append(f"{name}: {count} warning{'s' if count != 1 else ''}{failing}")
        else:
            state = own.state
            products = f" ({_n(len(state.products), 'product')})" if state is not None else ""
            parts.append(f"{name} OK{products}")
    return " Sites: " + ", ".join(parts) + "."


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


def github_annotation(
    problem: Problem, shown_file: str, level: str = "error", *, site: str = ""
) -> str:
    """A GitHub Actions ``::error`` (``::warning``, ``::notice``) workflow command."""
    props = []
    if problem.file:
        props.append(f"file={_escape_property(shown_file)}")
    if problem.line:
        props += [f"line={problem.line}", f"col={problem.column}"]
    tool = f"inventory-as-code (site {site})" if site else "inventory-as-code"
    title = f"{tool}: {problem.path}" if problem.path else tool
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
