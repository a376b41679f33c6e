"""Conformance with the hand-written examples of the Wix API reference.

The examples are copies of ``shared/wix-api/examples`` kept in
``fixtures/wix-examples`` (see its README), so these tests run in any clone.

Every ``*.request.json`` is sent to the emulator (after setting up the
entities it refers to) and must be accepted; for every response example
(``*.response.json`` and the error bodies) the emulator's answer to the
equivalent call must have the same field names and JSON types, recursively
(values may differ). Lists: every element we return must have the shape of
some example element, and every example element's shape must appear.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from inventory_as_code.emulator import Emulator

from .conftest import default_location, make_client, ok

EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "wix-examples"


def load(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", dict: "object", list: "array", type(None): "null"}[type(value)]


def shape_errors(expected: Any, actual: Any, path: str = "$") -> list[str]:
    if _kind(expected) != _kind(actual):
        return [f"{path}: expected {_kind(expected)}, got {_kind(actual)}"]
    if isinstance(expected, dict):
        errors = []
        if set(expected) != set(actual):
            errors.append(
                f"{path}: keys differ: missing {sorted(set(expected) - set(actual))}, "
                f"extra {sorted(set(actual) - set(expected))}"
            )
        for key in set(expected) & set(actual):
            errors.extend(shape_errors(expected[key], actual[key], f"{path}.{key}"))
        return errors
    if isinstance(expected, list) and expected and actual:
        errors = []
        for i, item in enumerate(actual):
            options = [shape_errors(e, item, f"{path}[{i}]") for e in expected]
            if all(options):
                errors.extend(min(options, key=len))
        for j, example in enumerate(expected):
            if all(shape_errors(example, item) for item in actual):
                errors.append(f"{path}: no element shaped like example element {j}")
        return errors
    return []


def assert_same_shape(expected: Any, actual: Any) -> None:
    errors = shape_errors(expected, actual)
    assert not errors, "\n".join(errors)


# ---- fixtures building the entities the examples talk about -------------------------


def _product(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    return ok(client.post("/stores/v3/products", json={"product": body}))["product"]  # type: ignore[no-any-return]


def _variant(price: str, sku: str, choice: str | None = None) -> dict[str, Any]:
    choices = (
        []
        if choice is None
        else [
            {
                "optionChoiceNames": {
                    "optionName": "Size",
                    "choiceName": choice,
                    "renderType": "TEXT_CHOICES",
                }
            }
        ]
    )
    return {"sku": sku, "price": {"actualPrice": {"amount": price}}, "choices": choices}


def _catalog(client: httpx.Client) -> dict[str, Any]:
    """Mug (no options, one category), Tote (Small/Medium/Large) and a digital product."""
    mug = _product(
        client,
        {
            "name": "Stoneware Mug",
            "productType": "PHYSICAL",
            "physicalProperties": {},
            "mainCategoryId": "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b",
            "variantsInfo": {"variants": [_variant("12.00", "MUG-STONE")]},
        },
    )
    tote = _product(
        client,
        {
            "name": "Canvas Tote Bag",
            "productType": "PHYSICAL",
            "physicalProperties": {},
            "options": [
                {
                    "name": "Size",
                    "optionRenderType": "TEXT_CHOICES",
                    "choicesSettings": {
                        "choices": [
                            {"choiceType": "CHOICE_TEXT", "name": n}
                            for n in ("Small", "Medium", "Large")
                        ]
                    },
                }
            ],
            "variantsInfo": {
                "variants": [
                    _variant("9.00", f"TOTE-{n[0]}", n) for n in ("Small", "Medium", "Large")
                ]
            },
        },
    )
    ebook = _product(
        client,
        {
            "name": "E-book",
            "productType": "DIGITAL",
            "variantsInfo": {"variants": [_variant("5.00", "EBOOK")]},
        },
    )
    tv = tote["variantsInfo"]["variants"]
    items = [
        {
            "productId": mug["id"],
            "variantId": mug["variantsInfo"]["variants"][0]["id"],
            "quantity": 14,
        },
        {"productId": tote["id"], "variantId": tv[0]["id"], "inStock": True},
        {
            "productId": tote["id"],
            "variantId": tv[2]["id"],
            "quantity": 0,
            "preorderInfo": {
                "enabled": True,
                "limit": 25,
                "message": "Back in stock early June - preorder now",
            },
        },
        {
            "productId": tote["id"],
            "variantId": tv[1]["id"],
            "quantity": 2,
            "preorderInfo": {"enabled": True, "message": "Preorder when sold out"},
        },
        {
            "productId": ebook["id"],
            "variantId": ebook["variantsInfo"]["variants"][0]["id"],
            "quantity": 1,
        },
    ]
    res = ok(
        client.post(
            "/stores/v3/bulk/inventory-items/create",
            json={"inventoryItems": items, "returnEntity": True},
        )
    )
    assert res["bulkActionMetadata"]["totalFailures"] == 0, res
    return {"mug": mug, "tote": tote, "ebook": ebook, "items": [r["item"] for r in res["results"]]}


# ---- one check per example file ---------------------------------------------------


def check_catalog_version(client: httpx.Client) -> None:
    assert_same_shape(
        load("get-catalog-version.response.json"), ok(client.get("/stores/v3/provision/version"))
    )


def check_query_inventory(client: httpx.Client) -> None:
    # The example as sent (its ids do not exist here) is accepted.
    ok(
        client.post(
            "/stores/v3/inventory-items/query", json=load("query-inventory-items.request.json")
        )
    )
    cat = _catalog(client)
    request = load("query-inventory-items.request.json")
    request["query"]["filter"]["productId"]["$in"] = [cat["mug"]["id"], cat["tote"]["id"]]
    request["query"]["filter"]["locationId"] = default_location(client)
    page = ok(client.post("/stores/v3/inventory-items/query", json=request))
    assert len(page["inventoryItems"]) == 3
    follow = load("query-inventory-items.next-page.request.json")
    follow["query"]["cursorPaging"]["cursor"] = page["pagingMetadata"]["cursors"]["next"]
    rest = ok(client.post("/stores/v3/inventory-items/query", json=follow))
    assert len(rest["inventoryItems"]) == 1 and rest["pagingMetadata"]["cursors"] == {}
    # Which 3 items land on page one depends on the generated product ids, so
    # the item shapes are compared over both pages.
    combined = {
        "inventoryItems": page["inventoryItems"] + rest["inventoryItems"],
        "pagingMetadata": page["pagingMetadata"],
    }
    assert_same_shape(load("query-inventory-items.response.json"), combined)


def check_bulk_update(client: httpx.Client) -> None:
    cat = _catalog(client)
    request = load("bulk-update-inventory-items.request.json")
    mug_item, tote_item, ebook_item = cat["items"][0], cat["items"][1], cat["items"][4]
    for entry, item in zip(
        request["inventoryItems"], (mug_item, tote_item, ebook_item), strict=True
    ):
        entry["inventoryItem"]["id"] = item["id"]
        entry["inventoryItem"]["revision"] = item["revision"]
    res = ok(client.post("/stores/v3/bulk/inventory-items/update", json=request))
    assert [r["itemMetadata"]["success"] for r in res["results"]] == [True, True, False]
    assert res["results"][1]["item"]["trackQuantity"] is True
    assert_same_shape(load("bulk-update-inventory-items.response.json"), res)


def check_create_with_inventory(client: httpx.Client) -> None:
    res = ok(
        client.post(
            "/stores/v3/products-with-inventory",
            json=load("create-product-with-inventory.request.json"),
        )
    )
    assert_same_shape(load("create-product-with-inventory.response.json"), res)
    expected = load("create-product-with-inventory.response.json")["product"]
    for key in (
        "inventory",
        "actualPriceRange",
        "compareAtPriceRange",
        "slug",
        "handle",
        "variantSummary",
    ):
        assert res["product"][key] == expected[key], key
    assert [r["item"]["availabilityStatus"] for r in res["inventoryResults"]["results"]] == [
        "IN_STOCK",
        "PREORDER",
    ]


def check_stores_locations(client: httpx.Client) -> None:
    ok(
        client.post(
            "/locations/v1/locations",
            json={
                "location": {
                    "name": "Rotterdam warehouse",
                    "address": {"country": "NL"},
                    "timeZone": "Europe/Amsterdam",
                    "locationTypes": ["INVENTORY"],
                }
            },
        )
    )
    res = ok(
        client.post("/stores/v3/locations/query", json=load("query-stores-locations.request.json"))
    )
    assert [s["defaultLocation"] for s in res["storesLocations"]] == [True, False]
    assert_same_shape(load("query-stores-locations.response.json"), res)


def check_revision_mismatch(client: httpx.Client) -> None:
    item = _catalog(client)["items"][0]
    patch = {"inventoryItem": {"id": item["id"], "revision": "0", "quantity": 1}}
    r = client.patch(f"/stores/v3/inventory-items/{item['id']}", json=patch)
    assert r.status_code == 409
    assert_same_shape(load("error-revision-mismatch.json"), r.json())
    assert r.json()["message"] == load("error-revision-mismatch.json")["message"]


def check_validation_error(client: httpx.Client) -> None:
    mug = _catalog(client)["mug"]
    item = {
        "productId": mug["id"],
        "variantId": mug["variantsInfo"]["variants"][0]["id"],
        "quantity": -3,
        "locationId": "unused",
    }
    r = client.post("/stores/v3/inventory-items", json={"inventoryItem": item})
    assert r.status_code == 400
    assert_same_shape(load("error-validation.json"), r.json())
    violation = r.json()["details"]["validationError"]["fieldViolations"][0]
    assert violation["field"] == "inventoryItem.quantity"
    assert violation["ruleName"] == "REQUESTED_QUANTITY_MUST_BE_NON_NEGATIVE"


CHECKS: dict[str, Callable[[httpx.Client], None]] = {
    "get-catalog-version.response.json": check_catalog_version,
    "query-inventory-items.request.json": check_query_inventory,
    "query-inventory-items.next-page.request.json": check_query_inventory,
    "query-inventory-items.response.json": check_query_inventory,
    "bulk-update-inventory-items.request.json": check_bulk_update,
    "bulk-update-inventory-items.response.json": check_bulk_update,
    "create-product-with-inventory.request.json": check_create_with_inventory,
    "create-product-with-inventory.response.json": check_create_with_inventory,
    "query-stores-locations.request.json": check_stores_locations,
    "query-stores-locations.response.json": check_stores_locations,
    "error-revision-mismatch.json": check_revision_mismatch,
    "error-validation.json": check_validation_error,
}


def test_every_example_is_here() -> None:
    # An empty or missing folder would make the parametrized test below vanish silently.
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted(CHECKS)


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_example(name: str) -> None:
    check = CHECKS.get(name)
    assert check is not None, f"no conformance check for example {name}; add one to CHECKS"
    emu = Emulator(id_seed=7)
    with make_client(emu) as client:
        check(client)
    emu.close()


def test_shape_comparison_catches_differences() -> None:
    assert shape_errors({"a": 1, "b": [{"c": "x"}]}, {"a": 2, "b": [{"c": "y"}]}) == []
    assert shape_errors({"a": 1}, {"a": "1"})
    assert shape_errors({"a": 1}, {"a": 1, "b": 2})
    assert shape_errors({"b": [{"c": "x"}]}, {"b": [{"d": "x"}]})
