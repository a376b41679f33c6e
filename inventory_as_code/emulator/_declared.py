"""The field sets Wix declares for the objects the emulator stores.

Wix's JSON parser (protobuf JSON) drops fields a message type does not
declare, so a client that sends a wrong field name gets no error: the value
is silently lost. The emulator does the same with :func:`prune` before it
validates or stores anything, so such a mistake shows up as lost data in
tests (e.g. a location address sent with the JS SDK names ``formatted`` /
``location`` instead of the REST names ``formattedAddress`` / ``geocode``).

The sets are the REST ("Original") types of the official Wix JS SDK
packages, ``build/cjs/meta.d.ts`` (see ``shared/wix-api/README.md``
"Sources"): ``Location``/``Address`` (business-tools_locations),
``InventoryItem`` (stores_inventory-items-v-3), ``V3Product``,
``ProductWithInventory``, ``ConnectedOption``, ``ConnectedOptionChoice``,
``Variant``, ``VariantWithInventory``, ``InventoryItemComposite``
(stores_products-v-3), ``Customization`` and ``Choice``
(stores_customizations-v-3). Read-only fields are declared too (the parser knows
them; the handlers ignore them). Sub-objects the tool never writes (rich
text, SEO, media, subscriptions, modifiers...) are kept whole: ``ANY``.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]  # field -> ANY | Schema | [Schema] (array of objects)
ANY = None


def _fields(*names: str) -> Schema:
    return dict.fromkeys(names, ANY)


def prune(value: Any, schema: Schema | list[Schema] | None) -> Any:
    """``value`` without the fields ``schema`` does not declare (recursively)."""
    if schema is ANY:
        return value
    if isinstance(schema, list):
        if not isinstance(value, list):
            return value  # the type check belongs to the handler
        return [prune(v, schema[0]) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: prune(v, schema[k]) for k, v in value.items() if k in schema}


MONEY = _fields("amount", "formattedAmount")
PRICE: Schema = {"actualPrice": MONEY, "compareAtPrice": MONEY, "priceAfterDiscount": MONEY}
EXTENDED_FIELDS = _fields("namespaces")

# ---- Locations -----------------------------------------------------------------

ADDRESS: Schema = {
    **_fields("country", "subdivision", "city", "postalCode", "formattedAddress", "hint"),
    "streetAddress": _fields("number", "name", "apt"),
    "geocode": _fields("latitude", "longitude"),
}
LOCATION: Schema = {
    **_fields(
        "id",
        "name",
        "description",
        "default",
        "status",
        "locationType",
        "fax",
        "timeZone",
        "email",
        "phone",
        "revision",
        "archived",
        "locationTypes",
    ),
    "address": ADDRESS,
    "businessSchedule": {
        "periods": [_fields("openDay", "openTime", "closeDay", "closeTime")],
        "specialHourPeriod": [_fields("startDate", "endDate", "isClosed", "comment")],
    },
    "extendedFields": EXTENDED_FIELDS,
}

# ---- Inventory items ---------------------------------------------------------------

PREORDER_INFO = _fields("enabled", "message", "limit", "counter", "quantity")
INVENTORY_ITEM: Schema = {
    **_fields(
        "inStock",
        "quantity",
        "id",
        "revision",
        "createdDate",
        "updatedDate",
        "variantId",
        "locationId",
        "productId",
        "trackQuantity",
        "availabilityStatus",
    ),
    "preorderInfo": PREORDER_INFO,
    "product": _fields("name", "directCategoryIds", "variantName", "variantSku", "variantVisible"),
    "extendedFields": EXTENDED_FIELDS,
}
# The default-location item sent inside a product-with-inventory variant.
INVENTORY_COMPOSITE: Schema = {
    **_fields("inStock", "quantity", "id", "revision"),
    "preorderInfo": PREORDER_INFO,
}

# ---- Products ----------------------------------------------------------------------

CHOICE: Schema = _fields(
    "colorCode",
    "choiceId",
    "linkedMedia",
    "choiceType",
    "key",
    "name",
    "inStock",
    "visible",
    "displayImage",
    "media",
)
OPTION: Schema = {
    **_fields("id", "name", "optionRenderType", "key"),
    "choicesSettings": {"choices": [CHOICE]},
}
_DIMENSIONS = _fields("length", "width", "height", "unit")
VARIANT: Schema = {
    **_fields("id", "visible", "sku", "barcode", "media", "subscriptionPricesInfo"),
    "physicalProperties": {
        "weight": ANY,
        "pricePerUnit": {
            "settings": _fields("quantity", "measurementUnit"),
            "value": ANY,
            "description": ANY,
            "priceAfterDiscount": MONEY,
        },
        "productDimensions": _DIMENSIONS,
        "packageDimensions": _DIMENSIONS,
    },
    "digitalProperties": {"digitalFile": _fields("id", "fileName", "fileSize", "fileType")},
    "choices": [
        {
            "optionChoiceIds": _fields("optionId", "choiceId"),
            "optionChoiceNames": _fields("optionName", "choiceName", "renderType"),
        }
    ],
    "price": PRICE,
    "revenueDetails": {"cost": MONEY, "profit": MONEY, "profitMargin": ANY},
    "inventoryStatus": _fields("inStock", "preorderEnabled"),
}
VARIANT_WITH_INVENTORY: Schema = {**VARIANT, "inventoryItem": INVENTORY_COMPOSITE}
_NAMED = _fields("id", "name")
_PRODUCT_COMMON: Schema = {
    **_fields(
        "id",
        "revision",
        "name",
        "slug",
        "handle",
        "plainDescription",
        "visible",
        "visibleInPos",
        "productType",
        "mainCategoryId",
        "taxGroupId",
        # kept whole: the tool never writes them
        "media",
        "seoData",
        "modifiers",
        "purchaseEligibility",
        "tags",
        "subscriptionDetails",
    ),
    "physicalProperties": {
        **_fields(
            "fulfillerId",
            "deliveryProfileId",
            "shippingWeightRange",
            "pricePerUnitRange",
            "weightMeasurementUnitInfo",
        ),
        "pricePerUnit": _fields("quantity", "measurementUnit"),
    },
    "options": [OPTION],
    "brand": _NAMED,
    "ribbon": _NAMED,
    "additionalRibbons": [_NAMED],
    "infoSections": [_fields("id", "uniqueName", "title", "description", "plainDescription")],
    "extendedFields": EXTENDED_FIELDS,
}
PRODUCT: Schema = {
    **_PRODUCT_COMMON,
    # read-only fields of V3Product: known to the parser, ignored by the handlers
    **_fields(
        "createdDate",
        "updatedDate",
        "url",
        "description",
        "directCategoriesInfo",
        "allCategoriesInfo",
        "costRange",
        "inventory",
        "currency",
        "breadcrumbsInfo",
        "actualPriceRange",
        "compareAtPriceRange",
        "variantSummary",
    ),
    "variantsInfo": {"variants": [VARIANT]},
}
# ProductWithInventory declares no `description` (only `plainDescription`) and
# none of V3Product's read-only aggregates.
PRODUCT_WITH_INVENTORY: Schema = {
    **_PRODUCT_COMMON,
    "variantsInfo": {"variants": [VARIANT_WITH_INVENTORY]},
}

# ---- Customizations ------------------------------------------------------------------
# Customization / Choice / FreeTextSettings of stores_customizations-v-3 (meta.d.ts).

CUSTOMIZATION_CHOICE: Schema = _fields(
    "colorCode",
    "id",
    "choiceType",
    "key",
    "name",
    "defaultAddedPrice",
    "displayImage",
    "primaryChoiceIds",
)
CUSTOMIZATION: Schema = {
    **_fields(
        "id",
        "revision",
        "createdDate",
        "updatedDate",
        "key",
        "name",
        "customizationType",
        "customizationRenderType",
        "assignedProductsCount",
    ),
    "freeTextInput": _fields("minCharCount", "maxCharCount", "defaultAddedPrice", "title", "key"),
    "choicesSettings": {"choices": [CUSTOMIZATION_CHOICE]},
}
