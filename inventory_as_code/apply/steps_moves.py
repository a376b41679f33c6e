"""Apply step for refills: units moved from one inventory item to another.

Wix has no transfer and no transaction across two items, so a move is two
revision-guarded writes, **the source first**: its decrement lands before the
increment is sent. Between the two the units are briefly *nowhere* (counted
at neither item): a shopper may find the destination short for a moment,
but no unit is ever sellable twice. The other order would leave them at both
items, sellable twice, if the run stopped between the halves.

Every write is announced before it is sent, in a move record in the store
(:mod:`inventory_as_code.live.move_records`), so the next plan or apply on
any machine finds a move that was interrupted and finishes it once
(:mod:`inventory_as_code.plan.pending_moves`). Per round::

    read both items and the records      fresh counts: the units are recomputed
    create the records                   take: source <- quantity, at revision r
    read the records and items again     an older record on an item: step back;
                                         an item changed since: size it again
    write the sources                    guarded by r
    rename the records                   give: destination <- quantity, at revision s
    write the destinations               guarded by s
    delete the records

A refused source write (a sale there since the read) drops its record and
tries again from a fresh read; a refused destination write (a sale there)
renames the record to the new revision and writes the same units on top of
the sale (:mod:`.move_writes`). A move whose items are in another record
(another apply moving these units now, or a half-done move this plan does
not finish) is not made: the next plan shows it.

Moves that share an item (two destinations of one source, a chain) go in
separate rounds, so no item is written twice in one call. The changes that
finish or clear records found at plan time run first (:mod:`.steps_resume`).
"""

from __future__ import annotations

from collections.abc import Sequence

from inventory_as_code.apply.move_writes import (
    ROUNDS,
    Leg,
    delete,
    give,
    landed,
    refused_as_stale,
    rename,
)
from inventory_as_code.apply.report import Status
from inventory_as_code.apply.run import Run
from inventory_as_code.apply.steps_resume import resume_moves
from inventory_as_code.live.model import LiveInventoryItem
from inventory_as_code.live.move_records import new_record_body, new_token, read_move_records
from inventory_as_code.live.reader import read_inventory_items, read_inventory_items_of_products
from inventory_as_code.plan.model import Change
from inventory_as_code.wix import ItemStatus
from inventory_as_code.wix._exceptions import WixError


def move_step(run: Run, changes: Sequence[Change]) -> None:
    resumes = [c for c in changes if "records" in c.keys]
    if resumes:
        resume_moves(run, resumes)
    moves = [c for c in changes if "records" not in c.keys]
    for legs in _rounds(_legs(run, moves)):
        for _ in range(ROUNDS):
            try:
                legs = _round(run, legs)
            except WixError as exc:
                # A read or a whole call failed: what each move got to is in its record.
                for leg in legs:
                    if run.status(leg.change) is None:
                        run.set(
                            leg.change,
                            Status.UNKNOWN if leg.record else Status.FAILED,
                            type(exc).__name__,
                            f"stopped after an error ({str(exc).splitlines()[0]})"
                            + (
                                "; its move record tells the next plan how far it got"
                                if leg.record
                                else ""
                            ),
                        )
                legs = []
            if not legs:
                break
        for leg in legs:
            run.set(
                leg.change,
                Status.STALE,
                "REVISION_MISMATCH",
                "its source kept changing while the move was being made; nothing moved",
            )


def _legs(run: Run, changes: Sequence[Change]) -> list[Leg]:
    """Each move's two items; those created in this run are found by product."""
    legs, missing = [], []
    for change in changes:
        source, destination = (
            change.keys.get("source_item_id"),
            change.keys.get("inventory_item_id"),
        )
        if source and destination:
            legs.append(Leg(change, str(source), str(destination)))
        else:
            missing.append(change)
    if not missing:
        return legs
    try:
        found = read_inventory_items_of_products(
            run.client, {run.ids.products.get(c.keys["slug"], "") for c in missing}
        )
    except WixError as exc:
        for change in missing:
            run.set(change, Status.NOT_ATTEMPTED, message=f"could not read its stock: {exc}")
        return legs
    by_place = {(i.variant_id, i.location_id): i.id for i in found}
    for change in missing:
        variant = run.ids.variant(change) or ""
        source, destination = (
            by_place.get((variant, run.ids.locations.get(str(change.keys[k]), "")))
            for k in ("source", "location")
        )
        if source and destination:
            legs.append(Leg(change, source, destination))
        else:
            run.set(
                change,
                Status.NOT_ATTEMPTED,
                message="its stock at both locations must exist first (not created in this run)",
            )
    return legs


