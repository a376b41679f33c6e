"""Products V3 as Wix declares it (issue 14; Corrections 3, 4, 5, 7, 8 in shared/wix-api).

Each test pins a rule live Wix applies that the emulator once modelled
differently, so that a client mistake shows up as the collateral damage (or
the error) it would cause on a real store.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .conftest import create_product, default_location, error_code, ok, product_body

FIELDS = ["VARIANT_OPTION_CHOICE_NAMES"]


def _post(client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return client.post("/stores/v3/products", json={"product": body, "fields": FIELDS})


def _patch(client: httpx.Client, product: dict[str, Any], **fields: Any) -> httpx.Response:
    body = {"id": product["id"], "revision": product["revision"], **fields}
    return client.patch(
        f"/stores/v3/products/{product['id']}", json={"product": body, "fields": FIELDS}
    )


def _get(client: httpx.Client, product_id: str) -> dict[str, Any]:
    return ok(client.get(f"/stores/v3/products/{product_id}"))["product"]  # type: ignore[no-any-return]


def _names(variant: dict[str, Any], **changes: Any) -> None:
    for choice in variant["choices"]:
        choice["optionChoiceNames"].update(changes)


def _dup_combo(body: dict[str, Any]) -> None:
    variants = body["variantsInfo"]["variants"]
    variants[1]["choices"] = copy.deepcopy(variants[0]["choices"])


def _no_choice(body: dict[str, Any]) -> None:
    body["variantsInfo"]["variants"][0]["choices"] = []


def _unknown_choice(body: dict[str, Any]) -> None:
    _names(body["variantsInfo"]["variants"][0], choiceName="Huge")


def _no_render_type(body: dict[str, Any]) -> None:
    del body["variantsInfo"]["variants"][0]["choices"][0]["optionChoiceNames"]["renderType"]


def _wrong_render_type(body: dict[str, Any]) -> None:
    _names(body["variantsInfo"]["variants"][0], renderType="SWATCH_CHOICES")


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        (_dup_combo, "DUPLICATE_VARIANT_OPTION_CHOICE"),
        (_no_choice, "MISSING_VARIANT_OPTION_CHOICE"),
        (_unknown_choice, "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT"),
        (_no_render_type, "MISSING_VARIANT_OPTION_CHOICE"),
        (_wrong_render_type, "MISSING_VARIANT_OPTION_CHOICE"),
    ],
)
def test_option_and_variant_business_errors_are_428(
    client: httpx.Client, spoil: Callable[[dict[str, Any]], None], code: str
) -> None:
    body = product_body("Apron")
    spoil(body)
    r = _post(client, body)
    assert (r.status_code, error_code(r)) == (428, code)


def test_options_without_variants_on_update_is_428(client: httpx.Client) -> None:
    p = create_product(client)
    r = _patch(client, p, options=p["options"])
    assert (r.status_code, error_code(r)) == (428, "MISSING_VARIANT_OPTION_CHOICE")
    assert _get(client, p["id"])["revision"] == p["revision"]


def test_at_most_100_choices_per_option(client: httpx.Client) -> None:
    sizes = tuple(f"S{n}" for n in range(101))
    r = _post(client, product_body("Many", sizes=sizes))
    assert (r.status_code, error_code(r)) == (428, "CHOICES_LIMIT_EXCEEDED")
    assert "100" in r.json()["message"]
    assert ok(_post(client, product_body("Enough", sizes=sizes[:100])))


def test_keys_are_generated_from_names_never_copied(client: httpx.Client) -> None:
    body = product_body("Keys", sizes=("Extra Large",))
    body["options"][0]["key"] = "my-key"
    body["options"][0]["choicesSettings"]["choices"][0]["key"] = "XL"
    option = ok(_post(client, body))["product"]["options"][0]
    assert option["key"] == "size"
    assert option["choicesSettings"]["choices"][0]["key"] == "extra large"


def _hidden_mug(client: httpx.Client) -> dict[str, Any]:
    body = product_body("Signed Dune", sizes=())
    body["visible"] = False
    return ok(_post(client, body))["product"]  # type: ignore[no-any-return]


def test_option_less_product_visibility_follows_its_variant(client: httpx.Client) -> None:
    """Corrections 5: a hidden option-less product is published by resending its variant."""
    p = _hidden_mug(client)
    variant = p["variantsInfo"]["variants"][0]
    assert p["visible"] is False and variant["visible"] is True  # as created

    # A variant entry without `visible` changes neither.
    price = {"actualPrice": {"amount": "30.00"}}
    only_price = {"variants": [{"id": variant["id"], "price": price}]}
    p = ok(_patch(client, p, options=[], variantsInfo=only_price))["product"]
    assert p["visible"] is False
    # Resending the variant as read (visible: true) publishes the product.
    resent = {"id": variant["id"], "visible": True, "price": price}
    p = ok(_patch(client, p, options=[], variantsInfo={"variants": [resent]}))["product"]
    assert p["visible"] is True
    # The variant's visible wins over the product's when both are sent.
    hide = {**resent, "visible": False}
    p = ok(_patch(client, p, visible=True, options=[], variantsInfo={"variants": [hide]}))[
        "product"
    ]
    assert p["visible"] is False
    # A product-only change moves the variant along.
    p = ok(_patch(client, p, visible=True))["product"]
    assert p["variantsInfo"]["variants"][0]["visible"] is True


def _swatch_body() -> dict[str, Any]:
    body = product_body("Tee", sizes=("Red", "Blue"))
    option = body["options"][0]
    option.update(name="Color", optionRenderType="SWATCH_CHOICES")
    codes = {"Red": "#FF0000", "Blue": "#0000FF"}
    for choice in option["choicesSettings"]["choices"]:
        choice.update(choiceType="ONE_COLOR", colorCode=codes[choice["name"]])
    for variant in body["variantsInfo"]["variants"]:
        _names(variant, optionName="Color", renderType="SWATCH_CHOICES")
    return body


def test_swatch_choices_keep_their_type_and_colour(client: httpx.Client) -> None:
    p = ok(_post(client, _swatch_body()))["product"]
    option = p["options"][0]
    red, blue = option["choicesSettings"]["choices"]
    assert (red["choiceType"], red["colorCode"]) == ("ONE_COLOR", "#FF0000")
    variants = [{"id": v["id"]} for v in p["variantsInfo"]["variants"]]

    def options_with(choices: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**option, "choicesSettings": {"choices": choices}}]

    # Resent as text (what a client that forgets swatches sends): refused, nothing changes.
    as_text = [{"choiceType": "CHOICE_TEXT", "name": c["name"]} for c in (red, blue)]
    r = _patch(client, p, options=options_with(as_text), variantsInfo={"variants": variants})
    assert r.status_code == 400
    assert "CHOICE_TEXT" in r.json()["message"]
    # A new colour choice needs its colour.
    no_colour = [{"choiceType": "ONE_COLOR", "name": "Green"}, {"choiceId": blue["choiceId"]}]
    r = _patch(client, p, options=options_with(no_colour), variantsInfo={"variants": variants})
    assert r.status_code == 400 and "colour code" in r.json()["message"]
    assert _get(client, p["id"])["revision"] == p["revision"]
    # An option is a shared customization: a product write cannot recolour its
    # choices (the colour sent is ignored; Set Customization Choices does that).
    recoloured = [{**red, "colorCode": "#AA0000"}, {"choiceId": blue["choiceId"]}]
    p = ok(
        _patch(client, p, options=options_with(recoloured), variantsInfo={"variants": variants})
    )["product"]
    stored = p["options"][0]["choicesSettings"]["choices"]
    assert [(c["choiceType"], c["colorCode"]) for c in stored] == [
        ("ONE_COLOR", "#FF0000"),
        ("ONE_COLOR", "#0000FF"),
    ]


def test_new_variant_of_a_swatch_product_needs_the_swatch_render_type(
    client: httpx.Client,
) -> None:
    p = ok(_post(client, _swatch_body()))["product"]
    option = p["options"][0]
    choices = [{"choiceId": c["choiceId"]} for c in option["choicesSettings"]["choices"]]
    choices.append({"choiceType": "ONE_COLOR", "name": "Green", "colorCode": "#00FF00"})
    new = {
        "price": {"actualPrice": {"amount": "9"}},
        "physicalProperties": {},
        "choices": [
            {
                "optionChoiceNames": {
                    "optionName": "Color",
                    "choiceName": "Green",
                    "renderType": "TEXT_CHOICES",
                }
            }
        ],
    }
    variants = [{"id": v["id"]} for v in p["variantsInfo"]["variants"]] + [new]
    options = [{**option, "choicesSettings": {"choices": choices}}]
    r = _patch(client, p, options=options, variantsInfo={"variants": variants})
    assert (r.status_code, error_code(r)) == (428, "MISSING_VARIANT_OPTION_CHOICE")
    _names(new, renderType="SWATCH_CHOICES")
    assert ok(_patch(client, p, options=options, variantsInfo={"variants": variants}))


def test_undeclared_product_fields_are_dropped(client: httpx.Client) -> None:
    body = product_body("Typos", sizes=("S",))
    body["visibel"] = False
    body["physicalProperties"] = {"fulfillerId": "f-1", "weight": 2}
    option = body["options"][0]
    option["renderType"] = "SWATCH_CHOICES"
    option["choicesSettings"]["choices"][0]["value"] = "s"
    variant = body["variantsInfo"]["variants"][0]
    variant["physicalProperties"] = {"weight": 0.3, "weigth": 9}
    variant["trackingMethod"] = {"quantity": 4}
    variant["price"]["actualPrice"]["currency"] = "EUR"
    created = ok(_post(client, body))["product"]
    for product in (created, _get(client, created["id"])):
        assert "visibel" not in product and product["visible"] is True
        assert product["physicalProperties"]["fulfillerId"] == "f-1"
        assert "weight" not in product["physicalProperties"]
        assert "renderType" not in product["options"][0]
        assert product["options"][0]["optionRenderType"] == "TEXT_CHOICES"
        assert "value" not in product["options"][0]["choicesSettings"]["choices"][0]
        v = product["variantsInfo"]["variants"][0]
        assert v["physicalProperties"] == {"weight": 0.3}
        assert "trackingMethod" not in v
        assert v["price"]["actualPrice"] == {"amount": "24.00"}


def test_undeclared_inventory_item_fields_are_dropped(client: httpx.Client) -> None:
    p = create_product(client)
    variant = p["variantsInfo"]["variants"][0]
    item = {
        "productId": p["id"],
        "variantId": variant["id"],
        "trackingMethod": {"quantity": 3},
        "inStock": True,
        "preorderInfo": {"enabled": False, "preorderLimit": 5},
    }
    created = ok(client.post("/stores/v3/inventory-items", json={"inventoryItem": item}))[
        "inventoryItem"
    ]
    assert "trackingMethod" not in created and created["trackQuantity"] is False
    assert created["preorderInfo"] == {"enabled": False}


def test_removing_a_variant_deletes_its_items_at_every_location(client: httpx.Client) -> None:
    """Corrections 7: measured against live Wix; a later delete of such an item is a 404."""
    warehouse = ok(
        client.post(
            "/locations/v1/locations",
            json={
                "location": {
                    "name": "Warehouse",
                    "address": {"country": "NL"},
                    "timeZone": "Europe/Amsterdam",
                    "locationTypes": ["INVENTORY"],
                }
            },
        )
    )["location"]
    stores = ok(client.post("/stores/v3/locations/query", json={}))["storesLocations"]
    other = next(s["id"] for s in stores if s["wixLocationId"] == warehouse["id"])
    p = create_product(client)
    small, large = p["variantsInfo"]["variants"]
    items = [
        {"productId": p["id"], "variantId": v["id"], "locationId": loc, "quantity": 1}
        for v in (small, large)
        for loc in (default_location(client), other)
    ]
    created = ok(
        client.post(
            "/stores/v3/bulk/inventory-items/create",
            json={"inventoryItems": items, "returnEntity": True},
        )
    )["results"]
    large_items = [r["item"]["id"] for r in created if r["item"]["variantId"] == large["id"]]
    assert len(large_items) == 2

    option = p["options"][0]
    kept = [{"choiceId": option["choicesSettings"]["choices"][0]["choiceId"]}]
    ok(
        _patch(
            client,
            p,
            options=[{**option, "choicesSettings": {"choices": kept}}],
            variantsInfo={"variants": [{"id": small["id"]}]},
        )
    )
    left = ok(client.post("/stores/v3/inventory-items/query", json={}))["inventoryItems"]
    assert {i["variantId"] for i in left} == {small["id"]} and len(left) == 2
    for item_id in large_items:
        assert client.delete(f"/stores/v3/inventory-items/{item_id}").status_code == 404


def test_products_count_excludes_hidden_products_unless_asked(client: httpx.Client) -> None:
    create_product(client)
    _hidden_mug(client)
    assert ok(client.post("/stores/v3/products/count", json={})) == {"count": 1}
    asked = {"returnNonVisibleProducts": True}
    assert ok(client.post("/stores/v3/products/count", json=asked)) == {"count": 2}
    # Query and search list hidden products to an admin caller (an API key).
    assert len(ok(client.post("/stores/v3/products/query", json={}))["products"]) == 2
