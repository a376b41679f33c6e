"""Products V3 input rules: turn a create/update request into a stored document.

The stored document keeps what callers wrote plus generated ids (options,
choices, variants), keys, revision and dates. Rules follow products-v3.md
"Emulator notes": one choice per option, no duplicate combinations, exactly
one default variant without options, ``actualPrice`` required,
``compareAtPrice >= actualPrice``, unique slug (auto-generated from the name)
and store-wide unique SKU, at most 6 options / 1000 variants, options and
variants sent together on update, arrays replaced whole, omitted top-level
fields unchanged, ``productType`` immutable.

HTTP statuses of most product error codes are unconfirmed in the Wix docs:
"already exists" codes use 409, missing referenced entities 404, the rest 400.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from inventory_as_code.emulator._catalog import variants_of
from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._errors import (
    app_error,
    invalid,
    missing_revision,
    required,
    revision_mismatch,
)
from inventory_as_code.emulator._product_options import (
    resolve_choice,
    resolve_options,
    save_customization,
)
from inventory_as_code.emulator._util import (
    JsonDict,
    as_dict,
    as_list,
    bump,
    parse_money,
    slugify,
)

PRODUCT_TYPES = ("PHYSICAL", "DIGITAL")
MAX_VARIANTS = 1000
# Writable top-level fields stored as sent (arrays/objects replaced whole on update).
PASS_THROUGH = (
    "brand",
    "ribbon",
    "additionalRibbons",
    "infoSections",
    "mainCategoryId",
    "taxGroupId",
    "media",
    "description",
    "plainDescription",
    "seoData",
    "tags",
    "subscriptionDetails",
    "purchaseEligibility",
    "extendedFields",
    "modifiers",
)
_VARIANT_WRITABLE = (
    "visible",
    "sku",
    "barcode",
    "price",
    "physicalProperties",
    "digitalProperties",
    "revenueDetails",
)
# unconfirmed in the Wix docs: the exact INVALID_SLUG_FORMAT rule. The emulator
# rejects whitespace, upper-case ASCII and URL-reserved characters.
_SLUG = re.compile(r"^[^\sA-Z/?#%&\\]{1,300}$")


def _str(p: JsonDict, key: str, where: str, max_len: int, *, needed: bool = False) -> str | None:
    value = p.get(key)
    if value is None:
        if needed:
            raise required(f"{where}.{key}")
        return None
    if not isinstance(value, str) or (needed and not value.strip()):
        raise invalid(f"{where}.{key}", "must be a non-empty string", violated_rule="TYPE")
    if len(value) > max_len:
        raise invalid(
            f"{where}.{key}", f"must be at most {max_len} characters", violated_rule="MAX_LENGTH"
        )
    return value


def _slug_taken(ctx: Ctx, slug: str, product_id: str) -> bool:
    row = ctx.conn.execute(
        "SELECT 1 FROM products WHERE site_id = ? AND slug = ? AND id != ?",
        (ctx.site_id, slug, product_id),
    ).fetchone()
    return row is not None


def _price(value: Any, at: str) -> JsonDict:
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


def _variants(
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
                400,
                "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT",
                f"{at} does not match the product options",
            )
        if {o for o, _ in pairs} != set(option_ids):
            raise app_error(
                400, "MISSING_VARIANT_OPTION_CHOICE", f"{at} must have one choice for every option"
            )
        combo = tuple(sorted(pairs))
        if combo in combos:
            raise app_error(
                400, "DUPLICATE_VARIANT_OPTION_CHOICE", f"{at} repeats another variant's choices"
            )
        combos.add(combo)
        for key in _VARIANT_WRITABLE:
            if entry.get(key) is not None:
                variant[key] = entry[key]
        if "price" not in variant:
            raise required(f"{at}.price.actualPrice")
        variant["price"] = _price(variant["price"], f"{at}.price")
        variant["visible"] = variant.get("visible", True)
        if not isinstance(variant["visible"], bool):
            raise invalid(f"{at}.visible", "must be a boolean", violated_rule="TYPE")
        for key in ("sku", "barcode"):
            _str(variant, key, at, 40)
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
    _check_store_unique(ctx, out, product["id"])
    return out, inventory


def _check_store_unique(ctx: Ctx, variants: list[JsonDict], product_id: str) -> None:
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


def _apply_common(ctx: Ctx, p: JsonDict, where: str, doc: JsonDict, *, creating: bool) -> None:
    if "name" in p or creating:
        doc["name"] = _str(p, "name", where, 80, needed=True)
    if p.get("slug") is not None:
        slug = _str(p, "slug", where, 300) or ""
        if not _SLUG.match(slug):
            raise invalid(f"{where}.slug", "has an invalid format", rule_name="INVALID_SLUG_FORMAT")
        if _slug_taken(ctx, slug, doc["id"]):
            raise app_error(409, "DUPLICATE_SLUG_ERROR", f"Slug '{slug}' is already used")
        doc["slug"] = slug
    for key in ("visible", "visibleInPos"):
        if p.get(key) is not None:
            if not isinstance(p[key], bool):
                raise invalid(f"{where}.{key}", "must be a boolean", violated_rule="TYPE")
            doc[key] = p[key]
    if doc["productType"] == "DIGITAL":
        if p.get("visibleInPos") is True:
            raise invalid(
                f"{where}.visibleInPos",
                "digital products cannot be visible in POS",
                rule_name="DIGITAL_PRODUCT_CANNOT_BE_VISIBLE_IN_POS",
            )
        doc["visibleInPos"] = False
        if p.get("physicalProperties") is not None:
            raise invalid(
                f"{where}.physicalProperties",
                "does not fit a DIGITAL product",
                rule_name="VARIANTS_TYPED_PROPERTIES_ARE_NOT_ALIGNED",
            )
    elif p.get("physicalProperties") is not None:
        phys = as_dict(p["physicalProperties"], f"{where}.physicalProperties")
        doc["physicalProperties"] = {
            k: v for k, v in phys.items() if k not in ("shippingWeightRange", "pricePerUnitRange")
        }
    for key in PASS_THROUGH:
        if p.get(key) is not None:
            doc[key] = copy.deepcopy(p[key])
    brand = doc.get("brand")
    if isinstance(brand, dict) and not brand.get("id"):
        if not creating:
            raise invalid(
                f"{where}.brand.id",
                "must be set when updating the brand",
                rule_name="BRAND_MISSING_ID",
            )
        brand["id"] = ctx.ids.new()
    media = doc.get("media")
    if isinstance(media, dict):
        items = (media.get("itemsInfo") or {}).get("items") or []
        media.pop("main", None)
        if items:
            media["main"] = copy.deepcopy(items[0])


def build_new(ctx: Ctx, raw: Any, where: str) -> tuple[JsonDict, list[tuple[str, JsonDict]]]:
    """A new product document and its ``(variantId, inventoryItem)`` inputs."""
    p = as_dict(raw, where)
    if p.get("productType") not in PRODUCT_TYPES:
        if p.get("productType") is None:
            raise required(f"{where}.productType")
        raise invalid(f"{where}.productType", f"must be one of {', '.join(PRODUCT_TYPES)}")
    doc: JsonDict = {
        "id": ctx.ids.new(),
        "revision": "1",
        "createdDate": ctx.now_iso,
        "updatedDate": ctx.now_iso,
        "productType": p["productType"],
        "visible": True,
        "visibleInPos": True,
    }
    if p["productType"] == "PHYSICAL" and p.get("physicalProperties") is None:
        raise required(f"{where}.physicalProperties")
    _apply_common(ctx, p, where, doc, creating=True)
    if "slug" not in doc:
        base = slugify(doc["name"])
        slug, n = base, 0
        while _slug_taken(ctx, slug, doc["id"]):
            n += 1
            slug = f"{base}-{n}"
        doc["slug"] = slug
    doc["handle"] = _str(p, "handle", where, 100) or doc["slug"]
    if p.get("variantsInfo") is None:
        raise required(f"{where}.variantsInfo", message="variantsInfo must not be empty")
    doc["options"] = resolve_options(ctx, p.get("options"), f"{where}.options", [])
    variants, inventory = _variants(
        ctx, p["variantsInfo"], f"{where}.variantsInfo", doc["options"], doc, []
    )
    doc["variantsInfo"] = {"variants": variants}
    for option in doc["options"]:
        save_customization(ctx, option)
    return doc, inventory


def build_update(
    ctx: Ctx, raw: Any, where: str, current: JsonDict
) -> tuple[JsonDict, list[tuple[str, JsonDict]], list[str]]:
    """The updated document, inventory inputs and the ids of removed variants."""
    p = as_dict(raw, where)
    if p.get("productType") not in (None, current["productType"]):
        raise invalid(f"{where}.productType", "is immutable", violated_rule="IMMUTABLE")
    doc = copy.deepcopy(current)
    _apply_common(ctx, p, where, doc, creating=False)
    inventory: list[tuple[str, JsonDict]] = []
    removed: list[str] = []
    if ("options" in p) != ("variantsInfo" in p):
        raise invalid(
            where,
            "options and variantsInfo must be sent together",
            rule_name="MISSING_OPTIONS_ON_UPDATE_VARIANTS",
        )
    if "variantsInfo" in p:
        old = variants_of(current)
        doc["options"] = resolve_options(
            ctx, p.get("options"), f"{where}.options", current.get("options") or []
        )
        variants, inventory = _variants(
            ctx, p["variantsInfo"], f"{where}.variantsInfo", doc["options"], doc, old
        )
        doc["variantsInfo"] = {"variants": variants}
        kept = {v["id"] for v in variants}
        removed = [v["id"] for v in old if v["id"] not in kept]
        for option in doc["options"]:
            save_customization(ctx, option)
    if not doc.get("options"):
        # Without options, product and default-variant visibility move together.
        default = doc["variantsInfo"]["variants"][0]
        if p.get("visible") is not None:
            default["visible"] = doc["visible"]
        elif "variantsInfo" in p:
            doc["visible"] = default.get("visible", True)
    doc["revision"] = bump(current["revision"])
    doc["updatedDate"] = ctx.now_iso
    return doc, inventory, removed


def check_revision(raw: Any, where: str, current: JsonDict) -> None:
    p = as_dict(raw, where)
    if not p.get("revision"):
        raise missing_revision(f"{where}.revision")
    if str(p["revision"]) != current["revision"]:
        raise revision_mismatch("Product", current["id"], current["revision"], str(p["revision"]))
