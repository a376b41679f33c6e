"""The read a plan needs, and the desired state it is compared with.

For a selection of products (:mod:`.selection`) the store is read only as
far as they go (:func:`~inventory_as_code.live.targeted.read_products_and_stock`),
and the YAML side is cut to match: the planner then compares those products
only, instead of finding the other 9,999 "missing" from the store and
planning to create them before the target filter drops it all. What the cut
keeps:

* every YAML product that was selected or that the read brought back (a
  product owning a SKU of a selected one keeps its YAML, so it is not taken
  for an unmanaged product and its SKU for a freed one);
* locations, the store's options, prune settings and ``moved:`` entries as
  they are. Options are shared: for each one the YAML changes, the products
  that use it are read too (by slug and id only), so the plan lists them.

A selection bigger than about a third of the store costs more calls read
product by product than read whole, so it is read whole (the plan is the
same either way).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace

from inventory_as_code.live.fetch import count_products
from inventory_as_code.live.model import LiveStore, ReadScope
from inventory_as_code.live.reader import ProgressCallback
from inventory_as_code.live.targeted import TargetedRead
from inventory_as_code.model import DesiredState, FrozenMap, MoveKind
from inventory_as_code.plan.addresses import product_address
from inventory_as_code.plan.model import Change, Kind
from inventory_as_code.plan.options import OptionPlanner
from inventory_as_code.plan.saved_digest import SavedPlan
from inventory_as_code.selection import Selection, target_slug
from inventory_as_code.wix import WixClient

# Calls per 100 selected products, read product by product: products, variants,
# their stock (about 2 pages), and the SKU owner search (5 variants each).
_CALLS_PER_100 = 9


def slugs_to_read(selection: Selection, desired: DesiredState) -> set[str]:
    """The selected slugs, and the live slug each of them is renamed from (``moved:``)."""
    slugs = set(selection.slugs or ())
    for move in desired.moves:
        if move.kind is MoveKind.PRODUCT and (move.new in slugs or move.old in slugs):
            slugs |= {move.old, move.new}
    return slugs


def saved_plan_selection(saved: SavedPlan) -> Selection | None:
    """The products a saved plan's changes name (by address), or None: read everything.

    Addresses, not keys: the binding lines the saved plan up with the fresh
    one by address, and a plan file's keys are whatever its writer put there.
    """
    slugs: set[str] = set()
    for change in saved.changes:
        if change.kind in (Kind.LOCATION, Kind.OPTION):
            continue  # every location and option is read
        slug = _product_of(change.address)
        if slug is None:
            return None  # an address of no product: nothing to narrow to
        slugs.add(slug)
    return Selection(
        frozenset(slugs), (), f"the {len(slugs)} product(s) the saved plan changes", store=True
    )


def in_reach(change: Change, slugs: Collection[str]) -> bool:
    """Whether a narrowed read covers a change: a location, an option, or one of the products."""
    return change.kind in (Kind.LOCATION, Kind.OPTION) or _product_of(change.address) in slugs


def _product_of(address: str) -> str | None:
    """The product slug an address starts with. A refill (a move between two stock
    items of one variant) is addressed as its destination's stock is."""
    if address.startswith("refill["):
        address = "stock" + address.removeprefix("refill")
    return target_slug(address)


def skus_of(desired: DesiredState, slugs: Iterable[str]) -> set[str]:
    """Every SKU the YAML gives the variants of these products."""
    found: set[str] = set()
    for slug in slugs:
        product = desired.products.get(slug)
        if product is not None:
            found.update(v.sku for v in product.variants if v.sku)
    return found


def worth_narrowing(desired: DesiredState, selected: int) -> bool:
    """True when reading ``selected`` products one by one costs fewer calls than everything."""
    whole = len(desired.products) / 100 + desired.variant_count / 1000
    whole += desired.stock_entry_count / 1000
    return selected * _CALLS_PER_100 / 100 < whole


def read_selected(
    client: WixClient,
    desired: DesiredState,
    selection: Selection,
    *,
    progress: ProgressCallback | None = None,
    started: TargetedRead | None = None,
) -> LiveStore:
    """The store as far as the selected products go (with the share estimate set).

    ``started``: the read of the selected slugs, begun while the YAML loaded.
    """
    slugs = slugs_to_read(selection, desired)
    reading = started or TargetedRead(client, selection.slugs or (), progress=progress)
    site = LiveStore((), (), {}, {}, options=tuple(reading.site_options()))
    changing = OptionPlanner(desired, site).run().changed_ids()
    live = reading.finish(
        slugs=slugs, skus=skus_of(desired, slugs), option_ids=changing, detail=selection.why
    )
    # Under prune.products the plan may delete products, and the rail on deletions
    # needs the store's count of them: one Count Products call (documented).
    products = count_products(client) if desired.prune.products else None
    scope = live.scope or ReadScope(slugs=frozenset(slugs))
    return replace(
        live,
        scope=replace(
            scope,
            unread_managed_items=_unread(desired, slugs, stock=True),
            unread_managed_variants=_unread(desired, slugs, stock=False),
            store_products=products,
        ),
    )


def _unread(desired: DesiredState, read: set[str], *, stock: bool) -> int:
    """Stock items (or variants) of the YAML products that were not read, one per YAML entry.

    The guard rails count how much of the store a plan touches; a narrowed
    read must not make one product's 15 items look like all of it. A product
    that was read has its items counted as read (none if it does not exist).
    On a settled store (one the full plan creates nothing in) this is exact;
    it is above the truth only by the YAML products not yet created.
    """
    return sum(
        len(variant.stock) if stock else 1
        for slug, product in desired.products.items()
        if slug not in read
        for variant in product.variants
    )


def narrowed(desired: DesiredState, selection: Selection, live: LiveStore) -> DesiredState:
    """The YAML's products that the narrowed read covers (see the module docstring)."""
    keep = set(selection.slugs or ()) | set(live.products)
    for move in desired.moves:
        if move.kind is MoveKind.PRODUCT and move.old in live.products:
            keep.add(move.new)
    return replace(
        desired,
        products=FrozenMap({s: p for s, p in desired.products.items() if s in keep}),
    )


def known_targets(selection: Selection, desired: DesiredState, live: LiveStore) -> tuple[str, ...]:
    """The selection's product targets that name something (for ``--changed-since``).

    A product deleted from the YAML in the change and absent from the store
    has nothing left to plan; as a target it would be refused as a typo.
    """
    known = set(desired.products) | set(live.products)
    known |= {m.new for m in desired.moves if m.kind is MoveKind.PRODUCT and m.old in known}
    return tuple(product_address(s) for s in sorted(selection.slugs or ()) if s in known)
