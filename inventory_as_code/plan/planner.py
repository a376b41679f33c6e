"""The planner: desired state + live store -> Plan. Pure; reads nothing, writes nothing.

Identity: a location by name (the YAML's default location is the store's
default location whatever its name), an option by name as Wix compares names,
a product by slug, a variant by its choice names in option order, stock by
(product, variant, location). ``moved:`` renames are applied to the live side
first (:mod:`.renames`), so a renamed object is matched under its new name
and updated in place.

Options are shared by the products that use them: their changes (renames,
new choices, colours) are planned first, one change per option
(:mod:`.options`), and applied to the live products before products are
compared (:mod:`.option_edits`), so no product change repeats them.

Only what the YAML manages is compared: a ``None`` in the desired model
means "leave the live value alone". Live objects the YAML does not mention
are unmanaged: untouched and counted in a note, unless the YAML's ``prune``
block asks for deletion of that kind. A difference the plan will not make
(a product type change, a live variant kept without ``prune``) is recorded as
*unresolved*: shown, counted by ``--detailed-exitcode``, never applied.

Whatever apply would certainly fail on (a SKU used elsewhere in the store,
two choices Wix sees as one, Wix's limits, a product to create without a
name) is refused here with :class:`~.feasibility.PlanRefused`, so a plan
that passes review applies. Stock rules live in :mod:`.stock`, refills
(units moved between locations) in :mod:`.refills`, locations in
:mod:`.locations`, guard rails in :mod:`.guard_rails`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from inventory_as_code.checks.reorder import reorder_notes
from inventory_as_code.live.model import LiveProduct, LiveStore
from inventory_as_code.model import DesiredState, Product, Variant
from inventory_as_code.plan.addresses import product_address, variant_address
from inventory_as_code.plan.diffing import field_changes
from inventory_as_code.plan.duplicates import sku_duplicates
from inventory_as_code.plan.feasibility import check_feasibility
from inventory_as_code.plan.guard_rails import GuardRailSettings, check_guard_rails
from inventory_as_code.plan.locations import LocationPlanner
from inventory_as_code.plan.model import (
    Action,
    Change,
    FieldChange,
    Kind,
    Note,
    Observed,
    Plan,
    Unresolved,
)
from inventory_as_code.plan.option_edits import edited_product
from inventory_as_code.plan.options import OptionPlanner
from inventory_as_code.plan.products import (
    merged_options,
    new_variant_values,
    option_values,
    origins_of,
    product_values,
    variant_values,
)
from inventory_as_code.plan.refills import RefillPlanner
from inventory_as_code.plan.rename_hints import rename_hints, with_stock_held
from inventory_as_code.plan.renames import ProductRenames, apply_moves
from inventory_as_code.plan.stock import StockPlanner
from inventory_as_code.plan.targets import select_targets
from inventory_as_code.rules.evaluate import with_rules
from inventory_as_code.rules.spec import Rule


@dataclass(frozen=True, slots=True)
class PlanOptions:
    guard_rails: GuardRailSettings = field(default_factory=GuardRailSettings)
    targets: tuple[str, ...] = ()
    site: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    # The project's [[rules]], evaluated on the finished plan (inventory_as_code.rules).
    rules: tuple[Rule, ...] = ()


class Planner:
    def __init__(self, desired: DesiredState, live: LiveStore, options: PlanOptions) -> None:
        self.desired = desired
        self.options = options
        self.renamed = apply_moves(desired, live)
        # The store's options first: products are compared as the option changes leave them.
        self.option_plan = OptionPlanner(desired, self.renamed.live).run()
        edits = self.option_plan.edits
        self.live = replace(
            self.renamed.live,
            products={s: edited_product(p, edits) for s, p in self.renamed.live.products.items()},
        )  # live objects under their YAML names, with the planned option changes made
        self.changes: list[Change] = list(self.option_plan.changes)
        self.notes: list[Note] = []
        self.unresolved: list[Unresolved] = list(self.option_plan.unresolved)

    def run(self) -> Plan:
        locations = LocationPlanner(self.desired, self.live, self.renamed.locations)
        locations.run()
        self.changes += locations.changes
        self.notes += locations.notes
        self.unresolved += locations.unresolved
        stock = StockPlanner(self.desired, self.live, locations.location_of)
        for slug, product in self.desired.products.items():
            live_product = self.live.products.get(slug)
            self._plan_product(product, live_product, self.renamed.products.get(slug))
            self.changes.extend(stock.plan_product(product, live_product))
        self.changes.extend(stock.prune_changes())
        self.notes.extend(stock.notes())
        refills = RefillPlanner(self.desired, self.live, locations.location_of).run()
        self.changes += refills.changes
        self.notes += refills.notes
        self._plan_unmanaged_products()
        self.unresolved += sku_duplicates(self.desired, self.live, self.changes)
        self.notes += [Note("PROJECT_FILES", note) for note in self.desired.notes]
        check_feasibility(
            self.desired, self.live, self.changes, self.renamed.conflicts, self.option_plan.refusals
        )
        changes, unresolved = self.changes, self.unresolved
        if self.options.targets:
            changes, unresolved = select_targets(
                self.options.targets, self.desired, self.live, changes, unresolved
            )
        changes = with_stock_held(changes, self.live)
        self.notes += rename_hints(self.desired, self.live, changes)
        changes.sort(key=lambda c: c.sort_key)
        unresolved.sort(key=lambda u: (u.address, u.field))
        self.notes += reorder_notes(self.desired, self.live, changes, renamed=True)
        rails = check_guard_rails(changes, self.live, self.desired, self.options.guard_rails)
        return Plan(
            changes=tuple(changes),
            notes=tuple(self.notes),
            guard_rails=tuple(rails),
            site=self.options.site,
            metadata=dict(self.options.metadata),
            unresolved=tuple(unresolved),
        )

    # --- products and variants -----------------------------------------------------

    def _plan_product(
        self, product: Product, live: LiveProduct | None, renames: ProductRenames | None
    ) -> None:
        address = product_address(product.slug)
        if live is None:
            after = {"name": product.name, **product_values(product, product)}
            after["product_type"] = str(product.product_type or "physical").lower()
            if product.options:
                after["options"] = option_values(product.options)
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
            self.unresolved.append(
                Unresolved(
                    address,
                    "type",
                    before["product_type"],
                    after["product_type"],
                    "Wix cannot change a product's type once it exists. Put the type back in "
                    "the YAML, or create the product under a new slug (and delete this one).",
                )
            )
            before.pop("product_type")
            after.pop("product_type")
        same_options = [o.name for o in product.options] == [o.name for o in live.options]
        kept = self._kept_variants(product, live) if same_options else []
        if product.options or live.options:
            # Which choices of its options the product uses: the options themselves
            # (names, colours) are planned apart, once for every product.
            before["options"] = option_values(live.options)
            after["options"] = (
                merged_options(product, kept) if same_options else option_values(product.options)
            )
        fields = list(field_changes(before, after))
        renames = renames or ProductRenames()
        fields = _rename_fields(renames, product.slug) + fields
        keys: dict[str, Any] = {"slug": product.slug, "product_id": live.id}
        if renames:
            keys["renames"] = renames.to_dict()
        if fields:
            self.changes.append(
                Change(
                    kind=Kind.PRODUCT,
                    action=Action.UPDATE,
                    address=address,
                    before=before,
                    after=after,
                    fields=tuple(fields),
                    observed=Observed(live.id, live.revision),
                    reason=origins_of(product, {f.field.split(".")[0] for f in fields}),
                    keys=keys,
                )
            )
        self._plan_variants(product, live, same_options, kept)

    def _kept_variants(self, product: Product, live: LiveProduct) -> list[Any]:
        """Live variants the YAML does not produce and that stay (no prune.variants)."""
        if self.desired.prune.variants:
            return []
        wanted = {v.key for v in product.variants}
        return [v for v in live.variants if v.key not in wanted]

    def _plan_variants(
        self, product: Product, live: LiveProduct, same_options: bool, kept: list[Any]
    ) -> None:
        live_by_key = {v.key: v for v in live.variants} if same_options else {}
        for variant in product.variants:
            live_variant = live_by_key.get(variant.key)
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
                            # For readers ("price ... on 5 of 5 variants"); apply ignores it.
                            "product_variants": len(product.variants),
                        },
                    )
                )
        for live_variant in kept:
            self.unresolved.append(
                Unresolved(
                    variant_address(product.slug, live_variant.key),
                    "variant",
                    {"sku": live_variant.sku, "price": live_variant.price},
                    None,
                    "this live variant is not in the YAML (a choice removed, exclude, or "
                    "combinations: listed) and is kept, with its choices, because prune: "
                    "{variants: true} is not set. Set it to remove the variant, or add it back.",
                )
            )
        if not same_options:
            removed = list(live.variants)  # other options: every variant is replaced
        elif self.desired.prune.variants:
            wanted = {v.key for v in product.variants}
            removed = [v for v in live.variants if v.key not in wanted]
        else:
            removed = []
        for live_variant in removed:
            # A replaced variant is named by its old options ("Size=S"), so it
            # never shares an address with the new variant that takes its place.
            old_key = (
                live_variant.key
                if same_options
                else tuple(
                    f"{o.name}={c}" for o, c in zip(live.options, live_variant.key, strict=False)
                )
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
                    if not same_options
                    else origins_of(self.desired.prune, ["variants"]),
                    keys={
                        "slug": product.slug,
                        "variant": list(live_variant.key),
                        "product_id": live.id,
                        "variant_id": live_variant.id,
                    },
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


def _rename_fields(renames: ProductRenames, slug: str) -> list[FieldChange]:
    """The renames of a product as field changes: what a reviewer reads."""
    fields = []
    if renames.slug:
        fields.append(FieldChange("slug", renames.slug, slug))
    for new, old in renames.options.items():
        fields.append(FieldChange(f"option[{old}]", old, new))
    for option, choices in renames.choices.items():
        for new, old in choices.items():
            fields.append(FieldChange(f"option[{option}].choice[{old}]", old, new))
    return fields


def build_plan(desired: DesiredState, live: LiveStore, options: PlanOptions | None = None) -> Plan:
    options = options or PlanOptions()
    plan = Planner(desired, live, options).run()
    if options.rules:
        plan = with_rules(plan, options.rules, options.guard_rails.accept)
    return plan


__all__ = ["PlanOptions", "build_plan"]
