"""`plan --all-sites` and `apply --all-sites`: every site of the toml in one run.

The sites run concurrently (:mod:`inventory_as_code.fleet.run`); this module
checks the command line, prints a line per site as it finishes (stderr),
then one report grouped by site (text, Markdown or JSON, stdout) and exits
with the fleet's one exit code (:mod:`inventory_as_code.fleet.outcome`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import click

from inventory_as_code._terminal import safe_json, safe_text
from inventory_as_code.cli._common import (
    EXIT_ERROR,
    EXIT_OK,
    F,
    check_output_path,
    fail,
    make_console,
)
from inventory_as_code.fleet.outcome import Outcome, SiteResult
from inventory_as_code.fleet.render import (
    WORDS,
    fleet_markdown,
    ordered,
    site_text,
    summary_text,
)
from inventory_as_code.fleet.report import FleetReport, is_fleet_report_head
from inventory_as_code.fleet.run import (
    DEFAULT_JOBS,
    MIN_SITE_MARKDOWN,
    Fleet,
    FleetOptions,
    SiteRun,
)
from inventory_as_code.fleet.saved import (
    IndexEntry,
    PlansFolderError,
    has_index,
    plan_file_name,
    prepare_folder,
    read_index,
    write_index,
)
from inventory_as_code.fleet.shard import Shard, ShardError, parse_shard, select
from inventory_as_code.live.place import Refresh
from inventory_as_code.plan.saved import plan_key, write_plan_file
from inventory_as_code.site import SiteSettings, fleet_sites


def fleet_options(command: F) -> F:
    """``--all-sites``, ``--shard I/N`` and ``--jobs N``, on `plan` and `apply`."""
    command = click.option(
        "--jobs",
        type=click.IntRange(min=1, max=64),
        default=None,
        metavar="N",
        help=f"With --all-sites: how many sites run at once (default {DEFAULT_JOBS}). Each "
        "site keeps to its own rate limit whatever N is.",
    )(command)
    command = click.option(
        "--shard",
        metavar="I/N",
        help="With --all-sites: run only shard I of N (the sites whose name hashes there), "
        "for a CI matrix of N jobs; every site is in exactly one shard.",
    )(command)
    return click.option(
        "--all-sites",
        is_flag=True,
        help="Every [sites.NAME] of inventory-as-code.toml, concurrently, with one report "
        "grouped by site and one exit code (any site's refusal: 4).",
    )(command)


def check_fleet_flags(
    all_sites: bool, site: str | None, shard: str | None, jobs: int | None, **only: object
) -> Shard | None:
    """Usage errors (exit 2) of the fleet options; the shard when one is given."""
    if not all_sites:
        for name, value in (("--shard", shard), ("--jobs", jobs), *only.items()):
            if value:
                raise click.UsageError(f"{name} needs --all-sites.")
        return None
    if site is not None:
        raise click.UsageError(
            "--site and --all-sites cannot be combined: --all-sites runs every site of "
            "inventory-as-code.toml (--shard I/N runs a part of them)."
        )
    try:
        return parse_shard(shard) if shard is not None else None
    except ShardError as exc:
        raise click.UsageError(str(exc)) from None


def _sites(project: Path, shard: Shard | None) -> list[SiteSettings]:
    every = {site.name: site for site in fleet_sites(project)}
    return [every[name] for name in select(every, shard)]


def _announce(project: Path, sites: list[SiteSettings], shard: Shard | None, what: str) -> None:
    err = make_console(stderr=True)
    part = f" (shard {shard}: {len(sites)} site(s))" if shard else ""
    names = ", ".join(s.name for s in sites) or "none"
    err.print(safe_text(f"{what} the sites of {project}{part}: {names}."))


def _done_printer() -> Callable[[SiteRun], None]:
    err = make_console(stderr=True)

    def done(run: SiteRun) -> None:
        result = run.result
        what = result.message if result.outcome is Outcome.ERROR else result.summary
        what = what or result.message
        err.print(
            safe_text(
                f"  {run.name}: {WORDS[result.outcome]}"
                + (f" ({what})" if what else "")
                + f" in {result.seconds:.1f} s"
            ),
            style="dim",
        )

    return done


def fleet_plan(
    project: Path,
    shard: Shard | None,
    jobs: int | None,
    *,
    fmt: str,
    detailed: bool,
    max_length: int,
    out: Path | None,
    detailed_exitcode: bool,
    targets: tuple[str, ...],
    changed_since: str | None,
    refresh: Refresh,
) -> NoReturn:
    earlier: dict[str, IndexEntry] = {}
    if out is not None:
        try:
            earlier = prepare_folder(out)
        except PlansFolderError as exc:
            fail(str(exc))
    sites = _sites(project, shard)
    _announce(project, sites, shard, "Planning")
    fleet = Fleet(project, sites, jobs=jobs or DEFAULT_JOBS, on_done=_done_printer())
    limit = max(MIN_SITE_MARKDOWN, max_length // max(1, len(sites)))
    runs = fleet.plan(
        FleetOptions(
            targets=targets, changed_since=changed_since, refresh=refresh, markdown_limit=limit
        )
    )
    if out is not None:
        _save_plans(out, runs, shard, earlier)
    report = FleetReport(
        "plan", [run.result for run in runs], [shard] if shard else [], detailed_exitcode
    )
    if not sites:
        report.notes.append(f"shard {shard} holds none of the sites: nothing to plan.")
    _print(report, runs, fmt, detailed=detailed, max_length=max_length)
    raise SystemExit(report.exit_code)


def _save_plans(
    out: Path, runs: list[SiteRun], shard: Shard | None, earlier: dict[str, IndexEntry]
) -> None:
    try:
        out.mkdir(exist_ok=True)
        entries: dict[str, IndexEntry] = {}
        key = plan_key()
        for run in runs:
            file = ""
            if run.plan is not None and run.result.outcome is not Outcome.ERROR:
                file = plan_file_name(run.name)
                write_plan_file(run.plan, out / file, key=key)
                run.result.plan_file = str(out / file)
            entries[run.name] = IndexEntry(run.result.outcome.value, file)
        write_index(out, entries, [str(shard)] if shard else [], earlier)
    except OSError as exc:
        fail(f"--out {out}: the plans could not be saved ({exc.strerror or exc}).")
    make_console(stderr=True).print(
        safe_text(
            f"Saved the plans to {out}; apply them with: inventory-as-code apply {out} "
            "--all-sites --project PROJECT"
        )
    )


def fleet_apply(
    source: Path,
    project: Path | None,
    shard: Shard | None,
    jobs: int | None,
    *,
    auto_approve: bool,
    options: FleetOptions,
    report_json: Path | None,
    fmt: str,
) -> NoReturn:
    check_output_path(
        "--report-json",
        report_json,
        "nothing applied.",
        ours=is_fleet_report_head,
        kind="a fleet report",
    )
    saved = source.is_dir() and has_index(source)
    if not saved and project is not None:
        fail(f"--project is for saved plans; here the project is {source}.")
    if source.is_file():
        fail(
            f"{source} is a file: with --all-sites, give the project folder (to plan and apply "
            "every site) or the folder `plan --all-sites --out DIR` saved the plans in."
        )
    if saved:
        runs = _apply_saved(source, project or Path("."), shard, jobs, options)
    else:
        runs = _plan_then_apply(source, shard, jobs, options, auto_approve=auto_approve, fmt=fmt)
    report = FleetReport("apply", [run.result for run in runs], [shard] if shard else [])
    # Asked at a terminal, the plans were shown before the question: now the reports.
    shown = not saved and not auto_approve
    _print(report, runs, fmt, detailed=False, max_length=0, plans=not shown)
    if report_json is not None:
        try:
            report_json.write_text(json.dumps(report.to_dict(), indent=2) + "\n", "utf-8")
        except OSError as exc:
            fail(
                f"--report-json {report_json}: the report could not be written "
                f"({exc.strerror or exc}); what apply did is printed above.",
                report.exit_code or EXIT_ERROR,
            )
    raise SystemExit(report.exit_code)


def _apply_saved(
    folder: Path, project: Path, shard: Shard | None, jobs: int | None, options: FleetOptions
) -> list[SiteRun]:
    try:
        _, entries = read_index(folder)
    except PlansFolderError as exc:
        fail(str(exc))
    every = {site.name: site for site in fleet_sites(project)}
    names = select(entries, shard)
    sites = [every[name] for name in names if name in every]
    _announce(project, sites, shard, f"Applying the saved plans of {folder} to")
    fleet = Fleet(project, sites, jobs=jobs or DEFAULT_JOBS, on_done=_done_printer())
    runs = fleet.apply_saved(folder, entries, options)
    for name in names:
        if name not in every:  # planned then, no longer a site of the project
            result = SiteResult(
                name,
                Outcome.ERROR,
                message=f"{folder} holds a plan for site {name}, which the checked-out "
                "inventory-as-code.toml does not name; nothing applied.",
            )
            runs.append(SiteRun(SiteSettings(name), result))
    return sorted(runs, key=lambda run: run.name)


def _plan_then_apply(
    project: Path,
    shard: Shard | None,
    jobs: int | None,
    options: FleetOptions,
    *,
    auto_approve: bool,
    fmt: str,
) -> list[SiteRun]:
    err = make_console(stderr=True)
    if not auto_approve and not has_terminal():
        err.print(
            "Refusing to apply without confirmation: no terminal to ask on. "
            "Pass --auto-approve to apply from a script or CI."
        )
        raise SystemExit(EXIT_ERROR)
    sites = _sites(project, shard)
    _announce(project, sites, shard, "Applying")
    fleet = Fleet(project, sites, jobs=jobs or DEFAULT_JOBS, on_done=_done_printer())
    if auto_approve:
        return fleet.plan_and_apply(options)
    runs = fleet.plan(options, keep_open=True)
    out = make_console(stderr=fmt == "json")
    for run in ordered_runs(runs):
        out.print(site_text(run.result, run.plan), end="")
    waiting = [r for r in runs if r.result.outcome in (Outcome.CHANGES, Outcome.RAILS)]
    if not waiting:
        return runs
    if not click.confirm(f"Apply these changes to {len(waiting)} site(s)?", default=False):
        Fleet.close(runs)
        err.print("Nothing applied.")
        raise SystemExit(EXIT_OK)
    return fleet.apply(runs, options)


def has_terminal() -> bool:
    """Whether there is someone to ask (``apply`` without ``--auto-approve``)."""
    return sys.stdin.isatty()


def ordered_runs(runs: list[SiteRun]) -> list[SiteRun]:
    by_name = {run.name: run for run in runs}
    return [by_name[site.name] for site in ordered(run.result for run in runs)]


def _print(
    report: FleetReport,
    runs: list[SiteRun],
    fmt: str,
    *,
    detailed: bool,
    max_length: int,
    plans: bool = True,
) -> None:
    if fmt == "json":
        click.echo(safe_json(report.to_dict(), indent=2))
        return
    if fmt == "markdown":
        click.echo(fleet_markdown(report, limit=max_length), nl=False)
        return
    out = make_console()
    for run in ordered_runs(runs):
        plan = run.plan if plans else None
        out.print(site_text(run.result, plan, run.report, detailed=detailed), end="")
        out.print("")
    out.print(summary_text(report), end="")
