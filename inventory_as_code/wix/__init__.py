"""A client for the Wix REST API (Stores Catalog V3, inventory, locations).

    client = WixClient.from_env()          # WIX_API_KEY, WIX_SITE_ID, WIX_API_BASE_URL
    client.catalog.version()               # "V3_CATALOG"
    for item in client.inventory.query():  # paged, 1,000 per call
        ...
    result = client.inventory.bulk_update(items)   # split at 1,000, per-item results
    client.stats.snapshot()                # requests made, by endpoint
    client.locations.wait_for_stores_location(wix_id)  # a new location, once Wix lists it

Errors: see :mod:`inventory_as_code.wix._exceptions` for the tree.
"""

from __future__ import annotations

from inventory_as_code.wix._bulk import (
    BulkItemResult,
    BulkResult,
    InventoryEntryResult,
    InventoryResults,
    ItemError,
    ItemStatus,
)
from inventory_as_code.wix._client import DEFAULT_BASE_URL, Endpoint, Idempotency, WixClient
from inventory_as_code.wix._exceptions import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FieldViolation,
    LocationNotReadyError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    PreconditionError,
    RateLimitError,
    ServerError,
    WixAPIError,
    WixConfigError,
    WixError,
    WixTransportError,
)
from inventory_as_code.wix._inventory import Adjustment
from inventory_as_code.wix._retry import RetryPolicy
from inventory_as_code.wix._stats import RequestStats, StatsSnapshot

__all__ = [
    "DEFAULT_BASE_URL",
    "Adjustment",
    "AuthenticationError",
    "BadRequestError",
    "BulkItemResult",
    "BulkResult",
    "ConflictError",
    "Endpoint",
    "FieldViolation",
    "Idempotency",
    "InventoryEntryResult",
    "InventoryResults",
    "ItemError",
    "ItemStatus",
    "LocationNotReadyError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "PreconditionError",
    "RateLimitError",
    "RequestStats",
    "RetryPolicy",
    "ServerError",
    "StatsSnapshot",
    "WixAPIError",
    "WixClient",
    "WixConfigError",
    "WixError",
    "WixTransportError",
]
