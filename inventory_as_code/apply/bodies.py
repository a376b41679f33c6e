"""Wix request bodies built from plan changes (and, for updates, the live product).

Pure functions. Values come from the plan's ``after`` dicts, so ``apply``
sends exactly what the plan showed.

Variants: Wix replaces ``variantsInfo.variants`` whole on update, so an
update sends every live variant that stays, with its id and every field the
read returned (price, sku, barcode, visibility, physical or digital
properties), changed only where the plan says; new variants go without an
id; removed ones are left out. Whether Wix keeps fields of a kept variant
that are not sent is unconfirmed, so nothing is left out on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from inventory_as_code.live.model import LiveProduct
from inventory_as_code.plan.model import Action, Change, Kind

RENDER = "TEXT_CHOICES"
# Wix requires an address and a time zone to create a location; the YAML may
# leave both out (the location is then a plain stock-keeping place).
DEFAULT_TIME_ZONE = "Etc/UTC"
_READ_ONLY_VARIANT_FIELDS = ("inventoryStatus", "media", "subscriptionPricesInfo", "productData")


def location_body(change: Change) -> dict[str, Any]:
    after = dict(change.after or {})
    address_in = after.get("address") or {}
    address: dict[str, Any] = {}
    if address_in.get("country"):
        address["country"] = address_in["country"]
    if address_in.get("subdivision"):
        address["subdivision"] = address_in["subdivision"]
    if address_in.get("city"):
        address["city"] = address_in["city"]
    if address_in.get("postal_code"):
        address["postalCode"] = address_in["postal_code"]
    if address_in.get("street"):
        address["streetAddress"] = {"name": address_in["street"]}
        address["formatted"] = ", ".join(
            str(address_in[k]) for k in ("street", "postal_code", "city") if address_in.get(k)
        )
    return {
        "name": after["name"],
        "address": address,
        "timeZone": after.get("time_zone") or DEFAULT_TIME_ZONE,
        "locationTypes": ["INVENTORY"],
    }


def price_body(values: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    price: dict[str, Any] = dict(base or {})
    if "price" in values:
        price["actualPrice"] = {"amount": values["price"]}
    if "compare_at_price" in values:
        if values["compare_at_price"] is None:
            price.pop("compareAtPrice", None)
        else:
            price["compareAtPrice"] = {"amount": values["compare_at_price"]}
    return price


def stock_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """The tracking member and preorder settings of an inventory item."""
    body: dict[str, Any] = {}
    if values.get("tracking") == "in_stock" or ("in_stock" in values and "quantity" not in values):
        body["inStock"] = bool(values.get("in_stock"))
    elif "quantity" in values:
        body["quantity"] = int(values["quantity"])
    preorder = values.get("preorder") or {}
    if preorder:
        body["preorderInfo"] = {k: v for k, v in preorder.items() if v is not None}
        if "inStock" in body:
            body["preorderInfo"].pop("limit", None)  # Wix: a limit needs quantity tracking
    return body


def _choices(options: Sequence[str], key: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {"optionChoiceNames": {"optionName": name, "choiceName": choice, "renderType": RENDER}}
        for name, choice in zip(options, key, strict=True)
    ]


def _options_body(
    options: Mapping[str, Sequence[str]], live: LiveProduct | None = None
) -> list[dict[str, Any]]:
    """Options with their choices; live option and choice ids are kept where names match."""
    live_options = {o.name: o for o in (live.options if live else ())}
    out = []
    for name, choices in options.items():
        existing = live_options.get(name)
        ids = dict(zip(existing.choices, existing.choice_ids, strict=False)) if existing else {}
        option: dict[str, Any] = {
            "name": name,
            "optionRenderType": existing.render_type if existing else RENDER,
            "choicesSettings": {
                "choices": [
                    {"choiceId": ids[c], "choiceType": "CHOICE_TEXT", "name": c}
                    if c in ids
                    else {"choiceType": "CHOICE_TEXT", "name": c}
                    for c in choices
                ]
            },
        }
        if existing and existing.id:
            option["id"] = existing.id
        out.append(option)
    return out


def product_create_body(
    slug: str, changes: Iterable[Change], default_location: str | None
) -> dict[str, Any]:
    """A ProductWithInventory for bulk create: product, variants, default-location stock."""
    changes = list(changes)
    product = next(c for c in changes if c.kind is Kind.PRODUCT)
    after = dict(product.after or {})
    options: dict[str, list[str]] = dict(after.get("options") or {})
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
            "choices": _choices(list(options), key),
        }
        for field, wix in (("sku", "sku"), ("visible", "visible")):
            if field in values:
                variant[wix] = values[field]
        variant["physicalProperties" if physical else "digitalProperties"] = {}
        stock = stock_at_default.get(key)
        if stock is not None:
            variant["inventoryItem"] = stock_body(stock.after or {})
        variants.append(variant)
    body: dict[str, Any] = {
        "name": after.get("name", slug),
        "slug": slug,
        "productType": "PHYSICAL" if physical else "DIGITAL",
        "variantsInfo": {"variants": variants},
    }
    if physical:
        body["physicalProperties"] = {}
    if "visible" in after:
        body["visible"] = after["visible"]
    if options:
        body["options"] = _options_body(options)
    return body


def live_variant_body(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A live variant in the shape Update Product takes, every returned field kept."""
    if "variantId" in raw:  # read-only variants API shape
        variant = {k: v for k, v in raw.items() if k not in _READ_ONLY_VARIANT_FIELDS}
        variant["id"] = variant.pop("variantId")
        variant.pop("optionChoices", None)
        variant["choices"] = [
            {"optionChoiceIds": c["optionChoiceIds"]}
            for c in raw.get("optionChoices") or []
            if c.get("optionChoiceIds")
        ]
        return variant
    variant = {k: v for k, v in raw.items() if k not in _READ_ONLY_VARIANT_FIELDS}
    variant["choices"] = [
        {"optionChoiceIds": c["optionChoiceIds"]}
        for c in raw.get("choices") or []
        if c.get("optionChoiceIds")
    ]
    return variant


