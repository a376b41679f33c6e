"""A change of a store option as a reviewer reads it: what changes, and which products it reaches.

An option is shared by every product that uses it, so its entry says, under
the renames, new choices and colours, every product the change reaches: the
managed ones, and apart those the YAML does not manage (they change too).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from inventory_as_code.plan.model import Action, Change
from inventory_as_code.plan.render_common import format_value, shown

# Products named in an entry before "and N more" (the JSON plan lists them all).
MAX_USERS = 8


def _names(slugs: Sequence[str]) -> str:
    shown_slugs = [shown(s) for s in slugs[:MAX_USERS]]
    more = f" and {len(slugs) - MAX_USERS} more" if len(slugs) > MAX_USERS else ""
    return ", ".join(shown_slugs) + more


def _choices(after: Mapping[str, Any], names: Sequence[str]) -> str:
    colors = after.get("swatches") or {}
    return ", ".join(f"{shown(n)} {colors[n]}" if colors.get(n) else shown(str(n)) for n in names)


def option_detail(change: Change) -> str:
    """What follows the address on the head line: a rename (as for locations and products)."""
    for f in change.fields:
        if f.field == "name":
            return f"renamed from {format_value(f.before)}"
    return ""


def option_lines(change: Change) -> list[tuple[str, Action | None]]:
    """The lines under the head: (text, its own marker or None)."""
    after = dict(change.after or {})
    lines: list[tuple[str, Action | None]] = []
    if change.action is Action.CREATE:
        choices = _choices(after, after.get("choices") or [])
        lines.append((f"{after.get('render_type', 'text')}: {choices}", None))
    if change.action is Action.UPDATE:
        for f in change.fields:
            if f.field.startswith("choice["):
                lines.append(
                    (
                        f"choice {format_value(f.before)} renamed to {format_value(f.after)}",
                        None,
                    )
                )
            elif f.field.startswith("swatches."):
                name = f.field[len("swatches.") :]
                lines.append(
                    (
                        f"colour of {format_value(name)}: {format_value(f.before)} -> "
                        f"{format_value(f.after)}",
                        None,
                    )
                )
        added = list(change.keys.get("added") or ())
        if added:
            lines.append((f"choice(s) {_choices(after, added)}", Action.CREATE))
    lines += user_lines(change)
    return lines


def user_lines(change: Change) -> list[tuple[str, Action | None]]:
    """Which products the change reaches, the ones the YAML does not manage apart."""
    if change.action is Action.CREATE:
        users = list(change.keys.get("users") or ())
        return [(f"for {len(users)} product(s): {_names(users)}", None)] if users else []
    users = list(change.keys.get("products") or {})
    unmanaged = list(change.keys.get("unmanaged") or ())
    if not users:
        return [("used by no product yet", None)]
    lines: list[tuple[str, Action | None]] = [
        (f"used by {len(users)} product(s): {_names(users)}", None)
    ]
    if unmanaged:
        lines.append(
            (
                f"changes {len(unmanaged)} product(s) the YAML does not manage too: "
                f"{_names(unmanaged)}",
                None,
            )
        )
    return lines
