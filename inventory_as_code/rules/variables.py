"""What a rule's expression sees: a change as the plan JSON shows it, plus derived values.

A rule of ``scope = "change"`` is evaluated once per change with
:data:`CHANGE_VARIABLES`; one of ``scope = "plan"`` once per plan with
:data:`PLAN_VARIABLES`, whose ``changes`` holds every change with the same
variables. The tables name each variable's CEL type and meaning: the CEL
environment is declared from them (so a misspelt name fails ``validate``),
and docs/rules.md lists them (a test keeps the two alike).

Derived values take the object as it is *after* the change: the YAML's
value where the change sets one, else the live value the change was
computed from; a deletion has none (null). So a rule needs no ``has()``
for the common questions ("the price after this change", "the quantity").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

# Wix's default preorder limit, also its largest: an item Wix counts gets it unless told
# otherwise (shared/wix-api inventory-items-v3), so it limits nothing.
NO_LIMIT = 100_000

# name -> (CEL type, what it holds)
CHANGE_VARIABLES: dict[str, tuple[str, str]] = {
    "kind": ("string", "location, option, product, variant or stock"),
    "action": ("string", "create, update, switch_tracking or delete"),
    "address": ("string", 'the change\'s address, e.g. variant["tee"]["S/Black"]'),
    "before": ("dyn", "the live values the change replaces (a map), null for a creation"),
    "after": ("dyn", "the values the change writes (a map), null for a deletion"),
    "fields": ("list(dyn)", "each changed field as {field, before, after}"),
    "keys": ("map(string, dyn)", "the identity parts: slug, variant, location, ids"),
    "observed": ("dyn", "the live object as read: {id, revision, values}, or null"),
    "changed": ("list(string)", "the names of the fields the change sets"),
    "product": ("string", 'the product\'s slug ("" for locations and options)'),
    "variant": ("string", 'the variant\'s choices joined by "/" ("" when not a variant\'s)'),
    "location": ("string", "the location's name (\"\" when not a location's)"),
    "sku": ("dyn", "a variant's SKU after the change (a string), or null"),
    "price": ("dyn", "a variant's price after the change (a double), or null"),
    "price_before": ("dyn", "a variant's live price the change replaces (a double), or null"),
    "compare_at_price": ("dyn", "a variant's compare-at price after the change, or null"),
    "price_drop": (
        "double",
        "the share of the price the change takes away: 0.6 for 20.00 -> 8.00; 0.0 when "
        "the price does not fall",
    ),
    "quantity": ("dyn", "a stock item's count after the change (an int), or null"),
    "quantity_change": (
        "int",
        "the count after the change minus before it (a new item: its count; 0 otherwise)",
    ),
    "preorder": (
        "map(string, dyn)",
        "a stock item's preorder settings after the change: {enabled, limit, message} "
        "(enabled false, limit and message null where there are none; limit null also for "
        "Wix's default 100000, the largest, which limits nothing)",
    ),
}

PLAN_VARIABLES: dict[str, tuple[str, str]] = {
    "changes": ("list(dyn)", "every change, each a map of the change variables above"),
    "summary": ("map(string, int)", "the plan's counts: create, update, delete, switch_tracking"),
    "products": ("list(string)", "the slugs of the products the plan changes (any kind of change)"),
    "site": ("string", "the site id the plan is for"),
}


def _money(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return float(Decimal(value))
    except InvalidOperation:
        return None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _now(change: Mapping[str, Any], name: str) -> Any:
    """A field's value after the change: written by it, else as read; None for a deletion."""
    after = change.get("after")
    if after is None:
        return None
    if name in after:
        return after[name]
    observed = change.get("observed") or {}
    live = observed.get("values") or {}
    if name in live:
        return live[name]
    before = change.get("before") or {}
    return before.get(name)


def _preorder(change: Mapping[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = {"enabled": False, "limit": None, "message": None}
    if change.get("kind") != "stock" or change.get("after") is None:
        return settings
    observed = change.get("observed") or {}
    live = (observed.get("values") or {}).get("preorder") or {}
    written = change["after"].get("preorder") or {}
    for name in settings:
        if name in written:
            settings[name] = written[name]
        elif name in live:
            settings[name] = live[name]
    settings["enabled"] = bool(settings["enabled"])
    if settings["limit"] == NO_LIMIT:
        settings["limit"] = None
    return settings


def _changed(change: Mapping[str, Any]) -> list[str]:
    if change.get("action") == "create":
        return sorted(change.get("after") or {})
    return [str(f["field"]) for f in change.get("fields") or ()]


def change_variables(change: Mapping[str, Any]) -> dict[str, Any]:
    """The variables of :data:`CHANGE_VARIABLES` for one change as ``change_to_dict`` gives it."""
    keys = change.get("keys") or {}
    variant = keys.get("variant")
    is_variant = change.get("kind") == "variant"
    price = _money(_now(change, "price")) if is_variant else None
    price_before = _money((change.get("before") or {}).get("price")) if is_variant else None
    drop = 0.0
    if price is not None and price_before and price < price_before:
        drop = (price_before - price) / price_before
    quantity = _count(_now(change, "quantity")) if change.get("kind") == "stock" else None
    was = _count((change.get("before") or {}).get("quantity"))
    if change.get("action") == "delete":
        quantity_change = -(was or 0)
    else:
        quantity_change = (quantity or 0) - (was or 0) if quantity is not None else 0
    sku = _now(change, "sku") if is_variant else None
    return {
        "kind": change.get("kind", ""),
        "action": change.get("action", ""),
        "address": change.get("address", ""),
        "before": change.get("before"),
        "after": change.get("after"),
        "fields": list(change.get("fields") or ()),
        "keys": dict(keys),
        "observed": change.get("observed"),
        "changed": _changed(change),
        "product": str(keys.get("slug", "")),
        "variant": "/".join(str(v) for v in variant) if isinstance(variant, list) else "",
        "location": str(keys.get("location", "")),
        "sku": sku if isinstance(sku, str) else None,
        "price": price,
        "price_before": price_before,
        "compare_at_price": _money(_now(change, "compare_at_price")) if is_variant else None,
        "price_drop": drop,
        "quantity": quantity,
        "quantity_change": quantity_change,
        "preorder": _preorder(change),
    }


def plan_variables(
    changes: Sequence[Mapping[str, Any]], summary: Mapping[str, int], site: str
) -> dict[str, Any]:
    """The variables of :data:`PLAN_VARIABLES`; ``changes`` already hold the change variables."""
    products = sorted({str(c["product"]) for c in changes if c.get("product")})
    return {"changes": list(changes), "summary": dict(summary), "products": products, "site": site}
