"""Customizations V3: the site's options, each shared by every product that uses it.

An option is a customization (``customizationType: PRODUCT_OPTION``); a
product's ``options`` name the customizations it uses and the choices of
each it uses. Renaming an option or changing its choices here changes it in
every product (shared/wix-api Corrections 13). Paths and shapes: SDK
``@wix/auto_sdk_stores_customizations-v-3``.

Retry safety: a create is never resent (Wix declares no error for a second
option of a name, so a resent create could make a twin); an update carries
the revision (a repeat is refused); Add Choices is refused on a repeat
(``DUPLICATE_CHOICE_NAME``); Set Choices sets the same list twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from inventory_as_code.wix._bulk import BulkResult, chunk_by_count, run_bulk
from inventory_as_code.wix._endpoint import Endpoint, Idempotency
from inventory_as_code.wix._paging import cursor_pages

if TYPE_CHECKING:
    from inventory_as_code.wix._client import WixClient

SAFE, GUARDED, UNSAFE = Idempotency.SAFE, Idempotency.GUARDED, Idempotency.UNSAFE
_BASE = "/stores/v3/customizations"

QUERY = Endpoint("customizations.query", "POST", _BASE + "/query", SAFE)
GET = Endpoint("customizations.get", "GET", _BASE + "/{id}", SAFE)
BULK_CREATE = Endpoint(
    "customizations.bulk-create", "POST", "/stores/v3/bulk/customizations/create", UNSAFE
)
UPDATE = Endpoint("customizations.update", "PATCH", _BASE + "/{id}", GUARDED)
BULK_UPDATE = Endpoint(
    "customizations.bulk-update", "POST", "/stores/v3/bulk/customizations/update", GUARDED
)
ADD_CHOICES = Endpoint("customizations.add-choices", "POST", _BASE + "/{id}/add-choices", GUARDED)
SET_CHOICES = Endpoint("customizations.set-choices", "POST", _BASE + "/{id}/set-choices", SAFE)
# A delete resent after a lost answer finds nothing: 404, which the caller settles.
DELETE = Endpoint("customizations.delete", "DELETE", _BASE + "/{id}", GUARDED)

CUSTOMIZATIONS_PAGE = 100
CUSTOMIZATIONS_BULK = 100
OPTIONS_ONLY = {"customizationType": "PRODUCT_OPTION"}

Customization = dict[str, Any]


class CustomizationsAPI:
    def __init__(self, client: WixClient) -> None:
        self._client = client

    def query(self, filter: Mapping[str, Any] | None = None) -> Iterator[Customization]:
        """Customizations (100 a page), by default the product options only."""
        pages = cursor_pages(
            lambda body: self._client.call(QUERY, json_body=body),
            envelope="query",
            items_key="customizations",
            limit=CUSTOMIZATIONS_PAGE,
            filter=OPTIONS_ONLY if filter is None else filter,
        )
        for page in pages:
            yield from page

    def get(self, customization_id: str) -> Customization:
        body = self._client.call(GET, path_params={"id": customization_id})
        return cast(Customization, body["customization"])

    def bulk_create(self, customizations: Sequence[Customization]) -> BulkResult:
        """Create customizations, 100 a call; each result's ``item`` is the new one."""

        def send(chunk: range) -> dict[str, Any]:
            body = {"customizations": [customizations[i] for i in chunk], "returnEntity": True}
            return cast(dict[str, Any], self._client.call(BULK_CREATE, json_body=body))

        return run_bulk(
            chunk_by_count(len(customizations), CUSTOMIZATIONS_BULK), send, results_of=_items
        )

    def rename(self, customization_id: str, revision: str, name: str) -> Customization:
        """Update Customization: the option's name, in every product that uses it."""
        body = {"customization": {"id": customization_id, "revision": revision, "name": name}}
        answer = self._client.call(UPDATE, path_params={"id": customization_id}, json_body=body)
        return cast(Customization, answer["customization"])

    def bulk_rename(self, renames: Sequence[tuple[str, str, str]]) -> BulkResult:
        """Bulk Update Customizations: ``(id, revision, new name)`` each, 100 a call. Each
        carries its revision: a customization changed since is refused (not renamed)."""

        def send(chunk: range) -> dict[str, Any]:
            body = {
                "customizations": [
                    {"customization": {"id": i, "revision": r, "name": n}}
                    for i, r, n in (renames[k] for k in chunk)
                ],
                "returnEntity": True,
            }
            return cast(dict[str, Any], self._client.call(BULK_UPDATE, json_body=body))

        return run_bulk(chunk_by_count(len(renames), CUSTOMIZATIONS_BULK), send, results_of=_items)

    def add_choices(
        self, customization_id: str, choices: Sequence[Mapping[str, Any]]
    ) -> Customization:
        answer = self._client.call(
            ADD_CHOICES,
            path_params={"id": customization_id},
            json_body={"customizationId": customization_id, "choices": list(choices)},
        )
        return cast(Customization, answer["customization"])

    def set_choices(
        self, customization_id: str, choices: Sequence[Mapping[str, Any]]
    ) -> Customization:
        """Replace the choices: each existing one sent with its ``id`` (changed or not)."""
        answer = self._client.call(
            SET_CHOICES,
            path_params={"id": customization_id},
            json_body={"customizationId": customization_id, "choices": list(choices)},
        )
        return cast(Customization, answer["customization"])

    def delete(self, customization_id: str) -> None:
        """Delete Customization: refused while any product uses the option."""
        self._client.call(DELETE, path_params={"id": customization_id})


def _items(response: dict[str, Any]) -> dict[str, Any]:
    """Bulk results name the entity ``customization`` (the SDK's BulkCustomizationResult)."""
    results = [
        {**r, "item": r["customization"]} if "customization" in r else r
        for r in response.get("results") or []
    ]
    return {**response, "results": results}
