"""`inventory-as-code check`: live checks of the store against the YAML. Changes nothing.

Exit codes: 0 every check passes, 2 stock at or below its reorder point
(the report lists it), 1 error. A scheduled workflow runs it and opens or
updates an issue with the Markdown report (examples/ci/github/check.yml).
"""

from __future__ import annotations

from pathlib import Path

import click

from inventory_as_code._terminal import safe_json, safe_text
from inventory_as_code.checks.report import markdown, report_dict, text_lines
from inventory_as_code.checks.run import check_project
from inventory_as_code.cli._common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    handle_errors,
    make_console,
    print_problems,
    site_option,
)
from inventory_as_code.cli._progress import read_progress
from inventory_as_code.errors import ConfigError
from inventory_as_code.site import ENV_SITE, connect


@click.command("check")
@click.argument(
    "project", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@site_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for people, markdown for an issue or a job summary, json for tools "
    "(schemas/check.schema.json).",
)
@handle_errors
def check_command(project: Path, site: str | None, fmt: str) -> None:
    """Check the live store against the YAML's live checks. Changes nothing.

    Reports every stock item at or below its reorder point (reorder_point in
    the YAML, per location, product or variant). Reads only the products
    that have one. Exit codes: 0 all is well, 2 stock to reorder (listed),
    1 error.

    \b
    Examples:
      inventory-as-code check
      inventory-as-code check --site production --format markdown >> "$GITHUB_STEP_SUMMARY"
      inventory-as-code check --site production --format json > low-stock.json
    """
    err = make_console(stderr=True)
    client, target = connect(project, site)
    # With --format json or markdown, stdout holds the report alone.
    status = err if fmt != "text" else make_console()
    status.print(f"Using {safe_text(target.description)}.")
    with client:
        try:
            with read_progress(err) as progress:
                result = check_project(client, project, progress=progress)
        except ConfigError as exc:
            print_problems(exc.problems, project)
            err.print(
                f"{len(exc.problems)} problem(s) in the YAML; run `inventory-as-code validate`."
            )
            raise SystemExit(EXIT_ERROR) from None
    name = target.name if target.name != ENV_SITE else target.site_id
    if fmt == "json":
        body = report_dict(result.low, result.checked, target.site_id, name)
        click.echo(safe_json(body, indent=2))
    elif fmt == "markdown":
        title = f"inventory-as-code check for site `{safe_text(name).replace('`', '')}`"
        click.echo(
            safe_text(markdown(result.low, result.checked, title), keep_newlines=True), nl=False
        )
    else:
        console = make_console()
        for line in text_lines(result.low, result.checked):
            console.print(safe_text(line), style="yellow" if result.low else None)
    raise SystemExit(EXIT_CHANGES if result.low else EXIT_OK)
