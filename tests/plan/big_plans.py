"""Large plans built straight from the model (no YAML, no emulator), for size tests."""

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
    StockEntry,
    Tracking,
    Variant,
)
from inventory_as_code.plan.guard_rails import GuardRailSettings
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.planner import PlanOptions, build_plan

SIZES = ("Small", "Medium", "Large")
STORES = [f"Pop-up store number {n} in a city with a long name" for n in range(2)]
DEFAULT = LiveLocation("loc-0", "Online store", True, "1")


def _locations() -> FrozenMap[str, Location]:
    locations = {"Online store": Location("Online store", is_default=True)}
    locations.update({name: Location(name) for name in STORES})
    return FrozenMap(locations)


def first_plan(products: int, *, deleted: int = 0) -> Plan:
    """Every product new, with long names: the worst case for a PR comment. ``deleted``
    live products the YAML does not have are pruned (and trip no rail: they are not stock)."""
    stock = FrozenMap(
        {
            "Online store": StockEntry(tracking=Tracking.QUANTITY, quantity=7),
            **{name: StockEntry(tracking=Tracking.IN_STOCK, in_stock=True) for name in STORES},
        }
    )
    catalog = {}
    for n in range(products):
        slug = f"a-product-with-a-rather-long-slug-{n:05d}"
        catalog[slug] = Product(
            slug=slug,
            name=f"Product {n}",
            options=(Option("Size", SIZES),),
            variants=tuple(
                Variant((s,), sku=f"SKU-{n}-{s}", price="10.00", stock=stock) for s in SIZES
            ),
        )
    live = {
        f"old-product-{n:05d}": LiveProduct(
            f"old-{n}", f"old-product-{n:05d}", f"Old product {n}", "1", "physical", True, (), ()
        )
        for n in range(deleted)
    }
    desired = DesiredState(
        locations=_locations(), products=FrozenMap(catalog), prune=Prune(products=bool(deleted))
    )
    store = LiveStore(locations=(DEFAULT,), business_locations=(), products=live, inventory={})
    return build_plan(desired, store)


def price_plan(products: int, *, steps: tuple[float, ...] = (1.0,)) -> Plan:
    """A store-wide price change: every variant of every product, each from its own price
    (product ``n`` goes up by ``steps[n % len(steps)]``)."""
    catalog, live = {}, {}
    for n in range(products):
        slug = f"product-{n:05d}"
        old = f"{10 + n}.00"
        new = f"{10 + n + steps[n % len(steps)]:.2f}"
        catalog[slug] = Product(
            slug=slug,
            options=(Option("Size", SIZES),),
            variants=tuple(Variant((s,), price=new) for s in SIZES),
        )
        live[slug] = LiveProduct(
            f"p-{n}",
            slug,
            f"Product {n}",
            "1",
            "physical",
            True,
            (LiveOption(f"o-{n}", "Size", SIZES),),
            tuple(LiveVariant(f"v-{n}-{s}", (s,), None, old, None, True) for s in SIZES),
        )
    desired = DesiredState(locations=_locations(), products=FrozenMap(catalog))
    store = LiveStore(locations=(DEFAULT,), business_locations=(), products=live, inventory={})
    rails = GuardRailSettings(max_touched_share=1.0)
    return build_plan(desired, store, PlanOptions(guard_rails=rails))
