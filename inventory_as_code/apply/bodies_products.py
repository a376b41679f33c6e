"""Product request bodies: the live product plus exactly the planned fields.

Pure functions. An update never rebuilds a product from defaults: Wix
replaces ``options`` and ``variantsInfo.variants`` whole, so every option,
choice and variant that stays is sent back as it was read (choice types,
colours, media, barcodes, weights, ...), renamed or changed only where the
plan says. The rules Wix couples are handled here, where bodies are built:

* A variant's ``optionChoiceNames.renderType`` must match its option's
  ``optionRenderType`` (a colour-swatch option is ``SWATCH_CHOICES``); kept
  variants carry their choices with names as well as ids.
* A choice of a swatch option is ``ONE_COLOR`` with a ``colorCode``; existing
  choices keep the type and colour they have live unless the YAML manages
  the option's colours.
* An option-less product's visibility follows its single variant's
  ``visible`` whenever the variant is written (shared/wix-api Corrections 5),
  so that variant is always sent with the product's visibility after the plan.
* Read-only fields (``key``, ``inStock``, formatted amounts, ...) are not sent.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from inventory_as_code.apply.bodies_stock import stock_create_values
from inventory_as_code.apply.calls import rewrites_variants
from inventory_as_code.live.model import LiveOption, LiveProduct
from inventory_as_code.plan.model import Action, Change, Kind
from inventory_as_code.plan.renames import ProductRenames, rename_product

TEXT = "TEXT_CHOICES"
SWATCH = "SWATCH_CHOICES"
# Fields Wix computes: sending them back is pointless, and a stale copy could
# only confuse. The emulator and the SDK's types agree that these are read-only.
_READ_ONLY_OPTION_FIELDS = ("key",)
_READ_ONLY_CHOICE_FIELDS = ("key", "inStock", "visible", "displayImage")
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


def _choice_refs(
    options: Mapping[str, Sequence[str]],
    render: Mapping[str, str],
    key: Sequence[str],
    ids: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """A variant's choices: names with the option's render type, plus live ids when known."""
    out = []
    for name, choice in zip(options, key, strict=True):
        ref: dict[str, Any] = {
            "optionChoiceNames": {
                "optionName": name,
                "choiceName": choice,
                "renderType": render[name],
            }
        }
        if ids and name in ids:
            ref["optionChoiceIds"] = dict(ids[name])
        out.append(ref)
    return out


def _new_choice(name: str, render: str, colors: Mapping[str, Any]) -> dict[str, Any]:
    if render == SWATCH:
        return {"choiceType": "ONE_COLOR", "colorCode": colors.get(name), "name": name}
    return {"choiceType": "CHOICE_TEXT", "name": name}


def options_body(
    options: Mapping[str, Sequence[str]],
    swatches: Mapping[str, Mapping[str, Any]],
    live: Sequence[LiveOption] = (),
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Options as Wix takes them, and the render type of each (for the variants' choices).

    ``live`` are the product's options under their YAML names (see
    :func:`~inventory_as_code.plan.renames.rename_product`); their ``raw``
    still has the live names, which are replaced by the YAML's.
    """
    live_by_name = {o.name: o for o in live}
    out: list[dict[str, Any]] = []
    render: dict[str, str] = {}
    for name, choices in options.items():
        existing = live_by_name.get(name)
        managed_colors = swatches.get(name)
        if managed_colors is not None:
            render[name] = SWATCH
        else:
            render[name] = existing.render_type if existing else TEXT
        option: dict[str, Any] = {}
        raw_choices: dict[str, dict[str, Any]] = {}
        if existing is not None:
            option = {k: copy.deepcopy(v) for k, v in existing.raw.items()}
            for field in _READ_ONLY_OPTION_FIELDS:
                option.pop(field, None)
            raw_list = (existing.raw.get("choicesSettings") or {}).get("choices") or []
            raw_choices = dict(zip(existing.choices, raw_list, strict=False))
        body_choices = []
        for choice in choices:
            raw = raw_choices.get(choice)
            if raw is None:
                body_choices.append(_new_choice(choice, render[name], managed_colors or {}))
                continue
            kept = {
                k: copy.deepcopy(v) for k, v in raw.items() if k not in _READ_ONLY_CHOICE_FIELDS
            }
            kept["name"] = choice
            if managed_colors is not None:
                kept["choiceType"] = "ONE_COLOR"
                kept["colorCode"] = managed_colors.get(choice) or kept.get("colorCode")
            body_choices.append(kept)
        option["name"] = name
        option["optionRenderType"] = render[name]
        option["choicesSettings"] = {"choices": body_choices}
        out.append(option)
    return out, render


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


