"""Stock change per location as a Mermaid chart, which GitHub draws in a comment.

A horizontal ``xychart-beta`` bar chart: one bar per location, as long as
the net number of units the plan adds or removes there. Mermaid does not
draw bars below zero properly (mermaid-js/mermaid#5274 is open), so removals
are a second series of positive bars, and each label carries the signed
number; the y axis starts at 0 explicitly, since Mermaid's automatic range
need not (mermaid-js/mermaid#5618). ``xychart-beta`` is the name GitHub's
Mermaid understands (newer releases also accept ``xychart``).
"""

from __future__ import annotations

from collections.abc import Sequence

from inventory_as_code.plan.render_common import shown, signed
from inventory_as_code.plan.render_overview import MAX_PLACES, LocationStock

MAX_LABEL = 28
# Mermaid reads a label between double quotes; anything beyond these could end the
# string, start an entity (#quot;) or a statement (;), or close the code fence.
_LABEL_PUNCTUATION = set(" -_.,&'()/+")


def _label(name: str, net: int) -> str:
    text = "".join(ch if ch.isalnum() or ch in _LABEL_PUNCTUATION else " " for ch in shown(name))
    text = " ".join(text.split())
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 3].rstrip() + "..."
    return f'"{text} {signed(net)}"'


def stock_chart(places: Sequence[LocationStock]) -> list[str]:
    """The chart as Markdown lines; none unless units change at two locations or more
    (one bar compares nothing: the counts and the overview say it better)."""
    moved = [(p.name, p.net) for p in places if p.net]
    if len(moved) < 2:
        return []
    bars = moved[:MAX_PLACES]
    if len(moved) > MAX_PLACES:
        rest = moved[MAX_PLACES:]
        bars.append((f"{len(rest)} other locations", sum(net for _, net in rest)))
    top = max(abs(net) for _, net in bars)
    lines = [
        "```mermaid",
        "xychart-beta horizontal",
        '    title "Net stock change per location, in units"',
        f"    x-axis [{', '.join(_label(name, net) for name, net in bars)}]",
        f'    y-axis "units" 0 --> {top}',
    ]
    if any(net > 0 for _, net in bars):
        lines.append(f"    bar [{', '.join(str(max(net, 0)) for _, net in bars)}]")
    if any(net < 0 for _, net in bars):
        lines.append(f"    bar [{', '.join(str(max(-net, 0)) for _, net in bars)}]")
    return [*lines, "```"]
