"""The planner: desired state + live store -> Plan. Pure; reads nothing, writes nothing.

Identity: a location by name (the YAML's default location is the store's
default location whatever its name), a product by slug, a variant by its
choice names in option order, stock by (product, variant, location).

Only what the YAML manages is compared: a ``None`` in the desired model
means "leave the live value alone". Live objects the YAML does not mention
are unmanaged: untouched and counted in a note, unless the YAML's ``prune``
block asks for deletion of that kind.

Values are compared as small dicts built the same way on both sides
(``*_values`` functions) and only objects that differ get a Change with
field-level detail. Stock rules (tracking switches, quantity policies,
preorder) live in :mod:`.stock`; guard rails in :mod:`.guard_rails`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.live.model import LiveLocation, LiveProduct, LiveStore, LiveVariant
from inventory_as_code.model import DesiredState, Location, Origin, Product, Variant
from inventory_as_code.plan.addresses import (
    location_address,
    matches_target,
    product_address,
    variant_address,
)
from inventory_as_code.plan.diffing import field_changes
from inventory_as_code.plan.guard_rails import GuardRailSettings, check_guard_rails
from inventory_as_code.plan.model import Action, Change, Kind, Note, Observed, Plan
from inventory_as_code.plan.stock import StockPlanner


@dataclass(frozen=True, slots=True)
class PlanOptions:
    guard_rails: GuardRailSettings = field(default_factory=GuardRailSettings)
    targets: tuple[str, ...] = ()
    site: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)


def origins_of(obj: Any, names: Iterable[str]) -> tuple[Origin, ...]:
    names = list(names)
    origins = getattr(obj, "origins", {}) or {}
    found = {origins[n] for n in names if n in origins}
    if "options" in names and isinstance(obj, Product):
        # The loader keeps the origin of each option on the Option, not on the product.
        found |= {o.origins["name"] for o in obj.options if "name" in o.origins}
    return tuple(sorted(found))


def product_values(product: Product | LiveProduct, managed: Product) -> dict[str, Any]:
    """The product fields the YAML manages, as comparable values."""
    values: dict[str, Any] = {}
    if managed.name is not None:
        values["name"] = product.name
    if managed.product_type is not None:
        values["product_type"] = str(product.product_type).lower()
    if managed.visible is not None:
        values["visible"] = product.visible
    return values


def variant_values(variant: Variant | LiveVariant, managed: Variant) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("sku", "price", "compare_at_price", "visible"):
        if getattr(managed, name) is not None:
            values[name] = getattr(variant, name)
    return values


def new_variant_values(variant: Variant) -> dict[str, Any]:
    return {
        name: getattr(variant, name)
        for name in ("sku", "price", "compare_at_price", "visible")
        if getattr(variant, name) is not None
    }


class Planner:
    def __init__(self, desired: DesiredState, live: LiveStore, options: PlanOptions) -> None:
        self.desired = desired
        self.live = live
        self.options = options
        self.changes: list[Change] = []
        self.notes: list[Note] = []
        self.location_of: dict[str, LiveLocation | None] = {}

    def run(self) -> Plan:
        self._plan_locations()
        stock = StockPlanner(self.desired, self.live, self.location_of)
        for slug, product in self.desired.products.items():
            live_product = self.live.products.get(slug)
            self._plan_product(product, live_product)
            self.changes.extend(stock.plan_product(product, live_product))
        self.changes.extend(stock.prune_changes())
        self.notes.extend(stock.notes())
        self._plan_unmanaged_products()
        changes = self.changes
        if self.options.targets:
            changes = [
                c
                for c in changes
                if any(matches_target(c.address, t) for t in self.options.targets)
            ]
        changes.sort(key=lambda c: c.sort_key)
        rails = check_guard_rails(changes, self.live, self.desired, self.options.guard_rails)
        return Plan(
            changes=tuple(changes),
            notes=tuple(self.notes),
            guard_rails=tuple(rails),
            site=self.options.site,
            metadata=dict(self.options.metadata),
        )

    # --- locations ---------------------------------------------------------------

    def _plan_locations(self) -> None:
        live_default = self.live.default_location
        claimed: set[str] = set()
        for name, location in self.desired.locations.items():
            if location.is_default and live_default is not None:
                self.location_of[name] = live_default
                claimed.add(live_default.id)
                if live_default.name != name:
                    self.notes.append(
                        Note(
                            "DEFAULT_LOCATION_ALIAS",
                            f'YAML location "{name}" is the store\'s default location, '
                            f'named "{live_default.name}" in Wix.',
                            location_address(name),
                        )
                    )
                continue
            match = next(
                (
                    loc
                    for loc in self.live.locations
                    if loc.name == name and loc.id not in claimed and not loc.is_default
                ),
                None,
            )
            self.location_of[name] = match
            if match is not None:
                claimed.add(match.id)
            else:
                self.changes.append(self._location_create_or_enable(location))
        for loc in self.live.locations:
            if loc.id in claimed or loc.is_default:
                continue
            if self.desired.prune.locations:
                self.changes.append(
                    Change(
                        kind=Kind.LOCATION,
                        action=Action.DELETE,
                        address=location_address(loc.name),
                        before={"name": loc.name},
                        after=None,
                        observed=Observed(loc.wix_location_id or loc.id, loc.revision),
                        reason=origins_of(self.desired.prune, ["locations"]),
                        keys={"location": loc.name, "stores_location_id": loc.id},
                    )
                )
        unmanaged = [
            loc.name for loc in self.live.locations if loc.id not in claimed and not loc.is_default
        ]
        if unmanaged and not self.desired.prune.locations:
            self.notes.append(
                Note(
                    "UNMANAGED_LOCATIONS",
                    f"{len(unmanaged)} live location(s) not in the YAML are left alone: "
                    + ", ".join(unmanaged[:5])
                    + (" ..." if len(unmanaged) > 5 else ""),
                )
            )

    def _location_create_or_enable(self, location: Location) -> Change:
        address = location_address(location.name)
        business = next(
            (b for b in self.live.business_locations if b.name == location.name and not b.archived),
            None,
        )
        reason = origins_of(location, ["name"])
        if business is not None:
            # The business location exists but does not hold inventory yet.
            types_before = {"location_types": sorted(business.location_types)}
            types_after = {"location_types": sorted({*business.location_types, "INVENTORY"})}
            return Change(
                kind=Kind.LOCATION,
                action=Action.UPDATE,
                address=address,
                before=types_before,
                after=types_after,
                fields=field_changes(types_before, types_after),
                observed=Observed(business.id, business.revision),
                reason=reason,
                keys={"location": location.name, "wix_location_id": business.id},
            )
        after: dict[str, Any] = {"name": location.name}
        if location.address is not None:
            after["address"] = {
                k: v
                for k, v in (
                    ("street", location.address.street),
                    ("city", location.address.city),
                    ("postal_code", location.address.postal_code),
                    ("subdivision", location.address.subdivision),
                    ("country", location.address.country),
                )
                if v is not None
            }
        if location.time_zone is not None:
            after["time_zone"] = location.time_zone
        return Change(
            kind=Kind.LOCATION,
            action=Action.CREATE,
            address=address,
            before=None,
            after=after,
            reason=reason,
            keys={"location": location.name},
        )

    # --- products and variants -----------------------------------------------------

    def _plan_product(self, product: Product, live: LiveProduct | None) -> None:
        address = product_address(product.slug)
        options = {o.name: list(o.choices) for o in product.options}
        if live is None:
            after = {"name": product.name or product.slug, **product_values(product, product)}
            after["product_type"] = str(product.product_type or "physical").lower()
            if options:
                after["options"] = options
            self.changes.append(
                Change(
                    kind=Kind.PRODUCT,
                    action=Action.CREATE,
                    address=address,
                    before=None,
                    after=after,
                    reason=origins_of(product, ["slug", "name"]),
                    keys={"slug": product.slug},
                )
            )
            for variant in product.variants:
                self.changes.append(self._variant_create(product, variant))
            return

        before = product_values(live, product)
        after = product_values(product, product)
        if product.product_type is not None and before.get("product_type") != after.get(
            "product_type"
        ):
            self.notes.append(
                Note(
                    "PRODUCT_TYPE_IMMUTABLE",
                    f"{address}: Wix cannot change a product's type ({before['product_type']} -> "
                    f"{after['product_type']}); the type is left as it is. Delete and recreate "
                    "the product to change it.",
                    address,
                )
            )
            before.pop("product_type")
            after.pop("product_type")
        live_options = {o.name: list(o.choices) for o in live.options}
        if product.options or live.options:
            before["options"] = live_options
            after["options"] = self._merged_options(product, live, options, live_options)
        changes = field_changes(before, after)
        if changes:
            self.changes.append(
                Change(
                    kind=Kind.PRODUCT,
                    action=Action.UPDATE,
                    address=address,
                    before=before,
                    after=after,
                    fields=changes,
                    observed=Observed(live.id, live.revision),
                    reason=origins_of(product, [c.field.split(".")[0] for c in changes]),
                    keys={"slug": product.slug, "product_id": live.id},
                )
            )
        self._plan_variants(product, live)

    def _merged_options(
        self,
        product: Product,
        live: LiveProduct,
        options: dict[str, list[str]],
        live_options: dict[str, list[str]],
    ) -> dict[str, list[str]]:
        """Desired options, plus live choices still used by variants that are kept."""
        if list(options) != list(live_options):
            return options  # a different set of options replaces every variant
        wanted = {v.key for v in product.variants}
        kept = [v for v in live.variants if v.key not in wanted and not self.desired.prune.variants]
        merged = {name: list(choices) for name, choices in options.items()}
        for variant in kept:
            for name, choice in zip(merged, variant.key, strict=False):
                if choice not in merged[name]:
                    merged[name].append(choice)
        return merged

    def _plan_variants(self, product: Product, live: LiveProduct) -> None:
        desired_option_names = [o.name for o in product.options]
        replaced = desired_option_names != [o.name for o in live.options]
        live_by_key = {v.key: v for v in live.variants}
        for variant in product.variants:
            live_variant = None if replaced else live_by_key.get(variant.key)
            if live_variant is None:
                self.changes.append(self._variant_create(product, variant, live))
                continue
            before = variant_values(live_variant, variant)
            after = variant_values(variant, variant)
            changes = field_changes(before, after)
            if changes:
                self.changes.append(
                    Change(
                        kind=Kind.VARIANT,
                        action=Action.UPDATE,
                        address=variant_address(product.slug, variant.key),
                        before=before,
                        after=after,
                        fields=changes,
                        observed=Observed(live_variant.id, live.revision),
                        reason=origins_of(variant, [c.field for c in changes]),
                        keys={
                            "slug": product.slug,
                            "variant": list(variant.key),
                            "product_id": live.id,
                            "variant_id": live_variant.id,
                        },
                    )
                )
        wanted = {v.key for v in product.variants}
        leftover = [v for v in live.variants if replaced or v.key not in wanted]
        for live_variant in leftover:
            if replaced or self.desired.prune.variants:
                # A replaced variant is named by its old options ("Size=S"), so it
                # never shares an address with the new variant that takes its place.
                old_key = (
                    tuple(
                        f"{o.name}={c}"
                        for o, c in zip(live.options, live_variant.key, strict=False)
                    )
                    if replaced
                    else live_variant.key
                )
                self.changes.append(
                    Change(
                        kind=Kind.VARIANT,
                        action=Action.DELETE,
                        address=variant_address(product.slug, old_key),
                        before={"sku": live_variant.sku, "price": live_variant.price},
                        after=None,
                        observed=Observed(live_variant.id, live.revision),
                        reason=origins_of(product, ["options"])
                        if replaced
                        else origins_of(self.desired.prune, ["variants"]),
                        keys={
                            "slug": product.slug,
                            "variant": list(live_variant.key),
                            "product_id": live.id,
                            "variant_id": live_variant.id,
                        },
                    )
                )
        if leftover and not (replaced or self.desired.prune.variants):
            self.notes.append(
                Note(
                    "UNMANAGED_VARIANTS",
                    f"{product_address(product.slug)}: {len(leftover)} live variant(s) not in the "
                    "YAML are kept as they are.",
                    product_address(product.slug),
                )
            )

    def _variant_create(
        self, product: Product, variant: Variant, live: LiveProduct | None = None
    ) -> Change:
        keys: dict[str, Any] = {"slug": product.slug, "variant": list(variant.key)}
        if live is not None:
            keys["product_id"] = live.id
        return Change(
            kind=Kind.VARIANT,
            action=Action.CREATE,
            address=variant_address(product.slug, variant.key),
            before=None,
            after=new_variant_values(variant),
            observed=None if live is None else Observed(live.id, live.revision),
            reason=origins_of(variant, ["sku", "price"]) or origins_of(product, ["options"]),
            keys=keys,
        )

    def _plan_unmanaged_products(self) -> None:
        unmanaged = [slug for slug in self.live.products if slug not in self.desired.products]
        if not unmanaged:
            return
        if self.desired.prune.products:
            for slug in unmanaged:
                live = self.live.products[slug]
                self.changes.append(
                    Change(
                        kind=Kind.PRODUCT,
                        action=Action.DELETE,
                        address=product_address(slug),
                        before={"name": live.name, "variants": len(live.variants)},
                        after=None,
                        observed=Observed(live.id, live.revision),
                        reason=origins_of(self.desired.prune, ["products"]),
                        keys={"slug": slug, "product_id": live.id},
                    )
                )
            return
        self.notes.append(
            Note(
                "UNMANAGED_PRODUCTS",
                f"{len(unmanaged)} live product(s) not in the YAML are left alone (unmanaged).",
            )
        )


def build_plan(desired: DesiredState, live: LiveStore, options: PlanOptions | None = None) -> Plan:
    return Planner(desired, live, options or PlanOptions()).run()


__all__ = ["PlanOptions", "build_plan"]
