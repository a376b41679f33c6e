"""The plan as entries a reviewer reads, shared by the text and Markdown renderers.

A plan is sorted by kind and address, which is right for apply and wrong for
a reader: a product, its variants and its stock are one thing to a person.
:func:`plan_view` regroups the changes (deletions apart, since they go first
and loud; locations; then one group per product), and :func:`detail_entry`
gives one change as an :class:`Entry` (the per-object list of ``--detailed``).
The summaries of a whole group are in :mod:`.render_summary`. Entries hold
plain text that has passed :func:`~.render_common.shown`; the renderers only
add symbols, colour and Markdown structure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from inventory_as_code.model import Origin
from inventory_as_code.plan.model import Action, Change, FieldChange, Kind, Plan
from inventory_as_code.plan.render_common import (
    SWITCH_WARNING,
    facts,
    format_field_change,
    format_value,
    policy_text,
    shown,
    slug_of,
)
from inventory_as_code.plan.render_moves import move_text
from inventory_as_code.plan.render_options import option_detail, option_lines


@dataclass(frozen=True, slots=True)
class Line:
    """One line under an entry's head, with the YAML lines behind it."""

    text: str
    origins: tuple[Origin, ...] = ()
    action: Action | None = None  # its own marker and colour (a new variant inside an update)


@dataclass(frozen=True, slots=True)
class Entry:
    """One object, or one product summarised: a head line and the lines under it."""

    action: Action
    address: str
    detail: str = ""  # after the address on the head line
    lines: tuple[Line, ...] = ()
    origins: tuple[Origin, ...] = ()
    warning: str = ""  # said loudly on the head line (a tracking switch)


@dataclass(slots=True)
class ProductGroup:
    """A product's changes, in reading order: the product, its variants, its stock, the
    units moved between its stock (refills)."""

    slug: str
    product: Change | None = None
    variants: list[Change] = field(default_factory=list)
    stock: list[Change] = field(default_factory=list)
    moves: list[Change] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        product = [self.product] if self.product else []
        return product + self.variants + self.stock + self.moves

    def add(self, change: Change) -> None:
        """A change of this product (not a deletion: those are shown apart)."""
        if change.kind is Kind.PRODUCT:
            self.product = change
        elif change.kind is Kind.VARIANT:
            self.variants.append(change)
        elif change.kind is Kind.MOVE:
            self.moves.append(change)
        else:
            self.stock.append(change)


@dataclass(frozen=True, slots=True)
class PlanView:
    deletions: tuple[Change, ...]
    locations: tuple[Change, ...]
    products: tuple[ProductGroup, ...]
    options: tuple[Change, ...] = ()  # store options: shared by products, shown before them

    @property
    def changes(self) -> int:
        """Changes outside the deletions."""
        return len(self.locations) + len(self.options) + sum(len(g.changes) for g in self.products)

    @property
    def store_wide(self) -> tuple[Change, ...]:
        """Locations and options: the changes shown before the products."""
        return self.locations + self.options


def plan_view(plan: Plan) -> PlanView:
    deletions: list[Change] = []
    locations: list[Change] = []
    options: list[Change] = []
    groups: dict[str, ProductGroup] = {}
    for change in plan.changes:
        if change.action is Action.DELETE:
            deletions.append(change)
        elif change.kind is Kind.LOCATION:
            locations.append(change)
        elif change.kind is Kind.OPTION:
            options.append(change)
        else:
            slug = slug_of(change)
            group = groups.get(slug) or groups.setdefault(slug, ProductGroup(slug))
            group.add(change)
    ordered = sorted(groups.values(), key=lambda g: g.slug)
    return PlanView(tuple(deletions), tuple(locations), tuple(ordered), tuple(options))


# --- renames -----------------------------------------------------------------------


def _is_head_rename(change: Change, f: FieldChange) -> bool:
    """A product's slug or a location's name: said on the head line, not under it."""
    wanted = {Kind.PRODUCT: "slug", Kind.LOCATION: "name"}.get(change.kind)
    return change.action is Action.UPDATE and f.field == wanted


def rename_note(change: Change) -> str:
    """``renamed from "old"`` for a renamed product (slug) or location (name), else ''."""
    for f in change.fields:
        if _is_head_rename(change, f):
            return f"renamed from {format_value(f.before)}"
    return ""


def _rename_line(change: Change, f: FieldChange) -> str | None:
    """An option or choice rename as a reviewer says it, or None for another field."""
    if change.kind is not Kind.PRODUCT or not f.field.startswith("option["):
        return None
    # The planner names these option[<option>] and option[<option>].choice[<old choice>].
    suffix = f"].choice[{f.before}]"
    if f.field.endswith(suffix):
        option = f.field[len("option[") : -len(suffix)]
        return (
            f"choice {format_value(f.before)} of option {format_value(option)} renamed to "
            f"{format_value(f.after)}"
        )
    return f"option {format_value(f.before)} renamed to {format_value(f.after)}"


def _with_policy(change: Change, name: str, text: str) -> str:
    """A quantity line says its policy: a `set` and an `at_least` top-up differ."""
    policy = policy_text(change)
    return f"{text}  {policy}" if name == "quantity" and policy else text


def field_text(change: Change, f: FieldChange) -> str:
    return _with_policy(change, f.field, f"{shown(f.field)}: {format_field_change(f)}")


def field_lines(change: Change, fields: Iterable[FieldChange]) -> list[Line]:
    """Field changes as lines; renames read as renames, quantities say their policy."""
    lines = []
    for f in fields:
        if _is_head_rename(change, f):
            continue
        renamed = _rename_line(change, f)
        lines.append(Line(renamed if renamed is not None else field_text(change, f)))
    return lines


# --- one change, in full -----------------------------------------------------------


def detail_entry(change: Change) -> Entry:
    """One change as it is, every value: the ``--detailed`` list."""
    address = shown(change.address)
    if change.kind is Kind.OPTION and change.action is not Action.DELETE:
        return Entry(
            change.action,
            address,
            option_detail(change),
            tuple(Line(text, action=action) for text, action in option_lines(change)),
            change.reason,
        )
    if change.kind is Kind.MOVE:
        return Entry(change.action, address, move_text(change), origins=change.reason)
    if change.action is Action.DELETE:
        before = dict(change.before or {})
        items, units = before.pop("stock_items", None), before.pop("units", None)
        # A deletion takes the object's stock with it (plan.rename_hints): said on the line.
        held = f"deletes its stock too: {items} item(s), {units} unit(s)" if items else ""
        return Entry(change.action, address, facts(before), origins=change.reason, warning=held)
    if change.action is Action.CREATE:
        lines = tuple(
            Line(_with_policy(change, key, f"{shown(key)}: {format_value(value)}"))
            for key, value in (change.after or {}).items()
        )
        return Entry(change.action, address, lines=lines, origins=change.reason)
    warning = SWITCH_WARNING if change.action is Action.SWITCH_TRACKING else ""
    return Entry(
        change.action,
        address,
        rename_note(change),
        tuple(field_lines(change, change.fields)),
        change.reason,
        warning,
    )


def detail_entries(view: PlanView) -> list[Entry]:
    """Every change but the deletions, one entry each, a product's together."""
    entries = [detail_entry(c) for c in view.store_wide]
    for group in view.products:
        entries += [detail_entry(c) for c in group.changes]
    return entries
