"""Deletion rails (issue 11, section 1) and accepting a tripped rail, on plan data.

With ``prune``, an emptied or mistyped folder plans the deletion of most of a
store. The rails trip per kind of object: over ``max_delete_share`` of that
kind's live objects (once the kind has ``min_items`` live objects, as
octoDNS's ``MIN_EXISTING_RECORDS``, whatever the number deleted), or over
``max_deletes`` of them; every location archive trips ``LOCATION_ARCHIVE``.
An ``[[guard_rails.accept]]`` entry accepts a rail by its code, optionally its
kind, and at most ``max`` objects.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inventory_as_code.config.rails import RAIL_CODES, GuardRailSettings, RailAcceptance
from inventory_as_code.plan.guard_rails import blocking_rails
from inventory_as_code.plan.model import GuardRail, Plan
from inventory_as_code.plan.planner import PlanOptions, build_plan
from tests.plan.helpers import DEFAULT, desired_from, live_from, product

LOCATIONS = f"locations:\n  {DEFAULT}: {{default: true}}\n"


def mugs(count: int) -> list[dict[str, object]]:
    return [product(f"mug-{n}", variants={"": {"sku": f"MUG-{n}"}}) for n in range(count)]


def yaml_for(kept: range, prune: str = "products: true", stock: str = "") -> str:
    products = "".join(
        f'  mug-{n}:\n    name: Mug {n}\n    price: "10.00"\n    sku: MUG-{n}\n{stock}'
        for n in kept
    )
    return f"{LOCATIONS}prune: {{{prune}}}\n" + (f"products:\n{products}" if products else "")


def plan_for(
    tmp_path: Path, live_count: int, kept: range, settings: GuardRailSettings | None = None
) -> Plan:
    desired = desired_from(tmp_path / "shop", {"store.yaml": yaml_for(kept)})
    live = live_from({"products": mugs(live_count)})
    return build_plan(desired, live, PlanOptions(guard_rails=settings or GuardRailSettings()))


def deletion_rail(plan: Plan) -> GuardRail:
    (rail,) = [r for r in plan.guard_rails if r.code.startswith("DELETE_")]
    return rail


def test_an_emptied_catalog_trips_the_share_rail(tmp_path: Path) -> None:
    """The issue's scenario: 1,800 of 2,000 products deleted under prune."""
    plan = plan_for(tmp_path, 2000, range(200))
    assert plan.summary.delete == 1800
    rail = deletion_rail(plan)
    assert (rail.code, rail.kind, rail.count) == ("DELETE_SHARE", "products", 1800)
    assert "1800 of 2000 live products (90%) would be deleted" in rail.message
    assert rail.accepted is None and blocking_rails(plan) == (rail,)
    assert rail.addresses[0].startswith('product["mug-')


def test_a_small_store_may_delete_a_few(tmp_path: Path) -> None:
    """40% of a 5-product store is 2 products: fewer than min_items live, no rail."""
    plan = plan_for(tmp_path, 5, range(3))
    assert plan.summary.delete == 2 and plan.guard_rails == ()


def test_the_share_counts_once_the_store_has_min_items(tmp_path: Path) -> None:
    # 10 of 30 (33%) trips; 9 of 30 (30%) is not over the share.
    assert deletion_rail(plan_for(tmp_path / "a", 30, range(20))).code == "DELETE_SHARE"
    assert plan_for(tmp_path / "b", 30, range(21)).guard_rails == ()
    # Few deletions of a store of min_items or more: the share holds (it did not on a7233e5).
    rail = deletion_rail(plan_for(tmp_path / "c", 12, range(3)))
    assert (rail.code, rail.count) == ("DELETE_SHARE", 9)
    assert "9 of 12 live products (75%) would be deleted" in rail.message
    assert deletion_rail(plan_for(tmp_path / "d", 10, range(6))).count == 4  # 40% of 10
    assert plan_for(tmp_path / "e", 9, range(0)).guard_rails == ()  # 9 live: under min_items


def test_the_count_rail_trips_below_the_share(tmp_path: Path) -> None:
    settings = GuardRailSettings(max_deletes=5)
    plan = plan_for(tmp_path, 100, range(94), settings)  # 6 of 100: 6%, but over 5
    rail = deletion_rail(plan)
    assert (rail.code, rail.kind, rail.count) == ("DELETE_COUNT", "products", 6)
    assert "the limits are 30% (max_delete_share) and 5 (max_deletes)" in rail.message


