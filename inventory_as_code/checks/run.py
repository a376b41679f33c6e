"""``inventory-as-code check``: load the YAML, read what it needs of the store, check it.

Only the products with a reorder point are read, one by one where that
costs fewer calls than reading the whole store (:mod:`inventory_as_code.reads`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inventory_as_code.checks.reorder import LowStock, low_stock, with_reorder_point
from inventory_as_code.config import load_project
from inventory_as_code.live import LiveStore, read_live_store
from inventory_as_code.reads import read_selected, worth_narrowing
from inventory_as_code.selection import products
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import require_catalog_v3


@dataclass(frozen=True, slots=True)
class CheckResult:
    low: tuple[LowStock, ...]
    checked: int  # stock entries with a reorder point
    live: LiveStore | None  # None when there was nothing to read


def check_project(
    client: WixClient, project: Path, *, progress: Callable[[str, int], None] | None = None
) -> CheckResult:
    """Every stock item of the YAML at or below its reorder point (ConfigError on bad YAML)."""
    desired = load_project(project)
    checked = with_reorder_point(desired)
    if not checked:
        return CheckResult((), 0, None)
    require_catalog_v3(client)
    slugs = sorted(
        slug
        for slug, product in desired.products.items()
        if any(e.reorder_point is not None for v in product.variants for e in v.stock.values())
    )
    if worth_narrowing(desired, len(slugs)):
        why = f"the {len(slugs)} product(s) with a reorder point"
        live = read_selected(client, desired, products(slugs, why), progress=progress)
    else:
        live = read_live_store(client, progress=progress)
    return CheckResult(tuple(low_stock(desired, live)), checked, live)
