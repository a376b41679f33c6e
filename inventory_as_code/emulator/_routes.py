"""The route table: (method, path pattern) -> stable route name and handler.

Route names (``inventory-items.bulk-update``...) appear in the request log and
the counts, so tests can compare them with the calls a plan compiles to.
Query/search/count routes accept POST (JSON body) and GET (``.r`` or
flattened parameters), like the Wix JS SDK sends them. The async by-filter job
endpoints and a few other known Wix endpoints outside the emulator's scope
are routed to a 501 answer so a client gets a clear message, not a 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from inventory_as_code.emulator import _adjust as adj
from inventory_as_code.emulator import _customization_api as cust
from inventory_as_code.emulator import _inventory as inv
from inventory_as_code.emulator import _locations as loc
from inventory_as_code.emulator import _product_query as pq
from inventory_as_code.emulator import _products as prod
from inventory_as_code.emulator import _stores_locations as stores
from inventory_as_code.emulator import _variants as ro
from inventory_as_code.emulator._context import Ctx, Request
from inventory_as_code.emulator._util import JsonDict

Handler = Callable[[Ctx, Request], JsonDict]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    name: str
    handler: Handler | None  # None: known Wix endpoint the emulator does not implement (501)
    items_key: str | None = None  # request array whose length the request log records
    regex: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.pattern))
        object.__setattr__(self, "regex", re.compile(f"^{regex}$"))

    @property
    def stores(self) -> bool:
        """Subject to the catalog-version check (every /stores/v3 call but provision/version)."""
        return self.pattern.startswith("/stores/v3/") and self.name != "catalog.get-version"


def _reads(pattern: str, name: str, handler: Handler) -> list[Route]:
    return [Route("POST", pattern, name, handler), Route("GET", pattern, name, handler)]


_INV = "/stores/v3/inventory-items"
_BINV = "/stores/v3/bulk/inventory-items"
_P = "/stores/v3/products"
_BP = "/stores/v3/bulk/products"
_L = "/locations/v1/locations"
_C = "/stores/v3/customizations"

ROUTES: list[Route] = [
    Route("GET", "/stores/v3/provision/version", "catalog.get-version", None),
    # Inventory Items V3
    Route("POST", _INV, "inventory-items.create", inv.h_create),
    Route(
        "POST",
        f"{_BINV}/create",
        "inventory-items.bulk-create",
        inv.h_bulk_create,
        "inventoryItems",
    ),
    *_reads(f"{_INV}/query", "inventory-items.query", inv.h_query),
    *_reads(f"{_INV}/search", "inventory-items.search", inv.h_search),
    *_reads(f"{_INV}/count", "inventory-items.count", inv.h_count),
    Route("GET", f"{_INV}/{{id}}", "inventory-items.get", inv.h_get),
    Route("PATCH", f"{_INV}/{{id}}", "inventory-items.update", inv.h_update),
    Route("DELETE", f"{_INV}/{{id}}", "inventory-items.delete", inv.h_delete),
    Route(
        "POST",
        f"{_BINV}/update",
        "inventory-items.bulk-update",
        inv.h_bulk_update,
        "inventoryItems",
    ),
    Route(
        "POST",
        f"{_BINV}/delete",
        "inventory-items.bulk-delete",
        inv.h_bulk_delete,
        "inventoryItemIds",
    ),
    Route(
        "POST",
        f"{_BINV}/increment",
        "inventory-items.bulk-increment",
        adj.h_increment,
        "incrementData",
    ),
    Route(
        "POST",
        f"{_BINV}/decrement",
        "inventory-items.bulk-decrement",
        adj.h_decrement,
        "decrementData",
    ),
    Route(
        "POST",
        f"{_BINV}/increment-by-variant-and-location",
        "inventory-items.bulk-increment-by-variant-and-location",
        adj.h_increment_by_variant,
        "incrementData",
    ),
    Route(
        "POST",
        f"{_BINV}/decrement-by-variant-and-location",
        "inventory-items.bulk-decrement-by-variant-and-location",
        adj.h_decrement_by_variant,
        "decrementData",
    ),
    *[
        Route("POST", f"{_BINV}/{op}", f"inventory-items.{op}", None)
        for op in (
            "upsert",
            "update-by-filter",
            "delete-by-filter",
            "adjust-by-filter",
            "set-or-adjust-by-filter",
            "create-by-variant-filter",
        )
    ],
    # Products V3
    Route("POST", _P, "products.create", prod.h_create),
    Route(
        "POST",
        "/stores/v3/products-with-inventory",
        "products.create-with-inventory",
        prod.h_create_with_inventory,
    ),
    Route(
        "PATCH",
        "/stores/v3/products-with-inventory/{id}",
        "products.update-with-inventory",
        prod.h_update_with_inventory,
    ),
    Route("POST", f"{_BP}/create", "products.bulk-create", prod.h_bulk_create, "products"),
    Route(
        "POST",
        "/stores/v3/bulk/products-with-inventory/create",
        "products.bulk-create-with-inventory",
        prod.h_bulk_create_with_inventory,
        "products",
    ),
    Route("POST", f"{_BP}/update", "products.bulk-update", prod.h_bulk_update, "products"),
    Route(
        "POST",
        "/stores/v3/bulk/products-with-inventory/update",
        "products.bulk-update-with-inventory",
        prod.h_bulk_update_with_inventory,
        "products",
    ),
    Route("POST", f"{_BP}/delete", "products.bulk-delete", prod.h_bulk_delete, "productIds"),
    *[
        Route("POST", f"{_BP}/{op}", f"products.{op}", None)
        for op in (
            "update-by-filter",
            "delete-by-filter",
            "update-variants-by-filter",
            "adjust-variants-by-filter",
            "add-info-sections",
            "remove-info-sections",
            "add-info-sections-by-filter",
            "remove-info-sections-by-filter",
            "add-to-categories-by-filter",
            "remove-from-categories-by-filter",
            "update-tags",
            "update-tags-by-filter",
        )
    ],
    Route("GET", "/stores/v3/all-products-category", "products.get-all-products-category", None),
    Route("GET", f"{_P}/slug/{{slug}}", "products.get-by-slug", prod.h_get_by_slug),
    *_reads(f"{_P}/query", "products.query", pq.h_query),
    *_reads(f"{_P}/search", "products.search", pq.h_search),
    *_reads(f"{_P}/count", "products.count", pq.h_count),
    *_reads(f"{_P}/query-variants", "read-only-variants.query", ro.h_query_variants),
    *_reads(f"{_P}/search-variants", "read-only-variants.search", ro.h_search_variants),
    Route("GET", f"{_P}/{{id}}", "products.get", prod.h_get),
    Route("PATCH", f"{_P}/{{id}}", "products.update", prod.h_update),
    Route("DELETE", f"{_P}/{{id}}", "products.delete", prod.h_delete),
    # Customizations V3
    Route("POST", _C, "customizations.create", cust.h_create),
    Route(
        "POST",
        "/stores/v3/bulk/customizations/create",
        "customizations.bulk-create",
        cust.h_bulk_create,
        "customizations",
    ),
    Route(
        "POST",
        "/stores/v3/bulk/customizations/update",
        "customizations.bulk-update",
        cust.h_bulk_update,
        "customizations",
    ),
    Route(
        "POST",
        "/stores/v3/bulk/customizations/add-choices",
        "customizations.bulk-add-choices",
        None,
    ),
    *_reads(f"{_C}/query", "customizations.query", cust.h_query),
    Route("POST", f"{_C}/count", "customizations.count", cust.h_count),
    Route("GET", f"{_C}/{{id}}", "customizations.get", cust.h_get),
    Route("PATCH", f"{_C}/{{id}}", "customizations.update", cust.h_update),
    Route("DELETE", f"{_C}/{{id}}", "customizations.delete", cust.h_delete),
    Route("POST", f"{_C}/{{id}}/add-choices", "customizations.add-choices", cust.h_add_choices),
    Route("POST", f"{_C}/{{id}}/set-choices", "customizations.set-choices", cust.h_set_choices),
    Route(
        "POST",
        f"{_C}/{{id}}/remove-choices",
        "customizations.remove-choices",
        cust.h_remove_choices,
    ),
    Route("POST", f"{_C}/{{id}}/update-choices", "customizations.update-choices", None),
    Route("POST", f"{_C}/{{id}}/reorder-choices", "customizations.reorder-choices", None),
    # Stores Locations V3
    Route(
        "GET",
        "/stores/v3/locations/default",
        "stores-locations.get-default",
        stores.h_stores_default,
    ),
    *_reads("/stores/v3/locations/query", "stores-locations.query", stores.h_stores_query),
    Route("GET", "/stores/v3/locations/{id}", "stores-locations.get", stores.h_stores_get),
    # Wix Locations
    Route("POST", _L, "locations.create", loc.h_create_location),
    Route("GET", _L, "locations.list", loc.h_list_locations),
    Route("POST", f"{_L}/bulk-create", "locations.bulk-create", None),
    *_reads(f"{_L}/query", "locations.query", loc.h_query_locations),
    Route("GET", f"{_L}/{{id}}", "locations.get", loc.h_get_location),
    Route("PUT", f"{_L}/{{id}}", "locations.update", loc.h_update_location),
    Route("POST", f"{_L}/{{id}}/set-default", "locations.set-default", loc.h_set_default),
    Route("POST", f"{_L}/{{id}}/archive", "locations.archive", loc.h_archive),
    Route("PATCH", f"{_L}/{{id}}/add-type", "locations.add-type", loc.h_add_type),
    Route("PATCH", f"{_L}/{{id}}/remove-type", "locations.remove-type", loc.h_remove_type),
    Route("PATCH", f"{_L}/{{id}}/add-location-type", "locations.add-location-type", loc.h_add_type),
    Route(
        "PATCH",
        f"{_L}/{{id}}/remove-location-type",
        "locations.remove-location-type",
        loc.h_remove_type,
    ),
]


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The first route for this method and path.

    A known path with the wrong method is answered like an unknown path (404):
    the Wix gateway routes on method and path together (unconfirmed in the
    Wix docs; there is no documented 405).
    """
    for route in ROUTES:
        if route.method != method.upper():
            continue
        found = route.regex.match(path)
        if found:
            return route, {k: unquote(v) for k, v in found.groupdict().items()}
    return None
