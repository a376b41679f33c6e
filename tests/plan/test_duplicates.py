"""Two live objects where the YAML means one are unresolved, never "No changes"."""

from __future__ import annotations

from inventory_as_code.live import LiveLocation, LiveStore
from inventory_as_code.live.model import LiveOption, LiveProduct, LiveVariant
from inventory_as_code.model import (
    DesiredState,
    FrozenMap,
    Location,
    Option,
    Product,
    Prune,
    Variant,
)
from inventory_as_code.plan.planner import build_plan

DEFAULT = LiveLocation("loc-0", "Main", True, "1")
TEE = Product(
    slug="tee",
    name="Tee",
    options=(Option("Size", ("S",)),),
    variants=(Variant(("S",), sku="TEE-S"),),
)


def _product(slug: str, sku: str) -> LiveProduct:
    return LiveProduct(
        f"p-{slug}",
        slug,
        "Tee",
        "1",
        "physical",
        True,
        (LiveOption("o-1", "Size", ("S",)),),
        (LiveVariant(f"v-{slug}", ("S",), sku, None, None, True),),
    )


def _desired(prune: bool = False) -> DesiredState:
    return DesiredState(
        locations=FrozenMap({"Main": Location("Main", is_default=True)}),
        products=FrozenMap({"tee": TEE}),
        prune=Prune(products=prune),
    )


def test_a_sku_that_two_live_products_hold_is_unresolved_on_the_managed_variant() -> None:
    live = LiveStore(
        (DEFAULT,), (), {"tee": _product("tee", "TEE-S"), "copy": _product("copy", "TEE-S")}, {}
    )
    plan = build_plan(_desired(), live)
    assert not plan.changes
    (twice,) = plan.unresolved
    assert (twice.address, twice.field, twice.live) == ('variant["tee"]["S"]', "sku", "TEE-S")
    assert 'SKU "TEE-S" is also held by variant["copy"]["S"]' in twice.reason
    assert not plan.in_sync


def test_a_sku_freed_by_pruning_the_other_product_is_not_unresolved() -> None:
    live = LiveStore(
        (DEFAULT,), (), {"tee": _product("tee", "TEE-S"), "copy": _product("copy", "TEE-S")}, {}
    )
    plan = build_plan(_desired(prune=True), live)
    assert [c.address for c in plan.changes] == ['product["copy"]']
    assert plan.unresolved == ()


def test_the_oldest_of_two_locations_of_one_name_is_managed() -> None:
    older = LiveLocation("loc-a", "Popup", False, "1", "wix-a", "2026-01-01T10:00:00.000Z")
    newer = LiveLocation("loc-b", "Popup", False, "1", "wix-b", "2026-01-01T10:00:00.500Z")
    desired = DesiredState(
        locations=FrozenMap(
            {"Main": Location("Main", is_default=True), "Popup": Location("Popup")}
        ),
    )
    # The reader sorts by name, then age; the planner takes the first.
    plan = build_plan(desired, LiveStore((DEFAULT, older, newer), (), {}, {}))
    (twice,) = plan.unresolved
    assert (twice.address, twice.field, twice.live, twice.desired) == (
        'location["Popup"]',
        "count",
        2,
        1,
    )
    assert "The plan manages the oldest (loc-a, created 2026-01-01T10:00:00.000Z" in twice.reason
    assert "leaves the other(s) alone (loc-b, created 2026-01-01T10:00:00.500Z" in twice.reason
