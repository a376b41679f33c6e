"""Plan-time feasibility: refuse what apply would certainly fail on.

A plan is approved in a pull request and applied after the merge; a plan
that Wix then refuses halfway helps nobody. So everything that can be known
from the YAML *and* the live store before writing is checked here, and the
plan is refused (exit 1) with the reason and the fix:

* SKUs are unique across the whole store, including products the YAML does
  not manage. A new product whose SKUs belong to a live product that left
  the YAML looks like a renamed slug, and the message says how to rename.
* The store's options (:mod:`.options`, which finds these): names as Wix
  compares them (without regard to case: "Whole bean" live and "Whole Bean"
  in the YAML are one choice to Wix), 100 choices per option, a colour for a
  new choice of a colour-swatch option.
* Wix's limit of 1,000 variants per product.
* A product to create needs a name.
* ``moved:`` entries whose old and new names both exist live.

A product type change is not refused: Wix cannot make it, so the planner
leaves it out and records it as unresolved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from inventory_as_code.config.variants import MAX_VARIANTS
from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.live.model import LiveStore
from inventory_as_code.model import DesiredState, Move, Origin
from inventory_as_code.plan.addresses import product_address, variant_address
from inventory_as_code.plan.model import Action, Change, Kind


@dataclass(frozen=True, slots=True)
class Refusal:
    """One reason the plan cannot be applied, and how to fix the YAML."""

    address: str
    message: str
    fix: str
    origins: tuple[Origin, ...] = ()

    def __str__(self) -> str:
        where = f"{self.origins[0]}: " if self.origins else ""
        return f"{where}{self.address}: {self.message}\n    Fix: {self.fix}"

    def under(self, folder: PurePath) -> Refusal:
        """The same refusal with its YAML positions named from ``folder``."""
        return replace(self, origins=tuple(o.under(folder) for o in self.origins))


class PlanRefused(InventoryAsCodeError):
    """The plan would fail when applied; ``refusals`` says why, each with its fix."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        self.refusals = tuple(refusals)
        super().__init__(
            f"the plan cannot be applied ({len(self.refusals)} problem(s)):\n"
            + "\n".join(str(r) for r in self.refusals)
        )


def check_feasibility(
    desired: DesiredState,
    live: LiveStore,
    changes: Sequence[Change],
    conflicts: Iterable[tuple[Move, str]] = (),
    found: Iterable[Refusal] = (),
) -> None:
    """Raise :class:`PlanRefused` listing every problem; return quietly when there is none.

    ``found``: refusals the planning of the store's options made (:mod:`.options`).
    """
    refusals: list[Refusal] = [_move_conflict(move, why) for move, why in conflicts]
    refusals += list(found)
    refusals += _unnamed_products(desired, changes)
    refusals += _variant_counts(desired, live, changes)
    refusals += _skus(desired, live, changes)
    if refusals:
        # In the order of the YAML, as validate lists problems (and the same in every run).
        raise PlanRefused(sorted(refusals, key=_in_yaml_order))


def _in_yaml_order(refusal: Refusal) -> tuple[bool, Origin | None, str, str]:
    first = refusal.origins[0] if refusal.origins else None
    return (first is None, first, refusal.address, refusal.message)


def _move_conflict(move: Move, why: str) -> Refusal:
    return Refusal(
        f"moved {move.kind.value} {move.old} -> {move.new}",
        f"cannot rename: {why}.",
        "delete one of them in Wix (or merge them by hand), or remove this moved entry.",
        (move.origin,) if move.origin else (),
    )


def _unnamed_products(desired: DesiredState, changes: Sequence[Change]) -> list[Refusal]:
    out = []
    for change in changes:
        if change.kind is Kind.PRODUCT and change.action is Action.CREATE:
            product = desired.products[change.keys["slug"]]
            if product.name is None:
                out.append(
                    Refusal(
                        change.address,
                        "is created by this plan but has no name; Wix would show its slug "
                        f'"{product.slug}" as the name.',
                        "add name: to the product.",
                        tuple(o for k, o in product.origins.items() if k == "slug"),
                    )
                )
    return out


