"""Rules of all three levels through the real command: what plan shows, the exit codes of
``plan --detailed-exitcode``, and what ``apply`` (of a folder or a saved plan) refuses."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.cli import run_cli
from tests.rules.conftest import TEES, plan_json, run

CUT = TEES.replace("quantity: 80", "quantity: 20")  # both tees' counts fall by 60
RULE = """\
[[rules]]
name = "stock-cut"
level = "{level}"
when = 'kind == "stock" && quantity_change < -50'
message = "a count falls by more than 50 units"
"""
ACCEPT = """\
[[guard_rails.accept]]
rule = "stock-cut"
max = 2
reason = "stock take of March (PR #9)"
"""


def setup(project: Path, level: str, accept: str = "") -> None:
    (project / "inventory-as-code.toml").write_text(RULE.format(level=level) + accept)
    (project / "tees.yaml").write_text(CUT)


def live_quantities(project: Path) -> list[int]:
    body = plan_json(project, "--site", "local")
    return sorted(c["before"]["quantity"] for c in body["changes"] if c["kind"] == "stock")


def test_a_soft_rule_fails_the_check_and_apply_until_it_is_accepted(project: Path) -> None:
    setup(project, "soft")
    planned = run_cli("plan", project, "--detailed-exitcode")
    assert planned.code == 4, planned
    assert "! stock-cut (soft): a count falls by more than 50 units" in planned.out
    assert 'stock["tee"]["M"]["Main warehouse"]' in planned.out
    assert "Rules of inventory-as-code.toml that apply would refuse:" in planned.err
    assert 'rule = "stock-cut", max = 2 and reason = "..."' in planned.err

    refused = run_cli("apply", project, "--auto-approve")
    assert refused.code == 4, refused
    assert "Refused: Rules of inventory-as-code.toml that apply would refuse:" in refused.err
    assert live_quantities(project) == [80, 80]  # nothing applied

    setup(project, "soft", ACCEPT)
    accepted = run("plan", project, "--detailed-exitcode")
    assert accepted.exit_code == 2, accepted.output
    assert "accepted by [[guard_rails.accept]] #1 (up to 2): stock take of March" in accepted.output
    assert run("apply", project, "--auto-approve").exit_code == 0
    assert run("plan", project, "--detailed-exitcode").exit_code == 0


def test_a_hard_rule_is_refused_even_accepted_or_forced(project: Path) -> None:
    setup(project, "hard")
    forced = run_cli("apply", project, "--auto-approve", "--force")
    assert forced.code == 4, forced
    assert "stock-cut (hard): a count falls by more than 50 units" in forced.err
    assert "A hard rule never applies, accepted or forced: correct the YAML." in forced.err
    assert run("plan", project, "--detailed-exitcode").exit_code == 4
    assert live_quantities(project) == [80, 80]


def test_an_advisory_rule_warns_and_lets_the_plan_through(project: Path) -> None:
    setup(project, "advisory")
    result = run("plan", project, "--detailed-exitcode", "--format", "markdown")
    assert result.exit_code == 2, result.output
    assert "> [!WARNING]" in result.stdout
    assert "`stock-cut (advisory)` a count falls by more than 50 units" in result.stdout
    assert run("apply", project, "--auto-approve").exit_code == 0


def test_apply_of_a_saved_plan_evaluates_the_checked_out_rules(project: Path) -> None:
    (project / "tees.yaml").write_text(CUT)
    assert run("plan", project, "--out", project / "plan.json").exit_code == 0
    # The rule arrives after the plan was reviewed: the checked-out project's rules hold.
    (project / "inventory-as-code.toml").write_text(RULE.format(level="hard"))
    refused = run("apply", project / "plan.json", "--project", project)
    assert refused.exit_code == 4, refused.output
    assert "stock-cut (hard)" in refused.output
    assert live_quantities(project) == [80, 80]
