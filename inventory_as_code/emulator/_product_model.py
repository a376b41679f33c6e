"""Products V3 input rules: turn a create/update request into a stored document.

The stored document keeps what callers wrote plus generated ids (options,
choices, variants), keys, revision and dates. Rules follow products-v3.md
"Emulator notes": one choice per option, no duplicate combinations, exactly
one default variant without options, ``actualPrice`` required,
``compareAtPrice >= actualPrice``, unique slug (auto-generated from the name)
and store-wide unique SKU, at most 6 options / 1000 variants, options and
variants sent together on update, arrays replaced whole, omitted top-level
fields unchanged, ``productType`` immutable. Variants: ``_product_variants``;
options and choices: ``_product_options``.

Requests are first pruned to the declared ``V3Product`` /
``ProductWithInventory`` fields (``_declared``): unknown fields are lost, as
with Wix's parser. HTTP statuses of most product error codes are unconfirmed
in the Wix docs: option/variant business errors use 428 (Corrections 3),
"already exists" codes 409, missing referenced entities 404, the rest 400.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from inventory_as_code.emulator._catalog import variants_of
from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._declared import PRODUCT, PRODUCT_WITH_INVENTORY, prune
from inventory_as_code.emulator._errors import (
    app_error,
    invalid,
    missing_revision,
    required,
    revision_mismatch,
)
from inventory_as_code.emulator._product_options import resolve_options
from inventory_as_code.emulator._product_variants import build_variants
from inventory_as_code.emulator._util import JsonDict, as_dict, bump, slugify, string_field

PRODUCT_TYPES = ("PHYSICAL", "DIGITAL")
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
# unconfirmed in the Wix docs: the exact INVALID_SLUG_FORMAT rule. The emulator
# rejects whitespace, upper-case ASCII and URL-reserved characters.
_SLUG = re.compile(r"^[^\sA-Z/?#%&\\]{1,300}$")


def _slug_taken(ctx: Ctx, slug: str, product_id: str) -> bool:
    row = ctx.conn.execute(
        "SELECT 1 FROM products WHERE site_id = ? AND slug = ? AND id != ?",
        (ctx.site_id, slug, product_id),
    ).fetchone()
    return row is not None


def _apply_common(ctx: Ctx, p: JsonDict, where: str, doc: JsonDict, *, creating: bool) -> None:
    if "name" in p or creating:
        doc["name"] = string_field(p, "name", where, 80, needed=True)
    if p.get("slug") is not None:
        slug = string_field(p, "slug", where, 300) or ""
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


def build_new(
    ctx: Ctx, raw: Any, where: str, *, with_inventory: bool = True
) -> tuple[JsonDict, list[tuple[str, JsonDict]]]:
    """A new product document and its ``(variantId, inventoryItem)`` inputs."""
    p = prune(as_dict(raw, where), PRODUCT_WITH_INVENTORY if with_inventory else PRODUCT)
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
    doc["handle"] = string_field(p, "handle", where, 100) or doc["slug"]
    if p.get("variantsInfo") is None:
        raise required(f"{where}.variantsInfo", message="variantsInfo must not be empty")
    doc["options"] = resolve_options(ctx, p.get("options"), f"{where}.options", [])
    variants, inventory = build_variants(
        ctx, p["variantsInfo"], f"{where}.variantsInfo", doc["options"], doc, []
    )
    doc["variantsInfo"] = {"variants": variants}
    return doc, inventory


def build_update(
    ctx: Ctx, raw: Any, where: str, current: JsonDict, *, with_inventory: bool = True
) -> tuple[JsonDict, list[tuple[str, JsonDict]], list[str]]:
    """The updated document, inventory inputs and the ids of removed variants."""
    p = prune(as_dict(raw, where), PRODUCT_WITH_INVENTORY if with_inventory else PRODUCT)
    if p.get("productType") not in (None, current["productType"]):
        raise invalid(f"{where}.productType", "is immutable", violated_rule="IMMUTABLE")
    doc = copy.deepcopy(current)
    _apply_common(ctx, p, where, doc, creating=False)
    inventory: list[tuple[str, JsonDict]] = []
    removed: list[str] = []
    if "options" in p and "variantsInfo" not in p:
        # Corrections 3: a business error (428), not a validation error.
        raise app_error(
            428,
            "MISSING_VARIANT_OPTION_CHOICE",
            f"{where}: options were sent without variantsInfo; send the variants with them",
        )
    if "variantsInfo" in p and "options" not in p:
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
        variants, inventory = build_variants(
            ctx, p["variantsInfo"], f"{where}.variantsInfo", doc["options"], doc, old
        )
        doc["variantsInfo"] = {"variants": variants}
        kept = {v["id"] for v in variants}
        removed = [v["id"] for v in old if v["id"] not in kept]
    if not doc.get("options"):
        _couple_visibility(p, doc)
    doc["revision"] = bump(current["revision"])
    doc["updatedDate"] = ctx.now_iso
    return doc, inventory, removed


def _couple_visibility(p: JsonDict, doc: JsonDict) -> None:
    """Without options, product and single-variant visibility move together on update.

    Wix (SDK ``Variant.visible``, Corrections 5): updating the variant's
    ``visible`` sets the product's to match, and (products-v3.md) changing the
    product's changes the variant's. A variant entry sent without ``visible``
    changes neither. When both are sent and differ, the variant's wins
    (unconfirmed in the Wix docs; the stricter model, so a client that resends
    a stale variant ``visible`` sees the product flip). Create does not couple
    them: a product created hidden keeps a variant that reads ``visible: true``.
    """
    default = doc["variantsInfo"]["variants"][0]
    entries = (p.get("variantsInfo") or {}).get("variants") or []
    if any(isinstance(e, dict) and e.get("visible") is not None for e in entries):
        doc["visible"] = default["visible"]
    elif p.get("visible") is not None:
        default["visible"] = doc["visible"]


def check_revision(raw: Any, where: str, current: JsonDict) -> None:
    p = as_dict(raw, where)
    if not p.get("revision"):
        raise missing_revision(f"{where}.revision")
    if str(p["revision"]) != current["revision"]:
        raise revision_mismatch("Product", current["id"], current["revision"], str(p["revision"]))
