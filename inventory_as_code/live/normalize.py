"""Wix JSON -> the live model. Pure functions, one per Wix object kind."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from inventory_as_code.live.model import (
    LiveBusinessLocation,
    LiveCustomization,
    LiveInventoryItem,
    LiveLocation,
    LiveOption,
    LivePreorder,
    LiveProduct,
    LiveVariant,
    VariantKey,
)
from inventory_as_code.model import Address, normalize_color, normalize_money


def location_from_wix(raw: Mapping[str, Any]) -> LiveLocation:
    return LiveLocation(
        id=str(raw["id"]),
        name=str(raw.get("name", "")),
        is_default=bool(raw.get("defaultLocation", False)),
        revision=str(raw.get("revision", "")),
        wix_location_id=raw.get("wixLocationId"),
        created=str(raw.get("createdDate") or ""),
        updated=str(raw.get("updatedDate") or ""),
    )


def business_location_from_wix(raw: Mapping[str, Any]) -> LiveBusinessLocation:
    return LiveBusinessLocation(
        id=str(raw["id"]),
        name=str(raw.get("name", "")),
        revision=str(raw.get("revision", "")),
        archived=bool(raw.get("archived", False)),
        location_types=tuple(raw.get("locationTypes") or ()),
        address=address_from_wix(raw.get("address") or {}),
        time_zone=raw.get("timeZone") or None,
        raw=raw,
    )


def address_from_wix(raw: Mapping[str, Any]) -> Address | None:
    """A Wix address in the YAML's terms (street is the street name and number as one text)."""
    street_raw = raw.get("streetAddress") or {}
    street = " ".join(str(street_raw[k]) for k in ("name", "number") if street_raw.get(k))
    address = Address(
        street=street or None,
        city=raw.get("city") or None,
        postal_code=raw.get("postalCode") or None,
        subdivision=raw.get("subdivision") or None,
        country=raw.get("country") or None,
    )
    return None if address == Address() else address


def options_from_wix(raw_options: Iterable[Mapping[str, Any]]) -> tuple[LiveOption, ...]:
    options = []
    for raw in raw_options:
        choices = (raw.get("choicesSettings") or {}).get("choices") or []
        options.append(
            LiveOption(
                id=raw.get("id"),
                name=str(raw.get("name", "")),
                choices=tuple(str(c.get("name", "")) for c in choices),
                render_type=str(raw.get("optionRenderType", "TEXT_CHOICES")),
                choice_ids=tuple(str(c.get("choiceId", "")) for c in choices),
                choice_types=tuple(str(c.get("choiceType", "CHOICE_TEXT")) for c in choices),
                choice_colors=tuple(color_code(c.get("colorCode")) for c in choices),
                raw=raw,
            )
        )
    return tuple(options)


def customization_from_wix(raw: Mapping[str, Any]) -> LiveCustomization:
    choices = (raw.get("choicesSettings") or {}).get("choices") or []
    return LiveCustomization(
        id=str(raw["id"]),
        name=str(raw.get("name", "")),
        revision=str(raw.get("revision", "")),
        render_type=str(raw.get("customizationRenderType", "TEXT_CHOICES")),
        choices=tuple(str(c.get("name", "")) for c in choices),
        choice_ids=tuple(str(c.get("id", "")) for c in choices),
        choice_colors=tuple(color_code(c.get("colorCode")) for c in choices),
        updated=str(raw.get("updatedDate", "")),
        raw=raw,
    )


def variant_key(choices: Sequence[Mapping[str, Any]], options: Sequence[LiveOption]) -> VariantKey:
    """Choice names in the product's option order, whatever order Wix lists them in.

    The ids are looked up in the product's options first: an option is shared,
    and a rename of it reaches a variant's ``optionChoiceNames`` (and the
    read-only variants view) perhaps later than the product's options. The
    names are the fallback (ids Wix did not send).
    """
    by_option: dict[str, str] = {}
    for choice in choices:
        names = choice.get("optionChoiceNames") or {}
        ids = choice.get("optionChoiceIds") or {}
        option_name, choice_name = _names_from_ids(ids, options)
        if option_name is None or choice_name is None:
            option_name, choice_name = names.get("optionName"), names.get("choiceName")
        if option_name is not None and choice_name is not None:
            by_option[option_name] = choice_name
    return tuple(by_option.get(option.name, "") for option in options)


