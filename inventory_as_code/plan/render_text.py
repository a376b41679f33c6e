"""The plan as terminal text, for ``plan``, ``show`` and ``apply DIR``.

What can do harm comes first and in red: deletions (with their count), then
tripped guard rails, then the differences the plan will not make; with
``--explain-drift``, each difference's cause and remedy (:mod:`.render_drift`).
Then the changes, one entry per location and per product, summarised (see
:mod:`.render_summary`); ``detailed=True`` gives every object instead. A plan
of many products opens with a store-wide overview. The summary line ends it.

Returns a ``rich.text.Text`` so the CLI decides about colour (terminal or
not, ``NO_COLOR``); ``.plain`` is the same text without styles, which is what
the golden tests compare.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.text import Text

from inventory_as_code.plan.model import Change, Kind, Plan
from inventory_as_code.plan.render_common import (
    SYMBOLS,
    format_field_change,
    format_origins,
    format_value,
    plural,
    rail_label,
    rail_status,
    shown,
)
from inventory_as_code.plan.render_drift import HEADING as DRIFT_HEADING
from inventory_as_code.plan.render_drift import REMEDIES, drift_report
from inventory_as_code.plan.render_entries import (
    Entry,
    PlanView,
    detail_entries,
    detail_entry,
    plan_view,
)
from inventory_as_code.plan.render_overview import (
    OVERVIEW_MIN_PRODUCTS,
    overview_lines,
    stock_by_location,
    units_line,
)
from inventory_as_code.plan.render_rules import (
    other_notes,
    reorder_heading,
    reorder_lines,
    reorder_notes,
    rule_detail,
    rule_label,
    rules_heading,
)
from inventory_as_code.plan.render_summary import summary_entries

__all__ = ["format_field_change", "format_value", "render_text", "summary_line"]

MAX_RAIL_ADDRESSES = 10
MAX_DRIFT_LINES = 30


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


def deletions_heading(deletions: Sequence[Change]) -> str:
    """``3 objects to DELETE from the live store (1 product, 2 variants):``."""
    kinds = Counter(c.kind for c in deletions)
    parts = ", ".join(plural(kinds[k], k.value) for k in Kind if kinds[k])
    return f"{plural(len(deletions), 'object')} to DELETE from the live store ({parts}):"


def rails_heading(blocking: bool = True) -> str:
    if not blocking:
        return "Guard rails tripped, each accepted in review (inventory-as-code.toml):"
    return "Guard rails tripped (apply refuses this plan until each is accepted in review):"


def unresolved_heading() -> str:
    return "Unresolved (differences this plan will not make):"


def unresolved_lines(plan: Plan) -> list[str]:
    """One line per unresolved difference, with the reason on the next."""
    lines = []
    for item in plan.unresolved:
        desired = (
            "not in the YAML" if item.desired is None else f"YAML {format_value(item.desired)}"
        )
        lines.append(
            f"? {shown(item.address)}  {shown(item.field)}: live {format_value(item.live)}, "
            + desired
        )
        lines.append(f"    {shown(item.reason)}")
    return lines


def render_entry(entry: Entry, text: Text, *, indent: str = "  ", loud: bool = False) -> None:
    symbol, style = SYMBOLS[entry.action]
    text.append(f"{indent}{symbol} ", style=style)
    text.append(entry.address, style="bold red" if loud else "bold")
    if entry.detail:
        text.append(f"  {entry.detail}", style="red" if loud else "")
    if entry.warning:
        text.append(f"  ({entry.warning})", style=style)
    origins = format_origins(entry.origins)
    if origins:
        text.append(f"  # {origins}", style="dim")
    text.append("\n")
    for line in entry.lines:
        text.append(f"{indent}    ")
        if line.action is not None:
            marker, marker_style = SYMBOLS[line.action]
            text.append(f"{marker} ", style=marker_style)
        text.append(line.text, style=style if line.action is None else SYMBOLS[line.action][1])
        origins = format_origins(line.origins)
        if origins:
            text.append(f"  # {origins}", style="dim")
        text.append("\n")


def _top(plan: Plan, view: PlanView, text: Text) -> None:
    """What can do harm, first: deletions, tripped rails, unresolved differences."""
    if view.deletions:
        text.append(deletions_heading(view.deletions) + "\n", style="bold red")
        for change in view.deletions:
            render_entry(detail_entry(change), text, loud=True)
        text.append("\n")
    if plan.guard_rails:
        blocking = any(rail.accepted is None for rail in plan.guard_rails)
        text.append(rails_heading(blocking) + "\n", style="bold red" if blocking else "bold")
        for rail in plan.guard_rails:
            style = "red" if rail.accepted is None else "yellow"
            text.append(f"  ! {rail_label(rail)}: {shown(rail.message)}\n", style=style)
            text.append(f"      {shown(rail_status(rail))}\n", style=style)
            for address in rail.addresses[:MAX_RAIL_ADDRESSES]:
                text.append(f"      {shown(address)}\n", style="red")
            if len(rail.addresses) > MAX_RAIL_ADDRESSES:
                more = len(rail.addresses) - MAX_RAIL_ADDRESSES
                text.append(f"      ... and {more} more\n", style="red")
        text.append("\n")
    _rules(plan, text)
    if plan.unresolved:
        text.append(unresolved_heading() + "\n", style="bold yellow")
        for line in unresolved_lines(plan):
            text.append(f"  {line}\n", style="yellow" if line.startswith("?") else "dim")
        text.append("\n")


def _rules(plan: Plan, text: Text) -> None:
    """The project's rules the plan trips, then stock at or below its reorder point."""
    if plan.rules:
        blocking = any(trip.blocking for trip in plan.rules)
        text.append(rules_heading(plan) + "\n", style="bold red" if blocking else "bold yellow")
        for trip in plan.rules:
            style = "red" if trip.blocking else "yellow"
            text.append(f"  ! {shown(rule_label(trip))}: {shown(trip.message)}\n", style=style)
            for line in rule_detail(trip):
                text.append(f"      {shown(line)}\n", style=style)
        text.append("\n")
    reorder = reorder_notes(plan)
    if reorder:
        text.append(reorder_heading(reorder) + "\n", style="bold yellow")
        for line in reorder_lines(reorder):
            text.append(f"  {shown(line)}\n", style="yellow")
        text.append("\n")


