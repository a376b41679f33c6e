"""The acceptance suite through its documented command, against `inventory-as-code emulator serve`.

This is how CI keeps the suite from rotting: every build runs the command a
shop runs against its Wix dev site, pointed at the emulator on loopback. It
must pass, report no difference from its own emulator shadow, and leave the
store as it found it: after a complete run, after Ctrl-C, and after a killed
run followed by ``--cleanup``. Each test uses a site of its own on one server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from inventory_as_code.acceptance.contract import snapshot
from inventory_as_code.wix import WixClient
from tests.e2e.cli import BASE_ENV, REPO, Ran, assert_no_crash, command, run_cli

pytestmark = pytest.mark.socket

FAST = ("--requests-per-minute", "1000000")  # the emulator needs no protection


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`inventory-as-code emulator serve` on a free loopback port; yields its URL."""
    process = subprocess.Popen(
        [command(), "emulator", "serve", "--port", "0"],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    try:
        first = process.stdout.readline()
        assert first.startswith("Wix emulator listening on "), first
        # Keep reading, so that what the server prints never fills the pipe and stops it.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield first.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def _env(site: str | None = None, url: str | None = None) -> dict[str, str]:
    merged = {**os.environ, **BASE_ENV, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    if site is not None and url is not None:
        merged.update(WIX_API_BASE_URL=url, WIX_API_KEY="ci-key", WIX_SITE_ID=site)
    return {k: v for k, v in merged.items() if v != ""}


def _client(url: str, site: str) -> WixClient:
    return WixClient(api_key="ci-key", site_id=site, base_url=url, requests_per_minute=1e6)


def _store(url: str, site: str) -> dict[Any, Any]:
    with _client(url, site) as client:
        return snapshot(client)


def _faults(url: str, rules: list[str], **settings: Any) -> None:
    httpx.put(f"{url}/_emulator/faults", json={"rules": rules, **settings}).raise_for_status()


def _acceptance(url: str, site: str, *args: str | Path, cwd: Path) -> Ran:
    return run_cli("acceptance", *FAST, *args, cwd=cwd, env=_env(site, url), timeout=180)


def _stop_when(
    url: str, site: str, args: list[str], line: str, how: signal.Signals, cwd: Path
) -> Ran:
    """Run the command until it prints ``line``, then send it ``how``."""
    process = subprocess.Popen(
        [command(), "acceptance", *FAST, *args],
        cwd=cwd,
        env=_env(site, url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    seen = []
    for text in process.stdout:
        seen.append(text)
        if line in text:
            process.send_signal(how)
            break
    out, err = process.communicate(timeout=60)
    ran = Ran(("acceptance", *args), process.returncode, "".join(seen) + out, err)
    assert_no_crash(ran)
    assert line in ran.out, ran
    return ran


def test_the_suite_passes_and_a_killed_run_is_cleaned_up(server: str, tmp_path: Path) -> None:
    site = "acceptance-main"
    before = _store(server, site)
    ran = _acceptance(
        server, site, "--create-location", "--report", tmp_path / "r.json", cwd=tmp_path
    )
    assert ran.code == 0, ran
    assert "The site answered as the emulator does: no differences." in ran.out
    report = json.loads((tmp_path / "r.json").read_text())
    assert [(s["name"], s["status"]) for s in report["scenarios"]] == [
        ("products", "passed"),
        ("options", "passed"),
        ("shared-options", "passed"),
        ("tracking", "passed"),
        ("quantities", "passed"),
        ("refills", "passed"),
        ("locations", "passed"),
    ]
    assert all(step["held"] for s in report["scenarios"] for step in s["steps"])
    assert report["differences"] == []
    assert (tmp_path / "r.txt").read_text().startswith("Acceptance suite on site acceptance-main")
    # As found, but for the one location --create-location made (Wix cannot delete one).
    after = _store(server, site)
    assert {k: after[k] for k in before} == before
    [(kind, created)] = [(k[0], v) for k, v in after.items() if k not in before]
    assert (kind, created["name"], created["street"], created["archived"]) == (
        "location",
        "iac-acc-location",
        "Torstraße 109",
        False,
    )

    # Killed (no cleanup of its own) while the suite's location is moved and its
    # products exist: the next run refuses, --cleanup puts the store back.
    _faults(server, [f"POST /stores/v3/bulk/inventory-items/update:delay=20:site={site}"])
    try:
        _stop_when(
            server, site, ["--scenario", "locations"], "2/4 address", signal.SIGKILL, tmp_path
        )
    finally:
        _faults(server, [])
    assert _store(server, site) != after
    refused = _acceptance(server, site, cwd=tmp_path)
    assert refused.code == 4, refused
    # Its two products, and the option they use.
    assert "still holds 3 product(s) or option(s) of an earlier run" in refused.err
    assert "inventory-as-code acceptance --cleanup --prefix iac-acc-" in refused.err
    cleaned = _acceptance(server, site, "--cleanup", cwd=tmp_path)
    assert cleaned.code == 0, cleaned
    assert "(address of iac-acc-location put back)" in cleaned.out
    assert _store(server, site) == after


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_removes_what_it_made(
    server: str, tmp_path: Path, how: signal.Signals
) -> None:
    """Ctrl-C at a terminal, SIGTERM from a cancelled CI job: the same clean stop."""
    site = f"acceptance-{how.name.lower()}"
    before = _store(server, site)
    # The run hangs in its second step (a stock update) until it is interrupted.
    _faults(server, [f"POST /stores/v3/bulk/inventory-items/update:delay=20:site={site}"])
    try:
        args = ["--scenario", "tracking", "--report", str(tmp_path / "r.json")]
        ran = _stop_when(server, site, args, "1/5 create", how, tmp_path)
    finally:
        _faults(server, [])
    assert ran.code == 130, ran
    assert "Interrupted by Ctrl-C or SIGTERM: the steps after that point did not run." in ran.out
    assert "Nothing of the run is left on the site." in ran.out
    assert json.loads((tmp_path / "r.json").read_text())["interrupted"]
    assert _store(server, site) == before


def test_a_site_holding_other_objects_is_refused_unless_the_prefix_is_safe(
    server: str, tmp_path: Path
) -> None:
    site = "acceptance-shop"
    seed = {"products": [_MUG]}
    httpx.post(f"{server}/_emulator/seed", params={"siteId": site}, json=seed).raise_for_status()
    before = _store(server, site)
    refused = _acceptance(server, site, cwd=tmp_path)
    assert refused.code == 4, refused
    assert "holds objects the acceptance suite did not create:\n  1 product(s): house-mug" in (
        refused.err
    )
    assert "--prefix-is-safe" in refused.err
    assert _store(server, site) == before
    beside = _acceptance(server, site, "--prefix-is-safe", "--scenario", "tracking", cwd=tmp_path)
    assert beside.code == 0, beside
    assert _store(server, site) == before


def test_a_site_answering_differently_is_reported(server: str, tmp_path: Path) -> None:
    """Exit 2: every step held, but the site's calls differ (its variants view lags)."""
    site = "acceptance-lagging"
    _faults(server, [], variantsLagSeconds=1)
    try:
        ran = _acceptance(server, site, "--scenario", "tracking", cwd=tmp_path)
    finally:
        _faults(server, [])
    assert ran.code == 2, ran
    assert "difference(s) between Wix and the emulator" in ran.out
    report = json.loads((tmp_path / "acceptance-report.json").read_text())
    assert [s["status"] for s in report["scenarios"]] == ["passed"]
    # The tool reads again where the variants view lags: more calls than the shadow made.
    assert {d["kind"] for d in report["differences"]} == {"calls"}


def test_a_step_the_site_refuses_fails_the_run(server: str, tmp_path: Path) -> None:
    """Exit 3: the site refuses the sale of the quantities scenario."""
    site = "acceptance-refusing"
    before = _store(server, site)
    rule = f"POST /stores/v3/bulk/inventory-items/decrement:428:times=inf,site={site}"
    _faults(server, [rule])
    try:
        ran = _acceptance(server, site, "--scenario", "quantities", cwd=tmp_path)
    finally:
        _faults(server, [])
    assert ran.code == 3, ran
    assert "quantities  failed   3/4 steps held" in ran.out
    assert (
        "[status] POST /stores/v3/bulk/inventory-items/decrement: Wix answered 428 "
        "INJECTED_FAULT, the emulator 200" in ran.out
    )
    assert _store(server, site) == before


def test_without_a_site_it_says_how_to_choose_one(tmp_path: Path) -> None:
    ran = run_cli("acceptance", cwd=tmp_path)
    assert ran.code == 1, ran
    assert "the acceptance suite proves a site: set WIX_API_KEY and WIX_SITE_ID" in ran.err
    assert not (tmp_path / ".inventory-as-code").exists()


_MUG = {
    "name": "House Mug",
    "slug": "house-mug",
    "productType": "PHYSICAL",
    "physicalProperties": {},
    "variantsInfo": {
        "variants": [
            {
                "price": {"actualPrice": {"amount": "9.50"}},
                "sku": "MUG-1",
                "inventoryItem": {"quantity": 5},
            }
        ]
    },
}


@pytest.mark.parametrize("taken", ["store.yaml", "store.txt"])
def test_the_report_never_overwrites_a_file_it_did_not_write(tmp_path: Path, taken: str) -> None:
    """`--report store.json` writes store.json and store.txt: neither may be a project file."""
    (tmp_path / taken).write_text("locations:\n  Main: {default: true}\n")
    report = tmp_path / ("store.yaml" if taken == "store.yaml" else "store.json")
    env = {"WIX_API_KEY": "k", "WIX_SITE_ID": "s", "WIX_API_BASE_URL": "http://127.0.0.1:9"}
    ran = run_cli("acceptance", "--report", report, cwd=tmp_path, env=env)
    assert ran.code == 1, ran
    assert "the file exists and is not" in ran.err and "nothing was run." in ran.err, ran
    assert (tmp_path / taken).read_text() == "locations:\n  Main: {default: true}\n"
