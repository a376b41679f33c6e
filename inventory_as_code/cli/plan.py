"""`inventory-as-code plan`: what apply would change. Changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import click

from inventory_as_code._terminal import safe_json, safe_text
from inventory_as_code.cli._common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_REFUSED,
    F,
    check_output_path,
    fail,
    handle_errors,
    make_console,
    print_problems,
    site_option,
)
from inventory_as_code.cli._progress import read_progress
from inventory_as_code.cli.fleet import check_fleet_flags, fleet_options, fleet_plan
from inventory_as_code.drift import explain_drift as explained
from inventory_as_code.errors import ConfigError
from inventory_as_code.live import LiveStore
from inventory_as_code.live.place import Refresh
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.plan.guard_rails import blocking_rails
from inventory_as_code.plan.model import Plan, RuleTrip
from inventory_as_code.plan.plan_json import buffered, document_json_chunks, plan_json_chunks
from inventory_as_code.plan.render_entries import PlanView
from inventory_as_code.plan.render_markdown import (
    GITHUB_COMMENT_LIMIT,
    code_span,
    render_markdown,
)
from inventory_as_code.plan.render_rules import rule_label
from inventory_as_code.plan.render_text import render_text
from inventory_as_code.plan.saved import compressed, is_plan_head, plan_key, write_plan_file
from inventory_as_code.rules.evaluate import blocking_rules
from inventory_as_code.rules.load import load_rules
from inventory_as_code.site import (
    ENV_SITE,
    SiteSettings,
    Target,
    connect,
    load_guard_rails,
    resolve_site,
)
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import plan_project

# A plain plan file above this size gets a hint to save it compressed.
BIG_PLAN_FILE = 20_000_000


def make_plan(
    project: Path,
    site: str | None,
    targets: tuple[str, ...],
    *,
    announce: bool = True,
    to_stderr: bool = False,
    changed_since: str | None = None,
    refresh: Refresh = "full",
) -> tuple[Plan, WixClient, Target, LiveStore]:
    """Load, connect, read and plan: shared by `plan` and `apply DIR`."""
    err = make_console(stderr=True)
    out = err if to_stderr else make_console()
    settings = resolve_site(project, site)
    client, target = connect(project, site)
    if announce:
        out.print(f"Using {target.description}.")
    try:
        with read_progress(err) as progress:
            plan, live = plan_project(
                client,
                project,
                site_id=target.site_id,
                guard_rails=load_guard_rails(project, settings),
                targets=targets,
                progress=progress,
                # The site's name (not a secret) lets `apply FILE` find the same site.
                metadata={"embedded": target.embedded, "site_name": target.name},
                changed_since=changed_since,
                refresh=refresh,
                store=target.store,
                rules=load_rules(project),
                overlay_site=overlay_site(settings),
            )
    except PlanRefused as exc:
        client.close()
        exit_refused(
            exc,
            project,
            "apply would fail on these, so there is no plan. "
            "Fix the YAML (or the live store) and plan again.",
        )
    except ConfigError as exc:
        client.close()
        print_problems(exc.problems, project)
        err.print(f"{len(exc.problems)} problem(s) in the YAML; run `inventory-as-code validate`.")
        raise SystemExit(EXIT_ERROR) from None
    except BaseException:
        client.close()  # the caller only gets the client on success
        raise
    stats = live.stats
    if stats is not None:
        out.print(
            f"Read {len(live.locations)} location(s), {len(live.products)} product(s), "
            f"{sum(len(p.variants) for p in live.products.values())} variant(s), "
            f"{len(live.inventory)} stock item(s) in {stats.calls} API call(s) "
            f"({stats.seconds:.1f} s).",
            style="dim",
        )
        err.print(f"Read: {describe_read(stats.mode, stats.detail)}.", style="dim")
    return plan, client, target, live


def rules_refusal(trips: tuple[RuleTrip, ...]) -> str:
    """What a refusal (or ``--detailed-exitcode``) says of the rules that block apply."""
    lines = ["Rules of inventory-as-code.toml that apply would refuse:"]
    for trip in trips:
        lines.append(f"  {rule_label(trip)}: {trip.message}")
        shown = trip.addresses[:5] if trip.scope == "change" else ()
        lines += [f"      {address}" for address in shown]
        if len(trip.addresses) > len(shown):
            lines.append(f"      ... and {len(trip.addresses) - len(shown)} more")
    soft = [t for t in trips if t.level == "soft"]
    if soft:
        lines.append(
            "A soft rule is accepted in review, in this change: [[guard_rails.accept]] with "
            f'rule = "{soft[0].name}", max = {soft[0].count} and reason = "...". '
            "A hard rule never applies: correct the YAML."
        )
    else:
        lines.append("A hard rule never applies, accepted or forced: correct the YAML.")
    return "\n".join(lines)


def overlay_site(settings: SiteSettings | None) -> str | None:
    """The site whose overlay the YAML takes: a site of the toml (never the environment's)."""
    return settings.name if settings is not None and settings.name != ENV_SITE else None


def exit_refused(exc: PlanRefused, project: Path, why: str) -> NoReturn:
    """Print every refusal as validate prints problems, then exit 1."""
    err = make_console(stderr=True)
    for refusal in exc.refusals:
        # Positions are relative to the project; show them from here, as validate does.
        err.print(safe_text(str(refusal.under(project)), keep_newlines=True))
    err.print(f"{len(exc.refusals)} problem(s): {why}")
    raise SystemExit(EXIT_ERROR)


def describe_read(mode: str, detail: str) -> str:
    """One line on which read the plan rests on (also in the plan's metadata)."""
    what = {
        "full": "the whole store",
        "targeted": "only the selected products",
        "incremental": "the saved snapshot, refreshed with what changed since",
    }.get(mode, mode)
    return f"{what}{f' ({detail})' if detail else ''}"


def plan_title(plan: Plan) -> str:
    """Name the site by its project name where there is one (ids stay out of PR comments)."""
    name = plan.metadata.get("site_name")
    shown = name if name and name != ENV_SITE else plan.site
    return f"inventory-as-code plan for site {code_span(str(shown))}"


def rendering_options(command: F) -> F:
    """``--detailed`` and ``--max-length``: how `plan` and `show` render a plan."""
    command = click.option(
        "--max-length",
        type=click.IntRange(min=1000),
        default=GITHUB_COMMENT_LIMIT,
        show_default=True,
        metavar="CHARS",
        help="With --format markdown: fit the comment into CHARS characters "
        "(GitHub's limit; leave room for what your workflow adds).",
    )(command)
    return click.option(
        "--detailed",
        is_flag=True,
        help="List every object instead of a summary per product (JSON is always complete).",
    )(command)


def print_plan(
    plan: Plan | None,
    fmt: str,
    *,
    detailed: bool,
    max_length: int,
    json_body: Mapping[str, Any] | Iterable[tuple[str, Any]] | None,
    view: PlanView | None = None,
) -> None:
    """The plan on stdout: shared by `plan` and `show`.

    ``json_body``: a saved plan's JSON as read (show), a mapping or its members
    in order; with it, ``--format json`` needs no ``plan``.
    """
    if fmt == "json":
        # Change by change: a big plan as one string would take gigabytes.
        encode = partial(safe_json, indent=2)
        if json_body is not None:  # a saved plan (show): as it was read
            chunks = document_json_chunks(json_body, encode, indent=2)
        else:
            assert plan is not None
            chunks = plan_json_chunks(plan, encode, indent=2)
        for chunk in buffered(chunks):
            click.echo(chunk, nl=False)
        click.echo("")
        return
    assert plan is not None
    if fmt == "markdown":
        title = plan_title(plan)
        text = render_markdown(plan, title=title, limit=max_length, detailed=detailed, view=view)
        click.echo(text, nl=False)
    else:
        make_console().print(render_text(plan, detailed=detailed, view=view), end="")


@click.command("plan")
@click.argument(
    "project", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@site_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, markdown for a pull-request comment.",
)
@rendering_options
@click.option(
    "--out",
    type=click.Path(writable=True, path_type=Path),
    help="Save the plan for `apply FILE` (holds the site id, revisions, a checksum; no secrets). "
    "With INVENTORY_AS_CODE_PLAN_KEY set, the plan is signed with that key instead. "
    "With --all-sites: a folder, one plan file per site.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when the store matches the YAML, 2 when there are changes or unresolved "
    "differences, 4 when the plan trips a guard rail or a soft rule that no "
    "[[guard_rails.accept]] entry of inventory-as-code.toml accepts, or a hard rule "
    "(apply would refuse), 1 on error.",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="ADDRESS",
    help="Plan only these objects, e.g. --target 'product[\"organic-tee\"]'. Repeatable.",
)
@click.option(
    "--changed-since",
    metavar="GIT_REF",
    help="Plan only the products whose YAML differs between this git commit and the working "
    "tree, reading only those from Wix (pull requests). Store-wide settings changed: plans all.",
)
@click.option(
    "--refresh",
    type=click.Choice(["full", "incremental"]),
    default="full",
    show_default=True,
    help="full reads the whole store; incremental refreshes the snapshot of the last read "
    "(in .inventory-as-code/) with what changed since, and reads in full when it cannot be "
    "trusted. Scheduled drift checks should read in full.",
)
@click.option(
    "--explain-drift",
    is_flag=True,
    help="Give each difference its cause (the store changed, or the YAML changed and was "
    "not applied, from the live objects' dates and the git history of the YAML lines) and "
    "its remedy (pull --target ADDRESS, or apply). Scheduled drift checks use it.",
)
@fleet_options
@handle_errors
def plan_command(
    project: Path,
    site: str | None,
    fmt: str,
    detailed: bool,
    max_length: int,
    out: Path | None,
    detailed_exitcode: bool,
    targets: tuple[str, ...],
    changed_since: str | None,
    refresh: Refresh,
    explain_drift: bool,
    all_sites: bool,
    shard: str | None,
    jobs: int | None,
) -> None:
    """Show what `apply` would change in the live store. Changes nothing.

    PROJECT is a folder of YAML files (default: the current folder).

    \b
    Examples:
      inventory-as-code plan examples/corner-bookshop
      inventory-as-code plan --site production --out plan.json
      inventory-as-code plan --format markdown > comment.md
      inventory-as-code plan --detailed
      inventory-as-code plan --site production --changed-since origin/main
      inventory-as-code plan --site production --refresh incremental
      inventory-as-code plan --site production --explain-drift
      inventory-as-code plan --all-sites --format markdown --out plans
      inventory-as-code plan --all-sites --shard 2/8 --format json > report-2.json
    """
    chosen = check_fleet_flags(all_sites, site, shard, jobs)
    if all_sites:
        fleet_plan(
            project,
            chosen,
            jobs,
            fmt=fmt,
            detailed=detailed,
            max_length=max_length,
            out=out,
            detailed_exitcode=detailed_exitcode,
            targets=targets,
            changed_since=changed_since,
            refresh=refresh,
        )
    check_output_path("--out", out, "nothing was planned.", ours=is_plan_head, kind="a saved plan")
    plan, client, _, live = make_plan(
        project,
        site,
        targets,
        to_stderr=fmt != "text",
        changed_since=changed_since,
        refresh=refresh,
    )
    client.close()
    if explain_drift:
        plan = explained(plan, live, project)
    print_plan(plan, fmt, detailed=detailed, max_length=max_length, json_body=None)
    if out is not None:
        try:
            write_plan_file(plan, out, key=plan_key())
        except OSError as exc:  # a full disk, a folder removed meanwhile
            fail(f"--out {out}: the plan could not be saved ({exc.strerror}); nothing was saved.")
        console = make_console(stderr=fmt != "text")
        console.print(f"Saved the plan to {out}; apply it with: inventory-as-code apply {out}")
        size = out.stat().st_size
        if not compressed(out) and size > BIG_PLAN_FILE:
            console.print(
                f"The plan file is {size / 1e6:.0f} MB; a name ending in .gz "
                "(--out plan.json.gz) saves it gzip-compressed, about 20 times smaller.",
                style="dim",
            )
    if detailed_exitcode:
        # The pull request's check fails where apply would refuse, before the merge.
        blocking = blocking_rails(plan)
        err = make_console(stderr=True)
        if blocking:
            err.print(
                "Guard rails tripped that apply would refuse: "
                + ", ".join(f"{r.code} ({r.kind})" if r.kind else r.code for r in blocking)
                + ". If the change is intended, accept each in inventory-as-code.toml in this "
                "change, for review: [[guard_rails.accept]] with rail, kind, max (the number of "
                "objects) and reason. Otherwise correct the YAML."
            )
        rules = blocking_rules(plan)
        if rules:
            err.print(safe_text(rules_refusal(rules), keep_newlines=True))
        if blocking or rules:
            raise SystemExit(EXIT_REFUSED)
        # Unresolved differences are differences too: a drift check must not pass on them.
        raise SystemExit(EXIT_OK if plan.in_sync else EXIT_CHANGES)
