"""The plan as terminal text, Terraform style.

Returns a ``rich.text.Text`` so the CLI decides about colour (terminal or
not, ``NO_COLOR``); ``.plain`` is the same text without styles, which is what
the golden tests compare.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from inventory_as_code.plan.model import Action, Change, FieldChange, Plan

SYMBOLS = {
    Action.CREATE: ("+", "green"),
    Action.UPDATE: ("~", "yellow"),
    Action.SWITCH_TRACKING: ("-/+", "bold magenta"),
    Action.DELETE: ("-", "red"),
}


def format_value(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {format_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def format_field_change(change: FieldChange) -> str:
    before, after = change.before, change.after
    text = f"{format_value(before)} -> {format_value(after)}"
    if (
        isinstance(before, int)
        and isinstance(after, int)
        and not isinstance(before, bool)
        and not isinstance(after, bool)
    ):
        text += f" ({after - before:+d})"
    return text


def summary_line(plan: Plan) -> str:
    unresolved = len(plan.unresolved)
    if plan.in_sync:
        return "No changes. The live store matches the YAML."
    if plan.empty:
        return (
            f"No changes to apply, but {unresolved} difference(s) are unresolved: the live store "
            "does not match the YAML."
        )
    s = plan.summary
    line = f"Plan: {s.create} to create, {s.update} to update, {s.delete} to delete."
    if s.switch_tracking:
        line += f" {s.switch_tracking} tracking method switch(es) included in the updates."
    if unresolved:
        line += f" {unresolved} unresolved difference(s) not in the plan."
    return line


def unresolved_lines(plan: Plan) -> list[str]:
    """One line per unresolved difference, with the reason on the next."""
    lines = []
    for item in plan.unresolved:
        desired = "not in the YAML" if item.desired is None else format_value(item.desired)
        lines.append(
            f"? {item.address}  {item.field}: live {format_value(item.live)}, YAML {desired}"
        )
        lines.append(f"    {item.reason}")
    return lines


def render_change(change: Change) -> Text:
    symbol, style = SYMBOLS[change.action]
    text = Text()
    text.append(f"  {symbol} ", style=style)
    text.append(change.address, style="bold")
    if change.action is Action.SWITCH_TRACKING:
        text.append("  (tracking method changes: the old count or flag is discarded)", style=style)
    if change.reason:
        text.append(f"  # {', '.join(str(o) for o in change.reason)}", style="dim")
    text.append("\n")
    if change.action is Action.CREATE and change.after:
        for key, value in change.after.items():
            text.append(f"      {key}: {format_value(value)}\n")
    elif change.action is Action.DELETE and change.before:
        for key, value in change.before.items():
            text.append(f"      {key}: {format_value(value)}\n", style="dim")
    else:
        for field_change in change.fields:
            text.append(f"      {field_change.field}: ")
            text.append(format_field_change(field_change), style=style)
            text.append("\n")
    return text


def render_text(plan: Plan, *, show_notes: bool = True) -> Text:
    text = Text()
    for change in plan.changes:
        text.append_text(render_change(change))
    if plan.changes:
        text.append("\n")
    if show_notes and plan.notes:
        text.append("Notes:\n", style="bold")
        for note in plan.notes:
            text.append(f"  - {note.message}\n", style="dim")
        text.append("\n")
    if plan.unresolved:
        text.append("Unresolved (differences this plan will not make):\n", style="bold yellow")
        for line in unresolved_lines(plan):
            text.append(f"  {line}\n", style="yellow" if line.startswith("?") else "dim")
        text.append("\n")
    if plan.guard_rails:
        text.append(
            "Guard rails tripped (apply refuses this plan without --force):\n", style="bold red"
        )
        for rail in plan.guard_rails:
            text.append(f"  ! {rail.message}\n", style="red")
            for address in rail.addresses[:10]:
                text.append(f"      {address}\n", style="red")
            if len(rail.addresses) > 10:
                text.append(f"      ... and {len(rail.addresses) - 10} more\n", style="red")
        text.append("\n")
    text.append(summary_line(plan) + "\n", style="bold")
    return text
