"""Edits "in the Wix dashboard" on an emulated store: what a merchant changes by hand.

``inventory-as-code emulator dashboard`` uses it to show drift and ``pull``
on the embedded local store without a Wix account. Each edit is one call of
the emulator's own REST API, as the dashboard's would be (a new revision,
the rest of the object as it was); the emulator answers it like any other
client, so nothing here reaches past the API into its storage.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from inventory_as_code.emulator._engine import Emulator

JsonDict = dict[str, Any]


class DashboardError(Exception):
    """An edit the store cannot make (no such SKU, slug or location)."""


class Dashboard:
    def __init__(self, emulator: Emulator, site_id: str) -> None:
        self.emulator = emulator
        self.site_id = site_id

    def _call(self, method: str, path: str, body: JsonDict | None = None) -> JsonDict:
        headers = {
            "Authorization": "dashboard",
            "wix-site-id": self.site_id,
            "Content-Type": "application/json",
        }
        raw = json.dumps(body).encode() if body is not None else b""
        answer = self.emulator.handle(method, path, headers, raw)
        data: JsonDict = json.loads(answer.body or b"{}")
        if answer.status >= 400:
            message = data.get("message") or answer.status
            raise DashboardError(f"the store refused the edit: {message}")
        return data

    def _items(self) -> Iterator[JsonDict]:
        spec: JsonDict = {"cursorPaging": {"limit": 1000}}
        while True:
            page = self._call("POST", "/stores/v3/inventory-items/query", {"query": spec})
            yield from page.get("inventoryItems", [])
            cursor = ((page.get("pagingMetadata") or {}).get("cursors") or {}).get("next")
            if not cursor:
                return
            spec = {"cursorPaging": {"limit": 1000, "cursor": cursor}}

    def _item(self, sku: str, location: str | None = None) -> JsonDict:
        stores = self._call("POST", "/stores/v3/locations/query", {"query": {}})
        where = {
            loc["id"]
            for loc in stores.get("storesLocations", [])
            if location is None
            or loc.get("name") == location
            or (location == "default" and loc.get("defaultLocation"))
        }
        for item in self._items():
            if (item.get("product") or {}).get("variantSku") == sku and item["locationId"] in where:
                return item
        at = f" at {location}" if location is not None else ""
        raise DashboardError(f"no stock item of SKU {sku}{at} in the store")

    def set_price(self, sku: str, amount: str) -> None:
        """A variant's price, found by its SKU (it must be stocked somewhere)."""
        item = self._item(sku)
        product = self._call("GET", f"/stores/v3/products/{item['productId']}")["product"]
        variants = copy.deepcopy(product["variantsInfo"]["variants"])
        for variant in variants:
            if variant["id"] == item["variantId"]:
                variant.setdefault("price", {})["actualPrice"] = {"amount": amount}
        change = {
            "id": product["id"],
            "revision": product["revision"],
            "options": product.get("options") or [],
            "variantsInfo": {"variants": variants},
        }
        self._call("PATCH", f"/stores/v3/products/{product['id']}", {"product": change})

    def rename(self, slug: str, name: str) -> None:
        product = self._call("GET", f"/stores/v3/products/slug/{slug}")["product"]
        change = {"id": product["id"], "revision": product["revision"], "name": name}
        self._call("PATCH", f"/stores/v3/products/{product['id']}", {"product": change})

    def set_quantity(self, sku: str, location: str, quantity: int) -> None:
        item = self._item(sku, location)
        change = {"id": item["id"], "revision": item["revision"], "quantity": quantity}
        self._call("PATCH", f"/stores/v3/inventory-items/{item['id']}", {"inventoryItem": change})
