"""`apply` killed with SIGKILL mid-way, then started again: it converges, nothing doubles.

The CLI runs as a real subprocess against an emulator server on 127.0.0.1.
Every bulk write is answered 3 s late (after it was applied), which leaves
time to kill the process right after its first product write landed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from inventory_as_code.emulator import Emulator, EmulatorServer, serve
from inventory_as_code.wix import WixClient
from tests.faults.conftest import STORE, STORE_STOCK, FaultShop

pytestmark = pytest.mark.socket

SITE = "site-sigkill"
KEY = "sigkill-key"


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator(id_seed=5)
    running = serve(emulator, port=0)
    yield running
    running.shutdown()
    emulator.close()


def cli(server: EmulatorServer, *args: str, timeout: float = 60) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "WIX_API_KEY", "WIX_SITE_ID")}
    env.update(WIX_API_BASE_URL=server.url, WIX_API_KEY=KEY, WIX_SITE_ID=SITE, NO_COLOR="1")
    return subprocess.Popen(
        [sys.executable, "-m", "inventory_as_code", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(server: EmulatorServer, *args: str) -> subprocess.CompletedProcess[str]:
    process = cli(server, *args)
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def wait_for(server: EmulatorServer, route: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if any(e["route"] == route for e in server.emulator.requests()):
            return
        time.sleep(0.02)
    raise AssertionError(f"{route} never reached the emulator")


def test_apply_killed_after_its_first_writes_converges_on_the_next_run(
    server: EmulatorServer, tmp_path: Path
) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "store.yaml").write_text(textwrap.dedent(STORE), encoding="utf-8")
    server.emulator.add_fault("POST /stores/v3/bulk/*:delay=3:times=inf")
    process = cli(server, "apply", str(project), "--auto-approve")
    try:
        wait_for(server, "products.bulk-create-with-inventory", time.monotonic() + 30)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL
    routes = [e["route"] for e in server.emulator.requests()]
    assert "inventory-items.bulk-create" not in routes  # killed before the outlet stock

    server.emulator.set_faults(None)
    again = run(server, "apply", str(project), "--auto-approve")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Plan: 2 to create" in again.stdout  # only what the killed run had not done
    clean = run(server, "plan", str(project), "--detailed-exitcode")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "No changes." in clean.stdout

    client = WixClient(api_key=KEY, site_id=SITE, base_url=server.url)
    with client:
        shop = FaultShop(server.emulator, client, project)
        assert shop.stock() == STORE_STOCK
        shop.assert_no_duplicates()
