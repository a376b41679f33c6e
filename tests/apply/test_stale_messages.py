"""A stale change says which field moved, from what to what, and to plan again.

On a7233e5 a `set` count planned from a saved plan was reported "changed since
the plan (another field)" after a sale: the bound change carried the fresh
read's values, which already held the sale. These pin the message of every
kind of stale change (the end-to-end case is in tests/e2e/test_smaller_holes.py).
"""

from __future__ import annotations

from typing import Any

from inventory_as_code.apply.moved import item_moved, location_moved, product_moved
from inventory_as_code.live.model import (
    LiveInventoryItem,
    LivePreorder,
    LiveProduct,
    LiveVariant,
)
from inventory_as_code.plan.model import Action, Change, Kind, Observed


def stock_change(before: dict[str, Any], after: dict[str, Any], seen: dict[str, Any]) -> Change:
    return Change(
        Kind.STOCK,
        Action.UPDATE,
        'stock["tee"]["S"]["Main"]',
        before,
        after,
        observed=Observed("item-1", "3", seen),
    )


def item(quantity: int | None, in_stock: bool | None = None, counter: int = 0) -> LiveInventoryItem:
    tracking = "quantity" if quantity is not None else "in_stock"
    return LiveInventoryItem(
        "item-1", "5", "p", "v", "l", tracking, quantity, in_stock,
        LivePreorder(False, None, 10, counter),
    )  # fmt: skip


SEEN = {"tracking": "quantity", "quantity": 10, "preorder": {"enabled": False, "limit": 10}}


def test_a_sale_names_the_quantity_with_the_difference() -> None:
    change = stock_change({"quantity": 10}, {"quantity": 12}, SEEN)
    assert item_moved(change, item(8)) == "quantity 10 -> 8 (-2) since the plan; kept; plan again"


def test_the_reviewed_before_wins_over_later_observed_values() -> None:
    # A saved plan's change, bound to a fresh plan made after the sale (observed 8).
    change = stock_change({"quantity": 10}, {"quantity": 12}, {**SEEN, "quantity": 8})
    assert item_moved(change, item(8)).startswith("quantity 10 -> 8 (-2) since the plan")


def test_other_fields_are_named_too() -> None:
    change = stock_change({"quantity": 10}, {"quantity": 12}, SEEN)
    assert item_moved(change, item(None, in_stock=True)) == (
        "tracking quantity -> in_stock, quantity 10 -> none since the plan; kept; plan again"
    )
    taken = {**SEEN, "quantity": 8, "preorder": {"enabled": False, "limit": 10, "counter": 0}}
    preorder = stock_change({}, {"preorder": {"limit": 20}}, taken)
    assert item_moved(preorder, item(8, counter=3)) == (
        "preorder counter 0 -> 3 (+3) since the plan; kept; plan again"
    )
    limits = stock_change({}, {"preorder": {"limit": 20}}, {**SEEN, "preorder": {"limit": 12}})
    assert (
        item_moved(limits, item(10))
        == "preorder limit 12 -> 10 (-2) since the plan; kept; plan again"
    )


def test_a_revision_that_moved_alone_says_so_with_the_revisions() -> None:
    change = stock_change({"quantity": 10}, {"quantity": 12}, SEEN)
    assert item_moved(change, item(10)) == (
        "it changed since the plan (revision 3 -> 5), though not in a field the plan changes; "
        "kept; plan again"
    )


def test_an_earlier_apply_is_recognised() -> None:
    change = stock_change({"quantity": 10}, {"quantity": 12}, SEEN)
    assert item_moved(change, item(12)).startswith("already at the planned quantity 12")


def test_products_variants_and_locations_name_their_fields() -> None:
    live = LiveProduct(
        "p1", "tee", "Tee (sale)", "7", "physical", True, (),
        (LiveVariant("v1", (), "TEE", "25.00", None, True),),
    )  # fmt: skip
    product = Change(
        Kind.PRODUCT, Action.UPDATE, 'product["tee"]', {"name": "Tee"}, {"name": "Organic Tee"},
        observed=Observed("p1", "6"),
    )  # fmt: skip
    assert product_moved(product, live) == (
        'name "Tee" -> "Tee (sale)" since the plan; kept; plan again'
    )
    variant = Change(
        Kind.VARIANT, Action.UPDATE, 'variant["tee"]["(default)"]', {"price": "29.00"},
        {"price": "31.00"}, observed=Observed("v1", "6"), keys={"variant_id": "v1"},
    )  # fmt: skip
    assert product_moved(variant, live) == (
        'price "29.00" -> "25.00" since the plan; kept; plan again'
    )
    location = Change(
        Kind.LOCATION, Action.UPDATE, 'location["Depot"]', {"time_zone": "Europe/Berlin"},
        {"time_zone": "Europe/Paris"}, observed=Observed("w1", "2"),
    )  # fmt: skip
    raw = {"id": "w1", "name": "Depot", "revision": "4", "timeZone": "Europe/Lisbon"}
    assert location_moved(location, raw) == (
        'time zone "Europe/Berlin" -> "Europe/Lisbon" since the plan; kept; plan again'
    )
