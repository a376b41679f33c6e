"""Inventory Items V3: one item per (variant, stores location).

Bulk increment and decrement fail as a whole when one entry breaks a rule
(428, nothing applied; Corrections 2 in ``shared/wix-api``): the client then
halves the batch and resends the halves until the refused entries stand
alone (``run_bulk(split_on=...)``), so one sold-out item never blocks the rest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from inventory_as_code.wix._bulk import BulkResult, chunk_by_count, run_bulk
from inventory_as_code.wix._endpoint import Endpoint, Idempotency
from inventory_as_code.wix._exceptions import PreconditionError, WixError
from inventory_as_code.wix._limits import INVENTORY_ADJUST_BULK, INVENTORY_BULK, INVENTORY_PAGE
from inventory_as_code.wix._paging import cursor_pages
from inventory_as_code.wix._types import InventoryItem

if TYPE_CHECKING:
    from inventory_as_code.wix._client import WixClient

SAFE, GUARDED, UNSAFE = Idempotency.SAFE, Idempotency.GUARDED, Idempotency.UNSAFE
_BASE = "/stores/v3/inventory-items"
_BULK = "/stores/v3/bulk/inventory-items"

CREATE = Endpoint("inventory-items.create", "POST", _BASE, GUARDED)  # (variant, location) unique
GET = Endpoint("inventory-items.get", "GET", _BASE + "/{id}", SAFE)
UPDATE = Endpoint("inventory-items.update", "PATCH", _BASE + "/{id}", GUARDED)  # revision
DELETE = Endpoint("inventory-items.delete", "DELETE", _BASE + "/{id}", GUARDED)
QUERY = Endpoint("inventory-items.query", "POST", _BASE + "/query", SAFE)
SEARCH = Endpoint("inventory-items.search", "POST", _BASE + "/search", SAFE)
BULK_CREATE = Endpoint("inventory-items.bulk-create", "POST", _BULK + "/create", GUARDED)
BULK_UPDATE = Endpoint("inventory-items.bulk-update", "POST", _BULK + "/update", GUARDED)
BULK_DELETE = Endpoint("inventory-items.bulk-delete", "POST", _BULK + "/delete", GUARDED)
# An adjustment applied twice counts stock twice: never resent once possibly received.
BULK_INCREMENT = Endpoint("inventory-items.bulk-increment", "POST", _BULK + "/increment", UNSAFE)
BULK_DECREMENT = Endpoint("inventory-items.bulk-decrement", "POST", _BULK + "/decrement", UNSAFE)
BULK_INCREMENT_BY_VARIANT = Endpoint(
    "inventory-items.bulk-increment-by-variant-and-location",
    "POST",
    _BULK + "/increment-by-variant-and-location",
    UNSAFE,
)
BULK_DECREMENT_BY_VARIANT = Endpoint(
    "inventory-items.bulk-decrement-by-variant-and-location",
    "POST",
    _BULK + "/decrement-by-variant-and-location",
    UNSAFE,
)

Reason = Literal["ORDER", "MANUAL", "REVERT_INVENTORY_CHANGE"]

# The 428 codes with which bulk increment/decrement refuse a whole request,
# applying none of it (the NOT_FOUND one: the by-variant-and-location forms).
ADJUST_REFUSALS = frozenset(
    {
        "INSUFFICIENT_INVENTORY",
        "INVENTORY_QUANTITY_NOT_TRACKED",
        "MIN_QUANTITY_LIMIT_REACHED",
        "MAX_QUANTITY_LIMIT_REACHED",
        "NOT_FOUND",
    }
)


def refused_unapplied(exc: WixError) -> bool:
    """Did Wix refuse a whole increment/decrement request without applying any of it?

    Only the documented 428s prove that. A 404 (an item id that does not
    exist) is not split on: that it applies nothing is unconfirmed, and
    resending a half that may have been applied would count stock twice.
    """
    return isinstance(exc, PreconditionError) and exc.code in ADJUST_REFUSALS


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One increment or decrement: by item id, or by (variant id, location id).

    ``preorder_request`` exists only on decrement entries (Wix declares no such
    field on increments).
    """

    amount: int
    inventory_item_id: str | None = None
    variant_id: str | None = None
    location_id: str | None = None
    preorder_request: bool = False

    def to_json(self, key: str) -> dict[str, Any]:
        body: dict[str, Any] = {key: self.amount}
        if self.inventory_item_id is not None:
            body["inventoryItemId"] = self.inventory_item_id
        else:
            body["variantId"] = self.variant_id
            if self.location_id is not None:
                body["locationId"] = self.location_id
        if self.preorder_request and key == "decrementBy":
            body["preorderRequest"] = True
        return body


