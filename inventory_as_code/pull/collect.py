"""Which differences of a plan pull takes, which it leaves, and why.

Pull reads the plan the other way round: each field change of an update says
what the store holds (``before``) and what the YAML asks (``after``); pull
takes the store's value. What it takes:

* products: ``name``, ``visible``, and ``type`` (an unresolved difference: Wix
  cannot change a type, so the YAML takes the store's);
* variants: ``sku``, ``price``, ``compare_at_price``, ``visible``;
* stock: ``quantity`` under policy ``set`` only (under ``initial`` and
  ``at_least`` sales own the count), ``in_stock``, and the preorder settings;
* locations: ``time_zone`` and the parts of ``address``;
* options: the colour of a swatch choice.

What it leaves, with the reason: a value removed in the store (pull writes
values; it never removes a key from the YAML), a changed tracking method,
the choices a product uses, option renames and new choices, renames the YAML
declares with ``moved:``. Objects on one side only are listed, never deleted
or (without ``--write-new``) added.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.live.model import LiveStore
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.addresses import (
    location_address,
    matches_target,
    product_address,
    variant_address,
)
from inventory_as_code.plan.locations import LocationPlanner
from inventory_as_code.plan.model import Action, Change, Kind, Plan
from inventory_as_code.plan.renames import apply_moves
from inventory_as_code.pull.model import NotPulled, OneSided, Want

PRODUCT_FIELDS = frozenset({"name", "visible"})
VARIANT_FIELDS = frozenset({"sku", "price", "compare_at_price", "visible"})
STOCK_FIELDS = frozenset(
    {"quantity", "in_stock", "preorder.enabled", "preorder.message", "preorder.limit"}
)

REMOVED = (
    "removed in the store; pull writes values and never removes a key from the YAML: "
    "remove it from the YAML by hand, or apply to put it back"
)


@dataclass
class Found:
    wants: list[Want] = field(default_factory=list)
    not_pulled: list[NotPulled] = field(default_factory=list)
    sales_owned: list[Want] = field(default_factory=list)
    only_live: list[OneSided] = field(default_factory=list)
    only_yaml: list[OneSided] = field(default_factory=list)


def collect(
    plan: Plan, desired: DesiredState, live: LiveStore, targets: Sequence[str] = ()
) -> Found:
    """Sort the plan's differences (already narrowed to ``targets``) into what pull does."""
    found = Found()
    created = {c.address for c in plan.changes if c.action is Action.CREATE}
    deleted = {c.address for c in plan.changes if c.action is Action.DELETE}
    for change in plan.changes:
        if change.action is Action.UPDATE:
            _update(change, found)
        elif change.action is Action.SWITCH_TRACKING:
            for item in change.fields:
                if item.field == "tracking":
                    found.not_pulled.append(
                        NotPulled(
                            _want(change, "tracking", item.after, item.before),
                            "the tracking method changed in the store (a count against "
                            "available yes/no); change the stock entry in the YAML by hand, or "
                            "apply to switch it back",
                        )
                    )
        elif change.action is Action.CREATE:
            if _parent(change) not in created:
                found.only_yaml.append(OneSided(change.address, _created(change)))
        elif change.action is Action.DELETE and _parent(change) not in deleted:
            found.only_live.append(OneSided(change.address, _deleted(change)))
    for unresolved in plan.unresolved:
        slug = _slug(unresolved.address)
        if unresolved.field == "type" and slug:
            want = Want(
                "product",
                unresolved.address,
                "type",
                unresolved.desired,
                unresolved.live,
                slug=slug,
            )
            found.wants.append(want)
        elif unresolved.field == "variant":
            found.only_live.append(
                OneSided(unresolved.address, "a live variant the YAML does not produce")
            )
    for extra in unmanaged(desired, live):
        if extra.address not in deleted and _selected(extra.address, targets):
            found.only_live.append(extra)
    return found


def unmanaged(desired: DesiredState, live: LiveStore) -> list[OneSided]:
    """Live products and locations the YAML does not mention (and ``prune`` leaves)."""
    renamed = apply_moves(desired, live)
    out = [
        OneSided(
            product_address(slug),
            f'"{product.name}", {len(product.variants)} variant(s)',
        )
        for slug, product in sorted(renamed.live.products.items())
        if slug not in desired.products
    ]
    locations = LocationPlanner(desired, renamed.live, renamed.locations)
    locations.run()
    claimed = {loc.id for loc in locations.location_of.values() if loc is not None}
    out += [
        OneSided(location_address(loc.name), "a location")
        for loc in sorted(renamed.live.locations, key=lambda loc: loc.name)
        if loc.id not in claimed and not loc.is_default
    ]
    return out


