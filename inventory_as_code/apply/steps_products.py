"""Apply steps for products: create (with default-location stock), update, delete.

Products to update are read once, just before the first update (two reads
per 100 products): to check each one's revision against the plan's, and
because Wix replaces the variants array whole, so every live variant that
stays is sent back as it is (see :mod:`.bodies_products`).

A create whose answer was lost is settled at once by reading the product by
its slug, because the stock steps after it need the ids of its variants.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from inventory_as_code.apply.bodies_options import UnknownOption, needs_site
from inventory_as_code.apply.bodies_products import product_create_body, product_update_body
from inventory_as_code.apply.calls import Batch, ProductGroup, Step
from inventory_as_code.apply.check import check_item, check_product, holds
from inventory_as_code.apply.moved import product_moved
from inventory_as_code.apply.report import Status
from inventory_as_code.apply.run import Run
from inventory_as_code.apply.steps_options import site_options
from inventory_as_code.live.normalize import inventory_item_from_wix, product_from_wix
from inventory_as_code.live.reader import read_products
from inventory_as_code.plan.model import Change, Kind
from inventory_as_code.wix import BulkItemResult, BulkResult, InventoryEntryResult, ItemStatus
from inventory_as_code.wix._exceptions import NotFoundError, WixError

logger = logging.getLogger(__name__)


def _without_options(run: Run, group: ProductGroup, error: UnknownOption) -> None:
    for change in group.changes:
        run.set(
            change,
            Status.NOT_ATTEMPTED,
            "OPTION_MISSING",
            f"its option {error.args[0]} was not written (see the option's change)",
        )


def product_create(run: Run, batch: Batch) -> None:
    options = site_options(run, _option_names(run, batch.groups))
    bodies, groups = [], []
    for group in batch.groups:
        try:
            bodies.append(
                product_create_body(group.slug, group.changes, run.default_location, options)
            )
        except UnknownOption as exc:
            _without_options(run, group, exc)
            continue
        groups.append(group)
    if not bodies:
        return
    result = run.client.products.bulk_create(
        bodies,  # type: ignore[arg-type]
        with_inventory=True,
        return_entity=True,
        fields=("VARIANT_OPTION_CHOICE_NAMES",),
    )
    stock = _stock_results(result)
    for index, (group, item) in enumerate(zip(groups, result.items, strict=True)):
        product_change = next(c for c in group.changes if c.kind is Kind.PRODUCT)
        if item.status is not ItemStatus.APPLIED:
            run.record_bulk([product_change], _single(result, item))
            for change in group.changes:
                if change is not product_change:
                    run.set(change, Status.NOT_ATTEMPTED, message="its product was not created")
            continue
        run.set(product_change, Status.APPLIED)
        run.learn_product(group.slug, item.item or {})
        variants = [c for c in group.changes if c.kind is Kind.VARIANT]
        position = {tuple(c.keys["variant"]): n for n, c in enumerate(variants)}
        for change in group.changes:
            if change.kind is Kind.VARIANT:
                run.set(change, Status.APPLIED)
            elif change.kind is Kind.STOCK:
                entry = stock.get((index, position[tuple(change.keys["variant"])]))
                _record_stock_entry(run, change, entry)


def _stock_results(result: BulkResult) -> dict[tuple[int, int], InventoryEntryResult]:
    """The default-location stock of a products-with-inventory call, by (product, variant).

    The client matches Wix's ``inventoryResults`` to the variants by the ids
    they carry (how Wix numbers them is not documented), and reports a
    whole-part ``error`` on every entry.
    """
    if result.inventory is None:
        return {}
    return {(e.product_index, e.variant_index): e for e in result.inventory.entries}


def _record_stock_entry(run: Run, change: Change, entry: InventoryEntryResult | None) -> None:
    if entry is None or entry.status is ItemStatus.APPLIED:
        run.set(change, Status.APPLIED)
    elif entry.status is ItemStatus.FAILED and entry.error is not None:
        run.set(change, Status.FAILED, entry.error.code, entry.error.description)
    elif entry.status is ItemStatus.UNKNOWN:
        # Settled right after this batch from a re-read of the product's stock.
        run.set(change, Status.UNKNOWN, "OUTCOME_UNKNOWN", "Wix's answer did not say")
    else:
        run.set(change, Status.NOT_ATTEMPTED, message="its product was not written")


def read_products_to_update(run: Run) -> None:
    wanted = [
        run.ids.products[g.slug]
        for b in run.calls.batches
        if b.step is Step.PRODUCT_UPDATE
        for g in b.groups
        if g.slug in run.ids.products
    ]
    by_id = read_products(run.client, wanted)
    slug_of = {run.ids.products[g]: g for g in run.ids.products}
    run.before_products = {slug_of[pid]: p for pid, p in by_id.items() if pid in slug_of}


def product_update(run: Run, batch: Batch) -> None:
    if not run.before_products:
        read_products_to_update(run)
    options = site_options(run, _option_names(run, batch.groups))
    entries, groups = [], []
    for group in batch.groups:
        live = run.before_products.get(group.slug)
        observed = next((c.observed for c in group.changes if c.observed), None)
        if live is None:
            for change in group.changes:
                run.set(change, Status.FAILED, "NOT_FOUND", "the product no longer exists")
            continue
        own = run.own_revisions.get(group.slug)  # moved on by this run's option writes
        if observed is not None and live.revision != (own or observed.revision):
            for change in group.changes:
                run.set(change, Status.STALE, "REVISION_MISMATCH", product_moved(change, live))
            continue
        try:
            entries.append(product_update_body(group.changes, live, options, own))
        except UnknownOption as exc:
            _without_options(run, group, exc)
            continue
        groups.append(group)
    if not entries:
        return
    result = run.client.products.bulk_update(
        entries,  # type: ignore[arg-type]
        return_entity=True,
        fields=("VARIANT_OPTION_CHOICE_NAMES",),
    )
    for group, item in zip(groups, result.items, strict=True):
        applied = run.record_bulk(list(group.changes), _single(result, item, len(group.changes)))
        if all(applied):
            run.learn_product(group.slug, item.item or {})


def _option_names(run: Run, groups: Iterable[ProductGroup]) -> set[str]:
    """The options whose ids the products' bodies need from the site (see needs_site)."""
    names: set[str] = set()
    for group in groups:
        live = run.before_products.get(group.slug)
        for change in group.changes:
            if change.kind is Kind.PRODUCT and (change.after or {}).get("options"):
                wanted = dict((change.after or {})["options"])
                names |= needs_site(wanted, live.options if live else ())
    return names


