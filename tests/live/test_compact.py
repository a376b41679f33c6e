"""The whole-store read keeps compact records and leaves no garbage behind.

Each page is decoded into typed records and dropped; the live model of a
plan holds no Wix JSON (apply's own reads still do, since apply resends live
variants whole); and reading with the collector paused (as a plan does)
leaves no reference cycles to collect, however many pages were read.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from inventory_as_code._gc import paused_gc
from inventory_as_code.emulator import Emulator
from inventory_as_code.live import read_live_store
from inventory_as_code.live.reader import read_products
from tests.live.test_reader import SITE, apparel, client_for


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(id_seed=5)
    yield emu
    emu.close()


def seed(emulator: Emulator, count: int, start: int = 0) -> None:
    products = [
        apparel(f"p{n:04d}", ["S", "M"], ["Black"], "Warehouse") for n in range(start, count)
    ]
    locations = [] if start else [{"name": "Warehouse"}]
    emulator.seed({"locations": locations, "products": products}, site_id=SITE)


def test_the_plan_read_keeps_no_wix_json_but_apply_reads_do(emulator: Emulator) -> None:
    seed(emulator, 3)
    client = client_for(emulator)
    store = read_live_store(client)
    product = store.products["p0001"]
    assert not product.raw
    assert all(not o.raw for o in product.options)
    assert all(not v.raw for v in product.variants)
    # apply resends live variants and options whole: its reads keep them
    fresh = read_products(client, [product.id])[product.id]
    assert fresh.raw["slug"] == "p0001"
    assert all(v.raw.get("id") == v.id for v in fresh.variants)
    assert all(o.raw.get("name") == o.name for o in fresh.options)


def test_stock_items_share_their_ids_and_preorder_records(emulator: Emulator) -> None:
    seed(emulator, 3)
    store = read_live_store(client_for(emulator))
    items = list(store.inventory.values())
    assert len(items) == 3 * 2 * 2
    # One string object per product id, and one preorder record for equal settings.
    assert len({id(i.product_id) for i in items}) == 3
    assert len({id(i.preorder) for i in items}) == len({i.preorder for i in items})
    assert not any(gc.is_tracked(i) for i in items)


def _garbage_after_read(emulator: Emulator) -> int:
    client = client_for(emulator)
    gc.collect()
    with paused_gc():
        store = read_live_store(client, concurrency=1)
        found = gc.collect()  # what the paused collector would have kept
    client.close()
    assert store.stats is not None and store.stats.calls > 0
    return found


def test_a_paused_read_leaves_no_cycles_whatever_the_number_of_pages(emulator: Emulator) -> None:
    seed(emulator, 30)
    small = _garbage_after_read(emulator)
    seed(emulator, 600, start=30)  # 600 products: 6 product pages, 2 variant and 3 item pages
    large = _garbage_after_read(emulator)
    # httpx links every response to its stream both ways; left alone, each page read
    # with the collector paused stayed in memory until the next collection.
    assert large <= small + 50, (small, large)
    assert large < 200
