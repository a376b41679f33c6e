"""Products V3 output: the stored document plus every read-only derived field.

Computed at read time from the stored product and its default-location
inventory items, so they are always current:
* variant ``inventoryStatus``: ``inStock`` = the default-location item is
  IN_STOCK; ``preorderEnabled`` = its preorder is enabled. No item counts as
  out of stock and not preorderable (unconfirmed in the Wix docs).
* choice ``inStock``/``visible``: some variant with that choice is in stock /
  visible.
* ``inventory``: IN_STOCK / OUT_OF_STOCK / PARTIALLY_OUT_OF_STOCK over the
  variants; preorderStatus ENABLED / DISABLED / PARTIALLY_ENABLED;
  preorderAvailability ALL_VARIANTS / NO_VARIANTS / SOME_VARIANTS (a variant
  can be preordered when preorder is enabled with remaining capacity).
* ``actualPriceRange``; ``compareAtPriceRange`` (a variant without a
  compare-at price counts with its actual price, as in the docs' example);
  ``physicalProperties.shippingWeightRange``; ``variantSummary.variantCount``.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from inventory_as_code.emulator._catalog import choice_names, variants_of
from inventory_as_code.emulator._util import JsonDict

_ORDER = (
    "id",
    "revision",
    "createdDate",
    "updatedDate",
    "name",
    "slug",
    "handle",
    "url",
    "visible",
    "visibleInPos",
    "productType",
    "description",
    "plainDescription",
    "media",
    "brand",
    "ribbon",
    "additionalRibbons",
    "mainCategoryId",
    "taxGroupId",
    "physicalProperties",
    "options",
    "modifiers",
    "infoSections",
    "inventory",
    "currency",
    "actualPriceRange",
    "compareAtPriceRange",
    "costRange",
    "variantsInfo",
    "variantSummary",
    "seoData",
    "tags",
    "subscriptionDetails",
    "purchaseEligibility",
    "extendedFields",
)


def _status(item: JsonDict | None) -> JsonDict:
    if item is None:
        return {"inStock": False, "preorderEnabled": False}
    return {
        "inStock": item.get("availabilityStatus") == "IN_STOCK",
        "preorderEnabled": bool(item.get("preorderInfo", {}).get("enabled")),
    }


def _preorderable(item: JsonDict | None) -> bool:
    if item is None or not item.get("preorderInfo", {}).get("enabled"):
        return False
    return bool(item["preorderInfo"].get("quantity", 1) > 0)


def _tri(flags: list[bool], all_: str, none: str, some: str) -> str:
    if flags and all(flags):
        return all_
    return some if any(flags) else none


def _money(amount: str, currency: bool) -> JsonDict:
    out: JsonDict = {"amount": amount}
    if currency:
        out["formattedAmount"] = f"${Decimal(amount):,.2f}"
    return out


def _range(values: list[str], currency: bool) -> JsonDict:
    ordered = sorted(values, key=Decimal)
    return {"minValue": _money(ordered[0], currency), "maxValue": _money(ordered[-1], currency)}


def render(
    product: JsonDict, fields: set[str], items: dict[str, JsonDict], *, with_variants: bool = True
) -> JsonDict:
    doc = copy.deepcopy(product)
    currency = "CURRENCY" in fields
    variants = variants_of(doc)
    statuses = {v["id"]: _status(items.get(v["id"])) for v in variants}
    for variant in variants:
        variant["inventoryStatus"] = statuses[variant["id"]]
        if "VARIANT_OPTION_CHOICE_NAMES" in fields:
            for choice, names in zip(
                variant.get("choices", []), choice_names(product, variant), strict=True
            ):
                choice["optionChoiceNames"] = names
        if "MERCHANT_DATA" not in fields:
            variant.pop("revenueDetails", None)
        if currency:
            variant["price"] = {k: _money(v["amount"], True) for k, v in variant["price"].items()}
    for option in doc.get("options") or []:
        for choice in option["choicesSettings"]["choices"]:
            with_choice = [
                v
                for v in variants
                if any(
                    c["optionChoiceIds"]["choiceId"] == choice["choiceId"]
                    for c in v.get("choices", [])
                )
            ]
            choice["inStock"] = any(statuses[v["id"]]["inStock"] for v in with_choice)
            choice["visible"] = any(v.get("visible", True) for v in with_choice)
    doc["inventory"] = {
        "availabilityStatus": _tri(
            [s["inStock"] for s in statuses.values()],
            "IN_STOCK",
            "OUT_OF_STOCK",
            "PARTIALLY_OUT_OF_STOCK",
        ),
        "preorderStatus": _tri(
            [s["preorderEnabled"] for s in statuses.values()],
            "ENABLED",
            "DISABLED",
            "PARTIALLY_ENABLED",
        ),
        "preorderAvailability": _tri(
            [_preorderable(items.get(v["id"])) for v in variants],
            "ALL_VARIANTS",
            "NO_VARIANTS",
            "SOME_VARIANTS",
        ),
    }
    if variants:
        actual = [v["price"]["actualPrice"]["amount"] for v in product["variantsInfo"]["variants"]]
        compare = [
            (v["price"].get("compareAtPrice") or v["price"]["actualPrice"])["amount"]
            for v in product["variantsInfo"]["variants"]
        ]
        doc["actualPriceRange"] = _range(actual, currency)
        doc["compareAtPriceRange"] = _range(compare, currency)
    weights = [
        v["physicalProperties"]["weight"]
        for v in variants
        if isinstance(v.get("physicalProperties"), dict)
        and v["physicalProperties"].get("weight") is not None
    ]
    if doc.get("productType") == "PHYSICAL":
        phys = doc.setdefault("physicalProperties", {})
        if weights:
            phys["shippingWeightRange"] = {"minValue": min(weights), "maxValue": max(weights)}
    doc["variantSummary"] = {"variantCount": len(variants)}
    if currency:
        doc["currency"] = "USD"
    if "URL" in fields:
        doc["url"] = {
            "relativePath": f"/product-page/{doc['slug']}",
            "url": f"https://emulated.wixsite.com/store/product-page/{doc['slug']}",
        }
    if "DESCRIPTION" not in fields:
        doc.pop("description", None)
    if "PLAIN_DESCRIPTION" not in fields:
        doc.pop("plainDescription", None)
    if not with_variants:
        doc.pop("variantsInfo", None)
    ordered = {k: doc[k] for k in _ORDER if k in doc}
    ordered.update({k: v for k, v in doc.items() if k not in ordered})
    return ordered


def strip_variants(doc: JsonDict) -> JsonDict:
    doc.pop("variantsInfo", None)
    return doc