def test_each_kind_has_its_own_rail(tmp_path: Path) -> None:
    """Stock items of the managed products, under prune: {inventory: true}."""
    everywhere = {DEFAULT: 1, "Depot 0": 1, "Depot 1": 1, "Depot 2": 1}
    seed = {
        "locations": [{"name": f"Depot {n}"} for n in range(3)],
        "products": [
            product(f"mug-{n}", variants={"": {"sku": f"MUG-{n}", "stock": everywhere}})
            for n in range(4)
        ],
    }
    # Each mug keeps its item at the default location; the 12 at the depots go.
    text = yaml_for(range(4), "inventory: true", stock=f"    stock: {{{DEFAULT}: 1}}\n")
    text = text.replace(LOCATIONS, LOCATIONS + "".join(f"  Depot {d}: {{}}\n" for d in range(3)))
    desired = desired_from(tmp_path / "shop", {"store.yaml": text})
    plan = build_plan(desired, live_from(seed), PlanOptions())
    rail = deletion_rail(plan)
    assert (rail.code, rail.kind, rail.count) == ("DELETE_SHARE", "stock", 12)
    assert "12 of 16 live stock items of managed products (75%)" in rail.message


def test_an_acceptance_covers_its_rail_up_to_max(tmp_path: Path) -> None:
    desired = desired_from(tmp_path / "shop", {"store.yaml": yaml_for(range(5))})
    live = live_from({"products": mugs(50)})

    def accepting(**entry: object) -> Plan:
        fields: dict[str, object] = {"rail": "DELETE_SHARE", "max": 1800, "reason": "winter"}
        fields.update(entry)
        accept = RailAcceptance(
            str(fields["rail"]),
            int(fields["max"]),  # type: ignore[call-overload]
            str(fields["reason"]),
            fields.get("kind"),  # type: ignore[arg-type]
            "[[guard_rails.accept]] #1",
        )
        options = PlanOptions(guard_rails=GuardRailSettings(accept=(accept,)))
        return build_plan(desired, live, options)

    # 45 of 50 products: accepted by an entry for at least 45, of that kind or any kind.
    for entry in ({"max": 45}, {"max": 45, "kind": "products"}, {"max": 1000}):
        plan = accepting(**entry)
        rail = deletion_rail(plan)
        assert rail.accepted is not None, entry
        assert rail.accepted.reason == "winter"
        assert rail.accepted.entry == "[[guard_rails.accept]] #1"
        assert blocking_rails(plan) == ()
    # A smaller max, another kind or another code does not cover it.
    for entry in ({"max": 44}, {"kind": "variants"}, {"rail": "DELETE_COUNT"}):
        plan = accepting(**entry)
        assert deletion_rail(plan).accepted is None, entry
        assert len(blocking_rails(plan)) == 1


def test_the_acceptance_is_saved_with_the_plan(tmp_path: Path) -> None:
    accept = (RailAcceptance("DELETE_SHARE", 45, "winter collection", "products", "#1"),)
    plan = plan_for(tmp_path, 50, range(5), GuardRailSettings(accept=accept))
    again = Plan.from_dict(plan.to_dict())
    assert again.guard_rails == plan.guard_rails
    saved = plan.to_dict()["guard_rails"][0]
    assert saved["kind"] == "products"
    assert saved["accepted"] == {"entry": "#1", "reason": "winter collection", "max": 45}


def test_every_rail_the_planner_trips_can_be_accepted() -> None:
    """validate knows every code (RAIL_CODES), so none is refused as unknown."""
    plan = Path(__file__).parents[2] / "inventory_as_code/plan"
    source = "".join(
        (plan / name).read_text() for name in ("guard_rails.py", "option_rails.py", "move_rails.py")
    )
    assert set(re.findall(r'"([A-Z]+_[A-Z_]+)"', source)) == set(RAIL_CODES)


@pytest.mark.parametrize("live_count", [1, 3])
def test_deleting_everything_of_a_tiny_store_is_not_blocked(
    tmp_path: Path, live_count: int
) -> None:
    assert plan_for(tmp_path, live_count, range(0)).guard_rails == ()


def test_every_location_archive_needs_an_acceptance(tmp_path: Path) -> None:
    """Wix archives a location for good (Corrections 17): one of 50 is enough to trip."""
    yaml = LOCATIONS + "".join(f"  Depot {n}: {{}}\n" for n in range(1, 50))
    desired = desired_from(tmp_path / "shop", {"store.yaml": yaml + "prune: {locations: true}\n"})
    live = live_from({"locations": [{"name": f"Depot {n}"} for n in range(50)]})
    plan = build_plan(desired, live, PlanOptions())
    (rail,) = plan.guard_rails
    assert (rail.code, rail.kind, rail.addresses) == (
        "LOCATION_ARCHIVE",
        "",
        ('location["Depot 0"]',),
    )
    assert "1 location(s) would be archived" in rail.message and "permanent" in rail.message
    accept = RailAcceptance("LOCATION_ARCHIVE", 1, "depot 0 closed", None, "#1")
    accepted = build_plan(
        desired, live, PlanOptions(guard_rails=GuardRailSettings(accept=(accept,)))
    )
    assert accepted.guard_rails[0].accepted is not None and blocking_rails(accepted) == ()
