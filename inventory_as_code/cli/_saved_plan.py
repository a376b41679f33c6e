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
from inventory_as_code.cli.plan import exit_refused, overlay_site
from inventory_as_code.config import load_project
from inventory_as_code.errors import ConfigError
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.binding import (
    Binding,
    SavedPlanRefused,
    binding_notes,
    bound_to,
    check_made_for,
)
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.saved import (
    PLAN_KEY_ENV,
    PlanFileError,
    is_signed,
    plan_key,
    read_plan_file,
)
from inventory_as_code.plan.saved_digest import digest
from inventory_as_code.rules.evaluate import with_rules
from inventory_as_code.rules.load import load_rules
from inventory_as_code.rules.spec import Rule
from inventory_as_code.site import Target, connect, load_guard_rails, resolve_site
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import replan_for_saved, require_catalog_v3


def refuse(message: str) -> NoReturn:
    console = make_console(stderr=True)
    console.print("Refused: ", style="bold red", end="")
    console.print(safe_text(message, keep_newlines=True))
    raise SystemExit(EXIT_REFUSED)


def load_desired(project: Path, site: str | None = None) -> DesiredState:
    err = make_console(stderr=True)
    try:
        return load_project(project, site)
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
    """Read the saved plan, plan the checked-out project again, and keep what both make.

    The plan again covers what the saved plan names (``workflow.replan_for_saved``):
    its products, and every location and option; a change the checked-out
    YAML makes elsewhere is neither applied nor read.
    """
    err = make_console(stderr=True)
    key = plan_key()
    try:
        read, data = read_plan_file(source, key=key)
    except PlanFileError as exc:
        refuse(str(exc))
    signed = is_signed(data)
    # What the binding needs of each change (plan.saved_digest); the file's JSON and the
    # plan read from it go now, before the YAML is loaded and the store read: a first plan
    # of 20,000 products is 420,000 changes.
    saved = digest(read)
    del data, read
    if key is None and signed:
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
        settings = resolve_site(project, site)
        rails = load_guard_rails(project, settings)
        project_rules = load_project_rules(project)
        try:
            check_made_for(saved, str(source), target.site_id, target.name)
            require_catalog_v3(client)
            desired = load_desired(project, overlay_site(settings))
            try:
                with read_progress(err) as progress:
                    fresh, live = replan_for_saved(
                        client,
                        project,
                        saved,
                        site_id=target.site_id,
                        guard_rails=rails,
                        desired=desired,
                        progress=progress,
                        store=target.store,
                    )
            except PlanRefused as exc:
                exit_refused(exc, project, "the checked-out YAML cannot be applied.")
            plan, binding = bound_to(
                saved,
                fresh,
                desired,
                live,
                rails,
                source=str(source),
                project=str(project),
                site_id=target.site_id,
                site_name=target.name,
            )
            # The rules too are the checked-out project's, on what is executed.
            plan = with_rules(plan, project_rules, rails.accept)
            del saved, fresh, live, desired  # what is executed holds what it needs of them
        except SavedPlanRefused as exc:
            refuse(str(exc))
    except BaseException:
        client.close()
        raise
    for note in binding_notes(binding):
        err.print(note)
    return plan, binding, client, target
