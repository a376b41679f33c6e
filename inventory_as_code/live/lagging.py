"""Products whose read-only variants lag behind: a second look in bulk, then Get Product.

Read-Only Variants is eventually consistent: after any product update, even a
name edit that leaves every variant as it was, its rows carry the older
product revision until Wix re-projects them. Such a product used to cost one
Get Product (the consistent read) on every read that met it. A store where a
few hundred products were just renamed then paid a few hundred calls, a
minute and a half at Wix's 200 requests a minute.

Rows stamped with the product's current revision are, by definition, the
variants of that revision, so the rows are trusted only then. Before falling
back to Get Product, the lagging products' rows are asked for again in bulk
(100 products a call), at most :data:`ROUNDS` times with short waits, and only
while a round costs less than the Get Product calls it can save. What is still
behind after that is read with Get Product, exactly as before.

Unconfirmed: how long Wix's projection takes (the docs say only "over time").
The waits below are short on purpose: a full read of a large store takes longer
than they do, so by the time it ends most lags are over, and the first round
(no wait) settles them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from math import ceil

from inventory_as_code.live import fetch
from inventory_as_code.live.model import NO_RAW, LiveProduct
from inventory_as_code.live.normalize import product_from_wix
from inventory_as_code.live.records import (
    ProductHead,
    VariantRow,
    group_rows,
    lags,
    product_of,
    variant_row,
)
from inventory_as_code.wix import WixClient

logger = logging.getLogger(__name__)

# Waits (seconds) before each bulk second look. A round runs only while it
# costs less than the Get Product calls it may save (see `_worth`).
ROUNDS = (0.0, 1.0, 2.0)
# What one call costs in the site's budget: Wix allows about 200 requests a minute.
SECONDS_PER_CALL = 60 / 200


def _worth(lagging: int, wait: float) -> bool:
    """A round (its wait and its calls) must cost less than Get Product for each."""
    calls = ceil(lagging / fetch.IN_CHUNK)
    return (lagging - calls) * SECONDS_PER_CALL > wait


def settle(
    client: WixClient,
    pool: ThreadPoolExecutor,
    stale: list[ProductHead],
    *,
    report: Callable[[str, int], None] | None = None,
) -> tuple[list[LiveProduct], int]:
    """The lagging products, settled; and how many needed Get Product."""
    settled: list[LiveProduct] = []
    waiting = list(stale)
    for wait in ROUNDS:
        if not waiting or not _worth(len(waiting), wait):
            break
        if wait:
            wait_for_projection(wait)
        rows_of = _rows_of(client, [head.id for head in waiting])
        behind: list[ProductHead] = []
        for head in waiting:
            rows = rows_of.get(head.id, [])
            if lags(head, rows):
                behind.append(head)
            else:
                settled.append(product_of(head, rows))
        logger.info(
            "read-only variants: %d of %d lagging product(s) caught up after %.0f s",
            len(waiting) - len(behind),
            len(waiting),
            wait,
        )
        waiting = behind
    fallbacks = consistent_products(client, pool, [head.id for head in waiting])
    if report is not None and stale:
        report("products re-read", len(stale))
    return settled + fallbacks, len(waiting)


def wait_for_projection(seconds: float) -> None:
    """Give Wix's projection time (a function of its own so tests can pass emulator time)."""
    time.sleep(seconds)


def _rows_of(client: WixClient, product_ids: list[str]) -> dict[str, list[VariantRow]]:
    made = (
        variant_row(variant)
        for chunk in fetch.chunks(sorted(product_ids))
        for page in fetch.variant_pages(client, {"productData.productId": {"$in": chunk}})
        for variant in page
    )
    return group_rows(row for row in made if row is not None)


def consistent_products(
    client: WixClient, pool: ThreadPoolExecutor, stale: list[str]
) -> list[LiveProduct]:
    """Get Product (the consistent read) for products whose read-only variants lag."""
    if not stale:
        return []
    logger.info("read-only variants lag for %d product(s); using Get Product", len(stale))
    fresh = pool.map(lambda pid: product_from_wix(client.products.get(pid)), stale)
    # Apply keeps raw for its own reads; the plan's copy does not need it.
    return [_without_raw(product) for product in fresh]


def _without_raw(product: LiveProduct) -> LiveProduct:
    return replace(
        product,
        raw=NO_RAW,
        options=tuple(replace(o, raw=NO_RAW) for o in product.options),
        variants=tuple(replace(v, raw=NO_RAW) for v in product.variants),
    )
