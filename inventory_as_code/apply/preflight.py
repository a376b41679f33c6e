"""All-or-nothing: check every object the plan observed before writing anything.

Wix has no transactions, so all-or-nothing means "nothing is sent unless
every observed revision still holds": a few reads (per 100 products) first,
and a refusal listing what moved. Something can still move between this
check and the writes; those writes are then refused by their revision and
reported stale as usual.
"""

from __future__ import annotations

from inventory_as_code.apply.moved import item_moved, product_moved
from inventory_as_code.live.reader import read_inventory_items, read_products
from inventory_as_code.plan.model import Action, Kind, Plan
from inventory_as_code.wix import WixClient


def preflight_stale(client: WixClient, plan: Plan) -> dict[str, str]:
    """Addresses of changes whose object moved since the plan, with what moved."""
    products = {
        c.keys["product_id"]: c
        for c in plan.changes
        if c.kind in (Kind.PRODUCT, Kind.VARIANT) and c.observed and "product_id" in c.keys
    }
    items = {
        c.observed.id: c
        for c in plan.changes
        if c.kind is Kind.STOCK and c.observed is not None and c.action is not Action.CREATE
    }
    stale: dict[str, str] = {}
    options = {
        c.observed.id: c for c in plan.changes if c.kind is Kind.OPTION and c.observed is not None
    }
    if options:
        live_options = {str(raw.get("id")): raw for raw in client.customizations.query()}
        for option_id, change in options.items():
            raw = live_options.get(option_id)
            assert change.observed is not None
            if raw is None:
                stale[change.address] = "the option no longer exists"
            elif str(raw.get("revision")) != change.observed.revision:
                stale[change.address] = "the option changed since the plan"
    live_products = read_products(client, products) if products else {}
    for product_id, change in products.items():
        live = live_products.get(product_id)
        assert change.observed is not None
        if live is None:
            stale[change.address] = "the product no longer exists"
        elif live.revision != change.observed.revision:
            stale[change.address] = product_moved(change, live)
    if items:
        current = read_inventory_items(client, items)
        for item_id, change in items.items():
            item = current.get(item_id)
            assert change.observed is not None
            if item is None:
                stale[change.address] = "the inventory item no longer exists"
            elif item.revision != change.observed.revision:
                stale[change.address] = item_moved(change, item)
    return stale
