"""Stores Locations V3 (read-only) and the Wix Locations API.

A stores location is what inventory items point at (``locationId``); it is a
projection of a Wix location whose ``locationTypes`` holds ``INVENTORY``.
Their ids are not promised to be equal: always use the stores location's
``id`` for inventory and ``wixLocationId`` for the Locations API.

The projection is eventually consistent: a location created (or given the
``INVENTORY`` type) a moment ago may not be listed yet.
:meth:`LocationsAPI.wait_for_stores_location` polls for it, bounded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from inventory_as_code.wix._endpoint import Endpoint, Idempotency
from inventory_as_code.wix._exceptions import LocationNotReadyError
from inventory_as_code.wix._limits import LOCATIONS_PAGE, STORES_LOCATIONS_PAGE
from inventory_as_code.wix._paging import cursor_pages, offset_pages
from inventory_as_code.wix._types import Location, StoresLocation

if TYPE_CHECKING:
    from inventory_as_code.wix._client import WixClient

SAFE, GUARDED, UNSAFE = Idempotency.SAFE, Idempotency.GUARDED, Idempotency.UNSAFE
_WIX = "/locations/v1/locations"

QUERY_STORES = Endpoint("stores-locations.query", "POST", "/stores/v3/locations/query", SAFE)
GET_STORES = Endpoint("stores-locations.get", "GET", "/stores/v3/locations/{id}", SAFE)
# Location names are not unique in Wix: a repeated create makes a duplicate.
CREATE = Endpoint("locations.create", "POST", _WIX, UNSAFE)
GET = Endpoint("locations.get", "GET", _WIX + "/{id}", SAFE)
LIST = Endpoint("locations.list", "GET", _WIX, SAFE)
QUERY = Endpoint("locations.query", "POST", _WIX + "/query", SAFE)
UPDATE = Endpoint("locations.update", "PUT", _WIX + "/{id}", GUARDED)
ARCHIVE = Endpoint("locations.archive", "POST", _WIX + "/{id}/archive", GUARDED)
SET_DEFAULT = Endpoint("locations.set-default", "POST", _WIX + "/{id}/set-default", GUARDED)
ADD_TYPE = Endpoint("locations.add-type", "PATCH", _WIX + "/{id}/add-type", GUARDED)
REMOVE_TYPE = Endpoint("locations.remove-type", "PATCH", _WIX + "/{id}/remove-type", GUARDED)


class LocationsAPI:
    def __init__(self, client: WixClient) -> None:
        self._client = client

    # --- Stores Locations V3 ---------------------------------------------

    def query_stores(
        self,
        filter: Mapping[str, Any] | None = None,
        *,
        sort: Sequence[Mapping[str, str]] | None = None,
        limit: int = STORES_LOCATIONS_PAGE,
    ) -> Iterator[StoresLocation]:
        pages = cursor_pages(
            lambda body: self._client.call(QUERY_STORES, json_body=body),
            envelope="query",
            items_key="storesLocations",
            limit=limit,
            filter=filter,
            sort=sort,
        )
        for page in pages:
            yield from cast(list[StoresLocation], page)

    def wait_for_stores_location(
        self,
        wix_location_id: str,
        *,
        timeout: float = 30.0,
        first_delay: float = 0.5,
        max_delay: float = 5.0,
    ) -> StoresLocation:
        """The stores location of a Wix location created a moment ago, once Wix lists it.

        Checks at once, then again after ``first_delay`` seconds, doubling up to
        ``max_delay``, until ``timeout`` seconds of waiting are spent; then
        raises :class:`LocationNotReadyError`. Each check is one Query Stores
        Locations call filtered on ``wixLocationId``.
        """
        waited, attempts, delay = 0.0, 0, first_delay
        while True:
            attempts += 1
            found = list(self.query_stores({"wixLocationId": wix_location_id}))
            if found:
                return found[0]
            if waited >= timeout:
                raise LocationNotReadyError(wix_location_id, waited, attempts)
            step = min(delay, max_delay, timeout - waited)
            self._client.sleep(step)
            waited += step
            delay *= 2

    def get_stores(self, stores_location_id: str) -> StoresLocation:
        body = self._client.call(GET_STORES, path_params={"id": stores_location_id})
        return cast(StoresLocation, body["storesLocation"])

    # --- Wix Locations API -----------------------------------------------

    def query(
        self, filter: Mapping[str, Any] | None = None, *, limit: int = LOCATIONS_PAGE
    ) -> Iterator[Location]:
        pages = offset_pages(
            lambda body: self._client.call(QUERY, json_body=body),
            envelope="query",
            items_key="locations",
            limit=limit,
            filter=filter,
        )
        for page in pages:
            yield from cast(list[Location], page)

    def list(
        self, *, include_archived: bool = False, limit: int = LOCATIONS_PAGE
    ) -> Iterator[Location]:
        offset = 0
        while True:
            params = {
                "paging.limit": str(limit),
                "paging.offset": str(offset),
                "includeArchived": "true" if include_archived else "false",
            }
            body = self._client.call(LIST, params=params)
            items = cast(list[Location], body.get("locations") or [])
            yield from items
            has_next = (body.get("pagingMetadata") or {}).get("hasNext")
            if not items or has_next is False or (has_next is None and len(items) < limit):
                return
            offset += len(items)

    def get(self, location_id: str) -> Location:
        body = self._client.call(GET, path_params={"id": location_id})
        return cast(Location, body["location"])

    def create(self, location: Location) -> Location:
        """Create a business location. Not resent if the outcome is unknown."""
        body = self._client.call(CREATE, json_body={"location": location})
        return cast(Location, body["location"])

    def update(self, location: Location) -> Location:
        """Replace a location whole (``id`` and current ``revision`` required)."""
        body = self._client.call(
            UPDATE, path_params={"id": location["id"]}, json_body={"location": location}
        )
        return cast(Location, body["location"])

    def archive(self, location_id: str) -> Location:
        body = self._client.call(ARCHIVE, path_params={"id": location_id}, json_body={})
        return cast(Location, body["location"])

    def set_default(self, location_id: str) -> Location:
        body = self._client.call(SET_DEFAULT, path_params={"id": location_id}, json_body={})
        return cast(Location, body["location"])

    def add_type(self, location_id: str, location_type: str = "INVENTORY") -> Location:
        body = self._client.call(
            ADD_TYPE, path_params={"id": location_id}, json_body={"locationType": location_type}
        )
        return cast(Location, body["location"])

    def remove_type(self, location_id: str, location_type: str = "INVENTORY") -> Location:
        body = self._client.call(
            REMOVE_TYPE, path_params={"id": location_id}, json_body={"locationType": location_type}
        )
        return cast(Location, body["location"])
