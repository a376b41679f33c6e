"""`inventory-as-code combine REPORT...`: the fleet reports of a CI matrix's shards as one.

Each job of the matrix runs ``plan --all-sites --shard I/N --format json``
(or ``apply --all-sites --shard I/N --report-json``); a last job gives every
report to ``combine``, which prints one report: Markdown for one pull-request
comment (default), text, or JSON. Offline: it reads the files and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import click

from inventory_as_code._terminal import safe_json
from inventory_as_code.cli._common import EXIT_OK, fail, handle_errors, make_console
from inventory_as_code.fleet.render import fleet_markdown, site_text, summary_text
from inventory_as_code.fleet.report import ReportError, combine, read_report
from inventory_as_code.plan.render_markdown import GITHUB_COMMENT_LIMIT

MAX_REPORT_BYTES = 256 * 1024 * 1024


@click.command("combine")
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "text", "json"]),
    default="markdown",
    show_default=True,
    help="markdown for one pull-request comment, text for a log, json for tools.",
)
@click.option(
    "--max-length",
    type=click.IntRange(min=1000),
    default=GITHUB_COMMENT_LIMIT,
    show_default=True,
    metavar="CHARS",
    help="With --format markdown: fit the comment into CHARS characters.",
)
@click.option(
    "--exit-code",
    "with_exit_code",
    is_flag=True,
    help="Exit with the combined run's exit code (as the fleet's plan or apply would), "
    "instead of 0.",
)
@handle_errors
def combine_command(
    reports: tuple[Path, ...], fmt: str, max_length: int, with_exit_code: bool
) -> None:
    """Combine the fleet reports of several shards into one report.

    REPORTS are the JSON files of `plan --all-sites --format json` or `apply
    --all-sites --report-json` of every job of a CI matrix (--shard I/N).
    Every site must be in one report only; a shard of the matrix without a
    report is named in the result. Exit 0 (with --exit-code: the fleet's exit
    code), 1 when a file is not a fleet report or the reports do not fit together.

    \b
    Examples:
      inventory-as-code combine reports/*.json > comment.md
      inventory-as-code combine report-1.json report-2.json --format text --exit-code
    """
    given = []
    for path in reports:
        try:
            if path.stat().st_size > MAX_REPORT_BYTES:
                fail(f"{path}: larger than {MAX_REPORT_BYTES >> 20} MiB; not a fleet report.")
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc}).")
        try:
            given.append((str(path), read_report(text, str(path))))
        except ReportError as exc:
            fail(str(exc))
    try:
        report = combine(given)
    except ReportError as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(safe_json(report.to_dict(), indent=2))
    elif fmt == "markdown":
        click.echo(fleet_markdown(report, limit=max_length), nl=False)
    else:
        out = make_console()
        for site in report.sites:
            out.print(site_text(site), end="")
        out.print(summary_text(report), end="")
    raise SystemExit(report.exit_code if with_exit_code else EXIT_OK)
