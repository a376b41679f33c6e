"""Plan -> the list of write calls: a pure step, tested on its own.

Changes are grouped by the endpoint that carries them and cut at that
endpoint's batch limit, in dependency order:

 1. ``locations.create``                               one call per new location
 2. ``locations.update``                               per changed location: add the
                                                       INVENTORY type and/or replace the
                                                       object (rename, address, time zone)
 2a. ``customizations.bulk-create``                    new store options, 100 per call
 2b. ``customizations.update``                         per changed option: rename it
                                                       (Update Customization) and/or write
                                                       its choices (Set Customization
                                                       Choices for renamed or recoloured
                                                       ones, else Add Customization Choices)
 3. ``products.bulk-create-with-inventory``            new products with their variants and
                                                       their stock at the default location;
                                                       100 products, 1,000 variants and 100
                                                       options per call in total
 4. ``products.bulk-update``                           changed products (fields, renames,
                                                       variants added, changed or removed),
                                                       whole option and variant arrays;
                                                       the same totals
 5. ``inventory-items.bulk-create``                    all other new stock, 1,000 per call
 6. ``inventory-items.bulk-update``                    stock changes, tracking switches and
                                                       top-ups (policy at_least), 1,000
 6a. moves (refills, ``refill_from``)                  per 100 moves: a move record created
                                                       and renamed (customizations bulk
                                                       create / update); per 1,000: the
                                                       sources, then the destinations
                                                       (inventory-items.bulk-update); and
                                                       one delete per record (Wix has no
                                                       bulk delete of customizations)
 7. ``inventory-items.bulk-delete``                    1,000 per call
 8. ``products.bulk-delete``                           100 per call
 9. ``locations.archive``                              one call per location

Options go before products: a product only picks choices of its options,
which must exist (and carry their final names) when it is written; an
option's own changes are never sent through a product.

Top-ups are revision-guarded updates to the planned quantity, not
increments: a second apply of the same plan (or two at once) is refused by
the revision and finds the floor reached, so stock is never topped up twice.

Products are packed by every total at once (:mod:`.packing`), each product
sized as its body will be: a create carries its variants and options; an
update carries the whole options and variants arrays only when it changes a
variant or an option (:func:`rewrites_variants`), sized from the live counts
the plan recorded (``live_variant_counts``, ``live_option_counts``).

Ids that do not exist yet (a product, variant or location created earlier in
the same apply) are filled in by the executor when it builds each call's
body; how many calls there are never depends on them, so this count is the
lower bound the Wix limits allow for the plan, and the emulator's request
log must match it (apply's reads come on top: see the executor).
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from inventory_as_code.apply.packing import fewest_calls, pack
from inventory_as_code.plan.model import Action, Change, Kind, Plan
from inventory_as_code.wix._customizations import CUSTOMIZATIONS_BULK as OPTIONS_BULK
from inventory_as_code.wix._limits import (
    INVENTORY_BULK,
    PRODUCT_OPTIONS,
    PRODUCTS_BULK,
    PRODUCTS_BULK_OPTIONS,
    PRODUCTS_BULK_VARIANTS,
)

# What one products call carries at most, per (product, variant, option).
PRODUCT_CALL_TOTALS = (PRODUCTS_BULK, PRODUCTS_BULK_VARIANTS, PRODUCTS_BULK_OPTIONS)


class Step(enum.Enum):
    LOCATION_CREATE = "locations.create"
    LOCATION_UPDATE = "locations.update"
    OPTION_CREATE = "customizations.bulk-create"
    OPTION_UPDATE = "customizations.update"
    PRODUCT_CREATE = "products.bulk-create-with-inventory"
    PRODUCT_UPDATE = "products.bulk-update"
    STOCK_CREATE = "inventory-items.bulk-create"
    STOCK_UPDATE = "inventory-items.bulk-update"
    STOCK_MOVE = "inventory-items.move"
    STOCK_DELETE = "inventory-items.bulk-delete"
    PRODUCT_DELETE = "products.bulk-delete"
    LOCATION_DELETE = "locations.archive"

    @property
    def endpoint(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class ProductGroup:
    """All changes one product takes in one products call, and how many variants and
    options its body carries (0 and 0 for an update of product fields only)."""

    slug: str
    changes: tuple[Change, ...]
    variant_count: int
    option_count: int = 0

    @property
    def size(self) -> tuple[int, int, int]:
        """Its share of a call's totals (:data:`PRODUCT_CALL_TOTALS`)."""
        return (1, self.variant_count, self.option_count)


