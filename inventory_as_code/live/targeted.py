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
  owner, so a plan that changes prices or stock searches nothing;
* the site's options (customizations, 100 a call), and for an option the
  YAML changes (a rename, a new choice, a colour), the products that use it
  (Query Products, ``options.id $hasSome``, 100 a call): a change of a shared
  option reaches all of them, and the plan lists them.

For one product that is 6 calls besides the catalog check, in three rounds,
whatever the size of the store. Lagging read-only variants are settled as in
the whole-store read (:mod:`.lagging`). ``LiveStore.scope`` records what was
covered.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

from inventory_as_code.live import fetch
from inventory_as_code.live.lagging import settle
from inventory_as_code.live.model import (
    LiveCustomization,
    LiveInventoryItem,
    LiveStore,
    ReadScope,
)
from inventory_as_code.live.reader import (
    ItemKey,
    Pager,
    ProgressCallback,
    assemble,
    read_locations,
    read_options,
)
from inventory_as_code.live.records import ProductHead, VariantRow, join_products
from inventory_as_code.wix import WixClient


def _chunked(values: Collection[str], read: Any) -> Iterator[Any]:
    for chunk in fetch.chunks(sorted(values)):
        yield from read(chunk)


class TargetedRead:
    """A narrowed read in two steps: the slugs at once, then what only the YAML can say.

    The slugs are known before the YAML is loaded (from ``--target`` or from
    git), so their products, variants and stock are read while it loads; once
    it has, :meth:`finish` reads the live slugs of renamed products (``moved:``)
    and the owners of new SKUs, and returns the store.
    """

    def __init__(
        self,
        client: WixClient,
        slugs: Collection[str],
        *,
        progress: ProgressCallback | None = None,
        concurrency: int = 4,
    ) -> None:
        self.client = client
        self.started = time.monotonic()
        self.before = client.stats.snapshot()
        self.pager = Pager(progress, None)
        self.slugs = set(slugs)
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="read")
        self.locations = read_locations(client, self.pool)
        self.options = self.pool.submit(read_options, client)
        self.first = self.pool.submit(self._products_of_slugs, self.slugs)

    def site_options(self) -> list[LiveCustomization]:
        """The site's options (waits for their read)."""
        return self.options.result()

    def close(self) -> None:
        """Stop (the pages in flight finish); the read is not used."""
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _heads(self, filter_of: Any, values: Collection[str]) -> list[ProductHead]:
        pages = _chunked(values, lambda c: fetch.product_pages(self.client, filter_of(c)))
        return self.pager.heads(pages)

    def _rows(
        self, field: str, values: Collection[str], search: bool = False
    ) -> dict[str, list[VariantRow]]:
        return self.pager.rows(
            _chunked(
                values,
                lambda c: fetch.variant_pages(self.client, {field: {"$in": c}}, search=search),
            )
        )

    def _products_of_slugs(self, slugs: Collection[str]) -> _Round:
        heads = self._heads(lambda c: {"slug": {"$in": c}}, slugs)
        ids = {head.id for head in heads}
        items = self.pool.submit(_items, self.pager, self.client, ids)
        rows = self._rows("productData.productId", ids)
        return _Round(heads, rows, items.result())

    def finish(
        self,
        *,
        slugs: Collection[str] = (),
        skus: Collection[str] = (),
        option_ids: Collection[str] = (),
        detail: str = "",
    ) -> LiveStore:
        """The store as far as these products (the first ones and ``slugs``) go.

        ``option_ids``: options whose users are read too (by slug and id only).
        """
        try:
            first = self.first.result()
            more = set(slugs) - self.slugs
            if more:
                extra = self._products_of_slugs(more)
                first = _Round(
                    [*first.heads, *extra.heads],
                    {**first.rows, **extra.rows},
                    {**first.items, **extra.items},
                )
            heads, rows_of = list(first.heads), dict(first.rows)
            ids = {head.id for head in heads}
            held = {row.sku for product_rows in rows_of.values() for row in product_rows}
            new_skus = set(skus) - held
            owners = sorted(set(self._rows("sku", new_skus, True)) - ids) if new_skus else []
            if owners:
                heads += self._heads(lambda c: {"id": {"$in": c}}, owners)
                rows_of.update(self._rows("productData.productId", owners))
            products, stale = join_products(heads, rows_of)
            settled, fallbacks = settle(self.client, self.pool, stale, report=self.pager.report)
            products.update((product.slug, product) for product in settled)
            users = self._option_users(option_ids)
            stores_locations, business_locations = self.locations
            return assemble(
                self.client,
                before=self.before,
                started=self.started,
                locations=stores_locations.result(),
                business=business_locations.result(),
                products=products,
                inventory=first.items,
                fallbacks=fallbacks,
                options=self.options.result(),
                option_users=users,
                mode="targeted",
                detail=detail,
                scope=ReadScope(slugs=frozenset(self.slugs | more), stock_of=frozenset(ids)),
            )
        finally:
            self.pool.shutdown(wait=True)

    def _option_users(self, option_ids: Collection[str]) -> dict[str, dict[str, str]]:
        """Option id -> {slug: product id} of every product that uses it."""
        wanted = set(option_ids)
        users: dict[str, dict[str, str]] = {option_id: {} for option_id in wanted}
        for head in self._heads(lambda c: {"options.id": {"$hasSome": c}}, wanted):
            for option in head.options:
                if option.id in wanted:
                    users[str(option.id)][head.slug] = head.id
        return users


class _Round(NamedTuple):
    heads: list[ProductHead]
    rows: dict[str, list[VariantRow]]
    items: dict[ItemKey, LiveInventoryItem]


def read_products_and_stock(
    client: WixClient,
    *,
    slugs: Collection[str],
    skus: Collection[str] = (),
    option_ids: Collection[str] = (),
    progress: ProgressCallback | None = None,
    concurrency: int = 4,
    detail: str = "",
) -> LiveStore:
    """The store as far as the products ``slugs`` (and the owners of ``skus``) go."""
    reading = TargetedRead(client, slugs, progress=progress, concurrency=concurrency)
    return reading.finish(skus=skus, option_ids=option_ids, detail=detail)


def _items(
    pager: Pager, client: WixClient, product_ids: Collection[str]
) -> dict[ItemKey, LiveInventoryItem]:
    return pager.items(
        _chunked(product_ids, lambda c: fetch.item_pages(client, {"productId": {"$in": c}}))
    )
