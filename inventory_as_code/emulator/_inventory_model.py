"""Inventory item rules: validation, derived fields, create/update/adjust.

Derived read-only fields (``trackQuantity``, ``availabilityStatus``,
``preorderInfo.counter/quantity`` and the ``product`` snapshot) are written
into the stored document on every change and refreshed when the product
changes (``_inventory_rows.refresh_snapshots``), so reads and filters never join.

Rules (inventory-items-v3.md, "Emulator notes"):
* (variantId, locationId) unique -> 409 ``ITEM_ALREADY_EXISTS``.
* tracking is the flattened oneof ``quantity`` | ``inStock``: exactly one on
  create, the other one on update switches the method.
* availabilityStatus: quantity > 0 -> IN_STOCK; else preorder enabled with
  capacity (limit - counter) > 0 -> PREORDER; else OUT_OF_STOCK. inStock
  tracking maps true/false to IN_STOCK/OUT_OF_STOCK.
"""

from __future__ import annotations

import json
from typing import Any

from inventory_as_code.emulator._catalog import (
    categories_of,
    find_variant,
    load_product,
    variant_name,
)
from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._declared import INVENTORY_ITEM, prune
from inventory_as_code.emulator._errors import (
    app_error,
    invalid,
    missing_revision,
    not_found,
    required,
    revision_mismatch,
)
from inventory_as_code.emulator._stores_locations import (
    default_location_id,
    stores_location_exists,
)
from inventory_as_code.emulator._util import JsonDict, as_dict, bump, dumps

QTY_MIN, QTY_MAX = -99999, 99999
PREORDER_LIMIT_MAX = 100000
REASONS = ("ORDER", "MANUAL", "REVERT_INVENTORY_CHANGE")


def check_reason(body: JsonDict) -> None:
    if body.get("reason") is not None and body["reason"] not in REASONS:
        raise invalid("reason", f"must be one of {', '.join(REASONS)}")


