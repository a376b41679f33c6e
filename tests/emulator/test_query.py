"""Query language, cursor paging and the GET forms of query endpoints."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from inventory_as_code.emulator import Emulator

from .conftest import SITE, ok


def _seed(emu: Emulator, products: int, sizes: int = 5, locations: int = 1) -> None:
    names = ["Online store"] + [f"Warehouse {i}" for i in range(1, locations)]
    doc: dict[str, Any] = {
        "siteId": SITE,
        "locations": [{"name": n} for n in names[1:]],
        "products": [
            {
                "name": f"Product {i:05d}",
                "productType": "PHYSICAL",
                "physicalProperties": {},
                "options": [
                    {
                        "name": "Size",
                        "optionRenderType": "TEXT_CHOICES",
                        "choicesSettings": {
                            "choices": [
                                {"choiceType": "CHOICE_TEXT", "name": f"S{j}"} for j in range(sizes)
                            ]
                        },
                    }
                ],
                "variantsInfo": {
                    "variants": [
                        {
                            "sku": f"P{i}-S{j}",
                            "price": {"actualPrice": {"amount": f"{j + 1}.00"}},
                            "choices": [
                                {
                                    "optionChoiceNames": {
                                        "optionName": "Size",
                                        "choiceName": f"S{j}",
                                        "renderType": "TEXT_CHOICES",
                                    }
                                }
                            ],
                            "inventoryItems": [
                                {"location": n, "quantity": (i + j) % 7} for n in names
                            ],
                        }
                        for j in range(sizes)
                    ]
                },
            }
            for i in range(products)
        ],
    }
    summary = emu.seed(doc)
    assert summary["inventoryItems"] == products * sizes * locations


def _all_pages(
    client: httpx.Client, path: str, first: dict[str, Any], key: str, entity: str
) -> list[list[Any]]:
    pages = []
    body = first
    while True:
        res = ok(client.post(path, json=body))
        pages.append(res[entity])
        nxt = res["pagingMetadata"]["cursors"].get("next")
        if not nxt:
            return pages
        body = {
            key: {"cursorPaging": {"cursor": nxt, "limit": first[key]["cursorPaging"]["limit"]}}
        }


def test_2500_items_in_exactly_three_pages(emu: Emulator, client: httpx.Client) -> None:
    _seed(emu, 500)
    first = {"query": {"cursorPaging": {"limit": 1000}}}
    pages = _all_pages(client, "/stores/v3/inventory-items/query", first, "query", "inventoryItems")
    assert [len(p) for p in pages] == [1000, 1000, 500]
    ids = [i["id"] for p in pages for i in p]
    assert len(ids) == len(set(ids)) == 2500
    # Default order is createdDate DESC.
    created = [i["createdDate"] for p in pages for i in p]
    assert created == sorted(created, reverse=True)
    r = client.post(
        "/stores/v3/inventory-items/query", json={"query": {"cursorPaging": {"limit": 1001}}}
    )
    assert r.status_code == 400


def test_filters_sort_and_paging_with_sort(emu: Emulator, client: httpx.Client) -> None:
    _seed(emu, 30, sizes=2)
    items = ok(
        client.post(
            "/stores/v3/inventory-items/query", json={"query": {"cursorPaging": {"limit": 1000}}}
        )
    )["inventoryItems"]
    pids = sorted({i["productId"] for i in items})[:3]
    q = {
        "query": {
            "filter": {"productId": {"$in": pids}, "quantity": {"$gte": 2}},
            "sort": [
                {"fieldName": "productId", "order": "ASC"},
                {"fieldName": "quantity", "order": "DESC"},
            ],
            "cursorPaging": {"limit": 2},
        }
    }
    pages = _all_pages(client, "/stores/v3/inventory-items/query", q, "query", "inventoryItems")
    got = [i for p in pages for i in p]
    expected = sorted(
        [i for i in items if i["productId"] in pids and i["quantity"] >= 2],
        key=lambda i: (i["productId"], -i["quantity"]),
    )
    assert [(i["productId"], i["quantity"]) for i in got] == [
        (i["productId"], i["quantity"]) for i in expected
    ]
    assert len({i["id"] for i in got}) == len(got)

    def count(flt: dict[str, Any]) -> int:
        return int(
            ok(client.post("/stores/v3/inventory-items/count", json={"filter": flt}))["count"]
        )

    assert count({}) == 60
    assert count({"product.variantSku": {"$startsWith": "p1-"}}) == sum(
        i["product"]["variantSku"].startswith("P1-") for i in items
    )
    assert count({"$or": [{"quantity": 0}, {"quantity": 6}]}) == sum(
        i["quantity"] in (0, 6) for i in items
    )
    assert count({"$not": {"availabilityStatus": "IN_STOCK"}}) == sum(
        i["quantity"] <= 0 for i in items
    )
    assert count({"product.variantName": {"$in": ["S0"]}, "trackQuantity": True}) == 30
    assert count({"preorderInfo.enabled": {"$ne": True}}) == 60
    assert count({"product.directCategoryIds": {"$hasSome": ["c1"]}}) == 0
    bad = client.post(
        "/stores/v3/inventory-items/count",
        json={"filter": {"product.directCategoryIds": {"$isEmpty": True}}},
    )
    assert bad.status_code == 400 and "not allowed" in bad.text
    assert count({"createdDate": {"$gt": "2000-01-01T00:00:00Z"}}) == 60
    assert count({"inStock": {"$exists": False}}) == 60
    # Sort on a field without an index column (Python path) pages correctly too.
    q = {
        "query": {
            "sort": [{"fieldName": "product.variantSku", "order": "DESC"}],
            "cursorPaging": {"limit": 7},
        }
    }
    pages = _all_pages(client, "/stores/v3/inventory-items/query", q, "query", "inventoryItems")
    skus = [i["product"]["variantSku"] for p in pages for i in p]
    assert skus == sorted((i["product"]["variantSku"] for i in items), reverse=True)
    r = client.post(
        "/stores/v3/inventory-items/query", json={"query": {"filter": {"revision": "1"}}}
    )
    assert r.status_code == 400
    r = client.post(
        "/stores/v3/inventory-items/query",
        json={"query": {"filter": {"quantity": {"$regex": "x"}}}},
    )
    assert r.status_code == 400
    assert (
        client.post(
            "/stores/v3/inventory-items/query",
            json={"query": {"cursorPaging": {"cursor": "garbage!"}}},
        ).status_code
        == 400
    )


def _b64(obj: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


@pytest.mark.parametrize("form", ["post", "dot-r", "flat"])
def test_get_forms_of_query(emu: Emulator, client: httpx.Client, form: str) -> None:
    _seed(emu, 3, sizes=2)
    path = "/stores/v3/inventory-items/query"
    request = {"query": {"filter": {"quantity": {"$gte": 0}}, "cursorPaging": {"limit": 4}}}
    if form == "post":
        res = ok(client.post(path, json=request))
    elif form == "dot-r":
        res = ok(client.get(path, params={".r": _b64(request)}))
    else:
        res = ok(client.get(path, params={"query.cursorPaging.limit": "4"}))
    assert len(res["inventoryItems"]) == 4
    nxt = res["pagingMetadata"]["cursors"]["next"]
    res2 = ok(client.get(path, params={"query.cursorPaging.cursor": nxt}))
    assert len(res2["inventoryItems"]) == 2
    assert "next" not in res2["pagingMetadata"]["cursors"]


def test_get_forms_of_product_query_with_fields(client: httpx.Client) -> None:
    from .conftest import create_product

    p = create_product(client)
    res = ok(
        client.get("/stores/v3/products/query", params=[("fields", "URL"), ("fields", "CURRENCY")])
    )
    assert res["products"][0]["url"]["relativePath"].endswith(p["slug"])
    assert res["products"][0]["currency"] == "USD"
    res = ok(
        client.get(
            "/stores/v3/products/search",
            params={".r": _b64({"search": {"search": {"expression": "linen"}}})},
        )
    )
    assert len(res["products"]) == 1
    res = ok(
        client.get(
            "/locations/v1/locations", params={"paging.limit": "1", "includeArchived": "true"}
        )
    )
    assert len(res["locations"]) == 1 and res["pagingMetadata"] == {
        "count": 1,
        "offset": 0,
        "hasNext": False,
    }


def test_inventory_search_text_and_has_next(emu: Emulator, client: httpx.Client) -> None:
    _seed(emu, 12, sizes=1)
    res = ok(
        client.post(
            "/stores/v3/inventory-items/search",
            json={
                "search": {
                    "search": {
                        "expression": "product 0000",
                        "fields": ["product.name"],
                        "mode": "AND",
                    },
                    "cursorPaging": {"limit": 5},
                }
            },
        )
    )
    assert len(res["inventoryItems"]) == 5 and res["pagingMetadata"]["hasNext"] is True
    assert all(i["product"]["name"].startswith("Product 0000") for i in res["inventoryItems"])
