"""apply against the emulator: from scratch, after edits, with sales in between, under faults."""

from __future__ import annotations

from collections import Counter

import pytest

from inventory_as_code.apply.report import Status
from inventory_as_code.wix import Adjustment
from tests.apply.conftest import Shop, copy_example, promised_endpoints

ROUTE_OF_STEP = {
    "locations.create": "POST /locations/v1/locations",
    "locations.add-type": "PATCH /locations/v1/locations/{}/add-type",
    "customizations.bulk-create": "POST /stores/v3/bulk/customizations/create",
    "customizations.update": "PATCH /stores/v3/customizations/{}",
    "customizations.set-choices": "POST /stores/v3/customizations/{}/set-choices",
    "customizations.add-choices": "POST /stores/v3/customizations/{}/add-choices",
    "products.bulk-create-with-inventory": "POST /stores/v3/bulk/products-with-inventory/create",
    "products.bulk-update": "POST /stores/v3/bulk/products/update",
    "inventory-items.bulk-create": "POST /stores/v3/bulk/inventory-items/create",
    "inventory-items.bulk-update": "POST /stores/v3/bulk/inventory-items/update",
    "inventory-items.bulk-increment": "POST /stores/v3/bulk/inventory-items/increment",
    "inventory-items.bulk-delete": "POST /stores/v3/bulk/inventory-items/delete",
    "products.bulk-delete": "POST /stores/v3/bulk/products/delete",
}


def assert_log_matches_promise(shop: Shop, promised: list[str]) -> None:
    expected = Counter(ROUTE_OF_STEP[step] for step in promised)
    seen = Counter(_route(w) for w in shop.writes())
    assert seen == expected


def _route(write: str) -> str:
    """A write of the request log with its object id taken out, as ROUTE_OF_STEP has it."""
    method, path = write.split(" ", 1)
    parts = path.split("/")
    if parts[1:4] == ["locations", "v1", "locations"] and len(parts) > 5:
        parts[4] = "{}"
    if parts[1:4] == ["stores", "v3", "customizations"] and len(parts) > 4:
        parts[4] = "{}"
    return f"{method} {'/'.join(parts)}"


@pytest.mark.parametrize(
    "example", ["corner-bookshop", "apparel-multi-location", "preorder-launch"]
)
def test_examples_apply_from_scratch_then_plan_is_clean(shop: Shop, example: str) -> None:
    copy_example(shop, example)
    plan = shop.plan()
    assert plan.summary.create > 0
    promised = promised_endpoints(plan)
    shop.emulator.clear_requests()
    report = shop.apply(plan)
    assert report.exit_code == 0, report.to_dict()["outcomes"]
    assert report.counts()[Status.APPLIED] == len(plan.changes)
    assert_log_matches_promise(shop, promised)
    assert shop.plan().empty


SHOP = """
locations:
  Main warehouse: {default: true}
  Pop-up Berlin: {}
defaults:
  stock: {policy: set}
products:
  tee:
    name: Tee
    options: {Size: [S, M, L]}
    sku: TEE-{Size}
    price: "20.00"
    stock:
      Main warehouse: 10
      Pop-up Berlin: 3
  mug:
    name: Mug
    sku: MUG
    price: "9.50"
    stock:
      Main warehouse: {quantity: 8, policy: at_least}
"""


def test_edits_apply_with_the_promised_calls_and_converge(shop: Shop) -> None:
    shop.write("store.yaml", SHOP)
    assert shop.apply().exit_code == 0
    # Quantities, a price, a tracking method, preorder settings and a new location.
    shop.write(
        "store.yaml",
        SHOP.replace("Main warehouse: 10", "Main warehouse: 14")
        .replace('price: "20.00"', 'price: "22.50"')
        .replace("Pop-up Berlin: 3", "Pop-up Berlin: {in_stock: true}\n      Outlet: 2")
        .replace("  Pop-up Berlin: {}", "  Pop-up Berlin: {}\n  Outlet: {}")
        .replace(
            "quantity: 8, policy: at_least}",
            "quantity: 8, policy: at_least, preorder: {enabled: true, limit: 40}}",
        ),
    )
    plan = shop.plan()
    actions = Counter((c.kind.value, c.action.value) for c in plan.changes)
    assert actions == {
        ("location", "create"): 1,
        ("variant", "update"): 3,
        ("stock", "update"): 4,  # 3 quantities at Main + the mug's preorder
        ("stock", "switch_tracking"): 3,
        ("stock", "create"): 3,
    }
    promised = promised_endpoints(plan)
    shop.emulator.clear_requests()
    report = shop.apply(plan)
    assert report.exit_code == 0, report.to_dict()["outcomes"]
    assert_log_matches_promise(shop, promised)
    assert shop.plan().empty


def test_a_sale_between_plan_and_apply_is_kept_and_reported_stale(shop: Shop) -> None:
    shop.write("store.yaml", SHOP)
    shop.apply()
    shop.write("store.yaml", SHOP.replace("Main warehouse: 10", "Main warehouse: 30"))
    plan = shop.plan()
    assert plan.summary.update == 3
    # A sale of 2 of the small tee after the plan was made.
    small = next(
        i
        for i in shop.inventory()
        if i.get("product", {}).get("variantSku") == "TEE-S" and i["quantity"] == 10
    )
    shop.client.inventory.bulk_decrement(
        [Adjustment(2, inventory_item_id=small["id"])], reason="ORDER"
    )
    report = shop.apply(plan)
    assert report.exit_code == 3
    stale = [o for o in report.outcomes.values() if o.status is Status.STALE]
    assert [o.address for o in stale] == ['stock["tee"]["S"]["Main warehouse"]']
    assert "10 -> 8 (-2)" in stale[0].message
    assert shop.client.inventory.get(small["id"])["quantity"] == 8  # the sale is kept
    assert report.counts()[Status.APPLIED] == 2
    # The next plan proposes the change again, from the new live value.
    again = shop.plan()
    assert [(c.address, c.fields[0].before, c.fields[0].after) for c in again.changes] == [
        ('stock["tee"]["S"]["Main warehouse"]', 8, 30)
    ]


