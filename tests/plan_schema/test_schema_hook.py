"""The hook that validates every plan of the suite fails the test that made a bad one.

A plan with a member the schema does not allow fails its test, whether the
test serialised it itself, a command it ran did, or the plan was only shown as
text; a good plan passes; the shortcut of validating each shape of change once
stays exact.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.plan_schema.checker import LITERAL, Checker, shape
from tests.plan_schema.plugin import FOLDER_ENV

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

INNER = """
import subprocess, sys
from inventory_as_code.plan.model import Note, Plan

BAD = "from inventory_as_code.plan.model import Note, Plan; Plan(notes=(Note('X', 5),)).to_dict()"

def test_bad_plan_in_process():
    Plan(notes=(Note("X", 5),)).to_dict()

def test_bad_plan_from_a_command():
    subprocess.run([sys.executable, "-c", BAD], check=True)

def test_good_plan():
    Plan().to_dict()

def test_bad_plan_only_shown_as_text(tmp_path, monkeypatch):
    # A plan the command prints as text is never serialised by the tool itself.
    from dataclasses import replace
    from click.testing import CliRunner
    from inventory_as_code import workflow
    from inventory_as_code.cli import main

    real = workflow._plan
    def noted(*args, **kwargs):
        plan, live = real(*args, **kwargs)
        return replace(plan, notes=(Note("X", "m", address=7),)), live
    monkeypatch.setattr(workflow, "_plan", noted)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "store.yaml").write_text("locations:\\n  Main: {default: true}\\n")
    env = {"CI": None, "WIX_API_KEY": None, "WIX_SITE_ID": None, "WIX_API_BASE_URL": None}
    result = CliRunner().invoke(main, ["plan", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.output
"""


def test_a_bad_plan_fails_the_test_that_made_it(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["tests.plan_schema.plugin"]\n')
    pytester.makepyfile(test_inner=INNER)
    env = {k: v for k, v in os.environ.items() if k not in (FOLDER_ENV, "PYTHONPATH")}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "environ", {**env, "PYTHONPATH": REPO})
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "0")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*test_bad_plan_in_process*",
            "*notes[[]0[]].message: 5 is not of type 'string'*",
            "*test_bad_plan_only_shown_as_text*",
            "*a plan from plan_project:*",
            "*notes[[]0[]].address: 7 is not of type 'string'*",
            "*validated 4 plans (1 of them from commands the tests ran*",
        ]
    )
    assert "a command's Plan.to_dict" in result.stdout.str()


def _constrained(schema: Any, name: str = "") -> set[str]:
    """Members whose values a (sub)schema constrains beyond their JSON type."""
    found: set[str] = set()
    if isinstance(schema, dict):
        value_keywords = {"enum", "const", "pattern", "minimum", "maximum", "format"}
        value_keywords |= {"minLength", "maxLength", "exclusiveMinimum", "exclusiveMaximum"}
        if value_keywords & set(schema) and name:
            found.add(name)
        for key, sub in schema.get("properties", {}).items():
            found |= _constrained(sub, key)
        for keyword in ("items", "additionalProperties", "anyOf", "oneOf", "allOf"):
            sub = schema.get(keyword)
            for part in sub if isinstance(sub, list) else [sub]:
                found |= _constrained(part, name)
    return found


def test_every_member_the_change_schema_constrains_is_kept_literally_in_the_shape() -> None:
    # Otherwise two changes of one shape could differ in what the schema checks.
    change = Checker().schema["$defs"]["change"]
    assert _constrained(change) <= LITERAL


def test_changes_of_one_shape_are_validated_once_and_a_new_kind_again() -> None:
    checker = Checker()
    change = {"address": "a", "kind": "stock", "action": "update", "before": {}, "after": {}}
    plan = {
        "format_version": 1,
        "site": "s",
        "summary": {"create": 0, "update": 2, "delete": 0},
        "changes": [change, {**change, "address": "b"}],
        "checksum": "sha256:" + "0" * 64,
    }
    assert checker.problems(plan) == []
    assert len(checker.valid_shapes) == 1
    bad = {**change, "kind": "warehouse"}
    assert shape(bad) != shape(change)
    (problem,) = checker.problems({**plan, "changes": [bad]})
    assert problem.startswith("changes[0].kind: 'warehouse' is not one of")
