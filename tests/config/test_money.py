"""normalize_money: one canonical text for amounts from YAML and from Wix."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory_as_code.config import normalize_money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (24, "24.00"),
        ("24", "24.00"),
        ("24.00", "24.00"),
        ("24.5", "24.50"),
        (24.5, "24.50"),
        ("19.99", "19.99"),
        (19.99, "19.99"),
        ("19.990", "19.99"),
        ("0.125", "0.125"),
        ("0", "0.00"),
        ("0.000", "0.00"),
        ("100", "100.00"),
        (" 7.1 ", "7.10"),
        ("24.1200", "24.12"),
        (Decimal("3.5"), "3.50"),
        ("999999999.99", "999999999.99"),
    ],
)
def test_canonical_form(value: object, expected: str) -> None:
    assert normalize_money(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("$25", "not a plain decimal"),
        ("1,000.00", "not a plain decimal"),
        ("1e3", "not a plain decimal"),
        ("NaN", "not a plain decimal"),
        ("", "not a plain decimal"),
        ("24.", "not a plain decimal"),
        (".5", "not a plain decimal"),
        ("-1", "negative"),
        ("19.9999", "more than 3 decimals"),
        ("1000000000", "largest amount"),
        ("999999999.999", "largest amount"),
        (True, "not true/false"),
        (float("inf"), "not a plain decimal"),
    ],
)
def test_rejected(value: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        normalize_money(value)  # type: ignore[arg-type]


def test_yaml_float_keeps_its_source_text(project) -> None:  # type: ignore[no-untyped-def]
    from inventory_as_code.config import load_project

    root = project(
        {
            "a.yaml": "locations: {W: {default: true}}\n"
            "products:\n  p: {price: 0.30, compare_at_price: 1e1}\n"
        }
    )
    from inventory_as_code.config import check_project

    result = check_project(root)
    # 1e1 is a float in YAML 1.1 only with a dot; here it is text, and not an amount.
    assert [p.path for p in result.problems] == ["products.p.compare_at_price"]
    root2 = project({"a.yaml": "products:\n  p: {price: 0.30}\n"})
    assert load_project(root2).products["p"].variants[0].price == "0.30"
