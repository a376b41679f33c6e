"""Product request bodies: the live product plus exactly the planned fields.

Pure functions. An update never rebuilds a product from defaults: Wix
replaces ``options`` and ``variantsInfo.variants`` whole, so every option,
choice and variant that stays is sent back as it was read (media, barcodes,
weights, ...), changed only where the plan says. The rules Wix couples are
handled here, where bodies are built:

* A product picks choices of the store's options (Wix customizations): its
  options and its variants' choices name them by id and under their current
  names (:mod:`.bodies_options`); the options' own names and colours are
  written apart, before products, and never through a product.
* An option-less product's visibility follows its single variant's
  ``visible`` whenever the variant is written (shared/wix-api Corrections 5),
  so that variant is always sent with the product's visibility after the plan.
* Read-only fields (``key``, ``inStock``, formatted amounts, ...) are not sent.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from inventory_as_code.apply.bodies_options import (
    Customization,
    choice_refs,
    known_options,
    product_options,
)
from inventory_as_code.apply.bodies_stock import stock_create_values
from inventory_as_code.apply.calls import rewrites_variants
from inventory_as_code.live.model import LiveProduct
from inventory_as_code.plan.model import Action, Change, Kind
from inventory_as_code.plan.renames import ProductRenames, rename_product

# Fields Wix computes: sending them back is pointless, and a stale copy could
# only confuse. The emulator and the SDK's types agree that these are read-only.
_READ_ONLY_VARIANT_FIELDS = (
    "inventoryStatus",
    "media",
    "subscriptionPricesInfo",
    "productData",
    "revenueDetails",
    "variantName",
)


def price_body(values: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A variant's price: the live one with the planned amounts (formatted amounts dropped)."""
    price: dict[str, Any] = {
        k: {"amount": v["amount"]} if isinstance(v, Mapping) and "amount" in v else v
        for k, v in (base or {}).items()
        if k in ("actualPrice", "compareAtPrice")
    }
    if "price" in values:
        price["actualPrice"] = {"amount": values["price"]}
    if "compare_at_price" in values:
        if values["compare_at_price"] is None:
            price.pop("compareAtPrice", None)
        else:
            price["compareAtPrice"] = {"amount": values["compare_at_price"]}
    return price


