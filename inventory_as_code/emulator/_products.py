"""Products V3 write and get handlers (``/stores/v3/products``, ``products-with-inventory``, bulk).

Query, search and count: ``_product_query``.
"""

from __future__ import annotations

from typing import Any

from inventory_as_code.emulator._bulk import flag, items_of, merge, run_bulk
from inventory_as_code.emulator._catalog import (
    delete_product_row,
    load_product,
    product_seq,
    save_product,
)
from inventory_as_code.emulator._context import Ctx, Request
from inventory_as_code.emulator._errors import app_error, invalid, not_found, required
from inventory_as_code.emulator._inventory_model import apply_patch, create_item, validate_new
from inventory_as_code.emulator._inventory_rows import (
    default_items,
    delete_items,
    item_at,
    refresh_snapshots,
)
from inventory_as_code.emulator._product_model import build_new, build_update, check_revision
from inventory_as_code.emulator._product_render import render
from inventory_as_code.emulator._stores_locations import default_location_id
from inventory_as_code.emulator._util import JsonDict, as_dict
from inventory_as_code.emulator._variants import project

Inventory = list[tuple[str, JsonDict]]

MAX_BULK_PRODUCTS, MAX_BULK_VARIANTS, MAX_BULK_OPTIONS = 100, 1000, 100


def _fields(req: Request) -> set[str]:
    return set(req.fields)


def _render(ctx: Ctx, product: JsonDict, fields: set[str]) -> JsonDict:
    return render(product, fields, default_items(ctx, [product["id"]]))


def _load(ctx: Ctx, product_id: str) -> JsonDict:
    product = load_product(ctx, product_id)
    if product is None:
        raise not_found("Product", product_id, code="PRODUCT_NOT_FOUND")
    return product


def _check_inventory_inputs(inventory: Inventory, where: str, *, creating: bool) -> None:
    for n, (_variant_id, item) in enumerate(inventory):
        if creating or not item.get("id"):
            validate_new(item, f"{where}.inventoryItem[{n}]", need_ids=False)


def _create(ctx: Ctx, raw: Any, where: str, *, with_inventory: bool) -> tuple[JsonDict, Inventory]:
    doc, inventory = build_new(ctx, raw, where, with_inventory=with_inventory)
    if with_inventory:
        _check_inventory_inputs(inventory, where, creating=True)
    seq = save_product(ctx, doc, insert=True)
    project(ctx, doc["id"], seq, doc)
    return doc, inventory if with_inventory else []


def _update(
    ctx: Ctx, raw: Any, where: str, path_id: str | None, *, with_inventory: bool
) -> tuple[JsonDict, Inventory]:
    p = as_dict(raw, where)
    product_id = path_id or p.get("id")
    if not product_id:
        raise required(f"{where}.id")
    if path_id and p.get("id") not in (None, path_id):
        raise invalid(f"{where}.id", "must match the id in the path")
    current = _load(ctx, str(product_id))
    check_revision(p, where, current)
    doc, inventory, removed = build_update(ctx, p, where, current, with_inventory=with_inventory)
    if with_inventory:
        _check_inventory_inputs(inventory, where, creating=False)
    seq = save_product(ctx, doc, insert=False)
    if removed:
        # Removed variants lose their inventory items at every location
        # (Corrections 7: measured against live Wix).
        delete_items(ctx, doc["id"], removed)
    refresh_snapshots(ctx, doc)
    project(ctx, doc["id"], seq, doc)
    return doc, inventory if with_inventory else []


