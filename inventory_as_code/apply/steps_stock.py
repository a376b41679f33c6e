"""Apply steps for stock: create, update (counts, flags, preorder, switches, top-ups), delete.

Every update carries the revision the plan observed. Wix refuses it when the
item moved since (a sale, an edit): the change is reported ``stale`` with
what moved, and the live value is kept. Top-ups (policy ``at_least``) are the
one exception, because their meaning survives a sale: "at least N". A stale
top-up is re-read and recomputed: if the item is still below the floor it is
set to the floor under its new revision (the sale is counted, not
overwritten); if it is at or above the floor, nothing is sent. So two
applies of the same plan at once, or one after the other, top up once.
"""

from __future__ import annotations

import logging
from typing import Any

from inventory_as_code.apply.bodies_stock import stock_create_values, stock_update_values
from inventory_as_code.apply.calls import Batch, is_top_up
from inventory_as_code.apply.check import check_item, holds
from inventory_as_code.apply.moved import item_moved
from inventory_as_code.apply.report import Status
from inventory_as_code.apply.run import Run
from inventory_as_code.live.reader import read_inventory_items, read_inventory_items_of_products
from inventory_as_code.plan.model import Action, Change
from inventory_as_code.wix._exceptions import WixError

logger = logging.getLogger(__name__)

# Rounds of re-read and recompute for a top-up that keeps being outrun by sales.
TOP_UP_ROUNDS = 3


def stock_create(run: Run, batch: Batch) -> None:
    bodies, sendable = [], []
    for change in batch.changes:
        keys = change.keys
        ids = {
            "product": run.ids.products.get(keys["slug"]),
            "variant": run.ids.variant(change),
            "location": run.ids.locations.get(keys["location"]),
        }
        missing = [what for what, value in ids.items() if not value]
        if missing:
            run.set(
                change,
                Status.NOT_ATTEMPTED,
                message=f"its {' and '.join(missing)} does not exist (not created in this run)",
            )
            continue
        body = {"productId": ids["product"], "variantId": ids["variant"]}
        body["locationId"] = ids["location"]
        body.update(stock_create_values(change.after or {}))
        bodies.append(body)
        sendable.append(change)
    if bodies:
        result = run.client.inventory.bulk_create(bodies, return_entity=True)  # type: ignore[arg-type]
        run.record_bulk(sendable, result)
        for change, item in zip(sendable, result.items, strict=True):
            if item.id:
                run.created_items[change.address] = item.id


def _update_body(change: Change, revision: str, quantity: int | None = None) -> dict[str, Any]:
    assert change.observed is not None
    after = dict(change.after or {})
    if quantity is not None:
        after["quantity"] = quantity
    body = {"id": change.observed.id, "revision": revision}
    body.update(
        stock_update_values(change.observed.values, after, change.action is Action.SWITCH_TRACKING)
    )
    return body


def stock_update(run: Run, batch: Batch) -> None:
    bodies = [_update_body(c, c.observed.revision) for c in batch.changes if c.observed]
    result = run.client.inventory.bulk_update(bodies, return_entity=True)  # type: ignore[arg-type]
    run.record_bulk(batch.changes, result)
    stale = [c for c in batch.changes if run.status(c) is Status.STALE and c.observed]
    top_ups = [c for c in stale if is_top_up(c)]
    if top_ups:
        _recompute_top_ups(run, top_ups)
    others = [c for c in stale if not is_top_up(c)]
    if others:
        _explain_stale(run, others)


def _recompute_top_ups(run: Run, changes: list[Change]) -> None:
    """Stale top-ups: re-read; set to the floor under the new revision, or nothing to do."""
    pending = changes
    for _ in range(TOP_UP_ROUNDS):
        current = read_inventory_items(run.client, (c.observed.id for c in pending if c.observed))
        resend: list[Change] = []
        bodies = []
        for change in pending:
            assert change.observed is not None
            item = current.get(change.observed.id)
            floor = int((change.after or {})["quantity"])
            if item is None:
                run.set(change, Status.FAILED, "NOT_FOUND", "the inventory item no longer exists")
            elif item.tracking != "quantity" or item.quantity is None:
                run.set(change, Status.STALE, "TRACKING_CHANGED", item_moved(change, item))
            elif item.quantity >= floor:
                run.set(
                    change,
                    Status.APPLIED,
                    "ALREADY_AT_FLOOR",
                    f"already at {item.quantity} (at least {floor}) after a change since the "
                    "plan; nothing sent",
                )
            else:
                bodies.append(_update_body(change, item.revision, floor))
                resend.append(change)
        if not resend:
            return
        result = run.client.inventory.bulk_update(bodies, return_entity=True)  # type: ignore[arg-type]
        run.record_bulk(resend, result)
        for change, body in zip(resend, bodies, strict=True):
            if run.status(change) is Status.APPLIED:
                was = current[change.observed.id].quantity  # type: ignore[union-attr]
                run.set(
                    change,
                    Status.APPLIED,
                    "RECOMPUTED",
                    f"topped up from {was} (changed since the plan) to {body['quantity']}",
                )
        pending = [c for c in resend if run.status(c) is Status.STALE]
        if not pending:
            return


def _explain_stale(run: Run, changes: list[Change]) -> None:
    """Say what moved for stale stock updates (one read per 1,000 items)."""
    try:
        current = read_inventory_items(run.client, (c.observed.id for c in changes if c.observed))
    except WixError as exc:
        logger.warning("could not re-read stale items: %s", exc)
        return
    for change in changes:
        item = current.get(change.observed.id) if change.observed else None
        if item is not None:
            run.set(change, Status.STALE, "REVISION_MISMATCH", item_moved(change, item))


def stock_delete(run: Run, batch: Batch) -> None:
    ids = [c.keys["inventory_item_id"] for c in batch.changes]
    run.record_bulk(batch.changes, run.client.inventory.bulk_delete(ids))


def settle_stock(run: Run, batch: Batch) -> None:
    """Writes whose answer was lost, or whose resend Wix refused: look, never resend."""
    refused = [c for c in batch.changes if run.refused_as_repeat(c)]
    if not refused:
        return
    try:
        found = read_inventory_items_of_products(
            run.client, {run.ids.products.get(c.keys["slug"], "") for c in refused}
        )
    except WixError as exc:
        logger.warning("could not re-read after a lost answer: %s", exc)
        return
    by_place = {(i.variant_id, i.location_id): i for i in found}
    by_id = {i.id: i for i in found}
    for change in refused:
        if change.observed is not None:
            item = by_id.get(change.observed.id)
        else:
            place = (run.ids.variant(change) or "", run.ids.locations.get(change.keys["location"]))
            item = by_place.get(place)  # type: ignore[arg-type]
        if item is not None and holds(check_item(change, item)):
            run.set(change, Status.APPLIED, message="answer lost; a re-read shows it applied")
