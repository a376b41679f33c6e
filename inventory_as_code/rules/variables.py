"""What a rule's expression sees: a change as the plan JSON shows it, plus derived values.

A rule of ``scope = "change"`` is evaluated once per change with
:data:`CHANGE_VARIABLES`; one of ``scope = "plan"`` once per plan with
:data:`PLAN_VARIABLES`, whose ``changes`` holds every change with the same
variables. The tables name each variable's CEL type and meaning: the CEL
environment is declared from them (so a misspelt name fails ``validate``),
and docs/rules.md lists them (a test keeps the two alike).

Derived values take the object as it is *after* the change: the YAML's
value where the change sets one, else the live value the change was
computed from; a deletion has none (null). So a rule needs no ``has()``
for the common questions ("the price after this change", "the quantity").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from inventory_as_code.plan.model import Action, Change, Kind, change_to_dict

# Wix's default preorder limit, also its largest: an item Wix counts gets it unless told
# otherwise (shared/wix-api inventory-items-v3), so it limits nothing.
NO_LIMIT = 100_000

# name -> (CEL type, what it holds)
CHANGE_VARIABLES: dict[str, tuple[str, str]] = {
    "kind": ("string", "location, option, product, variant or stock"),
    "action": ("string", "create, update, switch_tracking or delete"),
    "address": ("string", 'the change\'s address, e.g. variant["tee"]["S/Black"]'),
    "before": ("dyn", "the live values the change replaces (a map), null for a creation"),
    "after": ("dyn", "the values the change writes (a map), null for a deletion"),
    "fields": ("list(dyn)", "each changed field as {field, before, after}"),
    "keys": ("map(string, dyn)", "the identity parts: slug, variant, location, ids"),
    "observed": ("dyn", "the live object as read: {id, revision, values}, or null"),
    "changed": ("list(string)", "the names of the fields the change sets"),
    "product": ("string", 'the product\'s slug ("" for locations and options)'),
    "variant": ("string", 'the variant\'s choices joined by "/" ("" when not a variant\'s)'),
    "location": ("string", "the location's name (\"\" when not a location's)"),
    "sku": ("dyn", "a variant's SKU after the change (a string), or null"),
    "price": ("dyn", "a variant's price after the change (a double), or null"),
    "price_before": ("dyn", "a variant's live price the change replaces (a double), or null"),
    "compare_at_price": ("dyn", "a variant's compare-at price after the change, or null"),
    "price_drop": (
        "double",
        "the share of the price the change takes away: 0.6 for 20.00 -> 8.00; 0.0 when "
        "the price does not fall",
    ),
    "quantity": ("dyn", "a stock item's count after the change (an int), or null"),
    "quantity_change": (
        "int",
        "the count after the change minus before it (a new item: its count; 0 otherwise)",
    ),
    "preorder": (
        "map(string, dyn)",
        "a stock item's preorder settings after the change: {enabled, limit, message} "
        "(enabled false, limit and message null where there are none; limit null also for "
        "Wix's default 100000, the largest, which limits nothing)",
    ),
}

PLAN_VARIABLES: dict[str, tuple[str, str]] = {
    "changes": ("list(dyn)", "every change, each a map of the change variables above"),
    "summary": ("map(string, int)", "the plan's counts: create, update, delete, switch_tracking"),
    "products": ("list(string)", "the slugs of the products the plan changes (any kind of change)"),
    "site": ("string", "the site id the plan is for"),
}


def _money(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return float(Decimal(value))
    except InvalidOperation:
        return None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Change:
    """One change, its variables computed on demand: a rule pays only for what it reads."""

    def __init__(self, change: Change) -> None:
        self.change = change
        self._json: dict[str, Any] | None = None

    @property
    def json(self) -> dict[str, Any]:
        """The change as the plan JSON shows it (built once, when a rule reads it)."""
        if self._json is None:
            self._json = change_to_dict(self.change)
        return self._json

    def now(self, name: str) -> Any:
        """A field's value after the change: written by it, else as read; None for a deletion."""
        change = self.change
        if change.after is None:
            return None
        if name in change.after:
            return change.after[name]
        live = change.observed.values if change.observed is not None else {}
        if name in live:
            return live[name]
        return (change.before or {}).get(name)

    def variant_money(self, name: str) -> float | None:
        return _money(self.now(name)) if self.change.kind is Kind.VARIANT else None

    def price_before(self) -> float | None:
        if self.change.kind is not Kind.VARIANT:
            return None
        return _money((self.change.before or {}).get("price"))

    def price_drop(self) -> float:
        price, before = self.variant_money("price"), self.price_before()
        if price is None or not before or price >= before:
            return 0.0
        return (before - price) / before

    def quantity(self) -> int | None:
        return _count(self.now("quantity")) if self.change.kind is Kind.STOCK else None

    def quantity_change(self) -> int:
        was = _count((self.change.before or {}).get("quantity")) or 0
        if self.change.action is Action.DELETE:
            return -was
        quantity = self.quantity()
        return 0 if quantity is None else quantity - was

    def sku(self) -> str | None:
        sku = self.now("sku") if self.change.kind is Kind.VARIANT else None
        return sku if isinstance(sku, str) else None

    def changed(self) -> list[str]:
        if self.change.action is Action.CREATE:
            return sorted(self.change.after or {})
        return [f.field for f in self.change.fields]

    def variant(self) -> str:
        variant = self.change.keys.get("variant")
        return "/".join(str(v) for v in variant) if isinstance(variant, list | tuple) else ""

    def preorder(self) -> dict[str, Any]:
        settings: dict[str, Any] = {"enabled": False, "limit": None, "message": None}
        change = self.change
        if change.kind is not Kind.STOCK or change.after is None:
            return settings
        live = (change.observed.values if change.observed is not None else {}).get("preorder")
        written = change.after.get("preorder") or {}
        for name in settings:
            if name in written:
                settings[name] = written[name]
            elif live and name in live:
                settings[name] = live[name]
        settings["enabled"] = bool(settings["enabled"])
        if settings["limit"] == NO_LIMIT:
            settings["limit"] = None
        return settings


