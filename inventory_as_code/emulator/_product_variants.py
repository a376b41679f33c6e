"""Products V3 variants: the ``variantsInfo.variants`` of a create or update.

Rules (products-v3.md "How variants are added, removed and changed"): a
variant with a known ``id`` is kept and takes the fields sent over its stored
ones; without an ``id`` it is new; one left out is removed. ``choices`` are
immutable and pick exactly one choice for every option, no two variants the
same combination (428 ``VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT`` /
``MISSING_VARIANT_OPTION_CHOICE`` / ``DUPLICATE_VARIANT_OPTION_CHOICE``,
Corrections 3); a product without options has exactly one variant;
``actualPrice`` required, ``compareAtPrice >= actualPrice``; SKUs and barcodes
unique in the store (scope unconfirmed in the Wix docs). Variant ``visible``
defaults to true, also on a hidden product.
"""

from __future__ import annotations

import copy
from typing import Any

from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._errors import app_error, invalid, required
from inventory_as_code.emulator._product_options import resolve_choice
from inventory_as_code.emulator._util import (
    JsonDict,
    as_dict,
    as_list,
    parse_money,
    string_field,
)

MAX_VARIANTS = 1000
_VARIANT_WRITABLE = (
    "visible",
    "sku",
    "barcode",
    "price",
    "physicalProperties",
    "digitalProperties",
    "revenueDetails",
)


def price_info(value: Any, at: str) -> JsonDict:
    price = as_dict(value, at)
    actual = as_dict(price.get("actualPrice"), f"{at}.actualPrice")
    if "amount" not in actual:
        raise required(f"{at}.actualPrice.amount")
    amount = parse_money(actual["amount"], f"{at}.actualPrice.amount")
    if price.get("compareAtPrice") is not None:
        compare = as_dict(price["compareAtPrice"], f"{at}.compareAtPrice")
        if parse_money(compare.get("amount"), f"{at}.compareAtPrice.amount") < amount:
            raise app_error(
                400,
                "COMPARE_AT_PRICE_LOWER_THAN_ACTUAL_PRICE",
                f"{at}: compareAtPrice is lower than actualPrice",
            )
    return {
        k: {"amount": price[k]["amount"]}
        for k in ("actualPrice", "compareAtPrice")
        if price.get(k) is not None
    }


