"""``apply FILE`` plans again only as far as the saved plan reaches (issue 22, part 2).

A reviewed plan of one product used to be bound to the checked-out YAML by
a full read of the store: 309 calls on 10,000 products. Now the products the
saved plan names are read (with every location and option), at most 20
calls for one product. What a narrowed read must not open:

* a plan edited to delete products the checked-out YAML prunes is still
  refused by the deletion rail, counted against the whole store (not 9 of
  the 10 products read, but 9 of 12);
* a change the YAML makes elsewhere (a prune it now holds) is neither read
  nor applied;
* a plan of locations only (no product) still reads the locations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli import main
from inventory_as_code.emulator import Emulator, EmulatorServer, serve
from inventory_as_code.plan.model import checksum
from inventory_as_code.wix import Adjustment, WixClient
from tests.e2e.cli import write_project

pytestmark = [pytest.mark.socket]

TOML = '[sites.production]\napi_key_env = "WIX_PROD_API_KEY"\nsite_id_env = "WIX_PROD_SITE_ID"\n'
STORE = (
    "locations:\n"
    "  Shop floor: {default: true, stock: {tracking: quantity}}\n"
    "defaults: {stock: {policy: set}}\n"
)
WITH_DEPOT = STORE.replace("defaults:", "  Depot: {}\ndefaults:")


MUGS = 250  # a full read is 3 pages of products: more than reading a few by slug


def mugs(kept: range, prices: dict[int, str] | None = None) -> str:
    prices = prices or {}
    return "products:\n" + "".join(
        f'  mug-{n}:\n    name: Mug {n}\n    price: "{prices.get(n, "10.00")}"\n'
        f"    sku: MUG-{n}\n    stock: {{Shop floor: 5}}\n"
        for n in kept
    )


class Site:
    def __init__(
        self, emulator: Emulator, server: EmulatorServer, shop: Path, site: str = "prod-site"
    ) -> None:
        self.emulator = emulator
        self.shop = shop
        self.env = {
            "CI": "",
            "NO_COLOR": "1",
            "WIX_API_KEY": "",
            "WIX_SITE_ID": "",
            "WIX_API_BASE_URL": server.url,
            "WIX_PROD_API_KEY": "prod-key",
            "WIX_PROD_SITE_ID": site,
            "INVENTORY_AS_CODE_PLAN_KEY": "",
        }
        self.url = server.url
        self.site = site

    def __call__(self, *args: str) -> Result:
        result = CliRunner().invoke(main, [*args, "--site", "production"], env=self.env)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result

    def plan(self, plan_file: Path) -> dict[str, Any]:
        made = self("plan", str(self.shop), "--out", str(plan_file))
        assert made.exit_code == 0, made.output
        return json.loads(plan_file.read_text())  # type: ignore[no-any-return]

    def apply(self, plan_file: Path, *more: str) -> tuple[Result, dict[str, int]]:
        """``apply FILE``, and the calls it made by route."""
        self.emulator.clear_requests()
        result = self("apply", str(plan_file), "--project", str(self.shop), *more)
        return result, self.emulator.counts()

    def products(self) -> dict[str, dict[str, Any]]:
        with WixClient(api_key="k", site_id=self.site, base_url=self.url) as client:
            return {p["slug"]: p for p in client.products.query()}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Emulator, EmulatorServer]]:
    emulator = Emulator()
    running = serve(emulator, port=0)
    yield emulator, running
    running.shutdown()
    emulator.close()


@pytest.fixture(scope="module")
def big(server: tuple[Emulator, EmulatorServer], tmp_path_factory: pytest.TempPathFactory) -> Site:
    """250 mugs, applied once for the module (site prod-site)."""
    root = tmp_path_factory.mktemp("big")
    shop = write_project(root / "shop", {"inventory-as-code.toml": TOML, "store.yaml": STORE})
    (shop / "mugs.yaml").write_text(mugs(range(MUGS)))
    site = Site(*server, shop)
    assert site("apply", str(shop), "--auto-approve").exit_code == 0
    return site


def rewrite(plan_file: Path, data: dict[str, Any]) -> None:
    data["checksum"] = checksum(data)
    plan_file.write_text(json.dumps(data))


def test_a_one_product_plan_reads_that_product_only(big: Site, tmp_path: Path) -> None:
    (big.shop / "mugs.yaml").write_text(mugs(range(MUGS), {0: "12.00"}))
    plan_file = tmp_path / "plan.json"
    big.plan(plan_file)

    result, calls = big.apply(plan_file)
    assert result.exit_code == 0, result.output
    assert sum(calls.values()) <= 20, calls
    # The read before planning, the read before writing, the read-back: a page each.
    assert calls["products.query"] == 3, calls
    assert calls["inventory-items.query"] <= 2, calls
    again = big("plan", str(big.shop), "--detailed-exitcode")
    assert again.exit_code == 0, again.output  # mug-0 sells at 12.00 now


def test_deletions_the_yaml_prunes_are_counted_against_the_whole_store(
    big: Site, tmp_path: Path
) -> None:
    """A saved plan of one product; after the review, a merge prunes nine other mugs."""
    toml = big.shop / "inventory-as-code.toml"
    (big.shop / "mugs.yaml").write_text(mugs(range(MUGS), {0: "12.00", 1: "12.00"}))
    plan_file = tmp_path / "plan.json"
    data = big.plan(plan_file)  # reviewed: mug-1's price, nothing else
    assert {c["keys"]["slug"] for c in data["changes"]} == {"mug-1"}
    try:
        toml.write_text(TOML + "\n[guard_rails]\nmax_delete_share = 0.01\n")
        (big.shop / "store.yaml").write_text(STORE + "prune: {products: true}\n")
        gone = range(3, 12)
        kept = [n for n in range(MUGS) if n not in gone]
        (big.shop / "mugs.yaml").write_text(mugs(kept, {0: "12.00", 1: "12.00"}))  # type: ignore[arg-type]

        # Applied as reviewed: mug-1 only; the nine mugs are neither read nor deleted.
        result, calls = big.apply(plan_file)
        assert result.exit_code == 0, result.output
        assert len(big.products()) == MUGS
        assert calls["products.count"] == 1, calls  # the deletion rail's denominator
        assert sum(calls.values()) <= 20, calls

        # The attacker adds the nine deletions the checked-out YAML now makes.
        (big.shop / "mugs.yaml").write_text(mugs(kept, {0: "12.00", 1: "13.00"}))  # type: ignore[arg-type]
        data = big.plan(plan_file)  # under prune, the plan of the whole store
        changes = [c for c in data["changes"] if c["keys"]["slug"] == "mug-1"]
        deletions = [c for c in data["changes"] if c["action"] == "delete"]
        assert len(deletions) == 9
        data["changes"] = [*changes, *deletions]
        rewrite(plan_file, data)
        result, _ = big.apply(plan_file)
        assert result.exit_code == 4, result.output
        # Counted in the whole store (Count Products), not among the 10 products read.
        assert "DELETE_SHARE: 9 of 250 live products (4%) would be deleted" in result.output
        assert len(big.products()) == MUGS
    finally:
        toml.write_text(TOML)
        (big.shop / "store.yaml").write_text(STORE)


def test_a_plan_of_a_location_alone_is_bound_and_applied(
    server: tuple[Emulator, EmulatorServer], tmp_path: Path
) -> None:
    shop = write_project(tmp_path / "shop", {"inventory-as-code.toml": TOML, "store.yaml": STORE})
    site = Site(*server, shop, site="small-site")
    (site.shop / "mugs.yaml").write_text(mugs(range(2)))
    assert site("apply", str(site.shop), "--auto-approve").exit_code == 0
    (site.shop / "store.yaml").write_text(WITH_DEPOT)
    plan_file = tmp_path / "plan.json"
    data = site.plan(plan_file)
    assert [c["address"] for c in data["changes"]] == ['location["Depot"]']
    data["changes"][0]["after"]["name"] = "Elsewhere"  # and an edit is still refused
    rewrite(plan_file, data)
    refused, _ = site.apply(plan_file)
    assert refused.exit_code == 4, refused.output

    site.plan(plan_file)
    result, calls = site.apply(plan_file)
    assert result.exit_code == 0, result.output
    assert "products.query" not in {k for k, v in calls.items() if v > 1}, calls
    again = site("plan", str(site.shop), "--detailed-exitcode")
    assert again.exit_code == 0, again.output


REFILLED = (
    '  mug-0:\n    name: Mug 0\n    price: "10.00"\n    sku: MUG-0\n'
    "    stock:\n"
    "      Shop floor: {at_least: 10, refill_from: Depot}\n"
    "      Depot: {policy: initial, quantity: 30}\n"
)


def test_a_reviewed_refill_is_applied_from_a_read_of_its_product(
    server: tuple[Emulator, EmulatorServer], tmp_path: Path
) -> None:
    """A refill (a move between two stock items) is planned again from its product alone."""
    shop = write_project(
        tmp_path / "shop", {"inventory-as-code.toml": TOML, "store.yaml": WITH_DEPOT}
    )
    site = Site(*server, shop, site="refill-site")
    (shop / "mugs.yaml").write_text(mugs(range(1, MUGS)) + REFILLED)
    assert site("apply", str(shop), "--auto-approve").exit_code == 0
    with WixClient(api_key="k", site_id=site.site, base_url=site.url) as client:
        floor = {str(loc["id"]): str(loc["name"]) for loc in client.locations.query_stores()}
        (item,) = [
            i
            for i in client.inventory.query()
            if i["product"]["variantSku"] == "MUG-0" and floor[str(i["locationId"])] != "Depot"
        ]
        client.inventory.bulk_decrement([Adjustment(6, inventory_item_id=str(item["id"]))])
    plan_file = tmp_path / "plan.json"
    data = site.plan(plan_file)
    assert [c["kind"] for c in data["changes"]] == ["move"], data["changes"]

    result, calls = site.apply(plan_file)
    assert result.exit_code == 0, result.output
    assert sum(calls.values()) <= 20, calls
    assert calls["products.query"] == 1, calls  # mug-0's page, not the store's three
    with WixClient(api_key="k", site_id=site.site, base_url=site.url) as client:
        stock = {
            floor[str(i["locationId"])]: i["quantity"]
            for i in client.inventory.query()
            if i["product"]["variantSku"] == "MUG-0"
        }
    # 30 at the Depot: 10 moved by the first apply (the floor started empty), 6 now.
    assert stock == {"Depot": 14, floor[str(item["locationId"])]: 10}, stock
