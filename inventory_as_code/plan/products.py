"""Planning products and variants: the values compared, and the changes they give.

Values on both sides are small dicts built the same way (``*_values``), so
the diff is a plain comparison. Options are ``{name: [choices]}`` in display
order; a colour-swatch option the YAML manages also has ``swatches:
{option: {choice: colour}}``. A product renamed by ``moved:`` arrives under
its YAML names (see :mod:`.renames`) and gets its old slug, option and choice
names as field changes of its update.
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


def swatch_values(managed: Product, live: LiveProduct | None) -> dict[str, dict[str, Any]]:
    """Colours of the swatch options the YAML manages, as the live store has them."""
    live_options = {o.name: o for o in (live.options if live else ())}
    out: dict[str, dict[str, Any]] = {}
    for option in managed.options:
        if option.swatches is None:
            continue
        existing = live_options.get(option.name)
        out[option.name] = existing.swatches() if existing and existing.is_swatch else {}
    return out


def desired_swatches(product: Product) -> dict[str, dict[str, Any]]:
    return {o.name: dict(o.swatches) for o in product.options if o.swatches is not None}


def variant_values(variant: Variant | LiveVariant, managed: Variant) -> dict[str, Any]:
    return {
        name: getattr(variant, name)
        for name in VARIANT_FIELDS
        if getattr(managed, name) is not None
    }


def new_variant_values(variant: Variant) -> dict[str, Any]:
    return variant_values(variant, variant)


def merged_options(
    product: Product, live: LiveProduct, kept: Iterable[LiveVariant]
) -> tuple[dict[str, list[str]], dict[str, dict[str, Any]]]:
    """Desired options and swatches, plus the live choices that kept variants still use.

    Called only when the option names are the same on both sides (otherwise
    every variant is replaced). A kept choice of a managed swatch option keeps
    its live colour.
    """
    options = option_values(product.options)
    swatches = desired_swatches(product)
    live_options = {o.name: o for o in live.options}
    for variant in kept:
        for name, choice in zip(list(options), variant.key, strict=False):
            if choice in options[name]:
                continue
            options[name].append(choice)
            if name in swatches:
                swatches[name][choice] = live_options[name].swatches().get(choice)
    return options, swatches
