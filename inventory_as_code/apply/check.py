"""Does the live object now hold what the plan asked, and nothing else? A pure step.

Two questions of apply are this one question:

* settling a write whose answer was lost (or a resend Wix refused because
  the first attempt had already been applied): the change counts as applied
  when the object read back holds every planned value;
* checking what apply did, Terraform's "inconsistent result after apply":
  every object written is read back and compared, field by field, with what
  it held before plus the plan's changes. Anything else that moved is
  something Wix did that the plan did not say.

Each function takes the plan's changes and the objects as read, and returns
:class:`Mismatch` entries; ``planned`` tells a planned field that did not
take from an untouched field that moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from inventory_as_code.apply.bodies_stock import preorder_after
from inventory_as_code.live.model import (
    LiveBusinessLocation,
    LiveInventoryItem,
    LiveProduct,
    LiveVariant,
)
from inventory_as_code.live.normalize import color_code
from inventory_as_code.model import name_identity
from inventory_as_code.plan.addresses import product_address
from inventory_as_code.plan.locations import address_values
from inventory_as_code.plan.model import Action, Change, Kind
from inventory_as_code.plan.renames import ProductRenames, rename_product

# Variant fields beyond the managed ones that a write must leave as they were.
_UNTOUCHED_VARIANT_RAW = ("barcode", "physicalProperties", "digitalProperties")


@dataclass(frozen=True, slots=True)
class Mismatch:
    address: str
    field: str
    expected: Any
    actual: Any
    planned: bool
    remedy: str = ""  # what the user should do, where apply must not (a duplicate)


def _compare(
    address: str, expected: Mapping[str, Any], actual: Mapping[str, Any], planned: Iterable[str]
) -> list[Mismatch]:
    planned = set(planned)
    return [
        Mismatch(address, name, value, actual.get(name), name in planned)
        for name, value in expected.items()
        if actual.get(name) != value
    ]


def holds(mismatches: Sequence[Mismatch]) -> bool:
    """Every planned field took (what settling a lost answer needs to know)."""
    return not any(m.planned for m in mismatches)


# --- products --------------------------------------------------------------------------


def _option_state(product: LiveProduct) -> dict[str, Any]:
    return {
        o.name: {
            "choices": list(o.choices),
            "render": o.render_type,
            "types": list(o.choice_types),
            "colors": list(o.choice_colors),
        }
        for o in product.options
    }


def _variant_state(variant: LiveVariant, option_less: bool) -> dict[str, Any]:
    state: dict[str, Any] = {
        "sku": variant.sku,
        "price": variant.price,
        "compare_at_price": variant.compare_at_price,
    }
    if not option_less:
        # An option-less product's variant visibility is the product's (Wix couples them).
        state["visible"] = variant.visible
    for name in _UNTOUCHED_VARIANT_RAW:
        if name in variant.raw:
            state[name] = variant.raw[name]
    return state


def expected_product(
    changes: Sequence[Change],
    before: LiveProduct | None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[dict[str, Any], dict[tuple[str, ...], dict[str, Any]], set[str]]:
    """The product's state after ``changes`` (fields, options, variants by key) and the
    names of the fields the plan sets. ``before`` is None for a new product.

    ``options``: the site's options (by name identity) as they are after the run; a
    product's options show their render type and colours (they are shared).
    """
    site = options
    product_change = next((c for c in changes if c.kind is Kind.PRODUCT), None)
    after = dict(product_change.after or {}) if product_change else {}
    planned = _changed_fields(product_change) if product_change else set()
    renames = ProductRenames.from_dict(
        (product_change.keys if product_change else {}).get("renames")
    )
    base = rename_product(before, renames) if before is not None else None
    slug = (product_change.keys if product_change else changes[0].keys)["slug"]
    fields: dict[str, Any] = {"slug": slug}
    if renames.slug:
        planned.add("slug")
    # A new product is compared on what the plan sets; Wix's defaults for the rest
    # are not apply's doing.
    if "name" in after or base is not None:
        fields["name"] = after.get("name", base.name if base else None)
    if "visible" in after or base is not None:
        fields["visible"] = after.get("visible", base.visible if base else None)
    option_less = not after.get("options", base.options if base else None)
    if base is not None:
        options = _option_state(base)
        names = {o.name: list(o.choices) for o in base.options}
    else:
        options, names = {}, {}
    new_names = after.get("options", names)
    expected_options = {}
    for name, choices in new_names.items():
        shared = (site or {}).get(name_identity(name))
        if shared is not None:
            expected_options[name] = _shared_state(shared, choices)
            continue
        old = options.get(name, {})
        old_colors = dict(zip(old.get("choices", []), old.get("colors", []), strict=False))
        old_types = dict(zip(old.get("choices", []), old.get("types", []), strict=False))
        render = old.get("render", "TEXT_CHOICES")
        default = "ONE_COLOR" if render == "SWATCH_CHOICES" else "CHOICE_TEXT"
        expected_options[name] = {
            "choices": list(choices),
            "render": render,
            "types": [old_types.get(c, default) for c in choices],
            "colors": [old_colors.get(c) for c in choices],
        }
    fields["options"] = expected_options
    if planned & {"options", "swatches", "option"}:
        planned.add("options")
    variants: dict[tuple[str, ...], dict[str, Any]] = {}
    same_options = base is not None and list(new_names) == [o.name for o in base.options]
    if base is not None and same_options:
        variants = {v.key: _variant_state(v, option_less) for v in base.variants}
    for change in changes:
        if change.kind is not Kind.VARIANT:
            continue
        key = tuple(change.keys["variant"])
        if change.action is Action.DELETE:
            variants.pop(key, None)
            continue
        values = dict(change.after or {})
        state = (variants.get(key) if change.action is Action.UPDATE else None) or {}
        state = {**state, **values}
        if option_less:
            state.pop("visible", None)
        variants[key] = state
    return fields, variants, planned


def _shared_state(shared: Mapping[str, Any], choices: Sequence[str]) -> dict[str, Any]:
    """A product's copy of a shared option, with its choices: what the option holds."""
    by_name = {
        name_identity(str(c.get("name"))): c
        for c in (shared.get("choicesSettings") or {}).get("choices") or []
    }
    picked = [by_name.get(name_identity(c), {}) for c in choices]
    return {
        "choices": list(choices),
        "render": shared.get("customizationRenderType", "TEXT_CHOICES"),
        "types": [c.get("choiceType", "CHOICE_TEXT") for c in picked],
        "colors": [color_code(c.get("colorCode")) for c in picked],
    }


