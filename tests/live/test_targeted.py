"""``plan --target`` reads only the targeted products: a handful of calls whatever the store.

A store of 300 products (3 product pages, 2 variant pages, 3 stock pages) is
planned for one product; the plan makes the calls of that product only, and
the guard rails still count shares of the whole store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inventory_as_code.emulator import Emulator
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.plan.guard_rails import GuardRailSettings
from inventory_as_code.plan.targets import UnknownTargetError
from inventory_as_code.workflow import plan_project
from tests.plan.helpers import DEFAULT, SITE, client_for, product, write_project

COUNT = 300
OTHER = "Outlet"


def seed_product(n: int, price: str = "10.00") -> dict[str, Any]:
    return product(
        f"tee-{n:03d}",
        options={"Size": ["S", "M", "L"]},
        variants={
            size: {"sku": f"TEE{n:03d}-{size}", "price": price, "stock": {DEFAULT: 5, OTHER: 2}}
            for size in ("S", "M", "L")
        },
    )


def yaml_product(n: int, price: str = "10.00", quantity: int = 5) -> str:
    return (
        f'  tee-{n:03d}:\n    name: Tee {n:03d}\n    price: "{price}"\n'
        f"    options: {{Size: [S, M, L]}}\n    sku: TEE{n:03d}-{{Size}}\n"
        f"    stock: {{{DEFAULT}: {quantity}, {OTHER}: {{quantity: 2, policy: at_least}}}}\n"
    )


LOCATIONS = (
    f"locations:\n  {DEFAULT}:\n    default: true\n    stock: {{policy: set}}\n  {OTHER}: {{}}\n"
)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(id_seed=17)
    emu.seed(
        {"locations": [{"name": OTHER}], "products": [seed_product(n) for n in range(COUNT)]},
        site_id=SITE,
    )
    yield emu
    emu.close()


def project(
    tmp_path: Path,
    *changed: tuple[int, str, int],
    extra: str = "",
    without: int = -1,
    count: int = COUNT,
) -> Path:
    """The store as YAML, with (n, price, quantity) changes, and product ``without`` left out."""
    edits = {n: (price, quantity) for n, price, quantity in changed}
    products = "".join(
        yaml_product(n, *edits[n]) if n in edits else yaml_product(n)
        for n in range(count)
        if n != without
    )
    return write_project(
        tmp_path / "shop",
        {"locations.yaml": LOCATIONS, "products.yaml": "products:\n" + products + extra},
    )


def calls(emulator: Emulator, run: Any) -> tuple[Any, dict[str, int]]:
    before = emulator.counts()
    result = run()
    return result, {
        k: v - before.get(k, 0) for k, v in emulator.counts().items() if v - before.get(k, 0)
    }


def test_one_targeted_product_costs_seven_calls(emulator: Emulator, tmp_path: Path) -> None:
    root = project(tmp_path, (7, "12.00", 9))
    client = client_for(emulator)
    (plan, live), made = calls(
        emulator,
        lambda: plan_project(client, root, site_id=SITE, targets=('product["tee-007"]',)),
    )
    assert made == {
        "catalog.get-version": 1,
        "stores-locations.query": 1,
        "locations.query": 1,
        "products.query": 1,
        "read-only-variants.query": 1,
        "inventory-items.query": 1,
        "customizations.query": 1,
    }
    assert sorted(c.address for c in plan.changes) == [
        'stock["tee-007"]["L"]["Online store"]',
        'stock["tee-007"]["M"]["Online store"]',
        'stock["tee-007"]["S"]["Online store"]',
        'variant["tee-007"]["L"]',
        'variant["tee-007"]["M"]',
        'variant["tee-007"]["S"]',
    ]
    assert list(live.products) == ["tee-007"] and len(live.inventory) == 6
    assert plan.metadata["read"]["mode"] == "targeted"
    # Without a target the same change costs the whole store.
    _, whole = calls(emulator, lambda: plan_project(client, root, site_id=SITE))
    assert sum(whole.values()) == 1 + 1 + 1 + 3 + 1 + 2 + 1


def test_shares_stay_shares_of_the_whole_store(emulator: Emulator, tmp_path: Path) -> None:
    # Every stock item of one product changes: 3 of ~1,800 managed items, not 3 of 6.
    root = project(tmp_path, (7, "10.00", 9))
    rails = GuardRailSettings(max_touched_share=0.3, min_items=3)
    plan, _ = plan_project(
        client_for(emulator), root, site_id=SITE, targets=('product["tee-007"]',), guard_rails=rails
    )
    assert len(plan.changes) == 3
    assert plan.guard_rails == ()


def test_a_typo_is_still_refused_and_an_unmanaged_live_product_is_found(
    emulator: Emulator, tmp_path: Path
) -> None:
    client = client_for(emulator)
    root = project(tmp_path)
    with pytest.raises(UnknownTargetError, match="tee-007"):
        plan_project(client, root, site_id=SITE, targets=('product["tee-0007"]',))
    emulator.seed({"products": [product("live-only")]}, site_id=SITE)
    plan, live = plan_project(client, root, site_id=SITE, targets=('product["live-only"]',))
    assert plan.empty and list(live.products) == ["live-only"]


def test_a_new_sku_held_by_another_product_is_refused_as_in_the_whole_plan(
    emulator: Emulator, tmp_path: Path
) -> None:
    # A new product whose SKU is the live (unmanaged) tee-123's: one search finds the owner.
    new = '  mug:\n    name: Mug\n    price: "4.00"\n    sku: TEE123-S\n'
    root = project(tmp_path, extra=new, without=123)
    client = client_for(emulator)

    def run() -> None:
        plan_project(client, root, site_id=SITE, targets=('product["mug"]',))

    with pytest.raises(PlanRefused, match='SKU "TEE123-S" is already used by variant'):
        calls(emulator, run)
    searched = [r for r in emulator.requests() if r["route"] == "read-only-variants.search"]
    assert len(searched) == 1


def test_a_price_change_searches_no_skus(emulator: Emulator, tmp_path: Path) -> None:
    root = project(tmp_path, (3, "11.00", 5))
    _, made = calls(
        emulator,
        lambda: plan_project(
            client_for(emulator), root, site_id=SITE, targets=('variant["tee-003"]["S"]',)
        ),
    )
    assert "read-only-variants.search" not in made


def test_a_renamed_product_is_read_under_its_live_slug(emulator: Emulator, tmp_path: Path) -> None:
    moved = "moved:\n  - product: {from: tee-005, to: shirt-005}\n"
    products = "".join(yaml_product(n) for n in range(COUNT) if n != 5)
    products += yaml_product(5).replace("tee-005:", "shirt-005:")
    root = write_project(
        tmp_path / "shop",
        {
            "locations.yaml": LOCATIONS,
            "products.yaml": "products:\n" + products,
            "moved.yaml": moved,
        },
    )
    plan, live = plan_project(
        client_for(emulator), root, site_id=SITE, targets=('product["shirt-005"]',)
    )
    assert [(c.address, [f.field for f in c.fields]) for c in plan.changes] == [
        ('product["shirt-005"]', ["slug"])
    ]
    assert set(live.products) == {"tee-005"}


def test_a_target_whose_option_changes_reads_and_lists_every_user(
    emulator: Emulator, tmp_path: Path
) -> None:
    # Every tee uses the shared Size option; the target renames one of its choices.
    root = project(tmp_path, (7, "10.00", 5))
    text = (root / "products.yaml").read_text().replace("[S, M, L]", "[Small, M, L]")
    (root / "products.yaml").write_text(
        text + "moved:\n  - choice: {option: Size, from: S, to: Small}\n"
    )
    client = client_for(emulator)
    (plan, live), made = calls(
        emulator,
        lambda: plan_project(client, root, site_id=SITE, targets=('product["tee-007"]',)),
    )
    # One more page for the option's users (slugs and ids): 300 products, 3 pages of 100.
    assert made["products.query"] == 1 + 3 and "read-only-variants.query" in made
    (option,) = [c for c in plan.changes if c.address == 'option["Size"]']
    assert len(option.keys["products"]) == COUNT and option.keys["unmanaged"] == []
    assert list(live.products) == ["tee-007"]
