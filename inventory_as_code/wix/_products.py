"""Products V3: products with their options and variants.

Query and Search never return variants (read them with the read-only
variants API or Get Product). Bulk creates and updates carry at most 100
products, and over all of them at most 1,000 variants, 100 options, 100
modifiers and 100 info sections; the split honours every one of these totals.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from inventory_as_code.wix._bulk import BulkResult, chunk_by_count, chunk_by_totals, run_bulk
from inventory_as_code.wix._endpoint import Endpoint, Idempotency
from inventory_as_code.wix._inventory_results import inventory_results
from inventory_as_code.wix._limits import (
    PRODUCTS_BULK,
    PRODUCTS_BULK_INFO_SECTIONS,
    PRODUCTS_BULK_MODIFIERS,
    PRODUCTS_BULK_OPTIONS,
    PRODUCTS_BULK_VARIANTS,
    PRODUCTS_PAGE,
)
from inventory_as_code.wix._paging import cursor_pages
from inventory_as_code.wix._types import Product

if TYPE_CHECKING:
    from inventory_as_code.wix._client import WixClient

SAFE, GUARDED, UNSAFE = Idempotency.SAFE, Idempotency.GUARDED, Idempotency.UNSAFE
_BASE = "/stores/v3/products"
_BULK = "/stores/v3/bulk/products"

# Creates are GUARDED only when every product names its slug (a repeat then
# fails with DUPLICATE_SLUG_ERROR); see ``_create_safety``.
CREATE = Endpoint("products.create", "POST", _BASE, GUARDED)
CREATE_WITH_INVENTORY = Endpoint(
    "products.create-with-inventory", "POST", "/stores/v3/products-with-inventory", GUARDED
)
UPDATE = Endpoint("products.update", "PATCH", _BASE + "/{id}", GUARDED)
UPDATE_WITH_INVENTORY = Endpoint(
    "products.update-with-inventory", "PATCH", "/stores/v3/products-with-inventory/{id}", GUARDED
)
DELETE = Endpoint("products.delete", "DELETE", _BASE + "/{id}", GUARDED)
GET = Endpoint("products.get", "GET", _BASE + "/{id}", SAFE)
GET_BY_SLUG = Endpoint("products.get-by-slug", "GET", _BASE + "/slug/{slug}", SAFE)
QUERY = Endpoint("products.query", "POST", _BASE + "/query", SAFE)
SEARCH = Endpoint("products.search", "POST", _BASE + "/search", SAFE)
COUNT = Endpoint("products.count", "POST", _BASE + "/count", SAFE)
BULK_CREATE = Endpoint("products.bulk-create", "POST", _BULK + "/create", GUARDED)
BULK_CREATE_WITH_INVENTORY = Endpoint(
    "products.bulk-create-with-inventory",
    "POST",
    "/stores/v3/bulk/products-with-inventory/create",
    GUARDED,
)
BULK_UPDATE = Endpoint("products.bulk-update", "POST", _BULK + "/update", GUARDED)
BULK_UPDATE_WITH_INVENTORY = Endpoint(
    "products.bulk-update-with-inventory",
    "POST",
    "/stores/v3/bulk/products-with-inventory/update",
    GUARDED,
)
BULK_DELETE = Endpoint("products.bulk-delete", "POST", _BULK + "/delete", GUARDED)

# Without this token variants carry only option/choice ids.
DEFAULT_FIELDS = ("VARIANT_OPTION_CHOICE_NAMES",)


# What one Bulk Create / Bulk Update of products may carry in total, in the
# order of ``request_totals``.
BULK_TOTALS = (
    PRODUCTS_BULK,
    PRODUCTS_BULK_VARIANTS,
    PRODUCTS_BULK_OPTIONS,
    PRODUCTS_BULK_MODIFIERS,
    PRODUCTS_BULK_INFO_SECTIONS,
)


def variant_count(product: Mapping[str, Any]) -> int:
    return len((product.get("variantsInfo") or {}).get("variants") or [])


def request_totals(product: Mapping[str, Any]) -> tuple[int, int, int, int, int]:
    """What one product adds to a bulk call's totals: itself, its variants, options,
    modifiers and info sections, as the body carries them."""
    return (
        1,
        variant_count(product),
        len(product.get("options") or []),
        len(product.get("modifiers") or []),
        len(product.get("infoSections") or []),
    )


def _create_safety(products: Sequence[Mapping[str, Any]]) -> Idempotency:
    return GUARDED if all(p.get("slug") for p in products) else UNSAFE


def _product_chunks(products: Sequence[Mapping[str, Any]]) -> list[range]:
    return chunk_by_totals([request_totals(p) for p in products], BULK_TOTALS)


class ProductsAPI:
    def __init__(self, client: WixClient) -> None:
        self._client = client

    # --- reads -----------------------------------------------------------

    def get(self, product_id: str, *, fields: Sequence[str] = DEFAULT_FIELDS) -> Product:
        body = self._client.call(
            GET, path_params={"id": product_id}, params=[("fields", f) for f in fields]
        )
        return cast(Product, body["product"])

    def get_by_slug(self, slug: str, *, fields: Sequence[str] = DEFAULT_FIELDS) -> Product:
        body = self._client.call(
            GET_BY_SLUG, path_params={"slug": slug}, params=[("fields", f) for f in fields]
        )
        return cast(Product, body["product"])

    def query_pages(
        self,
        filter: Mapping[str, Any] | None = None,
        *,
        sort: Sequence[Mapping[str, str]] | None = None,
        fields: Sequence[str] = (),
        limit: int = PRODUCTS_PAGE,
    ) -> Iterator[list[Product]]:
        """Products without variants, 100 per page."""
        pages = cursor_pages(
            lambda body: self._client.call(QUERY, json_body=body),
            envelope="query",
            items_key="products",
            limit=limit,
            filter=filter,
            sort=sort,
            extra={"fields": list(fields)} if fields else None,
        )
        return cast(Iterator[list[Product]], pages)

    def query(self, filter: Mapping[str, Any] | None = None, **kwargs: Any) -> Iterator[Product]:
        for page in self.query_pages(filter, **kwargs):
            yield from page

    def search(
        self,
        filter: Mapping[str, Any] | None = None,
        *,
        sort: Sequence[Mapping[str, str]] | None = None,
        fields: Sequence[str] = (),
        limit: int = PRODUCTS_PAGE,
    ) -> Iterator[Product]:
        pages = cursor_pages(
            lambda body: self._client.call(SEARCH, json_body=body),
            envelope="search",
            items_key="products",
            limit=limit,
            filter=filter,
            sort=sort,
            extra={"fields": list(fields)} if fields else None,
        )
        for page in pages:
            yield from cast(list[Product], page)

    def count(self, filter: Mapping[str, Any] | None = None, *, include_hidden: bool = True) -> int:
        """Products matching ``filter``; Wix leaves out hidden ones unless asked (we ask)."""
        request: dict[str, Any] = {"filter": dict(filter)} if filter else {}
        if include_hidden:
            request["returnNonVisibleProducts"] = True
        body = self._client.call(COUNT, json_body=request)
        return int(body.get("count", 0))

    # --- single writes ---------------------------------------------------

    def create(self, product: Product, *, fields: Sequence[str] = DEFAULT_FIELDS) -> Product:
        body = self._client.call(
            CREATE,
            json_body={"product": product, "fields": list(fields)},
            idempotency=_create_safety([product]),
        )
        return cast(Product, body["product"])

    def create_with_inventory(
        self,
        product: Product,
        *,
        fields: Sequence[str] = DEFAULT_FIELDS,
        return_entity: bool = False,
    ) -> dict[str, Any]:
        """Returns ``{"product": ..., "inventoryResults": ...}`` as Wix sends it."""
        return cast(
            dict[str, Any],
            self._client.call(
                CREATE_WITH_INVENTORY,
                json_body={
                    "product": product,
                    "fields": list(fields),
                    "returnEntity": return_entity,
                },
                idempotency=_create_safety([product]),
            ),
        )

    def update(self, product: Product, *, fields: Sequence[str] = DEFAULT_FIELDS) -> Product:
        """Partial update; ``product`` needs ``id`` and the current ``revision``.

        ``options`` and ``variantsInfo.variants`` are replaced whole and must be
        sent together; a variant left out is removed.
        """
        body = self._client.call(
            UPDATE,
            path_params={"id": product["id"]},
            json_body={"product": product, "fields": list(fields)},
        )
        return cast(Product, body["product"])

    def update_with_inventory(
        self,
        product: Product,
        *,
        fields: Sequence[str] = DEFAULT_FIELDS,
        return_entity: bool = False,
    ) -> dict[str, Any]:
        return cast(
            dict[str, Any],
            self._client.call(
                UPDATE_WITH_INVENTORY,
                path_params={"id": product["id"]},
                json_body={
                    "product": product,
                    "fields": list(fields),
                    "returnEntity": return_entity,
                },
            ),
        )

    def delete(self, product_id: str) -> None:
        self._client.call(DELETE, path_params={"id": product_id})

    # --- bulk writes -----------------------------------------------------

    def bulk_create(
        self,
        products: Sequence[Product],
        *,
        with_inventory: bool = False,
        return_entity: bool = False,
        fields: Sequence[str] = (),
    ) -> BulkResult:
        """Create products, as many per call as the totals allow (see ``BULK_TOTALS``).

        With ``with_inventory`` each variant's ``inventoryItem`` becomes a stock
        item at the default location; ``BulkResult.inventory`` says, per such
        variant, whether it was written (matched by ids, see
        ``_inventory_results``; ``return_entity=True`` makes every match by id),
        and the raw ``inventoryResults`` of every call stay in ``BulkResult.extras``.
        """
        endpoint = BULK_CREATE_WITH_INVENTORY if with_inventory else BULK_CREATE
        safety = _create_safety(products)

        def send(chunk: range) -> dict[str, Any]:
            body = {
                "products": [products[i] for i in chunk],
                "returnEntity": return_entity,
                "fields": list(fields),
            }
            return cast(
                dict[str, Any], self._client.call(endpoint, json_body=body, idempotency=safety)
            )

        return self._run(products, send, with_inventory)

    def bulk_update(
        self,
        products: Sequence[Product],
        *,
        with_inventory: bool = False,
        return_entity: bool = False,
        fields: Sequence[str] = (),
    ) -> BulkResult:
        """Update products (each with ``id`` and current ``revision``), same limits as create."""
        endpoint = BULK_UPDATE_WITH_INVENTORY if with_inventory else BULK_UPDATE

        def send(chunk: range) -> dict[str, Any]:
            body = {
                "products": [{"product": products[i]} for i in chunk],
                "returnEntity": return_entity,
                "fields": list(fields),
            }
            return cast(dict[str, Any], self._client.call(endpoint, json_body=body))

        return self._run(products, send, with_inventory)

    def bulk_delete(self, product_ids: Sequence[str]) -> BulkResult:
        return run_bulk(
            chunk_by_count(len(product_ids), PRODUCTS_BULK),
            lambda chunk: self._client.call(
                BULK_DELETE, json_body={"productIds": [product_ids[i] for i in chunk]}
            ),
        )

    @staticmethod
    def _run(products: Sequence[Product], send: Any, with_inventory: bool) -> BulkResult:
        chunks = _product_chunks(products)
        if not with_inventory:
            return run_bulk(chunks, send)
        result = run_bulk(
            chunks,
            send,
            results_of=lambda response: response.get("productResults") or {},
            extras_of=lambda response: response.get("inventoryResults") or {},
        )
        return replace(result, inventory=inventory_results(products, chunks, result))
