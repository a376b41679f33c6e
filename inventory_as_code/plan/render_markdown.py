"""The plan as a pull-request comment.

Summary first (what a reviewer reads), then one folded section per kind of
object. GitHub rejects comments over 65,536 characters, so details are
added line by line within a budget and the rest is replaced by a note
saying how many changes were left out and where to see them.
"""

from __future__ import annotations

from collections import Counter

from inventory_as_code.plan.model import Action, Change, Kind, Plan
from inventory_as_code.plan.render_text import (
    SYMBOLS,
    format_field_change,
    format_value,
    summary_line,
)

GITHUB_COMMENT_LIMIT = 65_536
MARKER = "<!-- inventory-as-code plan -->"
_KIND_TITLES = {
    Kind.LOCATION: "Locations",
    Kind.PRODUCT: "Products",
    Kind.VARIANT: "Variants",
    Kind.STOCK: "Stock",
}


def _change_lines(change: Change) -> list[str]:
    symbol = SYMBOLS[change.action][0]
    # diff fences colour '+' green and '-' red; updates get '!' (orange) there.
    marker = {"~": "!", "-/+": "!"}.get(symbol, symbol)
    head = f"{marker} {change.address}"
    if change.action is Action.SWITCH_TRACKING:
        head += "   (tracking method switch)"
    if change.reason:
        head += f"   # {', '.join(str(o) for o in change.reason)}"
    lines = [head]
    if change.action is Action.CREATE and change.after:
        lines += [f"    {k}: {format_value(v)}" for k, v in change.after.items()]
    elif change.action is not Action.DELETE:
        lines += [f"    {f.field}: {format_field_change(f)}" for f in change.fields]
    return lines


def render_markdown(plan: Plan, *, title: str = "", limit: int = GITHUB_COMMENT_LIMIT) -> str:
    head: list[str] = [MARKER, f"### {title or 'inventory-as-code plan'}", ""]
    head.append(f"**{summary_line(plan)}**")
    head.append("")
    if plan.guard_rails:
        head.append("> [!CAUTION]")
        head.append("> Guard rails tripped: `apply` refuses this plan without `--force`.")
        head += [f"> - {rail.message}" for rail in plan.guard_rails]
        head.append("")
    if not plan.empty:
        counts = Counter((c.kind, c.action) for c in plan.changes)
        head.append("| | create | update | of which tracking switches | delete |")
        head.append("|---|---:|---:|---:|---:|")
        for kind in Kind:
            row = [counts[(kind, a)] for a in Action]
            if any(row):
                create, update, switch, delete = row
                head.append(
                    f"| {_KIND_TITLES[kind]} | {create} | {update + switch} | {switch} | {delete} |"
                )
        head.append("")
    if plan.unresolved:
        head.append("> [!WARNING]")
        head.append(
            f"> {len(plan.unresolved)} difference(s) between the YAML and the live store are "
            "not in this plan (apply will not make them):"
        )
        head += [f"> - `{u.address}` {u.field}: {u.reason}" for u in plan.unresolved[:20]]
        if len(plan.unresolved) > 20:
            head.append(f"> - ... and {len(plan.unresolved) - 20} more (see the plan artifact)")
        head.append("")
    notes = [f"- {n.message}" for n in plan.notes]
    tail = ["**Notes**", "", *notes, ""] if notes else []

    reserve = 400  # room for the truncation note and closing fences
    budget = limit - len("\n".join(head + tail)) - reserve
    body: list[str] = []
    left_out = 0
    for kind in Kind:
        changes = [c for c in plan.changes if c.kind is kind]
        if not changes:
            continue
        section = [
            f"<details><summary>{_KIND_TITLES[kind]}: {len(changes)} change(s)</summary>",
            "",
            "```diff",
        ]
        shown = 0
        for change in changes:
            lines = _change_lines(change)
            cost = sum(len(line) + 1 for line in lines)
            if budget - cost < 0:
                break
            section += lines
            budget -= cost
            shown += 1
        left_out += len(changes) - shown
        section += ["```", "", "</details>", ""]
        budget -= sum(len(line) + 1 for line in section[:3] + section[-4:])
        body += section
    if left_out:
        body.append(
            f"_{left_out} change(s) not shown to stay under GitHub's comment size limit; "
            "run `inventory-as-code plan` or see the plan artifact for all of them._"
        )
        body.append("")
    return "\n".join(head + body + tail).rstrip() + "\n"
