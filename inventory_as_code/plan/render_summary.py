"""A product's changes summarised: what a person means, not one line per object.

A new product is one entry with its counts. An updated product gets one line
per uniform change ("price: "10.00" -> "11.00" on 5 of 5 variants",
"quantity +3 at Outlet Hamburg on 14 variants, policy: set"). The grouping
rule, per field (and, for quantities, per location and policy):

1. one distinct ``before -> after``: that change, with where and on how many;
2. numbers that all move by the same amount: the amount ("quantity +3");
3. up to :data:`MAX_EXACT` distinct changes: a line each;
4. more: one line, with the one new value they all get ("quantity: 8
   different values -> 10", top-ups to one floor) or else the range of the
   differences; the values are in ``--detailed`` and the JSON.

:mod:`.render_overview` applies the same rule across all products.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from inventory_as_code.model import Origin
from inventory_as_code.plan.addresses import product_address
from inventory_as_code.plan.model import Action, Change, FieldChange
from inventory_as_code.plan.render_common import (
    DISCARDED,
    format_field_change,
    format_value,
    in_stock_of,
    is_count,
    label_of,
    location_of,
    money,
    plural,
    policy_text,
    quantity_of,
    shown,
    signed,
)
from inventory_as_code.plan.render_entries import (
    Entry,
    Line,
    ProductGroup,
    field_lines,
    rename_note,
)
from inventory_as_code.plan.render_moves import move_lines

MAX_EXACT = 3
MAX_LABELS = 5  # variant labels named on a line; more are only counted

Item = tuple[Change, FieldChange]
Phrase = Callable[[Sequence[Change]], str]


def _origins(items: Sequence[Item]) -> tuple[Origin, ...]:
    """The YAML lines behind a summary line. A change's reason covers all its fields, so
    a change of several fields cites them on the entry's head instead (see
    :func:`head_origins`): on one field's line they would point at the others too."""
    return tuple(o for c, _ in items if len(c.fields) == 1 for o in c.reason)


def head_origins(changes: Iterable[Change]) -> tuple[Origin, ...]:
    """The origins :func:`_origins` leaves out (updates of several fields)."""
    return tuple(
        o for c in changes if c.action is Action.UPDATE and len(c.fields) > 1 for o in c.reason
    )


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _key(value: Any) -> str:
    return repr(value)


def _delta(before: Any, after: Any) -> int | Decimal | None:
    if is_count(before) and is_count(after):
        return int(after) - int(before)
    low, high = money(before), money(after)
    return None if low is None or high is None else high - low


def field_lines_for(
    name: str, items: Sequence[Item], where: str, tail: str, on: Phrase
) -> list[Line]:
    """The grouping rule of the module docstring, for one field of many objects."""
    pairs: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        pairs.setdefault((_key(item[1].before), _key(item[1].after)), []).append(item)
    deltas = [_delta(f.before, f.after) for _, f in items]
    shown_name = shown(name)

    def line(text: str, group: Sequence[Item], extra: str = "") -> Line:
        return Line(_join(text + where, on([c for c, _ in group])) + extra + tail, _origins(group))

    if len(pairs) == 1:
        return [line(f"{shown_name}: {format_field_change(items[0][1])}", items)]
    numeric = [d for d in deltas if d is not None]
    if len(numeric) == len(deltas) and len(set(numeric)) == 1:
        return [line(f"{shown_name} {signed(numeric[0])}", items)]
    if len(pairs) <= MAX_EXACT:
        return [line(f"{shown_name}: {format_field_change(g[0][1])}", g) for g in pairs.values()]
    units = ""
    if len(numeric) == len(deltas) and all(isinstance(d, int) for d in numeric):
        units = f" ({signed(sum(int(d) for d in numeric))} units in all)"
    if len({_key(f.after) for _, f in items}) == 1:  # e.g. top-ups to one floor
        after = format_value(items[0][1].after)
        befores = len({_key(f.before) for _, f in items})
        return [line(f"{shown_name}: {befores} different values -> {after}", items, units)]
    if len(numeric) == len(deltas):
        spread = f"{shown_name} {signed(min(numeric))} to {signed(max(numeric))}"
        return [line(spread, items, units)]
    return [line(f"{shown_name}: {len(pairs)} different changes", items)]


def by_field(
    changes: Iterable[Change], keep: Callable[[FieldChange], bool] = lambda f: True
) -> dict[str, list[Item]]:
    fields: dict[str, list[Item]] = {}
    for change in changes:
        for f in change.fields:
            if keep(f):
                fields.setdefault(f.field, []).append((change, f))
    return fields


