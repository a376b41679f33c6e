"""Reading the whole live store with the fewest calls the Wix page limits allow.

Five independent paged reads, run concurrently (the client's rate limiter
keeps them under the site's limit together):

* stores locations, 100 per page, and Wix business locations (to find a
  location that exists but is not an inventory location), 1,000 per page;
* products, 100 per page (Wix returns them without variants);
* variants of every product through the read-only variants API, 1,000 per page;
* inventory items, 1,000 per page;
* the site's options (customizations), 100 per page: an option is shared by
  every product that uses it, and holds choices no product shows.

For P products, V variants, I items, L locations and O options that is
ceil(P/100) + ceil(V/1000) + ceil(I/1000) + ceil(L/100) + ceil(O/100) + 1
calls (at least one for options, even with none), plus what
products whose read-only variants lag behind cost: that API is eventually
consistent, so a product whose variants carry an older product revision, or
whose variant count disagrees, gets a bulk second look and, if still behind,
Get Product, the consistent read (:mod:`.lagging`). Nothing is ever read one
product or one item at a time for the whole store.

Each page is decoded into typed records and turned into the live model as
it arrives (:mod:`.records`); no page and no Wix JSON is kept, so the memory a
read needs is the live model's own. Apply's small reads below go through the
dict-based :mod:`.normalize` instead, because apply needs ``raw``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar, cast

from inventory_as_code.live import fetch
from inventory_as_code.live.lagging import settle
from inventory_as_code.live.model import (
    LiveBusinessLocation,
    LiveCustomization,
    LiveInventoryItem,
    LiveLocation,
    LiveProduct,
    LiveStore,
    ReadMode,
    ReadScope,
    ReadStats,
)
from inventory_as_code.live.normalize import (
    business_location_from_wix,
    customization_from_wix,
    inventory_item_from_wix,
    location_from_wix,
    options_from_wix,
    product_from_wix,
    read_only_variant_from_wix,
)
from inventory_as_code.live.records import (
    ItemMaker,
    ProductHead,
    VariantRow,
    group_rows,
    join_products,
    product_head,
    variant_row,
)
from inventory_as_code.wix import WixClient
from inventory_as_code.wix._stats import StatsSnapshot

logger = logging.getLogger(__name__)

T = TypeVar("T")
ProgressCallback = Callable[[str, int], None]  # (what, how many more were read)
ItemKey = tuple[str, str, str]


class ReadCancelled(Exception):
    """The read was stopped by its caller (e.g. the YAML turned out invalid)."""


class Pager:
    """Runs paged reads, reporting progress and honouring ``cancel`` after each page."""

    def __init__(self, progress: ProgressCallback | None, cancel: threading.Event | None) -> None:
        self.report = progress or (lambda what, count: None)
        self.cancel = cancel

    def each(self, what: str, pages: Iterator[list[T]]) -> Iterator[T]:
        for page in pages:
            self.report(what, len(page))
            if self.cancel is not None and self.cancel.is_set():
                raise ReadCancelled
            yield from page

    def heads(self, pages: Iterator[list[Any]]) -> list[ProductHead]:
        return [product_head(p) for p in self.each("products", pages)]

    def rows(self, pages: Iterator[list[Any]]) -> dict[str, list[VariantRow]]:
        made = (variant_row(v) for v in self.each("variants", pages))
        return group_rows(row for row in made if row is not None)

    def items(self, pages: Iterator[list[Any]]) -> dict[ItemKey, LiveInventoryItem]:
        make = ItemMaker()
        out: dict[ItemKey, LiveInventoryItem] = {}
        for raw in self.each("inventory items", pages):
            item = make(raw)
            out[(item.product_id, item.variant_id, item.location_id)] = item
        return out


def read_locations(
    client: WixClient, pool: ThreadPoolExecutor
) -> tuple[Future[list[LiveLocation]], Future[list[LiveBusinessLocation]]]:
    """Stores locations and Wix business locations, read in the background."""
    return (
        pool.submit(lambda: [location_from_wix(raw) for raw in client.locations.query_stores()]),
        pool.submit(lambda: [business_location_from_wix(raw) for raw in client.locations.query()]),
    )


def read_options(client: WixClient) -> list[LiveCustomization]:
    """Every option of the site (a customization each), 100 a page."""
    return [customization_from_wix(raw) for raw in client.customizations.query()]


def assemble(
    client: WixClient,
    *,
    before: StatsSnapshot,
    started: float,
    locations: Iterable[LiveLocation],
    business: Iterable[LiveBusinessLocation],
    products: Mapping[str, LiveProduct],
    inventory: Mapping[ItemKey, LiveInventoryItem],
    fallbacks: int,
    options: Iterable[LiveCustomization] = (),
    option_users: Mapping[str, Mapping[str, str]] | None = None,
    mode: ReadMode = "full",
    detail: str = "",
    scope: ReadScope | None = None,
) -> LiveStore:
    after = client.stats.snapshot()
    calls_by_endpoint = {
        name: count - before.requests.get(name, 0)
        for name, count in after.requests.items()
        if count - before.requests.get(name, 0)
    }
    return LiveStore(
        # Oldest first among locations of one name: the one the planner matches.
        locations=tuple(sorted(locations, key=lambda loc: (loc.name, loc.created, loc.id))),
        business_locations=tuple(sorted(business, key=lambda loc: loc.name)),
        products=dict(sorted(products.items())),
        inventory=inventory,
        stats=ReadStats(
            calls=sum(calls_by_endpoint.values()),
            calls_by_endpoint=calls_by_endpoint,
            fallback_product_reads=fallbacks,
            seconds=time.monotonic() - started,
            mode=mode,
            detail=detail,
        ),
        scope=scope,
        options=tuple(sorted(options, key=lambda o: (o.name, o.id))),
        option_users=dict(option_users or {}),
    )


def read_live_store(
    client: WixClient,
    *,
    progress: ProgressCallback | None = None,
    concurrency: int = 4,
    cancel: threading.Event | None = None,
    detail: str = "",
) -> LiveStore:
    """Read the whole store; ``cancel`` stops it after the pages in flight."""
    started = time.monotonic()
    before = client.stats.snapshot()
    pager = Pager(progress, cancel)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="read") as pool:
        stores_locations, business_locations = read_locations(client, pool)
        heads = pool.submit(pager.heads, fetch.product_pages(client))
        rows = pool.submit(pager.rows, fetch.variant_pages(client))
        items = pool.submit(pager.items, fetch.item_pages(client))
        options = pool.submit(read_options, client)
        products, stale = join_products(heads.result(), rows.result())
        settled, fallbacks = settle(client, pool, stale, report=pager.report)
        products.update((product.slug, product) for product in settled)
        return assemble(
            client,
            before=before,
            started=started,
            locations=stores_locations.result(),
            business=business_locations.result(),
            products=products,
            inventory=items.result(),
            fallbacks=fallbacks,
            options=options.result(),
            detail=detail,
        )


def _join_products(
    raw_products: list[dict[str, Any]], raw_variants: list[dict[str, Any]]
) -> tuple[dict[str, LiveProduct], list[str]]:
    """Attach read-only variants (JSON, with raw) to their products; list those that lag."""
    variants_of: dict[str, list[dict[str, Any]]] = {}
    for raw in raw_variants:
        product_id = (raw.get("productData") or {}).get("productId")
        if product_id:
            variants_of.setdefault(product_id, []).append(raw)
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


IN_FILTER_CHUNK = fetch.IN_CHUNK
# Wix documents no limit on the values of `$in`; the reference calls lists over
# ~100 untested (unconfirmed). Reads by id ask for a page's worth (1,000) at a
# time, so that checking 15,000 items costs 15 reads, not 150; if Wix turned
# out to refuse long lists, this is the one number to lower.
ITEM_ID_CHUNK = 1000
# A read by product id that may run to a second page (the variants or the stock of
# many products) carries its filter in the next page's cursor, and a cursor is at
# most 16,000 characters (wix-api notes; the emulator encodes the filter in it, as
# Wix's opaque cursors plausibly do: unconfirmed). 200 ids of 36 characters keep it
# near 10,500 base64 characters; 1,000 made the read-back of a first apply of
# 10,000 products fail on its second page. 200 products of 5 variants still fill
# a page of variants, so such a read stays at a full read's cost.
PAGED_ID_CHUNK = 200


def read_products(client: WixClient, product_ids: Iterable[str]) -> dict[str, LiveProduct]:
    """Current state of some products (by id), with variants: at a full read's cost.

    Used by apply to verify revisions, to carry live variants along in
    updates and to read back what it wrote. Products are read 100 a call (a
    page); their variants for up to 200 products a query (``PAGED_ID_CHUNK``),
    paged by 1,000, so reading P products of V variants costs about ceil(P/100)
    + ceil(V/1000) calls, what a full read of them costs, when products have 5
    variants or more (fewer: up to ceil(P/200) for the variants). Lagging
    read-only variants fall back to Get Product at once: apply reads products
    it has often just written, where the projection certainly lags.
    """
    ids = sorted(set(product_ids))
    found: dict[str, LiveProduct] = {}
    for group in fetch.chunks(ids, PAGED_ID_CHUNK):
        raw_products: list[dict[str, Any]] = []
        for chunk in fetch.chunks(group, IN_FILTER_CHUNK):
            raw_products += cast(
                list[dict[str, Any]], list(client.products.query({"id": {"$in": chunk}}))
            )
        raw_variants = cast(
            list[dict[str, Any]],
            list(client.variants.query({"productData.productId": {"$in": group}})),
        )
        products, stale = _join_products(raw_products, raw_variants)
        del raw_products, raw_variants
        for product_id in stale:
            fresh = product_from_wix(client.products.get(product_id))
            products[fresh.slug] = fresh
        for product in products.values():
            found[product.id] = product
    return found


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
    """Every inventory item of some products: 200 products a query, paged by 1,000."""
    ids = sorted({p for p in product_ids if p})
    return [
        inventory_item_from_wix(raw)
        for chunk in fetch.chunks(ids, PAGED_ID_CHUNK)
        for raw in client.inventory.query({"productId": {"$in": chunk}})
    ]
