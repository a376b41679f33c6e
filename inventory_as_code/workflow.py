"""The two library entry points the CLI (and tests) drive: plan a project, apply a plan.

    plan, live = plan_project(client, Path("shop"), site_id=...)
    report = apply_plan(client, plan)

Both take a ready :class:`WixClient`, so the same code runs against Wix, an
emulator server, or an emulator in process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from inventory_as_code._gc import paused_gc
from inventory_as_code.apply.calls import Batch, compile_plan
from inventory_as_code.apply.executor import Executor
from inventory_as_code.apply.preflight import preflight_stale
from inventory_as_code.apply.report import ApplyReport, Outcome, Status
from inventory_as_code.config import load_project
from inventory_as_code.live import LiveStore, read_live_store
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.guard_rails import GuardRailSettings
from inventory_as_code.plan.model import Kind, Plan
from inventory_as_code.plan.planner import PlanOptions, build_plan
from inventory_as_code.plan.saved import plan_metadata
from inventory_as_code.wix import WixClient
from inventory_as_code.wix._exceptions import WixError


class CatalogVersionError(WixError):
    """The site does not run Wix Stores Catalog V3."""


def require_catalog_v3(client: WixClient) -> None:
    version = client.catalog.version()
    if version == "V3_CATALOG":
        return
    if version == "V1_CATALOG":
        raise CatalogVersionError(
            "this site runs Wix Stores Catalog V1; inventory-as-code works with Catalog V3 "
            "only (products, variants and inventory items V3). Wix moves sites to V3; until "
            "then, manage this store in the Wix dashboard."
        )
    raise CatalogVersionError(
        f"this site has no Wix Stores catalog ({version}); add Wix Stores to the site first."
    )


def plan_project(
    client: WixClient,
    project: Path,
    *,
    site_id: str,
    guard_rails: GuardRailSettings | None = None,
    targets: tuple[str, ...] = (),
    progress: Callable[[str, int], None] | None = None,
    metadata: Mapping[str, Any] | None = None,
    desired: DesiredState | None = None,
) -> tuple[Plan, LiveStore]:
    """Load the YAML (ConfigError on problems), read the live store, build the plan.

    The reads wait on the network while the YAML load keeps the CPU busy, so
    both run at once; a YAML error cancels the reads after the pages in flight.
    The cyclic garbage collector is paused throughout (see ``_gc``).
    """
    require_catalog_v3(client)
    with paused_gc():
        if desired is None:
            desired, live = _load_while_reading(client, project, progress)
        else:
            live = read_live_store(client, progress=progress)
        return _plan(desired, live, project, site_id, guard_rails, targets, metadata)


def _load_while_reading(
    client: WixClient, project: Path, progress: Callable[[str, int], None] | None
) -> tuple[DesiredState, LiveStore]:
    cancel = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="live") as pool:
        reading = pool.submit(read_live_store, client, progress=progress, cancel=cancel)
        try:
            desired = load_project(project)
        except BaseException:
            cancel.set()
            raise
        return desired, reading.result()


def _plan(
    desired: DesiredState,
    live: LiveStore,
    project: Path,
    site_id: str,
    guard_rails: GuardRailSettings | None,
    targets: tuple[str, ...],
    metadata: Mapping[str, Any] | None,
) -> tuple[Plan, LiveStore]:
    stats = live.stats
    options = PlanOptions(
        guard_rails=guard_rails or GuardRailSettings(),
        targets=targets,
        site=site_id,
        metadata=plan_metadata(
            project,
            {
                **(metadata or {}),
                "read_calls": stats.calls if stats else None,
                "targets": list(targets),
                # What apply needs to group its calls without reading again.
                "default_location": desired.default_location.name
                if desired.default_location
                else None,
            },
        ),
    )
    plan = build_plan(desired, live, options)
    changed = {str(c.keys["slug"]) for c in plan.changes if c.kind in (Kind.PRODUCT, Kind.VARIANT)}
    counts = {s: len(live.products[s].variants) for s in sorted(changed) if s in live.products}
    return replace(plan, metadata={**plan.metadata, "live_variant_counts": counts}), live


def apply_plan(
    client: WixClient,
    plan: Plan,
    *,
    progress: Callable[[int, int, Batch], None] | None = None,
    all_or_nothing: bool = False,
    check_after: bool = True,
) -> ApplyReport:
    """Execute exactly ``plan``; see :mod:`inventory_as_code.apply.executor` for the rules."""
    default_location = plan.metadata.get("default_location")
    calls = compile_plan(
        plan,
        default_location=default_location,
        live_variant_counts=dict(plan.metadata.get("live_variant_counts") or {}),
    )
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
