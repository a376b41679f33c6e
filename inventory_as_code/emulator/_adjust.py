"""Bulk increment / decrement of inventory quantities (four endpoints).

Unlike the other bulk calls, these fail as a whole (Corrections 2 in
``shared/wix-api/README.md``): one entry that breaks a rule fails its whole
request with 428 (``INSUFFICIENT_INVENTORY`` below zero with
``restrictInventory``, ``INVENTORY_QUANTITY_NOT_TRACKED`` on an ``inStock``
item, ``MIN_/MAX_QUANTITY_LIMIT_REACHED`` past -99999/99999, ``NOT_FOUND`` for
no item at (variant, location) in the by-variant-and-location forms) and
nothing of the request is applied: the engine's transaction rolls every entry
back. A client must split the batch and resend the other entries.

A missing item id in the by-id forms fails the request with 404 (unconfirmed
in the Wix docs, which list no error for it; failing as a whole matches the
rest of the method). The entry that failed is named only in the description:
Wix documents no field for it, so a client must not rely on one.
"""

from __future__ import annotations

from inventory_as_code.emulator._bulk import flag, items_of
from inventory_as_code.emulator._context import Ctx, Request
from inventory_as_code.emulator._errors import ApiError, app_error, invalid, required
from inventory_as_code.emulator._inventory_model import (
    QTY_MAX,
    QTY_MIN,
    check_reason,
    load_item,
    save_item,
)
from inventory_as_code.emulator._inventory_rows import item_at
from inventory_as_code.emulator._stores_locations import default_location_id
from inventory_as_code.emulator._util import JsonDict, as_dict, as_int


def _amount(entry: JsonDict, key: str, where: str) -> int:
    value = as_int(entry.get(key), f"{where}.{key}")
    if not 1 <= value <= QTY_MAX:
        raise invalid(f"{where}.{key}", f"must be between 1 and {QTY_MAX}", violated_rule="MAX")
    return value


def _adjust(
    ctx: Ctx, doc: JsonDict, amount: int, *, decrement: bool, preorder: bool, restrict: bool
) -> JsonDict:
    if "quantity" not in doc:
        raise app_error(
            428,
            "INVENTORY_QUANTITY_NOT_TRACKED",
            f"Inventory item {doc['id']} does not track quantity",
        )
    if not decrement:
        if doc["quantity"] + amount > QTY_MAX:
            raise app_error(
                428,
                "MAX_QUANTITY_LIMIT_REACHED",
                f"Inventory item {doc['id']}: quantity would exceed {QTY_MAX}",
            )
        doc["quantity"] += amount
    elif preorder and doc["availabilityStatus"] == "PREORDER":
        # A preorder request on an item available only for preorder: the
        # counter rises and the stock quantity stays unchanged.
        pre = doc["preorderInfo"]
        if amount > pre["quantity"]:
            raise app_error(
                428,
                "INSUFFICIENT_INVENTORY",
                f"Inventory item {doc['id']}: not enough preorder capacity",
            )
        pre["counter"] += amount
    else:
        new = doc["quantity"] - amount
        if restrict and new < 0:
            raise app_error(
                428,
                "INSUFFICIENT_INVENTORY",
                f"Inventory item {doc['id']} has {doc['quantity']} in stock",
            )
        if new < QTY_MIN:
            raise app_error(
                428,
                "MIN_QUANTITY_LIMIT_REACHED",
                f"Inventory item {doc['id']}: quantity would go below {QTY_MIN}",
            )
        doc["quantity"] = new
    # unconfirmed in the Wix docs: whether adjustments bump the revision (they do here).
    return save_item(ctx, doc)


def _target(ctx: Ctx, entry: JsonDict, where: str, by_variant: bool) -> JsonDict:
    if not by_variant:
        if not entry.get("inventoryItemId"):
            raise required(f"{where}.inventoryItemId")
        return load_item(ctx, str(entry["inventoryItemId"]))
    variant_id = entry.get("variantId")
    if not variant_id:
        raise required(f"{where}.variantId")
    location_id = entry.get("locationId") or default_location_id(ctx) or ""
    doc = item_at(ctx, str(variant_id), location_id)
    if doc is None:
        # Documented as 428 NOT_FOUND (not 404) for this method.
        raise app_error(
            428,
            "NOT_FOUND",
            f"No inventory item for variant {variant_id} at location {location_id}",
        )
    return doc


def _adjust_bulk(ctx: Ctx, req: Request, *, decrement: bool, by_variant: bool) -> JsonDict:
    check_reason(req.body)
    key, amount_key = (
        ("decrementData", "decrementBy") if decrement else ("incrementData", "incrementBy")
    )
    entries = items_of(req.body, key, 300)
    # Increments declare no restrictInventory and no per-entry preorderRequest:
    # Wix's parser drops them, so they change nothing here either.
    restrict = flag(req.body, "restrictInventory", default=True) if decrement else True
    checked = []
    for i, raw in enumerate(entries):  # request-level validation first: 400, nothing applied
        where = f"{key}[{i}]"
        entry = as_dict(raw, where)
        checked.append((where, entry, _amount(entry, amount_key, where)))
    results: list[JsonDict] = []
    for index, (where, entry, amount) in enumerate(checked):
        try:
            doc = _adjust(
                ctx,
                _target(ctx, entry, where, by_variant),
                amount,
                decrement=decrement,
                preorder=decrement and flag(entry, "preorderRequest"),
                restrict=restrict,
            )
        except ApiError as err:
            # The whole request fails; the engine rolls back the entries before this one.
            err.message = f"{where}: {err.message}"
            raise
        result: JsonDict = {
            "itemMetadata": {"id": doc["id"], "originalIndex": index, "success": True}
        }
        if flag(req.body, "returnEntity"):
            result["item"] = doc
        results.append(result)
    return {
        "results": results,
        "bulkActionMetadata": {
            "totalSuccesses": len(results),
            "totalFailures": 0,
            "undetailedFailures": 0,
        },
    }


def h_increment(ctx: Ctx, req: Request) -> JsonDict:
    return _adjust_bulk(ctx, req, decrement=False, by_variant=False)


def h_decrement(ctx: Ctx, req: Request) -> JsonDict:
    return _adjust_bulk(ctx, req, decrement=True, by_variant=False)


def h_increment_by_variant(ctx: Ctx, req: Request) -> JsonDict:
    return _adjust_bulk(ctx, req, decrement=False, by_variant=True)


def h_decrement_by_variant(ctx: Ctx, req: Request) -> JsonDict:
    return _adjust_bulk(ctx, req, decrement=True, by_variant=True)
