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
from inventory_as_code._memory import return_freed_memory
from inventory_as_code.apply.entry import NOT_IN_CURRENT_PLAN as NOT_IN_CURRENT_PLAN
from inventory_as_code.apply.entry import apply_plan as apply_plan
from inventory_as_code.config import load_project
from inventory_as_code.live import LiveStore, ReadStats, read_live_store
from inventory_as_code.live.fetch import IN_CHUNK
from inventory_as_code.live.move_records import read_move_records
from inventory_as_code.live.place import Refresh, SnapshotPlace
from inventory_as_code.live.targeted import TargetedRead
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.guard_rails import GuardRailSettings
from inventory_as_code.plan.model import Kind, Note, Plan
from inventory_as_code.plan.planner import PlanOptions, build_plan
from inventory_as_code.plan.saved import plan_metadata
from inventory_as_code.plan.saved_digest import SavedPlan
from inventory_as_code.plan.targets import UnknownTargetError, explain_unknown, known_addresses
from inventory_as_code.reads import (
    in_reach,
    known_targets,
    narrowed,
    read_selected,
    saved_plan_selection,
    slugs_to_read,
    worth_narrowing,
)
from inventory_as_code.rules.spec import Rule
from inventory_as_code.selection import (
    Selection,
    SelectionError,
    for_targets,
)
from inventory_as_code.selection import changed_since as changed_since_selection
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
    changed_since: str | None = None,
    refresh: Refresh = "full",
    store: str = "",
    rules: tuple[Rule, ...] = (),
    overlay_site: str | None = None,
    selection: Selection | None = None,
    checked: bool = False,
) -> tuple[Plan, LiveStore]:
    """Load the YAML (ConfigError on problems), read the live store, build the plan.

    What is read follows what is planned (:mod:`.selection`): ``targets`` naming
    products, or ``changed_since`` (a git commit), read only those products;
    anything else reads the whole store, from a snapshot refreshed with what
    changed since when ``refresh`` is ``"incremental"`` (:mod:`.live.incremental`).
    A whole-store read runs while the YAML loads (the reads wait on the
    network, the load keeps the CPU busy); a YAML error cancels it after the
    pages in flight. The cyclic garbage collector is paused throughout (``_gc``).
    ``store`` tells the embedded local store apart (its database file) for the snapshot.
    ``rules`` are the project's ``[[rules]]``, recorded in the plan where it trips them.
    ``overlay_site``: the site of the project whose overlay the YAML takes
    (``[sites.NAME] overlay``); None, or a site without one: the base catalogue.
    ``selection``: what ``changed_since`` selects, when the caller worked it out already.
    ``checked``: the caller has made the catalog check already.
    """
    if changed_since is not None and targets:
        raise SelectionError("--changed-since and --target cannot be combined; use one of them")
    if not checked:
        require_catalog_v3(client)
    if selection is None:
        selection = (
            changed_since_selection(project, changed_since, overlay_site)
            if changed_since is not None
            else for_targets(targets)
        )
    snapshots = SnapshotPlace(client, project, store)
    with paused_gc():
        if selection.whole:
            if desired is None and not (refresh == "incremental" and snapshots.exists()):
                desired, live = _load_while_reading(
                    client, project, progress, snapshots, refresh, overlay_site
                )
            else:
                # A refresh is a few calls, made before the YAML is loaded: decoding the
                # snapshot (its rows, then the store built from them) peaks at about
                # 130 MB at 10,000 products, which must not come on top of the YAML's
                # model; the YAML's files are freed one by one as they are built.
                live = snapshots.read(refresh, progress=progress)
                return_freed_memory()
                desired = desired if desired is not None else load_project(project, overlay_site)
            live = snapshots.save(live)
            plan_targets = selection.targets
        else:
            started = None
            if desired is None:
                started = _start_selected(client, selection, progress)
                try:
                    desired = load_project(project, overlay_site)
                except BaseException:
                    if started is not None:
                        started.close()
                    raise
            whole_yaml = desired
            live, desired, plan_targets = _read_selected(
                client, desired, selection, progress, started
            )
            if changed_since is not None and not plan_targets:
                return _nothing_changed(desired, live, project, site_id, selection, metadata)
            live = with_move_records(client, desired, live)
            try:
                plan, live = _plan(
                    desired, live, project, site_id, guard_rails, plan_targets, metadata, rules
                )
            except UnknownTargetError as exc:
                # Refused as with the whole store; suggest from the whole YAML, not the cut.
                known = set(known_addresses(whole_yaml, live))
                raise UnknownTargetError(explain_unknown(exc.target, known), exc.target) from None
            return _with_selection_note(plan, selection, changed_since), live
        live = with_move_records(client, desired, live)
        plan, live = _plan(
            desired, live, project, site_id, guard_rails, plan_targets, metadata, rules
        )
    return _with_selection_note(plan, selection, changed_since), live


def with_move_records(client: WixClient, desired: DesiredState, live: LiveStore) -> LiveStore:
    """The store's move records (refills left half-done or in progress), when the YAML has
    refill rules: one query, never from a snapshot (live.move_records)."""
    if not desired.has_refills:
        return live
    records = read_move_records(client)
    stats = live.stats
    if stats is not None:  # the plan's "Read ... in N API call(s)" counts this query too
        by_endpoint = dict(stats.calls_by_endpoint)
        by_endpoint["customizations.query"] = by_endpoint.get("customizations.query", 0) + 1
        stats = replace(stats, calls=stats.calls + 1, calls_by_endpoint=by_endpoint)
    return replace(live, move_records=records, move_records_read=True, stats=stats)


