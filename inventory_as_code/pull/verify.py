"""Proof that an edit does what pull says, before anything is written.

The edited files are loaded as the project would load them (the other files
from the disk, the edited ones from their new bytes). The model they give must
equal the model pull expects: the old one with exactly the pulled values
changed, and nothing else (origins aside: they move with the text). Then the
project is planned again against the same read of the store: no pulled value
may show up as a difference any more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from inventory_as_code.config import load_project
from inventory_as_code.errors import ConfigError
from inventory_as_code.live.model import LiveStore
from inventory_as_code.model import (
    Address,
    DesiredState,
    FrozenMap,
    Location,
    Product,
    ProductType,
    StockEntry,
    StoreOption,
    Variant,
)
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.planner import build_plan
from inventory_as_code.pull.model import PullError, Want


def expected_state(desired: DesiredState, wants: Iterable[Want]) -> DesiredState:
    """``desired`` with each wanted field set to the store's value."""
    products = dict(desired.products)
    locations = dict(desired.locations)
    options = dict(desired.options)
    for want in wants:
        if want.kind == "location":
            locations[want.location] = _location(locations[want.location], want)
        elif want.kind == "option":
            option = options[want.option]
            options[want.option] = _store_option(option, want)
            for slug in option.users:
                products[slug] = _product_option(products[slug], want)
        else:
            products[want.slug] = _product(products[want.slug], want)
    return replace(
        desired,
        products=FrozenMap(products),
        locations=FrozenMap(locations),
        options=FrozenMap(options),
    )


def _product(product: Product, want: Want) -> Product:
    if want.kind == "product":
        value: Any = ProductType(want.live) if want.field == "type" else want.live
        return replace(product, **{"product_type" if want.field == "type" else want.field: value})
    variants = tuple(
        _variant(variant, want) if variant.key == want.variant else variant
        for variant in product.variants
    )
    return replace(product, variants=variants)


def _variant(variant: Variant, want: Want) -> Variant:
    if want.kind == "variant":
        return replace(variant, **{want.field: want.live})
    stock = dict(variant.stock)
    stock[want.location] = _entry(stock[want.location], want)
    return replace(variant, stock=FrozenMap(stock))


def _entry(entry: StockEntry, want: Want) -> StockEntry:
    if want.field.startswith("preorder."):
        assert entry.preorder is not None
        return replace(entry, preorder=replace(entry.preorder, **{want.field[9:]: want.live}))
    return replace(entry, **{want.field: want.live})


def _location(location: Location, want: Want) -> Location:
    if want.field == "time_zone":
        return replace(location, time_zone=want.live)
    part = want.field.split(".", 1)[1]
    return replace(location, address=replace(location.address or Address(), **{part: want.live}))


def _store_option(option: StoreOption, want: Want) -> StoreOption:
    choice = want.field.split(".", 1)[1]
    swatches = dict(option.swatches or {})
    swatches[choice] = want.live
    return replace(option, swatches=FrozenMap(swatches))


def _product_option(product: Product, want: Want) -> Product:
    choice = want.field.split(".", 1)[1]
    options = []
    for option in product.options:
        if option.name == want.option and option.swatches is not None and choice in option.swatches:
            swatches = dict(option.swatches)
            swatches[choice] = want.live
            option = replace(option, swatches=FrozenMap(swatches))
        options.append(option)
    return replace(product, options=tuple(options))


def confirm(
    project: Path,
    texts: Mapping[str, bytes],
    expected: DesiredState,
    live: LiveStore,
    pulled: Iterable[Want],
    new_products: Iterable[str] = (),
    new_locations: Iterable[str] = (),
) -> tuple[DesiredState, Plan]:
    """Load the edited project and plan it: PullError unless it is exactly what was meant.

    ``new_products``, ``new_locations``: what ``--write-new`` adds (written from the
    store, so the plan is what checks them: it must have nothing for them).
    """
    try:
        edited = load_project(project, texts=texts)
    except ConfigError as exc:
        problems = "; ".join(str(p) for p in exc.problems[:3])
        raise PullError(
            f"the edited YAML does not load ({problems}); nothing was written."
        ) from None
    new = set(new_products)
    products = {s: p for s, p in edited.products.items() if s not in new}
    locations = {n: loc for n, loc in edited.locations.items() if n not in set(new_locations)}
    differences = _differences(
        expected,
        replace(edited, products=FrozenMap(products), locations=FrozenMap(locations)),
        new,
    )
    if differences:
        raise PullError(
            "the edit would change more than the pulled values ("
            + "; ".join(differences[:3])
            + "); nothing was written. This is a bug in pull: please report it."
        )
    plan = build_plan(edited, live)
    left = {(c.address, f.field) for c in plan.changes for f in c.fields}
    left |= {(u.address, u.field) for u in plan.unresolved}
    for want in pulled:
        if (want.address, want.field) in left:
            raise PullError(
                f"after the edit the plan still changes {want.field} of {want.address}; "
                "nothing was written. This is a bug in pull: please report it."
            )
    for change in plan.changes:
        slug = change.keys.get("slug")
        if slug in new:
            raise PullError(
                f"the new product {slug} would not match the store ({change.address}); "
                "nothing was written."
            )
    return edited, plan


def _differences(expected: DesiredState, edited: DesiredState, new: set[str]) -> list[str]:
    out = []
    for name, table in (
        ("product", "products"),
        ("location", "locations"),
        ("option", "options"),
    ):
        want: Mapping[str, Any] = getattr(expected, table)
        got: Mapping[str, Any] = getattr(edited, table)
        for key in sorted(set(want) | set(got)):
            if table == "options" and new:
                if not _same_option(want.get(key), got.get(key), new):
                    out.append(f"{name} {key}")
            elif want.get(key) != got.get(key):
                out.append(f"{name} {key}")
    if expected.prune != edited.prune or expected.moves != edited.moves:
        out.append("prune or moved")
    return out


def _same_option(want: StoreOption | None, got: StoreOption | None, new: set[str]) -> bool:
    """The option as expected, but for what the new products add to it (users, choices,
    colours): a product written from the store uses the store's options."""
    if got is None:
        return want is None
    if want is None:
        return set(got.users) <= new
    colours = dict(want.swatches or {}).items() <= dict(got.swatches or {}).items()
    return (
        want.name == got.name
        and want.declared == got.declared
        and set(want.users) == set(got.users) - new
        and set(want.choices) <= set(got.choices)
        and colours
    )