def check_product(
    changes: Sequence[Change],
    before: LiveProduct | None,
    after: LiveProduct,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Mismatch]:
    """Compare a product read back after apply with what the plan says it should hold."""
    address = product_address(changes[0].keys["slug"])
    fields, variants, planned = expected_product(changes, before, options)
    actual_fields = {
        "slug": after.slug,
        "name": after.name,
        "visible": after.visible,
        "options": _option_state(after),
    }
    out = _compare(address, fields, actual_fields, planned)
    option_less = not after.options
    actual_variants = {v.key: _variant_state(v, option_less) for v in after.variants}
    changed = {tuple(c.keys["variant"]): c for c in changes if c.kind is Kind.VARIANT}
    for key in sorted(set(variants) | set(actual_variants)):
        change = changed.get(key)
        where = change.address if change else f"{address} variant {'/'.join(key) or '(default)'}"
        wanted, got = variants.get(key), actual_variants.get(key)
        if wanted is None or got is None:
            out.append(Mismatch(where, "exists", wanted is not None, got is not None, bool(change)))
            continue
        out += _compare(where, wanted, got, _changed_fields(change) if change else ())
    return out


def _changed_fields(change: Change) -> set[str]:
    """Top-level names of the fields a change sets (``preorder.limit`` -> ``preorder``)."""
    if change.action is Action.CREATE:
        return set(change.after or {})
    return {f.field.split(".")[0].split("[")[0] for f in change.fields}


