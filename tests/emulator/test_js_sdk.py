"""The official Wix JS SDK reads and writes the emulator without errors (issue 19).

`tools/wix_sdk_smoke/smoke.mjs` drives the pinned `@wix/sdk` and the store
modules (request encoding, GET `.r` queries, `_id` renames, error wrapping are
Wix's own code) against `emulator serve` on loopback: products with a shared
inline option, updates, the Customizations API, locations, inventory writes
and a stale revision. Its packages come from `tools/wix_sdk_smoke/package-lock.json`
(`npm ci --prefix tools/wix_sdk_smoke`, which `.ci/run` does); without them the
test is skipped and says how to install them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from inventory_as_code.emulator import Emulator, EmulatorServer, serve
from inventory_as_code.wix import WixClient

pytestmark = pytest.mark.socket

SMOKE = Path(__file__).resolve().parents[2] / "tools" / "wix_sdk_smoke"
SITE = "js-sdk-site"


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator()
    running = serve(emulator, port=0)
    yield running
    running.shutdown()
    emulator.close()


def test_the_official_js_sdk_reads_and_writes_the_emulator(server: EmulatorServer) -> None:
    node = shutil.which("node")
    if node is None or not (SMOKE / "node_modules" / "@wix" / "sdk").is_dir():
        pytest.skip("needs Node and `npm ci --prefix tools/wix_sdk_smoke` (.ci/run does it)")
    done = subprocess.run(
        [node, str(SMOKE / "smoke.mjs"), server.url, SITE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen == {
        "shared_option": True,
        "product_update": True,
        "option_writes": True,
        "locations": True,
        "inventory": True,
        "stale_revision": {"bulk": "INVALID_REVISION", "single": 409},
    }
    # What the SDK wrote, read back with this project's own client.
    with WixClient(
        api_key="k", site_id=SITE, base_url=server.url, requests_per_minute=1e6
    ) as client:
        (colour,) = client.customizations.query()
        assert colour["name"] == "Colour"
        names = [c["name"] for c in colour["choicesSettings"]["choices"]]
        assert names == ["Black", "White", "Red"]
        slugs = {p["slug"]: p for p in client.products.query()}
        assert {p["options"][0]["id"] for p in slugs.values()} == {colour["id"]}