@dataclass(frozen=True, slots=True)
class Batch:
    """One write call: its step and the changes it carries."""

    step: Step
    changes: tuple[Change, ...]
    groups: tuple[ProductGroup, ...] = ()

    @property
    def size(self) -> int:
        return len(self.groups) if self.groups else len(self.changes)

    @property
    def write_calls(self) -> int:
        if self.step is Step.LOCATION_UPDATE:
            return location_update_calls(self.changes[0])
        if self.step is Step.OPTION_UPDATE:
            return option_update_calls(self.changes[0])
        if self.step is Step.STOCK_MOVE:
            return move_calls(self.changes)
        return 1


@dataclass(frozen=True, slots=True)
class CallPlan:
    batches: tuple[Batch, ...]

    @property
    def total(self) -> int:
        return sum(batch.write_calls for batch in self.batches)


def location_update_calls(change: Change) -> int:
    """Add-type for a location that becomes an inventory location, a replace for the rest."""
    fields = {f.field.split(".")[0] for f in change.fields}
    return int("location_types" in fields) + int(bool(fields - {"location_types"}))


def option_update_calls(change: Change) -> int:
    """A rename (Update Customization), then the choices: Set for renamed or recoloured
    ones (it carries the new ones too), else Add for new ones only."""
    edits = change.keys.get("edits") or {}
    rewrites = bool(edits.get("choices") or edits.get("colors"))
    return int(bool(edits.get("name"))) + int(rewrites or bool(change.keys.get("added")))


def move_calls(changes: Sequence[Change]) -> int:
    """Writes of a batch of moves, if none is outrun by a sale (steps_moves): records created
    and renamed 100 a call, sources and destinations written 1,000 a call, records deleted
    one by one. A finish renames, gives and deletes; a clear only deletes."""
    new = [c for c in changes if "records" not in c.keys]
    records = [r for c in changes for r in c.keys.get("records") or []]
    gives = sum(1 for r in records if r.get("action") == "give")
    calls = 0
    if new:
        calls += 2 * math.ceil(len(new) / OPTIONS_BULK) + 2 * math.ceil(len(new) / INVENTORY_BULK)
        calls += len(new)
    if gives:
        calls += math.ceil(gives / OPTIONS_BULK) + math.ceil(gives / INVENTORY_BULK)
    return calls + len(records)


def is_top_up(change: Change) -> bool:
    """A pure top-up under policy at_least: re-read and recomputed if the item moved."""
    return (
        change.kind is Kind.STOCK
        and change.action is Action.UPDATE
        and change.keys.get("policy") == "at_least"
        and [f.field for f in change.fields] == ["quantity"]
        and (change.after or {}).get("quantity", 0) > (change.before or {}).get("quantity", 0)
    )


def folded_into_product_create(change: Change, new_products: set[str], default: str | None) -> bool:
    """Stock of a new product at the default location rides on the product create."""
    return (
        change.kind is Kind.STOCK
        and change.action is Action.CREATE
        and change.keys.get("slug") in new_products
        and change.keys.get("location") == default
    )


def _chunks(changes: Sequence[Change], size: int, step: Step) -> list[Batch]:
    return [
        Batch(step, tuple(changes[start : start + size])) for start in range(0, len(changes), size)
    ]


def rewrites_variants(changes: Sequence[Change]) -> bool:
    """Does this product's update carry its whole options and variants arrays?

    Wix replaces both arrays whole and takes them only together, so a change to
    any variant or to the options (names, choices, colours, renames) sends
    every option and every variant that stays; a change of product fields alone
    (name, visibility, slug) sends neither.
    """
    for change in changes:
        if change.kind is Kind.VARIANT:
            return True
        if change.kind is Kind.PRODUCT and any(
            f.field.split(".")[0].split("[")[0] in ("options", "swatches", "option")
            for f in change.fields
        ):
            return True
    return False


