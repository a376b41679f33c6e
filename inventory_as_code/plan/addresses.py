"""Addresses: the stable names of plan objects, Terraform style.

    location["Pop-up Berlin"]
    option["Color"]
    product["organic-tee"]
    variant["organic-tee"]["S/Black"]
    stock["organic-tee"]["S/Black"]["Main warehouse"]
    refill["organic-tee"]["S/Black"]["Main warehouse"]   (units moved into that stock)

Quoted parts make any slug, choice or location name unambiguous; ``--target``
accepts an address or a prefix of one (``product["organic-tee"]`` also
selects that product's variants and stock).
"""

from __future__ import annotations

import json

from inventory_as_code.model import variant_label


def _part(text: str) -> str:
    return "[" + json.dumps(text, ensure_ascii=False) + "]"


def location_address(name: str) -> str:
    return "location" + _part(name)


def option_address(name: str) -> str:
    return "option" + _part(name)


def product_address(slug: str) -> str:
    return "product" + _part(slug)


def variant_address(slug: str, key: tuple[str, ...]) -> str:
    return "variant" + _part(slug) + _part(variant_label(key))


def stock_address(slug: str, key: tuple[str, ...], location: str) -> str:
    return "stock" + _part(slug) + _part(variant_label(key)) + _part(location)


def refill_address(slug: str, key: tuple[str, ...], location: str) -> str:
    return "refill" + _part(slug) + _part(variant_label(key)) + _part(location)


def matches_target(address: str, target: str) -> bool:
    """True when ``target`` names this object, or the product/location it belongs to."""
    if address == target or address.startswith(target):
        return True
    # product["x"] also selects variant["x"]..., stock["x"]... and refill["x"]...
    if target.startswith("product["):
        tail = target[len("product") :]
        return address.startswith(("variant" + tail, "stock" + tail, "refill" + tail))
    if target.startswith("stock["):
        # A stock entry's target also takes the units moved into it.
        return address == "refill" + target[len("stock") :]
    if target.startswith("location["):
        # Only stock ends with a location; a variant label may equal a location name.
        return address.startswith(("stock[", "refill[")) and address.endswith(
            target[len("location") :]
        )
    return False
