"""Planning products and variants: the values compared, and the changes they give.

Values on both sides are small dicts built the same way (``*_values``), so
the diff is a plain comparison. Options are ``{name: [choices]}`` in display
order: which choices of the store's options the product uses (the options'
names and colours are planned apart, :mod:`.options`). A product renamed by
``moved:`` arrives under its YAML slug (see :mod:`.renames`) and gets its old
slug as a field change of its update.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inventory_as_code.live.model import LiveOption, LiveProduct, LiveVariant
from inventory_as_code.model import Option, Origin, Product, Variant

VARIANT_FIELDS = ("sku", "price", "compare_at_price", "visible")


def origins_of(obj: Any, names: Iterable[str]) -> tuple[Origin, ...]:
    names = list(names)
    origins = getattr(obj, "origins", {}) or {}
    found = {origins[n] for n in names if n in origins}
    if isinstance(obj, Product) and ({"options", "swatches"} & set(names)):
        # The loader keeps the origin of each option on the Option, not on the product.
        found |= {o.origins["name"] for o in obj.options if "name" in o.origins}
    return tuple(sorted(found))


def product_values(product: Product | LiveProduct, managed: Product) -> dict[str, Any]:
    """The product fields the YAML manages, as comparable values."""
    values: dict[str, Any] = {}
    if managed.name is not None:
        values["name"] = product.name
    if managed.product_type is not None:
        values["product_type"] = str(product.product_type).lower()
    if managed.visible is not None:
        values["visible"] = product.visible
    return values


def option_values(options: Iterable[Option | LiveOption]) -> dict[str, list[str]]:
    return {o.name: list(o.choices) for o in options}


def variant_values(variant: Variant | LiveVariant, managed: Variant) -> dict[str, Any]:
    return {
        name: getattr(variant, name)
        for name in VARIANT_FIELDS
        if getattr(managed, name) is not None
    }


def new_variant_values(variant: Variant) -> dict[str, Any]:
    return variant_values(variant, variant)


def merged_options(product: Product, kept: Iterable[LiveVariant]) -> dict[str, list[str]]:
    """Desired options plus the live choices that kept variants still use.

    Called only when the option names are the same on both sides (otherwise
    every variant is replaced).
    """
    options = option_values(product.options)
    for variant in kept:
        for name, choice in zip(list(options), variant.key, strict=False):
            if choice not in options[name]:
                options[name].append(choice)
    return options
