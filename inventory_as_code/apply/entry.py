"""Executing a plan: the one entry for ``apply``, its saved plans and the fleet's.

Split from :mod:`inventory_as_code.workflow` (which plans); ``workflow`` still
offers :func:`apply_plan` under its old name.
"""

from __future__ import annotations

from collections.abc import Callable

from inventory_as_code.apply.calls import Batch, compile_from_metadata
from inventory_as_code.apply.executor import Executor
from inventory_as_code.apply.preflight import preflight_stale
from inventory_as_code.apply.report import ApplyReport, Outcome, Status
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.saved_digest import SavedChange
from inventory_as_code.wix import WixClient

NOT_IN_CURRENT_PLAN = "NOT_IN_CURRENT_PLAN"


def apply_plan(
    client: WixClient,
    plan: Plan,
    *,
    progress: Callable[[int, int, Batch], None] | None = None,
    all_or_nothing: bool = False,
    check_after: bool = True,
    skipped: tuple[SavedChange, ...] = (),
) -> ApplyReport:
    """Execute exactly ``plan``; see :mod:`inventory_as_code.apply.executor` for the rules.

    ``skipped``: changes of a saved plan that the binding did not keep
    (:mod:`.plan.binding`): never sent, reported stale; with
    ``all_or_nothing`` any of them refuses the whole plan.
    """
    if plan.empty:
        report = ApplyReport()
    elif all_or_nothing and skipped:
        # Something the plan would change already moved: nothing at all is sent.
        report = ApplyReport(refused=True)
        for change in plan.changes:
            report.set(
                Outcome(
                    change.address,
                    change.action,
                    Status.NOT_ATTEMPTED,
                    message="all-or-nothing: other objects moved since the plan",
                )
            )
    else:
        report = _apply(client, plan, progress, all_or_nothing, check_after)
    for left in skipped:
        report.set(
            Outcome(
                left.address,
                left.action,
                Status.STALE,
                NOT_IN_CURRENT_PLAN,
                "not made by a plan of the checked-out YAML against the store now (applied "
                "already, or the YAML or the store changed since the plan); not sent",
            )
        )
    return report


def _apply(
    client: WixClient,
    plan: Plan,
    progress: Callable[[int, int, Batch], None] | None,
    all_or_nothing: bool,
    check_after: bool,
) -> ApplyReport:
    default_location = plan.metadata.get("default_location")
    calls = compile_from_metadata(plan)
    if all_or_nothing:
        stale = preflight_stale(client, plan)
        if stale:
            report = ApplyReport(planned_write_calls=calls.total, refused=True)
            for change in plan.changes:
                if change.address in stale:
                    outcome = Outcome(
                        change.address,
                        change.action,
                        Status.STALE,
                        "REVISION_MISMATCH",
                        stale[change.address],
                    )
                else:
                    outcome = Outcome(
                        change.address,
                        change.action,
                        Status.NOT_ATTEMPTED,
                        message="all-or-nothing: other objects moved since the plan",
                    )
                report.set(outcome)
            return report
    executor = Executor(
        client,
        plan,
        calls,
        default_location=default_location,
        progress=progress,
        check_after=check_after,
    )
    return executor.run()