def _rounds(legs: list[Leg]) -> list[list[Leg]]:
    """Moves grouped so that no item is written twice in one round."""
    rounds: list[tuple[list[Leg], set[str]]] = []
    for leg in legs:
        for members, items in rounds:
            if leg.source not in items and leg.destination not in items:
                members.append(leg)
                items.update((leg.source, leg.destination))
                break
        else:
            rounds.append(([leg], {leg.source, leg.destination}))
    return [members for members, _ in rounds]


def _round(run: Run, legs: list[Leg]) -> list[Leg]:
    """One pass of the protocol; returns the moves to try again from a fresh read."""
    items = read_inventory_items(run.client, [i for g in legs for i in (g.source, g.destination)])
    busy = {i for r in read_move_records(run.client) for i in (r.source_item, r.destination_item)}
    ready = _records(run, [leg for leg in legs if _size(run, leg, items, busy)])
    ready, retry = _claim(run, ready)
    again, taken = _take(run, ready)
    for leg in taken:
        assert leg.destination_was is not None
        leg.guard = leg.destination_revision
        leg.quantity = leg.destination_was + leg.units
    give(run, rename(run, taken))
    return retry + again


def _claim(run: Run, legs: list[Leg]) -> tuple[list[Leg], list[Leg]]:
    """After announcing: go on only with moves no older record shares an item with, and
    whose items did not change since they were sized; returns (ready, to try again).

    Reading the records and then the items is not one read: a move of another apply
    can start after the one and finish before the other. Announcing first closes that:
    of two records on one item, every apply sees the older one (it was created before
    the younger one's apply looked), so the younger one's apply steps back, and the
    older one's finds nothing older. A record of a move left half-done is older too.
    """
    if not legs:
        return [], []
    records = read_move_records(run.client)
    ready: list[Leg] = []
    back: list[Leg] = []
    retry: list[Leg] = []
    for leg in legs:
        ends = (leg.source, leg.destination)
        older = [
            r
            for r in records
            if r.id != leg.record
            and r.order < leg.record_order
            and (r.source_item in ends or r.destination_item in ends)
        ]
        (back if older else ready).append(leg)
    for leg in back:
        run.set(
            leg.change,
            Status.STALE,
            "MOVE_IN_PROGRESS",
            "another move of these units is recorded in the store (another apply makes it now, "
            "or it was left half-done); nothing moved: the next plan finishes it",
        )
    now = read_inventory_items(run.client, [i for g in ready for i in (g.source, g.destination)])
    for leg in list(ready):
        source, destination = now.get(leg.source), now.get(leg.destination)
        if (
            source is None
            or destination is None
            or source.revision != leg.guard
            or destination.revision != leg.destination_revision
        ):
            ready.remove(leg)
            retry.append(leg)  # changed since it was sized: size it again
    delete(run, back + retry)
    return ready, retry


