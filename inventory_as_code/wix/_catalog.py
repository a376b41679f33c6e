"""Catalog version and the read-only variants API."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from inventory_as_code.wix._endpoint import Endpoint, Idempotency
from inventory_as_code.wix._limits import VARIANTS_PAGE
from inventory_as_code.wix._paging import cursor_pages
from inventory_as_code.wix._types import CatalogVersion, ReadOnlyVariant

if TYPE_CHECKING:
    from inventory_as_code.wix._client import WixClient

SAFE = Idempotency.SAFE
GET_CATALOG_VERSION = Endpoint("catalog.version", "GET", "/stores/v3/provision/version", SAFE)
QUERY_VARIANTS = Endpoint("variants.query", "POST", "/stores/v3/products/query-variants", SAFE)


class CatalogAPI:
    def __init__(self, client: WixClient) -> None:
        self._client = client

    def version(self) -> CatalogVersion:
        body = self._client.call(GET_CATALOG_VERSION)
        return cast(CatalogVersion, body.get("catalogVersion", "STORES_NOT_INSTALLED"))


class VariantsAPI:
    """Read-Only Variants V3: every variant of many products, 1,000 per page.

    Eventually consistent: a product changed moments ago may still show its
    old variants here; ``productData.revision`` tells which product revision
    a variant reflects.
    """

    def __init__(self, client: WixClient) -> None:
        self._client = client

    def query_pages(
        self,
        filter: Mapping[str, Any] | None = None,
        *,
        sort: Sequence[Mapping[str, str]] | None = None,
        fields: Sequence[str] = (),
        limit: int = VARIANTS_PAGE,
    ) -> Iterator[list[ReadOnlyVariant]]:
        extra = {"fields": list(fields)} if fields else None
        pages = cursor_pages(
            lambda body: self._client.call(QUERY_VARIANTS, json_body=body),
            envelope="query",
            items_key="variants",
            limit=limit,
            filter=filter,
            sort=sort,
            extra=extra,
        )
        return cast(Iterator[list[ReadOnlyVariant]], pages)

    def query(
        self, filter: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Iterator[ReadOnlyVariant]:
        for page in self.query_pages(filter, **kwargs):
            yield from page
