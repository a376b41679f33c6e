"""Stock at or below its reorder point: the live check behind ``plan``'s warnings and ``check``.

Terraform's ``check`` blocks assert something of the live infrastructure
without changing it; here the assertion is the shop's ``reorder_point``
(:mod:`inventory_as_code.config.reorder`): an item whose count is at or
below it wants reordering. Pure: the YAML's model and a live store in,
:class:`LowStock` values out, sorted by address.

``check`` compares the live counts. ``plan`` compares what the item will
hold once the plan is applied: the planned count where the plan sets one
(a new item, a ``set`` or ``at_least`` change), else the live count.
Only quantity-tracked items count: an in-stock flag has no number to
compare. Renames (``moved:``) are followed, so an item is found under its
YAML name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inventory_as_code.live.model import LiveLocation, LiveProduct, LiveStore, LiveVariant
from inventory_as_code.model import DesiredState, Origin
from inventory_as_code.plan.addresses import stock_address
from inventory_as_code.plan.model import Action, Change, Kind, Note
from inventory_as_code.plan.renames import apply_moves

NOTE_CODE = "REORDER_POINT"


@dataclass(frozen=True, slots=True)
class LowStock:
    address: str
    product: str  # slug
    name: str  # the product's name, in the YAML or live
    variant: str  # choices joined by "/" ("" for a product without options)
    location: str
    quantity: int
    reorder_point: int
    origin: Origin | None  # where the reorder point is written
    planned: bool = False  # the count is the plan's, not the live one

    def describe(self) -> str:
        counted = "after this plan" if self.planned else "in stock"
        where = f"  # {self.origin}" if self.origin is not None else ""
        return (
            f"{self.quantity} {counted}, at or below the reorder point {self.reorder_point}{where}"
        )


def _locations(desired: DesiredState, live: LiveStore) -> dict[str, LiveLocation]:
    """YAML location name -> the live location (the YAML's default is the store's default)."""
    out = {}
    for name, location in desired.locations.items():
        match = live.default_location if location.is_default else live.location_named(name)
        if match is not None:
            out[name] = match
    return out


def low_stock(
    desired: DesiredState,
    live: LiveStore,
    changes: Iterable[Change] = (),
    *,
    renamed: bool = False,
) -> list[LowStock]:
    """Every managed, quantity-tracked item at or below its reorder point.

    With ``changes`` (a plan's), an item's count is the one it holds after them.
    ``renamed``: ``live`` already holds its objects under their YAML names (the
    planner's view); otherwise the ``moved:`` entries are applied here.
    """
    planned: dict[str, int] = {}
    for change in changes:
        if change.kind is Kind.STOCK and change.action is not Action.DELETE and change.after:
            quantity = change.after.get("quantity")
            if isinstance(quantity, int):
                planned[change.address] = quantity
    store = live if renamed else apply_moves(desired, live).live  # under their YAML names
    locations = _locations(desired, store)
    found = []
    for slug, product in desired.products.items():
        live_product = store.products.get(slug)
        for variant in product.variants:
            live_variant = live_product.variant(variant.key) if live_product is not None else None
            for location_name, entry in variant.stock.items():
                if entry.reorder_point is None:
                    continue
                address = stock_address(slug, variant.key, location_name)
                quantity = planned.get(address)
                from_plan = quantity is not None
                if quantity is None:
                    where = locations.get(location_name)
                    quantity = _live_count(store, live_product, live_variant, where)
                if quantity is None or quantity > entry.reorder_point:
                    continue
                found.append(
                    LowStock(
                        address,
                        slug,
                        product.name or (live_product.name if live_product else slug),
                        "/".join(variant.key),
                        location_name,
                        quantity,
                        entry.reorder_point,
                        entry.origins.get("reorder_point"),
                        from_plan,
                    )
                )
    found.sort(key=lambda low: low.address)
    return found


def _live_count(
    store: LiveStore,
    product: LiveProduct | None,
    variant: LiveVariant | None,
    location: LiveLocation | None,
) -> int | None:
    if product is None or variant is None or location is None:
        return None
    item = store.inventory.get((product.id, variant.id, location.id))
    if item is None or item.tracking != "quantity":
        return None
    return item.quantity


def with_reorder_point(desired: DesiredState) -> int:
    """How many stock entries of the YAML have a reorder point (what ``check`` checks)."""
    return sum(
        1
        for product in desired.products.values()
        for variant in product.variants
        for entry in variant.stock.values()
        if entry.reorder_point is not None
    )


def reorder_notes(
    desired: DesiredState, live: LiveStore, changes: Iterable[Change], *, renamed: bool = False
) -> list[Note]:
    """The plan's warnings: one note per item at or below its reorder point."""
    lows = low_stock(desired, live, changes, renamed=renamed)
    return [Note(NOTE_CODE, low.describe(), low.address) for low in lows]
