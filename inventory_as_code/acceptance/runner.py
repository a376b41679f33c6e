"""One scenario on one store: plan, apply and hold each step to the contract.

For each step, through the library entry points the CLI uses
(:func:`~inventory_as_code.workflow.plan_project`,
:func:`~inventory_as_code.workflow.apply_plan`):

1. write the step's YAML and plan it; the plan must hold what the step
   expects, and change nothing whose name is outside the run's prefix (or
   nothing is applied);
2. snapshot the store (:mod:`.contract`), apply, snapshot again: the
   difference must be exactly the changes apply reports applied, a change a
   sale made stale must be reported stale and left as the sale left it, and
   apply's own read-back must find nothing;
3. plan again: nothing to apply (unless the step expects the sale's trace).

A step that breaks any of these ends its scenario (later steps build on it).
Whatever happens, the scenario's products are deleted at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from inventory_as_code.acceptance.contract import Key, diff, problems_against_plan, snapshot
from inventory_as_code.acceptance.recorder import Phase, RecordingTransport
from inventory_as_code.acceptance.scenarios import Names, Sale, Scenario, Step
from inventory_as_code.acceptance.site import remove_made
from inventory_as_code.apply.report import ApplyReport, Status
from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.live import fetch
from inventory_as_code.plan.addresses import product_address
from inventory_as_code.plan.model import Change, Kind, Plan
from inventory_as_code.wix import Adjustment, WixClient
from inventory_as_code.wix._exceptions import WixAPIError
from inventory_as_code.workflow import apply_plan, plan_project

Snapshot = dict[Key, dict[str, Any]]
Progress = Callable[[str], None]


class StepFailed(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class StepRun:
    name: str
    changes: list[str] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # What apply did to the store, with Wix ids replaced by names (see :func:`side_effects`).
    effects: dict[str, Any] = field(default_factory=dict)
    done: bool = False


@dataclass
class ScenarioRun:
    name: str
    covers: str
    status: str = "passed"  # passed, failed, skipped
    reason: str = ""
    steps: list[StepRun] = field(default_factory=list)
    calls: int = 0
    seconds: float = 0.0


@dataclass
class Store:
    """A store the scenarios run on: the site, or the emulator shadow."""

    client: WixClient
    recorder: RecordingTransport
    folder: Path  # scratch project folders, one per scenario


def run_scenario(
    store: Store,
    scenario: Scenario,
    names: Names,
    progress: Progress,
    steps_to_run: int | None = None,
) -> ScenarioRun:
    """Run the scenario's steps (the first ``steps_to_run``); its products go at the end."""
    run = ScenarioRun(scenario.name, scenario.covers)
    started, calls = time.monotonic(), len(store.recorder.exchanges)
    project = store.folder / scenario.name
    project.mkdir(parents=True, exist_ok=True)
    steps = scenario.steps(names)[:steps_to_run]
    try:
        store.recorder.phase = Phase(scenario.name, "(start)", "snapshot")
        last = snapshot(store.client, lambda slug: slug.startswith(names.scope))
        for number, step in enumerate(steps, 1):
            result = StepRun(step.name)
            run.steps.append(result)
            try:
                last = _run_step(store, scenario, step, names, project, last, result)
            except StepFailed as exc:
                result.problems += [_one_line(p) for p in exc.problems]
            except InventoryAsCodeError as exc:
                result.problems.append(_one_line(f"{type(exc).__name__}: {exc}"))
            if result.problems:
                run.status, run.reason = "failed", f"step {step.name}: {result.problems[0]}"
                progress(f"  {step.name}: FAILED: {result.problems[0]}")
                break
            progress(f"  {number}/{len(steps)} {step.name}: {_summary(result)}")
    finally:
        store.recorder.phase = Phase(scenario.name, "(end)", "teardown")
        try:
            remove_made(store.client, names.scope)
        except InventoryAsCodeError as exc:  # the run's own cleanup tries again
            run.reason = _one_line(f"{run.reason + '; ' if run.reason else ''}teardown: {exc}")
        run.calls = len(store.recorder.exchanges) - calls
        run.seconds = time.monotonic() - started
    return run


