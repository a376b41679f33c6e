"""Planner behaviour the golden table does not pin down on its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from inventory_as_code.live import LiveStore
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.guard_rails import GuardRailSettings
from inventory_as_code.plan.model import Action, Plan
from inventory_as_code.plan.planner import build_plan
from inventory_as_code.plan.render_text import render_text
from inventory_as_code.plan.targets import UnknownTargetError
from tests.plan.cases import BY_NAME, Case


def line_of(text: str, needle: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def test_the_empty_plan_is_a_value() -> None:
    empty_live = LiveStore(locations=(), business_locations=(), products={}, inventory={})
    plan = build_plan(DesiredState(), empty_live)
    assert isinstance(plan, Plan)
    assert plan.changes == () and plan.empty
    assert plan.summary.total == 0
    assert render_text(plan).plain == "No changes. The live store matches the YAML.\n"


def test_reason_points_at_the_yaml_line_of_the_value(planned: Callable[[Case], Plan]) -> None:
    case = BY_NAME["policy_set"]
    plan = planned(case)
    by_address = {c.address: c for c in plan.changes}
    source = case.yaml["products.yaml"]
    small = by_address['stock["tee"]["S"]["Online store"]']
    medium = by_address['stock["tee"]["M"]["Online store"]']
    assert [(o.file, o.line) for o in small.reason] == [
        ("products.yaml", line_of(source, "quantity: 40"))
    ]
    assert [(o.file, o.line) for o in medium.reason] == [
        ("products.yaml", line_of(source, "M: {stock"))
    ]
    text = render_text(plan).plain
    assert f"# products.yaml:{line_of(source, 'quantity: 40')}:" in text
    assert "quantity: 30 -> 40 (+10)" in text
    assert "quantity: 30 -> 25 (-5)" in text


def test_product_option_changes_say_which_line_asks_for_them(
    planned: Callable[[Case], Plan],
) -> None:
    case = BY_NAME["variants_create_update"]
    product = next(c for c in planned(case).changes if c.address == 'product["tee"]')
    assert [(o.file, o.line) for o in product.reason] == [
        ("products.yaml", line_of(case.yaml["products.yaml"], "options:"))
    ]


def test_stock_prune_cites_only_the_prune_inventory_line(planned: Callable[[Case], Plan]) -> None:
    case = BY_NAME["stock_prune"]
    (change,) = planned(case).changes
    assert [(o.file, o.line) for o in change.reason] == [
        ("store.yaml", line_of(case.yaml["store.yaml"], "inventory: true"))
    ]


def test_at_least_never_lowers_and_set_does(planned: Callable[[Case], Plan]) -> None:
    at_least = planned(BY_NAME["policy_at_least"])
    assert [(f.field, f.before, f.after) for c in at_least.changes for f in c.fields] == [
        ("quantity", 3, 10)
    ]
    as_set = planned(
        replace(
            BY_NAME["policy_at_least"],
            yaml={
                **BY_NAME["policy_at_least"].yaml,
                "products.yaml": BY_NAME["policy_at_least"]
                .yaml["products.yaml"]
                .replace("at_least", "set"),
            },
        )
    )
    assert sorted((f.before, f.after) for c in as_set.changes for f in c.fields) == [
        (3, 10),
        (25, 10),
    ]


def test_initial_policy_creates_with_the_yaml_number(planned: Callable[[Case], Plan]) -> None:
    case = BY_NAME["policy_initial"]
    fresh = planned(replace(case, seed={}))
    stock = [c for c in fresh.changes if c.address.startswith("stock")]
    assert [(c.action, dict(c.after or {})) for c in stock] == [
        (Action.CREATE, {"tracking": "quantity", "quantity": 40})
    ]


def test_share_rails_need_min_items(planned: Callable[[Case], Plan]) -> None:
    for name in ("out_of_stock_share", "touched_share"):
        # The same 3 of 4 items with the default settings (min_items=10): not tripped.
        plan = planned(replace(BY_NAME[name], guard_rails=GuardRailSettings()))
        assert len(plan.changes) == 3 and plan.guard_rails == (), name


def test_share_rails_respect_the_threshold(planned: Callable[[Case], Plan]) -> None:
    lenient = GuardRailSettings(max_out_of_stock_share=0.75, max_touched_share=0.75, min_items=2)
    for name in ("out_of_stock_share", "touched_share"):
        # 3 of 4 is exactly 75%: the limit is a maximum, not tripped when reached.
        assert planned(replace(BY_NAME[name], guard_rails=lenient)).guard_rails == (), name


def test_tracking_switch_without_stock_trips_no_rail(planned: Callable[[Case], Plan]) -> None:
    plan = planned(BY_NAME["switch_quantity_to_in_stock"])
    (rail,) = plan.guard_rails
    assert rail.addresses == ('stock["tee"]["S"]["Online store"]',)  # M had quantity 0
    assert plan.summary.switch_tracking == 2 and plan.summary.update == 2


def test_a_target_that_names_nothing_is_refused_with_a_suggestion(
    planned: Callable[[Case], Plan],
) -> None:
    with pytest.raises(UnknownTargetError) as refused:
        planned(replace(BY_NAME["variants_unmanaged"], targets=('product["tea"]',)))
    assert 'product["tea"] matches nothing' in str(refused.value)
    assert 'did you mean product["tee"]?' in str(refused.value)
    with pytest.raises(UnknownTargetError, match="is not an address"):
        planned(replace(BY_NAME["variants_unmanaged"], targets=("tee",)))


def test_targets_keep_notes_and_select_stock(planned: Callable[[Case], Plan]) -> None:
    plan = planned(replace(BY_NAME["variants_unmanaged"], targets=('product["tee"]',)))
    assert plan.empty
    assert [n.code for n in plan.notes] == ["UNMANAGED_STOCK"]
    assert [u.address for u in plan.unresolved] == ['variant["tee"]["L"]']
    one_stock = planned(
        replace(BY_NAME["policy_set"], targets=('stock["tee"]["M"]["Online store"]',))
    )
    assert [c.address for c in one_stock.changes] == ['stock["tee"]["M"]["Online store"]']


def test_target_product_does_not_select_a_product_with_a_longer_slug(
    planned: Callable[[Case], Plan], tmp_path: Path
) -> None:
    case = BY_NAME["target_product"]
    yaml = case.yaml["products.yaml"] + "  tee-shirt:\n    name: Tee shirt\n    sku: TS\n"
    plan = planned(replace(case, yaml={**case.yaml, "products.yaml": yaml}))
    # The target's own changes, and nothing of tee-shirt (an empty plan would pass the latter).
    assert {c.keys["slug"] for c in plan.changes} == {"tee"}
    assert len(plan.changes) == 4


def test_plans_are_deterministic(planned: Callable[[Case], Plan]) -> None:
    case = BY_NAME["product_create"]
    first, second = planned(case), planned(case)
    assert first.to_dict() == second.to_dict()


def test_target_location_does_not_select_a_variant_with_the_same_label(
    planned: Callable[[Case], Plan],
) -> None:
    # A location and a choice that share a name ("Outlet"): the location target selects
    # the location and the stock kept there, not the variant called "Outlet".
    case = Case(
        "target_location_vs_choice",
        {
            "store.yaml": "locations:\n  Online store:\n    default: true\n  Outlet:\n",
            "products.yaml": "products:\n  tee:\n    name: Tee\n"
            "    options: {Edition: [Outlet, Regular]}\n    sku: TEE-{Edition}\n"
            "    stock: {Outlet: 2}\n",
        },
        targets=('location["Outlet"]',),
    )
    assert [c.address for c in planned(case).changes] == [
        'location["Outlet"]',
        'stock["tee"]["Outlet"]["Outlet"]',
        'stock["tee"]["Regular"]["Outlet"]',
    ]


def test_a_tracking_switch_shows_the_preorder_change_it_carries(
    planned: Callable[[Case], Plan],
) -> None:
    case = BY_NAME["switch_in_stock_to_quantity"]
    yaml = case.yaml["products.yaml"].replace(
        "stock: {Online store: 7}",
        "stock: {Online store: {quantity: 7, preorder: {enabled: true}}}",
    )
    plan = planned(replace(case, yaml={**case.yaml, "products.yaml": yaml}))
    switch = next(c for c in plan.changes if c.address.endswith('["S"]["Online store"]'))
    # Counting starts with Wix's default preorder limit: the plan says so too.
    assert switch.after is not None
    assert switch.after["preorder"] == {"enabled": True, "limit": 100_000}
    text = render_text(plan).plain
    assert "preorder.enabled: false -> true" in text
    assert "preorder.limit: (unset) -> 100000" in text


def test_every_change_has_its_own_address(planned: Callable[[Case], Plan]) -> None:
    """Apply reports per address: two changes must never share one (e.g. a replaced variant)."""
    for case in BY_NAME.values():
        addresses = [c.address for c in planned(case).changes]
        assert len(addresses) == len(set(addresses)), case.name
