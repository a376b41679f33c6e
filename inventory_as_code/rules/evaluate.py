"""Evaluating the project's rules on a plan: which trip, on what, and who accepted them.

A change rule is evaluated on every change (the variables are built once per
change and shared by the rules); a plan rule once, on every change at once.
An expression CEL cannot evaluate on a change (a key the change does not
have, a null compared with a number) counts as tripping there, with CEL's
message: a rule that cannot say yes does not let the change through.

A soft rule's trip is accepted by an ``[[guard_rails.accept]]`` entry with
``rule = NAME`` whose ``max`` is at least its count, as rails are. Like
rails, rules and acceptances come from the checked-out project, never from a
saved plan: ``apply FILE`` evaluates them again on what it executes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from inventory_as_code.config.rails import RailAcceptance
from inventory_as_code.plan.model import Acceptance, Plan, RuleError, RuleTrip
from inventory_as_code.rules.expressions import activation
from inventory_as_code.rules.spec import Rule
from inventory_as_code.rules.variables import (
    CHANGE_VARIABLES,
    PLAN_VARIABLES,
    change_variables,
    names_in,
    plan_variables,
)


def with_rules(plan: Plan, rules: Sequence[Rule], accept: Iterable[RailAcceptance] = ()) -> Plan:
    """``plan`` with the rules it trips recorded (``Plan.rules``), each once, in toml order."""
    return replace(plan, rules=rule_trips(plan, rules, accept))


def rule_trips(
    plan: Plan, rules: Sequence[Rule], accept: Iterable[RailAcceptance] = ()
) -> tuple[RuleTrip, ...]:
    if not rules:
        return ()
    change_rules = [rule for rule in rules if rule.scope == "change"]
    plan_rules = [rule for rule in rules if rule.scope == "plan"]
    hits: dict[str, list[str]] = {rule.name: [] for rule in rules}
    errors: dict[str, list[RuleError]] = {rule.name: [] for rule in rules}
    # Only the variables the rules read are computed (and converted for CEL).
    needed = _reads(change_rules, CHANGE_VARIABLES)
    for change in plan.changes if change_rules else ():
        variables = change_variables(change, needed)
        values = activation("change", variables) if len(change_rules) > 1 else variables
        for rule in change_rules:
            tripped, error = rule.when.evaluate(values)
            if error is not None:
                errors[rule.name].append(RuleError(change.address, error))
                hits[rule.name].append(change.address)
            elif tripped:
                hits[rule.name].append(change.address)
    counts: dict[str, int] = {}
    if plan_rules:
        summary = plan.summary
        read = _reads(plan_rules, {**CHANGE_VARIABLES, **PLAN_VARIABLES})
        values = activation(
            "plan",
            plan_variables(
                plan.changes,
                {
                    "create": summary.create,
                    "update": summary.update,
                    "delete": summary.delete,
                    "switch_tracking": summary.switch_tracking,
                },
                plan.site,
                [name for name in CHANGE_VARIABLES if name in read] if "changes" in read else [],
            ),
        )
        for rule in plan_rules:
            tripped, error = rule.when.evaluate(values)
            counted = len(plan.changes)
            if rule.count is not None and (tripped or error is not None):
                number, count_error = rule.count.evaluate(values)
                if count_error is not None:
                    error = error or f"count: {count_error}"
                else:
                    counted = max(0, int(number))
            if error is not None:
                errors[rule.name].append(RuleError("", error))
            if tripped or error is not None:
                counts[rule.name] = counted
    entries = tuple(accept)
    trips = []
    for rule in rules:
        if rule.scope == "change" and not hits[rule.name]:
            continue
        if rule.scope == "plan" and rule.name not in counts:
            continue
        count = len(hits[rule.name]) if rule.scope == "change" else counts[rule.name]
        trip = RuleTrip(
            rule.name,
            rule.level,
            rule.message,
            rule.scope,
            tuple(hits[rule.name]),
            count,
            tuple(errors[rule.name]),
        )
        if rule.level == "soft":
            entry = next((a for a in entries if a.covers_rule(rule.name, count)), None)
            if entry is not None:
                trip = replace(trip, accepted=Acceptance(entry.where, entry.reason, entry.max))
        trips.append(trip)
    return tuple(trips)


def _reads(rules: Sequence[Rule], variables: Mapping[str, Any]) -> list[str]:
    """The variables these rules may read, in the order of ``variables``."""
    names: set[str] = set()
    for rule in rules:
        names |= names_in(rule.when.source)
        if rule.count is not None:
            names |= names_in(rule.count.source)
    return [name for name in variables if name in names]


def blocking_rules(plan: Plan, *, forced: bool = False) -> tuple[RuleTrip, ...]:
    """The trips that keep ``apply`` from running: hard ones always, soft ones unless
    accepted or (for a person at a terminal) ``--force``."""
    return tuple(
        trip for trip in plan.rules if trip.level == "hard" or (trip.blocking and not forced)
    )
