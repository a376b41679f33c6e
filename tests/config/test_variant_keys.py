"""Variant keys: "/"-joined choices in option order, read against the real choices."""

from __future__ import annotations

import pytest

from inventory_as_code.config import OptionSpec, VariantKeyError, parse_variant_key

TEE = [OptionSpec("Size", ("S", "M", "L")), OptionSpec("Color", ("Black", "White", "Navy Blue"))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S/Black", ("S", "Black")),
        ("S / Black", ("S", "Black")),
        ("L/Navy Blue", ("L", "Navy Blue")),
    ],
)
def test_plain_keys(text: str, expected: tuple[str, ...]) -> None:
    assert parse_variant_key(text, TEE) == expected


def test_choices_containing_slashes() -> None:
    options = [OptionSpec("Size", ("S/M", "L/XL")), OptionSpec("Color", ("Black",))]
    assert parse_variant_key("S/M/Black", options) == ("S/M", "Black")
    assert parse_variant_key("L/XL / Black", options) == ("L/XL", "Black")
    assert parse_variant_key("1/2 inch", [OptionSpec("Drill", ("1/2 inch", "1/4 inch"))]) == (
        "1/2 inch",
    )


def test_ambiguous_key() -> None:
    options = [OptionSpec("A", ("x", "x/y")), OptionSpec("B", ("y/z", "z"))]
    with pytest.raises(VariantKeyError, match="more than one way"):
        parse_variant_key("x/y/z", options)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "S/Purple",
            'unknown choice "Purple" for option Color; choices are Black, White, Navy Blue',
        ),
        ("S/Blak", 'did you mean "Black"?'),
        ("s/black", 'did you mean "S"?'),
        ("Black/S", "choices must be in option order (Size, Color)"),
        ("S", "has 1 part(s) but the product has 2 option(s)"),
        ("S/Black/Extra", "has 3 part(s)"),
    ],
)
def test_bad_keys(text: str, fragment: str) -> None:
    with pytest.raises(VariantKeyError) as info:
        parse_variant_key(text, TEE)
    assert fragment in info.value.message


def test_product_without_options_has_no_variant_keys() -> None:
    with pytest.raises(VariantKeyError, match="no options"):
        parse_variant_key("Default", [])
