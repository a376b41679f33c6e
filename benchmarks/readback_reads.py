"""The read-back's reads of every product of a store, counted (issue 22, part 2).

After an apply, ``apply/readback.py`` reads the products written with
``read_products`` and their stock with ``read_inventory_items_of_products``.
This runs both on every product of a store served by the emulator (for
example the store a harness run leaves in ``--work``) and prints the calls,
to set against a full read's ceil(P/100) + ceil(V/1000) + ceil(I/1000):

    inventory-as-code emulator serve --port 0 --db <copy of WORK/10000-fast/tool.db>
    python benchmarks/readback_reads.py http://127.0.0.1:PORT bench-10000-fast
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from inventory_as_code.live.reader import read_inventory_items_of_products, read_products
from inventory_as_code.wix import WixClient


def main() -> None:
    base_url, site_id = sys.argv[1], sys.argv[2]
    client = WixClient(api_key="bench", site_id=site_id, base_url=base_url, requests_per_minute=1e8)
    ids = [p["id"] for p in client.products.query()]
    before = Counter(client.stats._requests)
    started = time.process_time()
    products = read_products(client, ids)
    items = read_inventory_items_of_products(client, ids)
    calls = Counter(client.stats._requests) - before
    variants = sum(len(p.variants) for p in products.values())
    print(
        f"{len(products)} products, {variants} variants, {len(items)} items: "
        f"{sum(calls.values())} calls {dict(calls)}; {time.process_time() - started:.2f} s CPU"
    )


if __name__ == "__main__":
    main()
