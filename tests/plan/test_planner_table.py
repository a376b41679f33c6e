"""The planner, table-driven: every action, policy, note and guard rail.

Each case in :mod:`tests.plan.cases` is checked as data (changes, notes,
guard rails) and as the text a reviewer reads (``goldens/<case>.txt``;
refresh with ``UPDATE_GOLDENS=1 pytest tests/plan`` and review the diff).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.render_text import render_text
from tests.plan.cases import CASES, Case
from tests.plan.conftest import check_golden


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case: Case, planned: Callable[[Case], Plan]) -> None:
    plan = planned(case)
    assert isinstance(plan, Plan)
    assert [(c.action.value, c.address) for c in plan.changes] == list(case.changes)
    assert [n.code for n in plan.notes] == list(case.notes)
    assert [g.code for g in plan.guard_rails] == list(case.rails)
    assert [(u.address, u.field) for u in plan.unresolved] == list(case.unresolved)
    text = render_text(plan).plain
    if not case.changes and not case.unresolved:
        assert text.endswith("No changes. The live store matches the YAML.\n")
    if case.unresolved:
        assert "matches the YAML" not in text
        assert "Unresolved" in text
    check_golden(case.name, text)
