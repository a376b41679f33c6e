"""Location request bodies, with the REST names of the address fields.

Wix's REST address names are ``formattedAddress`` and ``geocode``
(shared/wix-api Corrections 1); ``formatted`` and ``location`` are the JS
SDK's names, which Wix's REST API does not know and drops. Update Location
replaces the object whole, so an update sends the location as it was read
with only the planned fields changed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

# Wix requires an address and a time zone to create a location; the YAML may
# leave both out (the location is then a plain stock-keeping place).
DEFAULT_TIME_ZONE = "Etc/UTC"


def formatted_address(address: Mapping[str, Any]) -> str:
    """One line, as a person writes it: street, postal code and city, country."""
    town = " ".join(str(address[k]) for k in ("postal_code", "city") if address.get(k))
    parts = [address.get("street"), town, address.get("country")]
    return ", ".join(str(p) for p in parts if p)


def address_body(
    address: Mapping[str, Any], base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A Wix address: the live one (``base``) with the parts the YAML manages.

    An address in the YAML is managed as a whole, as the plan compares it: a
    part it leaves out is removed. The YAML's ``street`` is the street name
    and number as one text, sent as ``streetAddress.name``. What the YAML
    cannot say (``hint``, ``geocode``) is kept as it is: Wix owns it.
    """
    out: dict[str, Any] = copy.deepcopy(dict(base or {}))
    for yaml_name, wix_name in (
        ("country", "country"),
        ("subdivision", "subdivision"),
        ("city", "city"),
        ("postal_code", "postalCode"),
    ):
        if address.get(yaml_name):
            out[wix_name] = address[yaml_name]
        else:
            out.pop(wix_name, None)
    if address.get("street"):
        out["streetAddress"] = {"name": address["street"]}
    else:
        out.pop("streetAddress", None)
    street = out.get("streetAddress") or {}
    text = formatted_address(
        {
            "street": " ".join(str(street[k]) for k in ("name", "number") if street.get(k)),
            "postal_code": out.get("postalCode"),
            "city": out.get("city"),
            "country": out.get("country"),
        }
    )
    if text:
        out["formattedAddress"] = text
    return out


def location_create_body(after: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": after["name"],
        "address": address_body(after.get("address") or {}),
        "timeZone": after.get("time_zone") or DEFAULT_TIME_ZONE,
        "locationTypes": ["INVENTORY"],
    }


def location_update_body(live: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The whole location for Update Location (PUT): as read, with the planned fields."""
    body = copy.deepcopy(dict(live))
    if "name" in after:
        body["name"] = after["name"]
    if "address" in after:
        body["address"] = address_body(after["address"], live.get("address"))
    if "time_zone" in after:
        body["timeZone"] = after["time_zone"]
    return body
