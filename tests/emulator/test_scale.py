"""Scale smoke test: seeding and paging stay fast (keyset paging is linear).

Timed in CPU seconds of this process, not wall time: the emulator runs in process, and a
machine shared with other work (a CI runner, parallel tests) stretches the wall clock, not
the work done. The figures themselves live in benchmarks/, not here.
"""

from __future__ import annotations

import time

import httpx

from inventory_as_code.emulator import Emulator

from .conftest import ok
from .test_query import _seed


def test_seed_2000_products_and_page_30000_items(emu: Emulator, client: httpx.Client) -> None:
    started = time.process_time()
    _seed(emu, 2000, sizes=5, locations=3)
    seeded = time.process_time()
    ids: set[str] = set()
    body: dict[str, object] = {"query": {"cursorPaging": {"limit": 1000}}}
    pages = 0
    while True:
        res = ok(client.post("/stores/v3/inventory-items/query", json=body))
        pages += 1
        ids.update(i["id"] for i in res["inventoryItems"])
        nxt = res["pagingMetadata"]["cursors"].get("next")
        if not nxt:
            break
        body = {"query": {"cursorPaging": {"limit": 1000, "cursor": nxt}}}
    paged = time.process_time()
    assert pages == 30 and len(ids) == 30_000
    assert seeded - started < 20, f"seeding took {seeded - started:.1f} s of CPU"
    assert paged - seeded < 15, f"paging took {paged - seeded:.1f} s of CPU"
