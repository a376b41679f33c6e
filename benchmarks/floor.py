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

Issue 22's floor for a plan adds the YAML: ``--yaml PROJECT`` also loads every
``*.yaml`` file of the project with PyYAML's ``CSafeLoader`` (libyaml building
plain dicts: no positions, no checks), each document let go once loaded, and
pages are decoded with ``orjson`` when it is installed (``pip install -e '.[bench]'``;
``--decoder``). That is the least any tool must spend to read the same store
and the same YAML.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx

try:
    import orjson
except ImportError:  # a benchmark-only dependency: pip install -e '.[bench]'
    orjson = None

READS = (
    ("/stores/v3/locations/query", "storesLocations", 100),
    ("/stores/v3/products/query", "products", 100),
    ("/stores/v3/products/query-variants", "variants", 1000),
    ("/stores/v3/inventory-items/query", "inventoryItems", 1000),
)


def fetch_all(
    client: httpx.Client, path: str, key: str, limit: int, keep: bool, decode: Any = json.loads
) -> tuple[int, int]:
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
        body = decode(response.content)
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


def load_yaml(project: Path) -> int:
    """Every YAML file of the project, loaded with libyaml into plain objects and let go."""
    import yaml

    files = sorted(p for p in project.rglob("*.yaml") if ".inventory-as-code" not in p.parts)
    for path in files:
        with path.open("rb") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)
    return len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--as-before",
        action="store_true",
        help="the first version: keep every page, collector running (not a fair floor)",
    )
    parser.add_argument("--yaml", type=Path, help="also load this project's YAML (CSafeLoader)")
    parser.add_argument(
        "--decoder",
        choices=("json", "orjson"),
        default="orjson" if orjson is not None else "json",
        help="how pages are decoded (default: orjson when installed)",
    )
    args = parser.parse_args()
    decode = orjson.loads if args.decoder == "orjson" else json.loads
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
            pages, count = fetch_all(client, path, key, limit, args.as_before, decode)
            out["pages"][key] = pages
            out["items"][key] = count
    out["calls"] = sum(out["pages"].values())
    out["loop_wall_s"] = round(time.perf_counter() - wall, 3)
    out["loop_cpu_s"] = round(time.process_time() - cpu, 3)
    out["decoder"] = args.decoder
    if args.yaml is not None:
        started = time.process_time()
        out["yaml_files"] = load_yaml(args.yaml)
        out["yaml_cpu_s"] = round(time.process_time() - started, 3)
    if not args.as_before:
        gc.freeze()  # as the tool does: no collection of what was allocated meanwhile
        gc.enable()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
