"""Read-Only Variants V3: a lagging projection of product variants.

Each product change enqueues a snapshot of its variants (or a deletion) due
``variants_lag`` seconds later; reads first apply every due snapshot in order.
With no lag (the default) the projection is written at once. So during the lag
the view shows the previous state of a product, or nothing for a new one, as
the Wix docs describe ("eventually consistent"). ``inventoryStatus`` is read
from the current default-location items at read time (unconfirmed in the Wix
docs whether it lags too).

Rows are keyed ``seq = product_seq * 1000 + variant_index`` (a product has at
most 1000 variants), so the default order is product creation order, then
variant order, and stays stable when a product is re-projected.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from inventory_as_code.emulator._catalog import choice_names, variants_of
from inventory_as_code.emulator._context import Ctx, Request
from inventory_as_code.emulator._filters import ALL, FieldRules
from inventory_as_code.emulator._inventory_rows import default_items
from inventory_as_code.emulator._paging import (
    PagingRules,
    Table,
    paging_metadata,
    parse_request,
    run_page,
)
from inventory_as_code.emulator._util import JsonDict, dumps

# Declared filter/sort fields (SDK ReadOnlyVariantQuerySpec / SearchSpec, REST
# names: `_id` is `id`, `productData._updatedDate` is `productData.updatedDate`);
# anything else is refused the way Products refuse it.
_QUERY_FIELDS = ("id", "productData.productId", "variantId")
_SEARCH_FIELDS = (
    "barcode",
    "inventoryStatus.inStock",
    "inventoryStatus.preorderEnabled",
    "price.actualPrice.amount",
    "price.compareAtPrice.amount",
    "productData.updatedDate",
    "productData.brand.id",
    "productData.handle",
    "productData.name",
    "productData.physicalProperties.fulfillerId",
    "productData.productId",
    "productData.productType",
    "productData.slug",
    "productData.visible",
    "productData.visibleInPos",
    "sku",
    "variantId",
    "visible",
)
_CHOICE_IDS = (
    "optionChoices.optionChoiceIds.choiceId",
    "optionChoices.optionChoiceIds.optionId",
)
# unconfirmed in the Wix docs: default limit (100) and sort (product creation order).
QUERY_RULES = PagingRules(
    1000,
    100,
    5,
    (),
    FieldRules(dict.fromkeys(_QUERY_FIELDS, ALL), frozenset(_QUERY_FIELDS)),
)
SEARCH_RULES = PagingRules(
    1000,
    100,
    10,
    (),
    FieldRules(
        {
            "id": ALL,
            **dict.fromkeys(_CHOICE_IDS, frozenset({"$hasAll", "$hasSome"})),
            **dict.fromkeys(_SEARCH_FIELDS, ALL),
        },
        frozenset(_SEARCH_FIELDS + _CHOICE_IDS),
    ),
    ("productData.name", "sku"),
)
TABLE = Table(
    "ro_variants",
    pushdown={"variantId": "variant_id", "productData.productId": "product_id", "id": "variant_id"},
)


def project_docs(product: JsonDict) -> list[JsonDict]:
    data: JsonDict = {
        "productId": product["id"],
        "name": product["name"],
        "productType": product["productType"],
        "slug": product["slug"],
        "visible": product.get("visible", True),
        "visibleInPos": product.get("visibleInPos", True),
        "revision": product["revision"],
        "handle": product["handle"],
    }
    if product.get("mainCategoryId"):
        data["mainCategoryId"] = product["mainCategoryId"]
    if product.get("physicalProperties"):
        data["physicalProperties"] = product["physicalProperties"]
    out = []
    for variant in variants_of(product):
        doc: JsonDict = {
            "variantId": variant["id"],
            "id": variant["id"],
            "visible": variant.get("visible", True),
        }
        for key in ("sku", "barcode"):
            if variant.get(key):
                doc[key] = variant[key]
        doc["optionChoices"] = [
            {"optionChoiceIds": c["optionChoiceIds"], "optionChoiceNames": n}
            for c, n in zip(variant.get("choices", []), choice_names(product, variant), strict=True)
        ]
        doc["price"] = variant["price"]
        for key in ("physicalProperties", "digitalProperties"):
            if key in variant:
                doc[key] = variant[key]
        doc["productData"] = data
        out.append(doc)
    return out


def _write(ctx: Ctx, product_id: str, product_seq: int, docs: list[JsonDict] | None) -> None:
    ctx.conn.execute(
        "DELETE FROM ro_variants WHERE site_id = ? AND product_id = ?", (ctx.site_id, product_id)
    )
    if docs:
        ctx.conn.executemany(
            "INSERT INTO ro_variants (seq, site_id, product_id, variant_id, doc)"
            " VALUES (?,?,?,?,?)",
            [
                (product_seq * 1000 + i, ctx.site_id, product_id, d["variantId"], dumps(d))
                for i, d in enumerate(docs)
            ],
        )


def project(ctx: Ctx, product_id: str, product_seq: int, product: JsonDict | None) -> None:
    """Record a product change (None = deleted) in the read-only variants view."""
    docs = project_docs(product) if product is not None else None
    pending = ctx.conn.execute(
        "SELECT 1 FROM ro_pending WHERE site_id = ? AND product_id = ?", (ctx.site_id, product_id)
    ).fetchone()
    if ctx.variants_lag <= 0 and pending is None:
        _write(ctx, product_id, product_seq, docs)
        return
    due = (ctx.now + timedelta(seconds=max(ctx.variants_lag, 0))).timestamp()
    ctx.conn.execute(
        "INSERT INTO ro_pending (site_id, product_id, product_seq, due, snapshot)"
        " VALUES (?,?,?,?,?)",
        (ctx.site_id, product_id, product_seq, due, None if docs is None else dumps(docs)),
    )


def flush(ctx: Ctx) -> None:
    rows = ctx.conn.execute(
        "SELECT seq, product_id, product_seq, snapshot FROM ro_pending"
        " WHERE site_id = ? AND due <= ? ORDER BY seq",
        (ctx.site_id, ctx.now.timestamp()),
    ).fetchall()
    for row in rows:
        docs = None if row["snapshot"] is None else json.loads(row["snapshot"])
        _write(ctx, row["product_id"], row["product_seq"], docs)
        ctx.conn.execute("DELETE FROM ro_pending WHERE seq = ?", (row["seq"],))


def _materialize(ctx: Ctx) -> Any:
    def materialize(rows: list[Any]) -> list[JsonDict]:
        docs = [json.loads(r["doc"]) for r in rows]
        items = default_items(ctx, sorted({d["productData"]["productId"] for d in docs}))
        for doc in docs:
            item = items.get(doc["variantId"])
            status = {
                "inStock": bool(item and item.get("availabilityStatus") == "IN_STOCK"),
                "preorderEnabled": bool(item and item.get("preorderInfo", {}).get("enabled")),
            }
            # Keep the documented field order: inventoryStatus before productData.
            data = doc.pop("productData")
            doc["inventoryStatus"] = status
            doc["productData"] = data
        return docs

    return materialize


def _page(ctx: Ctx, req: Request, key: str, search: bool) -> JsonDict:
    flush(ctx)
    rules = SEARCH_RULES if search else QUERY_RULES
    page_req = parse_request(req.body.get(key), rules, key, search=search)
    page = run_page(ctx.conn, ctx.site_id, TABLE, page_req, _materialize(ctx), rules.text_fields)
    return {"variants": page.docs, "pagingMetadata": paging_metadata(page, rules)}


def h_query_variants(ctx: Ctx, req: Request) -> JsonDict:
    return _page(ctx, req, "query", search=False)


def h_search_variants(ctx: Ctx, req: Request) -> JsonDict:
    return _page(ctx, req, "search", search=True)
