"""The guard rail on moved units (refills): ``MOVED_UNITS_SHARE``.

A move takes real units out of a location, so its rail counts units, not
objects: a refill rule written at the wrong level, or a floor with a zero
too many (``at_least: 1000``), empties the warehouse in one apply. The rail
trips when the moves of a plan take more than ``max_moved_share`` of the
units their sources hold before them, once those sources hold ``min_items``
units (a shop with a handful of units may move most of them). The objects
it counts, for ``[[guard_rails.accept]]`` ``max``, are the moves.

Moves also count in ``TOUCHED_SHARE`` (one stock item each, the one that
receives): a rule that suddenly reaches most of the catalog trips it too.
"""

from __future__ import annotations

from collections.abc import Sequence

from inventory_as_code.config.rails import GuardRailSettings
from inventory_as_code.plan.model import Change, GuardRail, Kind


def moves_of(changes: Sequence[Change]) -> list[Change]:
    """The moves that take units (a finish takes none: they left their source already)."""
    return [c for c in changes if c.kind is Kind.MOVE and "records" not in c.keys and _units(c)]


def _units(change: Change) -> int:
    return int((change.after or {}).get("units") or 0)


def moved_units_rail(changes: Sequence[Change], settings: GuardRailSettings) -> list[GuardRail]:
    moves = moves_of(changes)
    if not moves:
        return []
    moved = sum(_units(c) for c in moves)
    # Each source's units before the first move out of it (several moves may share one).
    held: dict[str, int] = {}
    for change in moves:
        source = str(change.keys.get("source_item_id") or change.address)
        before = int((change.before or {}).get("source_quantity") or 0)
        held[source] = max(held.get(source, 0), before)
    total = sum(held.values())
    share = moved / total if total else 1.0
    if total < settings.min_items or share <= settings.max_moved_share:
        return []
    return [
        GuardRail(
            "MOVED_UNITS_SHARE",
            f"{len(moves)} move(s) take {moved} of the {total} units their sources hold "
            f"({share:.0%}); the limit is {settings.max_moved_share:.0%} (max_moved_share).",
            tuple(c.address for c in moves),
        )
    ]
