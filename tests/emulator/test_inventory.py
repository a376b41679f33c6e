"""Inventory Items V3: CRUD, revisions, uniqueness, bulk, increments, derivation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import create_product, default_location, error_code, ok


@pytest.fixture
def product(client: httpx.Client) -> dict[str, Any]:
    return create_product(client)


def _create(
    client: httpx.Client, product: dict[str, Any], index: int = 0, **fields: Any
) -> httpx.Response:
    item = {
        "productId": product["id"],
        "variantId": product["variantsInfo"]["variants"][index]["id"],
        **fields,
    }
    return client.post("/stores/v3/inventory-items", json={"inventoryItem": item})


def test_create_get_update_delete(client: httpx.Client, product: dict[str, Any]) -> None:
    item = ok(_create(client, product, quantity=5))["inventoryItem"]
    assert item["revision"] == "1"
    assert item["locationId"] == default_location(client)
    assert item["trackQuantity"] is True and item["availabilityStatus"] == "IN_STOCK"
    assert item["preorderInfo"] == {
        "enabled": False,
        "limit": 100000,
        "counter": 0,
        "quantity": 100000,
    }
    assert item["product"] == {
        "name": "Linen Apron",
        "directCategoryIds": [],
        "variantName": "Small",
        "variantSku": "LINEN-APRON-Small",
        "variantVisible": True,
    }
    assert ok(client.get(f"/stores/v3/inventory-items/{item['id']}"))["inventoryItem"] == item

    patch = {
        "inventoryItem": {"id": item["id"], "revision": "1", "quantity": 0},
        "reason": "MANUAL",
    }
    updated = ok(client.patch(f"/stores/v3/inventory-items/{item['id']}", json=patch))[
        "inventoryItem"
    ]
    assert updated["revision"] == "2" and updated["quantity"] == 0
    assert updated["availabilityStatus"] == "OUT_OF_STOCK"
    assert updated["updatedDate"] > item["updatedDate"]

    stale = client.patch(f"/stores/v3/inventory-items/{item['id']}", json=patch)
    assert stale.status_code == 409
    body = stale.json()
    assert body["message"] == "entity has already changed since the requested revision"
    assert body["details"]["applicationError"]["code"] == "REVISION_MISMATCH"

    missing = client.patch(
        f"/stores/v3/inventory-items/{item['id']}",
        json={"inventoryItem": {"id": item["id"], "quantity": 1}},
    )
    assert missing.status_code == 400 and missing.json()["message"] == "revision must not be empty"

    assert ok(client.delete(f"/stores/v3/inventory-items/{item['id']}")) == {}
    assert client.get(f"/stores/v3/inventory-items/{item['id']}").status_code == 404


def test_item_already_exists(client: httpx.Client, product: dict[str, Any]) -> None:
    ok(_create(client, product, quantity=1))
    r = _create(client, product, inStock=True, locationId=default_location(client))
    assert r.status_code == 409 and error_code(r) == "ITEM_ALREADY_EXISTS"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"quantity": -1}, 400, "REQUESTED_QUANTITY_MUST_BE_NON_NEGATIVE"),
        (
            {"inStock": True, "preorderInfo": {"limit": 5}},
            400,
            "PREORDER_LIMIT_NOT_SUPPORTED_FOR_UNTRACKED_INVENTORY",
        ),
        ({"quantity": 100000}, 400, "VALIDATION"),
        ({}, 400, "VALIDATION"),
        ({"quantity": 1, "inStock": True}, 400, "VALIDATION"),
        ({"quantity": 1, "locationId": "no-such-location"}, 404, "LOCATION_NOT_FOUND"),
    ],
)
def test_create_validation(
    client: httpx.Client, product: dict[str, Any], fields: dict[str, Any], status: int, code: str
) -> None:
    r = _create(client, product, **fields)
    assert r.status_code == status, r.text
    assert error_code(r) == code


def test_unknown_variant_and_product(client: httpx.Client, product: dict[str, Any]) -> None:
    r = client.post(
        "/stores/v3/inventory-items",
        json={"inventoryItem": {"productId": product["id"], "variantId": "nope", "quantity": 1}},
    )
    assert r.status_code == 404 and error_code(r) == "VARIANT_NOT_FOUND"
    r = client.post(
        "/stores/v3/inventory-items",
        json={"inventoryItem": {"productId": "nope", "variantId": "nope", "quantity": 1}},
    )
    assert r.status_code == 404 and error_code(r) == "PRODUCT_NOT_FOUND"


def test_preorder_on_digital_product_is_428(client: httpx.Client) -> None:
    body = {
        "product": {
            "name": "E-book",
            "productType": "DIGITAL",
            "variantsInfo": {
                "variants": [{"price": {"actualPrice": {"amount": "5"}}, "choices": []}]
            },
        }
    }
    digital = ok(client.post("/stores/v3/products", json=body))["product"]
    assert digital["visibleInPos"] is False
    r = _create(client, digital, quantity=1, preorderInfo={"enabled": True})
    assert r.status_code == 428 and error_code(r) == "PRE_ORDER_VALIDATION"


def test_switch_tracking_and_preorder_derivation(
    client: httpx.Client, product: dict[str, Any]
) -> None:
    item = ok(_create(client, product, inStock=True))["inventoryItem"]
    assert item["trackQuantity"] is False and item["preorderInfo"] == {"enabled": False}
    url = f"/stores/v3/inventory-items/{item['id']}"
    item = ok(
        client.patch(
            url,
            json={
                "inventoryItem": {
                    "id": item["id"],
                    "revision": item["revision"],
                    "quantity": 0,
                    "preorderInfo": {"enabled": True, "limit": 3},
                }
            },
        )
    )["inventoryItem"]
    assert item["trackQuantity"] is True and "inStock" not in item
    assert item["availabilityStatus"] == "PREORDER"
    assert item["preorderInfo"] == {"enabled": True, "limit": 3, "counter": 0, "quantity": 3}
    # Limit on an in-stock-tracked item is rejected even on update.
    r = client.patch(
        url,
        json={
            "inventoryItem": {
                "id": item["id"],
                "revision": item["revision"],
                "inStock": False,
                "preorderInfo": {"limit": 2},
            }
        },
    )
    assert (
        r.status_code == 400
        and error_code(r) == "PREORDER_LIMIT_NOT_SUPPORTED_FOR_UNTRACKED_INVENTORY"
    )
    item = ok(
        client.patch(
            url,
            json={
                "inventoryItem": {"id": item["id"], "revision": item["revision"], "inStock": False}
            },
        )
    )["inventoryItem"]
    assert item["trackQuantity"] is False and "quantity" not in item
    assert item["availabilityStatus"] == "OUT_OF_STOCK"
    # Decreasing to a negative quantity is refused.
    r = client.patch(
        url,
        json={"inventoryItem": {"id": item["id"], "revision": item["revision"], "quantity": -2}},
    )
    assert (
        r.status_code == 428
        and error_code(r) == "REQUESTED_QUANTITY_MUST_BE_NON_NEGATIVE_DECREASING"
    )


def test_bulk_create_update_delete_per_item(client: httpx.Client, product: dict[str, Any]) -> None:
    variants = product["variantsInfo"]["variants"]
    items = [
        {"productId": product["id"], "variantId": variants[0]["id"], "quantity": 3},
        {
            "productId": product["id"],
            "variantId": variants[0]["id"],
            "quantity": 4,
        },  # duplicate pair
        {"productId": product["id"], "variantId": variants[1]["id"], "quantity": -1},
        {"productId": product["id"], "variantId": variants[1]["id"], "inStock": True},
    ]
    res = ok(
        client.post(
            "/stores/v3/bulk/inventory-items/create",
            json={"inventoryItems": items, "returnEntity": True},
        )
    )
    assert res["bulkActionMetadata"] == {
        "totalSuccesses": 2,
        "totalFailures": 2,
        "undetailedFailures": 0,
    }
    flags = [r["itemMetadata"]["success"] for r in res["results"]]
    assert flags == [True, False, False, True]
    assert res["results"][1]["itemMetadata"]["error"]["code"] == "ITEM_ALREADY_EXISTS"
    assert (
        res["results"][2]["itemMetadata"]["error"]["code"]
        == "REQUESTED_QUANTITY_MUST_BE_NON_NEGATIVE"
    )
    assert [r["itemMetadata"]["originalIndex"] for r in res["results"]] == [0, 1, 2, 3]
    assert "item" in res["results"][0] and "item" not in res["results"][1]
    a, b = res["results"][0]["item"], res["results"][3]["item"]

    upd = {
        "inventoryItems": [
            {"inventoryItem": {"id": a["id"], "revision": "1", "quantity": 9}},
            {"inventoryItem": {"id": b["id"], "revision": "7", "inStock": False}},
        ]
    }
    res = ok(client.post("/stores/v3/bulk/inventory-items/update", json=upd))
    assert [r["itemMetadata"]["success"] for r in res["results"]] == [True, False]
    assert res["results"][1]["itemMetadata"]["id"] == b["id"]
    # Corrections 6: the per-item code, description and data live Wix answers.
    assert res["results"][1]["itemMetadata"]["error"] == {
        "code": "INVALID_REVISION",
        "description": "Outdated revision for entity id",
        "data": {"revisionViolation": {"entityId": b["id"]}},
    }
    assert "item" not in res["results"][0]  # returnEntity defaults to false

    res = ok(
        client.post(
            "/stores/v3/bulk/inventory-items/delete",
            json={"inventoryItemIds": [a["id"], "missing"]},
        )
    )
    assert [r["itemMetadata"]["success"] for r in res["results"]] == [True, False]
    assert ok(client.post("/stores/v3/inventory-items/count", json={})) == {"count": 1}


def test_bulk_limits(client: httpx.Client) -> None:
    too_many = {"inventoryItems": [{"productId": "p", "variantId": "v", "quantity": 1}] * 1001}
    assert client.post("/stores/v3/bulk/inventory-items/create", json=too_many).status_code == 400
    assert (
        client.post(
            "/stores/v3/bulk/inventory-items/create", json={"inventoryItems": []}
        ).status_code
        == 400
    )
    dec = {"decrementData": [{"inventoryItemId": "x", "decrementBy": 1}] * 301}
    assert client.post("/stores/v3/bulk/inventory-items/decrement", json=dec).status_code == 400


def _adjust(client: httpx.Client, kind: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(f"/stores/v3/bulk/inventory-items/{kind}", json=body)


def _quantity(client: httpx.Client, item: dict[str, Any]) -> tuple[int, str]:
    got = ok(client.get(f"/stores/v3/inventory-items/{item['id']}"))["inventoryItem"]
    return got["quantity"], got["revision"]


def test_increment_decrement_rules(client: httpx.Client, product: dict[str, Any]) -> None:
    """Corrections 2: one bad entry fails the whole request with 428 and nothing is applied."""
    variants = product["variantsInfo"]["variants"]
    tracked = ok(_create(client, product, 0, quantity=2))["inventoryItem"]
    untracked = ok(_create(client, product, 1, inStock=True))["inventoryItem"]

    def refused(kind: str, body: dict[str, Any], code: str) -> None:
        before = _quantity(client, tracked)
        r = _adjust(client, kind, body)
        assert r.status_code == 428, r.text
        assert error_code(r) == code
        assert _quantity(client, tracked) == before  # the good entries were not applied either

    one = {"inventoryItemId": tracked["id"], "decrementBy": 1}
    refused(
        "decrement",
        {"decrementData": [one, {"inventoryItemId": tracked["id"], "decrementBy": 3}]},
        "INSUFFICIENT_INVENTORY",
    )
    refused(
        "decrement",
        {"decrementData": [one, {"inventoryItemId": untracked["id"], "decrementBy": 1}]},
        "INVENTORY_QUANTITY_NOT_TRACKED",
    )
    res = ok(_adjust(client, "decrement", {"decrementData": [one, one], "returnEntity": True}))
    assert [r["item"]["quantity"] for r in res["results"]] == [1, 0]
    assert res["bulkActionMetadata"] == {
        "totalSuccesses": 2,
        "totalFailures": 0,
        "undetailedFailures": 0,
    }
    assert _quantity(client, tracked) == (0, "3")

    res = ok(
        _adjust(
            client,
            "decrement",
            {
                "decrementData": [{"inventoryItemId": tracked["id"], "decrementBy": 5}],
                "restrictInventory": False,
                "returnEntity": True,
            },
        )
    )
    assert res["results"][0]["item"]["quantity"] == -5
    refused(
        "decrement",
        {
            "decrementData": [{"inventoryItemId": tracked["id"], "decrementBy": 99999}],
            "restrictInventory": False,
        },
        "MIN_QUANTITY_LIMIT_REACHED",
    )
    up = {"inventoryItemId": tracked["id"], "incrementBy": 99999}
    refused(
        "increment",
        {"incrementData": [up, {"inventoryItemId": tracked["id"], "incrementBy": 10}]},
        "MAX_QUANTITY_LIMIT_REACHED",
    )
    ok(_adjust(client, "increment", {"incrementData": [up]}))
    assert _quantity(client, tracked)[0] == 99994

    by_variant = {"variantId": variants[0]["id"], "incrementBy": 5}
    refused(
        "increment-by-variant-and-location",
        {
            "incrementData": [
                {"variantId": variants[0]["id"], "incrementBy": 1},
                {"variantId": variants[0]["id"], "locationId": "elsewhere", "incrementBy": 1},
            ]
        },
        "NOT_FOUND",  # 428, not 404, for the by-variant-and-location forms
    )
    res = ok(
        _adjust(
            client,
            "increment-by-variant-and-location",
            {"incrementData": [by_variant], "returnEntity": True},
        )
    )
    assert res["results"][0]["item"]["quantity"] == 99999
    # A malformed entry is a 400 for the whole request, also nothing applied.
    bad = {"decrementData": [one, {"inventoryItemId": tracked["id"], "decrementBy": 0}]}
    assert _adjust(client, "decrement", bad).status_code == 400
    assert _quantity(client, tracked)[0] == 99999


def test_adjusting_a_missing_item_by_id_fails_the_request(
    client: httpx.Client, product: dict[str, Any]
) -> None:
    item = ok(_create(client, product, 0, quantity=2))["inventoryItem"]
    body = {
        "incrementData": [
            {"inventoryItemId": item["id"], "incrementBy": 1},
            {"inventoryItemId": "missing", "incrementBy": 1},
        ]
    }
    assert _adjust(client, "increment", body).status_code == 404
    assert _quantity(client, item)[0] == 2


def test_increment_ignores_undeclared_preorder_request(
    client: httpx.Client, product: dict[str, Any]
) -> None:
    # Increment entries declare no preorderRequest (Corrections 10): Wix drops
    # it, so it must not turn an increment into anything else.
    item = ok(_create(client, product, quantity=0, preorderInfo={"enabled": True, "limit": 4}))[
        "inventoryItem"
    ]
    body = {
        "incrementData": [
            {"inventoryItemId": item["id"], "incrementBy": 2, "preorderRequest": True}
        ],
        "returnEntity": True,
    }
    after = ok(_adjust(client, "increment", body))["results"][0]["item"]
    assert after["quantity"] == 2 and after["preorderInfo"]["counter"] == 0


def test_preorder_request_raises_counter(client: httpx.Client, product: dict[str, Any]) -> None:
    item = ok(_create(client, product, quantity=0, preorderInfo={"enabled": True, "limit": 4}))[
        "inventoryItem"
    ]
    assert item["availabilityStatus"] == "PREORDER"
    loc = default_location(client)
    res = ok(
        client.post(
            "/stores/v3/bulk/inventory-items/decrement-by-variant-and-location",
            json={
                "decrementData": [
                    {
                        "variantId": item["variantId"],
                        "locationId": loc,
                        "decrementBy": 4,
                        "preorderRequest": True,
                    }
                ],
                "returnEntity": True,
            },
        )
    )
    after = res["results"][0]["item"]
    assert after["quantity"] == 0
    assert after["preorderInfo"]["counter"] == 4 and after["preorderInfo"]["quantity"] == 0
    assert after["availabilityStatus"] == "OUT_OF_STOCK"
