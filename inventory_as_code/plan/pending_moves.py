"""Moves left half-done: what a move record (live.move_records) says happened.

A record names the write that was in flight when it was last renamed: the
source's (``take``) or the destination's (``give``), with the revision that
write was guarded by and the quantity it set. Wix raises an item's revision
by exactly one per update ("Each time the inventory item is updated,
revision increments by 1", Update Inventory Item), so the item tells what
became of that write:

* still at the guarded revision: the write never landed;
* one revision on, at the quantity the write set: it landed (the one write
  since was ours: a guarded write lands only on the revision it names);
* anything else: other writes came since (a sale), and whether ours was among
  them cannot be read from the store any more.

Decided so, per state (and units are never counted twice, nor sold twice):

=========  =========================  ==========================================
state      the item says              resolution
=========  =========================  ==========================================
take       not landed                 ``clear``: nothing moved
take       landed                     ``give``: the units left the source and are
                                      owed to the destination
take       cannot tell                ``clear``, *uncertain*: assumed they never
                                      left (no unit is added that may not exist)
give       not landed                 ``give``
give       landed                     ``clear``: the move is complete
give       cannot tell                ``clear``, *uncertain*: assumed they arrived
                                      (no unit is added twice)
owe        (its apply saw the         ``give``
           destination refuse)
=========  =========================  ==========================================

A record written less than ``IN_FLIGHT_SECONDS`` ago may belong to an apply
that is still running: it is left to that apply (``wait``), and its units
count as on their way, so no other move is planned over them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from inventory_as_code.live.model import LiveInventoryItem
from inventory_as_code.live.move_records import MoveRecord, MoveState

GIVE, CLEAR, WAIT = "give", "clear", "wait"


@dataclass(frozen=True, slots=True)
class Resolution:
    """What to do about one record: ``give`` its units, ``clear`` it, or ``wait``."""

    record: MoveRecord
    action: str
    why: str
    uncertain: bool = False

    @property
    def owed(self) -> int:
        return self.record.units if self.action == GIVE else 0


def _next(revision: str) -> str:
    try:
        return str(int(revision) + 1)
    except ValueError:
        return ""


def _landed(item: LiveInventoryItem, guard: str, quantity: int) -> bool | None:
    """True: the guarded write landed; False: it did not; None: cannot tell."""
    if item.revision == guard:
        return False
    if item.revision == _next(guard) and item.quantity == quantity:
        return True
    return None


def resolve(record: MoveRecord, items: Mapping[str, LiveInventoryItem]) -> Resolution:
    if record.state is MoveState.OWE:
        if record.destination_item not in items:
            return Resolution(
                record,
                CLEAR,
                f"the destination item no longer exists; {record.units} unit(s) owed to it "
                "cannot be given",
                uncertain=True,
            )
        if record.in_flight:
            return Resolution(record, WAIT, f"an apply gives {record.units} unit(s) now")
        return Resolution(
            record, GIVE, f"{record.units} unit(s) left the source and were never given"
        )
    taking = record.state is MoveState.TAKE
    item = items.get(record.source_item if taking else record.destination_item)
    half = "the source" if taking else "the destination"
    if item is None:
        return Resolution(
            record,
            CLEAR,
            f"{half} item no longer exists; {record.units} unit(s) cannot be moved",
            uncertain=not taking,
        )
    landed = _landed(item, record.guard, record.quantity)
    if record.in_flight:
        return Resolution(
            record,
            WAIT,
            f"an apply is moving {record.units} unit(s) now (record written "
            f"{record.age_s:.0f} s ago)",
        )
    now = f"now {item.quantity} at revision {item.revision}"
    if taking and landed is False:
        return Resolution(record, CLEAR, "announced, but the source was never written")
    if taking and landed:
        return Resolution(
            record, GIVE, f"{record.units} unit(s) left the source and were never given"
        )
    if taking:
        return Resolution(
            record,
            CLEAR,
            f"cannot tell whether {record.units} unit(s) left the source (to be set to "
            f"{record.quantity} at revision {_next(record.guard)}; {now}); assumed they did "
            "not, so none are given. If they did, add them to the destination by hand",
            uncertain=True,
        )
    if landed is False:
        return Resolution(
            record, GIVE, f"{record.units} unit(s) left the source and were never given"
        )
    if landed:
        return Resolution(record, CLEAR, "the move is complete; only its record is left")
    return Resolution(
        record,
        CLEAR,
        f"cannot tell whether {record.units} unit(s) reached the destination (to be set to "
        f"{record.quantity} at revision {_next(record.guard)}; {now}); assumed they did, so "
        "none are given again. If they did not, add them to the destination by hand",
        uncertain=True,
    )