def _inventory_results(
    ctx: Ctx, product: JsonDict, inventory: Inventory, return_entity: bool, start: int
) -> JsonDict:
    """Create or update default-location items for a with-inventory call."""
    location_id = default_location_id(ctx)

    def one(_i: int, entry: tuple[str, JsonDict]) -> tuple[str, JsonDict]:
        variant_id, item = entry
        where = "inventoryItem"
        existing = item_at(ctx, variant_id, location_id or "")
        if item.get("id"):
            if existing is None or existing["id"] != item["id"]:
                raise not_found("Inventory item", str(item["id"]))
            patch = {k: v for k, v in item.items() if k not in ("id", "revision")}
            # unconfirmed in the Wix docs: the item revision is not checked here.
            doc = apply_patch(ctx, existing, patch, where)
        else:
            # The SDK: without an id "a new item with a different id is created",
            # which conflicts with an existing item for the same variant.
            new = {k: v for k, v in item.items() if k not in ("id", "revision")}
            doc = create_item(
                ctx, {**new, "productId": product["id"], "variantId": variant_id}, where
            )
        return doc["id"], doc

    return run_bulk(ctx, inventory, one, return_entity=return_entity, index_offset=start)


# ---- single-product calls ---------------------------------------------------


def h_create(ctx: Ctx, req: Request) -> JsonDict:
    if "product" not in req.body:
        raise required("product")
    doc, _ = _create(ctx, req.body["product"], "product", with_inventory=False)
    return {"product": _render(ctx, doc, _fields(req))}


def h_create_with_inventory(ctx: Ctx, req: Request) -> JsonDict:
    if "product" not in req.body:
        raise required("product")
    doc, inventory = _create(ctx, req.body["product"], "product", with_inventory=True)
    results = _inventory_results(ctx, doc, inventory, flag(req.body, "returnEntity"), 0)
    return {"product": _render(ctx, doc, _fields(req)), "inventoryResults": results}


def h_update(ctx: Ctx, req: Request) -> JsonDict:
    if "product" not in req.body:
        raise required("product")
    doc, _ = _update(ctx, req.body["product"], "product", req.params["id"], with_inventory=False)
    return {"product": _render(ctx, doc, _fields(req))}


def h_update_with_inventory(ctx: Ctx, req: Request) -> JsonDict:
    if "product" not in req.body:
        raise required("product")
    doc, inventory = _update(
        ctx, req.body["product"], "product", req.params["id"], with_inventory=True
    )
    results = _inventory_results(ctx, doc, inventory, flag(req.body, "returnEntity"), 0)
    return {"product": _render(ctx, doc, _fields(req)), "inventoryResults": results}


def _delete(ctx: Ctx, product_id: str) -> None:
    _load(ctx, product_id)
    seq = product_seq(ctx, product_id)
    delete_product_row(ctx, product_id)
    # unconfirmed in the Wix docs: deleting a product deletes its inventory items.
    delete_items(ctx, product_id)
    project(ctx, product_id, seq, None)


def h_delete(ctx: Ctx, req: Request) -> JsonDict:
    _delete(ctx, req.params["id"])
    return {}


def h_get(ctx: Ctx, req: Request) -> JsonDict:
    return {"product": _render(ctx, _load(ctx, req.params["id"]), _fields(req))}


def h_get_by_slug(ctx: Ctx, req: Request) -> JsonDict:
    row = ctx.conn.execute(
        "SELECT id FROM products WHERE site_id = ? AND slug = ?", (ctx.site_id, req.params["slug"])
    ).fetchone()
    if row is None:
        raise not_found("Product with slug", req.params["slug"], code="PRODUCT_NOT_FOUND")
    return {"product": _render(ctx, _load(ctx, row[0]), _fields(req))}


# ---- bulk calls -----------------------------------------------------------------


def _check_totals(products: list[JsonDict], where: str) -> None:
    variants = sum(len((p.get("variantsInfo") or {}).get("variants") or []) for p in products)
    options = sum(len(p.get("options") or []) for p in products)
    if variants > MAX_BULK_VARIANTS:
        raise invalid(
            where,
            f"may contain at most {MAX_BULK_VARIANTS} variants in total",
            rule_name="TOO_MANY_VARIANTS",
        )
    if options > MAX_BULK_OPTIONS:
        raise app_error(
            400, "TOO_MANY_OPTIONS_IN_REQUEST", f"At most {MAX_BULK_OPTIONS} options per request"
        )


