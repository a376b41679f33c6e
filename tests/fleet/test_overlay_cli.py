"""validate and export with sites that have overlays, in process (the embedded stores)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli import main

FLEET = Path(__file__).resolve().parents[2] / "examples" / "fleet"
CLEAN_ENV = {"CI": "", "WIX_API_KEY": "", "WIX_SITE_ID": "", "WIX_API_BASE_URL": ""}


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), env=CLEAN_ENV, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    target = tmp_path / "fleet"
    shutil.copytree(FLEET, target, ignore=shutil.ignore_patterns(".inventory-as-code"))
    return target


def test_validate_checks_every_sites_merged_result_and_says_which_site(fleet: Path) -> None:
    assert run("validate", str(fleet)).exit_code == 0
    outlet = fleet / "sites" / "outlet" / "outlet.yaml"
    outlet.write_text(outlet.read_text().replace("    exclude: []", "    exclude: [XS/Black]"))
    result = run("validate", str(fleet))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    heading = lines.index("Site outlet (its overlay merged onto the catalogue):")
    assert "sites/outlet/outlet.yaml:" in lines[heading + 1]
    assert 'unknown choice "XS"' in lines[heading + 1]
    assert lines[-1].endswith("Sites: de OK (4 products), fr OK (3 products), outlet: 1 problem.")
    body = json.loads(run("validate", str(fleet), "--format", "json").output)
    assert body["ok"] is False and body["problems"] == []  # the catalogue itself is fine
    (problem,) = body["sites"]["outlet"]["problems"]
    assert problem["file"].endswith("sites/outlet/outlet.yaml")


def test_export_as_overlay_writes_the_sites_differences_and_proves_them(
    fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(fleet)
    assert run("apply", ".", "--site", "fr", "--auto-approve").exit_code == 0
    (fleet / "sites" / "fr" / "fr.yaml").unlink()  # the site's differences, lost
    result = run("export", "--site", "fr", "--as-overlay")
    assert result.exit_code == 0, result.output
    assert "Round trip: a plan of the exported files against this store shows no changes." in (
        result.output
    )
    products = (fleet / "sites" / "fr" / "products.yaml").read_text()
    assert "winter-parka: {$patch: delete}" in products
    assert "price: '32.00'" in products
    assert "merino-beanie:\n    stock: {$patch: delete}" in products
    store = (fleet / "sites" / "fr" / "store.yaml").read_text()
    assert "Main warehouse: {$patch: delete}" in store
    planned = run("plan", ".", "--site", "fr", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    # An overlay goes to the site's own folder, nowhere else.
    refused = run("export", "--site", "fr", "--as-overlay", "--out", "elsewhere")
    assert refused.exit_code == 1 and "--as-overlay writes a site's differences" in refused.output


def test_at_a_terminal_every_plan_shows_first_then_one_question(
    fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("inventory_as_code.cli.fleet.has_terminal", lambda: True)
    declined = CliRunner().invoke(main, ["apply", str(fleet), "--all-sites"], input="n\n")
    assert declined.exit_code == 0, declined.output
    assert "Apply these changes to 3 site(s)?" in declined.output
    assert declined.output.index("== site outlet") < declined.output.index("Apply these")
    assert "Nothing applied." in declined.output
    accepted = CliRunner().invoke(main, ["apply", str(fleet), "--all-sites"], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Fleet apply: 3 sites: 3 applied. Exit 0." in accepted.output


def test_plans_of_a_fleet_go_to_a_folder_of_their_own(fleet: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    result = run("plan", str(fleet), "--all-sites", "--out", str(taken))
    assert result.exit_code == 1
    assert "--out replaces nothing else" in result.output
    assert (taken / "notes.txt").read_text() == "mine"


NO_NEW_LOCATIONS = """
[[rules]]
name = "no-new-locations"
level = "hard"
when = 'kind == "location" && action == "create"'
message = "locations are created by hand"
"""


def test_a_hard_rule_refuses_every_site_of_an_all_sites_run(fleet: Path) -> None:
    # The fleet's sites are planned by the fleet runner, not by `plan` alone: a rule of
    # the toml must hold there too, and --force never lifts a hard one.
    toml = fleet / "inventory-as-code.toml"
    toml.write_text(toml.read_text() + NO_NEW_LOCATIONS)
    planned = run("plan", str(fleet), "--all-sites", "--detailed-exitcode")
    assert planned.exit_code == 4, planned.output
    assert "rule no-new-locations (hard)" in planned.output
    applied = run("apply", str(fleet), "--all-sites", "--auto-approve", "--force")
    assert applied.exit_code == 4, applied.output
    assert "trips rules of inventory-as-code.toml: no-new-locations (hard)" in applied.output
    again = run("plan", str(fleet), "--all-sites", "--detailed-exitcode")
    assert again.exit_code == 4, "nothing was applied at any site"
