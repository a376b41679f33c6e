"""The project's rules and the live checks in a rendered plan: text and Markdown.

Tripped ``[[rules]]`` come right after the guard rails, each with its name,
level, message, what it means for apply (refused, accepted by which entry,
or a warning) and the changes it trips on. Stock at or below its reorder
point (notes of code :data:`REORDER_NOTE`) is shown as one warning block,
its first items listed; ``inventory-as-code check`` reports them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from inventory_as_code.plan.model import Note, Plan, RuleTrip

REORDER_NOTE = "REORDER_POINT"
MAX_ADDRESSES = 10
MAX_ERRORS = 3


def rule_label(trip: RuleTrip) -> str:
    """``price-drop (soft)``: the name an acceptance names, and the level."""
    return f"{trip.name} ({trip.level})"


def rule_status(trip: RuleTrip) -> str:
    """What the trip means for apply, and how to accept a soft one."""
    if trip.level == "hard":
        return "hard: apply refuses this plan, whatever is accepted or forced; correct the YAML."
    if trip.level == "advisory":
        return "advisory: a warning; apply goes ahead."
    if trip.accepted is not None:
        accepted = trip.accepted
        return f"accepted by {accepted.entry} (up to {accepted.max}): {accepted.reason}"
    return (
        f'not accepted: to accept it, add [[guard_rails.accept]] rule = "{trip.name}", '
        f'max = {trip.count}, reason = "..." to inventory-as-code.toml'
    )


def rules_heading(plan: Plan) -> str:
    if any(trip.blocking for trip in plan.rules):
        return (
            "Rules tripped (inventory-as-code.toml [[rules]]; apply refuses this plan while a "
            "soft rule is not accepted or a hard rule trips):"
        )
    return "Rules tripped (inventory-as-code.toml [[rules]]; warnings, or accepted in review):"


def rule_detail(trip: RuleTrip) -> list[str]:
    """The lines under a trip: its status, then what it trips on."""
    lines = [rule_status(trip)]
    if trip.scope == "plan":
        lines.append(f"on the plan as a whole (count {trip.count:,})")
    else:
        lines += list(trip.addresses[:MAX_ADDRESSES])
        if len(trip.addresses) > MAX_ADDRESSES:
            lines.append(f"... and {len(trip.addresses) - MAX_ADDRESSES:,} more")
    for error in trip.errors[:MAX_ERRORS]:
        where = f" on {error.address}" if error.address else ""
        lines.append(f"could not be evaluated{where} (so it counts as tripped): {error.message}")
    if len(trip.errors) > MAX_ERRORS:
        lines.append(f"... and {len(trip.errors) - MAX_ERRORS:,} more that could not be evaluated")
    return lines


def reorder_notes(plan: Plan) -> list[Note]:
    return [note for note in plan.notes if note.code == REORDER_NOTE]


def other_notes(plan: Plan) -> list[Note]:
    return [note for note in plan.notes if note.code != REORDER_NOTE]


def reorder_heading(notes: Sequence[Note]) -> str:
    return (
        f"Warning: {len(notes):,} stock item(s) at or below their reorder point "
        "(reorder_point in the YAML; `inventory-as-code check` lists them all):"
    )


def reorder_lines(notes: Sequence[Note]) -> list[str]:
    lines = [f"{note.address}: {note.message}" for note in notes[:MAX_ADDRESSES]]
    if len(notes) > MAX_ADDRESSES:
        lines.append(f"... and {len(notes) - MAX_ADDRESSES:,} more")
    return lines
