"""What ``inventory-as-code check`` reports: as data (JSON), text, or a Markdown issue body.

The JSON is described by ``schemas/check.schema.json``; ``format_version``
follows the same promise as the plan's (docs/plan-json.md): members are
added without a new version, never removed or renamed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from inventory_as_code.checks.reorder import LowStock

FORMAT_VERSION = 1
MARKER = "<!-- inventory-as-code check -->"


def report_dict(
    lows: Sequence[LowStock], checked: int, site: str, site_name: str
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "check": "reorder_point",
        "site": site,
        "site_name": site_name,
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "checked": checked,
        "low": [
            {
                "address": low.address,
                "product": low.product,
                "name": low.name,
                "variant": low.variant,
                "location": low.location,
                "quantity": low.quantity,
                "reorder_point": low.reorder_point,
                "origin": None
                if low.origin is None
                else {
                    "file": low.origin.file,
                    "line": low.origin.line,
                    "column": low.origin.column,
                },
            }
            for low in lows
        ],
    }


def _origin(low: LowStock) -> dict[str, Any]:
    assert low.origin is not None
    return {"file": low.origin.file, "line": low.origin.line, "column": low.origin.column}


def headline(lows: Sequence[LowStock], checked: int) -> str:
    if not checked:
        return "No stock item has a reorder point (reorder_point in the YAML): nothing to check."
    if not lows:
        return f"OK: none of the {checked:,} stock item(s) with a reorder point is at or below it."
    return f"{len(lows):,} of {checked:,} stock item(s) with a reorder point are at or below it."


def text_lines(lows: Sequence[LowStock], checked: int) -> list[str]:
    lines = [headline(lows, checked)]
    for low in lows:
        origin = f"  # {low.origin}" if low.origin is not None else ""
        lines.append(
            f"  {low.address}: {low.quantity} in stock, reorder point {low.reorder_point}{origin}"
        )
    return lines


def markdown(lows: Sequence[LowStock], checked: int, title: str) -> str:
    """An issue or job-summary body; names are code spans, so they cannot format the page."""
    lines = [MARKER, f"### {title}", "", f"**{headline(lows, checked)}**", ""]
    if lows:
        lines += [
            "| Product | Variant | Location | In stock | Reorder point | Set at |",
            "| --- | --- | --- | ---: | ---: | --- |",
        ]
        for low in lows:
            origin = _code(str(low.origin)) if low.origin is not None else ""
            lines.append(
                f"| {_code(low.name)} ({_code(low.product)}) | {_code(low.variant or '-')} | "
                f"{_code(low.location)} | {low.quantity} | {low.reorder_point} | {origin} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    # A table cell: no pipe, no newline; backticks inside a span need a longer fence.
    text = " ".join(text.replace("|", "\\|").split())
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"
