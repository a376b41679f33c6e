"""Shapes of the Wix REST objects the tool reads and writes (REST field names).

TypedDicts rather than classes: pages of 1,000 inventory items are used as
the JSON parser returns them, with no copying, and the types still document
and check the fields the tool relies on. Every field may be missing
(Wix omits fields without a value).
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

CatalogVersion = Literal["V1_CATALOG", "V3_CATALOG", "STORES_NOT_INSTALLED"]


class Money(TypedDict, total=False):
    amount: str
    formattedAmount: str


class PriceInfo(TypedDict, total=False):
    actualPrice: Money
    compareAtPrice: Money


class PreorderInfo(TypedDict, total=False):
    enabled: bool
    message: str
    limit: int
    counter: int
    quantity: int


class InventoryItem(TypedDict, total=False):
    id: str
    revision: str
    createdDate: str
    updatedDate: str
    variantId: str
    locationId: str
    productId: str
    quantity: int
    inStock: bool
    trackQuantity: bool
    availabilityStatus: Literal["IN_STOCK", "OUT_OF_STOCK", "PREORDER"]
    preorderInfo: PreorderInfo
    product: dict[str, Any]


class OptionChoiceNames(TypedDict, total=False):
    optionName: str
    choiceName: str
    renderType: str


class OptionChoiceIds(TypedDict, total=False):
    optionId: str
    choiceId: str


class VariantChoice(TypedDict, total=False):
    optionChoiceIds: OptionChoiceIds
    optionChoiceNames: OptionChoiceNames


class Variant(TypedDict, total=False):
    id: str
    visible: bool
    sku: str
    barcode: str
    choices: list[VariantChoice]
    price: PriceInfo
    physicalProperties: dict[str, Any]
    digitalProperties: dict[str, Any]
    inventoryStatus: dict[str, bool]
    inventoryItem: dict[str, Any]


class Product(TypedDict, total=False):
    id: str
    revision: str
    createdDate: str
    updatedDate: str
    name: str
    slug: str
    handle: str
    visible: bool
    productType: Literal["PHYSICAL", "DIGITAL"]
    physicalProperties: dict[str, Any]
    options: list[dict[str, Any]]
    variantsInfo: dict[str, list[Variant]]
    inventory: dict[str, str]
    variantSummary: dict[str, Any]


class ReadOnlyVariant(TypedDict, total=False):
    variantId: str
    visible: bool
    sku: str
    barcode: str
    optionChoices: list[VariantChoice]
    price: PriceInfo
    inventoryStatus: dict[str, bool]
    productData: dict[str, Any]


class StoresLocation(TypedDict, total=False):
    id: str
    revision: str
    wixLocationId: str
    locationType: Literal["VIRTUAL", "PHYSICAL"]
    name: str
    defaultLocation: bool


class Location(TypedDict, total=False):
    id: str
    revision: str
    name: str
    description: str
    default: bool
    status: str
    locationTypes: list[str]
    timeZone: str
    address: dict[str, Any]
    archived: bool
