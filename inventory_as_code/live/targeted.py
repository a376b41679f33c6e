"""Reading only some products of the store: ``--target`` and ``--changed-since`` plans.

A plan of one product should not read 10,000. Given the slugs to plan and
the SKUs their YAML gives, this reads:

* every stores location and Wix business location (1 + 1 calls: locations
  are few, and every stock entry names one);
* the products with those slugs (Query Products, ``slug $in``), then their
  variants (Query Variants by product id, the filter that API is meant for)
  and their stock items (``productId $in``), 100 products a call;
* the owners of the SKUs the YAML gives them that they do not hold yet
  (Search Variants, ``sku $in``): a SKU is unique in the whole store, and the
  planner refuses a new SKU another product holds, so any other product
  holding one is read too, with all its variants (not its stock: no change
  of it is planned). A SKU a selected product already holds has no other
  owner, so a plan that changes prices or stock searches nothing.

For one product that is 5 calls besides the catalog check, in three rounds,
whatever the size of the store. Lagging read-only variants fall back to Get
Product as in the whole-store read. ``LiveStore.scope`` records what was
covered.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from inventory_as_code.live import fetch
from inventory_as_code.live.model import LiveInventoryItem, LiveStore, ReadScope
from inventory_as_code.live.reader import (
    ItemKey,
    Pager,
    ProgressCallback,
    assemble,
    consistent_products,
    read_locations,
)
from inventory_as_code.live.records import ProductHead, VariantRow, join_products
from inventory_as_code.wix import WixClient


def _chunked(values: Collection[str], read: Any) -> Iterator[Any]:
    for chunk in fetch.chunks(sorted(values)):
        yield from read(chunk)


def read_products_and_stock(
    client: WixClient,
    *,
    slugs: Collection[str],
    skus: Collection[str] = (),
    progress: ProgressCallback | None = None,
    concurrency: int = 4,
    detail: str = "",
) -> LiveStore:
    """The store as far as the products ``slugs`` (and the owners of ``skus``) go."""
    started = time.monotonic()
    before = client.stats.snapshot()
    pager = Pager(progress, None)

    def heads(filter_of: Any, values: Collection[str]) -> list[ProductHead]:
        return pager.heads(_chunked(values, lambda c: fetch.product_pages(client, filter_of(c))))

    def rows(field: str, values: Collection[str], search: bool) -> dict[str, list[VariantRow]]:
        return pager.rows(
            _chunked(
                values,
                lambda c: fetch.variant_pages(client, {field: {"$in": c}}, search=search),
            )
        )

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="read") as pool:
        stores_locations, business_locations = read_locations(client, pool)
        targeted = heads(lambda c: {"slug": {"$in": c}}, slugs)
        ids = {head.id for head in targeted}
        items = pool.submit(_items, pager, client, ids)
        rows_of = rows("productData.productId", ids, False)
        held = {row.sku for product_rows in rows_of.values() for row in product_rows}
        new_skus = set(skus) - held
        owners = sorted(set(rows("sku", new_skus, True)) - ids) if new_skus else []
        if owners:
            targeted += heads(lambda c: {"id": {"$in": c}}, owners)
            rows_of.update(rows("productData.productId", owners, False))
        products, stale = join_products(targeted, rows_of)
        for product in consistent_products(client, pool, stale):
            products[product.slug] = product
        return assemble(
            client,
            before=before,
            started=started,
            locations=stores_locations.result(),
            business=business_locations.result(),
            products=products,
            inventory=items.result(),
            fallbacks=len(stale),
            mode="targeted",
            detail=detail,
            scope=ReadScope(slugs=frozenset(slugs), stock_of=frozenset(ids)),
        )


def _items(
    pager: Pager, client: WixClient, product_ids: Collection[str]
) -> dict[ItemKey, LiveInventoryItem]:
    return pager.items(
        _chunked(product_ids, lambda c: fetch.item_pages(client, {"productId": {"$in": c}}))
    )
