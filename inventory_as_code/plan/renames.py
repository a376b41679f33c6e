"""Renames (``moved:``) applied to the live side before diffing.

A rename is a fact about the live store ("the product Wix knows as
``old-tee`` is ``tee`` in the YAML"), so it is applied where the live store
is normalised: the live objects are given their YAML names, the planner then
diffs as usual, and the rename shows up as one more field of an update
(``slug: old-tee -> tee``). Ids, variants and stock stay with the object.
Products and locations only: options are shared by products, and their
renames are changes of their own (:mod:`.options`, :mod:`.option_edits`);
``ProductRenames.options``/``choices`` stay empty (saved plans of an older
version may still carry them).

The same pure functions rename a product that ``apply`` reads again just
before writing, using the renames the plan recorded in the change's keys, so
plan and apply agree on which live option and choice each YAML name means.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from inventory_as_code.live.model import LiveOption, LiveProduct, LiveStore
from inventory_as_code.model import DesiredState, Move, MoveKind

ChoiceRenames = Mapping[str, Mapping[str, str]]  # option (YAML name) -> {new choice: old choice}


@dataclass(frozen=True, slots=True)
class ProductRenames:
    """What one product is renamed from; all names map YAML (new) -> live (old)."""

    slug: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    choices: ChoiceRenames = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.slug or self.options or self.choices)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.slug:
            out["slug"] = self.slug
        if self.options:
            out["options"] = dict(self.options)
        if self.choices:
            out["choices"] = {k: dict(v) for k, v in self.choices.items()}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ProductRenames:
        data = data or {}
        return cls(
            slug=data.get("slug"),
            options=dict(data.get("options") or {}),
            choices={k: dict(v) for k, v in (data.get("choices") or {}).items()},
        )


@dataclass(frozen=True, slots=True)
class Renamed:
    """The live store under YAML names, and what was renamed."""

    live: LiveStore
    products: Mapping[str, ProductRenames]  # by YAML slug
    locations: Mapping[str, str]  # YAML name -> live name
    conflicts: tuple[tuple[Move, str], ...] = ()  # (move, why it cannot be applied)


def rename_product(product: LiveProduct, renames: ProductRenames) -> LiveProduct:
    """``product`` with its options, choices and variant keys under the YAML names."""
    if not (renames.options or renames.choices):
        return product
    new_of_option = {old: new for new, old in renames.options.items()}
    options = []
    for option in product.options:
        name = new_of_option.get(option.name, option.name)
        new_of_choice = {old: new for new, old in (renames.choices.get(name) or {}).items()}
        choices = tuple(new_of_choice.get(c, c) for c in option.choices)
        options.append(replace(option, name=name, choices=choices))
    variants = []
    for variant in product.variants:
        key = tuple(
            _renamed_choice(renames, options[i], choice) for i, choice in enumerate(variant.key)
        )
        variants.append(replace(variant, key=key))
    return replace(
        product, options=tuple(options), variants=tuple(sorted(variants, key=lambda v: v.key))
    )


def _renamed_choice(renames: ProductRenames, option: LiveOption, choice: str) -> str:
    new_of_choice = {old: new for new, old in (renames.choices.get(option.name) or {}).items()}
    return new_of_choice.get(choice, choice)


def apply_moves(desired: DesiredState, live: LiveStore) -> Renamed:
    """Give live objects their YAML names where ``moved:`` says so.

    A move whose old name is not in the live store is already done (or was
    never needed) and is ignored; a move whose old *and* new names both exist
    live is a conflict the planner refuses.
    """
    conflicts: list[tuple[Move, str]] = []
    by_kind: dict[MoveKind, list[Move]] = {kind: [] for kind in MoveKind}
    for move in desired.moves:
        by_kind[move.kind].append(move)

    products = dict(live.products)
    product_renames: dict[str, ProductRenames] = {}
    for move in by_kind[MoveKind.PRODUCT]:
        if move.old not in products:
            continue
        if move.new in products:
            conflicts.append((move, f'both "{move.old}" and "{move.new}" exist in the live store'))
            continue
        products[move.new] = replace(products.pop(move.old), slug=move.new)
        product_renames[move.new] = ProductRenames(slug=move.old)

    # Option and choice renames are the store's (options are shared): see .options.

    location_renames: dict[str, str] = {}
    locations = list(live.locations)
    business = list(live.business_locations)
    names = {loc.name for loc in locations}
    for move in by_kind[MoveKind.LOCATION]:
        if move.old not in names:
            continue
        if move.new in names:
            conflicts.append((move, f'both "{move.old}" and "{move.new}" exist in the live store'))
            continue
        location_renames[move.new] = move.old
        names = (names - {move.old}) | {move.new}
        locations = [
            replace(loc, name=move.new) if loc.name == move.old else loc for loc in locations
        ]
        business = [
            replace(b, name=move.new) if b.name == move.old and not b.archived else b
            for b in business
        ]
    # A product read only as a user of an option (a narrowed read: live.option_users) is
    # named as the YAML names it too, so an option's change lists the same products
    # whether the plan read the whole store or only its targets.
    slugs = {m.old: m.new for m in by_kind[MoveKind.PRODUCT] if m.new not in live.products}
    option_users = {
        option: {slugs.get(slug, slug): product_id for slug, product_id in users.items()}
        for option, users in live.option_users.items()
    }
    renamed_live = replace(
        live,
        products=dict(sorted(products.items())),
        option_users=option_users,
        locations=tuple(sorted(locations, key=lambda loc: loc.name)),
        business_locations=tuple(sorted(business, key=lambda loc: loc.name)),
    )
    return Renamed(renamed_live, product_renames, location_renames, tuple(conflicts))
