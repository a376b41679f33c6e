"""CPU of the stock planner alone (``plan/stock.py``) on a large catalog.

Loads the project, makes a live store that matches it (every product, variant
and inventory item exists, with the YAML's values), then lets a fraction of the
items drift (``--drift``: quantities differ, some items are missing, some track
the other way) and times ``StockPlanner.plan_product`` over every product; best
of ``--repeat``, CPU seconds. Prints the number of changes by action too, so a
faster planner can be checked to plan the same.

    python benchmarks/plan_stock.py /tmp/ys10k --repeat 5
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from inventory_as_code._gc import paused_gc
from inventory_as_code.config import load_project
from inventory_as_code.live import LiveLocation, LiveStore
from inventory_as_code.live.model import (
    LiveInventoryItem,
    LiveOption,
    LivePreorder,
    LiveProduct,
    LiveVariant,
)
from inventory_as_code.model import DesiredState, Tracking
from inventory_as_code.plan.stock import StockPlanner


def live_store(desired: DesiredState, drift: float) -> LiveStore:
    locations = tuple(
        LiveLocation(f"loc-{n}", name, n == 0, "1") for n, name in enumerate(desired.locations)
    )
    location_id = {loc.name: loc.id for loc in locations}
    every = int(1 / drift) if drift else 0
    products, inventory = {}, {}
    count = 0
    for slug, product in desired.products.items():
        variants = []
        for v, variant in enumerate(product.variants):
            variant_id = f"{slug}-v{v}"
            variants.append(LiveVariant(variant_id, variant.key, variant.sku, None, None, True))
            for location, entry in variant.stock.items():
                count += 1
                ids = (slug, variant_id, location_id[location])
                tracking, quantity = entry.tracking or Tracking.QUANTITY, entry.quantity
                if every and count % every == 0:
                    quantity = (quantity or 0) + 1
                if every and count % (every * 7) == 0:
                    continue  # missing: created
                if every and count % (every * 11) == 0:
                    tracking = Tracking.IN_STOCK
                inventory[ids] = LiveInventoryItem(
                    f"item-{count}",
                    "1",
                    *ids,
                    tracking,
                    quantity if tracking is Tracking.QUANTITY else None,
                    True if tracking is Tracking.IN_STOCK else None,
                    LivePreorder(False, None, None, 0),
                )
        options = tuple(LiveOption(f"o-{o.name}", o.name, o.choices) for o in product.options)
        products[slug] = LiveProduct(
            slug, slug, slug, "1", "physical", True, options, tuple(variants)
        )
    return LiveStore(locations, (), products, inventory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--drift", type=float, default=0.05)
    args = parser.parse_args()
    desired = load_project(args.project)
    live = live_store(desired, args.drift)
    location_of = {loc.name: loc for loc in live.locations}
    best, actions = float("inf"), Counter[str]()
    for _ in range(args.repeat):
        with paused_gc():
            planner = StockPlanner(desired, live, location_of)
            started = time.process_time()
            changes = []
            for slug, product in desired.products.items():
                changes.extend(planner.plan_product(product, live.products.get(slug)))
            best = min(best, time.process_time() - started)
        actions = Counter(str(change.action) for change in changes)
    print(json.dumps({"plan_stock_cpu_s": round(best, 3), "changes": dict(actions)}))


if __name__ == "__main__":
    main()