def _quantity(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise invalid(where, "must be an integer", violated_rule="TYPE")
    if not QTY_MIN <= value <= QTY_MAX:
        raise invalid(where, f"must be between {QTY_MIN} and {QTY_MAX}", violated_rule="MAX")
    return int(value)


def _preorder_patch(value: Any, where: str, tracked: bool) -> JsonDict:
    pre = as_dict(value, where)
    out: JsonDict = {}
    if "enabled" in pre:
        if not isinstance(pre["enabled"], bool):
            raise invalid(f"{where}.enabled", "must be a boolean", violated_rule="TYPE")
        out["enabled"] = pre["enabled"]
    if "message" in pre:
        message = pre["message"]
        if not isinstance(message, str) or not 1 <= len(message) <= 250:
            raise invalid(
                f"{where}.message", "must be 1 to 250 characters", violated_rule="MAX_LENGTH"
            )
        out["message"] = message
    if "limit" in pre:
        if not tracked:
            raise invalid(
                f"{where}.limit",
                "preorder limit is not supported for untracked inventory",
                rule_name="PREORDER_LIMIT_NOT_SUPPORTED_FOR_UNTRACKED_INVENTORY",
            )
        limit = pre["limit"]
        if (
            isinstance(limit, bool)
            or not isinstance(limit, int)
            or not 0 <= limit <= PREORDER_LIMIT_MAX
        ):
            raise invalid(
                f"{where}.limit", f"must be between 0 and {PREORDER_LIMIT_MAX}", violated_rule="MAX"
            )
        out["limit"] = limit
    return out  # counter and quantity are read-only: ignored if sent


def derive(doc: JsonDict) -> JsonDict:
    """Recompute the read-only fields of an item document in place."""
    pre = doc.setdefault("preorderInfo", {"enabled": False})
    pre.setdefault("enabled", False)
    tracked = "quantity" in doc
    doc["trackQuantity"] = tracked
    if tracked:
        pre.setdefault("limit", PREORDER_LIMIT_MAX)
        pre.setdefault("counter", 0)
        # unconfirmed in the Wix docs: remaining capacity = limit - counter (never < 0).
        pre["quantity"] = max(pre["limit"] - pre["counter"], 0)
        if doc["quantity"] > 0:
            status = "IN_STOCK"
        elif pre["enabled"] and pre["quantity"] > 0:
            status = "PREORDER"
        else:
            status = "OUT_OF_STOCK"
    else:
        for key in ("limit", "counter", "quantity"):
            pre.pop(key, None)
        status = "IN_STOCK" if doc.get("inStock") else "OUT_OF_STOCK"
    doc["availabilityStatus"] = status
    doc["preorderInfo"] = {
        k: pre[k] for k in ("enabled", "message", "limit", "counter", "quantity") if k in pre
    }
    return doc


def snapshot(product: JsonDict, variant: JsonDict) -> JsonDict:
    snap: JsonDict = {"name": product["name"], "directCategoryIds": categories_of(product)}
    name = variant_name(product, variant)
    if name:
        snap["variantName"] = name
    if variant.get("sku"):
        snap["variantSku"] = variant["sku"]
    snap["variantVisible"] = bool(variant.get("visible", True))
    if variant.get("barcode"):
        snap["variantBarcode"] = variant["barcode"]
    return snap


def _order(doc: JsonDict) -> JsonDict:
    keys = (
        "id",
        "revision",
        "createdDate",
        "updatedDate",
        "variantId",
        "locationId",
        "productId",
        "quantity",
        "inStock",
        "trackQuantity",
        "availabilityStatus",
        "preorderInfo",
        "product",
        "extendedFields",
    )
    return {k: doc[k] for k in keys if k in doc}


def _check_preorder(product: JsonDict, doc: JsonDict) -> None:
    if doc["preorderInfo"].get("enabled") and product.get("productType") == "DIGITAL":
        raise app_error(
            428, "PRE_ORDER_VALIDATION", "Preorder can't be enabled for a digital product."
        )


def validate_new(item: Any, where: str, *, need_ids: bool = True) -> JsonDict:
    """Request-level checks of a new item (no database access), pruned to declared fields."""
    item = prune(as_dict(item, where), INVENTORY_ITEM)
    if need_ids:
        for key in ("productId", "variantId"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise required(f"{where}.{key}")
    has_q, has_s = (
        "quantity" in item and item["quantity"] is not None,
        item.get("inStock") is not None,
    )
    if has_q == has_s:
        raise invalid(
            where, "exactly one of quantity or inStock must be set", violated_rule="ONE_OF"
        )
    if has_q:
        if _quantity(item["quantity"], f"{where}.quantity") < 0:
            raise invalid(
                f"{where}.quantity",
                "must be non-negative",
                rule_name="REQUESTED_QUANTITY_MUST_BE_NON_NEGATIVE",
            )
    elif not isinstance(item["inStock"], bool):
        raise invalid(f"{where}.inStock", "must be a boolean", violated_rule="TYPE")
    _preorder_patch(item.get("preorderInfo"), f"{where}.preorderInfo", has_q)
    return dict(item)


def create_item(ctx: Ctx, item: JsonDict, where: str) -> JsonDict:
    """Create one item (validated with ``validate_new``); raises ApiError."""
    product_id, variant_id = item["productId"], item["variantId"]
    # Missing references: 404 with an entity-specific code (unconfirmed in the
    # Wix docs, which leave it open between 404 and 400).
    product = load_product(ctx, product_id)
    if product is None:
        raise not_found("Product", product_id, code="PRODUCT_NOT_FOUND")
    variant = find_variant(product, variant_id)
    if variant is None:
        raise not_found(f"Variant of product {product_id}", variant_id, code="VARIANT_NOT_FOUND")
    location_id = item.get("locationId") or default_location_id(ctx)
    if location_id is None or not stores_location_exists(ctx, location_id):
        raise not_found("Stores location", str(location_id), code="LOCATION_NOT_FOUND")
    doc = new_item_doc(ctx, item, product, variant, location_id, where)
    exists = ctx.conn.execute(
        "SELECT id FROM inventory WHERE site_id = ? AND variant_id = ? AND location_id = ?",
        (ctx.site_id, variant_id, location_id),
    ).fetchone()
    if exists is not None:
        raise app_error(
            409,
            "ITEM_ALREADY_EXISTS",
            f"Inventory item for variant {variant_id} at location {location_id} already exists",
            existingItemId=exists[0],
        )
    ctx.conn.execute(
        "INSERT INTO inventory (site_id, id, product_id, variant_id, location_id, created,"
        " updated, doc)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (
            ctx.site_id,
            doc["id"],
            product_id,
            variant_id,
            location_id,
            doc["createdDate"],
            doc["updatedDate"],
            dumps(doc),
        ),
    )
    return doc


def new_item_doc(
    ctx: Ctx, item: JsonDict, product: JsonDict, variant: JsonDict, location_id: str, where: str
) -> JsonDict:
    """The document of a new item (input already checked by ``validate_new``)."""
    product_id, variant_id = product["id"], variant["id"]
    tracked = "quantity" in item and item["quantity"] is not None
    doc: JsonDict = {
        "id": ctx.ids.new(),
        "revision": "1",  # unconfirmed in the Wix docs: the starting value
        "createdDate": ctx.now_iso,
        "updatedDate": ctx.now_iso,
        "variantId": variant_id,
        "locationId": location_id,
        "productId": product_id,
    }
    if tracked:
        doc["quantity"] = int(item["quantity"])
    else:
        doc["inStock"] = item["inStock"]
    doc["preorderInfo"] = {
        "enabled": False,
        **_preorder_patch(item.get("preorderInfo"), where, tracked),
    }
    doc["product"] = snapshot(product, variant)
    if isinstance(item.get("extendedFields"), dict):
        doc["extendedFields"] = item["extendedFields"]
    derive(doc)
    _check_preorder(product, doc)
    return _order(doc)


def load_item(ctx: Ctx, item_id: str) -> JsonDict:
    row = ctx.conn.execute(
        "SELECT doc FROM inventory WHERE site_id = ? AND id = ?", (ctx.site_id, item_id)
    ).fetchone()
    if row is None:
        raise not_found("Inventory item", item_id)
    return json.loads(row["doc"])  # type: ignore[no-any-return]


def save_item(ctx: Ctx, doc: JsonDict) -> JsonDict:
    doc["revision"] = bump(doc["revision"])
    doc["updatedDate"] = ctx.now_iso
    doc = _order(derive(doc))
    ctx.conn.execute(
        "UPDATE inventory SET updated = ?, doc = ? WHERE site_id = ? AND id = ?",
        (doc["updatedDate"], dumps(doc), ctx.site_id, doc["id"]),
    )
    return doc


def apply_patch(ctx: Ctx, doc: JsonDict, patch: JsonDict, where: str) -> JsonDict:
    """Apply the writable fields of an update to a stored item; returns the new doc."""
    for key in ("variantId", "locationId", "productId"):
        if patch.get(key) not in (None, doc[key]):
            # Strict on purpose: silently ignoring would hide a client that tries
            # to move an item (unconfirmed in the Wix docs: ignore vs reject).
            raise invalid(f"{where}.{key}", "is immutable", violated_rule="IMMUTABLE")
    has_q = patch.get("quantity") is not None
    has_s = patch.get("inStock") is not None
    if has_q and has_s:
        raise invalid(where, "only one of quantity or inStock may be set", violated_rule="ONE_OF")
    if has_q:
        new_q = _quantity(patch["quantity"], f"{where}.quantity")
        old_q = doc.get("quantity")
        if new_q < 0 and (old_q is None or new_q < old_q):
            raise app_error(
                428,
                "REQUESTED_QUANTITY_MUST_BE_NON_NEGATIVE_DECREASING",
                "Quantity cannot be decreased to a negative value",
            )
        if old_q is None:  # switching from inStock to quantity tracking
            doc.pop("inStock", None)
            pre = doc.setdefault("preorderInfo", {"enabled": False})
            pre.pop("counter", None)
            pre.pop("limit", None)
        doc["quantity"] = new_q
    elif has_s:
        if not isinstance(patch["inStock"], bool):
            raise invalid(f"{where}.inStock", "must be a boolean", violated_rule="TYPE")
        doc.pop("quantity", None)
        doc["inStock"] = patch["inStock"]
    if patch.get("preorderInfo") is not None:
        pre_patch = _preorder_patch(
            patch["preorderInfo"], f"{where}.preorderInfo", "quantity" in doc
        )
        doc.setdefault("preorderInfo", {"enabled": False}).update(pre_patch)
    if isinstance(patch.get("extendedFields"), dict):
        doc["extendedFields"] = patch["extendedFields"]
    derive(doc)
    product = load_product(ctx, doc["productId"])
    if product is not None:
        _check_preorder(product, doc)
    return save_item(ctx, doc)


def update_item(
    ctx: Ctx, patch: Any, where: str, path_id: str | None = None, *, bulk: bool = False
) -> JsonDict:
    patch = prune(as_dict(patch, where), INVENTORY_ITEM)
    item_id = path_id or patch.get("id")
    if not item_id:
        raise required(f"{where}.id")
    if path_id and patch.get("id") not in (None, path_id):
        raise invalid(f"{where}.id", "must match the id in the path")
    if not patch.get("revision"):
        raise missing_revision(f"{where}.revision")
    doc = load_item(ctx, item_id)
    if str(patch["revision"]) != doc["revision"]:
        if bulk:
            # Per item in Bulk Update Inventory Items (Corrections 6, measured
            # against live Wix); a single update answers 409.
            raise app_error(
                409,
                "INVALID_REVISION",
                "Outdated revision for entity id",
                revisionViolation={"entityId": item_id},
            )
        raise revision_mismatch("Inventory item", item_id, doc["revision"], str(patch["revision"]))
    return apply_patch(ctx, doc, patch, where)