# --- inventory items -------------------------------------------------------------------


def item_state(item: LiveInventoryItem) -> dict[str, Any]:
    return {
        "tracking": item.tracking,
        "quantity": item.quantity,
        "in_stock": item.in_stock,
        "preorder": {
            k: v
            for k, v in (
                ("enabled", item.preorder.enabled),
                ("message", item.preorder.message),
                ("limit", item.preorder.limit),
            )
            if v is not None
        },
    }


def expected_item(change: Change, quantity: int | None = None) -> tuple[dict[str, Any], set[str]]:
    """An item's state after ``change`` and the fields it sets (``quantity`` overrides the
    planned one for a top-up recomputed after a sale)."""
    after = dict(change.after or {})
    if quantity is not None:
        after["quantity"] = quantity
    seen = dict(change.observed.values) if change.observed else {}
    planned = _changed_fields(change)
    switch = change.action is Action.SWITCH_TRACKING
    tracking = after.get("tracking") if (switch or change.action is Action.CREATE) else None
    tracking = (
        tracking
        or seen.get("tracking")
        or ("in_stock" if "in_stock" in after and "quantity" not in after else "quantity")
    )
    state: dict[str, Any] = {"tracking": tracking}
    if tracking == "quantity":
        state["quantity"] = after.get("quantity", seen.get("quantity", 0))
        state["in_stock"] = None
    else:
        state["quantity"] = None
        state["in_stock"] = bool(after.get("in_stock", seen.get("in_stock", False)))
    if change.action is Action.CREATE:
        # A new item is compared on what the plan sets (Wix defaults the rest).
        planned_preorder = after.get("preorder") or {}
        state["preorder"] = {k: v for k, v in planned_preorder.items() if v is not None}
        if tracking == "in_stock":
            state["preorder"].pop("limit", None)
        return state, planned
    live_preorder = {k: v for k, v in (seen.get("preorder") or {}).items() if k != "counter"}
    preorder = preorder_after(live_preorder, after.get("preorder") or {})
    if tracking == "in_stock":
        preorder.pop("limit", None)
    preorder.setdefault("enabled", False)
    state["preorder"] = preorder
    if switch:
        planned |= {"quantity", "in_stock"}
    return state, planned


def check_item(
    change: Change, item: LiveInventoryItem, quantity: int | None = None
) -> list[Mismatch]:
    expected, planned = expected_item(change, quantity)
    actual = item_state(item)
    if change.action is Action.CREATE:
        actual["preorder"] = {
            k: v for k, v in actual["preorder"].items() if k in expected["preorder"]
        }
    return _compare(change.address, expected, actual, planned)


# --- locations -------------------------------------------------------------------------


def check_location(change: Change, business: LiveBusinessLocation | None) -> list[Mismatch]:
    after = dict(change.after or {})
    if business is None:
        return [Mismatch(change.address, "exists", True, False, True)]
    actual: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    # An update that leaves the name alone says nothing of it: the store's default
    # location keeps its Wix name under the YAML's (plan note DEFAULT_LOCATION_ALIAS).
    if "name" in after or change.action is not Action.UPDATE:
        actual["name"] = business.name
        expected["name"] = after.get("name", change.keys.get("location"))
    if "address" in after:
        expected["address"] = after["address"]
        actual["address"] = address_values(business.address)
    if "time_zone" in after:
        expected["time_zone"] = after["time_zone"]
        actual["time_zone"] = business.time_zone
    if "location_types" in after:
        expected["location_types"] = after["location_types"]
        actual["location_types"] = sorted(business.location_types)
    return _compare(change.address, expected, actual, _changed_fields(change))
