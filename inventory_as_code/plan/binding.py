"""A saved plan, bound to the checked-out YAML and the live store when it is applied.

Whoever can write a saved plan can also recompute its checksum, so ``apply
FILE`` takes nothing from the file on trust. It plans again from the
checked-out YAML against the live store (the *fresh* plan) and lines the two
plans up by address and action:

* the same ``after`` on both sides: executed as the fresh plan has it (its
  ids, keys and the live values bodies are built from) but with the revision
  the *saved* change observed, so an object that moved since the review (a
  sale) is still refused as stale, and with the saved ``before``, so the
  report says what moved since the values the reviewers read;
* in the saved plan only: not executed, reported stale (it was applied
  already, or the YAML or the store no longer call for it);
* a different ``after``, a revision guard on one side only, or a change
  listed twice: the file does not say what the YAML says (it was edited, or
  the YAML or store changed since), and nothing at all is executed;
* in the fresh plan only: not executed, since nobody reviewed it; the next
  plan shows it.

An edited plan (a quantity set to 999, a change added, a plan relabelled to
another site) so earns a refusal or nothing, with or without a fresh
checksum. Guard rails are checked again on what will be executed, with the
acceptances of the checked-out project (:func:`rails_for`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from inventory_as_code.live.model import LiveStore
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.guard_rails import GuardRailSettings, check_guard_rails
from inventory_as_code.plan.model import Action, Change, GuardRail, Plan
from inventory_as_code.plan.renames import apply_moves


@dataclass(frozen=True, slots=True)
class Difference:
    """A saved change that the fresh plan makes differently."""

    address: str
    action: Action
    detail: str

    def __str__(self) -> str:
        return f"{self.address} ({self.action.value}): {self.detail}"


@dataclass(frozen=True, slots=True)
class Binding:
    changes: tuple[Change, ...]  # to execute
    skipped: tuple[Change, ...]  # saved changes the fresh plan does not make
    differences: tuple[Difference, ...]  # when any: execute nothing
    unreviewed: tuple[Change, ...]  # fresh changes the saved plan does not hold


def bind(saved: Plan, fresh: Plan) -> Binding:
    fresh_by_key = {(c.address, c.action): c for c in fresh.changes}
    seen: set[tuple[str, Action]] = set()
    changes: list[Change] = []
    skipped: list[Change] = []
    differences: list[Difference] = []
    for change in saved.changes:
        key = (change.address, change.action)
        if key in seen:
            differences.append(Difference(change.address, change.action, "listed twice"))
            continue
        seen.add(key)
        now = fresh_by_key.get(key)
        if now is None:
            skipped.append(change)
        elif _normal(change.after) != _normal(now.after):
            differences.append(
                Difference(change.address, change.action, _describe(change.after, now.after))
            )
        elif (change.observed is None) != (now.observed is None):
            differences.append(
                Difference(
                    change.address,
                    change.action,
                    "the plan "
                    + ("has no" if change.observed is None else "has a")
                    + " revision to check, the YAML now "
                    + ("has one" if now.observed is not None else "has none"),
                )
            )
        elif now.observed is not None and change.observed is not None:
            # The saved `before` is what the reviewers read: a stale change is explained
            # against it ("quantity 4 -> 2 since the plan"), not against the fresh read,
            # which already holds the sale. Bodies are built from the fresh observed values.
            changes.append(
                replace(
                    now,
                    before=change.before,
                    observed=replace(now.observed, revision=change.observed.revision),
                )
            )
        else:
            changes.append(now)
    changes.sort(key=lambda c: c.sort_key)
    unreviewed = tuple(c for c in fresh.changes if (c.address, c.action) not in seen)
    return Binding(tuple(changes), tuple(skipped), tuple(differences), unreviewed)


def rails_for(
    changes: Iterable[Change],
    desired: DesiredState,
    live: LiveStore,
    settings: GuardRailSettings,
) -> tuple[GuardRail, ...]:
    """The guard rails of exactly these changes, as the planner checks them."""
    renamed = apply_moves(desired, live).live  # the planner checks against YAML names
    return tuple(check_guard_rails(list(changes), renamed, desired, settings))


def executable_plan(fresh: Plan, binding: Binding, rails: Iterable[GuardRail]) -> Plan:
    """What apply executes: the bound changes, with the fresh plan's metadata."""
    return replace(
        fresh, changes=binding.changes, guard_rails=tuple(rails), notes=(), unresolved=()
    )


def _normal(value: Any) -> str:
    """One text for equal values, whether read from JSON (lists) or planned (tuples)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _short(value: Any, limit: int = 60) -> str:
    text = _normal(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(saved: Any, fresh: Any) -> str:
    if isinstance(saved, dict) and isinstance(fresh, dict):
        keys = sorted(set(saved) | set(fresh), key=str)
        parts = [
            f"{key}: plan {_short(saved.get(key))}, YAML now {_short(fresh.get(key))}"
            for key in keys
            if _normal(saved.get(key)) != _normal(fresh.get(key))
        ]
        more = f"; and {len(parts) - 3} more field(s)" if len(parts) > 3 else ""
        return "; ".join(parts[:3]) + more
    return f"plan {_short(saved)}, YAML now {_short(fresh)}"
