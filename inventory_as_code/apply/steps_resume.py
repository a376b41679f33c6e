"""Finishing moves left half-done: the records a plan found, given or cleared, once.

The plan resolved each record (:mod:`inventory_as_code.plan.pending_moves`)
and the reviewers read the resolution. Apply reads the records and their
items again and acts only when nothing moved since the plan:

* a record gone, or at another revision: another apply finished it (or is
  finishing it): nothing sent;
* the same record, resolved the same way now:
  ``clear`` deletes it; ``give`` renames it to the destination's write (under
  the record's revision, so of two applies finishing it at once only one
  goes on), writes the owed units on top of the destination's count, guarded
  by its revision (a sale since: the same units on top of the sale), and
  deletes it;
* resolved otherwise now (the items moved since the plan): stale, plan again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inventory_as_code.apply.move_writes import Leg, give, rename
from inventory_as_code.apply.report import Status
from inventory_as_code.apply.run import Run
from inventory_as_code.live.move_records import MoveRecord, read_move_records
from inventory_as_code.live.reader import read_inventory_items
from inventory_as_code.plan.model import Change
from inventory_as_code.plan.pending_moves import CLEAR, GIVE, resolve
from inventory_as_code.wix._exceptions import WixError


def resume_moves(run: Run, changes: Sequence[Change]) -> None:
    planned = [(c, dict(r)) for c in changes for r in c.keys.get("records") or []]
    current = {r.id: r for r in read_move_records(run.client)}
    ids = [i for r in current.values() for i in (r.source_item, r.destination_item)]
    items = read_inventory_items(run.client, ids) if ids else {}
    legs: list[Leg] = []
    for change, seen in planned:
        record = current.get(str(seen["id"]))
        if run.status(change) is not None:
            continue  # an earlier record of this change decided it
        why = _moved(record, seen)
        if why:
            run.set(change, Status.STALE, "MOVE_RECORD_CHANGED", why)
            continue
        assert record is not None
        now = resolve(record, items)
        if now.action != seen.get("action"):
            run.set(
                change,
                Status.STALE,
                "MOVE_RECORD_CHANGED",
                f"its items changed since the plan ({now.why}); plan again",
            )
        elif now.action == CLEAR:
            _clear(run, change, record, now.why)
        elif now.action == GIVE:
            destination = items[record.destination_item]
            assert destination.quantity is not None
            leg = Leg(change, record.source_item, record.destination_item, record.units)
            leg.record, leg.record_revision = record.id, record.revision
            leg.guard, leg.quantity = destination.revision, destination.quantity + record.units
            leg.destination_was = destination.quantity
            leg.done = (
                f"gave {record.units} unit(s) owed since a move left half-done: "
                f"{destination.quantity} -> {destination.quantity + record.units}"
            )
            legs.append(leg)
    give(run, rename(run, legs))


def _moved(record: MoveRecord | None, seen: dict[str, Any]) -> str:
    if record is None:
        return (
            "its move record is gone: another apply finished it (or is finishing it) since the plan"
        )
    if record.revision != str(seen.get("revision")):
        return "its move record changed since the plan: another apply is finishing it; plan again"
    return ""


def _clear(run: Run, change: Change, record: MoveRecord, why: str) -> None:
    try:
        run.client.customizations.delete(record.id)
    except WixError as exc:
        run.set(
            change, Status.FAILED, type(exc).__name__, f"could not clear its move record: {exc}"
        )
        return
    run.set(change, Status.APPLIED, "MOVE_RECORD_CLEARED", f"cleared its move record: {why}")