class InventoryAPI:
    def __init__(self, client: WixClient) -> None:
        self._client = client

    # --- reads -----------------------------------------------------------

    def get(self, item_id: str) -> InventoryItem:
        body = self._client.call(GET, path_params={"id": item_id})
        return cast(InventoryItem, body["inventoryItem"])

    def query_pages(
        self,
        filter: Mapping[str, Any] | None = None,
        *,
        sort: Sequence[Mapping[str, str]] | None = None,
        limit: int = INVENTORY_PAGE,
    ) -> Iterator[list[InventoryItem]]:
        pages = cursor_pages(
            lambda body: self._client.call(QUERY, json_body=body),
            envelope="query",
            items_key="inventoryItems",
            limit=limit,
            filter=filter,
            sort=sort,
        )
        return cast(Iterator[list[InventoryItem]], pages)

    def query(
        self, filter: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Iterator[InventoryItem]:
        for page in self.query_pages(filter, **kwargs):
            yield from page

    def search(
        self,
        filter: Mapping[str, Any] | None = None,
        *,
        sort: Sequence[Mapping[str, str]] | None = None,
        limit: int = INVENTORY_PAGE,
    ) -> Iterator[InventoryItem]:
        pages = cursor_pages(
            lambda body: self._client.call(SEARCH, json_body=body),
            envelope="search",
            items_key="inventoryItems",
            limit=limit,
            filter=filter,
            sort=sort,
        )
        for page in pages:
            yield from cast(list[InventoryItem], page)

    # --- single writes ---------------------------------------------------

    def create(self, item: InventoryItem) -> InventoryItem:
        body = self._client.call(CREATE, json_body={"inventoryItem": item})
        return cast(InventoryItem, body["inventoryItem"])

    def update(self, item: InventoryItem, *, reason: Reason | None = None) -> InventoryItem:
        """Partial update; ``item`` must carry ``id`` and the current ``revision``."""
        request: dict[str, Any] = {"inventoryItem": item}
        if reason:
            request["reason"] = reason
        body = self._client.call(UPDATE, path_params={"id": item["id"]}, json_body=request)
        return cast(InventoryItem, body["inventoryItem"])

    def delete(self, item_id: str) -> None:
        self._client.call(DELETE, path_params={"id": item_id})

    # --- bulk writes -----------------------------------------------------

    def bulk_create(
        self, items: Sequence[InventoryItem], *, return_entity: bool = False
    ) -> BulkResult:
        return run_bulk(
            chunk_by_count(len(items), INVENTORY_BULK),
            lambda chunk: self._client.call(
                BULK_CREATE,
                json_body={
                    "inventoryItems": [items[i] for i in chunk],
                    "returnEntity": return_entity,
                },
            ),
        )

    def bulk_update(
        self,
        items: Sequence[InventoryItem],
        *,
        return_entity: bool = False,
        reason: Reason | None = None,
    ) -> BulkResult:
        """Each item needs ``id`` and the ``revision`` it was read at."""

        def send(chunk: range) -> dict[str, Any]:
            body: dict[str, Any] = {
                "inventoryItems": [{"inventoryItem": items[i]} for i in chunk],
                "returnEntity": return_entity,
            }
            if reason:
                body["reason"] = reason
            return cast(dict[str, Any], self._client.call(BULK_UPDATE, json_body=body))

        return run_bulk(chunk_by_count(len(items), INVENTORY_BULK), send)

    def bulk_delete(self, item_ids: Sequence[str]) -> BulkResult:
        return run_bulk(
            chunk_by_count(len(item_ids), INVENTORY_BULK),
            lambda chunk: self._client.call(
                BULK_DELETE, json_body={"inventoryItemIds": [item_ids[i] for i in chunk]}
            ),
        )

    def bulk_increment(
        self,
        adjustments: Sequence[Adjustment],
        *,
        return_entity: bool = False,
        reason: Reason | None = "MANUAL",
    ) -> BulkResult:
        """Raise stock. Never resent when the outcome is unknown (items come back UNKNOWN).

        Entries Wix refuses (e.g. ``MAX_QUANTITY_LIMIT_REACHED``) come back
        ``FAILED`` with Wix's code; the others are applied.
        """
        if any(a.preorder_request for a in adjustments):
            raise ValueError("preorder_request applies to decrements only")
        return self._adjust(adjustments, "increment", return_entity, reason, None)

    def bulk_decrement(
        self,
        adjustments: Sequence[Adjustment],
        *,
        restrict_inventory: bool = True,
        return_entity: bool = False,
        reason: Reason | None = "MANUAL",
    ) -> BulkResult:
        """Lower stock; entries Wix refuses (``INSUFFICIENT_INVENTORY``...) come back ``FAILED``."""
        return self._adjust(adjustments, "decrement", return_entity, reason, restrict_inventory)

    def _adjust(
        self,
        adjustments: Sequence[Adjustment],
        kind: Literal["increment", "decrement"],
        return_entity: bool,
        reason: Reason | None,
        restrict_inventory: bool | None,
    ) -> BulkResult:
        by_id = [a.inventory_item_id is not None for a in adjustments]
        if any(by_id) and not all(by_id):
            raise ValueError("adjustments must all be by item id or all by variant and location")
        if kind == "increment":
            endpoint = BULK_INCREMENT if all(by_id) else BULK_INCREMENT_BY_VARIANT
        else:
            endpoint = BULK_DECREMENT if all(by_id) else BULK_DECREMENT_BY_VARIANT
        data_key, amount_key = f"{kind}Data", f"{kind}By"

        def send(chunk: range) -> dict[str, Any]:
            body: dict[str, Any] = {
                data_key: [adjustments[i].to_json(amount_key) for i in chunk],
                "returnEntity": return_entity,
            }
            if reason:
                body["reason"] = reason
            if restrict_inventory is not None:
                body["restrictInventory"] = restrict_inventory
            return cast(dict[str, Any], self._client.call(endpoint, json_body=body))

        return run_bulk(
            chunk_by_count(len(adjustments), INVENTORY_ADJUST_BULK),
            send,
            split_on=refused_unapplied,
        )