def product_group(
    slug: str,
    changes: Sequence[Change],
    *,
    new: bool,
    live_variants: int = 0,
    live_options: int | None = None,
) -> ProductGroup:
    """One product's changes, sized as its create or update body will be.

    ``live_variants``/``live_options``: the product's live counts (updates).
    Without a recorded option count the product is sized at Wix's maximum
    per product, so a call is never over the total, only perhaps less full.
    """
    product = next((c for c in changes if c.kind is Kind.PRODUCT), None)
    after = dict(product.after or {}) if product is not None else {}
    if new:
        variants = sum(1 for c in changes if c.kind is Kind.VARIANT)
        return ProductGroup(slug, tuple(changes), variants, len(after.get("options") or {}))
    if not rewrites_variants(changes):
        return ProductGroup(slug, tuple(changes), 0, 0)
    added = sum(1 for c in changes if c.kind is Kind.VARIANT and c.action is Action.CREATE)
    removed = sum(1 for c in changes if c.kind is Kind.VARIANT and c.action is Action.DELETE)
    if "options" in after:
        options = len(after["options"] or {})
    else:
        options = PRODUCT_OPTIONS if live_options is None else live_options
    return ProductGroup(slug, tuple(changes), live_variants + added - removed, options)


def pack_products(groups: Sequence[ProductGroup]) -> list[list[ProductGroup]]:
    """Products grouped into calls within every per-call total (:mod:`.packing`).

    Order does not matter to Wix within a bulk call; each call lists its
    products by slug.
    """
    ordered = sorted(groups, key=lambda g: g.slug)
    calls = pack([g.size for g in ordered], PRODUCT_CALL_TOTALS)
    return [[ordered[i] for i in members] for members in calls]


def _product_batches(groups: list[ProductGroup], step: Step) -> list[Batch]:
    return [
        Batch(step, tuple(c for g in members for c in g.changes), groups=tuple(members))
        for members in pack_products(groups)
    ]


def compile_plan(
    plan: Plan,
    *,
    default_location: str | None,
    live_variant_counts: dict[str, int] | None = None,
    live_option_counts: dict[str, int] | None = None,
) -> CallPlan:
    """The write calls for ``plan``.

    ``default_location`` is the YAML name of the store's default location
    (stock there rides on product creates). ``live_variant_counts`` and
    ``live_option_counts`` give, per slug of an existing product, how many
    variants and options it has live; an update's arrays are sized from them
    (variants: kept + added - removed).
    """
    live_variant_counts = live_variant_counts or {}
    live_option_counts = live_option_counts or {}
    by_kind: dict[tuple[Kind, Action], list[Change]] = defaultdict(list)
    for change in plan.changes:
        by_kind[(change.kind, change.action)].append(change)

    batches: list[Batch] = []
    batches += [Batch(Step.LOCATION_CREATE, (c,)) for c in by_kind[(Kind.LOCATION, Action.CREATE)]]
    batches += [Batch(Step.LOCATION_UPDATE, (c,)) for c in by_kind[(Kind.LOCATION, Action.UPDATE)]]
    batches += _chunks(by_kind[(Kind.OPTION, Action.CREATE)], OPTIONS_BULK, Step.OPTION_CREATE)
    batches += [Batch(Step.OPTION_UPDATE, (c,)) for c in by_kind[(Kind.OPTION, Action.UPDATE)]]

    new_products = {c.keys["slug"] for c in by_kind[(Kind.PRODUCT, Action.CREATE)]}
    per_product: dict[str, list[Change]] = defaultdict(list)
    for change in plan.changes:
        # Product fields and every variant change (a removed variant is left out
        # of the array) travel in the product's call; product deletes do not.
        in_product_call = change.kind is Kind.VARIANT or (
            change.kind is Kind.PRODUCT and change.action is not Action.DELETE
        )
        if in_product_call or folded_into_product_create(change, new_products, default_location):
            per_product[change.keys["slug"]].append(change)

    creates, updates = [], []
    for slug, changes in per_product.items():
        if slug in new_products:
            creates.append(product_group(slug, changes, new=True))
            continue
        group = product_group(
            slug,
            changes,
            new=False,
            live_variants=live_variant_counts.get(slug, 0),
            live_options=live_option_counts.get(slug),
        )
        updates.append(group)
    batches += _product_batches(creates, Step.PRODUCT_CREATE)
    batches += _product_batches(updates, Step.PRODUCT_UPDATE)

    stock_creates = [
        c
        for c in by_kind[(Kind.STOCK, Action.CREATE)]
        if not folded_into_product_create(c, new_products, default_location)
    ]
    batches += _chunks(stock_creates, INVENTORY_BULK, Step.STOCK_CREATE)
    stock_updates = (
        by_kind[(Kind.STOCK, Action.UPDATE)] + by_kind[(Kind.STOCK, Action.SWITCH_TRACKING)]
    )
    batches += _chunks(
        sorted(stock_updates, key=lambda c: c.address), INVENTORY_BULK, Step.STOCK_UPDATE
    )
    moves = by_kind[(Kind.MOVE, Action.UPDATE)]
    if moves:  # one step: its calls are grouped by the move protocol (steps_moves)
        batches.append(Batch(Step.STOCK_MOVE, tuple(sorted(moves, key=lambda c: c.address))))
    batches += _chunks(by_kind[(Kind.STOCK, Action.DELETE)], INVENTORY_BULK, Step.STOCK_DELETE)
    batches += _chunks(by_kind[(Kind.PRODUCT, Action.DELETE)], PRODUCTS_BULK, Step.PRODUCT_DELETE)
    batches += [Batch(Step.LOCATION_DELETE, (c,)) for c in by_kind[(Kind.LOCATION, Action.DELETE)]]
    return CallPlan(tuple(batches))


