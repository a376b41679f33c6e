"""The Wix batch and page limits the client splits work at (see shared/wix-api)."""

from __future__ import annotations

INVENTORY_PAGE = 1000
INVENTORY_BULK = 1000
INVENTORY_ADJUST_BULK = 300  # increment / decrement
PRODUCTS_PAGE = 100
PRODUCTS_BULK = 100
PRODUCTS_BULK_VARIANTS = 1000
VARIANTS_PAGE = 1000
STORES_LOCATIONS_PAGE = 100
LOCATIONS_PAGE = 1000
