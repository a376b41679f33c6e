"""docs/rules.md says what the tool does: every variable a rule sees is listed with its type,
and the validate and plan output it quotes is what they print; the README's rule is a valid one."""

from __future__ import annotations

import re
from pathlib import Path

from inventory_as_code.rules.variables import CHANGE_VARIABLES, PLAN_VARIABLES
from tests.e2e.cli import write_project
from tests.rules.conftest import REPO, RULES_DOC, STORE, TEES, run

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


def test_the_readme_rule_is_one_validate_accepts(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (toml,) = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "[[rules]]" in b]
    root = write_project(tmp_path / "p", {"store.yaml": STORE, "inventory-as-code.toml": toml})
    result = run("validate", root)
    assert result.exit_code == 0, result.output


def test_the_quoted_plan_is_what_plan_prints(project: Path) -> None:
    # The rule of "Writing a rule", and tee S cut from 20.00 to 9.00 (55%).
    toml = re.findall(r"```toml\n(.*?)```", TEXT.split("## Writing a rule", 1)[1], re.S)[0]
    quoted = re.findall(r"```\n(.*?)```", TEXT.split("## In the plan", 1)[1], re.S)[0]
    (project / "inventory-as-code.toml").write_text(toml, encoding="utf-8")
    (project / "tees.yaml").write_text(
        TEES.replace("    stock:", '    variants:\n      S: {price: "9.00"}\n    stock:')
    )
    result = run("plan", project)
    assert result.exit_code == 0, result.output
    assert quoted in result.stdout
