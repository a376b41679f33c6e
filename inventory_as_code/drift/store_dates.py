"""When the live object behind a change last changed: its ``updatedDate``.

Wix keeps ``updatedDate`` on products (``V3Product._updatedDate``: "Date and
time the product was updated"), inventory items and stores locations, moved
by every write. A variant has none of its own: variants are written through
their product, so a variant's date is its product's. Options (customizations)
carry their own. Whether a sale moves an inventory item's ``updatedDate`` is
not documented; it moves its revision and quantity, and Wix moves
``updatedDate`` with every other write, so this assumes it does (the
emulator does).
"""

from __future__ import annotations

from collections.abc import Mapping

from inventory_as_code.live.model import LiveProduct, LiveStore
from inventory_as_code.plan.model import Change, Kind


class StoreDates:
    """``updatedDate`` of the live object of a change; built once per plan, read per change."""

    def __init__(self, live: LiveStore) -> None:
        self._live = live
        self._products: Mapping[str, LiveProduct] | None = None

    def _product(self, product_id: object) -> LiveProduct | None:
        if self._products is None:
            self._products = {p.id: p for p in self._live.products.values()}
        return self._products.get(str(product_id)) if product_id else None

    def of(self, change: Change) -> str | None:
        """The date of the object the change updates or deletes (None: none known)."""
        keys = change.keys
        if change.kind is Kind.STOCK:
            key = (
                str(keys.get("product_id", "")),
                str(keys.get("variant_id", "")),
                str(keys.get("location_id", "")),
            )
            item = self._live.inventory.get(key)
            return item.updated or None if item is not None else None
        if change.kind in (Kind.PRODUCT, Kind.VARIANT):
            product = self._product(keys.get("product_id"))
            return product.updated or None if product is not None else None
        if change.kind is Kind.LOCATION:
            ids = {keys.get("wix_location_id"), keys.get("stores_location_id")}
            ids.add(change.observed.id if change.observed else None)
            for location in self._live.locations:
                if location.id in ids or location.wix_location_id in ids:
                    return location.updated or None
            return None
        if change.kind is Kind.OPTION and change.observed is not None:
            for option in self._live.options:
                if option.id == change.observed.id:
                    return option.updated or None
        return None

    def of_product(self, change: Change) -> str | None:
        """The date of the product a new variant or stock item would join (None: no such)."""
        product = self._product(change.keys.get("product_id"))
        return product.updated or None if product is not None else None
