"""Edits made "in the Wix dashboard": through the REST API on a project's embedded store.

Each edit is one API write, as the dashboard's would be: a new revision, the
rest of the object as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from inventory_as_code.emulator import Emulator
from inventory_as_code.site import LOCAL_DIR, LOCAL_SITE_ID
from inventory_as_code.wix import WixClient
from tests.clients import emulator_client


@contextmanager
def dashboard(project: Path) -> Iterator[Dashboard]:
    emulator = Emulator(project / LOCAL_DIR / "local.db")
    try:
        with emulator_client(emulator, LOCAL_SITE_ID) as client:
            yield Dashboard(client)
    finally:
        emulator.close()


class Dashboard:
    def __init__(self, client: WixClient) -> None:
        self.client = client

    def _variants(self, sku: str, change: Callable[[dict[str, Any]], None]) -> None:
        for listed in self.client.products.query():
            product = self.client.products.get(listed["id"])
            variants = copy.deepcopy(product["variantsInfo"]["variants"])
            hits = [v for v in variants if v.get("sku") == sku]
            if hits:
                change(hits[0])
                self.client.products.update(
                    {
                        "id": product["id"],
                        "revision": product["revision"],
                        "options": product.get("options"),
                        "variantsInfo": {"variants": variants},
                    }
                )
                return
        raise AssertionError(f"no variant with SKU {sku}")

    def price(self, sku: str, amount: str) -> None:
        self._variants(sku, lambda v: v["price"].update(actualPrice={"amount": amount}))

    def sku(self, sku: str, new: str) -> None:
        self._variants(sku, lambda v: v.update(sku=new))

    def rename(self, slug: str, name: str) -> None:
        product = self.client.products.get_by_slug(slug)
        self.client.products.update(
            {"id": product["id"], "revision": product["revision"], "name": name}
        )

    def _item(self, sku: str, location: str) -> dict[str, Any]:
        locations = list(self.client.locations.query_stores())
        wanted = next(
            loc["id"]
            for loc in locations
            if loc["name"] == location or (location == "default" and loc.get("defaultLocation"))
        )
        for item in self.client.inventory.query():
            if item["product"].get("variantSku") == sku and item["locationId"] == wanted:
                return dict(item)
        raise AssertionError(f"no stock of {sku} at {location}")

    def quantity(self, sku: str, location: str, quantity: int) -> None:
        item = self._item(sku, location)
        self.client.inventory.update(
            {"id": item["id"], "revision": item["revision"], "quantity": quantity}
        )

    def delete(self, slug: str) -> None:
        self.client.products.delete(self.client.products.get_by_slug(slug)["id"])

    def create(self, slug: str, name: str, sku: str, price: str) -> None:
        self.client.products.create(
            {
                "name": name,
                "slug": slug,
                "productType": "PHYSICAL",
                "physicalProperties": {},
                "variantsInfo": {
                    "variants": [
                        {
                            "price": {"actualPrice": {"amount": price}},
                            "sku": sku,
                            "physicalProperties": {},
                        }
                    ]
                },
            }
        )

    def items(self, sku: str, location: str, **fields: Any) -> None:
        """Set fields of one stock item (``inStock``, ``preorderInfo``), as the dashboard does."""
        item = self._item(sku, location)
        self.client.inventory.update({"id": item["id"], "revision": item["revision"], **fields})

    def location(self, name: str, *, time_zone: str | None = None, city: str | None = None) -> None:
        found = next(loc for loc in self.client.locations.query() if loc["name"] == name)
        body = copy.deepcopy(dict(found))
        if time_zone is not None:
            body["timeZone"] = time_zone
        if city is not None:
            body.setdefault("address", {})["city"] = city
        self.client.locations.update(body)  # type: ignore[arg-type]

    def swatch(self, option: str, choice: str, color: str) -> None:
        found = next(c for c in self.client.customizations.query() if c["name"] == option)
        choices = copy.deepcopy(found["choicesSettings"]["choices"])
        for entry in choices:
            if entry["name"] == choice:
                entry["colorCode"] = color
        self.client.customizations.set_choices(found["id"], choices)

    def new_location(self, name: str) -> None:
        """Another location, made an inventory location (as the dashboard's "add location")."""
        made = self.client.locations.create(
            {
                "name": name,
                "address": {"country": "DE", "formattedAddress": "Berlin"},
                "timeZone": "Europe/Berlin",
                "locationTypes": ["INVENTORY"],
            }
        )
        self.client.locations.wait_for_stores_location(str(made["id"]))