def live_variant_body(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A live variant in the shape Update Product takes; writable fields kept as read."""
    variant = {
        k: copy.deepcopy(v)
        for k, v in raw.items()
        if k not in _READ_ONLY_VARIANT_FIELDS and k not in ("choices", "optionChoices")
    }
    if "variantId" in variant:  # read-only variants API shape
        variant["id"] = variant.pop("variantId")
    if "price" in variant:
        variant["price"] = price_body({}, variant["price"])
    return variant


def _apply_variant_values(variant: dict[str, Any], values: Mapping[str, Any]) -> None:
    variant["price"] = price_body(values, variant.get("price"))
    for field in ("sku", "visible"):
        if field in values:
            variant[field] = values[field]


def product_create_body(
    slug: str,
    changes: Iterable[Change],
    default_location: str | None,
    options: Mapping[str, Customization],
) -> dict[str, Any]:
    """A ProductWithInventory for bulk create: product, variants, default-location stock.

    ``options``: the site's options by name identity, as they are now.
    """
    changes = list(changes)
    product = next(c for c in changes if c.kind is Kind.PRODUCT)
    after = dict(product.after or {})
    wanted: dict[str, list[str]] = dict(after.get("options") or {})
    options = known_options(wanted, options)
    options_json = product_options(wanted, options)
    physical = after.get("product_type", "physical") == "physical"
    stock_at_default = {
        tuple(c.keys["variant"]): c
        for c in changes
        if c.kind is Kind.STOCK and c.keys.get("location") == default_location
    }
    variants = []
    for change in (c for c in changes if c.kind is Kind.VARIANT):
        values = dict(change.after or {})
        key = tuple(change.keys["variant"])
        variant: dict[str, Any] = {
            "price": price_body({"price": values.get("price", "0.00"), **values}),
            "choices": choice_refs(list(wanted), key, options),
        }
        for field in ("sku", "visible"):
            if field in values:
                variant[field] = values[field]
        if not wanted and "visible" in after:
            variant["visible"] = after["visible"]  # Wix couples them (module docstring)
        variant["physicalProperties" if physical else "digitalProperties"] = {}
        stock = stock_at_default.get(key)
        if stock is not None:
            variant["inventoryItem"] = stock_create_values(stock.after or {})
        variants.append(variant)
    body: dict[str, Any] = {
        "name": after["name"],
        "slug": slug,
        "productType": "PHYSICAL" if physical else "DIGITAL",
        "variantsInfo": {"variants": variants},
    }
    if physical:
        body["physicalProperties"] = {}
    if "visible" in after:
        body["visible"] = after["visible"]
    if wanted:
        body["options"] = options_json
    return body


def product_update_body(
    changes: Iterable[Change],
    fresh: LiveProduct,
    options: Mapping[str, Customization],
    revision: str | None = None,
) -> dict[str, Any]:
    """Bulk-update entry for an existing product, guarded by the revision the plan saw.

    ``fresh`` is the product as read just before writing, under its live names;
    ``options`` the site's options now. ``revision``: the one to send instead of
    the plan's, when this run's own option writes moved the product's on.
    """
    changes = list(changes)
    product_change = next((c for c in changes if c.kind is Kind.PRODUCT), None)
    renames = ProductRenames.from_dict(
        (product_change.keys if product_change else {}).get("renames")
    )
    live = rename_product(fresh, renames)
    body: dict[str, Any] = {"id": live.id, "revision": revision or revision_seen(changes, live)}
    after = dict(product_change.after or {}) if product_change else {}
    for field in ("name", "visible"):
        if field in after:
            body[field] = after[field]
    if renames.slug:
        body["slug"] = product_change.keys["slug"]  # type: ignore[union-attr]
    if not rewrites_variants(changes):
        return body  # apply.calls sizes the call the same way
    variant_changes = [c for c in changes if c.kind is Kind.VARIANT]
    wanted: dict[str, list[str]] = dict(
        after.get("options", {o.name: list(o.choices) for o in live.options})
    )
    options = known_options(wanted, options, live.options)
    options_json = product_options(wanted, options, {str(o.id): o.raw for o in live.options})
    by_key = {tuple(c.keys["variant"]): c for c in variant_changes}
    removed = {k for k, c in by_key.items() if c.action is Action.DELETE}
    visible = after.get("visible", live.visible)
    variants = []
    if list(wanted) == [o.name for o in live.options]:
        for live_variant in live.variants:
            if live_variant.key in removed:
                continue
            variant = live_variant_body(live_variant.raw)
            variant["choices"] = choice_refs(list(wanted), live_variant.key, options)
            change = by_key.get(live_variant.key)
            if change is not None and change.action is Action.UPDATE:
                _apply_variant_values(variant, change.after or {})
            if not wanted:
                variant["visible"] = visible  # Wix couples them (module docstring)
            variants.append(variant)
    physical = live.product_type.upper() == "PHYSICAL"
    for key, change in by_key.items():
        if change.action is not Action.CREATE:
            continue
        values = dict(change.after or {})
        new: dict[str, Any] = {
            "price": price_body({"price": values.get("price", "0.00"), **values}),
            "choices": choice_refs(list(wanted), key, options),
            "physicalProperties" if physical else "digitalProperties": {},
        }
        for field in ("sku", "visible"):
            if field in values:
                new[field] = values[field]
        variants.append(new)
    body["options"] = options_json
    body["variantsInfo"] = {"variants": variants}
    return body


def revision_seen(changes: Iterable[Change], live: LiveProduct) -> str:
    for change in changes:
        if change.observed is not None:
            return change.observed.revision
    return live.revision
