"""What evaluating [[rules]] costs on a big plan (inventory_as_code/rules).

Builds a first plan of PRODUCTS products (3 variants at 3 locations each, from
tests/plan/big_plans.py: 13 changes per product) and times, best of --repeat,
CPU time of this process:

* the plan alone (build_plan without rules);
* rule_trips with one change rule (price-drop of docs/rules.md);
* rule_trips with every example of docs/rules.md (five change rules, one plan rule);
* the same six evaluated with the pure-Python cel-python, when it is installed,
  on the first --celpy-changes changes (then scaled): the alternative weighed in
  inventory_as_code/rules/expressions.py.

    python benchmarks/rules.py --products 10000
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inventory_as_code.rules import parse_rules, rule_trips  # noqa: E402
from inventory_as_code.rules.variables import change_variables  # noqa: E402
from tests.plan.big_plans import first_plan  # noqa: E402
from tests.rules.conftest import documented_rules  # noqa: E402


def best(repeat: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def celpy_seconds(plan: Any, rules: list[dict[str, Any]], limit: int) -> float | None:
    try:
        import celpy
    except ImportError:
        return None
    environment = celpy.Environment()
    programs = [
        environment.program(environment.compile(r["when"]))
        for r in rules
        if r.get("scope") != "plan"
    ]
    changes = plan.changes[:limit]
    started = time.process_time()
    for change in changes:
        activation = celpy.json_to_cel(change_variables(change))
        for program in programs:
            with contextlib.suppress(celpy.CELEvalError):
                program.evaluate(activation)
    return (time.process_time() - started) * len(plan.changes) / len(changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--celpy-changes", type=int, default=5_000)
    args = parser.parse_args()

    planned = best(1, lambda: first_plan(args.products))
    plan = first_plan(args.products)
    raw = tomllib.loads(documented_rules())["rules"]
    every = parse_rules(raw).rules
    one = tuple(rule for rule in every if rule.name == "price-drop")
    print(f"{len(plan.changes):,} changes; the plan itself took {planned:.1f} s of CPU")
    for label, rules in (("1 change rule", one), ("the 6 examples of docs/rules.md", every)):
        seconds = best(args.repeat, lambda rules=rules: rule_trips(plan, rules))
        per = seconds / len(plan.changes) / len(rules) * 1e6
        print(f"{label}: {seconds:.2f} s ({per:.1f} us per change and rule)")
    pure = celpy_seconds(plan, raw, args.celpy_changes)
    if pure is not None:
        print(f"the 5 change rules with cel-python (pure Python), scaled: {pure:.0f} s")


if __name__ == "__main__":
    main()
