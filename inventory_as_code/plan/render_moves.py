"""Moves (refills) as a reviewer reads them: both halves on one line.

    Main 4 -> 10 (+6) from Warehouse 30 -> 24
    Outlet 0 -> 2 (+2) from Warehouse 3 -> 1; 1 short: Warehouse keeps 1 (its floor)
    finish a half-done move: Main 4 -> 10 (+6) from Warehouse (taken from it already; it holds 24)
    clear a move record: the move is complete; only its record is left

Shared by the text and Markdown renderers (through :mod:`.render_entries`
and :mod:`.render_summary`); the values pass :func:`~.render_common.shown`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from inventory_as_code.plan.model import Change
from inventory_as_code.plan.render_common import is_count, label_of, plural, shown

MAX_MOVE_LINES = 3  # moves of one product shown one by one; more are added up per place


def _from_to(before: Any, after: Any) -> str:
    if not (is_count(before) and is_count(after)):
        return f"{before} -> {after}"
    delta = after - before
    return f"{before} -> {after} ({'+' if delta >= 0 else ''}{delta})"


def is_resume(change: Change) -> bool:
    """A change that finishes or clears moves left in the store's records."""
    return "records" in change.keys


def _place(change: Change) -> str:
    return shown(str(change.keys.get("location", "")))


def _source(change: Change) -> str:
    return shown(str(change.keys.get("source", "")))


def move_text(change: Change) -> str:
    """One move, or one finish, as a line (without the variant)."""
    before: Mapping[str, Any] = change.before or {}
    after: Mapping[str, Any] = change.after or {}
    if is_resume(change):
        return _resume_text(change, before, after)
    text = (
        f"{_place(change)} {_from_to(before.get('quantity'), after.get('quantity'))} from "
        f"{_source(change)} {before.get('source_quantity')} -> {after.get('source_quantity')}"
    )
    short = after.get("shortfall")
    if short:
        text += (
            f"; {short} short of {after.get('at_least')}: {_source(change)} keeps "
            f"{after.get('source_floor')} (its floor)"
        )
    return text


def _resume_text(change: Change, before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    records = change.keys.get("records") or []
    units = after.get("units") or 0
    source = _source(change) or "its source"
    parts = []
    if units:
        place = _place(change) or "the destination"
        parts.append(
            f"finish a half-done move: {place} "
            f"{_from_to(before.get('quantity'), after.get('quantity'))} from {source} (taken "
            f"from it already; it holds {before.get('source_quantity')})"
        )
    cleared = [r for r in records if r.get("action") != "give"]
    for record in cleared:
        parts.append(f"clear a move record: {shown(str(record.get('why', '')))}")
    return "; ".join(parts)


def move_lines(moves: Sequence[Change]) -> list[tuple[str, Change]]:
    """The moves of one product: a line each, or added up per (destination, source)."""
    if len(moves) <= MAX_MOVE_LINES:
        return [(f"{move_text(c)}{_variant(c)}", c) for c in moves]
    out: list[tuple[str, Change]] = []
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in moves:
        if is_resume(change):
            out.append((f"{move_text(change)}{_variant(change)}", change))
            continue
        groups.setdefault((_place(change), _source(change)), []).append(change)
    for (place, source), changes in groups.items():
        units = sum(int((c.after or {}).get("units") or 0) for c in changes)
        short = sum(1 for c in changes if (c.after or {}).get("shortfall"))
        labels = sorted(label_of(c) for c in changes)
        named = ", ".join(labels[:5]) + (", ..." if len(labels) > 5 else "")
        text = (
            f"{plural(units, 'unit')} into {place} from {source} on "
            f"{plural(len(changes), 'variant')} ({named})"
        )
        if short:
            text += f"; {short} short of their floor"
        out.append((text, changes[0]))
    return out


def _variant(change: Change) -> str:
    variant = change.keys.get("variant")
    return f" ({label_of(change)})" if variant else ""
