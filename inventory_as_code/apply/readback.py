"""After apply: read back every object written and check it against the plan.

Terraform stops with "Provider produced inconsistent result after apply"
when a provider's result differs from its plan. This is the same check on
the user's live store: the emulator proves the contract in the tests, and
on a real site this is how a difference between Wix and the emulator shows
up in the apply report instead of in the storefront.

A change of a store option is checked on the option and on every product
that uses it, the ones this run did not write included: the option is
shared, and Wix writes its change into each of them.

Cost, in reads, at most what a full read of the objects written costs: one
for the options when any was written; for the products written and those
that use a written option, one per 100 products and one per 1,000 of their
variants (plus one Get Product for each product whose read-only variants
lag); one per 1,000 stock items, those of new products read by product and
the others by id; one for locations when any was written, and one to look
for a second location of the same name (a twin) where a location was
written or new stock created (two when one is found: see
:func:`_location_twins`). Items are asked for by id up to 1,000 at a time
(so a page is full), products 100 at a time, and the variants and stock of
products 200 products a query (a longer filter would not fit the next page's
cursor): a full read's cost when products have 5 variants or more.

An object whose revision moved on after this run's own write (a sale a
second later) is not compared: what it holds is no longer apply's doing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from inventory_as_code.apply.check import Mismatch, check_item, check_location, check_product
from inventory_as_code.apply.check_options import check_option, check_users
from inventory_as_code.apply.location_twins import LOCATION_EXISTS, inventory_twins
from inventory_as_code.apply.report import Status
from inventory_as_code.apply.run import Run
from inventory_as_code.live.model import LiveInventoryItem, LiveProduct
from inventory_as_code.live.normalize import business_location_from_wix
from inventory_as_code.live.reader import (
    PAGED_ID_CHUNK,
    read_inventory_items,
    read_inventory_items_of_products,
    read_products,
)
from inventory_as_code.model import name_identity
from inventory_as_code.plan.addresses import location_address
from inventory_as_code.plan.duplicates import LOCATION_FIX
from inventory_as_code.plan.model import Action, Change, Kind
from inventory_as_code.wix._types import Location


def verify(run: Run) -> list[Mismatch]:
    """Mismatches between what apply wrote and what the live store holds now."""
    applied = [c for c in run.plan.changes if run.status(c) is Status.APPLIED]
    read: list[list[Location]] = []  # the Wix locations, read at most once

    def locations() -> list[Location]:
        if not read:
            read.append(list(run.client.locations.query()))
        return read[0]

    option_mismatches, users = _options(run, applied)
    # One read of products: those written, and every user of an option written.
    product_ids = {pid for _, _, of in users for pid in of.values()}
    product_mismatches, found = _products(run, applied, product_ids)
    for change, raw, of in users:
        out = {s: found[pid] for s, pid in of.items() if pid in found}
        option_mismatches += check_users(change, raw, out)
    return (
        option_mismatches
        + product_mismatches
        + _stock(run, applied)
        + _locations(run, applied, locations)
        + _location_twins(run, applied, locations)
    )


# Products read back and checked at a time (a multiple of the reads' 200-product queries,
# so windows cost no call more): what a window holds is let go before the next.
READ_WINDOW = 10 * PAGED_ID_CHUNK

OptionUsers = list[tuple[Change, dict[str, Any], dict[str, str]]]


def _moved_on(run: Run, object_id: str, revision: str) -> bool:
    if object_id in run.moved_items:
        return True  # a move of this run wrote it after its stock change (steps_moves)
    written = run.written.get(object_id)
    return written is not None and written != revision


def _options(run: Run, applied: list[Change]) -> tuple[list[Mismatch], OptionUsers]:
    """Each option written; and its users (every product that uses it, written by this run
    or not), to be checked against it once they are read."""
    written = [c for c in applied if c.kind is Kind.OPTION]
    if not written:
        return [], []
    live = {str(raw.get("id")): dict(raw) for raw in run.client.customizations.query()}
    by_name = {name_identity(str(raw.get("name"))): raw for raw in live.values()}
    out: list[Mismatch] = []
    checked: OptionUsers = []
    for change in written:
        raw = live.get(str(change.keys.get("option_id"))) or by_name.get(
            name_identity(str((change.after or {}).get("name")))
        )
        if raw is None:
            out.append(Mismatch(change.address, "exists", True, False, True))
            continue
        if _moved_on(run, str(raw.get("id")), str(raw.get("revision"))):
            continue
        out += check_option(change, raw)
        users = dict(change.keys.get("products") or {})
        users.update(
            {
                s: run.ids.products[s]
                for s in change.keys.get("users") or ()
                if s in run.ids.products
            }
        )
        checked.append((change, raw, users))
    return out, checked


def _products(
    run: Run, applied: list[Change], also: set[str]
) -> tuple[list[Mismatch], dict[str, LiveProduct]]:
    """Products written, checked; and the products of ``also`` (ids to read too), read.

    Read and checked :data:`READ_WINDOW` products at a time, so that no more of
    them are held at once (the queries are the same: windows are cut where the
    reads cut their queries)."""
    groups: dict[str, list[Change]] = defaultdict(list)
    deleted: list[Change] = []
    for change in applied:
        if change.kind is Kind.PRODUCT and change.action is Action.DELETE:
            deleted.append(change)
        elif change.kind in (Kind.PRODUCT, Kind.VARIANT):
            groups[change.keys["slug"]].append(change)
    ids = {slug: run.ids.products[slug] for slug in groups if slug in run.ids.products}
    ids.update({c.keys["slug"]: c.keys["product_id"] for c in deleted})
    if not ids and not also:
        return [], {}
    # Where each check's mismatches go, in the order they were listed before windows.
    found_out: dict[int, list[Mismatch]] = {}
    checks: dict[str, list[tuple[int, Change | list[Change], str]]] = defaultdict(list)
    for index, change in enumerate(deleted):
        checks[change.keys["product_id"]].append((index, change, ""))
    for index, (slug, changes) in enumerate(groups.items(), start=len(deleted)):
        product_id = ids.get(slug, "")
        if product_id:
            checks[product_id].append((index, changes, slug))
        else:
            found_out[index] = [Mismatch(changes[0].address, "exists", True, False, True)]
    wanted = sorted(set(ids.values()) | also)
    kept: dict[str, LiveProduct] = {}
    for start in range(0, len(wanted), READ_WINDOW):
        window = wanted[start : start + READ_WINDOW]
        found = read_products(run.client, window)
        for product_id in window:
            product = found.get(product_id)
            for index, what, slug in checks.get(product_id, ()):
                if isinstance(what, Change):  # a deleted product
                    found_out[index] = (
                        [Mismatch(what.address, "exists", False, True, True)] if product else []
                    )
                elif product is None:
                    found_out[index] = [Mismatch(what[0].address, "exists", True, False, True)]
                elif _moved_on(run, product.id, product.revision):
                    found_out[index] = []
                else:
                    found_out[index] = check_product(
                        what, run.before_products.get(slug), product, run.options
                    )
        kept.update({pid: product for pid, product in found.items() if pid in also})
    return [m for index in sorted(found_out) for m in found_out[index]], kept


ItemKey = tuple[str, Any]  # ("id", item id) or ("place", (variant id, location id))


def _item_key(run: Run, change: Change) -> ItemKey:
    """How a stock change's item is found among the items read back."""
    if change.action is Action.DELETE:
        return ("id", change.keys["inventory_item_id"])
    if change.observed is not None:
        return ("id", change.observed.id)
    if change.address in run.created_items:
        return ("id", run.created_items[change.address])
    return (
        "place",
        (run.ids.variant(change) or "", run.ids.locations.get(change.keys["location"])),
    )


