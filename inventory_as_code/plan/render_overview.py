"""The whole plan in a few lines: store-wide summaries and stock per location.

A first plan of 2,000 products or a price change on every variant is one
statement to the person who made it; these lines say it so ("2,000 new
products: 10,000 variants, ...", "price +1.00 on 10,000 variants of 2,000
products"), with the grouping rule of :mod:`.render_summary` applied across
products. The text rendering shows them above the product list of a large
plan, and a Markdown comment that cannot hold every product keeps them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from inventory_as_code.plan.model import Action, Change, FieldChange, Kind, Plan
from inventory_as_code.plan.render_common import (
    location_of,
    plural,
    policy_text,
    quantity_of,
    shown,
    signed,
    slug_of,
)
from inventory_as_code.plan.render_entries import Line, PlanView, ProductGroup, rename_note
from inventory_as_code.plan.render_summary import by_field, field_lines_for, place_counts

# From this many products on, a plan opens with the overview.
OVERVIEW_MIN_PRODUCTS = 10
MAX_PLACES = 10  # locations named in the per-location line and the chart


@dataclass(slots=True)
class LocationStock:
    """What a plan does to the stock at one location, counted in items and units."""

    name: str
    new: int = 0
    changed: int = 0
    deleted: int = 0
    added: int = 0
    removed: int = 0

    @property
    def net(self) -> int:
        return self.added - self.removed


def _count(values: Mapping[str, Any] | None) -> int:
    return quantity_of(values) or 0


def stock_by_location(plan: Plan) -> list[LocationStock]:
    """Units added and removed per location: new and deleted items, quantity changes,
    and tracking switches (whose old count is discarded and new count starts)."""
    places: dict[str, LocationStock] = {}
    for change in plan.changes:
        if change.kind is Kind.MOVE:
            _moved(places, change)
            continue
        if change.kind is not Kind.STOCK:
            continue
        name = location_of(change)
        place = places.get(name) or places.setdefault(name, LocationStock(name))
        before, after = _count(change.before), _count(change.after)
        if change.action is Action.CREATE:
            place.new += 1
        elif change.action is Action.DELETE:
            place.deleted += 1
        else:
            place.changed += 1
        place.added += max(after - before, 0)
        place.removed += max(before - after, 0)
    return sorted(places.values(), key=lambda p: (-abs(p.net), p.name))


def _moved(places: dict[str, LocationStock], change: Change) -> None:
    """A move adds its units where it goes and removes them where they come from."""
    units = int((change.after or {}).get("units") or 0)
    if not units:
        return
    for name, added in (
        (location_of(change), True),
        (shown(str(change.keys.get("source"))), False),
    ):
        if not name:
            continue
        place = places.get(name) or places.setdefault(name, LocationStock(name))
        place.changed += 1
        if added:
            place.added += units
        else:
            place.removed += units


def _products(noun: str) -> Callable[[Sequence[Change]], str]:
    def on(changes: Sequence[Change]) -> str:
        products = len({slug_of(c) for c in changes})
        if noun == "product":
            return f"on {plural(products, 'product')}"
        return f"on {plural(len(changes), noun)} of {plural(products, 'product')}"

    return on


def _is_new(group: ProductGroup) -> bool:
    return group.product is not None and group.product.action is Action.CREATE


def _split_new(
    groups: Iterable[ProductGroup], existing: list[ProductGroup]
) -> Iterator[ProductGroup]:
    """The groups of new products; the others are put in ``existing`` on the way."""
    for group in groups:
        if _is_new(group):
            yield group
        else:
            existing.append(group)


def _new_products(groups: Iterable[ProductGroup]) -> list[Line]:
    # Counted a group at a time: a first plan is all new products (see .streamed_view).
    new = variants = stock = units = 0
    for group in groups:
        new += 1
        variants += len(group.variants)
        stock += len(group.stock)
        units += sum(_count(c.after) for c in group.stock)
    if not new:
        return []
    text = (
        f"{plural(new, 'new product')}: {plural(variants, 'variant')}, "
        f"{plural(stock, 'stock item')}, {plural(units, 'unit')}"
    )
    return [Line(text, action=Action.CREATE)]


def _locations(view: PlanView) -> list[Line]:
    actions = Counter(c.action for c in view.locations)
    lines = []
    if actions[Action.CREATE]:
        lines.append(Line(plural(actions[Action.CREATE], "new location"), action=Action.CREATE))
    if actions[Action.UPDATE]:
        lines.append(Line(f"{plural(actions[Action.UPDATE], 'location')} changed"))
    options = Counter(c.action for c in view.options)
    if options[Action.CREATE]:
        lines.append(Line(plural(options[Action.CREATE], "new option"), action=Action.CREATE))
    if options[Action.UPDATE]:
        users = {s for c in view.options for s in (c.keys.get("products") or {})}
        lines.append(
            Line(
                f"{plural(options[Action.UPDATE], 'option')} changed, used by "
                f"{plural(len(users), 'product')}"
            )
        )
    return lines


def overview_lines(view: PlanView) -> list[Line]:
    """Store-wide statements for everything but deletions (they have their own section)."""
    existing: list[ProductGroup] = []
    # One pass over the products, which a saved plan reads from its file (.streamed_view).
    lines = _locations(view) + _new_products(_split_new(view.products, existing))
    products = [g.product for g in existing if g.product]
    renamed = [p for p in products if rename_note(p)]
    if renamed:
        lines.append(Line(f"{plural(len(renamed), 'product')} renamed"))
    fields = by_field(products, lambda f: f.field != "slug" and not f.field.startswith("option["))
    for name, items in fields.items():
        lines += field_lines_for(name, items, "", "", _products("product"))
    variants = [c for g in existing for c in g.variants]
    created = [c for c in variants if c.action is Action.CREATE]
    if created:
        owners = len({slug_of(c) for c in created})
        text = f"{plural(len(created), 'new variant')} of {plural(owners, 'existing product')}"
        lines.append(Line(text, action=Action.CREATE))
    for name, items in by_field([c for c in variants if c.action is Action.UPDATE]).items():
        lines += field_lines_for(name, items, "", "", _products("variant"))
    stock = [c for g in existing for c in g.stock]
    places: dict[str, list[Change]] = {}
    for change in (c for c in stock if c.action is Action.CREATE):
        places.setdefault(location_of(change), []).append(change)
    for place, changes in places.items():
        text = f"new stock at {place} {_products('item')(changes)}: {place_counts(changes)}"
        lines.append(Line(text, action=Action.CREATE))
    updated = [c for c in stock if c.action is Action.UPDATE]
    quantities: dict[tuple[str, str], list[tuple[Change, FieldChange]]] = {}
    for change in updated:
        for f in change.fields:
            if f.field == "quantity":
                key = (location_of(change), policy_text(change))
                quantities.setdefault(key, []).append((change, f))
    for (place, policy), items in quantities.items():
        tail = f", {policy}" if policy else ""
        lines += field_lines_for("quantity", items, f" at {place}", tail, _products("item"))
    for name, items in by_field(updated, lambda f: f.field != "quantity").items():
        lines += field_lines_for(name, items, "", "", _products("stock item"))
    switches = [c for c in stock if c.action is Action.SWITCH_TRACKING]
    if switches:
        text = f"tracking method switches {_products('stock item')(switches)}"
        lines.append(Line(text, action=Action.SWITCH_TRACKING))
    return lines


def units_line(places: Sequence[LocationStock]) -> str:
    """``net units: Main warehouse +150, Outlet -12``; '' when no count changes."""
    moved = [p for p in places if p.net]
    if not moved:
        return ""
    parts = [f"{p.name} {signed(p.net)}" for p in moved[:MAX_PLACES]]
    if len(moved) > MAX_PLACES:
        rest = sum(p.net for p in moved[MAX_PLACES:])
        parts.append(f"{len(moved) - MAX_PLACES} other locations {signed(rest)}")
    return "net units by location: " + ", ".join(parts)