def _variants_phrase(total: int | None) -> Phrase:
    """``on 2 of 5 variants: S, M``; ``on variant M``; nothing for a product without options."""

    def on(changes: Sequence[Change]) -> str:
        labels = sorted({label_of(c) for c in changes})
        if labels == ["(default)"]:
            return ""
        if len(changes) == 1:
            return f"on variant {labels[0]}"
        of = f" of {total:,}" if total else ""
        every = total is not None and len(changes) >= total
        named = f" ({', '.join(labels)})" if len(labels) <= MAX_LABELS and not every else ""
        return f"on {len(changes):,}{of} variants{named}"

    return on


def _locations(changes: Sequence[Change]) -> str:
    places = sorted({location_of(c) for c in changes})
    return f" at {places[0]}" if len(places) == 1 else f" at {len(places)} locations"


def _stock_phrase(changes: Sequence[Change]) -> str:
    """Variants at one location; stock items when they are spread over several."""
    if len({location_of(c) for c in changes}) == 1:
        return _variants_phrase(None)(changes)
    return f"on {plural(len(changes), 'stock item')}"


# --- a new product -----------------------------------------------------------------


def _price_text(variants: Sequence[Change]) -> str:
    prices = [v.after.get("price") for v in variants if v.after and v.after.get("price")]
    if not prices:
        return ""
    amounts = sorted(prices, key=lambda p: money(p) or Decimal(0))
    if amounts[0] == amounts[-1]:
        return f"price {format_value(amounts[0])}"
    return f"prices {format_value(amounts[0])} to {format_value(amounts[-1])}"


def _by_place(stock: Iterable[Change]) -> dict[str, list[Change]]:
    places: dict[str, list[Change]] = {}
    for change in stock:
        places.setdefault(location_of(change), []).append(change)
    return places


def _units(stock: Iterable[Change]) -> int:
    return sum(quantity_of(c.after) or 0 for c in stock)


def place_counts(stock: Sequence[Change]) -> str:
    """``2 items, 25 units``, ``2 items in stock``: new stock at one location."""
    flags = [f for f in (in_stock_of(c.after) for c in stock) if f is not None]
    text = plural(len(stock), "item")
    if len(flags) < len(stock):
        text += f", {plural(_units(stock), 'unit')}"
    if flags:
        text += (
            " in stock"
            if all(flags) and len(flags) == len(stock)
            else ", out of stock"
            if not any(flags)
            else f", {sum(flags):,} in stock"
        )
    return text


def _policies(stock: Iterable[Change]) -> str:
    return ", ".join(
        shown(p) for p in sorted({str(c.keys["policy"]) for c in stock if c.keys.get("policy")})
    )


def stock_counts(stock: Sequence[Change]) -> str:
    """``Online store 2 items, 25 units; Pop-up Berlin 2 items in stock; policy: initial``."""
    places = _by_place(stock)
    mixed = len({c.keys.get("policy") for c in stock if c.keys.get("policy")}) > 1
    parts = []
    for place, changes in places.items():
        policy = f" (policy: {_policies(changes)})" if mixed and _policies(changes) else ""
        parts.append(f"{place} {place_counts(changes)}{policy}")
    if sum(1 for changes in places.values() if _units(changes)) > 1:
        parts.append(f"{plural(_units(stock), 'unit')} in all")
    if not mixed and _policies(stock):
        parts.append(f"policy: {_policies(stock)}")
    preorder = sum(1 for c in stock if ((c.after or {}).get("preorder") or {}).get("enabled"))
    if preorder:
        parts.append(f"preorder on {plural(preorder, 'item')}")
    return "; ".join(parts)


def _new_product(group: ProductGroup) -> Entry:
    change = group.product
    assert change is not None and change.after is not None
    after = change.after
    head = [format_value(after.get("name"))] if after.get("name") else []
    if after.get("product_type") and after["product_type"] != "physical":
        head.append(shown(str(after["product_type"])))
    if after.get("visible") is False:
        head.append("hidden")
    options = after.get("options") or {}
    if options:
        choices = "; ".join(
            f"{shown(str(name))}: {', '.join(shown(str(c)) for c in values)}"
            for name, values in options.items()
        )
        head.append(f"{plural(len(group.variants), 'variant')} ({choices})")
    elif len(group.variants) == 1 and (group.variants[0].after or {}).get("sku"):
        head.append(f"sku {format_value(group.variants[0].after['sku'])}")  # type: ignore[index]
    price = _price_text(group.variants)
    if price:
        head.append(price)
    lines = [Line(f"stock: {stock_counts(group.stock)}")] if group.stock else []
    lines += _moves(group.moves)
    # The product's first line is enough to find it; its other lines are in --detailed.
    origins = (min(change.reason),) if change.reason else ()
    return Entry(Action.CREATE, shown(change.address), ", ".join(head), tuple(lines), origins)


# --- an existing product -----------------------------------------------------------


