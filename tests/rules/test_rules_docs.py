"""docs/rules.md says what the tool does: every variable a rule sees is listed with its type,
and the validate output it quotes is what validate prints."""

from __future__ import annotations

import re
from pathlib import Path

from inventory_as_code.rules.variables import CHANGE_VARIABLES, PLAN_VARIABLES
from tests.e2e.cli import write_project
from tests.rules.conftest import RULES_DOC, STORE, run

TEXT = RULES_DOC.read_text(encoding="utf-8")
DOC_TYPES = {
    "string": "string",
    "int": "int",
    "double": "double",
    "map(string, dyn)": "map",
    "map(string, int)": "map",
    "list(string)": "list of strings",
    "list(dyn)": "list",
}


def table(heading: str) -> dict[str, str]:
    section = TEXT.split(heading, 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", section, re.M))


def test_every_variable_a_rule_sees_is_documented_with_its_type() -> None:
    for heading, variables in (
        ("## What a change rule sees", CHANGE_VARIABLES),
        ("## Rules over the whole plan", PLAN_VARIABLES),
    ):
        documented = table(heading)
        assert set(documented) == set(variables), heading
        for name, (cel_type, _) in variables.items():
            shown = documented[name]
            if cel_type == "dyn":  # a value or null
                assert shown.endswith("or null"), (name, shown)
            else:
                assert shown.startswith(DOC_TYPES[cel_type]), (name, shown)


def test_the_quoted_validate_output_is_what_validate_prints(tmp_path: Path) -> None:
    part = TEXT.split("with a slip of the keyboard:", 1)[1]
    toml, output = re.findall(r"```(?:toml)?\n(.*?)```", part, re.S)[:2]
    root = write_project(tmp_path / "p", {"store.yaml": STORE, "inventory-as-code.toml": toml})
    result = run("validate", root)
    assert result.exit_code == 1
    assert f"{root}/{output.strip()}" in result.output
