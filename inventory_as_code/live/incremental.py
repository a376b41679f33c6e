"""Incremental refresh: the last read's snapshot, brought up to date with what changed since.

Query Products and Query Inventory Items filter on ``updatedDate``
(products-v3.md and inventory-items-v3.md, "filterable and sortable
fields"), so the changes since the last read are a page each on a quiet
store. What a refresh reads:

* stores and business locations, as every plan (2 calls);
* products with ``updatedDate >= since`` (new and changed ones), then for
  those only their variants (Query Variants has no date filter; it is read
  by product id) and all their stock items (removing a variant deletes its
  items, which no date query shows);
* stock items with ``updatedDate >= since``;
* the site's options (customizations, a page), and the products that use an
  option changed since (``options.id $hasSome``): a renamed option or
  recoloured choice changes every product that uses it, and whether Wix
  moves those products' ``updatedDate`` is not documented;
* the number of products and of stock items in the store (Count Products,
  Count Inventory Items): a deletion changes no date, but it makes the
  snapshot plus the changes hold more than the store does.

On an unchanged store that is 7 calls besides the catalog check. ``since``
is the start of the previous read on the server's clock (its HTTP ``Date``),
less :data:`MARGIN` (:data:`LOCAL_MARGIN` when only this machine's clock is
known), so a change made while that read ran is read again.

The refresh is refused, and the caller reads everything, whenever its result
could be wrong: the snapshot is older than :data:`MAX_AGE` since the last
full read, belongs to another site or catalog, or the counts do not add up.
Whether a sale moves an item's ``updatedDate`` is not documented; the
emulator's does, but a scheduled drift check should still read in full
(``plan --refresh full``), which :data:`MAX_AGE` also forces once a day.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from inventory_as_code.live import fetch
from inventory_as_code.live.lagging import settle
from inventory_as_code.live.model import LiveInventoryItem, LiveProduct, LiveStore
from inventory_as_code.live.reader import (
    ItemKey,
    Pager,
    ProgressCallback,
    assemble,
    read_locations,
    read_options,
)
from inventory_as_code.live.records import join_products
from inventory_as_code.live.snapshot import (
    Snapshot,
    SnapshotError,
    drained,
    items_of,
    product_of,
)
from inventory_as_code.wix import WixClient
from inventory_as_code.wix._exceptions import WixAPIError

MAX_AGE = timedelta(hours=24)
# How far before the last read's start the next refresh looks again: for Wix's
# search index to show a change (its lag is not documented: two minutes is
# ample for an eventually consistent index), and the HTTP Date's whole seconds.
MARGIN = timedelta(minutes=2)
# Without the server's Date the start is this machine's time: allow for its clock too.
LOCAL_MARGIN = timedelta(minutes=10)


def wire_time(moment: datetime) -> str:
    """A filter value in Wix's form: ISO-8601 UTC with milliseconds."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def check(snapshot: Snapshot, *, site: str, catalog: str, now: datetime) -> None:
    """SnapshotError unless ``snapshot`` may be refreshed for this site at ``now``."""
    if snapshot.site != site:
        raise SnapshotError("the snapshot belongs to another site")
    if snapshot.catalog != catalog:
        raise SnapshotError(f"the snapshot was taken of a {snapshot.catalog} catalog")
    if snapshot.full_at > now + MARGIN or snapshot.since > now + MARGIN:
        raise SnapshotError("the snapshot is dated in the future (is a clock wrong?)")
    if now - snapshot.full_at > MAX_AGE:
        hours = (now - snapshot.full_at).total_seconds() / 3600
        raise SnapshotError(
            f"the last full read was {hours:.0f} h ago (a full read is due every "
            f"{MAX_AGE.total_seconds() / 3600:.0f} h)"
        )


