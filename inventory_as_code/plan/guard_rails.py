"""Guard rails: checks on the plan data, before anything is applied.

A tripped rail does not change the plan; it is recorded in it, shown by
every renderer, and ``apply`` refuses the plan unless ``--force`` is given.

* ``PREORDER_LIMIT_BELOW_COUNTER``: a preorder limit below the preorders
  already taken.
* ``TRACKING_SWITCH_WITH_STOCK``: switching the tracking method of an item
  that has stock on hand (the count or the flag is discarded).
* ``VARIANTS_REPLACED``: a product's set of options changes, so every one of
  its variants (and their stock) is deleted and created anew.
* ``OUT_OF_STOCK_SHARE``: more than a share of the managed stock items go
  from available to unavailable.
* ``TOUCHED_SHARE``: more than a share of the managed stock items change.
* ``VARIANT_WITHOUT_PRICE``: a variant would be created without a price
  (Wix requires one; it would sell at 0.00).
* ``DELETE_SHARE`` / ``DELETE_COUNT``, per kind of object (``kind``:
  products, variants, stock): the plan deletes more than a share of that
  kind's live objects, or more than a number of them. A mistyped folder, a
  bad merge or an emptied file under ``prune`` looks exactly like this. A
  kind trips one of the two: the share when it is over, else the count, so
  one acceptance covers it.
* ``LOCATION_ARCHIVE``: the plan archives a location, however few. Wix
  cannot delete a location and an archive is permanent (Corrections 17 in
  the Wix notes: it cannot be undone), so every archive is accepted in
  review, whatever the share.
* ``SHARED_OPTION_UNMANAGED``: a change of a shared option reaches products
  the YAML does not manage (:mod:`.option_rails`).
* ``MOVED_UNITS_SHARE``: refills move more than a share of the units their
  sources hold (:mod:`.move_rails`); moves also count in ``TOUCHED_SHARE``.

The share rails follow octoDNS (``Plan.raise_if_unsafe``: its thresholds
apply once the zone holds ``MIN_EXISTING_RECORDS`` = 10 records): a share
counts once the kind has ``min_items`` live objects, whatever the number
of objects the plan affects. So 9 deletions of 12 products (75%) trip, and
a store of five products may still delete two.

A tripped rail that an ``[[guard_rails.accept]]`` entry of the project covers
(its code, its kind if the entry names one, at most ``max`` objects) is
recorded as accepted, with the entry and its reason, and does not block.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from inventory_as_code.config.rails import GuardRailSettings as GuardRailSettings
from inventory_as_code.config.rails import RailAcceptance
from inventory_as_code.live.model import LiveStore
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.model import Acceptance, Action, Change, GuardRail, Kind, Plan
from inventory_as_code.plan.move_rails import moved_units_rail, moves_of
from inventory_as_code.plan.option_rails import shared_option_rails

# The kind names of the deletion rails (and of [[guard_rails.accept]] kind = ...).
KIND_NAMES = {
    Kind.LOCATION: "locations",
    Kind.PRODUCT: "products",
    Kind.VARIANT: "variants",
    Kind.STOCK: "stock",
}
_NOUNS = {
    "products": "products",
    "variants": "variants of managed products",
    "stock": "stock items of managed products",
}


def available(values: dict[str, Any] | None) -> bool:
    if not values:
        return False
    if values.get("tracking") == "in_stock":
        return bool(values.get("in_stock"))
    return (values.get("quantity") or 0) > 0


def check_guard_rails(
    changes: list[Change], live: LiveStore, desired: DesiredState, settings: GuardRailSettings
) -> list[GuardRail]:
    rails: list[GuardRail] = []
    stock = [c for c in changes if c.kind is Kind.STOCK and c.observed is not None]

    below = [
        c.address
        for c in stock
        if c.after
        and (c.after.get("preorder") or {}).get("limit") is not None
        and c.after["preorder"]["limit"]
        < (c.observed.values.get("preorder") or {}).get("counter", 0)  # type: ignore[union-attr]
    ]
    if below:
        rails.append(
            GuardRail(
                "PREORDER_LIMIT_BELOW_COUNTER",
                f"{len(below)} preorder limit(s) would be set below the preorders already taken.",
                tuple(below),
            )
        )

    switches = [
        c.address
        for c in stock
        if c.action is Action.SWITCH_TRACKING and available(dict(c.observed.values))  # type: ignore[union-attr]
    ]
    if switches:
        rails.append(
            GuardRail(
                "TRACKING_SWITCH_WITH_STOCK",
                f"{len(switches)} item(s) switch tracking method while they have stock on hand; "
                "the current count or in-stock flag is discarded.",
                tuple(switches),
            )
        )

    replaced = sorted(
        {
            c.keys.get("slug", "")
            for c in changes
            if c.kind is Kind.VARIANT and c.action is Action.DELETE
        }
        & {
            slug
            for slug in desired.products
            if slug in live.products and _options_renamed(slug, live, desired)
        }
    )
    if replaced:
        rails.append(
            GuardRail(
                "VARIANTS_REPLACED",
                f"{len(replaced)} product(s) change their set of options: all their variants and "
                "stock are deleted and created again.",
                tuple(f'product["{slug}"]' for slug in replaced),
            )
        )

    unpriced = [
        c.address
        for c in changes
        if c.kind is Kind.VARIANT and c.action is Action.CREATE and "price" not in (c.after or {})
    ]
    if unpriced:
        rails.append(
            GuardRail(
                "VARIANT_WITHOUT_PRICE",
                f"{len(unpriced)} new variant(s) have no price in the YAML; Wix needs one, so "
                "they would be created at 0.00. Add a price (product or variant level).",
                tuple(unpriced),
            )
        )

    managed = _managed_item_count(live, desired)
    if managed:
        going_out = [
            c.address
            for c in stock
            if c.action is not Action.DELETE
            and available(dict(c.observed.values))  # type: ignore[union-attr]
            and not available({**dict(c.observed.values), **dict(c.after or {})})  # type: ignore[union-attr]
        ]
        share = len(going_out) / managed
        if managed >= settings.min_items and share > settings.max_out_of_stock_share:
            rails.append(
                GuardRail(
                    "OUT_OF_STOCK_SHARE",
                    f"{len(going_out)} of {managed} managed stock items ({share:.0%}) go out of "
                    f"stock; the limit is {settings.max_out_of_stock_share:.0%}.",
                    tuple(going_out),
                )
            )
        touched = [c.address for c in stock] + [c.address for c in moves_of(changes)]
        share = len(touched) / managed
        if managed >= settings.min_items and share > settings.max_touched_share:
            rails.append(
                GuardRail(
                    "TOUCHED_SHARE",
                    f"{len(touched)} of {managed} managed stock items ({share:.0%}) change; "
                    f"the limit is {settings.max_touched_share:.0%}.",
                    tuple(touched),
                )
            )
    rails += _deletion_rails(changes, live, desired, settings, set(replaced))
    rails += shared_option_rails(changes)
    rails += moved_units_rail(changes, settings)
    return accept_rails(rails, settings.accept)


def _deletion_rails(
    changes: list[Change],
    live: LiveStore,
    desired: DesiredState,
    settings: GuardRailSettings,
    replaced: set[str],
) -> list[GuardRail]:
    deleted: dict[str, list[str]] = {name: [] for name in KIND_NAMES.values()}
    for change in changes:
        if change.action is not Action.DELETE:
            continue
        if change.kind is Kind.VARIANT and change.keys.get("slug") in replaced:
            continue  # VARIANTS_REPLACED says it: they are created again
        deleted[KIND_NAMES[change.kind]].append(change.address)
    managed = [live.products[s] for s in desired.products if s in live.products]
    scope = live.scope
    # A narrowed read (live.model.ReadScope) holds some products: the store's own count
    # of them where it was taken, and the YAML's count for the managed ones not read.
    products = scope.store_products if scope is not None else None
    live_counts = {
        "locations": len(live.locations),
        "products": len(live.products) if products is None else products,
        "variants": sum(len(p.variants) for p in managed)
        + (scope.unread_managed_variants if scope is not None else 0),
        "stock": _managed_item_count(live, desired),
    }
    rails = []
    archived = deleted.pop("locations")
    if archived:
        rails.append(
            GuardRail(
                "LOCATION_ARCHIVE",
                f"{len(archived)} location(s) would be archived: Wix cannot delete a location, "
                "and an archive is permanent (it cannot be undone). Each archive needs an "
                "acceptance in review.",
                tuple(archived),
            )
        )
    for name, addresses in deleted.items():
        count = len(addresses)
        if not count:
            continue
        existing = live_counts[name]
        total = max(existing, count)  # a narrowed read may hold fewer than it deletes
        share = count / total
        noun = _NOUNS[name]
        limits = (
            f"the limits are {settings.max_delete_share:.0%} (max_delete_share) and "
            f"{settings.max_deletes} (max_deletes)"
        )
        if existing >= settings.min_items and share > settings.max_delete_share:
            code = "DELETE_SHARE"
        elif count > settings.max_deletes:
            code = "DELETE_COUNT"
        else:
            continue
        rails.append(
            GuardRail(
                code,
                f"{count} of {total} live {noun} ({share:.0%}) would be deleted; {limits}.",
                tuple(addresses),
                kind=name,
            )
        )
    return rails


def accept_rails(rails: Iterable[GuardRail], accept: Iterable[RailAcceptance]) -> list[GuardRail]:
    """Mark the rails an ``[[guard_rails.accept]]`` entry covers as accepted by it."""
    entries = tuple(accept)
    out = []
    for rail in rails:
        entry = next((a for a in entries if a.covers(rail.code, rail.kind, rail.count)), None)
        if entry is not None:
            rail = replace(rail, accepted=Acceptance(entry.where, entry.reason, entry.max))
        out.append(rail)
    return out


def blocking_rails(plan: Plan) -> tuple[GuardRail, ...]:
    """The tripped rails no acceptance covers: ``apply`` refuses these without --force."""
    return tuple(rail for rail in plan.guard_rails if rail.accepted is None)


def _options_renamed(slug: str, live: LiveStore, desired: DesiredState) -> bool:
    return [o.name for o in desired.products[slug].options] != [
        o.name for o in live.products[slug].options
    ]


def _managed_item_count(live: LiveStore, desired: DesiredState) -> int:
    managed_ids = {live.products[s].id for s in desired.products if s in live.products}
    read = sum(1 for (product_id, _, _) in live.inventory if product_id in managed_ids)
    # A read narrowed to some products (--target, --changed-since) estimates the rest,
    # so the shares stay shares of the store (live.model.ReadScope).
    return read + (live.scope.unread_managed_items if live.scope is not None else 0)