def _selected(address: str, targets: Sequence[str]) -> bool:
    return not targets or any(matches_target(address, t) for t in targets)


def _update(change: Change, found: Found) -> None:
    kind = change.kind
    for item in change.fields:
        name = item.field
        # The plan reads store -> YAML: ``before`` is the store's value.
        want = _want(change, name, item.after, item.before)
        if (kind is Kind.PRODUCT and name in PRODUCT_FIELDS) or (
            kind is Kind.VARIANT and name in VARIANT_FIELDS
        ):
            _take(want, found)
        elif kind is Kind.STOCK and name in STOCK_FIELDS:
            policy = change.keys.get("policy")
            if name == "quantity" and policy != "set":
                found.sales_owned.append(want)
            else:
                _take(want, found)
        elif kind is Kind.LOCATION and (name == "time_zone" or name.startswith("address.")):
            _take(want, found)
        elif kind is Kind.LOCATION and name == "address":
            # The plan shows an address with few parts in common whole: pulled part by part.
            yaml_parts, live_parts = item.after or {}, item.before or {}
            for part in sorted(set(yaml_parts) | set(live_parts)):
                if yaml_parts.get(part) != live_parts.get(part):
                    value = live_parts.get(part)
                    _take(_want(change, f"address.{part}", yaml_parts.get(part), value), found)
        elif kind is Kind.OPTION and name.startswith("swatches."):
            _take(want, found)
        else:
            found.not_pulled.append(NotPulled(want, _why_not(kind, name)))


def _take(want: Want, found: Found) -> None:
    if want.live is None:
        found.not_pulled.append(NotPulled(want, REMOVED))
    else:
        found.wants.append(want)


def _why_not(kind: Kind, name: str) -> str:
    if name == "slug" or name == "name" or name.startswith(("option[", "choice[")):
        return (
            "a rename the YAML declares with moved:; pull does not undo it (apply makes it, "
            "or remove the moved: entry)"
        )
    if kind is Kind.PRODUCT and name == "options":
        return (
            "the choices the product uses differ (variants to add or remove); pull does not "
            "change options: edit them in the YAML by hand, or apply"
        )
    if kind is Kind.OPTION:
        return (
            "options are the store's, shared by every product that uses them; pull takes only "
            "swatch colours: rename an option or choice with moved:, add choices by hand"
        )
    return "pull does not take this field; edit it in the YAML by hand, or apply"


def _want(change: Change, name: str, yaml: Any, live: Any) -> Want:
    keys = change.keys
    return Want(
        kind=change.kind.value,
        address=change.address,
        field=name,
        yaml=yaml,
        live=live,
        slug=str(keys.get("slug") or ""),
        variant=tuple(keys.get("variant") or ()),
        location=str(keys.get("location") or ""),
        option=str(keys.get("option") or ""),
    )


def _parent(change: Change) -> str:
    """The address of the object this one belongs to (a stock item's variant, ...)."""
    keys = change.keys
    if change.kind is Kind.STOCK:
        return variant_address(str(keys.get("slug")), tuple(keys.get("variant") or ()))
    if change.kind is Kind.VARIANT:
        return product_address(str(keys.get("slug")))
    return ""


def _slug(address: str) -> str:
    if address.startswith('product["') and address.endswith('"]'):
        return str(json.loads(address[len("product[") : -1]))
    return ""


def _created(change: Change) -> str:
    what = {
        Kind.LOCATION: "a location",
        Kind.OPTION: "an option",
        Kind.PRODUCT: "a product",
        Kind.VARIANT: "a variant",
        Kind.STOCK: "a stock item",
    }[change.kind]
    return f"{what} in the YAML that the store does not have (deleted there, or not applied yet)"


def _deleted(change: Change) -> str:
    what = {
        Kind.LOCATION: "a location",
        Kind.OPTION: "an option",
        Kind.PRODUCT: "a product",
        Kind.VARIANT: "a variant",
        Kind.STOCK: "a stock item",
    }[change.kind]
    return f"{what} in the store that the YAML does not have (prune would delete it)"
