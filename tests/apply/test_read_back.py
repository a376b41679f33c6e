"""After apply, every object written is read back and compared with the plan.

A Wix that does something the plan did not say is simulated with a
transport that alters write requests on their way to the emulator: the
emulator then stores (and answers with) what a surprising server would have
done, exactly as a real side effect arrives, inside the same write.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from inventory_as_code.emulator import EmulatorTransport
from inventory_as_code.wix import RetryPolicy, WixClient
from inventory_as_code.workflow import apply_plan
from tests.apply.conftest import SITE, Shop
from tests.clients import emulator_client

STORE = """
locations:
  Online store: {default: true}
products:
  poster:
    name: Poster
    price: "9.00"
    sku: POSTER
    stock: {Online store: 5}
  mug:
    name: Mug
    price: "4.00"
    sku: MUG
    stock: {Online store: 3}
"""


class SurprisingWix(EmulatorTransport):
    """Rewrites the JSON body of requests to one path before the emulator sees them."""

    def __init__(self, shop: Shop, path: str, alter: Callable[[dict[str, Any]], None]) -> None:
        super().__init__(shop.emulator)
        self.path = path
        self.alter = alter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == self.path:
            body = json.loads(request.read())
            self.alter(body)
            request = httpx.Request(
                request.method,
                request.url,
                headers={k: v for k, v in request.headers.items() if k != "content-length"},
                content=json.dumps(body).encode(),
                extensions=request.extensions,
            )
        return super().handle_request(request)


def surprising_client(shop: Shop, path: str, alter: Callable[[dict[str, Any]], None]) -> WixClient:
    return emulator_client(
        shop.emulator,
        SITE,
        transport=SurprisingWix(shop, path, alter),
        retry=RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.001),
        sleep=shop.client.sleep,
    )


def test_a_field_the_plan_did_not_touch_that_moves_is_reported_and_exits_3(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    assert shop.apply().exit_code == 0
    shop.write("store.yaml", STORE.replace('price: "9.00"', 'price: "9.50"'))
    plan = shop.plan()
    assert [c.address for c in plan.changes] == ['variant["poster"]["(default)"]']

    def also_rename(body: dict[str, Any]) -> None:
        for entry in body["products"]:
            entry["product"]["name"] = "Renamed by Wix"
            for variant in entry["product"]["variantsInfo"]["variants"]:
                variant["sku"] = "POSTER-X"

    with surprising_client(shop, "/stores/v3/bulk/products/update", also_rename) as client:
        report = apply_plan(client, plan)
    assert report.exit_code == 3
    assert report.verified
    found = {(i.address, i.field, i.expected, i.actual, i.planned) for i in report.inconsistencies}
    assert found == {
        ('product["poster"]', "name", "Poster", "Renamed by Wix", False),
        ('variant["poster"]["(default)"]', "sku", "POSTER", "POSTER-X", False),
    }
    assert report.to_dict()["inconsistencies"]  # in the JSON report too


def test_a_planned_field_that_does_not_take_is_reported(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    assert shop.apply().exit_code == 0
    shop.write(
        "store.yaml",
        STORE.replace(
            "stock: {Online store: 3}",
            "stock: {Online store: {quantity: 3, policy: set, preorder: {enabled: true}}}",
        ),
    )
    plan = shop.plan()

    def drop_preorder(body: dict[str, Any]) -> None:
        for entry in body["inventoryItems"]:
            entry["inventoryItem"].pop("preorderInfo", None)

    path = "/stores/v3/bulk/inventory-items/update"
    with surprising_client(shop, path, drop_preorder) as client:
        report = apply_plan(client, plan)
    assert report.exit_code == 3
    (inconsistency,) = report.inconsistencies
    assert inconsistency.address == 'stock["mug"]["(default)"]["Online store"]'
    assert inconsistency.field == "preorder" and inconsistency.planned


def test_no_verify_skips_the_read_back(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    plan = shop.plan()
    shop.emulator.clear_requests()
    report = shop.apply(plan, check_after=False)
    assert report.exit_code == 0 and not report.verified
    reads = [e for e in shop.emulator.requests() if str(e["path"]).endswith("/query")]
    assert reads == []
