"""`inventory-as-code apply`: make the live store match the YAML, or a saved plan."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from inventory_as_code._terminal import safe_json, safe_text
from inventory_as_code.apply.calls import Batch
from inventory_as_code.apply.report import ApplyReport, render_report
from inventory_as_code.cli._common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_REFUSED,
    handle_errors,
    in_ci,
    make_console,
    site_option,
)
from inventory_as_code.cli.plan import make_plan
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.render_text import render_text
from inventory_as_code.plan.saved import PlanFileError, read_plan_file
from inventory_as_code.site import connect
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import apply_plan, require_catalog_v3


def _progress_printer(client: WixClient) -> object:
    console = make_console(stderr=True)
    rate = client.limiter.rate_per_second

    def report(done: int, total: int, batch: Batch) -> None:
        left = total - done
        eta = left / rate if rate < 1000 else 0.0
        line = f"[{done + 1}/{total}] {batch.step.endpoint} ({batch.size} item(s))"
        if eta >= 1:
            line += f", about {eta:.0f} s of calls left at the rate limit"
        if console.is_terminal and not in_ci():
            console.print(line, style="dim", end="\r")
        else:
            console.print(line)

    return report


def _refuse(message: str) -> None:
    console = make_console(stderr=True)
    console.print("Refused: ", style="bold red", end="")
    console.print(safe_text(message))
    raise SystemExit(EXIT_REFUSED)


def _execute(
    client: WixClient,
    plan: Plan,
    *,
    all_or_nothing: bool,
    check_after: bool,
    report_json: Path | None,
    fmt: str,
) -> None:
    report = apply_plan(
        client,
        plan,
        progress=_progress_printer(client),  # type: ignore[arg-type]
        all_or_nothing=all_or_nothing,
        check_after=check_after,
    )
    _finish(report, report_json, fmt)


def _finish(report: ApplyReport, report_json: Path | None, fmt: str) -> None:
    if report_json is not None:
        report_json.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    if fmt == "json":
        click.echo(safe_json(report.to_dict(), indent=2))
    else:
        make_console().print(render_report(report), end="")
    raise SystemExit(report.exit_code)


@click.command("apply")
@click.argument("source", type=click.Path(exists=True, path_type=Path), default=".", required=False)
@site_option
@click.option("--auto-approve", is_flag=True, help="Apply without asking (for CI).")
@click.option("--force", is_flag=True, help="Apply even though the plan trips guard rails.")
@click.option(
    "--all-or-nothing",
    is_flag=True,
    help="Check every object the plan observed first; apply nothing if any of them moved.",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="ADDRESS",
    help="With a folder: apply only the changes of these objects, e.g. "
    "--target 'product[\"organic-tee\"]'. Repeatable.",
)
@click.option(
    "--no-verify",
    is_flag=True,
    help="Skip reading back what was written (on by default: a few reads per 100 products "
    "written; differences from the plan are reported and exit 3).",
)
@click.option(
    "--report-json",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the report (every change and its outcome) as JSON to this file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the report.",
)
@handle_errors
def apply_command(
    source: Path,
    site: str | None,
    auto_approve: bool,
    force: bool,
    all_or_nothing: bool,
    targets: tuple[str, ...],
    no_verify: bool,
    report_json: Path | None,
    fmt: str,
) -> None:
    """Make the live store match the YAML (SOURCE a folder) or a saved plan (SOURCE a file).

    Given a folder, plans, shows the plan and asks before applying
    (--auto-approve skips the question). Given a plan saved by `plan --out`,
    applies exactly that plan, refusing it if it was made for another site,
    was edited, or trips guard rails (without --force). Objects that changed
    since the plan (a sale, an edit) are reported stale and left as they are.

    \b
    Afterwards everything written is read back and compared with the plan
    (--no-verify skips it).

    \b
    Exit codes: 0 all applied, 1 error (nothing applied), 3 partly applied or
    read back differently from the plan, 4 refused (stale or unsafe plan).

    \b
    Examples:
      inventory-as-code apply examples/corner-bookshop
      inventory-as-code plan --out plan.json && inventory-as-code apply plan.json
      inventory-as-code apply --site production --auto-approve
    """
    err = make_console(stderr=True)
    if source.is_file() and targets:
        err.print(
            "--target selects changes while planning; a saved plan is applied whole. "
            "Make the plan with plan --target --out instead."
        )
        raise SystemExit(EXIT_ERROR)
    if source.is_file():
        try:
            plan, _ = read_plan_file(source)
        except PlanFileError as exc:
            _refuse(str(exc))
        project = Path(str(plan.metadata.get("project") or "."))
        if not project.is_dir():
            project = Path(".")
        if site is None and plan.metadata.get("site_name") not in (None, "env"):
            site = str(plan.metadata["site_name"])  # the site the plan was made for
        client, target = connect(project, site)
        try:
            err.print(f"Using {target.description}.")
            if plan.site != target.site_id:
                _refuse(
                    f"{source} was made for site {plan.site!r}, but this run talks to "
                    f"{target.site_id!r}. Plan again against this site."
                )
            require_catalog_v3(client)
        except BaseException:
            client.close()
            raise
    else:
        plan, client, target, _ = make_plan(source, site, targets)
        make_console().print(render_text(plan), end="")
    with client:
        if plan.empty:
            raise SystemExit(EXIT_OK)
        if plan.guard_rails and not force:
            _refuse(
                "the plan trips guard rails ("
                + ", ".join(r.code for r in plan.guard_rails)
                + "). Review them, then apply with --force if they are intended."
            )
        if not source.is_file() and not auto_approve:
            if not sys.stdin.isatty():
                err.print(
                    "Refusing to apply without confirmation: no terminal to ask on. "
                    "Pass --auto-approve to apply from a script or CI."
                )
                raise SystemExit(EXIT_ERROR)
            if not click.confirm(f"Apply these changes to {target.description}?", default=False):
                err.print("Nothing applied.")
                raise SystemExit(EXIT_OK)
        _execute(
            client,
            plan,
            all_or_nothing=all_or_nothing,
            check_after=not no_verify,
            report_json=report_json,
            fmt=fmt,
        )
