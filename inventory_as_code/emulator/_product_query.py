"""Products V3 reads over many products: query, search, count.

Query and Search never return variants (they are rendered so ``$matchItems``
on ``variantsInfo.variants`` works, then stripped). Each endpoint accepts only
its declared filter and sort fields (products-v3.md), refusing others with
400 "Field '<name>' is not declared as filterable".
"""

from __future__ import annotations

import json
from typing import Any

from inventory_as_code.emulator._bulk import flag
from inventory_as_code.emulator._context import Ctx, Request
from inventory_as_code.emulator._filters import ALL, FieldRules
from inventory_as_code.emulator._inventory_rows import default_items
from inventory_as_code.emulator._paging import (
    PagingRules,
    Table,
    count,
    paging_metadata,
    parse_request,
    run_page,
)
from inventory_as_code.emulator._product_render import render, strip_variants
from inventory_as_code.emulator._util import JsonDict

TABLE = Table(
    "products",
    columns={"createdDate": "created", "updatedDate": "updated", "slug": "slug", "name": "name"},
    pushdown={"id": "id", "slug": "slug", "handle": "handle"},
)
_HAS = frozenset({"$hasAll", "$hasSome"})
_QUERY_FIELDS = FieldRules(
    filterable={
        "options.id": _HAS,
        "id": ALL,
        "handle": ALL,
        "createdDate": ALL,
        "updatedDate": ALL,
        "slug": ALL,
        "visible": ALL,
    },
    sortable=frozenset({"createdDate", "updatedDate", "slug", "visible"}),
)
_SEARCH_SORTABLE = frozenset(
    {
        "createdDate",
        "updatedDate",
        "name",
        "actualPriceRange.minValue.amount",
        "actualPriceRange.maxValue.amount",
        "compareAtPriceRange.minValue.amount",
        "compareAtPriceRange.maxValue.amount",
        "physicalProperties.shippingWeightRange.minValue",
        "physicalProperties.shippingWeightRange.maxValue",
    }
)
_SEARCH_FIELDS = FieldRules(
    filterable={
        **{
            f: frozenset({"$matchItems"})
            for f in (
                "variantsInfo.variants",
                "directCategoriesInfo.categories",
                "allCategoriesInfo.categories",
            )
        },
        **{
            f: _HAS
            for f in (
                "options.id",
                "options.name",
                "options.choicesSettings.choices.choiceId",
                "options.choicesSettings.choices.name",
                "modifiers.id",
                "modifiers.name",
                "modifiers.choicesSettings.choices.choiceId",
                "modifiers.choicesSettings.choices.name",
                "infoSections.id",
                "infoSections.uniqueName",
                "additionalRibbons.id",
                "additionalRibbons.name",
                "tags.publicTags.tagIds",
                "tags.privateTags.tagIds",
            )
        },
        **{
            f: ALL
            for f in (
                "id",
                "handle",
                "slug",
                "visible",
                "visibleInPos",
                "productType",
                "brand.id",
                "brand.name",
                "ribbon.id",
                "ribbon.name",
                "taxGroupId",
                "inventory.availabilityStatus",
                "inventory.preorderStatus",
                "inventory.preorderAvailability",
                "physicalProperties.deliveryProfileId",
                "physicalProperties.fulfillerId",
                "subscriptionDetails.allowOneTimePurchases",
                *_SEARCH_SORTABLE,
            )
        },
    },
    sortable=_SEARCH_SORTABLE,
)
_TEXT = (
    "name",
    "description",
    "variantsInfo.variants.sku",
    "variantsInfo.variants.barcode",
    "physicalProperties.deliveryProfileId",
)
# unconfirmed in the Wix docs: default limit (100 here) and sort (createdDate DESC).
QUERY_RULES = PagingRules(100, 100, 5, (("createdDate", True),), _QUERY_FIELDS)
SEARCH_RULES = PagingRules(100, 100, 10, (("createdDate", True),), _SEARCH_FIELDS, _TEXT)


def _materialize(ctx: Ctx, fields: set[str]) -> Any:
    def materialize(rows: list[Any]) -> list[JsonDict]:
        docs = [json.loads(r["doc"]) for r in rows]
        items = default_items(ctx, [d["id"] for d in docs])
        # Rendered with variants so $matchItems on variantsInfo.variants works;
        # the variants are stripped from the response.
        return [render(d, fields, items) for d in docs]

    return materialize


def h_query(ctx: Ctx, req: Request) -> JsonDict:
    page_req = parse_request(req.body.get("query"), QUERY_RULES, "query")
    page = run_page(ctx.conn, ctx.site_id, TABLE, page_req, _materialize(ctx, set(req.fields)))
    return {
        "products": [strip_variants(d) for d in page.docs],
        "pagingMetadata": paging_metadata(page, QUERY_RULES),
    }


def h_search(ctx: Ctx, req: Request) -> JsonDict:
    # Aggregations are accepted and ignored (no buckets are computed).
    page_req = parse_request(req.body.get("search"), SEARCH_RULES, "search", search=True)
    page = run_page(
        ctx.conn, ctx.site_id, TABLE, page_req, _materialize(ctx, set(req.fields)), _TEXT
    )
    return {
        "products": [strip_variants(d) for d in page.docs],
        "pagingMetadata": paging_metadata(page, SEARCH_RULES),
        "aggregationData": {"results": []},
    }


def h_count(ctx: Ctx, req: Request) -> JsonDict:
    # V3CountProductsRequest.returnNonVisibleProducts (default false): hidden
    # products (visible: false) are counted only when asked. API keys count as
    # admin, so asking never fails with NO_PERMISSION_TO_INCLUDE_NOT_VISIBLE_PRODUCTS.
    spec = {"filter": req.body.get("filter"), "search": req.body.get("search")}
    page_req = parse_request(spec, SEARCH_RULES, "", search=True)
    if not flag(req.body, "returnNonVisibleProducts"):
        page_req.filter = {"$and": [page_req.filter, {"visible": {"$ne": False}}]}
    return {"count": count(ctx.conn, ctx.site_id, TABLE, page_req, _materialize(ctx, set()), _TEXT)}