def replan_for_saved(
    client: WixClient,
    project: Path,
    saved: SavedPlan,
    *,
    site_id: str,
    guard_rails: GuardRailSettings,
    desired: DesiredState,
    progress: Callable[[str, int], None] | None = None,
    store: str = "",
) -> tuple[Plan, LiveStore]:
    """The fresh plan ``apply FILE`` binds the saved plan to (:mod:`.plan.binding`):
    the checked-out YAML against the store now, as far as the saved plan reaches.
    One place for ``apply FILE`` and the fleet's saved plans alike.

    What a saved plan can execute is what this plan makes at its addresses, so
    only those are planned: the products its changes name
    (:func:`.reads.saved_plan_selection`), with every location and option of the
    store, read as a ``--target`` plan reads them (a one-product plan: 7 calls,
    whatever the size of the store). The plan holds the changes of those
    products, locations and options only. A plan of many products, or one with
    a change of no product (a refill), is read whole: the result is the same.
    ``desired`` is the whole YAML; the catalog check is the caller's.
    """
    selection = saved_plan_selection(saved)
    if selection is None or not worth_narrowing(desired, len(selection.slugs or ())):
        return plan_project(
            client,
            project,
            site_id=site_id,
            guard_rails=guard_rails,
            progress=progress,
            desired=desired,
            store=store,
            checked=True,
        )
    with paused_gc():
        live = read_selected(client, desired, selection, progress=progress)
        reached = slugs_to_read(selection, desired)
        live = with_move_records(client, desired, live)
        plan, live = _plan(
            narrowed(desired, selection, live), live, project, site_id, guard_rails, (), None
        )
    kept = tuple(c for c in plan.changes if in_reach(c, reached))
    return replace(plan, changes=kept), live


def _start_selected(
    client: WixClient, selection: Selection, progress: Callable[[str, int], None] | None
) -> TargetedRead | None:
    """Begin reading a few selected products while the YAML loads (it takes longer)."""
    if selection.nothing or len(selection.slugs or ()) > IN_CHUNK:
        return None  # nothing to read, or maybe better read whole: decided after the load
    return TargetedRead(client, selection.slugs or (), progress=progress)


def _read_selected(
    client: WixClient,
    desired: DesiredState,
    selection: Selection,
    progress: Callable[[str, int], None] | None,
    started: TargetedRead | None,
) -> tuple[LiveStore, DesiredState, tuple[str, ...]]:
    """Read what the selection covers; the YAML cut to match; the planner's targets."""
    if selection.nothing:
        live = LiveStore((), (), {}, {}, stats=ReadStats(0, {}, 0, 0.0, "targeted", selection.why))
        return live, desired, ()
    if started is None and not worth_narrowing(desired, len(selection.slugs or ())):
        # Many products (a read begun during the load is at most one page of each:
        # finishing it always costs less than starting over).
        live = read_live_store(client, progress=progress, detail=selection.why)
    else:
        live = read_selected(client, desired, selection, progress=progress, started=started)
        desired = narrowed(desired, selection, live)
    if selection.typed:
        return live, desired, selection.targets  # a user's targets: unknown ones are refused
    return live, desired, known_targets(selection, desired, live)


def _nothing_changed(
    desired: DesiredState,
    live: LiveStore,
    project: Path,
    site_id: str,
    selection: Selection,
    metadata: Mapping[str, Any] | None,
) -> tuple[Plan, LiveStore]:
    """No product changed: an empty plan, without planning the store (nor reading it)."""
    plan, live = _plan(DesiredState(), live, project, site_id, None, (), metadata)
    note = Note("CHANGED_SINCE", f"Nothing to plan: {selection.why}.")
    return replace(plan, notes=(*plan.notes, note)), live


def _with_selection_note(plan: Plan, selection: Selection, changed_since: str | None) -> Plan:
    if changed_since is None or selection.whole:
        if changed_since is not None and selection.why:
            note = Note("CHANGED_SINCE", f"Planned the whole store: {selection.why}.")
            return replace(plan, notes=(*plan.notes, note))
        return plan
    note = Note(
        "CHANGED_SINCE",
        f"Planned only what the YAML changes ({selection.why}); drift elsewhere in the "
        "store is not shown (the scheduled drift check plans everything).",
    )
    return replace(plan, notes=(*plan.notes, note))


def _load_while_reading(
    client: WixClient,
    project: Path,
    progress: Callable[[str, int], None] | None,
    snapshots: SnapshotPlace,
    refresh: Refresh,
    overlay_site: str | None,
) -> tuple[DesiredState, LiveStore]:
    cancel = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="live") as pool:
        reading = pool.submit(snapshots.read, refresh, progress=progress, cancel=cancel)
        try:
            desired = load_project(project, overlay_site)
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
    rules: tuple[Rule, ...] = (),
) -> tuple[Plan, LiveStore]:
    stats = live.stats
    options = PlanOptions(
        guard_rails=guard_rails or GuardRailSettings(),
        targets=targets,
        site=site_id,
        rules=rules,
        metadata=plan_metadata(
            project,
            {
                **(metadata or {}),
                "read_calls": stats.calls if stats else None,
                # Which read the plan rests on: full, targeted, or an incremental refresh.
                "read": {"mode": stats.mode, "detail": stats.detail} if stats else None,
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
    known = [s for s in sorted(changed) if s in live.products]
    # What apply sizes its products calls by (apply.calls): variants and options per call.
    metadata = {
        **plan.metadata,
        "live_variant_counts": {s: len(live.products[s].variants) for s in known},
        "live_option_counts": {s: len(live.products[s].options) for s in known},
    }
    return replace(plan, metadata=metadata), live
