"""What moved since the plan: the message of a stale change.

A change is stale when its object's revision moved after the plan (a sale, a
dashboard edit, another apply). Apply keeps the live value; the report says
which field moved, from what to what, and what to do: plan again, so the
next plan starts from the store as it is. "What the plan saw" is the
change's ``before`` (what the reviewers read; for a saved plan, the saved
plan's, see :mod:`inventory_as_code.plan.binding`), then the values it
observed, then nothing.

Pure functions of the change and the object read after the refusal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inventory_as_code.live.model import LiveInventoryItem, LiveProduct
from inventory_as_code.live.normalize import business_location_from_wix
from inventory_as_code.plan.locations import address_values
from inventory_as_code.plan.model import Change, Kind
from inventory_as_code.plan.products import VARIANT_FIELDS, option_values
from inventory_as_code.plan.stock import live_values

PLAN_AGAIN = "kept; plan again"


def item_moved(change: Change, item: LiveInventoryItem) -> str:
    """Why a stock change is stale, with the fields and values that moved."""
    seen = _seen(change)
    now = live_values(item)
    wanted = dict(change.after or {})
    if wanted.get("quantity") is not None and now.get("quantity") == wanted["quantity"] != seen.get(
        "quantity"
    ):
        return f"already at the planned quantity {now['quantity']} (applied earlier?); nothing sent"
    moved = []
    if "tracking" in seen and seen["tracking"] != now["tracking"]:
        moved.append(f"tracking {seen['tracking']} -> {now['tracking']}")
    if "quantity" in seen and seen["quantity"] != now.get("quantity"):
        moved.append(_number("quantity", seen["quantity"], now.get("quantity")))
    if "in_stock" in seen and seen["in_stock"] != now.get("in_stock"):
        moved.append(f"in stock {_yes(seen['in_stock'])} -> {_yes(now.get('in_stock'))}")
    was_preorder: Mapping[str, Any] = seen.get("preorder") or {}
    for key, value in now["preorder"].items():
        if key in was_preorder and was_preorder[key] != value:
            moved.append(_number(f"preorder {key}", was_preorder[key], value))
    return _sentence(moved, change, item.revision)


def product_moved(change: Change, live: LiveProduct) -> str:
    """Why a product or variant change is stale, from the product read after the refusal."""
    current: dict[str, Any] = {}
    if change.kind is Kind.PRODUCT:
        current = {
            "name": live.name,
            "product_type": str(live.product_type).lower(),
            "visible": live.visible,
            "options": option_values(live.options),
        }
    elif change.kind is Kind.VARIANT:
        variant = next((v for v in live.variants if v.id == change.keys.get("variant_id")), None)
        if variant is None:
            return f"the variant no longer exists; {PLAN_AGAIN}"
        current = {name: getattr(variant, name) for name in VARIANT_FIELDS}
    seen = dict(change.before or {})
    moved = [
        _number(name, seen[name], current[name])
        for name in seen
        if name in current and _plain(seen[name]) != _plain(current[name])
    ]
    return _sentence(moved, change, live.revision, what="the product")


def location_moved(change: Change, raw: Mapping[str, Any]) -> str:
    """Why a location change is stale, from the Wix location read before the write."""
    business = business_location_from_wix(raw)
    current = {
        "name": business.name,
        "address": address_values(business.address),
        "time_zone": business.time_zone,
    }
    seen = dict(change.before or {})
    moved = [
        _number(name.replace("_", " "), seen[name], current[name])
        for name in seen
        if name in current and _plain(seen[name]) != _plain(current[name])
    ]
    return _sentence(moved, change, business.revision, what="the location")


def refused_revision(change: Change) -> str:
    """A write Wix refused for its revision, when the object could not be read again."""
    seen = f" (the plan saw revision {change.observed.revision})" if change.observed else ""
    return f"changed since the plan{seen}; {PLAN_AGAIN}"


def _seen(change: Change) -> dict[str, Any]:
    values = dict(change.observed.values) if change.observed else {}
    values.update(change.before or {})
    return values


def _sentence(moved: list[str], change: Change, revision: str, what: str = "it") -> str:
    if moved:
        return f"{', '.join(moved)} since the plan; {PLAN_AGAIN}"
    was = change.observed.revision if change.observed else "?"
    return (
        f"{what} changed since the plan (revision {was} -> {revision}), though not in a field "
        f"the plan changes; {PLAN_AGAIN}"
    )


def _number(name: str, was: Any, now: Any) -> str:
    numbers = not isinstance(was, bool) and not isinstance(now, bool)
    if numbers and isinstance(was, int) and isinstance(now, int):
        return f"{name} {was} -> {now} ({now - was:+d})"
    return f"{name} {_shown(was)} -> {_shown(now)}"


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "none"
    if isinstance(value, bool):
        return _yes(value)
    return str(_plain(value))


def _yes(value: Any) -> str:
    return "yes" if value else "no"


def _plain(value: Any) -> Any:
    """Lists and tuples alike (a saved plan's JSON has lists, a fresh plan tuples)."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value