def _size(run: Run, leg: Leg, items: dict[str, LiveInventoryItem], busy: set[str]) -> bool:
    """The units to move now, from the counts just read (as a top-up recomputes its own);
    False when there is nothing to send."""
    change, after = leg.change, leg.change.after or {}
    leg.notes = []
    source, destination = items.get(leg.source), items.get(leg.destination)
    if source is None or destination is None:
        run.set(change, Status.FAILED, "NOT_FOUND", "a stock item of this move no longer exists")
        return False
    if source.quantity is None or destination.quantity is None:
        run.set(change, Status.STALE, "TRACKING_CHANGED", "an end no longer tracks a quantity")
        return False
    if leg.source in busy or leg.destination in busy:
        run.set(
            change,
            Status.STALE,
            "MOVE_IN_PROGRESS",
            "another move of these units is recorded in the store (another apply makes it now, "
            "or it was left half-done); nothing moved: the next plan finishes it",
        )
        return False
    need = int(after.get("at_least", 0)) - destination.quantity
    units = min(need, source.quantity - int(after.get("source_floor", 0)))
    if units <= 0:
        why = (
            f"already at {destination.quantity} (at least {after.get('at_least')})"
            if need <= 0
            else f"{change.keys.get('source')} holds {source.quantity}, none above its floor"
        )
        run.set(change, Status.APPLIED, "NOTHING_TO_MOVE", f"{why} now; nothing moved")
        return False
    leg.units, leg.source_was, leg.destination_was = units, source.quantity, destination.quantity
    seen = change.before or {}
    if (seen.get("quantity"), seen.get("source_quantity")) != (
        destination.quantity,
        source.quantity,
    ):
        leg.notes.append(
            f"recomputed: {change.keys.get('location')} held {destination.quantity} and "
            f"{change.keys.get('source')} {source.quantity} when moved (the plan saw "
            f"{seen.get('quantity')} and {seen.get('source_quantity')})"
        )
    leg.guard, leg.quantity = source.revision, source.quantity - units
    leg.destination_revision = destination.revision
    keys = change.keys
    leg.done = (
        f"moved {units}: {keys.get('location')} {destination.quantity} -> "
        f"{destination.quantity + units}, {keys.get('source')} {source.quantity} -> "
        f"{source.quantity - units}"
    )
    return True


def _records(run: Run, legs: list[Leg]) -> list[Leg]:
    """Announce each move before its first write."""
    if not legs:
        return []
    bodies = [
        new_record_body(
            leg.source, leg.destination, leg.units, new_token(), leg.guard, leg.quantity
        )
        for leg in legs
    ]
    result = run.client.customizations.bulk_create(bodies)
    out = []
    for leg, item in zip(legs, result.items, strict=True):
        if item.ok and item.item:
            leg.record, leg.record_revision = str(item.item["id"]), str(item.item["revision"])
            leg.record_order = (str(item.item.get("createdDate") or ""), leg.record)
            out.append(leg)
        else:
            code = item.error.code if item.error else item.status.value.upper()
            run.set(
                leg.change, Status.FAILED, code, "could not record the move first; nothing moved"
            )
    return out


def _take(run: Run, legs: list[Leg]) -> tuple[list[Leg], list[Leg]]:
    """The sources' writes; returns (to try again from a fresh read, taken)."""
    if not legs:
        return [], []
    bodies = [{"id": leg.source, "revision": leg.guard, "quantity": leg.quantity} for leg in legs]
    result = run.client.inventory.bulk_update(bodies, return_entity=True)  # type: ignore[arg-type]
    retry, taken, unsure, dropped = [], [], [], []
    for leg, item in zip(legs, result.items, strict=True):
        run.moved_items.add(leg.source)
        if item.ok:
            taken.append(leg)
        elif refused_as_stale(item):
            retry.append(leg)  # a change there since the read: nothing taken
        elif item.status is ItemStatus.UNKNOWN:
            unsure.append(leg)
        else:
            code = item.error.code if item.error else item.status.value.upper()
            run.set(leg.change, Status.FAILED, code, item.error.description if item.error else "")
            dropped.append(leg)
    if unsure:
        now = read_inventory_items(run.client, [leg.source for leg in unsure])
        for leg in unsure:
            found = landed(leg, now.get(leg.source))
            if found is False:
                retry.append(leg)  # it never landed
            elif found:
                taken.append(leg)  # the answer was lost; it landed
            else:
                run.set(
                    leg.change,
                    Status.UNKNOWN,
                    "OUTCOME_UNKNOWN",
                    "the answer to the source's write was lost and it changed since; the move "
                    "record is kept and the next plan says what became of it",
                )
    delete(run, retry + dropped)
    return retry, taken
