"""Fixtures for the plan tests: plan a table case, compare with a golden file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.planner import PlanOptions, build_plan
from tests.plan.cases import Case
from tests.plan.helpers import SITE, desired_from, live_from

GOLDENS = Path(__file__).parent / "goldens"


def plan_case(case: Case, root: Path) -> Plan:
    desired = desired_from(root / case.name, case.yaml)
    live = live_from(case.seed, case.setup)
    options = PlanOptions(guard_rails=case.guard_rails, targets=case.targets, site=SITE)
    return build_plan(desired, live, options)


@pytest.fixture
def planned(tmp_path: Path) -> Callable[[Case], Plan]:
    return lambda case: plan_case(case, tmp_path)


def check_golden(name: str, actual: str) -> None:
    """Compare with ``goldens/<name>.txt``; ``UPDATE_GOLDENS=1`` rewrites it (review the diff)."""
    path = GOLDENS / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDENS"):
        GOLDENS.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no golden {path.name}; run with UPDATE_GOLDENS=1 and review it"
    assert actual == path.read_text(encoding="utf-8")
