"""The writes a move is made of, shared by new moves (:mod:`.steps_moves`) and moves a
plan finishes (:mod:`.steps_resume`): rename a record to the destination's write, make
that write (again on top of a sale), delete the record.

Items a move writes are listed in ``run.moved_items``: the read-back after
apply compares the plan's stock changes with the store, and an item a move
wrote since is no longer as that change left it, so it is not compared. The move's own
writes are checked as they are made: each is guarded, and its answer says
whether it landed.

A ``Leg`` is one move as this run knows it: its change, its two items, the
units, its record, and the write in flight (the revision it is guarded by and
the quantity it sets). Outcomes are set on the run; nothing here prints.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from inventory_as_code.apply.codes import is_revision_conflict
from inventory_as_code.apply.report import Status
from inventory_as_code.apply.run import Run
from inventory_as_code.live.model import LiveInventoryItem
from inventory_as_code.live.move_records import MoveState, read_move_records, record_name
from inventory_as_code.live.reader import read_inventory_items
from inventory_as_code.plan.model import Change
from inventory_as_code.wix import BulkItemResult, ItemStatus
from inventory_as_code.wix._exceptions import WixError

logger = logging.getLogger(__name__)

ROUNDS = 3  # fresh reads for a write that keeps being outrun by sales


@dataclass
class Leg:
    change: Change
    source: str  # inventory item ids
    destination: str
    units: int = 0
    source_was: int | None = None
    destination_was: int | None = None
    record: str = ""  # the move record's id, once it exists
    record_revision: str = ""
    record_order: tuple[str, str] = ("", "")  # its createdDate and id (MoveRecord.order)
    destination_revision: str = ""  # the destination's revision when the move was sized
    guard: str = ""  # revision the write in flight is guarded by
    quantity: int = 0  # what that write sets
    notes: list[str] = field(default_factory=list)
    done: str = ""  # what the outcome says when it completes


def next_revision(revision: str) -> str:
    try:
        return str(int(revision) + 1)
    except ValueError:
        return ""


def landed(leg: Leg, item: LiveInventoryItem | None) -> bool | None:
    """Whether a leg's write whose answer was lost landed, judged from its item now:
    False, never (still at the revision it guarded); True, it did (one revision on,
    holding what was written); None, the item changed since and nobody can tell."""
    if item is None:
        return None
    if item.revision == leg.guard:
        return False
    if item.revision == next_revision(leg.guard) and item.quantity == leg.quantity:
        return True
    return None


def refused_as_stale(item: BulkItemResult) -> bool:
    return item.error is not None and is_revision_conflict(item.error.code, item.error.description)


def owed_message(change: Change, units: int, why: str) -> str:
    keys = change.keys
    source, place = keys.get("source") or "its source", keys.get("location") or "its destination"
    return (
        f"{units} unit(s) left {source} and are owed to {place}: {why}. Its move record in the "
        "store keeps them; the next apply gives them"
    )


def owed(run: Run, leg: Leg, why: str) -> None:
    """The units left the source and the destination's write certainly did not land: say so
    in the record (``owe``), so the next run gives them whatever the destination does next
    (a sale there would otherwise make the record's last write impossible to tell apart)."""
    if leg.record:
        result = run.client.customizations.bulk_rename(
            [(leg.record, leg.record_revision, record_name(MoveState.OWE, "0", 0))]
        )
        if not result.ok:
            logger.warning("could not mark move record %s as owed", leg.record)
    run.set(leg.change, Status.FAILED, "MOVE_HALF_DONE", owed_message(leg.change, leg.units, why))


def rename(run: Run, legs: Sequence[Leg]) -> list[Leg]:
    """Each record renamed to its destination's write (``give``), under the record's own
    revision: a record another apply renamed first is theirs to finish."""
    if not legs:
        return []
    renames = [
        (leg.record, leg.record_revision, record_name(MoveState.GIVE, leg.guard, leg.quantity))
        for leg in legs
    ]
    result = run.client.customizations.bulk_rename(renames)
    out, refused = [], []
    for leg, item in zip(legs, result.items, strict=True):
        if item.ok and item.item:
            leg.record_revision = str(item.item["revision"])
            out.append(leg)
        elif refused_as_stale(item):
            run.set(
                leg.change,
                Status.STALE,
                "MOVE_TAKEN_OVER",
                "another apply took this move over (its record changed): it gives the units",
            )
        else:
            refused.append(leg)
    if refused:
        _gone_or_owed(run, refused)
    return out


def _gone_or_owed(run: Run, legs: Sequence[Leg]) -> None:
    """Renames refused for another reason than a revision. A record that is gone was
    settled by another apply since this one read it (it finished the move, renaming the
    record first, and deleted it): reporting the units as owed would be false, and the
    next plan would find nothing to finish. Wix's code for a missing customization is
    unconfirmed, so the records are read again rather than the code trusted."""
    try:
        present = {r.id for r in read_move_records(run.client)}
    except WixError:
        present = {leg.record for leg in legs}
    for leg in legs:
        if leg.record in present:
            owed(run, leg, "its move record could not be updated")
            continue
        leg.record = ""
        run.set(
            leg.change,
            Status.STALE,
            "MOVE_TAKEN_OVER",
            "another apply took this move over (its record is gone): it gave the units",
        )


def give(run: Run, legs: Sequence[Leg]) -> None:
    """The destinations' writes, each under the revision its record names. A sale there
    since: the same units on top of it, the record renamed first."""
    pending = list(legs)
    for _ in range(ROUNDS):
        if not pending:
            return
        bodies = [
            {"id": leg.destination, "revision": leg.guard, "quantity": leg.quantity}
            for leg in pending
        ]
        result = run.client.inventory.bulk_update(bodies, return_entity=True)  # type: ignore[arg-type]
        done, again, unsure = [], [], []
        for leg, item in zip(pending, result.items, strict=True):
            run.moved_items.add(leg.destination)
            if item.ok:
                done.append(leg)
            elif refused_as_stale(item):
                again.append(leg)
            elif item.status is ItemStatus.UNKNOWN:
                unsure.append(leg)
            else:
                code = item.error.code if item.error else item.status.value
                owed(run, leg, f"Wix refused the destination's write ({code})")
        if unsure or again:
            done += _settle(run, unsure, again)
            again = rename(run, [leg for leg in again if run.status(leg.change) is None])
        delete(run, done)
        for leg in done:
            _complete(run, leg)
        pending = again
    for leg in pending:
        owed(run, leg, "the destination kept changing")


def _settle(run: Run, unsure: list[Leg], again: list[Leg]) -> list[Leg]:
    """Re-read destinations: a lost answer that landed is done; a stale one is sized again."""
    done = []
    try:
        now = read_inventory_items(run.client, [leg.destination for leg in unsure + again])
    except WixError as exc:
        for leg in again:
            owed(run, leg, f"could not read the destination again ({exc})")
        for leg in unsure:
            run.set(
                leg.change,
                Status.UNKNOWN,
                "OUTCOME_UNKNOWN",
                f"the answer to the destination's write was lost and it could not be read again "
                f"({exc}); the move record is kept and the next plan says what became of it",
            )
        again.clear()
        return []
    for leg in unsure:
        found = landed(leg, now.get(leg.destination))
        if found is False:
            again.append(leg)  # it never landed: send it again
        elif found:
            done.append(leg)  # the answer was lost; it landed
        else:
            run.set(
                leg.change,
                Status.UNKNOWN,
                "OUTCOME_UNKNOWN",
                "the answer to the destination's write was lost and it changed since; the move "
                "record is kept and the next plan says what became of it",
            )
    for leg in list(again):
        item = now.get(leg.destination)
        if item is None or item.quantity is None:
            again.remove(leg)
            owed(run, leg, "the destination no longer tracks a quantity")
            continue
        if item.revision != leg.guard:
            leg.notes.append(f"given on top of a change there since ({item.quantity})")
            leg.guard, leg.quantity = item.revision, item.quantity + leg.units
    return done


def _complete(run: Run, leg: Leg) -> None:
    text = "; ".join(p for p in (leg.done, *leg.notes) if p)
    run.set(leg.change, Status.APPLIED, "RECOMPUTED" if leg.notes else "", text)


def delete(run: Run, legs: Sequence[Leg]) -> None:
    """Drop the records of moves that are done (or never started). A record left behind
    (the delete failed) is found complete, or never started, by the next plan and cleared."""
    for leg in legs:
        if not leg.record:
            continue
        try:
            run.client.customizations.delete(leg.record)
        except WixError as exc:
            logger.warning("could not delete move record %s: %s", leg.record, exc)
        leg.record = ""
