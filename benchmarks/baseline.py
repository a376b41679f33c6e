"""A generic Terraform-style provider for the same work, as the benchmark's baseline.

It does what a provider with one resource per product and one per inventory
item does: refresh every resource with its own Get call, diff, then write one
call per changed item. It is deliberately naive but not sloppy: reads and
writes run ``--parallelism`` at a time (Terraform's default is 10), and ids are
listed with the paged queries (those list calls are counted too; a provider
would take them from its state file instead, which saves only
ceil(P/100) + ceil(I/1000) calls).

    python benchmarks/baseline.py plan PROJECT --out changes.json [--cap N]
    python benchmarks/baseline.py apply changes.json [--cap N]

The store comes from WIX_API_BASE_URL / WIX_API_KEY / WIX_SITE_ID. Prints one
JSON object: calls made (by endpoint), items changed, and, when ``--cap``
stopped it early, ``capped: true`` (the harness then reports the full count as
computed, not measured). The desired state is read straight from the YAML that
``benchmarks/gen_catalog.py`` writes (explicit SKU and quantity per variant and
location), so the baseline shares no planning code with the tool.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from inventory_as_code.wix import WixClient

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader


class CapReached(Exception):
    """The call budget given with --cap is spent."""


class Budget:
    """Counts calls across threads and refuses the one past the cap."""

    def __init__(self, cap: int | None) -> None:
        self.cap = cap
        self.used = 0
        self._lock = threading.Lock()

    def take(self) -> None:
        with self._lock:
            if self.cap is not None and self.used >= self.cap:
                raise CapReached
            self.used += 1


def desired_stock(project: Path) -> tuple[str, dict[tuple[str, str], int]]:
    """(default location name, {(sku, location name): quantity}) from a gen_catalog project."""
    locations = yaml.load((project / "locations.yaml").read_text(encoding="utf-8"), Loader=_Loader)[
        "locations"
    ]
    default = next(name for name, spec in locations.items() if (spec or {}).get("default"))
    wanted: dict[tuple[str, str], int] = {}
    for path in sorted((project / "catalog").rglob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        for product in (doc.get("products") or {}).values():
            variants = product.get("variants") or {}
            if not variants:
                variants = {"": {"sku": product["sku"], "stock": product["stock"]}}
            for variant in variants.values():
                for location, quantity in (variant.get("stock") or {}).items():
                    wanted[(str(variant["sku"]), location)] = int(quantity)
    return default, wanted


def run_parallel(
    func: Callable[[Any], Any], items: Iterable[Any], parallelism: int
) -> tuple[list[Any], bool]:
    """Map ``func`` over ``items``; stop cleanly once the budget is spent."""
    results: list[Any] = []
    capped = False
    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        for future in [pool.submit(func, item) for item in items]:
            try:
                results.append(future.result())
            except CapReached:
                capped = True
    return results, capped


def make_client(budget: Budget, requests_per_minute: float) -> WixClient:
    client = WixClient.from_env(requests_per_minute=requests_per_minute)
    original = client.call

    def counted(*args: Any, **kwargs: Any) -> Any:
        budget.take()
        return original(*args, **kwargs)

    client.call = counted  # type: ignore[method-assign]
    return client


def plan(args: argparse.Namespace) -> dict[str, Any]:
    budget = Budget(args.cap)
    client = make_client(budget, args.requests_per_minute)
    default, wanted = desired_stock(args.project)
    capped = False
    sku_of: dict[str, str] = {}
    location_name: dict[str, str] = {}
    changes: list[dict[str, Any]] = []
    items_read = products_read = 0
    try:
        for loc in client.locations.query_stores():
            location_name[loc["id"]] = default if loc.get("defaultLocation") else loc["name"]
        product_ids = [p["id"] for p in client.products.query()]

        def get_product(pid: str) -> int:
            product = client.products.get(pid)
            for variant in (product.get("variantsInfo") or {}).get("variants") or []:
                sku_of[variant["id"]] = str(variant.get("sku", ""))
            return 1

        done, capped = run_parallel(get_product, product_ids, args.parallelism)
        products_read = len(done)
        if not capped:
            item_ids = [i["id"] for i in client.inventory.query()]
            items, capped = run_parallel(client.inventory.get, item_ids, args.parallelism)
            items_read = len(items)
            for item in items:
                key = (sku_of.get(item["variantId"], ""), location_name.get(item["locationId"], ""))
                target = wanted.get(key)
                if target is not None and item.get("quantity") != target:
                    changes.append(
                        {"id": item["id"], "revision": item["revision"], "quantity": target}
                    )
    except CapReached:
        capped = True
    if args.out:
        args.out.write_text(json.dumps({"changes": changes}) + "\n", encoding="utf-8")
    return {
        "calls": budget.used,
        "calls_by_endpoint": dict(client.stats.snapshot().requests),
        "products_read": products_read,
        "items_read": items_read,
        "changes": len(changes),
        "capped": capped,
    }


def apply(args: argparse.Namespace) -> dict[str, Any]:
    budget = Budget(args.cap)
    client = make_client(budget, args.requests_per_minute)
    changes = json.loads(args.changes.read_text(encoding="utf-8"))["changes"]

    def write(change: dict[str, Any]) -> int:
        client.inventory.update(
            {"id": change["id"], "revision": change["revision"], "quantity": change["quantity"]}
        )
        return 1

    done, capped = run_parallel(write, changes, args.parallelism)
    return {
        "calls": budget.used,
        "calls_by_endpoint": dict(client.stats.snapshot().requests),
        "written": len(done),
        "changes": len(changes),
        "capped": capped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_plan = sub.add_parser("plan", help="refresh every product and item one by one, diff")
    p_plan.add_argument("project", type=Path)
    p_plan.add_argument("--out", type=Path, help="write the changed items here for apply")
    p_apply = sub.add_parser("apply", help="one PATCH per changed item")
    p_apply.add_argument("changes", type=Path)
    for p in (p_plan, p_apply):
        p.add_argument("--cap", type=int, default=None, help="stop after this many calls")
        p.add_argument("--parallelism", type=int, default=10)
        p.add_argument("--requests-per-minute", type=float, default=180.0)
    args = parser.parse_args()
    started = time.perf_counter()
    result = plan(args) if args.command == "plan" else apply(args)
    result["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
