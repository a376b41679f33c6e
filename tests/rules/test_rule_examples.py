"""The rules docs/rules.md shows a shop, as written there, on real plans.

Each example trips on the change it is about and on nothing else; the plan
rule counts products; levels decide what apply and --detailed-exitcode do.
"""

from __future__ import annotations

from pathlib import Path

from inventory_as_code.plan.model import Action, Change, Kind, Plan
from inventory_as_code.rules import parse_rules, rule_trips
from tests.rules.conftest import TEES, documented_rules, plan_json


def trips(project: Path, yaml: str) -> dict[str, dict]:  # type: ignore[type-arg]
    (project / "inventory-as-code.toml").write_text(documented_rules(), encoding="utf-8")
    (project / "tees.yaml").write_text(yaml, encoding="utf-8")
    return {trip["name"]: trip for trip in plan_json(project)["rules"]}


def test_the_documented_rules_compile_and_a_settled_store_trips_none(project: Path) -> None:
    assert trips(project, TEES) == {}


def test_a_price_cut_by_more_than_half_trips_price_drop_and_less_does_not(project: Path) -> None:
    yaml = TEES.replace(
        "    stock:",
        '    variants:\n      S: {price: "9.00"}\n      M: {price: "11.00"}\n    stock:',
    )
    found = trips(project, yaml)
    assert set(found) == {"price-drop"}  # 20.00 -> 9.00 is 55%; -> 11.00 is 45%
    assert found["price-drop"]["addresses"] == ['variant["tee"]["S"]']
    assert found["price-drop"]["level"] == "soft" and found["price-drop"]["count"] == 1


def test_a_compare_at_price_equal_to_the_price_trips_the_hard_rule(project: Path) -> None:
    # validate refuses a compare-at price below the price; equal is for the rule to catch.
    yaml = TEES.replace('compare_at_price: "25.00"', 'compare_at_price: "20.00"')
    found = trips(project, yaml)
    assert set(found) == {"compare-at-above-price"}
    assert found["compare-at-above-price"]["level"] == "hard"
    assert found["compare-at-above-price"]["addresses"] == [
        'variant["tee"]["M"]',
        'variant["tee"]["S"]',
    ]


def test_a_preorder_without_a_limit_trips_and_one_with_a_limit_does_not(project: Path) -> None:
    yaml = TEES.replace(
        "    stock:\n      Main warehouse: {quantity: 80, policy: set}",
        "    stock:\n      Main warehouse: {quantity: 80, policy: set}\n    variants:\n"
        "      S: {stock: {Main warehouse: {quantity: 80, preorder: {enabled: true}}}}\n"
        "      M: {stock: {Main warehouse: {quantity: 80, preorder: {enabled: true, limit: 5}}}}",
    )
    found = trips(project, yaml)
    assert set(found) == {"preorder-limit"}
    assert found["preorder-limit"]["addresses"] == ['stock["tee"]["S"]["Main warehouse"]']


def test_a_sku_off_the_pattern_trips_the_hard_rule(project: Path) -> None:
    yaml = TEES.replace("    stock:", '    variants:\n      M: {sku: "nl-tee-m"}\n    stock:')
    found = trips(project, yaml)
    assert set(found) == {"sku-pattern"}
    assert found["sku-pattern"]["addresses"] == ['variant["tee"]["M"]']


def test_a_big_count_cut_is_an_advisory_warning(project: Path) -> None:
    yaml = TEES.replace("quantity: 80", "quantity: 20")
    found = trips(project, yaml)
    assert set(found) == {"stock-cut"}
    assert found["stock-cut"]["level"] == "advisory" and found["stock-cut"]["count"] == 2


def _touching(products: int) -> Plan:
    changes = tuple(
        Change(Kind.STOCK, Action.UPDATE, f'stock["p{n}"]', {}, {}, keys={"slug": f"p{n}"})
        for n in range(products)
    )
    return Plan(changes=changes)


def test_a_change_to_more_than_500_products_trips_the_plan_rule_with_their_count() -> None:
    rules = parse_rules(__import__("tomllib").loads(documented_rules())["rules"])
    assert not rules.issues
    assert rule_trips(_touching(500), rules.rules) == ()
    (trip,) = rule_trips(_touching(501), rules.rules)
    assert (trip.name, trip.scope, trip.count, trip.addresses) == ("big-change", "plan", 501, ())
    assert trip.blocking
