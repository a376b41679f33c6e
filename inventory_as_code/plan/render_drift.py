"""The causes of a plan's differences (``plan --explain-drift``), for text and Markdown.

One line per difference, its cause and its remedy, most pressing first (both,
then store changes, then YAML not applied, not committed, unknown), e.g.::

    ~ product["x"]: store changed on 2026-11-30 14:02 UTC -> pull --target 'product["x"]' or apply

Above them, the count per cause; below, what is left out and a note when
the git history could not date the YAML lines. A plan without causes renders
nothing here.
"""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from inventory_as_code.plan.model import Action, Cause, Change, Plan
from inventory_as_code.plan.render_common import shown

MAX_LISTED = 30  # without --detailed; JSON always has every one
HEADING = "Why the store and the YAML differ (drift), with the remedy:"
REMEDIES = (
    "Remedies: `inventory-as-code pull --target ADDRESS` takes the store's value into the "
    "YAML (another person's edit, a sale); `inventory-as-code apply` makes the store match "
    "the YAML."
)
_ORDER = (Cause.BOTH, Cause.STORE, Cause.YAML, Cause.UNCOMMITTED, Cause.UNKNOWN)
_NAMES = {
    Cause.BOTH: "both",
    Cause.STORE: "store changed",
    Cause.YAML: "YAML changed and not applied",
    Cause.UNCOMMITTED: "YAML not committed",
    Cause.UNKNOWN: "unknown",
}


def explained(plan: Plan) -> list[Change]:
    """The changes that carry a cause, most pressing first, then by address."""
    found = [c for c in plan.changes if c.drift is not None]
    return sorted(found, key=lambda c: (_ORDER.index(c.drift.cause), c.address))  # type: ignore[union-attr]


def counts_line(changes: Sequence[Change]) -> str:
    """``2 store changed (1 likely sale), 1 YAML changed and not applied``."""
    causes = Counter(c.drift.cause for c in changes if c.drift is not None)
    sales = Counter(c.drift.cause for c in changes if c.drift is not None and c.drift.likely_sale)
    parts = []
    for cause in _ORDER:
        if causes[cause]:
            part = f"{causes[cause]:,} {_NAMES[cause]}"
            if sales[cause]:
                part += f" ({sales[cause]:,} likely sale{'s' if sales[cause] > 1 else ''})"
            parts.append(part)
    return ", ".join(parts)


def remedy_text(change: Change) -> str:
    """``pull --target 'ADDRESS' or apply``, the first the advised one."""
    drift = change.drift
    assert drift is not None
    words = []
    for command in drift.remedy:
        if command == "pull":
            words.append(f"pull --target {shlex.quote(shown(change.address))}")
        elif command == "apply" and drift.cause is Cause.UNCOMMITTED:
            words.append("commit, then apply")
        else:
            words.append(shown(command))
    return " or ".join(words)


def drift_line(change: Change) -> str:
    """``ADDRESS: CAUSE -> REMEDY`` (the renderers put the action's marker before it)."""
    assert change.drift is not None
    return f"{shown(change.address)}: {shown(change.drift.explanation)} -> {remedy_text(change)}"


def history_note(plan: Plan) -> str:
    """What the git history could not give, in a sentence ('' when it was whole)."""
    found = plan.metadata.get("drift")
    if not isinstance(found, dict):
        return ""
    if found.get("history") == "shallow":
        return (
            "The git history here is a shallow clone: a YAML line older than its oldest "
            "commit cannot be dated. Fetch the whole history (actions/checkout with "
            "fetch-depth: 0)."
        )
    if found.get("history") == "none" and found.get("detail"):
        return f"No git history to date the YAML lines: {shown(str(found['detail']))}."
    return ""


@dataclass(frozen=True, slots=True)
class DriftReport:
    counts: str  # per cause
    lines: list[tuple[Action, str]]  # one per difference listed, with its action
    left: int  # differences not listed
    note: str  # what the git history could not give ('' when it was whole)

    @property
    def more(self) -> str:
        if not self.left:
            return ""
        return f"... and {self.left:,} more: --detailed or --format json lists every one."


def drift_report(plan: Plan, *, limit: int | None = MAX_LISTED) -> DriftReport | None:
    """The causes of ``plan`` (``limit`` differences listed; None: all), or None when the
    plan carries none (it was made without --explain-drift)."""
    changes = explained(plan)
    if not changes:
        return None
    listed = changes if limit is None else changes[:limit]
    return DriftReport(
        counts_line(changes),
        [(c.action, drift_line(c)) for c in listed],
        len(changes) - len(listed),
        history_note(plan),
    )