def _run_step(
    store: Store,
    scenario: Scenario,
    step: Step,
    names: Names,
    project: Path,
    last: Snapshot,
    result: StepRun,
) -> Snapshot:
    client, recorder = store.client, store.recorder

    def phase(name: str) -> None:
        recorder.phase = Phase(scenario.name, step.name, name)

    def in_scope(slug: str) -> bool:
        return slug.startswith(names.scope)

    (project / "acceptance.yaml").write_text(
        yaml.safe_dump(step.document, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    if step.sale_before_plan is not None:
        phase("sale")
        _sell(client, last, names, step.sale_before_plan)
        phase("snapshot")
        last = snapshot(client, in_scope)
    phase("plan")
    plan, _ = plan_project(client, project, site_id=client.site_id, targets=step.targets)
    result.changes = [_describe(c) for c in plan.changes]
    _check_plan(plan, step, names)
    before = last
    if step.sale_before_apply is not None:
        phase("sale")
        _sell(client, last, names, step.sale_before_apply)
        phase("snapshot")
        before = snapshot(client, in_scope)
    phase("apply")
    report = apply_plan(client, plan) if plan.changes else ApplyReport()
    phase("snapshot")
    after = snapshot(client, in_scope)
    result.outcomes = {s.value: n for s, n in sorted(report.counts().items(), key=str) if n}
    result.effects = side_effects(before, after)
    problems = _outcome_problems(plan, report, step)
    applied = tuple(
        c
        for c in plan.changes
        if (o := report.outcomes.get(c.address)) is not None and o.status is Status.APPLIED
    )
    problems += problems_against_plan(replace(plan, changes=applied), before, after)
    if step.counts:
        phase("count")
        problems += count_problems(client, after, in_scope)
    phase("replan")
    # A targeted step (a deletion) plans again what is left of it: its YAML's products.
    targets = tuple(product_address(slug) for slug in step.document["products"])
    again, _ = plan_project(
        client, project, site_id=client.site_id, targets=targets if step.targets else ()
    )
    if step.settles and not again.in_sync:
        listed = [_describe(c) for c in again.changes] + [
            f"unresolved {u.address} {u.field}: {u.live!r} -> {u.desired!r}"
            for u in again.unresolved
        ]
        problems.append(f"the next plan is not empty: {'; '.join(listed[:5])}")
    if not step.settles and again.empty:
        problems.append("the next plan is empty, but the sale should have left a change to make")
    if problems:
        raise StepFailed(problems)
    result.done = True
    return after


def count_problems(
    client: WixClient, after: Snapshot, in_scope: Callable[[str], bool]
) -> list[str]:
    """Whether the store counts the run's products and stock items as the snapshot holds them.

    The incremental refresh (``plan --refresh incremental``) finds deletions
    by these counts; Count Inventory Items is in Wix's internal SDK build only,
    so a site that refuses it (or counts otherwise) is reported here: on such a
    site every incremental plan reads the whole store.
    """
    ours = sorted(
        object_id
        for (kind, object_id), state in after.items()
        if kind == "product" and in_scope(str(state.get("slug")))
    )
    items = sum(1 for kind, _ in after if kind == "stock")  # of our products only
    problems = []
    for what, count, held in (
        ("Count Products (products/count)", fetch.count_products, len(ours)),
        ("Count Inventory Items (inventory-items/count)", fetch.count_items, items),
    ):
        field = "id" if count is fetch.count_products else "productId"
        try:
            counted = count(client, {field: {"$in": ours}})
        except WixAPIError as exc:
            problems.append(
                f"{what} was refused (HTTP {exc.status} {exc.code or ''}): the incremental "
                "refresh cannot see deletions, so every `plan --refresh incremental` on this "
                "site reads the whole store"
            )
            continue
        if counted != held:
            problems.append(
                f"{what} counts {counted} where the store holds {held}: the incremental "
                "refresh would take a deletion for none, or miss one"
            )
    return problems


def _check_plan(plan: Plan, step: Step, names: Names) -> None:
    problems = []
    if step.nothing_planned and plan.changes:
        problems.append(f"planned changes where none were expected: {_describe(plan.changes[0])}")
    for pattern in step.expect:
        if not any(_matches(c, pattern) for c in plan.changes):
            problems.append(f"the plan holds no '{pattern}' change")
    outside = [c.address for c in plan.changes if not _ours(c, names)]
    if outside:
        problems.append(
            f"the plan changes {len(outside)} object(s) outside the prefix, e.g. {outside[0]}; "
            "nothing of this plan was applied"
        )
    if problems:
        raise StepFailed(problems)


def _ours(change: Change, names: Names) -> bool:
    """Only the run's own products and options, and the suite's own location, may be changed.

    An option is shared by every product that uses it: its change is the run's only when
    every product it reaches is the run's too.
    """
    keys = change.keys
    if "slug" in keys:
        return str(keys["slug"]).startswith(names.scope)
    if change.kind is Kind.OPTION:
        named = [(change.before or {}).get("name"), (change.after or {}).get("name")]
        reached = [*(keys.get("products") or {}), *(keys.get("users") or ())]
        return all(str(n).startswith(names.scope) for n in named if n) and all(
            str(slug).startswith(names.scope) for slug in reached
        )
    return keys.get("location") == names.location


def _matches(change: Change, pattern: str) -> bool:
    kind, action, *rest = pattern.split()
    if change.kind.value != kind or change.action.value != action:
        return False
    if not rest:
        return True
    wanted = rest[0]
    return any(
        f.field == wanted or f.field.startswith((wanted + ".", wanted + "[")) for f in change.fields
    )


def _outcome_problems(plan: Plan, report: ApplyReport, step: Step) -> list[str]:
    problems = []
    for change in plan.changes:
        outcome = report.outcomes.get(change.address)
        status = outcome.status if outcome else None
        wanted = Status.STALE if any(_matches(change, p) for p in step.stale) else Status.APPLIED
        if status is not wanted:
            detail = f" ({outcome.code}: {outcome.message})" if outcome and outcome.code else ""
            problems.append(
                f"{change.address}: apply reported {status.value if status else 'nothing'}"
                f"{detail}, expected {wanted.value}"
            )
    for item in report.inconsistencies:
        problems.append(
            f"read-back: {item.address} {item.field}: expected {item.expected!r}, "
            f"found {item.actual!r}"
        )
    return problems


def _sell(client: WixClient, snap: Snapshot, names: Names, sale: Sale) -> None:
    item = _stock_id(
        snap, names(sale.product), sale.variant, sale.location or names.default_location
    )
    if item is None:
        raise StepFailed([f"the sale found no stock of {names(sale.product)} to sell"])
    # Checkout's own call: a decrement, which moves the item's revision as an order does.
    result = client.inventory.bulk_decrement([Adjustment(sale.units, inventory_item_id=item)])
    if not result.ok:
        error = result.error or next((i.error for i in result.failed), None)
        raise StepFailed([f"the sale of {sale.units} {names(sale.product)} failed: {error}"])


def _stock_id(snap: Snapshot, slug: str, choices: tuple[str, ...], location: str) -> str | None:
    product = next((k[1] for k, s in snap.items() if k[0] == "product" and s["slug"] == slug), None)
    variants = {
        k[1]
        for k, s in snap.items()
        if k[0] == "variant"
        and s["product"] == product
        and sorted(c for _, c in s["choices"]) == sorted(choices)
    }
    return next(
        (
            k[1]
            for k, s in snap.items()
            if k[0] == "stock" and s["variant"] in variants and s["location"] == location
        ),
        None,
    )


def _one_line(text: str) -> str:
    """Wix's messages end in a line with the request id: one line reads better in a list."""
    return " ".join(text.split())


def _describe(change: Change) -> str:
    fields = ", ".join(f.field for f in change.fields)
    return f"{change.action.value} {change.address}" + (f": {fields}" if fields else "")


def _summary(result: StepRun) -> str:
    applied = result.outcomes.get("applied", 0)
    stale = result.outcomes.get("stale", 0)
    what = f"{len(result.changes)} change(s), {applied} applied"
    return what + (f", {stale} stale as expected" if stale else "") + ", contract holds"


def side_effects(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """What changed between two snapshots, every Wix id replaced by a name.

    Both stores of a comparison name their objects alike (slugs, choices,
    location names), so the site's and the emulator's side effects compare
    directly.
    """
    found = diff(before, after)
    label = _labels({**before, **after})

    def named(state: dict[str, Any]) -> dict[str, Any]:
        out = dict(state)
        out.pop("location_id", None)  # a stock item's Wix location id: "location" names it
        for kind in ("product", "variant"):
            if kind in out:
                out[kind] = label.get((kind, str(out[kind])), out[kind])
        return out

    return {
        "changed": {f"{label[key]} {name}": value for (key, name), value in found.changed.items()},
        "created": {label[key]: named(state) for key, state in found.created.items()},
        "deleted": sorted(label[key] for key in found.deleted),
    }


def _labels(snap: Snapshot) -> dict[Key, str]:
    out: dict[Key, str] = {}
    for key, state in snap.items():
        if key[0] == "product":
            out[key] = f'product["{state.get("slug")}"]'
        elif key[0] == "location":
            out[key] = f'location["{state.get("name")}"]'
        elif key[0] == "option":
            out[key] = f'option["{state.get("name")}"]'
    for key, state in snap.items():
        if key[0] == "variant":
            choices = "/".join(c for _, c in state["choices"]) or "(default)"
            out[key] = out.get(("product", state["product"]), "?") + f'["{choices}"]'
    for key, state in snap.items():
        if key[0] == "stock":
            variant = out.get(("variant", str(state.get("variant"))), "?")
            out[key] = f'stock{variant.removeprefix("product")}["{state.get("location")}"]'
    return out