def test_at_least_tops_up_once_and_never_lowers(shop: Shop) -> None:
    shop.write("store.yaml", SHOP)
    shop.apply()
    mug = next(i for i in shop.inventory() if i.get("product", {}).get("variantSku") == "MUG")
    shop.client.inventory.bulk_decrement([Adjustment(5, inventory_item_id=mug["id"])])
    plan = shop.plan()
    assert [(c.address, c.fields[0].before, c.fields[0].after) for c in plan.changes] == [
        ('stock["mug"]["(default)"]["Main warehouse"]', 3, 8)
    ]
    shop.emulator.clear_requests()
    assert shop.apply(plan).exit_code == 0
    # A revision-guarded update to the floor, never a blind increment.
    assert shop.writes() == ["POST /stores/v3/bulk/inventory-items/update"]
    assert shop.client.inventory.get(mug["id"])["quantity"] == 8
    # The same plan again: refused by the revision, the floor is reached, nothing doubles.
    again = shop.apply(plan)
    assert again.exit_code == 0
    outcome = again.outcomes['stock["mug"]["(default)"]["Main warehouse"]']
    assert outcome.code == "ALREADY_AT_FLOOR"
    assert shop.client.inventory.get(mug["id"])["quantity"] == 8
    shop.client.inventory.bulk_increment([Adjustment(10, inventory_item_id=mug["id"])])
    assert shop.plan().empty  # 18 >= 8: at_least never lowers


def test_a_top_up_after_a_sale_since_the_plan_counts_the_sale(shop: Shop) -> None:
    shop.write("store.yaml", SHOP)
    shop.apply()
    mug = next(i for i in shop.inventory() if i.get("product", {}).get("variantSku") == "MUG")
    shop.client.inventory.bulk_decrement([Adjustment(5, inventory_item_id=mug["id"])])
    plan = shop.plan()  # 3 -> 8
    shop.client.inventory.bulk_decrement([Adjustment(2, inventory_item_id=mug["id"])])  # a sale
    report = shop.apply(plan)
    assert report.exit_code == 0, report.to_dict()
    outcome = report.outcomes['stock["mug"]["(default)"]["Main warehouse"]']
    assert outcome.code == "RECOMPUTED" and "from 1" in outcome.message
    assert shop.client.inventory.get(mug["id"])["quantity"] == 8  # the floor, not 1 + 5


def test_faults_during_apply_report_what_remains_and_a_second_apply_converges(shop: Shop) -> None:
    shop.write("store.yaml", SHOP)
    plan = shop.plan()
    shop.emulator.add_fault("POST /stores/v3/bulk/inventory-items/create:429:times=3")
    shop.emulator.add_fault("POST /stores/v3/bulk/products-with-inventory/create:503")
    first = shop.apply(plan)
    assert first.exit_code == 0  # retried through the 429 burst and the 503
    shop.write("store.yaml", SHOP.replace("Main warehouse: 10", "Main warehouse: 12"))
    plan = shop.plan()
    # The bulk update is applied by the server, but its answer never arrives.
    shop.emulator.add_fault("POST /stores/v3/bulk/inventory-items/update:drop-after:times=inf")
    second = shop.apply(plan)
    # No attempt was answered; the re-read shows the updates in place, so they
    # are reported applied (and said to be settled by a re-read), not failed.
    tee = [o for o in second.outcomes.values() if o.address.startswith('stock["tee"]')]
    assert len(tee) == 3
    assert all(
        o.status is Status.APPLIED and "answer lost; a re-read shows it applied" in o.message
        for o in tee
    )
    assert second.exit_code == 0
    shop.emulator.set_faults(None)
    third = shop.apply()
    assert third.exit_code == 0
    assert shop.plan().empty
    skus = Counter(i.get("product", {}).get("variantSku") for i in shop.inventory())
    assert skus == {"TEE-S": 2, "TEE-M": 2, "TEE-L": 2, "MUG": 1}  # nothing created twice


def test_all_or_nothing_refuses_when_anything_moved(shop: Shop) -> None:
    shop.write("store.yaml", SHOP)
    shop.apply()
    shop.write("store.yaml", SHOP.replace("Main warehouse: 10", "Main warehouse: 30"))
    plan = shop.plan()
    small = next(
        i
        for i in shop.inventory()
        if i.get("product", {}).get("variantSku") == "TEE-S" and i["quantity"] == 10
    )
    shop.client.inventory.bulk_decrement([Adjustment(1, inventory_item_id=small["id"])])
    shop.emulator.clear_requests()
    report = shop.apply(plan, all_or_nothing=True)
    assert report.exit_code == 4
    assert report.counts()[Status.APPLIED] == 0
    assert report.counts()[Status.STALE] == 1
    assert shop.writes() == []  # nothing was sent
