"""What products renamed just before a plan cost when read-only variants lag.

Read-Only Variants is eventually consistent: right after a product update (a
name edit too), its rows carry the older product revision, and the reader does
not trust them. Before `live/lagging.py`, each such product cost one Get
Product; now the lagging products get a bulk second look (100 a call, with
waits of 0, 1 and 2 s while that is cheaper) before Get Product.

This script measures both on the in-process emulator in the realistic setting
(150 ms a request, 200 requests a minute, the tool at its default 180 a
minute): a store of ``--products`` products (5 variants each), ``--renamed``
of them renamed right before the read, the projection ``--lag`` seconds behind.
"before" switches the second looks off (what the old reader did).

    python benchmarks/lagging_variants.py --products 1000 --renamed 100 --lag 2 --lag 30
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from inventory_as_code.emulator import Emulator, EmulatorTransport, FaultConfig
from inventory_as_code.live import lagging, read_live_store
from inventory_as_code.wix import WixClient

SITE = "site-bench"
SIZES = ["XS", "S", "M", "L", "XL"]


def product(n: int) -> dict[str, Any]:
    return {
        "name": f"Tee {n}",
        "slug": f"tee-{n:05d}",
        "productType": "PHYSICAL",
        "physicalProperties": {},
        "options": [
            {
                "name": "Size",
                "optionRenderType": "TEXT_CHOICES",
                "choicesSettings": {
                    "choices": [{"choiceType": "CHOICE_TEXT", "name": s} for s in SIZES]
                },
            }
        ],
        "variantsInfo": {
            "variants": [
                {
                    "sku": f"TEE-{n:05d}-{s}",
                    "price": {"actualPrice": {"amount": "25"}},
                    "physicalProperties": {},
                    "choices": [
                        {
                            "optionChoiceNames": {
                                "optionName": "Size",
                                "choiceName": s,
                                "renderType": "TEXT_CHOICES",
                            }
                        }
                    ],
                }
                for s in SIZES
            ]
        },
    }


def client_for(emulator: Emulator, requests_per_minute: int = 180) -> WixClient:
    return WixClient(
        api_key="k",
        site_id=SITE,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
        requests_per_minute=requests_per_minute,
    )


def measure(products: int, renamed: int, lag: float, second_looks: bool) -> dict[str, Any]:
    emulator = Emulator(id_seed=7)
    emulator.seed({"products": [product(n) for n in range(products)]}, site_id=SITE)
    # Rename at full speed, with the projection lagging; then read as a user would.
    emulator.set_faults(FaultConfig(variants_lag_s=lag))
    with client_for(emulator, 1_000_000) as fast:
        for n in range(renamed):
            live = fast.products.get_by_slug(f"tee-{n:05d}")
            fast.products.update({"id": live["id"], "revision": live["revision"], "name": f"T{n}"})
    emulator.set_faults(FaultConfig(latency_ms=150, rate_limit_per_minute=200, variants_lag_s=lag))
    emulator.clear_requests()
    rounds = lagging.ROUNDS
    lagging.ROUNDS = rounds if second_looks else ()
    try:
        started = time.monotonic()
        with client_for(emulator) as client:
            store = read_live_store(client)
        seconds = time.monotonic() - started
    finally:
        lagging.ROUNDS = rounds
    routes = [r["route"] for r in emulator.requests()]
    emulator.close()
    assert store.stats is not None
    assert all(store.products[f"tee-{n:05d}"].name == f"T{n}" for n in range(renamed))
    return {
        "calls": len(routes),
        "get_product": routes.count("products.get"),
        "variant_reads": routes.count("read-only-variants.query"),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--renamed", type=int, default=100)
    parser.add_argument("--lag", type=float, action="append", help="seconds; repeatable")
    args = parser.parse_args()
    print("| lag s | reader | calls | Get Product | variant pages | wall s |")
    print("|---|---|---|---|---|---|")
    for lag in args.lag or [2.0]:
        for second_looks in (False, True):
            row = measure(args.products, args.renamed, lag, second_looks)
            name = "bulk second look" if second_looks else "before (Get Product)"
            print(
                f"| {lag:g} | {name} | {row['calls']} | {row['get_product']} | "
                f"{row['variant_reads']} | {row['seconds']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