def _stock(run: Run, applied: list[Change]) -> list[Mismatch]:
    """Stock written, checked. The stock of new products is read by product (all of it
    in full pages), :data:`READ_WINDOW` products at a time, and checked window by
    window; that of other products by item id: each item once, a full read's cost for
    what was written, and never every item held at once."""
    stock = [c for c in applied if c.kind is Kind.STOCK]
    if not stock:
        return []
    new_products = {
        c.keys["slug"] for c in applied if c.kind is Kind.PRODUCT and c.action is Action.CREATE
    }
    new_ids = sorted({run.ids.products[s] for s in new_products if s in run.ids.products})
    wanted = {c.observed.id for c in stock if c.observed is not None}
    wanted |= {
        run.created_items[c.address]
        for c in stock
        if c.address in run.created_items and c.keys["slug"] not in new_products
    }
    # A new product's stock is checked with its product's window; the rest at the end.
    in_window: dict[str, list[int]] = defaultdict(list)
    others: list[int] = []
    for index, change in enumerate(stock):
        product_id = run.ids.products.get(change.keys["slug"], "")
        if change.keys["slug"] in new_products and product_id:
            in_window[product_id].append(index)
        else:
            others.append(index)
    other_keys = {_item_key(run, stock[i]) for i in others}
    other_found: dict[ItemKey, LiveInventoryItem] = {}
    out: dict[int, list[Mismatch]] = {}
    for start in range(0, len(new_ids), READ_WINDOW):
        window = new_ids[start : start + READ_WINDOW]
        found: dict[ItemKey, LiveInventoryItem] = {}
        for item in read_inventory_items_of_products(run.client, window):
            for key in (("id", item.id), ("place", (item.variant_id, item.location_id))):
                found[key] = item
                if key in other_keys:
                    other_found[key] = item
            wanted.discard(item.id)
        for product_id in window:
            for index in in_window.get(product_id, ()):
                out[index] = _check_stock(run, stock[index], found)
    if wanted:
        for item_id, item in read_inventory_items(run.client, wanted).items():
            other_found.setdefault(("id", item_id), item)
    for index in others:
        out[index] = _check_stock(run, stock[index], other_found)
    return [m for index in sorted(out) for m in out[index]]