def _bulk_create(ctx: Ctx, req: Request, *, with_inventory: bool) -> tuple[JsonDict, JsonDict]:
    products = items_of(req.body, "products", MAX_BULK_PRODUCTS)
    for i, p in enumerate(products):
        if isinstance(p, dict) and p.get("id"):
            raise invalid(
                f"products[{i}].id", "must not be set", rule_name="ID_NOT_ALLOWED_IN_REQUEST"
            )
    _check_totals([p for p in products if isinstance(p, dict)], "products")
    fields, return_entity = _fields(req), flag(req.body, "returnEntity")
    created: list[tuple[JsonDict, Inventory]] = []

    def one(i: int, raw: Any) -> tuple[str, JsonDict]:
        doc, inventory = _create(ctx, raw, f"products[{i}]", with_inventory=with_inventory)
        created.append((doc, inventory))
        return doc["id"], _render(ctx, doc, fields)

    product_results = run_bulk(ctx, products, one, return_entity=return_entity)
    return product_results, _bulk_inventory(ctx, created, return_entity)


def _bulk_inventory(
    ctx: Ctx, done: list[tuple[JsonDict, Inventory]], return_entity: bool
) -> JsonDict:
    # unconfirmed in the Wix docs: originalIndex of inventory results counts the
    # inventory entries of the whole request in order.
    parts, start = [], 0
    for doc, inventory in done:
        parts.append(_inventory_results(ctx, doc, inventory, return_entity, start))
        start += len(inventory)
    return merge(parts)


def _bulk_update(ctx: Ctx, req: Request, *, with_inventory: bool) -> tuple[JsonDict, JsonDict]:
    entries = items_of(req.body, "products", MAX_BULK_PRODUCTS)
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        product = as_dict(as_dict(entry, f"products[{i}]").get("product"), f"products[{i}].product")
        if not product.get("id"):
            raise required(f"products[{i}].product.id")
        if product["id"] in seen:
            raise invalid(
                "products",
                f"product {product['id']} appears more than once",
                rule_name="DUPLICATE_PRODUCT_IDS_REQUEST",
            )
        seen.add(product["id"])
    _check_totals([e["product"] for e in entries], "products")
    fields, return_entity = _fields(req), flag(req.body, "returnEntity")
    updated: list[tuple[JsonDict, Inventory]] = []

    def one(i: int, entry: JsonDict) -> tuple[str, JsonDict]:
        doc, inventory = _update(
            ctx, entry["product"], f"products[{i}].product", None, with_inventory=with_inventory
        )
        updated.append((doc, inventory))
        return doc["id"], _render(ctx, doc, fields)

    results = run_bulk(
        ctx, entries, one, return_entity=return_entity, id_of=lambda e: str(e["product"]["id"])
    )
    return results, _bulk_inventory(ctx, updated, return_entity)


def h_bulk_create(ctx: Ctx, req: Request) -> JsonDict:
    return _bulk_create(ctx, req, with_inventory=False)[0]


def h_bulk_create_with_inventory(ctx: Ctx, req: Request) -> JsonDict:
    products, inventory = _bulk_create(ctx, req, with_inventory=True)
    return {"productResults": products, "inventoryResults": inventory}


def h_bulk_update(ctx: Ctx, req: Request) -> JsonDict:
    return _bulk_update(ctx, req, with_inventory=False)[0]


def h_bulk_update_with_inventory(ctx: Ctx, req: Request) -> JsonDict:
    products, inventory = _bulk_update(ctx, req, with_inventory=True)
    return {"productResults": products, "inventoryResults": inventory}


def h_bulk_delete(ctx: Ctx, req: Request) -> JsonDict:
    ids = [str(x) for x in items_of(req.body, "productIds", MAX_BULK_PRODUCTS)]
    if len(set(ids)) != len(ids):
        raise invalid(
            "productIds", "contains duplicates", rule_name="DUPLICATE_PRODUCT_IDS_REQUEST"
        )

    def one(_i: int, product_id: str) -> tuple[str, None]:
        _delete(ctx, product_id)
        return product_id, None

    return run_bulk(ctx, ids, one, return_entity=False, id_of=lambda x: str(x))
