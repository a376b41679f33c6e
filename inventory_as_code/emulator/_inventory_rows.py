"""Inventory rows as other entities see them: by variant, by product, on product changes."""

from __future__ import annotations

import json

from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._inventory_model import snapshot
from inventory_as_code.emulator._stores_locations import default_location_id
from inventory_as_code.emulator._util import JsonDict, dumps


def item_at(ctx: Ctx, variant_id: str, location_id: str) -> JsonDict | None:
    row = ctx.conn.execute(
        "SELECT doc FROM inventory WHERE site_id = ? AND variant_id = ? AND location_id = ?",
        (ctx.site_id, variant_id, location_id),
    ).fetchone()
    return None if row is None else json.loads(row["doc"])


def refresh_snapshots(ctx: Ctx, product: JsonDict) -> None:
    """Rewrite the ``product`` snapshot of a product's items after it changed."""
    variants = {v["id"]: v for v in (product.get("variantsInfo") or {}).get("variants") or []}
    rows = ctx.conn.execute(
        "SELECT doc FROM inventory WHERE site_id = ? AND product_id = ?",
        (ctx.site_id, product["id"]),
    ).fetchall()
    updates = []
    for row in rows:
        doc = json.loads(row["doc"])
        variant = variants.get(doc["variantId"])
        if variant is None:
            continue
        snap = snapshot(product, variant)
        if snap != doc.get("product"):
            # A read-only projection changed, not the item: revision stays.
            doc["product"] = snap
            updates.append((dumps(doc), ctx.site_id, doc["id"]))
    ctx.conn.executemany("UPDATE inventory SET doc = ? WHERE site_id = ? AND id = ?", updates)


def delete_items(ctx: Ctx, product_id: str, variant_ids: list[str] | None = None) -> None:
    if variant_ids is None:
        ctx.conn.execute(
            "DELETE FROM inventory WHERE site_id = ? AND product_id = ?", (ctx.site_id, product_id)
        )
        return
    ctx.conn.executemany(
        "DELETE FROM inventory WHERE site_id = ? AND variant_id = ?",
        [(ctx.site_id, v) for v in variant_ids],
    )


def default_items(ctx: Ctx, product_ids: list[str]) -> dict[str, JsonDict]:
    """Default-location items of some products, by variant id."""
    location_id = default_location_id(ctx)
    out: dict[str, JsonDict] = {}
    if location_id is None or not product_ids:
        return out
    for start in range(0, len(product_ids), 500):
        chunk = product_ids[start : start + 500]
        # "+location_id": keep SQLite on the product index (a location holds
        # every item of the store; a product only a handful).
        rows = ctx.conn.execute(
            f"SELECT doc FROM inventory WHERE site_id = ? AND +location_id = ? AND product_id IN ({','.join('?' * len(chunk))})",  # noqa: E501
            (ctx.site_id, location_id, *chunk),
        )
        for row in rows:
            doc = json.loads(row["doc"])
            out[doc["variantId"]] = doc
    return out
