"""Refill rules (``refill_from``), checked once the whole project is built.

``Main: {at_least: 10, refill_from: Warehouse}`` keeps Main at 10 or more by
moving units out of Warehouse, never below Warehouse's own floor. A move is a
decrement at one inventory item and an increment at another (Wix has no
transfer), so both ends must be stock the YAML manages with quantity
tracking, and the rule must be able to settle:

* the source is a declared location other than the destination;
* the destination has a floor (``at_least: N``, or ``policy: at_least`` with
  a quantity), since "refill" means "up to the floor";
* the variant has stock at the source in the YAML, tracking quantity, under
  policy ``initial`` (its floor is 0) or ``at_least`` (its floor is its
  quantity): under ``set`` the next plan would put back every unit moved out,
  adding stock from nothing;
* no cycle (Main from Warehouse from Main), which would move the same units
  back and forth.

A rule is usually written once, at the location or product level, and
inherited by many variants: a problem is reported at the ``refill_from`` that
causes it, once per position (the collector keeps one problem per position),
naming the first variant it was found on.
"""

from __future__ import annotations

from collections.abc import Mapping

from inventory_as_code.config.context import Context
from inventory_as_code.config.problems import did_you_mean, listing
from inventory_as_code.model import Location, Policy, Product, StockEntry, Tracking, variant_label


def check_refills(
    ctx: Context, locations: Mapping[str, Location], products: Mapping[str, Product]
) -> None:
    for slug, product in products.items():
        for variant in product.variants:
            refills = {name: entry for name, entry in variant.stock.items() if entry.refill_from}
            if not refills:
                continue
            label = variant_label(variant.key) if variant.key else ""
            where = f"{slug} {label}".strip()
            for name, entry in refills.items():
                _check_one(ctx, locations, variant.stock, where, slug, name, entry)
            _check_cycles(ctx, refills, where, slug)


def _report(
    ctx: Context, entry: StockEntry, slug: str, location: str, message: str, fix: str
) -> None:
    ctx.report(
        entry.origins["refill_from"],
        ("products", slug, "stock", location, "refill_from"),
        message,
        fix,
    )


def _check_one(
    ctx: Context,
    locations: Mapping[str, Location],
    stock: Mapping[str, StockEntry],
    where: str,
    slug: str,
    name: str,
    entry: StockEntry,
) -> None:
    source = str(entry.refill_from)
    here = f'{where} at "{name}"'
    if source not in locations:
        _report(
            ctx,
            entry,
            slug,
            name,
            f'{here} refills from "{source}", which is not a declared location'
            f"{did_you_mean(source, locations, inline=True)}; declared locations are "
            f"{listing(sorted(locations))}.",
            "name a location declared under locations:.",
        )
        return
    if source == name:
        _report(
            ctx,
            entry,
            slug,
            name,
            f"{here} refills from itself.",
            "name the location the units come from, or remove refill_from.",
        )
        return
    if entry.policy is not Policy.AT_LEAST or entry.quantity is None:
        _report(
            ctx,
            entry,
            slug,
            name,
            f'{here} refills from "{source}" but has no floor to refill to (policy '
            f"{entry.policy.value}{'' if entry.quantity is not None else ', no quantity'}).",
            "write at_least: N beside refill_from (or policy: at_least with a quantity).",
        )
        return
    if entry.tracking is Tracking.IN_STOCK:
        _report(
            ctx,
            entry,
            slug,
            name,
            f'{here} refills from "{source}" but tracks in_stock; a move needs a count at '
            "both ends.",
            "track quantity here (at_least: N), or remove refill_from.",
        )
        return
    origin = stock.get(source)
    if origin is None:
        _report(
            ctx,
            entry,
            slug,
            name,
            f'{here} refills from "{source}", but the YAML gives {where} no stock at "{source}" '
            "to take it from.",
            f'add stock at "{source}" for it (for example {source}: {{policy: initial, '
            "quantity: 0}), or remove refill_from.",
        )
        return
    if origin.tracking is Tracking.IN_STOCK:
        _report(
            ctx,
            entry,
            slug,
            name,
            f'{here} refills from "{source}", where {where} tracks in_stock (no count to take '
            "units from).",
            f'track quantity at "{source}", or remove refill_from.',
        )
        return
    if origin.policy is Policy.SET:
        _report(
            ctx,
            entry,
            slug,
            name,
            f'{here} refills from "{source}", whose quantity is set by the YAML (policy set): '
            "every unit moved out would be put back by the next plan, from nothing.",
            f'use policy initial or at_least at "{source}", or remove refill_from.',
        )


def _check_cycles(ctx: Context, refills: Mapping[str, StockEntry], where: str, slug: str) -> None:
    for start, entry in refills.items():
        chain = [start]
        current = entry.refill_from
        while current is not None and current in refills and current not in chain:
            chain.append(current)
            current = refills[current].refill_from
        if current == start:
            path = " from ".join(f'"{name}"' for name in [*chain, start])
            _report(
                ctx,
                entry,
                slug,
                start,
                f"{where} refills in a cycle: {path}; the same units would move back and forth.",
                "remove refill_from from one of these locations.",
            )
