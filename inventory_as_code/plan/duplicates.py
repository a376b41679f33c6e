"""Two live objects where the YAML means one: shown as unresolved, never planned "No changes".

Wix keeps product slugs and stock items (variant + location) unique, but not
location names, and whether it keeps SKUs unique store-wide is unconfirmed.
A second live location named like a YAML location (two applies that created
it at once, another app, a rename in the dashboard), or a second product
selling a managed variant's SKU, is a difference the plan cannot settle on
its own: which of the two holds the stock the shop means, and what of the
other's stock (sales were recorded against it) is the merchant's call.

So the planner keeps managing the oldest location of the name (the one
every apply settles on, see ``apply/location_twins.py``) and lists each
other one here as *unresolved*: shown in every plan, counted by
``--detailed-exitcode`` (exit 2), with what it holds and the fix. Nothing is
archived or moved for it: archiving is permanent in Wix, and moving stock
is a decrement at one location and an increment at another that only the
merchant can judge.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from inventory_as_code.live.model import LiveLocation, LiveStore
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.addresses import location_address, variant_address
from inventory_as_code.plan.model import Action, Change, Kind, Unresolved

LOCATION_FIX = (
    "In the Wix dashboard, move the stock you want to keep into one of them and archive the "
    "other (archiving is permanent), or rename one and give it its own entry in the YAML; "
    "then plan again. The tool never moves stock between locations or archives one on its own."
)


@dataclass(frozen=True, slots=True)
class Twin:
    """Another live inventory location with a YAML location's name."""

    stores_id: str | None  # None: its Wix location is not listed in Stores Locations yet
    wix_id: str | None
    created: str = ""


def location_twins(live: LiveStore, name: str, kept: LiveLocation) -> list[Twin]:
    """The live inventory locations named ``name`` other than ``kept``.

    Stores locations are listed a moment after their Wix location is created,
    so an inventory-typed Wix location not listed yet counts too.
    """
    twins = [
        Twin(loc.id, loc.wix_location_id, loc.created)
        for loc in live.locations
        if loc.name == name and loc.id != kept.id and not loc.is_default
    ]
    listed = {loc.wix_location_id for loc in live.locations}
    twins += [
        Twin(None, b.id)
        for b in live.business_locations
        if b.name == name
        and not b.archived
        and "INVENTORY" in b.location_types
        and b.id not in listed
    ]
    return twins


def location_duplicate(
    live: LiveStore, name: str, kept: LiveLocation, twins: Sequence[Twin]
) -> Unresolved:
    held = _stock_by_location(live, {kept.id, *(t.stores_id for t in twins if t.stores_id)})

    def describe(stores_id: str | None, wix_id: str | None, created: str) -> str:
        if stores_id is None:
            return f"Wix location {wix_id}, not listed as an inventory location yet"
        items, units = held.get(stores_id, (0, 0))
        when = f", created {created}" if created else ""
        return f"{stores_id}{when}: {items} stock item(s), {units} unit(s) read there"

    count = len(twins) + 1
    others = "; ".join(describe(t.stores_id, t.wix_id, t.created) for t in twins)
    return Unresolved(
        location_address(name),
        "count",
        count,
        1,
        f'Wix holds {count} inventory locations named "{name}". The plan manages the oldest '
        f"({describe(kept.id, kept.wix_location_id, kept.created)}) and leaves the other(s) "
        f"alone ({others}). " + LOCATION_FIX,
    )


def _stock_by_location(live: LiveStore, ids: set[str]) -> dict[str, tuple[int, int]]:
    items: Counter[str] = Counter()
    units: Counter[str] = Counter()
    for item in live.inventory.values():
        if item.location_id in ids:
            items[item.location_id] += 1
            units[item.location_id] += item.quantity or 0
    return {location_id: (items[location_id], units[location_id]) for location_id in items}


def sku_duplicates(
    desired: DesiredState, live: LiveStore, changes: Iterable[Change]
) -> list[Unresolved]:
    """A managed variant whose SKU another live variant also holds, and the plan keeps.

    A SKU the plan changes or frees (its variant or product deleted) is left
    to the feasibility check, which refuses a collision the plan would make.
    """
    touched = {c.address for c in changes if c.kind is Kind.VARIANT}
    deleted = {
        c.keys["slug"] for c in changes if c.kind is Kind.PRODUCT and c.action is Action.DELETE
    }
    holders: Mapping[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for slug, product in live.products.items():
        if slug in deleted:
            continue
        for variant in product.variants:
            if variant.sku:
                holders[variant.sku].append((slug, variant.key))
    out = []
    for sku, found in sorted(holders.items()):
        if len(found) < 2:
            continue
        addresses = [variant_address(slug, key) for slug, key in found]
        for (slug, _), address in zip(found, addresses, strict=True):
            if slug not in desired.products or address in touched:
                continue
            others = [a for a in addresses if a != address]
            out.append(
                Unresolved(
                    address,
                    "sku",
                    sku,
                    sku,
                    f'SKU "{sku}" is also held by {", ".join(others)}: two live variants sell '
                    "one SKU (Wix normally refuses that; two applies or another app at once can "
                    "leave it). In the Wix dashboard, delete the one that should not exist, or "
                    "give it another SKU; then plan again.",
                )
            )
    return out
