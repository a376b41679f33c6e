"""`validate` reports what is wrong in [[rules]] and in the acceptances naming rules, at the
character: a CEL error at its line and column inside the toml string, with CEL's message."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import run_cli, write_project
from tests.rules.conftest import STORE, run

RULE = """\
[[rules]]
name = "{name}"
level = "{level}"
when = {when}
message = "m"
"""


def validate(tmp_path: Path, toml: str) -> list[str]:
    root = write_project(tmp_path / "p", {"store.yaml": STORE, "inventory-as-code.toml": toml})
    result = run("validate", root)
    return [line for line in result.output.splitlines() if "inventory-as-code.toml:" in line]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        # A misspelt variable, at its first letter, with a suggestion.
        (
            """'kind == "variant" && pric > 1.0'""",
            "4:30: rules[0].when: [[rules]] #1: when is not a valid expression: unknown name "
            "'pric' (did you mean \"price\"?).",
        ),
        # A double compared with a whole number: CEL's own message, at the operator.
        (
            "'price_drop > 1'",
            "4:20: rules[0].when: [[rules]] #1: when is not a valid expression: found no "
            "matching overload for '_>_' applied to '(double, int)'.",
        ),
        # A syntax error on the second line of a multi-line string.
        (
            "'''\nkind == \"stock\" &&\n  quantity_change <\n'''",
            "7:1: rules[0].when: [[rules]] #1: when is not a valid expression: Syntax error: "
            "mismatched input '<EOF>'",
        ),
        # Something that is not true or false.
        (
            "'size(changed)'",
            "4:9: rules[0].when: [[rules]] #1: when is not a valid expression: when must give "
            "true or false, but this gives a value of type int.",
        ),
    ],
)
def test_an_expression_cel_refuses_is_reported_where_it_is_written(
    tmp_path: Path, when: str, expected: str
) -> None:
    (line,) = validate(tmp_path, RULE.format(name="r", level="soft", when=when))
    assert line.split("inventory-as-code.toml:", 1)[1].startswith(expected), line


def test_entries_and_acceptances_are_checked_with_their_lines(tmp_path: Path) -> None:
    toml = (
        RULE.format(name="cut", level="hardd", when="'quantity_change < -5'")
        + RULE.format(name="stop", level="hard", when="'quantity_change < -50'")
        + '[[rules]]\nname = "stop"\nlevel = "soft"\nwhen = \'true\'\nmessage = "m"\n'
        + '[[guard_rails.accept]]\nrule = "stop"\nmax = 3\nreason = "r"\n'
        + '[[guard_rails.accept]]\nrule = "stpo"\nkind = "products"\nmax = 3\nreason = "r"\n'
    )
    lines = validate(tmp_path, toml)
    # At the key each is about (the rules are written from line 1, five lines each).
    assert [line.split(": ", 2)[0].rsplit(":", 2)[-2:] for line in lines] == [
        ["3", "1"],
        ["12", "1"],
        ["17", "1"],
        ["21", "1"],
        ["22", "1"],
    ], lines
    text = "\n".join(lines)
    assert "unknown level 'hardd' (did you mean \"hard\"?)" in text
    assert "a rule named 'stop' is already [[rules]] #2" in text
    assert "rule 'stop' is hard; only a soft rule is accepted in review" in text
    assert "an acceptance names a rail or a rule, not both; kind does not apply to a rule" in text
    assert "no rule is named 'stpo' (did you mean \"stop\"?)" in text


def test_validate_and_plan_refuse_a_rule_cel_refuses_at_its_place(tmp_path: Path) -> None:
    # Through the installed command: the message, the place, exit 1, no traceback.
    toml = RULE.format(name="r", level="soft", when="'kidn == \"stock\"'")
    root = write_project(tmp_path / "p", {"store.yaml": STORE, "inventory-as-code.toml": toml})
    for command in ("validate", "plan"):  # validate reports on stdout, plan on stderr
        result = run_cli(command, root)
        said = result.out + result.err
        assert result.code == 1, result
        assert (
            f"{root / 'inventory-as-code.toml'}:4:9: rules[0].when: [[rules]] #1: when is not a "
            "valid expression: unknown name 'kidn' (did you mean \"kind\"?)." in said
        ), result