def _new_variants(variants: Sequence[Change]) -> list[Line]:
    if len(variants) <= MAX_EXACT:
        return [
            Line(
                f"new variant {label_of(v)}: "
                + ", ".join(f"{shown(k)} {format_value(x)}" for k, x in (v.after or {}).items()),
                v.reason,
                Action.CREATE,
            )
            for v in variants
        ]
    labels = sorted(label_of(v) for v in variants)
    named = ", ".join(labels[:MAX_LABELS]) + (", ..." if len(labels) > MAX_LABELS else "")
    price = _price_text(variants)
    text = f"{plural(len(variants), 'new variant')}: {named}" + (f", {price}" if price else "")
    return [Line(text, tuple(o for v in variants for o in v.reason), Action.CREATE)]


def _new_stock(stock: Sequence[Change]) -> list[Line]:
    lines = []
    for place, changes in _by_place(stock).items():
        policy = f", policy: {_policies(changes)}" if _policies(changes) else ""
        text = (
            _join(f"new stock at {place}", _stock_phrase(changes))
            + f": {place_counts(changes)}{policy}"
        )
        lines.append(Line(text, tuple(o for c in changes for o in c.reason), Action.CREATE))
    return lines


def _stock_updates(stock: Sequence[Change]) -> list[Line]:
    lines: list[Line] = []
    quantities: dict[tuple[str, str], list[Item]] = {}
    for change in stock:
        for f in change.fields:
            if f.field == "quantity":
                quantities.setdefault((location_of(change), policy_text(change)), []).append(
                    (change, f)
                )
    for (place, policy), items in quantities.items():
        tail = f", {policy}" if policy else ""
        lines += field_lines_for("quantity", items, f" at {place}", tail, _stock_phrase)
    for name, items in by_field(stock, lambda f: f.field != "quantity").items():
        where = _locations([c for c, _ in items])
        lines += field_lines_for(name, items, where, "", _stock_phrase)
    return lines


def _switches(stock: Sequence[Change]) -> list[Line]:
    groups: dict[tuple[str, str, str], list[Change]] = {}
    for change in stock:
        before, after = (change.before or {}).get("tracking"), (change.after or {}).get("tracking")
        groups.setdefault((location_of(change), str(before), str(after)), []).append(change)
    lines = []
    for (place, before, after), changes in groups.items():
        text = _join(
            f"tracking: {format_value(before)} -> {format_value(after)} at {place}",
            _stock_phrase(changes),
        )
        counts = [q for q in (quantity_of(c.after) for c in changes) if q is not None]
        flags = [f for f in (in_stock_of(c.after) for c in changes) if f is not None]
        if counts:
            text += (
                f", then quantity {counts[0]:,}"
                if len(set(counts)) == 1
                else f", then {plural(sum(counts), 'unit')} in all"
            )
        elif flags:
            text += (
                ", then in stock"
                if all(flags)
                else ", then out of stock"
                if not any(flags)
                else f", then {sum(flags):,} in stock"
            )
        text += f"; {DISCARDED}"
        reason = tuple(o for c in changes for o in c.reason)
        lines.append(Line(text, reason, Action.SWITCH_TRACKING))
        # What the switch also changes (the preorder limit goes with the method).
        carried = by_field(changes, lambda f: f.field not in ("tracking", "quantity", "in_stock"))
        for name, items in carried.items():
            lines += field_lines_for(name, items, f" at {place}", "", _stock_phrase)
    return lines


def _moves(moves: Sequence[Change]) -> list[Line]:
    return [Line(text, change.reason) for text, change in move_lines(moves)]


def summary_entry(group: ProductGroup) -> Entry:
    """A product's changes as one entry (see the module docstring)."""
    product = group.product
    if product is not None and product.action is Action.CREATE:
        return _new_product(group)
    total = next((n for c in group.variants if (n := c.keys.get("product_variants"))), None)
    on = _variants_phrase(total if isinstance(total, int) else None)
    lines = field_lines(product, product.fields) if product is not None else []
    created = [c for c in group.variants if c.action is Action.CREATE]
    lines += _new_variants(created)
    updated = [c for c in group.variants if c.action is Action.UPDATE]
    for name, items in by_field(updated).items():
        lines += field_lines_for(name, items, "", "", on)
    stock = {a: [c for c in group.stock if c.action is a] for a in Action}
    lines += _new_stock(stock[Action.CREATE])
    lines += _stock_updates(stock[Action.UPDATE])
    lines += _switches(stock[Action.SWITCH_TRACKING])
    lines += _moves(group.moves)
    address = shown(product.address if product is not None else product_address(group.slug))
    detail = rename_note(product) if product is not None else ""
    origins = (product.reason if product else ()) + head_origins(group.variants + group.stock)
    if not detail and len(lines) == 1 and lines[0].action is None:
        # One statement: on the head line ("~ product["mug"]  price: ... on 5 of 5 variants").
        return Entry(Action.UPDATE, address, lines[0].text, (), origins + lines[0].origins)
    return Entry(Action.UPDATE, address, detail, tuple(lines), origins)


def summary_entries(groups: Iterable[ProductGroup]) -> list[Entry]:
    return [summary_entry(g) for g in groups]