def build_variants(
    ctx: Ctx,
    raw: Any,
    where: str,
    options: list[JsonDict],
    product: JsonDict,
    current: list[JsonDict],
) -> tuple[list[JsonDict], list[tuple[str, JsonDict]]]:
    entries = as_list(as_dict(raw, where).get("variants"), f"{where}.variants")
    if not entries:
        raise required(f"{where}.variants", message="variantsInfo must not be empty")
    if len(entries) > MAX_VARIANTS:
        raise invalid(
            f"{where}.variants",
            f"must contain at most {MAX_VARIANTS} elements",
            violated_rule="MAX_SIZE",
        )
    if not options and len(entries) != 1:
        raise app_error(
            400, "INVALID_DEFAULT_VARIANT", "A product without options has exactly one variant"
        )
    kept = {v["id"]: v for v in current}
    out: list[JsonDict] = []
    inventory: list[tuple[str, JsonDict]] = []
    combos: set[tuple[tuple[str, str], ...]] = set()
    skus: set[str] = set()
    option_ids = [o["id"] for o in options]
    for j, entry in enumerate(entries):
        at = f"{where}.variants[{j}]"
        entry = as_dict(entry, at)
        base = kept.get(str(entry.get("id"))) if entry.get("id") else None
        if entry.get("id") and base is None:
            row = ctx.conn.execute(
                "SELECT product_id FROM variants WHERE site_id = ? AND variant_id = ?",
                (ctx.site_id, entry["id"]),
            ).fetchone()
            if row is not None:
                raise app_error(
                    409, "VARIANT_ID_ALREADY_EXISTS", f"Variant id {entry['id']} is already used"
                )
        variant: JsonDict = (
            copy.deepcopy(base) if base else {"id": str(entry.get("id") or ctx.ids.new())}
        )
        if "choices" in entry or base is None:
            pairs = [
                resolve_choice(c, f"{at}.choices[{k}]", options)
                for k, c in enumerate(as_list(entry.get("choices"), f"{at}.choices"))
            ]
            choices = [{"optionChoiceIds": {"optionId": o, "choiceId": c}} for o, c in pairs]
            if base is not None and choices != base.get("choices", []):
                raise invalid(
                    f"{at}.choices",
                    "is immutable: drop the variant and add a new one",
                    violated_rule="IMMUTABLE",
                )
            variant["choices"] = choices
        pairs = [
            (c["optionChoiceIds"]["optionId"], c["optionChoiceIds"]["choiceId"])
            for c in variant.get("choices", [])
        ]
        valid_choices = {
            (o["id"], c["choiceId"]) for o in options for c in o["choicesSettings"]["choices"]
        }
        if any(p not in valid_choices for p in pairs) or len({o for o, _ in pairs}) != len(pairs):
            raise app_error(
                428,
                "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT",
                f"{at} does not match the product options",
            )
        if {o for o, _ in pairs} != set(option_ids):
            raise app_error(
                428, "MISSING_VARIANT_OPTION_CHOICE", f"{at} must have one choice for every option"
            )
        combo = tuple(sorted(pairs))
        if combo in combos:
            raise app_error(
                428, "DUPLICATE_VARIANT_OPTION_CHOICE", f"{at} repeats another variant's choices"
            )
        combos.add(combo)
        for key in _VARIANT_WRITABLE:
            if entry.get(key) is not None:
                variant[key] = entry[key]
        if "price" not in variant:
            raise required(f"{at}.price.actualPrice")
        variant["price"] = price_info(variant["price"], f"{at}.price")
        variant["visible"] = variant.get("visible", True)
        if not isinstance(variant["visible"], bool):
            raise invalid(f"{at}.visible", "must be a boolean", violated_rule="TYPE")
        for key in ("sku", "barcode"):
            string_field(variant, key, at, 40)
        if variant.get("sku"):
            if variant["sku"] in skus:
                raise app_error(
                    409, "SKU_ALREADY_EXIST_ERROR", f"SKU {variant['sku']} is used twice"
                )
            skus.add(variant["sku"])
        wrong = (
            "digitalProperties" if product["productType"] == "PHYSICAL" else "physicalProperties"
        )
        if wrong in variant:
            raise invalid(
                f"{at}.{wrong}",
                f"does not fit a {product['productType']} product",
                rule_name="VARIANTS_TYPED_PROPERTIES_ARE_NOT_ALIGNED",
            )
        order = (
            "id",
            "visible",
            "sku",
            "barcode",
            "choices",
            "price",
            "physicalProperties",
            "digitalProperties",
            "revenueDetails",
        )
        out.append({k: variant[k] for k in order if k in variant})
        if entry.get("inventoryItem") is not None:
            inventory.append(
                (variant["id"], as_dict(entry["inventoryItem"], f"{at}.inventoryItem"))
            )
    check_store_unique(ctx, out, product["id"])
    return out, inventory


def check_store_unique(ctx: Ctx, variants: list[JsonDict], product_id: str) -> None:
    # unconfirmed in the Wix docs: SKU uniqueness scope; store-wide here.
    for key, code in (
        ("sku", "SKU_ALREADY_EXIST_ERROR"),
        ("barcode", "BARCODE_ALREADY_EXIST_ERROR"),
    ):
        for variant in variants:
            if variant.get(key):
                row = ctx.conn.execute(
                    f"SELECT product_id FROM variants"
                    f" WHERE site_id = ? AND {key} = ? AND product_id != ?",
                    (ctx.site_id, variant[key], product_id),
                ).fetchone()
                if row is not None:
                    raise app_error(
                        409, code, f"{key} {variant[key]} is already used by product {row[0]}"
                    )