def _variant_counts(
    desired: DesiredState, live: LiveStore, changes: Sequence[Change]
) -> list[Refusal]:
    # 1,000 variants is also the most one products call carries in total
    # (wix._limits.PRODUCTS_BULK_VARIANTS): the one per-request total a single
    # product can reach (6 options per product stay far below 100 per call).
    delta: dict[str, int] = defaultdict(int)
    for change in changes:
        if change.kind is Kind.VARIANT and change.action in (Action.CREATE, Action.DELETE):
            delta[change.keys["slug"]] += 1 if change.action is Action.CREATE else -1
    out = []
    for slug, added in delta.items():
        live_product = live.products.get(slug)
        total = (len(live_product.variants) if live_product else 0) + added
        if total > MAX_VARIANTS:
            out.append(
                Refusal(
                    product_address(slug),
                    f"would have {total} variants (new ones plus live ones the YAML keeps); "
                    f"Wix allows at most {MAX_VARIANTS}.",
                    "set prune: {variants: true} to remove live variants the YAML does not "
                    "list, or split the product.",
                    _slug_origin(desired, slug),
                )
            )
    return out


def _slug_origin(desired: DesiredState, slug: str) -> tuple[Origin, ...]:
    product = desired.products.get(slug)
    origin = product.origins.get("slug") if product is not None else None
    return (origin,) if origin is not None else ()


@dataclass(frozen=True, slots=True)
class _Owner:
    slug: str
    key: tuple[str, ...]
    new: bool  # the plan creates it or gives it this SKU
    managed: bool  # the product is in the YAML
    change_address: str = ""  # the address of the change that creates it

    @property
    def address(self) -> str:
        """Built only for a message: a large store has an owner for every variant."""
        return self.change_address or variant_address(self.slug, self.key)


def _skus(desired: DesiredState, live: LiveStore, changes: Sequence[Change]) -> list[Refusal]:
    """Every SKU the store holds after the plan must have one owner."""
    deleted_products = {
        c.keys["slug"] for c in changes if c.kind is Kind.PRODUCT and c.action is Action.DELETE
    }
    variant_changes = {c.address: c for c in changes if c.kind is Kind.VARIANT}
    # Replaced variants are addressed by their old options, so they are found by id.
    removed_ids = {
        c.keys.get("variant_id") for c in variant_changes.values() if c.action is Action.DELETE
    }
    owners: dict[str, list[_Owner]] = defaultdict(list)
    freed: dict[str, str] = {}  # SKU -> slug of the product that drops it in this run
    for slug, product in live.products.items():
        for variant in product.variants:
            if not variant.sku:
                continue
            # Most plans change no variant: then no address is needed to look one up.
            change = (
                variant_changes.get(variant_address(slug, variant.key)) if variant_changes else None
            )
            if slug in deleted_products or variant.id in removed_ids:
                freed[variant.sku] = slug
                continue
            sku = variant.sku
            if change is not None and change.action is Action.UPDATE:
                sku = (change.after or {}).get("sku", sku)
            owners[sku].append(
                _Owner(slug, variant.key, sku != variant.sku, slug in desired.products)
            )
    for change in variant_changes.values():
        new_sku = (change.after or {}).get("sku") if change.action is Action.CREATE else None
        if new_sku:
            owners[new_sku].append(_Owner(change.keys["slug"], (), True, True, change.address))
    out = []
    for sku, found in sorted(owners.items()):
        new = [o for o in found if o.new]
        if not new:
            continue
        if len(found) > 1:
            out.append(_sku_collision(sku, new[0], [o for o in found if o is not new[0]], desired))
        elif sku in freed and freed[sku] != new[0].slug:
            out.append(
                Refusal(
                    new[0].address,
                    f'SKU "{sku}" is freed by {product_address(freed[sku])} in this same run; '
                    "Wix checks SKUs call by call, and the SKU may still be taken when this "
                    "variant is written.",
                    "apply in two steps: first remove the old variant or product, then give "
                    "its SKU to this one; or rename the product with moved: instead.",
                )
            )
    return out


def _sku_collision(sku: str, new: _Owner, others: list[_Owner], desired: DesiredState) -> Refusal:
    other = others[0]
    if not other.managed:
        fix = (
            f"give this variant another SKU. If {product_address(other.slug)} is this "
            f"product under its old slug, rename it instead: moved: [{{product: {{from: "
            f"{other.slug}, to: {new.slug}}}}}] (keeps its id, variants and stock)."
        )
        owner = f"{other.address}, a live product the YAML does not manage"
    else:
        fix = "give one of the two variants another SKU."
        owner = other.address
    product = desired.products.get(new.slug)
    origins: tuple[Origin, ...] = ()
    if product is not None:
        variant: Any = next(
            (v for v in product.variants if variant_address(new.slug, v.key) == new.address),
            None,
        )
        if variant is not None and "sku" in variant.origins:
            origins = (variant.origins["sku"],)
    return Refusal(new.address, f'SKU "{sku}" is already used by {owner}.', fix, origins)
