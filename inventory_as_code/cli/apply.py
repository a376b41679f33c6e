"""`inventory-as-code apply`: make the live store match the YAML, or a saved plan.

A saved plan (``apply FILE``) is not trusted with the store (see
:mod:`inventory_as_code.plan.binding`): the site, base URL and credentials
come from the command line and the checked-out project (``--project``), the
plan is made again from that project's YAML against the live store, and only
the saved changes that plan also makes are executed, guarded by the saved
revisions. Guard rails are checked on what is executed, with the project's
acceptances.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from inventory_as_code._terminal import safe_json
from inventory_as_code.apply.calls import Batch
from inventory_as_code.apply.report import (
    ApplyReport,
    is_report_head,
    render_report,
)
from inventory_as_code.cli._common import (
    EXIT_ERROR,
    EXIT_OK,
    check_output_path,
    fail,
    handle_errors,
    in_ci,
    make_console,
    site_option,
)
from inventory_as_code.cli._saved_plan import bound_saved_plan, refuse
from inventory_as_code.cli.fleet import check_fleet_flags, fleet_apply, fleet_options
from inventory_as_code.cli.plan import make_plan, rules_refusal
from inventory_as_code.fleet.run import FleetOptions
from inventory_as_code.plan.guard_rails import blocking_rails
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.plan_json import buffered
from inventory_as_code.plan.render_text import render_text
from inventory_as_code.plan.saved_digest import SavedChange
from inventory_as_code.rules.evaluate import blocking_rules
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import NOT_IN_CURRENT_PLAN as NOT_IN_CURRENT_PLAN
from inventory_as_code.workflow import apply_plan


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


def _execute(
    client: WixClient,
    plan: Plan,
    *,
    all_or_nothing: bool,
    check_after: bool,
    report_json: Path | None,
    fmt: str,
    skipped: tuple[SavedChange, ...] = (),
) -> None:
    report = apply_plan(
        client,
        plan,
        progress=_progress_printer(client),  # type: ignore[arg-type]
        all_or_nothing=all_or_nothing,
        check_after=check_after,
        skipped=skipped,
    )
    _finish(report, report_json, fmt)


def _finish(
    report: ApplyReport, report_json: Path | None, fmt: str, *, quiet: bool = False
) -> NoReturn:
    """Print the report (unless ``quiet`` in text), write ``--report-json``, exit with its code."""
    if fmt == "json":
        # Written as it is encoded: a report of 420,000 outcomes is never one string.
        for chunk in buffered(report.json_chunks(lambda value: safe_json(value, indent=2))):
            click.echo(chunk, nl=False)
        click.echo("")
    elif not quiet:
        make_console().print(render_report(report), end="")
    if report_json is not None:
        try:
            with report_json.open("w", encoding="utf-8") as out:
                for chunk in buffered(report.json_chunks()):
                    out.write(chunk)
                out.write("\n")
        except OSError as exc:
            # After the writes: the outcome above stands, and must not end in a traceback.
            fail(
                f"--report-json {report_json}: the report could not be written "
                f"({exc.strerror or exc}); what apply did is printed above.",
                report.exit_code or EXIT_ERROR,
            )
    raise SystemExit(report.exit_code)


def _refuse_rails(plan: Plan) -> None:
    blocking = blocking_rails(plan)
    if not blocking:
        return
    names = ", ".join(f"{r.code} ({r.kind})" if r.kind else r.code for r in blocking)
    lines = [f"the plan trips guard rails that no acceptance covers: {names}."]
    lines += [f"  {r.code}: {r.message}" for r in blocking]
    lines.append(
        "If this is intended, accept each rail in inventory-as-code.toml, in a reviewed change "
        "([[guard_rails.accept]] with rail, kind, max = the number of objects, reason), or "
        "apply with --force at a terminal."
    )
    refuse("\n".join(lines))


@click.command("apply")
@click.argument("source", type=click.Path(exists=True, path_type=Path), default=".", required=False)
@site_option
@click.option(
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    help="With a saved plan: the checked-out project (YAML and inventory-as-code.toml) the plan "
    "must agree with, and whose site settings and guard rail acceptances are used. "
    "Default: the current folder.",
)
@click.option("--auto-approve", is_flag=True, help="Apply without asking (for CI).")
@click.option(
    "--force",
    is_flag=True,
    help="Apply even though the plan trips guard rails or soft rules (for a person at a "
    "terminal; in CI, accept them in inventory-as-code.toml instead, where it is reviewed). "
    "A hard rule is never forced.",
)
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
@click.option(
    "--changed-since",
    metavar="GIT_REF",
    help="With --all-sites: only the sites (and products) whose YAML differs between this "
    "git commit and the working tree, as `plan --changed-since` plans them.",
)
@fleet_options
@handle_errors
def apply_command(
    source: Path,
    site: str | None,
    project: Path | None,
    auto_approve: bool,
    force: bool,
    all_or_nothing: bool,
    targets: tuple[str, ...],
    no_verify: bool,
    report_json: Path | None,
    fmt: str,
    changed_since: str | None,
    all_sites: bool,
    shard: str | None,
    jobs: int | None,
) -> None:
    """Make the live store match the YAML (SOURCE a folder) or a saved plan (SOURCE a file).

    Given a folder, plans, shows the plan and asks before applying
    (--auto-approve skips the question). Given a plan saved by `plan --out`,
    plans again from the checked-out project (--project, default the current
    folder) and applies the saved changes that plan also makes; it refuses a
    plan made for another site, a plan whose changes the YAML does not make
    (an edited plan), and guard rails that inventory-as-code.toml does not
    accept (without --force). Site and credentials come from --site and the
    project, never from the plan file. Objects that changed since the plan (a
    sale, an edit) are reported stale and left as they are.

    \b
    Afterwards everything written is read back and compared with the plan
    (--no-verify skips it).

    \b
    Exit codes: 0 all applied, 1 error (nothing applied), 3 partly applied or
    read back differently from the plan, 4 refused (stale, edited or unsafe
    plan: nothing applied).

    \b
    Examples:
      inventory-as-code apply examples/corner-bookshop
      inventory-as-code plan --out plan.json && inventory-as-code apply plan.json
      inventory-as-code apply plan.json --site production --project inventory
      inventory-as-code apply --site production --auto-approve
      inventory-as-code apply --all-sites --auto-approve --report-json fleet.json
      inventory-as-code apply plans --all-sites --project inventory
    """
    chosen = check_fleet_flags(all_sites, site, shard, jobs, **{"--changed-since": changed_since})
    if all_sites:
        fleet_apply(
            source,
            project,
            chosen,
            jobs,
            auto_approve=auto_approve,
            options=FleetOptions(
                targets=targets,
                changed_since=changed_since,
                force=force,
                all_or_nothing=all_or_nothing,
                check_after=not no_verify,
            ),
            report_json=report_json,
            fmt=fmt,
        )
    err = make_console(stderr=True)
    if source.is_file() and targets:
        fail(
            "--target selects changes while planning; a saved plan is applied whole. "
            "Make the plan with plan --target --out instead."
        )
    if not source.is_file() and project is not None:
        fail(f"--project is for a saved plan; here the project is {source}.")
    check_output_path(
        "--report-json", report_json, "nothing applied.", ours=is_report_head, kind="a report"
    )
    # With --format json, stdout holds the report alone: everything else goes to stderr.
    out = make_console(stderr=fmt == "json")
    skipped: tuple[SavedChange, ...] = ()
    if source.is_file():
        plan, binding, client, target = bound_saved_plan(source, project or Path("."), site)
        skipped = binding.skipped
    else:
        plan, client, target, _ = make_plan(source, site, targets, to_stderr=fmt == "json")
        out.print(render_text(plan), end="")
    with client:
        if plan.empty and not skipped:
            if source.is_file():  # a folder's plan already said "No changes."
                out.print(f"No changes to apply: {source} holds none.")
            _finish(ApplyReport(), report_json, fmt, quiet=True)
        if not force:
            _refuse_rails(plan)
        # A hard rule is refused even with --force; a soft one as a rail is.
        trips = blocking_rules(plan, forced=force)
        if trips:
            refuse(rules_refusal(trips))
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
            skipped=skipped,
        )