def product_update_body(changes: Iterable[Change], live: LiveProduct) -> dict[str, Any]:
    """Bulk-update entry for an existing product, guarded by the revision the plan saw."""
    changes = list(changes)
    body: dict[str, Any] = {"id": live.id, "revision": revision_seen(changes, live)}
    product_change = next((c for c in changes if c.kind is Kind.PRODUCT), None)
    after = dict(product_change.after or {}) if product_change else {}
    if "name" in after:
        body["name"] = after["name"]
    if "visible" in after:
        body["visible"] = after["visible"]
    variant_changes = [c for c in changes if c.kind is Kind.VARIANT]
    options_change = product_change is not None and any(
        f.field.split(".")[0] == "options" for f in product_change.fields
    )
    if not variant_changes and not options_change:
        return body
    # An empty mapping is a change too (every option removed), not "keep the live ones".
    live_options = {o.name: list(o.choices) for o in live.options}
    options = dict(after.get("options", live_options))
    by_key = {tuple(c.keys["variant"]): c for c in variant_changes}
    removed = {k for k, c in by_key.items() if c.action is Action.DELETE}
    variants = []
    names_changed = list(options) != [o.name for o in live.options]
    for live_variant in live.variants:
        if names_changed or live_variant.key in removed:
            continue
        variant = live_variant_body(live_variant.raw)
        change = by_key.get(live_variant.key)
        if change is not None and change.action is Action.UPDATE:
            values = dict(change.after or {})
            variant["price"] = price_body(values, variant.get("price"))
            for field in ("sku", "visible"):
                if field in values:
                    variant[field] = values[field]
        variants.append(variant)
    physical = live.product_type.upper() == "PHYSICAL"
    for key, change in by_key.items():
        if change.action is not Action.CREATE:
            continue
        values = dict(change.after or {})
        new: dict[str, Any] = {
            "price": price_body({"price": values.get("price", "0.00"), **values}),
            "choices": _choices(list(options), key),
            "physicalProperties" if physical else "digitalProperties": {},
        }
        for field in ("sku", "visible"):
            if field in values:
                new[field] = values[field]
        variants.append(new)
    body["options"] = _options_body(options, live)
    body["variantsInfo"] = {"variants": variants}
    return body


def revision_seen(changes: Iterable[Change], live: LiveProduct) -> str:
    for change in changes:
        if change.observed is not None:
            return change.observed.revision
    return live.revision
