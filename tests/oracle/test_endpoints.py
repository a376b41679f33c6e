"""Every endpoint of the client, once, against the emulator, under the oracle.

Other tests reach most endpoints as a side effect; these make sure each
request and response schema is used at least once whatever the rest of the
suite does. The checking itself is the oracle's (``plugin.py``): a request or
answer that breaks Wix's declared types fails the test. Each test also
asserts that the oracle matched the call to the SDK method it expects, so a
client path that drifted from Wix's would show here by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from inventory_as_code.emulator import Emulator, EmulatorTransport, serve
from inventory_as_code.wix import Adjustment, Endpoint, Idempotency, RetryPolicy, WixClient
from tests.oracle.recorder import Recorder

SITE = "site-oracle"
SAFE = Idempotency.SAFE
FAST = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.01, throttle_delay=0.01)


def product_body(name: str, *, inventory: bool = False) -> Any:
    """A product with one Size option and two variants (REST field names)."""
    variants = []
    for size in ("S", "M"):
        variant: dict[str, Any] = {
            "sku": f"{name.upper()}-{size}",
            "price": {"actualPrice": {"amount": "12.50"}},
            "physicalProperties": {},
            "choices": [
                {
                    "optionChoiceNames": {
                        "optionName": "Size",
                        "choiceName": size,
                        "renderType": "TEXT_CHOICES",
                    }
                }
            ],
        }
        if inventory:
            variant["inventoryItem"] = {"quantity": 5}
        variants.append(variant)
    return {
        "name": name.title(),
        "slug": name,
        "productType": "PHYSICAL",
        "physicalProperties": {},
        "options": [
            {
                "name": "Size",
                "optionRenderType": "TEXT_CHOICES",
                "choicesSettings": {
                    "choices": [{"choiceType": "CHOICE_TEXT", "name": s} for s in ("S", "M")]
                },
            }
        ],
        "variantsInfo": {"variants": variants},
    }


LOCATION: Any = {
    "name": "Warehouse",
    "address": {"country": "US", "city": "Springfield", "formattedAddress": "1 Main St"},
    "timeZone": "Etc/UTC",
    "locationTypes": ["INVENTORY"],
}


@dataclass
class Shop:
    client: WixClient

    def product(self, name: str = "apron", *, inventory: bool = True) -> dict[str, Any]:
        body = product_body(name, inventory=inventory)
        if inventory:
            return dict(self.client.products.create_with_inventory(body)["product"])
        return dict(self.client.products.create(body))

    def default_location(self) -> str:
        return str(next(self.client.locations.query_stores({"defaultLocation": True}))["id"])

    def items(self, product_id: str) -> list[dict[str, Any]]:
        return [dict(i) for i in self.client.inventory.query({"productId": product_id})]

    def variant_ids(self, product: dict[str, Any]) -> list[str]:
        return [v["id"] for v in product["variantsInfo"]["variants"]]


def _create_items(shop: Shop, bulk: bool) -> None:
    product = shop.product(inventory=False)
    where = shop.default_location()
    items: Any = [
        {"variantId": v, "locationId": where, "productId": product["id"], "quantity": 2}
        for v in shop.variant_ids(product)
    ]
    if bulk:
        shop.client.inventory.bulk_create(items)
    else:
        shop.client.inventory.create(items[0])


def _adjust(shop: Shop, kind: str, by_id: bool) -> None:
    product = shop.product()
    item = shop.items(product["id"])[0]
    if by_id:
        adjustment = Adjustment(amount=1, inventory_item_id=item["id"])
    else:
        adjustment = Adjustment(
            amount=1, variant_id=item["variantId"], location_id=item["locationId"]
        )
    if kind == "increment":
        shop.client.inventory.bulk_increment([adjustment])
    else:
        shop.client.inventory.bulk_decrement([adjustment])


def _update_product(shop: Shop, with_inventory: bool, bulk: bool) -> None:
    product = shop.product()
    change: Any = {"id": product["id"], "revision": product["revision"], "name": "Renamed"}
    if bulk:
        shop.client.products.bulk_update([change], with_inventory=with_inventory)
    elif with_inventory:
        shop.client.products.update_with_inventory(change)
    else:
        shop.client.products.update(change)


def _wix_location(shop: Shop) -> dict[str, Any]:
    return dict(shop.client.locations.create(LOCATION))


def _update_location(shop: Shop) -> None:
    created = _wix_location(shop)
    changed: Any = {
        **LOCATION,
        "id": created["id"],
        "revision": created["revision"],
        "name": "Depot",
    }
    shop.client.locations.update(changed)


def _option(shop: Shop) -> dict[str, Any]:
    """The Size customization a product made (options are shared customizations)."""
    shop.product(inventory=False)
    return next(iter(shop.client.customizations.query({"name": "Size"})))


COLOUR: Any = {
    "name": "Colour",
    "customizationType": "PRODUCT_OPTION",
    "customizationRenderType": "SWATCH_CHOICES",
    "choicesSettings": {
        "choices": [{"choiceType": "ONE_COLOR", "name": "Black", "colorCode": "#000000"}]
    },
}


def _set_choices(shop: Shop) -> None:
    option = _option(shop)
    choices = [
        {"id": c["id"], "choiceType": c["choiceType"], "name": c["name"]}
        for c in option["choicesSettings"]["choices"]
    ]
    choices[0]["name"] = "Small"
    shop.client.customizations.set_choices(option["id"], choices)


def _delete_option(shop: Shop) -> None:
    """An option no product uses (Wix refuses to delete one that is used)."""
    (created,) = shop.client.customizations.bulk_create([COLOUR]).items
    assert created.item is not None
    shop.client.customizations.delete(str(created.item["id"]))


# Client endpoint name (as counted in WixClient.stats) -> a call that makes it.
CALLS: dict[str, Callable[[Shop], Any]] = {
    "catalog.version": lambda s: s.client.catalog.version(),
    "variants.query": lambda s: list(
        s.client.variants.query({"productData.productId": s.product()["id"]})
    ),
    "inventory-items.create": lambda s: _create_items(s, bulk=False),
    "inventory-items.bulk-create": lambda s: _create_items(s, bulk=True),
    "inventory-items.get": lambda s: s.client.inventory.get(s.items(s.product()["id"])[0]["id"]),
    "inventory-items.update": lambda s: s.client.inventory.update(
        {
            "id": (item := s.items(s.product()["id"])[0])["id"],
            "revision": item["revision"],
            "quantity": 9,
        }
    ),
    "inventory-items.bulk-update": lambda s: s.client.inventory.bulk_update(
        [
            {"id": i["id"], "revision": i["revision"], "quantity": 7}
            for i in s.items(s.product()["id"])
        ]
    ),
    "inventory-items.delete": lambda s: s.client.inventory.delete(
        s.items(s.product()["id"])[0]["id"]
    ),
    "inventory-items.bulk-delete": lambda s: s.client.inventory.bulk_delete(
        [i["id"] for i in s.items(s.product()["id"])]
    ),
    "inventory-items.query": lambda s: s.items(s.product()["id"]),
    "inventory-items.search": lambda s: list(
        s.client.inventory.search({"productId": s.product()["id"]})
    ),
    "inventory-items.bulk-increment": lambda s: _adjust(s, "increment", by_id=True),
    "inventory-items.bulk-decrement": lambda s: _adjust(s, "decrement", by_id=True),
    "inventory-items.bulk-increment-by-variant-and-location": lambda s: _adjust(
        s, "increment", by_id=False
    ),
    "inventory-items.bulk-decrement-by-variant-and-location": lambda s: _adjust(
        s, "decrement", by_id=False
    ),
    "products.create": lambda s: s.product(inventory=False),
    "products.create-with-inventory": lambda s: s.product(),
    "products.bulk-create": lambda s: s.client.products.bulk_create(
        [product_body("apron"), product_body("mug")]
    ),
    "products.bulk-create-with-inventory": lambda s: s.client.products.bulk_create(
        [product_body("apron", inventory=True)], with_inventory=True
    ),
    "products.update": lambda s: _update_product(s, with_inventory=False, bulk=False),
    "products.update-with-inventory": lambda s: _update_product(s, with_inventory=True, bulk=False),
    "products.bulk-update": lambda s: _update_product(s, with_inventory=False, bulk=True),
    "products.bulk-update-with-inventory": lambda s: _update_product(
        s, with_inventory=True, bulk=True
    ),
    "products.get": lambda s: s.client.products.get(s.product()["id"]),
    "products.get-by-slug": lambda s: s.client.products.get_by_slug(s.product()["slug"]),
    "products.query": lambda s: list(s.client.products.query({"id": s.product()["id"]})),
    "products.search": lambda s: list(s.client.products.search({"id": s.product()["id"]})),
    "products.count": lambda s: s.client.products.count({"id": s.product()["id"]}),
    "products.delete": lambda s: s.client.products.delete(s.product()["id"]),
    "products.bulk-delete": lambda s: s.client.products.bulk_delete([s.product()["id"]]),
    "customizations.query": _option,
    "customizations.get": lambda s: s.client.customizations.get(_option(s)["id"]),
    "customizations.bulk-create": lambda s: s.client.customizations.bulk_create([COLOUR]),
    "customizations.update": lambda s: s.client.customizations.rename(
        (o := _option(s))["id"], o["revision"], "Fit"
    ),
    "customizations.bulk-update": lambda s: s.client.customizations.bulk_rename(
        [((o := _option(s))["id"], o["revision"], "Fit")]
    ),
    "customizations.add-choices": lambda s: s.client.customizations.add_choices(
        _option(s)["id"], [{"choiceType": "CHOICE_TEXT", "name": "XL"}]
    ),
    "customizations.set-choices": _set_choices,
    "customizations.delete": _delete_option,
    "stores-locations.query": lambda s: s.default_location(),
    "stores-locations.get": lambda s: s.client.locations.get_stores(s.default_location()),
    "locations.create": _wix_location,
    "locations.get": lambda s: s.client.locations.get(_wix_location(s)["id"]),
    "locations.list": lambda s: list(s.client.locations.list()),
    "locations.query": lambda s: list(s.client.locations.query({"name": "Warehouse"})),
    "locations.update": _update_location,
    "locations.archive": lambda s: s.client.locations.archive(_wix_location(s)["id"]),
    "locations.set-default": lambda s: s.client.locations.set_default(_wix_location(s)["id"]),
    "locations.add-type": lambda s: s.client.locations.add_type(
        _wix_location(s)["id"], "INVENTORY"
    ),
    "locations.remove-type": lambda s: s.client.locations.remove_type(
        _wix_location(s)["id"], "INVENTORY"
    ),
}


def make_client(emulator: Emulator, base_url: str = "http://localhost", **kwargs: Any) -> WixClient:
    return WixClient(
        api_key="oracle-key",
        site_id=SITE,
        base_url=base_url,
        requests_per_minute=1_000_000,
        retry=FAST,
        **kwargs,
    )


@pytest.fixture
def shop() -> Iterator[Shop]:
    emulator = Emulator(id_seed=5)
    client = make_client(emulator, transport=EmulatorTransport(emulator))
    yield Shop(client)
    client.close()
    emulator.close()


@pytest.mark.parametrize("endpoint", sorted(CALLS))
def test_endpoint_under_the_oracle(endpoint: str, shop: Shop, oracle_recorder: Recorder) -> None:
    before = oracle_recorder.requests
    CALLS[endpoint](shop)
    made = shop.client.stats.snapshot().requests
    assert made.get(endpoint, 0) >= 1, f"{endpoint} was not called: {made}"
    # Every request the client made was matched to an SDK method and checked.
    assert oracle_recorder.requests - before == sum(made.values())


def test_loopback_requests_and_answers_are_checked(oracle_recorder: Recorder) -> None:
    emulator = Emulator(id_seed=6)
    server = serve(emulator, port=0)
    try:
        with make_client(emulator, base_url=server.url) as client:
            checked = (oracle_recorder.requests, oracle_recorder.responses)
            client.catalog.version()
            list(client.locations.query_stores())
            assert (oracle_recorder.requests, oracle_recorder.responses) == (
                checked[0] + 2,
                checked[1] + 2,
            )
            # A wrong field over the socket is caught like one in process.
            client.products.count({"id": "x"})
            wrong = Endpoint("oracle.wrong-count", "POST", "/stores/v3/products/count", SAFE)
            client.call(wrong, json_body={"filtr": {}})
    finally:
        server.shutdown()
        emulator.close()
    found = {(v.field, v.side) for v in oracle_recorder.take()}
    assert ("$.filtr", "request") in found
