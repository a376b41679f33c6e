"""The shop's own rules over the plan: ``[[rules]]`` in ``inventory-as-code.toml``.

Guard rails (:mod:`inventory_as_code.plan.guard_rails`) are the tool's own,
fixed checks. Rules are a shop's: CEL expressions over a change as the plan
JSON shows it (:mod:`.variables`), each at a level, as Terraform users write
OPA or Sentinel policies over plan JSON and Pulumi users CrossGuard packs:

* ``advisory``: a warning in the plan; never blocks;
* ``soft``: trips like a rail: ``plan --detailed-exitcode`` exits 4 and
  ``apply`` refuses until a reviewed ``[[guard_rails.accept]]`` entry with
  ``rule = NAME`` accepts it (or ``--force`` at a terminal);
* ``hard``: never applies: no acceptance, no ``--force``.

``spec`` parses and compiles the toml entries (``validate`` reports what CEL
refuses with the toml's line and column), ``expressions`` holds the CEL
environment, ``evaluate`` records what a plan trips (``Plan.rules``).
"""

from __future__ import annotations

from inventory_as_code.rules.evaluate import blocking_rules, rule_trips, with_rules
from inventory_as_code.rules.spec import ParsedRules, Rule, RuleIssue, parse_rules

__all__ = [
    "ParsedRules",
    "Rule",
    "RuleIssue",
    "blocking_rules",
    "parse_rules",
    "rule_trips",
    "with_rules",
]
