"""The Wix batch and page limits the client splits work at (see shared/wix-api)."""

from __future__ import annotations

INVENTORY_PAGE = 1000
INVENTORY_BULK = 1000
INVENTORY_ADJUST_BULK = 300  # increment / decrement
PRODUCTS_PAGE = 100
# Bulk Create / Bulk Update Products (with or without inventory) count these over the
# whole request: "options: 100, modifiers: 100, infoSections: 100,
# variantsInfo.variants: 1000", and 100 products (shared/wix-api Corrections 14;
# @wix/auto_sdk_stores_products-v-3, bulkCreateProducts / bulkUpdateProducts docs).
PRODUCTS_BULK = 100
PRODUCTS_BULK_VARIANTS = 1000
PRODUCTS_BULK_OPTIONS = 100
PRODUCTS_BULK_MODIFIERS = 100
PRODUCTS_BULK_INFO_SECTIONS = 100
# Per product (V3Product @maxSize): a product alone never reaches the option total.
PRODUCT_OPTIONS = 6
VARIANTS_PAGE = 1000
STORES_LOCATIONS_PAGE = 100
LOCATIONS_PAGE = 1000