def lower_bound(
    plan: Plan,
    *,
    default_location: str | None,
    live_variant_counts: dict[str, int] | None = None,
    live_option_counts: dict[str, int] | None = None,
) -> int:
    """The fewest write calls the Wix batch limits allow, counted from the plan alone."""
    counts: dict[tuple[Kind, Action], int] = defaultdict(int)
    for change in plan.changes:
        counts[(change.kind, change.action)] += 1
    new_products = {
        c.keys["slug"] for c in plan.changes if c.kind is Kind.PRODUCT and c.action is Action.CREATE
    }
    folded = sum(
        1 for c in plan.changes if folded_into_product_create(c, new_products, default_location)
    )
    stock_updates = (
        counts[(Kind.STOCK, Action.UPDATE)] + counts[(Kind.STOCK, Action.SWITCH_TRACKING)]
    )
    location_updates = sum(
        location_update_calls(c)
        for c in plan.changes
        if c.kind is Kind.LOCATION and c.action is Action.UPDATE
    )
    by_product: dict[str, list[Change]] = defaultdict(list)
    for change in plan.changes:
        deleted = change.kind is Kind.PRODUCT and change.action is Action.DELETE
        if change.kind in (Kind.PRODUCT, Kind.VARIANT) and not deleted:
            by_product[str(change.keys["slug"])].append(change)
    created, updated = [], []
    for slug, changes in by_product.items():
        if slug in new_products:
            created.append(product_group(slug, changes, new=True).size)
        else:
            group = product_group(
                slug,
                changes,
                new=False,
                live_variants=(live_variant_counts or {}).get(slug, 0),
                live_options=(live_option_counts or {}).get(slug),
            )
            updated.append(group.size)

    option_updates = sum(
        option_update_calls(c)
        for c in plan.changes
        if c.kind is Kind.OPTION and c.action is Action.UPDATE
    )
    return (
        counts[(Kind.LOCATION, Action.CREATE)]
        + location_updates
        + math.ceil(counts[(Kind.OPTION, Action.CREATE)] / OPTIONS_BULK)
        + option_updates
        + counts[(Kind.LOCATION, Action.DELETE)]
        + fewest_calls(created, PRODUCT_CALL_TOTALS)
        + fewest_calls(updated, PRODUCT_CALL_TOTALS)
        + math.ceil((counts[(Kind.STOCK, Action.CREATE)] - folded) / INVENTORY_BULK)
        + math.ceil(stock_updates / INVENTORY_BULK)
        + math.ceil(counts[(Kind.STOCK, Action.DELETE)] / INVENTORY_BULK)
        + math.ceil(counts[(Kind.PRODUCT, Action.DELETE)] / PRODUCTS_BULK)
        + move_calls([c for c in plan.changes if c.kind is Kind.MOVE])
    )


def _recorded_sizes(plan: Plan) -> dict[str, Any]:
    """What the plan recorded for sizing its calls (see ``workflow``)."""
    return {
        "default_location": plan.metadata.get("default_location"),
        "live_variant_counts": dict(plan.metadata.get("live_variant_counts") or {}),
        "live_option_counts": dict(plan.metadata.get("live_option_counts") or {}),
    }


def compile_from_metadata(plan: Plan) -> CallPlan:
    """:func:`compile_plan` with the default location and live counts the plan recorded."""
    return compile_plan(plan, **_recorded_sizes(plan))


def lower_bound_from_metadata(plan: Plan) -> int:
    """:func:`lower_bound` with the default location and live counts the plan recorded."""
    return lower_bound(plan, **_recorded_sizes(plan))
