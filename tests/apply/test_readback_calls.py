"""The read-back after apply costs at most a full read of what was written (issue 22, part 2).

Applying the first plan of 10,000 products made 202 writes and 510
read-back calls, where a full read of the store is 303: products and their
variants were read 100 products a call, and the stock of new products both
by product and again by id. Now each object is read once, in full pages.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

from inventory_as_code.emulator._paging import PageRequest, encode_cursor
from inventory_as_code.live.reader import read_inventory_items_of_products, read_products
from inventory_as_code.wix import WixClient
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


class _Recorder:
    """A client whose queries record their filters and find nothing."""

    def __init__(self) -> None:
        self.filters: list[dict[str, Any]] = []

    def query(self, filter: dict[str, Any], **_: Any) -> Iterator[Any]:
        self.filters.append(filter)
        return iter(())


def test_reads_by_product_id_keep_the_next_pages_cursor_within_wixs_limit() -> None:
    """The variants and stock of many products run to several pages, and the next page's
    cursor carries the filter: at most 16,000 characters. With 1,000 product ids a
    query, the read-back of a first apply of 10,000 products failed on its second page."""
    recorder = _Recorder()
    client = SimpleNamespace(products=recorder, variants=recorder, inventory=recorder)
    ids = [str(uuid.UUID(int=n, version=4)) for n in range(1000)]
    read_products(cast(WixClient, client), ids)
    read_inventory_items_of_products(cast(WixClient, client), ids)
    paged = [f for f in recorder.filters if "id" not in f]  # variants and stock by product
    assert paged and {n for f in paged for n in f} == {"productData.productId", "productId"}
    for filter in paged:
        request = PageRequest(filter=filter, sort=[("id", True)], text=None, limit=1000)
        assert len(encode_cursor(request, after=[ids[-1]])) <= 16000, len(str(filter))
