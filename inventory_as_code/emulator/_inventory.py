"""Inventory Items V3 route handlers (inventory-items and bulk/inventory-items paths)."""

from __future__ import annotations

import json
from typing import Any

from inventory_as_code.emulator._bulk import flag, items_of, run_bulk
from inventory_as_code.emulator._context import Ctx, Request
from inventory_as_code.emulator._errors import required
from inventory_as_code.emulator._filters import ALL, FieldRules
from inventory_as_code.emulator._inventory_model import (
    check_reason,
    create_item,
    load_item,
    update_item,
    validate_new,
)
from inventory_as_code.emulator._paging import (
    PagingRules,
    Table,
    count,
    paging_metadata,
    parse_request,
    run_page,
)
from inventory_as_code.emulator._util import JsonDict, as_dict

_TEXT_FIELDS = (
    "product.name",
    "product.variantName",
    "product.variantSku",
    "product.variantBarcode",
)
_SORTABLE = frozenset(
    {
        "product.directCategoryIds",
        "createdDate",
        "updatedDate",
        "availabilityStatus",
        "inStock",
        "trackQuantity",
        "preorderInfo.enabled",
        "quantity",
        "productId",
        "product.brand.id",
        *_TEXT_FIELDS,
    }
)
_FIELDS = FieldRules(
    filterable={
        "id": ALL,
        "locationId": ALL,
        "variantId": ALL,
        "product.directCategoryIds": frozenset({"$hasAll", "$hasSome"}),
        **{f: ALL for f in _SORTABLE if f != "product.directCategoryIds"},
    },
    sortable=_SORTABLE,
)
# unconfirmed in the Wix docs: Query's default limit and sort; the emulator
# uses Search's documented defaults (100, createdDate DESC). Query's public
# pagingMetadata type has no hasNext, so Query omits it.
QUERY_RULES = PagingRules(
    1000, 100, 10, (("createdDate", True),), _FIELDS, _TEXT_FIELDS, has_next=False
)
SEARCH_RULES = PagingRules(1000, 100, 10, (("createdDate", True),), _FIELDS, _TEXT_FIELDS)
TABLE = Table(
    "inventory",
    columns={"productId": "product_id", "createdDate": "created", "updatedDate": "updated"},
    pushdown={
        "id": "id",
        "productId": "product_id",
        "variantId": "variant_id",
        "locationId": "location_id",
    },
)


def _docs(rows: list[Any]) -> list[JsonDict]:
    return [json.loads(r["doc"]) for r in rows]


def h_create(ctx: Ctx, req: Request) -> JsonDict:
    check_reason(req.body)
    if "inventoryItem" not in req.body:
        raise required("inventoryItem")
    item = validate_new(req.body["inventoryItem"], "inventoryItem")
    return {"inventoryItem": create_item(ctx, item, "inventoryItem")}


def h_bulk_create(ctx: Ctx, req: Request) -> JsonDict:
    items = items_of(req.body, "inventoryItems", 1000)

    def one(i: int, item: Any) -> tuple[str, JsonDict]:
        where = f"inventoryItems[{i}]"
        doc = create_item(ctx, validate_new(item, where), where)
        return doc["id"], doc

    return run_bulk(ctx, items, one, return_entity=flag(req.body, "returnEntity"))


def h_get(ctx: Ctx, req: Request) -> JsonDict:
    return {"inventoryItem": load_item(ctx, req.params["id"])}


def h_update(ctx: Ctx, req: Request) -> JsonDict:
    check_reason(req.body)
    if "inventoryItem" not in req.body:
        raise required("inventoryItem")
    return {
        "inventoryItem": update_item(
            ctx, req.body["inventoryItem"], "inventoryItem", req.params["id"]
        )
    }


def _wrapped_id(entry: Any) -> str | None:
    if isinstance(entry, dict) and isinstance(entry.get("inventoryItem"), dict):
        value = entry["inventoryItem"].get("id")
        return str(value) if value else None
    return None


def h_bulk_update(ctx: Ctx, req: Request) -> JsonDict:
    check_reason(req.body)
    entries = items_of(req.body, "inventoryItems", 1000)

    def one(i: int, entry: Any) -> tuple[str, JsonDict]:
        where = f"inventoryItems[{i}]"
        entry = as_dict(entry, where)
        if "inventoryItem" not in entry:
            raise required(f"{where}.inventoryItem")
        doc = update_item(ctx, entry["inventoryItem"], f"{where}.inventoryItem", bulk=True)
        return doc["id"], doc

    return run_bulk(
        ctx, entries, one, return_entity=flag(req.body, "returnEntity"), id_of=_wrapped_id
    )


def h_delete(ctx: Ctx, req: Request) -> JsonDict:
    load_item(ctx, req.params["id"])
    ctx.conn.execute(
        "DELETE FROM inventory WHERE site_id = ? AND id = ?", (ctx.site_id, req.params["id"])
    )
    return {}


def h_bulk_delete(ctx: Ctx, req: Request) -> JsonDict:
    ids = items_of(req.body, "inventoryItemIds", 1000)

    def one(_i: int, item_id: Any) -> tuple[str, None]:
        load_item(ctx, str(item_id))
        ctx.conn.execute(
            "DELETE FROM inventory WHERE site_id = ? AND id = ?", (ctx.site_id, str(item_id))
        )
        return str(item_id), None

    return run_bulk(ctx, ids, one, return_entity=False, id_of=lambda x: str(x))


def h_query(ctx: Ctx, req: Request) -> JsonDict:
    page_req = parse_request(req.body.get("query"), QUERY_RULES, "query")
    page = run_page(ctx.conn, ctx.site_id, TABLE, page_req, _docs, _TEXT_FIELDS)
    return {"inventoryItems": page.docs, "pagingMetadata": paging_metadata(page, QUERY_RULES)}


def h_search(ctx: Ctx, req: Request) -> JsonDict:
    # Aggregations are accepted and ignored: the emulator returns no buckets.
    page_req = parse_request(req.body.get("search"), SEARCH_RULES, "search", search=True)
    page = run_page(ctx.conn, ctx.site_id, TABLE, page_req, _docs, _TEXT_FIELDS)
    return {
        "inventoryItems": page.docs,
        "pagingMetadata": paging_metadata(page, SEARCH_RULES),
        "aggregationData": {"results": []},
    }


def h_count(ctx: Ctx, req: Request) -> JsonDict:
    spec = {"filter": req.body.get("filter"), "search": req.body.get("search")}
    page_req = parse_request(spec, SEARCH_RULES, "", search=True)
    return {"count": count(ctx.conn, ctx.site_id, TABLE, page_req, _docs, _TEXT_FIELDS)}
