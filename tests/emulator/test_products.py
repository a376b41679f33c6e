"""Products V3: validation, variants on update, derived fields, bulk, with-inventory."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import create_product, error_code, ok, product_body


def test_create_generates_ids_keys_slug_and_derived_fields(client: httpx.Client) -> None:
    p = create_product(client)
    assert p["revision"] == "1" and p["slug"] == "linen-apron" and p["handle"] == "linen-apron"
    option = p["options"][0]
    # Keys are generated from the names (lower-cased), never copied from the request.
    assert option["id"] and option["key"] == "size"
    assert [c["key"] for c in option["choicesSettings"]["choices"]] == ["small", "large"]
    assert all(
        c["inStock"] is False and c["visible"] is True for c in option["choicesSettings"]["choices"]
    )
    assert p["inventory"] == {
        "availabilityStatus": "OUT_OF_STOCK",
        "preorderStatus": "DISABLED",
        "preorderAvailability": "NO_VARIANTS",
    }
    assert p["variantSummary"] == {"variantCount": 2}
    assert p["physicalProperties"]["shippingWeightRange"] == {"minValue": 0.3, "maxValue": 0.3}
    choice = p["variantsInfo"]["variants"][0]["choices"][0]
    assert choice["optionChoiceIds"]["optionId"] == option["id"]
    assert choice["optionChoiceNames"] == {
        "optionName": "Size",
        "choiceName": "Small",
        "renderType": "TEXT_CHOICES",
    }
    # Without VARIANT_OPTION_CHOICE_NAMES only ids are returned.
    plain = ok(client.get(f"/stores/v3/products/{p['id']}"))["product"]
    assert "optionChoiceNames" not in plain["variantsInfo"]["variants"][0]["choices"][0]
    named = ok(client.get(f"/stores/v3/products/{p['id']}?fields=VARIANT_OPTION_CHOICE_NAMES"))[
        "product"
    ]
    assert "optionChoiceNames" in named["variantsInfo"]["variants"][0]["choices"][0]
    by_slug = ok(client.get("/stores/v3/products/slug/linen-apron"))["product"]
    assert by_slug["id"] == p["id"]
    # Second product with the same name gets a distinct slug; same slug explicitly is refused.
    p2 = create_product(client, sku_prefix="OTHER")
    assert p2["slug"] == "linen-apron-1"
    body = product_body(sku_prefix="THIRD")
    body["slug"] = "linen-apron"
    r = client.post("/stores/v3/products", json={"product": body})
    assert r.status_code == 409 and error_code(r) == "DUPLICATE_SLUG_ERROR"


def _post(client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return client.post("/stores/v3/products", json={"product": body})


def test_create_validation(client: httpx.Client) -> None:
    create_product(client, sku_prefix="TAKEN")
    r = _post(client, product_body("Other", sku_prefix="TAKEN"))
    assert r.status_code == 409 and error_code(r) == "SKU_ALREADY_EXIST_ERROR"

    body = product_body("Dup combo")
    body["variantsInfo"]["variants"][1]["choices"] = body["variantsInfo"]["variants"][0]["choices"]
    assert error_code(_post(client, body)) == "DUPLICATE_VARIANT_OPTION_CHOICE"

    body = product_body("Missing choice")
    body["variantsInfo"]["variants"][0]["choices"] = []
    assert error_code(_post(client, body)) == "MISSING_VARIANT_OPTION_CHOICE"

    body = product_body("No options", sizes=())
    body["variantsInfo"]["variants"].append(dict(body["variantsInfo"]["variants"][0], sku="X2"))
    assert error_code(_post(client, body)) == "INVALID_DEFAULT_VARIANT"

    body = product_body("Compare")
    body["variantsInfo"]["variants"][0]["price"]["compareAtPrice"] = {"amount": "1.00"}
    assert error_code(_post(client, body)) == "COMPARE_AT_PRICE_LOWER_THAN_ACTUAL_PRICE"

    body = product_body("No price")
    del body["variantsInfo"]["variants"][0]["price"]
    assert _post(client, body).status_code == 400

    body = product_body("Bad slug")
    body["slug"] = "Has Spaces"
    assert error_code(_post(client, body)) == "INVALID_SLUG_FORMAT"

    body = product_body("No variants")
    del body["variantsInfo"]
    r = _post(client, body)
    assert r.status_code == 400 and r.json()["message"] == "variantsInfo must not be empty"

    body = product_body("Seven options")
    body["options"] = [dict(body["options"][0], name=f"O{i}") for i in range(7)]
    assert _post(client, body).status_code == 400


def test_update_keeps_adds_and_removes_variants(client: httpx.Client) -> None:
    p = create_product(client, sizes=("S", "M", "L"))
    small, medium, large = p["variantsInfo"]["variants"]
    option = p["options"][0]
    items = ok(
        client.post(
            "/stores/v3/bulk/inventory-items/create",
            json={
                "inventoryItems": [
                    {"productId": p["id"], "variantId": v["id"], "quantity": 1}
                    for v in (small, medium, large)
                ]
            },
        )
    )
    assert items["bulkActionMetadata"]["totalSuccesses"] == 3

    new_option = {
        "id": option["id"],
        "name": "Size",
        "optionRenderType": "TEXT_CHOICES",
        "choicesSettings": {
            "choices": [
                {"choiceId": c["choiceId"]} for c in option["choicesSettings"]["choices"][:2]
            ]
            + [{"choiceType": "CHOICE_TEXT", "name": "XL"}]
        },
    }
    patch = {
        "product": {
            "id": p["id"],
            "revision": p["revision"],
            "name": "Apron v2",
            "options": [new_option],
            "variantsInfo": {
                "variants": [
                    {"id": small["id"], "price": {"actualPrice": {"amount": "30.00"}}},
                    {"id": medium["id"]},
                    {
                        "price": {"actualPrice": {"amount": "40.00"}},
                        "sku": "XL-1",
                        "choices": [
                            {
                                "optionChoiceNames": {
                                    "optionName": "Size",
                                    "choiceName": "XL",
                                    "renderType": "TEXT_CHOICES",
                                }
                            }
                        ],
                    },
                ]
            },
        },
        "fields": ["VARIANT_OPTION_CHOICE_NAMES"],
    }
    updated = ok(client.patch(f"/stores/v3/products/{p['id']}", json=patch))["product"]
    assert updated["revision"] == "2" and updated["name"] == "Apron v2"
    ids = [v["id"] for v in updated["variantsInfo"]["variants"]]
    assert ids[:2] == [small["id"], medium["id"]] and ids[2] not in (large["id"],)
    assert updated["variantsInfo"]["variants"][0]["price"]["actualPrice"]["amount"] == "30.00"
    assert updated["variantsInfo"]["variants"][1]["sku"] == medium["sku"]  # untouched fields kept
    assert updated["actualPriceRange"]["maxValue"]["amount"] == "40.00"
    # The removed variant's inventory item is gone; the others got the new product name.
    left = ok(client.post("/stores/v3/inventory-items/query", json={}))["inventoryItems"]
    assert sorted(i["variantId"] for i in left) == sorted([small["id"], medium["id"]])
    assert {i["product"]["name"] for i in left} == {"Apron v2"}
    assert {i["revision"] for i in left} == {"1"}

    stale = client.patch(
        f"/stores/v3/products/{p['id']}",
        json={"product": {"id": p["id"], "revision": "1", "name": "x"}},
    )
    assert stale.status_code == 409
    only_variants = {
        "product": {
            "id": p["id"],
            "revision": "2",
            "variantsInfo": patch["product"]["variantsInfo"],
        }
    }
    r = client.patch(f"/stores/v3/products/{p['id']}", json=only_variants)
    assert r.status_code == 400 and error_code(r) == "MISSING_OPTIONS_ON_UPDATE_VARIANTS"
    r = client.patch(
        f"/stores/v3/products/{p['id']}", json={"product": {"id": p["id"], "name": "x"}}
    )
    assert r.status_code == 400 and r.json()["message"] == "revision must not be empty"
    r = client.patch(
        f"/stores/v3/products/{p['id']}",
        json={"product": {"id": p["id"], "revision": "2", "productType": "DIGITAL"}},
    )
    assert r.status_code == 400


def test_aggregates_follow_default_location_inventory(client: httpx.Client) -> None:
    req = {"product": product_body(), "returnEntity": True}
    variants = req["product"]["variantsInfo"]["variants"]
    variants[0]["inventoryItem"] = {"quantity": 40}
    variants[1]["inventoryItem"] = {"quantity": 0, "preorderInfo": {"enabled": True, "limit": 25}}
    res = ok(client.post("/stores/v3/products-with-inventory", json=req))
    p = res["product"]
    assert p["inventory"] == {
        "availabilityStatus": "PARTIALLY_OUT_OF_STOCK",
        "preorderStatus": "PARTIALLY_ENABLED",
        "preorderAvailability": "SOME_VARIANTS",
    }
    assert [v["inventoryStatus"] for v in p["variantsInfo"]["variants"]] == [
        {"inStock": True, "preorderEnabled": False},
        {"inStock": False, "preorderEnabled": True},
    ]
    assert [c["inStock"] for c in p["options"][0]["choicesSettings"]["choices"]] == [True, False]
    results = res["inventoryResults"]["results"]
    assert [r["item"]["availabilityStatus"] for r in results] == ["IN_STOCK", "PREORDER"]
    # Stock the second variant: everything is in stock now.
    item = results[1]["item"]
    ok(
        client.patch(
            f"/stores/v3/inventory-items/{item['id']}",
            json={"inventoryItem": {"id": item["id"], "revision": item["revision"], "quantity": 3}},
        )
    )
    again = ok(client.get(f"/stores/v3/products/{p['id']}"))["product"]
    assert again["inventory"]["availabilityStatus"] == "IN_STOCK"
    # Update with inventory: existing item by id, in the default location.
    patch = {
        "product": {
            "id": p["id"],
            "revision": again["revision"],
            "options": again["options"],
            "variantsInfo": {
                "variants": [
                    {"id": v["id"], "inventoryItem": {"id": r["item"]["id"], "quantity": 0}}
                    for v, r in zip(again["variantsInfo"]["variants"], results, strict=True)
                ]
            },
        },
        "returnEntity": True,
    }
    res = ok(client.patch(f"/stores/v3/products-with-inventory/{p['id']}", json=patch))
    assert res["inventoryResults"]["bulkActionMetadata"]["totalSuccesses"] == 2
    assert res["product"]["inventory"]["availabilityStatus"] in (
        "OUT_OF_STOCK",
        "PARTIALLY_OUT_OF_STOCK",
    )


def test_delete_product_removes_its_inventory(client: httpx.Client) -> None:
    req = {"product": product_body(inventory={"quantity": 1})}
    p = ok(client.post("/stores/v3/products-with-inventory", json=req))["product"]
    assert ok(client.post("/stores/v3/inventory-items/count", json={}))["count"] == 2
    assert ok(client.delete(f"/stores/v3/products/{p['id']}")) == {}
    assert ok(client.post("/stores/v3/inventory-items/count", json={}))["count"] == 0
    assert client.get(f"/stores/v3/products/{p['id']}").status_code == 404


def test_bulk_products(client: httpx.Client) -> None:
    bodies = [product_body(f"P{i}") for i in range(3)]
    bodies[2]["variantsInfo"]["variants"][0]["sku"] = bodies[0]["variantsInfo"]["variants"][0][
        "sku"
    ]
    res = ok(
        client.post(
            "/stores/v3/bulk/products/create", json={"products": bodies, "returnEntity": True}
        )
    )
    assert [r["itemMetadata"]["success"] for r in res["results"]] == [True, True, False]
    assert res["results"][2]["itemMetadata"]["error"]["code"] == "SKU_ALREADY_EXIST_ERROR"
    assert "variantsInfo" in res["results"][0]["item"]
    p0, p1 = res["results"][0]["item"], res["results"][1]["item"]

    with_id = [dict(product_body("X"), id="abc")]
    r = client.post("/stores/v3/bulk/products/create", json={"products": with_id})
    assert r.status_code == 400 and error_code(r) == "ID_NOT_ALLOWED_IN_REQUEST"
    r = client.post(
        "/stores/v3/bulk/products/create",
        json={"products": [product_body(f"B{i}") for i in range(101)]},
    )
    assert r.status_code == 400
    big = [product_body(f"V{i}", sizes=tuple(f"s{j}" for j in range(100))) for i in range(11)]
    r = client.post("/stores/v3/bulk/products/create", json={"products": big})
    assert r.status_code == 400  # 1100 variants in total

    upd = {
        "products": [
            {"product": {"id": p0["id"], "revision": "1", "visible": False}},
            {"product": {"id": p1["id"], "revision": "9", "visible": False}},
        ]
    }
    res = ok(client.post("/stores/v3/bulk/products/update", json=upd))
    assert [r["itemMetadata"]["success"] for r in res["results"]] == [True, False]
    assert res["results"][1]["itemMetadata"]["error"]["code"] == "REVISION_MISMATCH"
    dup = {"products": [{"product": {"id": p0["id"], "revision": "2"}}] * 2}
    r = client.post("/stores/v3/bulk/products/update", json=dup)
    assert r.status_code == 400 and error_code(r) == "DUPLICATE_PRODUCT_IDS_REQUEST"
    r = client.post("/stores/v3/bulk/products/delete", json={"productIds": [p0["id"], p0["id"]]})
    assert r.status_code == 400
    res = ok(
        client.post("/stores/v3/bulk/products/delete", json={"productIds": [p0["id"], "missing"]})
    )
    assert (
        res["bulkActionMetadata"]["totalSuccesses"] == 1
        and res["bulkActionMetadata"]["totalFailures"] == 1
    )


def test_bulk_create_with_inventory(client: httpx.Client) -> None:
    bodies = [product_body(f"W{i}", inventory={"quantity": i}) for i in range(2)]
    res = ok(
        client.post("/stores/v3/bulk/products-with-inventory/create", json={"products": bodies})
    )
    assert res["productResults"]["bulkActionMetadata"]["totalSuccesses"] == 2
    inv = res["inventoryResults"]
    assert inv["bulkActionMetadata"]["totalSuccesses"] == 4
    assert [r["itemMetadata"]["originalIndex"] for r in inv["results"]] == [0, 1, 2, 3]


def test_query_never_returns_variants_and_rejects_undeclared_fields(client: httpx.Client) -> None:
    p = create_product(client)
    res = ok(
        client.post(
            "/stores/v3/products/query", json={"query": {"filter": {"slug": "linen-apron"}}}
        )
    )
    assert [x["id"] for x in res["products"]] == [p["id"]]
    assert "variantsInfo" not in res["products"][0]
    assert res["pagingMetadata"] == {"count": 1, "cursors": {}, "hasNext": False}
    r = client.post("/stores/v3/products/query", json={"query": {"filter": {"name": "x"}}})
    assert r.status_code == 400 and "Field 'name' is not declared as filterable" in r.text
    r = client.post("/stores/v3/products/query", json={"query": {"cursorPaging": {"limit": 101}}})
    assert r.status_code == 400
    # Search allows name, $matchItems on variants and free text.
    res = ok(
        client.post(
            "/stores/v3/products/search",
            json={
                "search": {
                    "filter": {
                        "variantsInfo.variants": {"$matchItems": {"sku": "LINEN-APRON-Large"}}
                    }
                }
            },
        )
    )
    assert [x["id"] for x in res["products"]] == [p["id"]] and "variantsInfo" not in res[
        "products"
    ][0]
    res = ok(
        client.post(
            "/stores/v3/products/search", json={"search": {"search": {"expression": "apron"}}}
        )
    )
    assert len(res["products"]) == 1
    res = ok(
        client.post(
            "/stores/v3/products/search",
            json={"search": {"filter": {"inventory.availabilityStatus": "IN_STOCK"}}},
        )
    )
    assert res["products"] == []
    assert ok(client.post("/stores/v3/products/count", json={"filter": {"visible": True}})) == {
        "count": 1
    }