def _check_stock(
    run: Run, change: Change, found: dict[ItemKey, LiveInventoryItem]
) -> list[Mismatch]:
    item = found.get(_item_key(run, change))
    if change.action is Action.DELETE:
        return [] if item is None else [Mismatch(change.address, "exists", False, True, True)]
    if item is None:
        return [Mismatch(change.address, "exists", True, False, True)]
    if _moved_on(run, item.id, item.revision):
        return []
    return check_item(change, item)


def _locations(
    run: Run, applied: list[Change], read: Callable[[], list[Location]]
) -> list[Mismatch]:
    written = [c for c in applied if c.kind is Kind.LOCATION]
    if not written:
        return []
    live = [business_location_from_wix(raw) for raw in read()]
    by_id = {loc.id: loc for loc in live}
    by_name = {loc.name: loc for loc in live if not loc.archived}
    out: list[Mismatch] = []
    for change in written:
        if change.action is Action.DELETE:
            gone = by_id.get(change.observed.id if change.observed else "")
            if gone is not None and not gone.archived:
                out.append(Mismatch(change.address, "archived", True, False, True))
            continue
        location = by_id.get(change.keys.get("wix_location_id", "")) or by_name.get(
            change.keys["location"]
        )
        if location is not None and _moved_on(run, location.id, location.revision):
            continue
        out += check_location(change, location)
    return out


def _code(run: Run, change: Change) -> str:
    outcome = run.report.outcomes.get(change.address)
    return outcome.code if outcome is not None else ""


# A twin may be in the middle of being archived by the apply that made it
# (apply/location_twins.py): seen once, it is looked at again after this long.
TWIN_SETTLE_SECONDS = 2.0


def _location_twins(
    run: Run, applied: list[Change], read: Callable[[], list[Location]]
) -> list[Mismatch]:
    """Two live inventory locations named like one this run created or put new stock at.

    One read of the Wix locations, and one more after a pause when a twin is
    seen. Reported with the fix, never acted on: which copy holds the stock
    the shop means is the merchant's call.
    """
    names = {
        c.keys["location"]
        for c in run.plan.changes
        if c.kind is Kind.LOCATION
        and c.action is not Action.DELETE
        and (run.status(c) is Status.APPLIED or _code(run, c) == LOCATION_EXISTS)
    }
    # New stock is where a twin matters: it lands on one of the two (updates keep their item).
    names |= {
        c.keys["location"] for c in applied if c.kind is Kind.STOCK and c.action is Action.CREATE
    }
    names.discard(run.default_location or "")
    if not names:
        return []
    twins = {name: ids for name, ids in inventory_twins(read(), names).items() if len(ids) > 1}
    if twins:
        run.client.sleep(TWIN_SETTLE_SECONDS)
        again = run.client.locations.query()
        twins = {name: ids for name, ids in inventory_twins(again, names).items() if len(ids) > 1}
    return [
        Mismatch(
            location_address(name),
            "count",
            1,
            len(ids),
            False,
            f'Wix holds {len(ids)} inventory locations named "{name}" (Wix ids '
            f"{', '.join(sorted(ids))}); this apply wrote to the oldest. Run plan to see the "
            f"stock each holds. {LOCATION_FIX}",
        )
        for name, ids in sorted(twins.items())
    ]
