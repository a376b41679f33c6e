"""`inventory-as-code plan`: what apply would change. Changes nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click

from inventory_as_code.cli._common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    handle_errors,
    make_console,
    site_option,
)
from inventory_as_code.cli._progress import read_progress
from inventory_as_code.errors import ConfigError
from inventory_as_code.live import LiveStore
from inventory_as_code.live.place import Refresh
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.render_markdown import render_markdown
from inventory_as_code.plan.render_text import render_text
from inventory_as_code.plan.saved import write_plan_file
from inventory_as_code.site import Target, connect, load_guard_rails, resolve_site
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import plan_project


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
            )
    except ConfigError as exc:
        client.close()
        for problem in exc.problems:
            # Problems name files relative to the project; show them from here.
            shown = replace(problem, file=str(project / problem.file)) if problem.file else problem
            err.print(str(shown))
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
    shown = name if name and name != "env" else plan.site
    return f"inventory-as-code plan for site `{shown}`"


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
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Save the plan for `apply FILE` (holds the site id, revisions, a checksum; no secrets).",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes, 2 when there are, 1 on error.",
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
@handle_errors
def plan_command(
    project: Path,
    site: str | None,
    fmt: str,
    out: Path | None,
    detailed_exitcode: bool,
    targets: tuple[str, ...],
    changed_since: str | None,
    refresh: Refresh,
) -> None:
    """Show what `apply` would change in the live store. Changes nothing.

    PROJECT is a folder of YAML files (default: the current folder).

    \b
    Examples:
      inventory-as-code plan examples/corner-bookshop
      inventory-as-code plan --site production --out plan.json
      inventory-as-code plan --format markdown > comment.md
      inventory-as-code plan --site production --changed-since origin/main
      inventory-as-code plan --site production --refresh incremental
    """
    plan, client, _, _ = make_plan(
        project,
        site,
        targets,
        to_stderr=fmt != "text",
        changed_since=changed_since,
        refresh=refresh,
    )
    client.close()
    stdout = make_console()
    if fmt == "json":
        click.echo(json.dumps(plan.to_dict(), indent=2))
    elif fmt == "markdown":
        click.echo(render_markdown(plan, title=plan_title(plan)))
    else:
        stdout.print(render_text(plan), end="")
    if out is not None:
        write_plan_file(plan, out)
        make_console(stderr=fmt != "text").print(
            f"Saved the plan to {out}; apply it with: inventory-as-code apply {out}"
        )
    if detailed_exitcode:
        raise SystemExit(EXIT_OK if plan.empty else EXIT_CHANGES)