def refresh(
    client: WixClient,
    snapshot: Snapshot,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    concurrency: int = 4,
) -> tuple[LiveStore, int]:
    """The store now, from ``snapshot`` and the changes since; SnapshotError if it cannot be.

    Also returns how many products and stock items changed (0: the snapshot
    still holds, and need not be written again).
    """
    started = time.monotonic()
    before = client.stats.snapshot()
    pager = Pager(progress, cancel)
    since = {"updatedDate": {"$gte": wire_time(snapshot.since)}}
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="refresh") as pool:
        stores_locations, business_locations = read_locations(client, pool)
        heads_f = pool.submit(pager.heads, fetch.product_pages(client, since))
        items_f = pool.submit(pager.items, fetch.item_pages(client, since))
        options_f = pool.submit(read_options, client)
        product_count = pool.submit(fetch.count_products, client)
        item_count = pool.submit(_count_items, client)
        heads = heads_f.result()
        touched = [o.id for o in options_f.result() if _since(o.updated, snapshot.since)]
        if touched:
            known = {head.id for head in heads}
            users = pager.heads(
                page
                for chunk in fetch.chunks(sorted(touched))
                for page in fetch.product_pages(client, {"options.id": {"$hasSome": chunk}})
            )
            heads += [head for head in users if head.id not in known]
        changed = sorted({head.id for head in heads})
        rows = pool.submit(
            lambda: pager.rows(
                page
                for chunk in fetch.chunks(changed)
                for page in fetch.variant_pages(client, {"productData.productId": {"$in": chunk}})
            )
        )
        their_items = pool.submit(_items_of_products, pager, client, changed)
        fresh, stale = join_products(heads, rows.result())
        fresh_by_id = {p.id: p for p in fresh.values()}
        settled, fallbacks = settle(client, pool, stale, report=pager.report)
        fresh_by_id.update({p.id: p for p in settled})
        products = _products(snapshot, fresh_by_id)
        inventory = _inventory(snapshot, set(changed), their_items.result(), items_f.result())
        _check_counts(products, inventory, product_count.result(), item_count.result())
        live = assemble(
            client,
            before=before,
            started=started,
            locations=stores_locations.result(),
            business=business_locations.result(),
            products={p.slug: p for p in products.values()},
            inventory=inventory,
            fallbacks=fallbacks,
            options=options_f.result(),
            mode="incremental",
            detail=f"snapshot refreshed: {len(changed)} product(s) and "
            f"{len(items_f.result())} stock item(s) changed since the last read",
        )
        return live, len(changed) + len(items_f.result())


def _since(stamp: str, since: datetime) -> bool:
    """Whether a Wix timestamp is at or after ``since`` (an unreadable one counts as changed)."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")) >= since
    except ValueError:
        return True


def _count_items(client: WixClient) -> int | None:
    try:
        return fetch.count_items(client)
    except WixAPIError as exc:
        # The count is internal in Wix's SDK (unconfirmed for third parties): without it a
        # deletion of a stock item could go unseen, so the snapshot cannot be trusted.
        raise SnapshotError(
            f"Wix did not count the stock items (HTTP {exc.status}), which the deletion check needs"
        ) from None


def _items_of_products(
    pager: Pager, client: WixClient, product_ids: Collection[str]
) -> dict[ItemKey, LiveInventoryItem]:
    return pager.items(
        page
        for chunk in fetch.chunks(sorted(product_ids))
        for page in fetch.item_pages(client, {"productId": {"$in": chunk}})
    )


def _products(snapshot: Snapshot, fresh: dict[str, LiveProduct]) -> dict[str, LiveProduct]:
    products = {
        row.id: product_of(row) for row in drained(snapshot.products) if row.id not in fresh
    }
    products.update(fresh)
    slugs = [p.slug for p in products.values()]
    if len(set(slugs)) != len(slugs):
        raise SnapshotError("two products of the refreshed snapshot share a slug")
    return products


def _inventory(
    snapshot: Snapshot,
    changed: set[str],
    of_changed: dict[ItemKey, LiveInventoryItem],
    updated: dict[ItemKey, LiveInventoryItem],
) -> dict[ItemKey, LiveInventoryItem]:
    """Snapshot items, those of changed products replaced whole, updated items on top."""
    inventory: dict[ItemKey, LiveInventoryItem] = {}
    for item in items_of(snapshot):
        if item.product_id not in changed:
            inventory[(item.product_id, item.variant_id, item.location_id)] = item
    by_id = {item.id: key for key, item in inventory.items()}
    for key, item in [*of_changed.items(), *updated.items()]:
        old_key = by_id.get(item.id)
        if old_key is not None and old_key != key:
            del inventory[old_key]  # an item never moves in Wix; if it did, the new place wins
        inventory[key] = item
        by_id[item.id] = key
    return inventory


def _check_counts(
    products: dict[str, LiveProduct],
    inventory: dict[ItemKey, LiveInventoryItem],
    product_count: int | None,
    item_count: int | None,
) -> None:
    if product_count != len(products):
        raise SnapshotError(
            f"products do not add up (the store counts {product_count}, the snapshot with "
            f"the changes holds {len(products)}): some were deleted"
        )
    if item_count != len(inventory):
        raise SnapshotError(
            f"stock items do not add up (the store counts {item_count}, the snapshot with "
            f"the changes holds {len(inventory)}): some were deleted"
        )