def product_delete(run: Run, batch: Batch) -> None:
    ids = [c.keys["product_id"] for c in batch.changes]
    run.record_bulk(batch.changes, run.client.products.bulk_delete(ids))


def settle_product_creates(run: Run, batch: Batch) -> None:
    """Creates whose answer was lost, or whose resend Wix refused: look, never resend.

    Also the stock of a created product that Wix's answer did not account for.
    """
    for group in batch.groups:
        product_change = next(c for c in group.changes if c.kind is Kind.PRODUCT)
        lost_stock = [
            c for c in group.changes if c.kind is Kind.STOCK and run.status(c) is Status.UNKNOWN
        ]
        if not run.refused_as_repeat(product_change) and not lost_stock:
            continue
        try:
            raw = dict(run.client.products.get_by_slug(group.slug))
            live = product_from_wix(raw)
            items = {
                str(i.get("variantId")): inventory_item_from_wix(i)
                for i in run.client.inventory.query({"productId": {"$in": [live.id]}})
            }
        except NotFoundError:
            continue  # not created: the failure stands
        except WixError as exc:
            logger.warning("could not re-read %s after a lost answer: %s", group.slug, exc)
            continue
        if not holds(check_product(group.changes, None, live, run.options)):
            continue  # something else holds the slug: the refusal stands
        run.learn_product(group.slug, raw)
        for change in group.changes:
            if run.status(change) is Status.APPLIED:
                continue
            if change.kind is Kind.STOCK:
                item = items.get(run.ids.variant(change) or "")
                if item is None or not holds(check_item(change, item)):
                    if run.status(change) is Status.UNKNOWN:
                        run.set(change, Status.FAILED, "NOT_CREATED", "not found after a re-read")
                    continue
            run.set(change, Status.APPLIED, message="answer lost; a re-read shows it applied")


def settle_product_updates(run: Run, batch: Batch) -> None:
    refused = [g for g in batch.groups if any(run.refused_as_repeat(c) for c in g.changes)]
    if not refused:
        return
    try:
        fresh = read_products(run.client, [run.ids.products[g.slug] for g in refused])
    except WixError as exc:
        logger.warning("could not re-read products after a lost answer: %s", exc)
        return
    for group in refused:
        live = fresh.get(run.ids.products[group.slug])
        before = run.before_products.get(group.slug)
        if live is not None and holds(check_product(group.changes, before, live, run.options)):
            for change in group.changes:
                run.set(change, Status.APPLIED, message="answer lost; a re-read shows it applied")


def _single(result: BulkResult, item: BulkItemResult, count: int = 1) -> BulkResult:
    return BulkResult(items=(item,) * count, calls=result.calls)