def _live_choice_ids(raw: Mapping[str, Any], options: Sequence[LiveOption]) -> dict[str, Any]:
    """Option (YAML name) -> the variant's optionChoiceIds, from either read shape."""
    by_option_id = {o.id: o.name for o in options}
    ids: dict[str, Any] = {}
    for choice in raw.get("choices") or raw.get("optionChoices") or []:
        refs = choice.get("optionChoiceIds") or {}
        name = by_option_id.get(refs.get("optionId"))
        if name is not None:
            ids[name] = refs
    return ids


def _apply_variant_values(variant: dict[str, Any], values: Mapping[str, Any]) -> None:
    variant["price"] = price_body(values, variant.get("price"))
    for field in ("sku", "visible"):
        if field in values:
            variant[field] = values[field]


def product_create_body(
    slug: str, changes: Iterable[Change], default_location: str | None
) -> dict[str, Any]:
    """A ProductWithInventory for bulk create: product, variants, default-location stock."""
    changes = list(changes)
    product = next(c for c in changes if c.kind is Kind.PRODUCT)
    after = dict(product.after or {})
    options: dict[str, list[str]] = dict(after.get("options") or {})
    options_json, render = options_body(options, after.get("swatches") or {})
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
            "choices": _choice_refs(options, render, key),
        }
        for field in ("sku", "visible"):
            if field in values:
                variant[field] = values[field]
        if not options and "visible" in after:
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
    if options:
        body["options"] = options_json
    return body


def product_update_body(changes: Iterable[Change], fresh: LiveProduct) -> dict[str, Any]:
    """Bulk-update entry for an existing product, guarded by the revision the plan saw.

    ``fresh`` is the product as read just before writing, under its live names.
    """
    changes = list(changes)
    product_change = next((c for c in changes if c.kind is Kind.PRODUCT), None)
    renames = ProductRenames.from_dict(
        (product_change.keys if product_change else {}).get("renames")
    )
    live = rename_product(fresh, renames)
    body: dict[str, Any] = {"id": live.id, "revision": revision_seen(changes, live)}
    after = dict(product_change.after or {}) if product_change else {}
    for field in ("name", "visible"):
        if field in after:
            body[field] = after[field]
    if renames.slug:
        body["slug"] = product_change.keys["slug"]  # type: ignore[union-attr]
    if not rewrites_variants(changes):
        return body  # apply.calls sizes the call the same way
    variant_changes = [c for c in changes if c.kind is Kind.VARIANT]
    options: dict[str, list[str]] = dict(
        after.get("options", {o.name: list(o.choices) for o in live.options})
    )
    options_json, render = options_body(options, after.get("swatches") or {}, live.options)
    by_key = {tuple(c.keys["variant"]): c for c in variant_changes}
    removed = {k for k, c in by_key.items() if c.action is Action.DELETE}
    visible = after.get("visible", live.visible)
    variants = []
    if list(options) == [o.name for o in live.options]:
        for live_variant in live.variants:
            if live_variant.key in removed:
                continue
            variant = live_variant_body(live_variant.raw)
            variant["choices"] = _choice_refs(
                options, render, live_variant.key, _live_choice_ids(live_variant.raw, live.options)
            )
            change = by_key.get(live_variant.key)
            if change is not None and change.action is Action.UPDATE:
                _apply_variant_values(variant, change.after or {})
            if not options:
                variant["visible"] = visible  # Wix couples them (module docstring)
            variants.append(variant)
    physical = live.product_type.upper() == "PHYSICAL"
    for key, change in by_key.items():
        if change.action is not Action.CREATE:
            continue
        values = dict(change.after or {})
        new: dict[str, Any] = {
            "price": price_body({"price": values.get("price", "0.00"), **values}),
            "choices": _choice_refs(options, render, key),
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
