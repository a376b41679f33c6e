"""Inventory item request bodies: the live item plus exactly the planned fields.

Pure functions. Wix's tracking method is a oneof (``quantity`` | ``inStock``)
flattened onto the item, so sending either member *sets the method*: an
update sends a member only when the plan changes the count, the flag or the
method, never a default (a preorder-only change once sent ``inStock: false``
and took in-stock items out of stock). Preorder settings are sent whole,
the live ones with the planned fields changed, because whether Wix merges
or replaces a partial ``preorderInfo`` is not documented. A preorder
``limit`` needs quantity tracking; Wix rejects it on an in-stock item.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _tracking_member(values: Mapping[str, Any]) -> dict[str, Any]:
    if values.get("tracking") == "in_stock" or ("in_stock" in values and "quantity" not in values):
        return {"inStock": bool(values.get("in_stock"))}
    if "quantity" in values:
        return {"quantity": int(values["quantity"])}
    return {}


def stock_create_values(after: Mapping[str, Any]) -> dict[str, Any]:
    """A new item's tracking member and preorder settings (there is nothing live to keep)."""
    body = _tracking_member(after)
    preorder = {k: v for k, v in (after.get("preorder") or {}).items() if v is not None}
    if preorder:
        if "inStock" in body:
            preorder.pop("limit", None)  # Wix: a limit needs quantity tracking
        body["preorderInfo"] = preorder
    return body


def preorder_after(live: Mapping[str, Any], planned: Mapping[str, Any]) -> dict[str, Any]:
    """The item's whole preorder settings after the plan: live, with the planned fields."""
    merged = {k: live.get(k) for k in ("enabled", "message", "limit")}
    merged.update({k: v for k, v in planned.items() if k in ("enabled", "message", "limit")})
    return {k: v for k, v in merged.items() if v is not None}


def stock_update_values(
    observed: Mapping[str, Any], after: Mapping[str, Any], switch: bool
) -> dict[str, Any]:
    """What an update of one item sends besides its id and revision.

    ``observed`` are the item's values as the plan read them (its revision
    guards that they still hold), ``after`` the planned values.
    """
    body: dict[str, Any] = {}
    if switch or "quantity" in after or "in_stock" in after:
        values = dict(after)
        if not switch:
            values["tracking"] = observed.get("tracking")
        body.update(_tracking_member(values))
    if "preorder" in after:
        preorder = preorder_after(observed.get("preorder") or {}, after["preorder"])
        tracking = after.get("tracking") if switch else observed.get("tracking")
        if tracking == "in_stock":
            preorder.pop("limit", None)  # Wix: a limit needs quantity tracking
        body["preorderInfo"] = preorder
    return body
