"""A fleet through the real command: the example's three sites with overlays, in one run.

Against the embedded stores (``local = true``: a store per site) and against
one emulator server holding three site ids, as a real agency's sites are
three sites of Wix. One site failing (a fault for its site id only) does not
stop the others, nor does a guard rail that refuses one site's plan (exit 4);
saved plans of several sites are bound site by site; the shards' reports
combine into one comment; validate names the site and the overlay's line, and
export writes a site's overlay back from its store.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inventory_as_code.emulator import Emulator, EmulatorServer, serve

from .cli import EXAMPLES, Ran, run_cli

FLEET = EXAMPLES / "fleet"
SITES = ("de", "fr", "outlet")
SERVER_TOML = """
[sites.de]
overlay = "sites/de"
api_key_env = "FLEET_KEY"
site_id = "site-de"
base_url_env = "FLEET_URL"
requests_per_minute = 100000

[sites.fr]
overlay = "sites/fr"
api_key_env = "FLEET_KEY"
site_id = "site-fr"
base_url_env = "FLEET_URL"
requests_per_minute = 100000

[sites.outlet]
overlay = "sites/outlet"
api_key_env = "FLEET_KEY"
site_id = "site-outlet"
base_url_env = "FLEET_URL"
requests_per_minute = 100000
"""


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {site["name"]: site["outcome"] for site in report["sites"]}


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1) if old else text + new)


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    target = tmp_path / "fleet"
    shutil.copytree(FLEET, target, ignore=shutil.ignore_patterns(".inventory-as-code"))
    return target


def test_the_example_fleet_plans_and_applies_in_one_run_with_one_report(
    fleet: Path, tmp_path: Path
) -> None:
    planned = run_cli("plan", fleet, "--all-sites", "--format", "markdown")
    assert planned.code == 0, planned
    assert planned.out.startswith("<!-- inventory-as-code fleet plan -->")
    assert "for 3 site(s)" in planned.out
    # The value that won, named at its own file and line: the French price is the overlay's.
    assert "sites/fr/fr.yaml:20:12" in planned.out
    assert planned.err.count(" in ") >= 3  # a line per site as it finished

    report_file = tmp_path / "applied.json"
    applied = run_cli("apply", fleet, "--all-sites", "--auto-approve", "--report-json", report_file)
    assert applied.code == 0, applied
    report = json.loads(report_file.read_text())
    assert outcomes(report) == dict.fromkeys(SITES, "applied")
    assert report["exit_code"] == 0
    for site in report["sites"]:
        assert site["apply"]["inconsistencies"] == [], site
    # Each site its own embedded store, each holding its own catalogue.
    stores = sorted(p.parent.name for p in (fleet / ".inventory-as-code").rglob("local.db"))
    assert stores == sorted(SITES)

    # The French overlay lost, and written again from its store by export.
    (fleet / "sites" / "fr" / "fr.yaml").unlink()
    exported = run_cli("export", "--site", "fr", "--as-overlay", cwd=fleet)
    assert exported.code == 0, exported
    assert "winter-parka: {$patch: delete}" in (fleet / "sites/fr/products.yaml").read_text()

    again = run_cli("plan", fleet, "--all-sites", "--detailed-exitcode")
    assert again.code == 0, again
    assert "Fleet plan: 3 sites: 3 no changes. Exit 0." in again.out

    # A catalogue price that France overrides and the others take; the outlet, stricter
    # about deletions, drops two sizes: its rail refuses it alone, and the fleet exits 4.
    edit(fleet / "products.yaml", 'price: "79.00"', 'price: "82.00"')
    edit(fleet / "sites/outlet/outlet.yaml", "Size: [S, M, L]", "Size: [S]")
    edit(fleet / "inventory-as-code.toml", "", "[sites.outlet.guard_rails]\nmax_deletes = 3\n")
    planned = run_cli("plan", fleet, "--all-sites", "--detailed-exitcode", "--format", "json")
    assert planned.code == 4, planned
    report = json.loads(planned.out)
    assert outcomes(report) == {"de": "changes", "fr": "no_changes", "outlet": "rails"}
    markdown = {site["name"]: site["markdown"] for site in report["sites"]}
    assert '"79.00" -> "82.00" on 8 of 8 variants  # products.yaml:26:12' in markdown["de"]
    assert "DELETE_COUNT (variants)" in markdown["outlet"]
    applied = run_cli("apply", fleet, "--all-sites", "--auto-approve", "--report-json", report_file)
    assert applied.code == 4, applied
    assert outcomes(json.loads(report_file.read_text())) == {
        "de": "applied",
        "fr": "no_changes",
        "outlet": "refused",
    }
    assert "trips guard rails that no acceptance covers: DELETE_COUNT" in applied.out
    assert "Fleet apply: 3 sites: 1 refused, 1 applied, 1 no changes. Exit 4." in applied.out


@pytest.fixture
def server() -> Iterator[tuple[Emulator, EmulatorServer]]:
    emulator = Emulator()
    running = serve(emulator, port=0)
    yield emulator, running
    running.shutdown()
    emulator.close()


@pytest.mark.socket
def test_three_sites_of_one_server_a_failing_site_saved_plans_and_shards(
    fleet: Path, tmp_path: Path, server: tuple[Emulator, EmulatorServer]
) -> None:
    emulator, running = server
    (fleet / "inventory-as-code.toml").write_text(SERVER_TOML)
    env = {"FLEET_KEY": "agency-key", "FLEET_URL": running.url, "CI": "true"}

    # Wix refuses everything the French site sends: the other two are applied anyway.
    emulator.add_fault("POST *:403:times=inf,site=site-fr")
    first = tmp_path / "first.json"
    ran = run_cli("apply", fleet, "--all-sites", "--auto-approve", "--report-json", first, env=env)
    assert ran.code == 3, ran  # one site failed while others applied
    report = json.loads(first.read_text())
    assert outcomes(report) == {"de": "applied", "fr": "error", "outlet": "applied"}
    (failed,) = [s for s in report["sites"] if s["name"] == "fr"]
    assert "403" in failed["message"] and failed["site"] == "site-fr"

    # The French site again, as two shards of a matrix whose reports make one comment.
    emulator.set_faults(None)
    reports = []
    for shard in ("1/2", "2/2"):
        index = shard[0]
        ran = run_cli(
            "plan", fleet, "--all-sites", "--shard", shard, "--format", "json",
            "--detailed-exitcode", "--out", tmp_path / f"plans-{index}", env=env,
        )  # fmt: skip
        assert ran.code in (0, 2), ran
        reports.append(tmp_path / f"report-{index}.json")
        reports[-1].write_text(ran.out)
    names = [s["name"] for r in reports for s in json.loads(r.read_text())["sites"]]
    assert sorted(names) == sorted(SITES)  # every site in exactly one shard
    combined = run_cli("combine", *reports, "--format", "json", "--exit-code", env=env)
    assert combined.code == 2, combined  # changes, at fr only
    assert outcomes(json.loads(combined.out)) == {
        "de": "no_changes",
        "fr": "changes",
        "outlet": "no_changes",
    }

    # A saved plan of one site put in another's place is that site's refusal alone.
    plans = tmp_path / "plans"
    ran = run_cli("plan", fleet, "--all-sites", "--out", plans, env=env)
    assert ran.code == 0, ran
    index = json.loads((plans / "fleet-plans.json").read_text())["sites"]
    assert index["fr"] == {"outcome": "changes", "file": "fr.json"}
    genuine = (plans / "fr.json").read_bytes()
    shutil.copy(plans / "de.json", plans / "fr.json")
    tampered = tmp_path / "tampered.json"
    ran = run_cli(
        "apply", plans, "--all-sites", "--project", fleet, "--report-json", tampered, env=env
    )
    assert ran.code == 4, ran
    assert "made for site 'site-de', but this run talks to 'site-fr'" in ran.out
    assert outcomes(json.loads(tampered.read_text()))["fr"] == "refused"

    (plans / "fr.json").write_bytes(genuine)
    ran = run_cli("apply", plans, "--all-sites", "--project", fleet, env=env)
    assert ran.code == 0, ran
    assert "Fleet apply: 3 sites: 1 applied, 2 no changes. Exit 0." in ran.out


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_changed_since_plans_only_the_site_whose_overlay_changed(fleet: Path) -> None:
    _git(fleet, "init", "-q")
    _git(fleet, "add", ".")
    _git(fleet, "commit", "-qm", "catalogue and overlays")
    overlay = fleet / "sites" / "fr" / "fr.yaml"
    overlay.write_text(overlay.read_text().replace('price: "85.00"', 'price: "87.00"'))
    ran = run_cli("plan", fleet, "--all-sites", "--changed-since", "HEAD", "--format", "json")
    assert ran.code == 0, ran
    report = json.loads(ran.out)
    assert outcomes(report) == {"de": "untouched", "fr": "changes", "outlet": "untouched"}
    (fr,) = [s for s in report["sites"] if s["name"] == "fr"]
    assert "1 product(s) changed since HEAD" in " ".join(fr["notes"])
    assert 'product["fjord-hoodie"]' in fr["markdown"]
    assert 'product["organic-cotton-tee"]' not in fr["markdown"]


@pytest.mark.socket
def test_changed_since_plans_a_site_whole_when_the_toml_points_it_at_another_store(
    fleet: Path, server: tuple[Emulator, EmulatorServer]
) -> None:
    """No YAML changed, but the French site is now another Wix site: every product of
    its catalogue is new there. The other sites stay untouched."""
    _, running = server
    (fleet / "inventory-as-code.toml").write_text(SERVER_TOML)
    env = {"FLEET_KEY": "agency-key", "FLEET_URL": running.url}
    applied = run_cli("apply", fleet, "--all-sites", "--auto-approve", env=env)
    assert applied.code == 0, applied
    _git(fleet, "init", "-q")
    _git(fleet, "add", ".")
    _git(fleet, "commit", "-qm", "three sites")
    edit(fleet / "inventory-as-code.toml", 'site_id = "site-fr"', 'site_id = "site-fr-2"')
    ran = run_cli(
        "plan", fleet, "--all-sites", "--changed-since", "HEAD", "--format", "json", env=env
    )
    assert ran.code == 0, ran
    report = json.loads(ran.out)
    assert outcomes(report) == {"de": "untouched", "fr": "changes", "outlet": "untouched"}
    (fr,) = [s for s in report["sites"] if s["name"] == "fr"]
    assert "[sites.fr] of inventory-as-code.toml names another Wix site than at HEAD" in " ".join(
        fr["notes"]
    ), fr["notes"]
    assert 'product["organic-cotton-tee"]' in fr["markdown"]  # the whole catalogue


def test_fleet_refusals_and_a_site_that_does_not_validate(fleet: Path, tmp_path: Path) -> None:
    both: Ran = run_cli("plan", fleet, "--all-sites", "--site", "de")
    assert both.code == 2 and "--site and --all-sites cannot be combined" in both.err, both
    shard = run_cli("plan", fleet, "--all-sites", "--shard", "3/2")
    assert shard.code == 2 and "--shard 3/2: the shard must be from 1 to 2." in shard.err, shard
    elsewhere = run_cli("export", "--site", "fr", "--as-overlay", "--out", "x", cwd=fleet)
    assert elsewhere.code == 1 and "into the site's overlay folder" in elsewhere.err, elsewhere

    # The outlet's overlay drops XS, which the catalogue's exclusion still names.
    edit(fleet / "sites/outlet/outlet.yaml", "    exclude: []", "    exclude: [XS/Black]")
    checked = run_cli("validate", fleet)
    assert checked.code == 1, checked
    assert "Sites: de OK (4 products), fr OK (3 products), outlet: 1 problem." in checked.out
    assert "sites/outlet/outlet.yaml:16:15: products.organic-cotton-tee" in checked.out
    # plan goes on with the sites that are fine and exits 1 for the one that is not.
    planned = run_cli("plan", fleet, "--all-sites", "--detailed-exitcode", "--format", "json")
    assert planned.code == 1, planned
    assert outcomes(json.loads(planned.out)) == {
        "de": "changes",
        "fr": "changes",
        "outlet": "error",
    }
    stray = tmp_path / "stray.json"
    stray.write_text('{"summary": {}}')
    ran = run_cli("combine", stray)
    assert ran.code == 1 and "is not a fleet report" in ran.err, ran
