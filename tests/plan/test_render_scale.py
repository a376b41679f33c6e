"""Plans of a whole store read at the level a person thinks: an overview, a line a product."""

from __future__ import annotations

from inventory_as_code.plan.render_text import render_text
from tests.plan.big_plans import first_plan, price_plan


def test_a_first_plan_of_many_products_is_a_short_read() -> None:
    plan = first_plan(200)
    text = render_text(plan).plain
    detailed = render_text(plan, detailed=True).plain
    lines = text.splitlines()
    assert lines[:5] == [
        "Overview:",
        "  + 2 new locations",
        "  + 1 new option",
        "  + 200 new products: 600 variants, 1,800 stock items, 4,200 units",
        "  net units by location: Online store +4,200",
    ]
    # One entry of two lines per product, plus the locations, overview and summary.
    assert len(lines) <= 2 * 200 + 20
    assert "stock[" not in text and "variant[" not in text
    assert len(detailed) > 5 * len(text)
    assert sum(1 for line in lines if line.startswith('  + product["')) == 200


def test_a_store_wide_price_change_is_one_line_and_one_line_a_product() -> None:
    plan = price_plan(12)
    text = render_text(plan).plain
    assert "  price +1.00 on 36 variants of 12 products\n" in text
    assert '  ~ product["product-00003"]  price: "13.00" -> "14.00" on 3 of 3 variants\n' in text
    assert sum(1 for line in text.splitlines() if line.startswith('  ~ product["')) == 12
    assert len(text.splitlines()) <= 12 + 12


def test_uneven_changes_across_the_store_give_their_range() -> None:
    text = render_text(price_plan(12, steps=(0.5, 2.0))).plain
    assert "  price +0.50 to +2.00 on 36 variants of 12 products\n" in text


def test_a_small_plan_has_no_overview() -> None:
    assert "Overview" not in render_text(price_plan(5)).plain
