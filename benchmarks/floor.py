"""The client-side floor: fetch and JSON-parse the pages a plan reads, with a bare loop.

No client library, no model, no planning: one httpx.Client, POST each query
with cursor paging at the Wix page limits (products 100, read-only variants
1,000, inventory items 1,000, stores locations 100), ``json.loads`` every
page, count its items and let it go. Against a rate-limited server it waits
out a 429 (Retry-After, else 1 s) and asks again; it has no limiter of its
own. Whatever the tool spends above this is its own cost (YAML, normalising,
planning, rendering).

A fair floor handles the garbage collector the way the tool does (paused for
the bulk work, survivors frozen, see ``inventory_as_code/_gc.py``) and keeps
nothing it does not need. The first version kept every decoded page in lists
with the collector running, and spent half its CPU in collections: the tool's
ratio against it looked twice as good as it was. ``--as-before`` measures
that version still, for comparison.

    WIX_API_BASE_URL=http://127.0.0.1:PORT WIX_API_KEY=k WIX_SITE_ID=s \
        python benchmarks/floor.py

Prints one JSON object: pages fetched, items, wall and CPU seconds of the
loop itself (the harness also measures the whole process, start-up included).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import time
from typing import Any

import httpx

READS = (
    ("/stores/v3/locations/query", "storesLocations", 100),
    ("/stores/v3/products/query", "products", 100),
    ("/stores/v3/products/query-variants", "variants", 1000),
    ("/stores/v3/inventory-items/query", "inventoryItems", 1000),
)


def fetch_all(client: httpx.Client, path: str, key: str, limit: int, keep: bool) -> tuple[int, int]:
    kept: list[Any] = []
    count = 0
    pages = 0
    paging: dict[str, Any] = {"limit": limit}
    while True:
        response = client.post(path, content=json.dumps({"query": {"cursorPaging": paging}}))
        if response.status_code == 429:  # rate-limited emulator: wait, as any client must
            time.sleep(float(response.headers.get("Retry-After") or 1.0))
            continue
        response.raise_for_status()
        body = json.loads(response.content)
        response.close()
        response.stream = httpx.ByteStream(b"")  # as the tool: free the body now, not later
        pages += 1
        items = body.get(key) or []
        count += len(items)
        if keep:
            kept.extend(items)
        cursor = ((body.get("pagingMetadata") or {}).get("cursors") or {}).get("next")
        if not cursor:
            return pages, count
        paging = {"limit": limit, "cursor": cursor}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--as-before",
        action="store_true",
        help="the first version: keep every page, collector running (not a fair floor)",
    )
    args = parser.parse_args()
    if not args.as_before:
        gc.disable()
    wall, cpu = time.perf_counter(), time.process_time()
    out: dict[str, Any] = {"pages": {}, "items": {}, "as_before": args.as_before}
    with httpx.Client(
        base_url=os.environ["WIX_API_BASE_URL"],
        headers={
            "Authorization": os.environ["WIX_API_KEY"],
            "wix-site-id": os.environ["WIX_SITE_ID"],
            "Content-Type": "application/json",
        },
        timeout=60,
    ) as client:
        for path, key, limit in READS:
            pages, count = fetch_all(client, path, key, limit, keep=args.as_before)
            out["pages"][key] = pages
            out["items"][key] = count
    out["calls"] = sum(out["pages"].values())
    out["loop_wall_s"] = round(time.perf_counter() - wall, 3)
    out["loop_cpu_s"] = round(time.process_time() - cpu, 3)
    if not args.as_before:
        gc.freeze()  # as the tool does: no collection of what was allocated meanwhile
        gc.enable()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
