"""``[guard_rails]`` and its ``[[guard_rails.accept]]`` entries, as validate checks them.

An acceptance is reviewed in the pull request that needs it, so a mistake in
one must show there, with its line, like a mistake in the YAML: ``validate``
(and pre-commit) report every one, and ``plan`` refuses to run on them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from inventory_as_code.cli import main
from inventory_as_code.config.rails import GuardRailSettings, RailAcceptance, parse_rail_table
from inventory_as_code.site import SiteSettings, load_guard_rails

ENV = {"CI": "", "WIX_API_KEY": "", "WIX_SITE_ID": "", "NO_COLOR": "1"}
STORE = "locations:\n  Main: {default: true}\n"

TOML = """\
[guard_rails]
max_delete_share = 0.2
max_deletes = 50

[[guard_rails.accept]]
rail = "DELETE_SHAR"
kind = "product"
max = 0

[[guard_rails.accept]]
rail = "TOUCHED_SHARE"
kind = "stock"
max = 12
reason = "  "
maxx = 3

[sites.production]
api_key_env = "WIX_PROD_API_KEY"

[[sites.production.guard_rails.accept]]
rail = "DELETE_COUNT"
max = 2.5
reason = "the spring sale"
"""


def validate(project: Path, toml: str) -> str:
    (project / "store.yaml").write_text(STORE)
    (project / "inventory-as-code.toml").write_text(toml)
    result = CliRunner().invoke(main, ["validate", str(project)], env=ENV)
    assert result.exit_code == 1, result.output
    return result.output


def test_validate_reports_every_bad_acceptance_with_its_line(tmp_path: Path) -> None:
    output = validate(tmp_path, TOML)
    toml = f"{tmp_path}/inventory-as-code.toml"
    for expected in (
        f"{toml}:5:1: guard_rails.accept[0].reason: [[guard_rails.accept]] #1: reason is missing.",
        f"{toml}:6:1: guard_rails.accept[0].rail: [[guard_rails.accept]] #1: unknown rail "
        "'DELETE_SHAR' (did you mean \"DELETE_SHARE\"?).",
        f"{toml}:7:1: guard_rails.accept[0].kind: [[guard_rails.accept]] #1: unknown kind "
        "'product' (did you mean \"products\"?).",
        f"{toml}:8:1: guard_rails.accept[0].max: [[guard_rails.accept]] #1: max must be a whole "
        "number above 0, not 0.",
        f"{toml}:12:1: guard_rails.accept[1].kind: [[guard_rails.accept]] #2: TOUCHED_SHARE is "
        "not tripped per kind of object",
        f"{toml}:14:1: guard_rails.accept[1].reason: [[guard_rails.accept]] #2: reason must say",
        f"{toml}:15:1: guard_rails.accept[1].maxx: [[guard_rails.accept]] #2: unknown key maxx "
        '(did you mean "max"?).',
        f"{toml}:22:1: sites.production.guard_rails.accept[0].max: "
        "[[sites.production.guard_rails.accept]] #1: max must be a whole number above 0, not 2.5.",
    ):
        assert expected in output, expected
    assert output.strip().splitlines()[-1] == "8 problems in 1 file."


def test_settings_are_checked_too(tmp_path: Path) -> None:
    output = validate(
        tmp_path, "[guard_rails]\nmax_delete_share = 30\nmax_deletes = -1\nmax_delets = 5\n"
    )
    assert (
        "2:1: guard_rails.max_delete_share: max_delete_share must be a share between 0 " in output
    )
    assert "3:1: guard_rails.max_deletes: max_deletes must be a whole number, 0 or more." in output
    assert 'unknown guard rail setting max_delets (did you mean "max_deletes"?)' in output


def test_plan_refuses_to_run_on_a_bad_acceptance(tmp_path: Path) -> None:
    (tmp_path / "store.yaml").write_text(STORE)
    (tmp_path / "inventory-as-code.toml").write_text(
        '[[guard_rails.accept]]\nrail = "DELETE_SHARE"\nmax = 10\n'
    )
    result = CliRunner().invoke(main, ["plan", str(tmp_path), "--site", "local"], env=ENV)
    assert result.exit_code == 1
    assert "[[guard_rails.accept]] #1: reason is missing" in result.output


def test_a_valid_project_and_site_are_merged(tmp_path: Path) -> None:
    (tmp_path / "inventory-as-code.toml").write_text(
        "[guard_rails]\nmax_deletes = 50\n\n"
        '[[guard_rails.accept]]\nrail = "DELETE_SHARE"\nkind = "products"\nmax = 1800\n'
        'reason = "closing the winter collection (PR #123)"\n'
    )
    site = SiteSettings(
        name="production",
        guard_rails={
            "max_deletes": 10,
            "accept": [{"rail": "VARIANTS_REPLACED", "max": 3, "reason": "new sizes"}],
        },
    )
    settings = load_guard_rails(tmp_path, site)
    assert settings == GuardRailSettings(
        max_deletes=10,
        accept=(
            RailAcceptance(
                "DELETE_SHARE",
                1800,
                "closing the winter collection (PR #123)",
                "products",
                "[[guard_rails.accept]] #1",
            ),
            RailAcceptance(
                "VARIANTS_REPLACED",
                3,
                "new sizes",
                None,
                "[[sites.production.guard_rails.accept]] #1",
            ),
        ),
    )
    assert load_guard_rails(tmp_path, None).max_deletes == 50


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"rail": "DELETE_SHARE", "reason": "r"}, "max is missing"),
        ({"max": 3}, "rail, reason are missing"),
        ({"rail": "DELETE_SHARE", "max": True, "reason": "r"}, "max must be a whole number"),
        ({"rail": 5, "max": 3, "reason": "r"}, "unknown rail 5"),
        # Locations are archived, never deleted: their rail has no kind.
        (
            {"rail": "DELETE_SHARE", "kind": "locations", "max": 3, "reason": "r"},
            "every archive trips LOCATION_ARCHIVE",
        ),
    ],
)
def test_acceptance_entries(entry: dict[str, object], problem: str) -> None:
    parsed = parse_rail_table({"accept": [entry]})
    assert parsed.accept == ()
    (issue,) = parsed.issues
    assert problem in issue.message