def render_text(
    plan: Plan, *, show_notes: bool = True, detailed: bool = False, view: PlanView | None = None
) -> Text:
    """The plan for a terminal; ``detailed`` lists every object instead of summaries.

    ``view``: the plan's :func:`plan_view`, when the caller has it (a saved plan read as it
    is rendered, :mod:`.streamed_view`).
    """
    if view is None:
        view = plan_view(plan)
    text = Text()
    _top(plan, view, text)
    drift = drift_report(plan, limit=None if detailed else MAX_DRIFT_LINES)
    if drift is not None:  # plan --explain-drift: each difference's cause, before the changes
        text.append(f"{DRIFT_HEADING}\n  {drift.counts}\n", style="bold")
        for action, listed in drift.lines:
            symbol, style = SYMBOLS[action]
            text.append(f"  {symbol} ", style=style)
            text.append(f"{listed}\n")
        for said in (drift.more, drift.note, REMEDIES.replace("`", "")):
            if said:
                text.append(f"  {said}\n", style="dim")
        text.append("\n")
    if len(view.products) >= OVERVIEW_MIN_PRODUCTS:
        text.append("Overview:\n", style="bold")
        for line in overview_lines(view):
            marker = SYMBOLS[line.action][0] + " " if line.action is not None else ""
            text.append(f"  {marker}{line.text}\n")
        units = units_line(stock_by_location(plan))
        if units:
            text.append(f"  {units}\n")
        text.append("\n")
    if detailed:
        entries = detail_entries(view)
    else:
        entries = [detail_entry(c) for c in view.store_wide] + summary_entries(view.products)
    for entry in entries:
        render_entry(entry, text)
    if entries:
        text.append("\n")
    notes = other_notes(plan)
    if show_notes and notes:
        text.append("Notes:\n", style="bold")
        for note in notes:
            text.append(f"  - {shown(note.message)}\n", style="dim")
        text.append("\n")
    text.append(summary_line(plan) + "\n", style="bold")
    return text
