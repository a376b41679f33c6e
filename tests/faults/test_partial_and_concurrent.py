"""Bulk calls with some items refused, and stock that moves while apply runs."""

from __future__ import annotations

from tests.faults.conftest import EDITED, EDITED_STOCK, SITE, STORE, STORE_STOCK, MakeShop, statuses

NO_OUTLET_STOCK = STORE.replace("      Outlet: 3\n", "")


def test_items_refused_inside_a_bulk_call_are_reported_alone_with_the_wix_code(
    make_shop: MakeShop,
) -> None:
    shop = make_shop(text=NO_OUTLET_STOCK)
    assert shop.apply().exit_code == 0
    shop.write(STORE)  # stock both tees at the outlet
    plan = shop.plan()
    assert sorted(c.address for c in plan.changes) == [
        'stock["tee"]["M"]["Outlet"]',
        'stock["tee"]["S"]["Outlet"]',
    ]
    # Someone stocks the small tee at the outlet in Wix after the plan.
    tee = next(p for p in shop.client.products.query() if p["slug"] == "tee")
    small = next(v for v in shop.client.variants.query() if v.get("sku") == "TEE-S")
    outlet = next(
        loc["id"] for loc in shop.client.locations.query_stores() if loc["name"] == "Outlet"
    )
    shop.client.inventory.create(
        {"productId": tee["id"], "variantId": small["id"], "locationId": outlet, "quantity": 7}
    )
    report = shop.apply(plan)
    # Created after the plan: the plan is stale there, and their item is not touched.
    assert statuses(report) == {'stock["tee"]["S"]["Outlet"]': "stale"}
    assert report.outcomes['stock["tee"]["S"]["Outlet"]'].code == "ITEM_ALREADY_EXISTS"
    assert report.exit_code == 3
    assert shop.stock()[("TEE-S", "Outlet")] == 7  # theirs, untouched
    assert shop.stock()[("TEE-M", "Outlet")] == 3
    # Policy set: the next plan sets their item to the YAML count.
    again = shop.plan()
    assert [(c.address, c.action.value) for c in again.changes] == [
        ('stock["tee"]["S"]["Outlet"]', "update")
    ]
    shop.converge()
    assert shop.stock() == STORE_STOCK


DIGITAL_EBOOK = {
    "products": [
        {
            "name": "Ebook",
            "slug": "ebook",
            "productType": "DIGITAL",
            "digitalProperties": {},
            "variantsInfo": {
                "variants": [
                    {
                        "price": {"actualPrice": {"amount": "5.00"}},
                        "sku": "EB",
                        "inventoryItem": {"quantity": 0},
                    }
                ]
            },
        }
    ]
}
EBOOK_WITH_PREORDER = """
  ebook:
    name: Ebook
    sku: EB
    price: "5.00"
    stock:
      Main: {quantity: 0, preorder: {enabled: true, limit: 10}}
"""


def test_preorder_refused_by_wix_fails_that_item_only(make_shop: MakeShop) -> None:
    shop = make_shop()
    assert shop.apply().exit_code == 0
    # The YAML calls the ebook physical, but in Wix it is digital: no preorder there.
    shop.emulator.seed(DIGITAL_EBOOK, site_id=SITE)
    shop.write(STORE.replace("Main: 10", "Main: 11") + EBOOK_WITH_PREORDER)
    report = shop.apply()
    ebook = 'stock["ebook"]["(default)"]["Main"]'
    assert statuses(report) == {ebook: "failed"}
    assert report.outcomes[ebook].code == "PRE_ORDER_VALIDATION"
    assert report.exit_code == 3
    assert shop.stock()[("TEE-S", "Online store")] == 11
    # Wix will keep refusing: the next plan proposes exactly that change again, nothing else.
    assert [c.address for c in shop.plan().changes] == [ebook]


def test_sales_during_apply_are_kept_and_reported_stale(make_shop: MakeShop) -> None:
    shop = make_shop()
    assert shop.apply().exit_code == 0
    shop.sell("MUG", "Online store", 5)
    shop.write(EDITED)
    plan = shop.plan()
    # Sales after the plan: a policy-set count, an at_least top-up, a tracking switch.
    shop.sell("TEE-S", "Online store", 2)
    shop.sell("MUG", "Online store", 1)
    shop.sell("TEE-M", "Outlet", 1)
    report = shop.apply(plan)
    moved = {
        'stock["tee"]["S"]["Main"]': "quantity 10 -> 8 (-2)",
        'stock["tee"]["M"]["Outlet"]': "quantity 3 -> 2 (-1)",
    }
    assert statuses(report) == dict.fromkeys(moved, "stale")
    for address, what in moved.items():
        assert report.outcomes[address].message == f"{what} since the plan; kept; plan again"
    # A top-up keeps its meaning after a sale: re-read (2), then raised to the floor.
    mug = report.outcomes['stock["mug"]["(default)"]["Main"]']
    assert (mug.code, mug.message) == (
        "RECOMPUTED",
        "topped up from 2 (changed since the plan) to 8",
    )
    assert report.exit_code == 3
    stock = shop.stock()
    assert (stock[("TEE-S", "Online store")], stock[("MUG", "Online store")]) == (8, 8)
    assert (stock[("TEE-M", "Outlet")], stock[("TEE-M", "Online store")]) == (2, 14)
    # The next plan starts from the new counts.
    again = {c.address: (c.fields[0].before, c.fields[0].after) for c in shop.plan().changes}
    assert again['stock["tee"]["S"]["Main"]'] == (8, 14)
    assert 'stock["mug"]["(default)"]["Main"]' not in again
    shop.converge()
    assert shop.stock() == EDITED_STOCK


def test_an_apply_where_everything_moved_is_refused_with_exit_4(make_shop: MakeShop) -> None:
    shop = make_shop()
    assert shop.apply().exit_code == 0
    shop.write(STORE.replace("Outlet: 3", "Outlet: 5"))
    plan = shop.plan()
    shop.sell("TEE-S", "Outlet", 1)
    shop.sell("TEE-M", "Outlet", 3)
    report = shop.apply(plan)
    assert set(statuses(report).values()) == {"stale"}
    assert report.exit_code == 4
    assert (shop.stock()[("TEE-S", "Outlet")], shop.stock()[("TEE-M", "Outlet")]) == (2, 0)
    shop.converge()
    assert shop.stock()[("TEE-M", "Outlet")] == 5
