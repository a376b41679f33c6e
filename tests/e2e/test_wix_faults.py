"""Exit codes that only Wix's failures produce, through the real command against a server.

An emulator serves over loopback in this process (one per module, a site per
test) with fault rules in the `emulator serve --fail` syntax: the command
runs in a subprocess, as in CI, with WIX_API_BASE_URL pointing at it. Each
case is a row of docs/reliability.md or a documented exit code.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from inventory_as_code.cli import main
from inventory_as_code.emulator import Emulator, EmulatorResponse, EmulatorServer, serve
from tests.e2e.cli import run_cli, timeless, write_project

pytestmark = [pytest.mark.socket]

STORE = """\
locations:
  Shop: {default: true}
defaults:
  stock: {policy: set}
products:
  mug: {name: Mug, price: "9.50", sku: MUG, stock: {Shop: 8}}
"""
WITH_OUTLET = """\
locations:
  Shop: {default: true}
  Outlet:
    address: {street: Ring 2, city: Hamburg, postal_code: "20095", country: DE}
    time_zone: Europe/Berlin
defaults:
  stock: {policy: set}
products:
  mug: {name: Mug, price: "9.50", sku: MUG, stock: {Shop: 8, Outlet: 2}}
"""
SITES = itertools.count(1)


class SurprisingWix(Emulator):
    """An emulator whose writes can be altered on arrival, as a Wix with a side effect would."""

    alter: dict[str, Callable[[dict[str, Any]], None]]

    def handle(self, method: str, target: str, headers: Any, body: bytes = b"") -> EmulatorResponse:
        change = getattr(self, "alter", {}).get(target)
        if change is not None and body:
            document = json.loads(body)
            change(document)
            body = json.dumps(document).encode()
        return super().handle(method, target, headers, body)


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    emulator = SurprisingWix()
    running = serve(emulator, port=0)
    yield running
    running.shutdown()
    emulator.close()


class Site:
    """A fresh site on the server, its project folder, and the environment that names it."""

    def __init__(self, server: EmulatorServer, root: Path, yaml: str) -> None:
        self.id = f"site-{next(SITES)}"
        self.server = server
        self.root = root
        write_project(root / "shop", {"store.yaml": yaml})
        self.env = {"WIX_API_KEY": "k", "WIX_SITE_ID": self.id, "WIX_API_BASE_URL": server.url}

    @property
    def emulator(self) -> SurprisingWix:
        return self.server.emulator  # type: ignore[return-value]

    def fail(self, rule: str) -> None:
        """A fault rule for this site only, as `emulator serve --fail RULE` takes it."""
        self.emulator.add_fault(f"{rule},site={self.id}")

    def apply_in_process(self) -> None:
        env = {"CI": None, "NO_COLOR": "1", **self.env}
        args = ["apply", str(self.root / "shop"), "--auto-approve"]
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 0, result.output

    def run(self, *args: str) -> Any:
        return run_cli(*args, cwd=self.root, env=self.env)

    def yaml(self, text: str) -> None:
        (self.root / "shop" / "store.yaml").write_text(text)

    @property
    def using(self) -> str:
        return f"Using site {self.id} on {self.server.url}.\n"


@pytest.fixture
def site(server: EmulatorServer, tmp_path: Path) -> Site:
    return Site(server, tmp_path, STORE)


def test_a_location_that_wix_refuses_to_create_leaves_the_apply_partly_applied_exit_3(
    site: Site,
) -> None:
    """reliability.md: 5xx on a location create; never resent, its stock not attempted."""
    site.yaml(WITH_OUTLET)
    site.fail("POST /locations/v1/locations:503:times=inf")
    ran = site.run("apply", "shop", "--auto-approve")
    assert ran.code == 3, ran
    assert timeless(ran.out).endswith(
        "Plan: 5 to create, 0 to update, 0 to delete.\n"
        "Failed (Wix refused these):\n"
        '  create          location["Outlet"]  NOT_CREATED: Wix answered HTTP 503 '
        "INJECTED_FAULT; not found after a re-read, so it was not created\n"
        "Not attempted:\n"
        '  create          stock["mug"]["(default)"]["Outlet"]: its location does not exist '
        "(not created in this run)\n"
        "Apply: 3 applied, 1 failed, 0 stale, 0 unknown, 1 not attempted. 7 API call(s) "
        "(3 write call(s) planned), T s. Read back: everything holds what the plan said.\n"
    ), ran


def test_wix_holding_something_else_after_apply_is_exit_3(site: Site) -> None:
    """The read-back: Wix renamed the product in the same write that set its price."""
    site.apply_in_process()
    site.yaml(STORE.replace('"9.50"', '"9.75"'))

    def rename(body: dict[str, Any]) -> None:
        for entry in body["products"]:
            entry["product"]["name"] = "Renamed by Wix"

    site.emulator.alter = {"/stores/v3/bulk/products/update": rename}
    try:
        ran = site.run("apply", "shop", "--auto-approve")
    finally:
        site.emulator.alter = {}
    assert ran.code == 3, ran
    assert timeless(ran.out).endswith(
        "Plan: 0 to create, 1 to update, 0 to delete.\n"
        "Wix did something the plan did not say (read back after apply):\n"
        '  ! product["mug"]  name: expected "Mug", found "Renamed by Wix" (not in the plan)\n'
        "Apply: 1 applied, 0 failed, 0 stale, 0 unknown, 0 not attempted. 5 API call(s) "
        "(1 write call(s) planned), T s. Read back: 1 field(s) differ from the plan (listed "
        "above).\n"
    ), ran


def test_a_site_not_on_catalog_v3_exits_1_for_status_and_plan(site: Site) -> None:
    site.emulator.set_catalog_version(site.id, "V1_CATALOG")
    status = site.run("status", "shop")
    assert (status.code, status.err) == (1, ""), status
    assert status.out == site.using + (
        "Catalog: V1_CATALOG\n"
        "inventory-as-code needs a site on Wix Stores Catalog V3; this site cannot be planned "
        "or applied.\n"
    ), status
    plan = site.run("plan", "shop")
    assert (plan.code, plan.out) == (1, site.using), plan
    assert plan.err == (
        "Error: this site runs Wix Stores Catalog V1; inventory-as-code works with Catalog V3 "
        "only (products, variants and inventory items V3). Wix moves sites to V3; until then, "
        "manage this store in the Wix dashboard.\n"
    ), plan


def test_a_read_that_fails_on_every_attempt_stops_the_plan_exit_1(site: Site) -> None:
    """reliability.md: 5xx on every attempt of a read; nothing is written."""
    site.fail("POST /stores/v3/products/query:503:times=inf")
    ran = site.run("plan", "shop")
    assert (ran.code, ran.out) == (1, site.using), ran
    # Without a terminal a read prints a progress line every 5 s; the retries take about 6.
    lines = [line for line in ran.err.splitlines() if not line.startswith("Reading the live")]
    assert [re.sub(r"emu-\d+", "emu-N", line) for line in lines] == [
        "Error: POST /stores/v3/products/query failed with HTTP 503 INJECTED_FAULT: Injected "
        "fault: HTTP 503",
        "Wix had an internal problem; try again later.",
        "(Wix request id emu-N)",
    ], ran


def test_a_plan_made_for_another_site_is_refused_exit_4(
    server: EmulatorServer, tmp_path: Path
) -> None:
    staging, production = Site(server, tmp_path, STORE), Site(server, tmp_path, STORE)
    made = staging.run("plan", "shop", "--out", "plan.json")
    assert made.code == 0, made
    ran = production.run("apply", "plan.json", "--project", "shop")
    assert (ran.code, ran.out) == (4, ""), ran
    assert ran.err == production.using + (
        f"Refused: plan.json was made for site '{staging.id}', but this run talks to "
        f"'{production.id}'. Plan again against this site.\n"
    ), ran