_COMPUTE: dict[str, Callable[[_Change], Any]] = {
    "kind": lambda c: c.change.kind.value,
    "action": lambda c: c.change.action.value,
    "address": lambda c: c.change.address,
    "before": lambda c: c.json["before"],
    "after": lambda c: c.json["after"],
    "fields": lambda c: c.json["fields"],
    "keys": lambda c: c.json["keys"],
    "observed": lambda c: c.json.get("observed"),
    "changed": _Change.changed,
    "product": lambda c: str(c.change.keys.get("slug", "")),
    "variant": _Change.variant,
    "location": lambda c: str(c.change.keys.get("location", "")),
    "sku": _Change.sku,
    "price": lambda c: c.variant_money("price"),
    "price_before": _Change.price_before,
    "compare_at_price": lambda c: c.variant_money("compare_at_price"),
    "price_drop": _Change.price_drop,
    "quantity": _Change.quantity,
    "quantity_change": _Change.quantity_change,
    "preorder": _Change.preorder,
}
assert set(_COMPUTE) == set(CHANGE_VARIABLES)


def change_variables(change: Change, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The variables of :data:`CHANGE_VARIABLES` (or only ``names`` of them) for one change."""
    view = _Change(change)
    return {name: _COMPUTE[name](view) for name in (CHANGE_VARIABLES if names is None else names)}


def plan_variables(
    changes: Sequence[Change],
    summary: Mapping[str, int],
    site: str,
    names: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The variables of :data:`PLAN_VARIABLES`; each entry of ``changes`` holds ``names`` of
    the change variables (all by default; the list is empty when a rule reads none)."""
    wanted = list(CHANGE_VARIABLES if names is None else names)
    products = sorted({str(c.keys["slug"]) for c in changes if c.keys.get("slug")})
    return {
        "changes": [change_variables(c, wanted) for c in changes] if wanted else [],
        "summary": dict(summary),
        "products": products,
        "site": site,
    }


# CEL string literals (raw, bytes, triple-quoted), dropped before looking for names.
_STRING = re.compile(
    r"[rRbB]*('''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\")", re.S
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def names_in(source: str) -> set[str]:
    """Every identifier of a CEL expression outside its string literals: a superset of the
    variables it reads (a field such as ``after.price`` adds ``price``, which is harmless)."""
    return set(_NAME.findall(_STRING.sub(" ", source)))
