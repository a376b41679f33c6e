"""`inventory-as-code pull`: take the store's changes into the YAML.

Exit codes: 0 every selected difference was taken (or there was none); 3 some
values could not be pulled (listed with the reason; the rest was written); 1
error, nothing written; 2 a wrong command line, or with ``--check`` pull would
change the YAML.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

import click

from inventory_as_code._terminal import safe_text
from inventory_as_code.cli._common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_PARTIAL,
    handle_errors,
    make_console,
    print_problems,
    site_option,
)
from inventory_as_code.cli._progress import read_progress
from inventory_as_code.cli.plan import exit_refused
from inventory_as_code.errors import ConfigError
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.plan.render_common import format_value
from inventory_as_code.pull.model import FileEdit, PullResult, Want
from inventory_as_code.pull.new_objects import relative_to_project
from inventory_as_code.pull.run import pull_project
from inventory_as_code.site import connect

SHOWN = 50  # lines per list before "... and N more"


@click.command("pull")
@click.argument(
    "project", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@site_option
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="ADDRESS",
    help="Pull only these objects (the plan's addresses), e.g. "
    '--target \'variant["organic-tee"]["S/Black"]\'. Repeatable.',
)
@click.option(
    "--write-new",
    "write_new",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the live products the YAML lacks into FILE (a YAML file of the project, "
    "created if absent) as export writes them; live locations the YAML lacks are declared "
    "in the project's locations: block.",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print the unified diff of the files pull would change, and write nothing.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 2 when pull would change the YAML (else 0, or 3 when "
    "some values could not be pulled).",
)
@handle_errors
def pull_command(
    project: Path,
    site: str | None,
    targets: tuple[str, ...],
    write_new: Path | None,
    show_diff: bool,
    check: bool,
) -> None:
    """Take values changed in the store (a price fixed in the dashboard) into the YAML.

    Rewrites only the values that differ, in place, keeping comments, order
    and quoting, so that the next plan shows no change for them. A value the
    YAML inherits from defaults, a location or a product shared by other
    variants is written as an override at the variant instead; a value behind
    a YAML alias is not pulled (the reason is printed). Quantities under the
    policies initial and at_least belong to sales and are never pulled.
    Objects that exist on one side only are listed, never deleted.

    Pull takes the store's side of every difference it selects, including
    YAML edits not applied yet: preview with --diff, narrow with --target.

    \b
    Examples:
      inventory-as-code pull
      inventory-as-code pull --diff
      inventory-as-code pull --target 'product["organic-tee"]'
      inventory-as-code pull --site production --write-new products/new.yaml
      inventory-as-code pull --site production --check
    """
    dry_run = show_diff or check
    summary = make_console(stderr=show_diff)
    err = make_console(stderr=True)
    rel = relative_to_project(project, write_new) if write_new is not None else None
    client, target = connect(project, site)
    summary.print(f"Using {target.description}.")
    try:
        with read_progress(err) as progress:
            result, live = pull_project(
                client,
                project,
                site_id=target.site_id,
                targets=targets,
                write_new=rel,
                dry_run=dry_run,
                progress=progress,
                metadata={"embedded": target.embedded, "site_name": target.name},
                store=target.store,
            )
    except PlanRefused as exc:
        exit_refused(exc, project, "pull needs a plan of the store; fix these and pull again.")
    except ConfigError as exc:
        print_problems(exc.problems, project)
        err.print(f"{len(exc.problems)} problem(s) in the YAML; run `inventory-as-code validate`.")
        raise SystemExit(EXIT_ERROR) from None
    finally:
        client.close()
    stats = live.stats
    if stats is not None:
        summary.print(
            f"Read {len(live.locations)} location(s), {len(live.products)} product(s) in "
            f"{stats.calls} API call(s) ({stats.seconds:.1f} s).",
            style="dim",
        )
    if show_diff:
        for edit in result.edits:
            click.echo(unified_diff(edit), nl=False)
    for line in summary_lines(result):
        summary.print(line)
    if check and result.changes_files:
        raise SystemExit(EXIT_CHANGES)
    raise SystemExit(EXIT_PARTIAL if result.not_pulled else EXIT_OK)


def unified_diff(edit: FileEdit) -> str:
    before = edit.before.decode("utf-8", "replace") if edit.before is not None else ""
    after = edit.after.decode("utf-8", "replace")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{edit.rel}" if edit.before is not None else "/dev/null",
        tofile=f"b/{edit.rel}",
    )
    return safe_text("".join(_ended(line) for line in lines), keep_newlines=True)


def _ended(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


def _change(want: Want) -> str:
    return f"{want.field}: {format_value(want.yaml)} -> {format_value(want.live)}"


def summary_lines(result: PullResult) -> list[str]:
    """What pull did (or would do), for people; every name terminal-safe.

    Files are named from the project folder, as the plan names them.
    """
    lines: list[str] = []
    if result.in_sync:
        return ["The store matches the YAML: nothing to pull."]
    verb = "Pulled" if result.written else "Would pull"
    if result.pulled:
        files = sorted({p.where.file for p in result.pulled})
        lines.append(
            f"{verb} {len(result.pulled)} value(s) from the store into {len(files)} file(s):"
        )
        for item in result.pulled[:SHOWN]:
            where = str(item.where) if item.where.line else item.where.file
            lines.append(f"  {where}  {item.want.address}  {_change(item.want)}")
            if item.how:
                lines.append(f"      {item.how}")
        lines += _more(result.pulled)
    else:
        lines.append("Nothing to pull.")
    if result.written_new:
        lines.append(
            f"{'Wrote' if result.written else 'Would write'} {len(result.written_new)} object(s) "
            f"the YAML lacked (into {result.new_file}):"
        )
        lines += [f"  {address}" for address in result.written_new[:SHOWN]]
        lines += _more(result.written_new)
    if result.not_pulled:
        lines.append(f"Not pulled ({len(result.not_pulled)}); the next plan still shows:")
        for refused in result.not_pulled[:SHOWN]:
            lines.append(f"  {refused.want.address}  {_change(refused.want)}")
            lines.append(f"      {refused.reason}.")
        lines += _more(result.not_pulled)
    if result.sales_owned:
        lines.append(
            f"{len(result.sales_owned)} quantity difference(s) not pulled: under the policies "
            "initial and at_least the count belongs to sales (only set is pulled)."
        )
    written = set(result.written_new)
    only_live = [o for o in result.only_live if o.address not in written]
    if only_live:
        hint = "" if result.new_file else " (--write-new FILE writes products and locations)"
        lines.append(f"In the store, not in the YAML{hint}:")
        lines += [f"  {o.address}  {o.description}" for o in only_live[:SHOWN]]
        lines += _more(only_live)
    if result.only_yaml:
        lines.append("In the YAML, not in the store (left as they are; pull never deletes):")
        lines += [f"  {o.address}  {o.description}" for o in result.only_yaml[:SHOWN]]
        lines += _more(result.only_yaml)
    changed = [edit.rel for edit in result.edits if edit.before != edit.after]
    if changed and result.written:
        lines.append(
            f"Wrote {', '.join(changed)}. The next plan shows no change for what was pulled."
        )
    elif changed:
        lines.append(f"Nothing was written (dry run); pull would change {', '.join(changed)}.")
    return [safe_text(line) for line in lines]


def _more(items: Sequence[object]) -> list[str]:
    extra = len(items) - SHOWN
    return [f"  ... and {extra} more"] if extra > 0 else []
