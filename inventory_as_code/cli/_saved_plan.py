"""`apply FILE`: a saved plan, bound to the checked-out project before anything is sent.

See :mod:`inventory_as_code.plan.binding` for the rules. The site, base URL
and credentials come from ``--site`` and the project folder given on the
command line (``--project``), never from the plan's metadata: whoever can
write the plan file must not be able to send the API key elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from inventory_as_code import __version__
from inventory_as_code._terminal import safe_text
from inventory_as_code.cli._common import EXIT_ERROR, EXIT_REFUSED, make_console, print_problems
from inventory_as_code.cli._progress import read_progress
from inventory_as_code.cli.plan import exit_refused
from inventory_as_code.config import load_project
from inventory_as_code.errors import ConfigError
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.binding import Binding, bind, executable_plan, rails_for
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.saved import (
    PLAN_KEY_ENV,
    PlanFileError,
    is_signed,
    plan_key,
    read_plan_file,
)
from inventory_as_code.rules.evaluate import with_rules
from inventory_as_code.rules.load import load_rules
from inventory_as_code.rules.spec import Rule
from inventory_as_code.site import Target, connect, load_guard_rails, resolve_site
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import plan_project, require_catalog_v3

SHOWN_DIFFERENCES = 5
# The name site.resolve_site gives a site chosen by WIX_API_KEY/WIX_SITE_ID, not by --site.
ENV_SITE = "env"


def refuse(message: str) -> NoReturn:
    console = make_console(stderr=True)
    console.print("Refused: ", style="bold red", end="")
    console.print(safe_text(message, keep_newlines=True))
    raise SystemExit(EXIT_REFUSED)


def load_desired(project: Path) -> DesiredState:
    err = make_console(stderr=True)
    try:
        return load_project(project)
    except ConfigError as exc:
        print_problems(exc.problems, project)
        err.print(
            f"{len(exc.problems)} problem(s) in the YAML of {project}; run `inventory-as-code "
            "validate`. A saved plan is checked against the checked-out project: pass its "
            "folder with --project (default: the current folder)."
        )
        raise SystemExit(EXIT_ERROR) from None


def load_project_rules(project: Path) -> tuple[Rule, ...]:
    try:
        return load_rules(project)
    except ConfigError as exc:
        print_problems(exc.problems, project)
        make_console(stderr=True).print(
            f"{len(exc.problems)} problem(s) in the rules of {project}; run "
            "`inventory-as-code validate`."
        )
        raise SystemExit(EXIT_ERROR) from None


def bound_saved_plan(
    source: Path, project: Path, site: str | None
) -> tuple[Plan, Binding, WixClient, Target]:
    """Read the saved plan, plan the checked-out project again, and keep what both make."""
    err = make_console(stderr=True)
    key = plan_key()
    try:
        saved, data = read_plan_file(source, key=key)
    except PlanFileError as exc:
        refuse(str(exc))
    if key is None and is_signed(data):
        err.print(
            f"Note: {source} is signed, but {PLAN_KEY_ENV} is not set here, so the signature "
            "is not checked. It is applied only where the checked-out YAML makes the same changes."
        )
    made_by = saved.metadata.get("tool_version")
    if isinstance(made_by, str) and made_by != __version__:
        # Not a refusal: the binding below applies only what this version plans too.
        err.print(
            f"Note: {source} was made by inventory-as-code {safe_text(made_by[:40])}; this is "
            f"{__version__}. Only the saved changes this version also plans are applied."
        )
    client, target = connect(project, site)
    try:
        err.print(f"Using {target.description}.")
        rails = load_guard_rails(project, resolve_site(project, site))
        if saved.site != target.site_id:
            refuse(
                f"{source} was made for site {saved.site!r}, but this run talks to "
                f"{target.site_id!r}. Plan again against this site."
            )
        made_with = saved.metadata.get("site_name")
        if (
            isinstance(made_with, str)
            and ENV_SITE not in (made_with, target.name)
            and made_with != target.name
        ):
            refuse(
                f"{source} was made with --site {made_with!r}, but it names site "
                f"{saved.site!r} and this run talks to {target.name!r} ({target.site_id}): "
                "it was relabelled. Nothing was applied. Plan again against this site."
            )
        require_catalog_v3(client)
        desired = load_desired(project)
        project_rules = load_project_rules(project)
        try:
            with read_progress(err) as progress:
                fresh, live = plan_project(
                    client,
                    project,
                    site_id=target.site_id,
                    guard_rails=rails,
                    progress=progress,
                    desired=desired,
                    store=target.store,
                )
        except PlanRefused as exc:
            exit_refused(exc, project, "the checked-out YAML cannot be applied.")
        binding = bind(saved, fresh)
        if binding.foreign:
            refuse(_made_elsewhere(source, saved, target, binding))
        if binding.differences:
            shown = [f"  {safe_text(str(d))}" for d in binding.differences[:SHOWN_DIFFERENCES]]
            more = len(binding.differences) - len(shown)
            refuse(
                f"{source} does not hold what the checked-out YAML ({project}) plans against the "
                f"store now; nothing was applied. {len(binding.differences)} difference(s):\n"
                + "\n".join(shown)
                + (f"\n  ... and {more} more" if more > 0 else "")
                + "\nThe plan was edited after it was made, or the YAML or the store changed "
                "since. Plan again from the checked-out project and review that plan."
            )
        plan = executable_plan(fresh, binding, rails_for(binding.changes, desired, live, rails))
        # The rules too are the checked-out project's, on what is executed.
        plan = with_rules(plan, project_rules, rails.accept)
    except BaseException:
        client.close()
        raise
    if binding.skipped:
        err.print(
            f"{len(binding.skipped)} change(s) of the saved plan are not made by a plan of the "
            "checked-out YAML now (applied already, or the YAML or the store changed); they are "
            "not sent and are reported stale."
        )
    if binding.unreviewed:
        err.print(
            f"{len(binding.unreviewed)} change(s) the checked-out YAML plans now are not in the "
            "saved plan: not applied (nobody reviewed them). Plan again to apply them."
        )
    return plan, binding, client, target


def _made_elsewhere(source: Path, saved: Plan, target: Target, binding: Binding) -> str:
    shown = [f"  {safe_text(str(d))}" for d in binding.foreign[:SHOWN_DIFFERENCES]]
    more = len(binding.foreign) - len(shown)
    claimed = saved.metadata.get("site_name")
    named = f"site {saved.site!r}" + (f" ({claimed})" if isinstance(claimed, str) else "")
    return (
        f"{source} says it was made for {named}, but it was planned against another site: "
        f"{len(binding.foreign)} of its changes observed objects that site {target.site_id!r} "
        f"({target.name}) does not hold at their addresses:\n"
        + "\n".join(shown)
        + (f"\n  ... and {more} more" if more > 0 else "")
        + f"\nA plan made for one site and relabelled is not applied to another: nothing was "
        f"applied. Plan again against {target.name!r} and review that plan. (If the objects "
        "were deleted and created again since the plan, the same: plan again.)"
    )
