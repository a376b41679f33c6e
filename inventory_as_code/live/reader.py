"""Reading the whole live store with the fewest calls the Wix page limits allow.

Five independent paged reads, run concurrently (the client's rate limiter
keeps them under the site's limit together):

* stores locations, 100 per page, and Wix business locations (to find a
  location that exists but is not an inventory location), 1,000 per page;
* products, 100 per page (Wix returns them without variants);
* variants of every product through the read-only variants API, 1,000 per page;
* inventory items, 1,000 per page.

For P products, V variants, I items and L locations that is
ceil(P/100) + ceil(V/1000) + ceil(I/1000) + ceil(L/100) + 1 calls, plus one
Get Product for each product whose read-only variants lag behind: that API
is eventually consistent, so a product whose variants carry an older product
revision, or whose variant count disagrees, is read again with Get Product,
the consistent read. Nothing is ever read one product or one item at a time
for the whole store.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from inventory_as_code.live.model import LiveInventoryItem, LiveProduct, LiveStore, ReadStats
from inventory_as_code.live.normalize import (
    business_location_from_wix,
    inventory_item_from_wix,
    location_from_wix,
    options_from_wix,
    product_from_wix,
    read_only_variant_from_wix,
)
from inventory_as_code.wix import WixClient

logger = logging.getLogger(__name__)

T = TypeVar("T")
ProgressCallback = Callable[[str, int], None]  # (what, how many more were read)


class ReadCancelled(Exception):
    """The read was stopped by its caller (e.g. the YAML turned out invalid)."""


def read_live_store(
    client: WixClient,
    *,
    progress: ProgressCallback | None = None,
    concurrency: int = 4,
    cancel: threading.Event | None = None,
) -> LiveStore:
    """Read the whole store; ``cancel`` stops it after the pages in flight."""
    started = time.monotonic()
    before = client.stats.snapshot()
    report = progress or (lambda what, count: None)

    def collect(what: str, pages: Iterator[list[Any]]) -> list[Any]:
        out: list[Any] = []
        for page in pages:
            out.extend(page)
            report(what, len(page))
            if cancel is not None and cancel.is_set():
                raise ReadCancelled
        return out

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="read") as pool:
        stores_locations = pool.submit(
            lambda: [location_from_wix(raw) for raw in client.locations.query_stores()]
        )
        business_locations = pool.submit(
            lambda: [business_location_from_wix(raw) for raw in client.locations.query()]
        )
        products_raw = pool.submit(collect, "products", client.products.query_pages())
        variants_raw = pool.submit(collect, "variants", client.variants.query_pages())
        items = pool.submit(
            lambda: _items_by_key(collect("inventory items", client.inventory.query_pages()))
        )
        products, stale = _join_products(products_raw.result(), variants_raw.result())
        if stale:
            logger.info("read-only variants lag for %d product(s); using Get Product", len(stale))
            for product in pool.map(lambda pid: product_from_wix(client.products.get(pid)), stale):
                products[product.slug] = product
            report("products re-read", len(stale))
        locations = sorted(stores_locations.result(), key=lambda loc: loc.name)
        business = sorted(business_locations.result(), key=lambda loc: loc.name)
        inventory = items.result()
    after = client.stats.snapshot()
    calls_by_endpoint = {
        name: count - before.requests.get(name, 0)
        for name, count in after.requests.items()
        if count - before.requests.get(name, 0)
    }
    return LiveStore(
        locations=tuple(locations),
        business_locations=tuple(business),
        products=dict(sorted(products.items())),
        inventory=inventory,
        stats=ReadStats(
            calls=sum(calls_by_endpoint.values()),
            calls_by_endpoint=calls_by_endpoint,
            fallback_product_reads=len(stale),
            seconds=time.monotonic() - started,
        ),
    )


def _items_by_key(
    raw_items: Iterable[dict[str, Any]],
) -> dict[tuple[str, str, str], LiveInventoryItem]:
    items = {}
    for raw in raw_items:
        item = inventory_item_from_wix(raw)
        items[(item.product_id, item.variant_id, item.location_id)] = item
    return items


def _join_products(
    raw_products: list[dict[str, Any]], raw_variants: list[dict[str, Any]]
) -> tuple[dict[str, LiveProduct], list[str]]:
    """Attach read-only variants to their products; list products whose variants lag."""
    variants_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for raw in raw_variants:
        product_id = (raw.get("productData") or {}).get("productId")
        if product_id:
            variants_of[product_id].append(raw)
    products: dict[str, LiveProduct] = {}
    stale: list[str] = []
    for raw in raw_products:
        product_id = str(raw["id"])
        variants = variants_of.get(product_id, [])
        if _variants_lag(raw, variants):
            stale.append(product_id)
            continue
        options = options_from_wix(raw.get("options") or [])
        live = product_from_wix(raw, [read_only_variant_from_wix(v, options) for v in variants])
        products[live.slug] = live
    return products, stale


def _variants_lag(product: dict[str, Any], variants: list[dict[str, Any]]) -> bool:
    if not variants:
        return True  # every product has at least one variant
    revision = str(product.get("revision", ""))
    if any(str((v.get("productData") or {}).get("revision", "")) != revision for v in variants):
        return True
    expected = (product.get("variantSummary") or {}).get("variantCount")
    return expected is not None and int(expected) != len(variants)


# Wix documents `$in` filters with up to ~100 values as tested; larger lists
# are unconfirmed, so targeted reads ask for 100 ids at a time.
IN_FILTER_CHUNK = 100


def read_products(client: WixClient, product_ids: Iterable[str]) -> dict[str, LiveProduct]:
    """Current state of some products (by id), with variants: ~2 reads per 100 products.

    Used by apply to verify revisions and to carry live variants along in
    updates; lagging read-only variants fall back to Get Product as above.
    """
    ids = sorted(set(product_ids))
    found: dict[str, LiveProduct] = {}
    for start in range(0, len(ids), IN_FILTER_CHUNK):
        chunk = ids[start : start + IN_FILTER_CHUNK]
        raw_products = cast(
            list[dict[str, Any]], list(client.products.query({"id": {"$in": chunk}}))
        )
        raw_variants = cast(
            list[dict[str, Any]],
            list(client.variants.query({"productData.productId": {"$in": chunk}})),
        )
        products, stale = _join_products(raw_products, raw_variants)
        for product_id in stale:
            fresh = product_from_wix(client.products.get(product_id))
            products[fresh.slug] = fresh
        for product in products.values():
            found[product.id] = product
    return found


# Wix documents no limit on the values of `$in`; the reference calls lists over
# ~100 untested (unconfirmed). Item reads ask for a page's worth (1,000) at a
# time so that checking 15,000 items costs 15 reads, not 150; if Wix turned
# out to refuse long lists, this is the one number to lower.
ITEM_ID_CHUNK = 1000


def read_inventory_items(
    client: WixClient, item_ids: Iterable[str]
) -> dict[str, LiveInventoryItem]:
    """Current state of some inventory items, by id: one read per 1,000 items."""
    ids = sorted(set(item_ids))
    found: dict[str, LiveInventoryItem] = {}
    for start in range(0, len(ids), ITEM_ID_CHUNK):
        for raw in client.inventory.query({"id": {"$in": ids[start : start + ITEM_ID_CHUNK]}}):
            item = inventory_item_from_wix(raw)
            found[item.id] = item
    return found


def read_inventory_items_of_products(
    client: WixClient, product_ids: Iterable[str]
) -> list[LiveInventoryItem]:
    """Every inventory item of some products (100 products a query)."""
    ids = sorted({p for p in product_ids if p})
    items: list[LiveInventoryItem] = []
    for start in range(0, len(ids), IN_FILTER_CHUNK):
        chunk = ids[start : start + IN_FILTER_CHUNK]
        items += [
            inventory_item_from_wix(raw)
            for raw in client.inventory.query({"productId": {"$in": chunk}})
        ]
    return items
