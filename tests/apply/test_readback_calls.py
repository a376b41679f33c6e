"""The read-back after apply costs at most a full read of what was written (issue 22, part 2).

Applying the first plan of 10,000 products made 202 writes and 510
read-back calls, where a full read of the store is 303: products and their
variants were read 100 products a call, and the stock of new products both
by product and again by id. Now each object is read once, in full pages.
"""

from __future__ import annotations

import math

from tests.apply.conftest import Shop

PRODUCTS = 150  # two pages of products, 300 variants, 600 stock items
STORE = """\
locations:
  Shop floor: {default: true, stock: {tracking: quantity}}
  Depot: {stock: {tracking: quantity}}
defaults: {stock: {policy: set}}
"""


def tees(count: int) -> str:
    return "products:\n" + "".join(
        f"  tee-{n}:\n    name: Tee {n}\n    options: {{Size: [S, M]}}\n"
        f'    sku: TEE-{n}-{{Size}}\n    price: "20.00"\n'
        "    stock: {Shop floor: 5, Depot: 2}\n"
        for n in range(count)
    )


def test_reading_back_a_first_apply_costs_a_full_read_of_it(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    shop.write("tees.yaml", tees(PRODUCTS))
    plan = shop.plan()
    shop.emulator.clear_requests()
    report = shop.apply(plan)
    assert report.exit_code == 0, report.to_dict()
    assert report.verified and not report.inconsistencies
    calls = shop.emulator.counts()
    variants, items = PRODUCTS * 2, PRODUCTS * 2 * 2
    bound = math.ceil(PRODUCTS / 100) + math.ceil(variants / 1000) + math.ceil(items / 1000)
    # Get Product for lagging read-only variants aside (the emulator lags them, as Wix does).
    read_back = sum(
        calls.get(route, 0)
        for route in ("products.query", "variants.query", "inventory-items.query")
    )
    assert read_back <= bound, calls
