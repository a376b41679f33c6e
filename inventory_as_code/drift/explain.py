"""A plan -> the same plan, each change with its cause (``plan --explain-drift``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from inventory_as_code.drift.classify import classify
from inventory_as_code.drift.history import read_history
from inventory_as_code.drift.store_dates import StoreDates
from inventory_as_code.live.model import LiveStore
from inventory_as_code.plan.model import Action, Change, Plan


def explain_drift(plan: Plan, live: LiveStore, project: Path) -> Plan:
    """``plan`` with a :class:`~inventory_as_code.plan.model.Drift` on every change, and
    what the explanation rests on in ``metadata["drift"]`` (the kind of git history)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for change in plan.changes:
        for origin in change.reason:
            wanted[origin.file].add(origin.line)
    history = read_history(project, wanted)
    dates = StoreDates(live)

    def explained(change: Change) -> Change:
        lines = [history.state(o.file, o.line) for o in change.reason]
        joined = dates.of_product(change) if change.action is Action.CREATE else None
        return replace(change, drift=classify(change, lines, dates.of(change), joined))

    return replace(
        plan,
        changes=tuple(explained(c) for c in plan.changes),
        metadata={**plan.metadata, "drift": history.describe()},
    )