def _names_from_ids(
    ids: Mapping[str, Any], options: Sequence[LiveOption]
) -> tuple[str | None, str | None]:
    for option in options:
        if option.id == ids.get("optionId"):
            for name, choice_id in zip(option.choices, option.choice_ids, strict=False):
                if choice_id == ids.get("choiceId"):
                    return option.name, name
    return None, None


def color_code(code: Any) -> str | None:
    """Canonical colour code; Wix's text as it is if it is not one we can normalise."""
    if not code:
        return None
    try:
        return normalize_color(str(code))
    except ValueError:
        return str(code)


def money(amount: Any) -> str | None:
    """Canonical amount; Wix's text as it is if it is not one we can normalise."""
    if amount is None:
        return None
    try:
        return normalize_money(str(amount))
    except ValueError:
        return str(amount)


def variant_from_wix(
    raw: Mapping[str, Any], options: Sequence[LiveOption], *, choices_key: str = "choices"
) -> LiveVariant:
    price = raw.get("price") or {}
    actual = (price.get("actualPrice") or {}).get("amount")
    compare_at = (price.get("compareAtPrice") or {}).get("amount")
    return LiveVariant(
        id=str(raw.get("id") or raw.get("variantId")),
        key=variant_key(raw.get(choices_key) or [], options),
        sku=raw.get("sku"),
        price=money(actual),
        compare_at_price=money(compare_at),
        visible=bool(raw.get("visible", True)),
        raw=raw,
    )


def product_from_wix(
    raw: Mapping[str, Any], variants: Sequence[LiveVariant] | None = None
) -> LiveProduct:
    """A product; its variants from ``variantsInfo`` unless given separately."""
    options = options_from_wix(raw.get("options") or [])
    if variants is None:
        variants = [
            variant_from_wix(v, options)
            for v in (raw.get("variantsInfo") or {}).get("variants") or []
        ]
    return LiveProduct(
        id=str(raw["id"]),
        slug=str(raw.get("slug", "")),
        name=str(raw.get("name", "")),
        revision=str(raw.get("revision", "")),
        product_type=str(raw.get("productType", "PHYSICAL")),
        visible=bool(raw.get("visible", True)),
        options=options,
        variants=tuple(sorted(variants, key=lambda v: v.key)),
        raw=raw,
        updated=str(raw.get("updatedDate") or ""),
    )


def read_only_variant_from_wix(
    raw: Mapping[str, Any], options: Sequence[LiveOption]
) -> LiveVariant:
    """A variant from the read-only variants API (``optionChoices``, ``variantId``)."""
    return variant_from_wix(raw, options, choices_key="optionChoices")


def inventory_item_from_wix(raw: Mapping[str, Any]) -> LiveInventoryItem:
    preorder = raw.get("preorderInfo") or {}
    tracks_quantity = "quantity" in raw or bool(raw.get("trackQuantity"))
    limit = preorder.get("limit")
    return LiveInventoryItem(
        id=str(raw["id"]),
        revision=str(raw.get("revision", "")),
        product_id=str(raw.get("productId", "")),
        variant_id=str(raw.get("variantId", "")),
        location_id=str(raw.get("locationId", "")),
        tracking="quantity" if tracks_quantity else "in_stock",
        quantity=int(raw.get("quantity", 0)) if tracks_quantity else None,
        in_stock=None if tracks_quantity else bool(raw.get("inStock", False)),
        preorder=LivePreorder(
            enabled=bool(preorder.get("enabled", False)),
            message=preorder.get("message"),
            limit=int(limit) if limit is not None and tracks_quantity else None,
            counter=int(preorder.get("counter", 0) or 0),
        ),
        updated=str(raw.get("updatedDate") or ""),
    )
