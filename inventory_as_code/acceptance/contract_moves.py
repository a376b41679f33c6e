"""The contract's reading of refills: what each planned move must leave at both ends.

Part of :mod:`.contract` (the same rule: written again from the plan and two snapshots,
never from the apply code). A move is recomputed from the counts when apply makes it, so
what is checked is its rule, not the plan's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Key = tuple[str, str]  # (kind, Wix id), as in .contract
Snapshot = dict[Key, dict[str, Any]]


@dataclass
class MoveEnd:
    """One end of a move: an item that existed at plan time (its id), or one the same apply
    creates (its slug, variant and YAML location name, and the location's id when the
    location exists: the YAML's name of the default location is not Wix's)."""

    item: str | None
    place: tuple[str, tuple[str, ...], str]
    location_id: str | None = None
    start: int | None = None  # the count a stock create or switch of the plan gives it first


@dataclass
class PlannedMove:
    destination: MoveEnd
    source: MoveEnd | None  # None: a finish, whose units left the source before
    floor: int = 0
    keep: int = 0  # the source's floor
    units: int = 0  # a finish gives exactly these


def planned_moves(plan: Any) -> list[PlannedMove]:
    out: list[PlannedMove] = []
    for change in plan.changes:
        if change.kind.value != "move":
            continue
        after, keys = dict(change.after or {}), change.keys
        if not after.get("units"):
            continue  # a record cleared: no count changes

        def end(item: Any, location: Any, location_id: Any, k: Any = keys) -> MoveEnd:
            place = (str(k.get("slug")), tuple(sorted(k.get("variant") or ())), str(location))
            # An item created, or switched to counting, by the same apply: a move counts
            # from what that write gives it (apply writes stock before it moves).
            start = next(
                (
                    int((c.after or {}).get("quantity") or 0)
                    for c in plan.changes
                    if c.kind.value == "stock"
                    and c.action.value in ("create", "switch_tracking")
                    and (c.after or {}).get("tracking") == "quantity"
                    and c.keys.get("slug") == place[0]
                    and tuple(sorted(c.keys.get("variant") or ())) == place[1]
                    and c.keys.get("location") == place[2]
                ),
                None,
            )
            return MoveEnd(
                str(item) if item else None, place, str(location_id) if location_id else None, start
            )

        destination = end(
            keys.get("inventory_item_id"), keys.get("location"), keys.get("location_id")
        )
        if "records" in keys:
            out.append(PlannedMove(destination, None, units=int(after["units"])))
            continue
        source = end(keys.get("source_item_id"), keys.get("source"), keys.get("source_location_id"))
        out.append(
            PlannedMove(destination, source, int(after["at_least"]), int(after["source_floor"]))
        )
    return out


def move_problems(moves: list[PlannedMove], before: Snapshot, after: Snapshot) -> list[str]:
    """What moves must leave, read from the snapshots, not from the tool's apply code.

    A move is recomputed from the counts when it is made (a sale since the plan is counted),
    so the contract is its rule, not the plan's numbers: units leave the source and reach the
    destination one for one; the destination ends at its floor unless the source is down to
    its own; neither overshoots. A finish gives exactly the units it owes. An item the same
    apply creates, or switches to counting, starts from the count the plan's stock change
    gives it (a refill's own item gets 0), which is checked here, not by that change.
    """
    problems: list[str] = []

    def count(snap: Snapshot, end: MoveEnd) -> int | None:
        """The end's count in ``snap``; None when it is not there, or not counted."""
        if end.item is not None:
            state = snap.get(("stock", end.item))
            return None if state is None else state.get("quantity")
        for (kind, _), state in snap.items():
            if kind == "stock" and _at(snap, state, end):
                return state.get("quantity")
        return None

    def start(end: MoveEnd) -> int | None:
        """The end's count before the move: what the plan's create or switch writes first."""
        return end.start if end.start is not None else count(before, end)

    taken: dict[tuple[str, tuple[str, ...], str], int] = {}
    sources: dict[tuple[str, tuple[str, ...], str], tuple[MoveEnd, int]] = {}
    for move in moves:
        was = start(move.destination)
        now = count(after, move.destination)
        if was is None or now is None:
            problems.append(f"a move's destination {move.destination.place} is not in the store")
            continue
        units = now - was
        if move.source is None:
            if units != move.units:
                problems.append(
                    f"a finish gave {units} to {move.destination.place}, owed {move.units}"
                )
            continue
        if units < 0 or (units and now > move.floor):
            problems.append(f"{move.destination.place}: {was} -> {now}, floor {move.floor}")
        taken[move.source.place] = taken.get(move.source.place, 0) + units
        sources[move.source.place] = (move.source, move.keep)
        if now < move.floor:
            held = count(after, move.source)
            if held is not None and held > move.keep:
                problems.append(
                    f"{move.destination.place} stopped at {now} of {move.floor} while its source "
                    f"holds {held}, above its floor {move.keep}"
                )
    for place, (source, keep) in sources.items():
        was, now = start(source), count(after, source)
        if was is None or now is None:
            problems.append(f"a move's source {place} is not in the store")
            continue
        if was - now != taken[place]:
            problems.append(f"{place}: {was} -> {now}, but {taken[place]} unit(s) were moved out")
        if now < keep:
            problems.append(f"{place}: {now}, below its floor {keep}")
    return problems


def _at(snap: Snapshot, stock: dict[str, Any], end: MoveEnd) -> bool:
    """Whether a stock item of ``snap`` is at the end's place: by the location's id where
    the plan knows it, else by name (a location the same apply creates has the YAML's)."""
    variant = snap.get(("variant", str(stock["variant"]))) or {}
    product = snap.get(("product", str(variant.get("product")))) or {}
    choices = tuple(sorted(c for _, c in variant.get("choices") or ()))
    if (str(product.get("slug")), choices) != end.place[:2]:
        return False
    if end.location_id is not None:
        return bool(stock.get("location_id") == end.location_id)
    return bool(stock["location"] == end.place[2])
