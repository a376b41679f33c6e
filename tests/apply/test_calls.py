"""The plan-to-calls step on generated plans: the lower bound, and every batch limit."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from inventory_as_code.apply.calls import Step, compile_plan, is_top_up, lower_bound
from inventory_as_code.plan.model import Action, Change, FieldChange, Kind, Observed, Plan

DEFAULT = "Main"


def product_changes(
    slug: str, variants: int, new: bool, default_stock: bool, options: int = 0
) -> list[Change]:
    after: dict[str, object] = {"name": slug}
    if new and options:
        after["options"] = {f"O{n}": [f"c{n}"] for n in range(options)}
    changes = [
        Change(
            Kind.PRODUCT,
            Action.CREATE if new else Action.UPDATE,
            f'product["{slug}"]',
            None,
            after,
            keys={"slug": slug},
        )
    ]
    for v in range(variants if new else 1):
        key = [f"V{v}"]
        changes.append(
            Change(
                Kind.VARIANT,
                Action.CREATE,
                f'variant["{slug}"]["V{v}"]',
                None,
                {"price": "1.00"},
                keys={"slug": slug, "variant": key},
            )
        )
        if new and default_stock:
            changes.append(
                Change(
                    Kind.STOCK,
                    Action.CREATE,
                    f'stock["{slug}"]["V{v}"]["{DEFAULT}"]',
                    None,
                    {"tracking": "quantity", "quantity": 1},
                    keys={"slug": slug, "variant": key, "location": DEFAULT},
                )
            )
    return changes


def stock_change(n: int, action: Action, policy: str = "set") -> Change:
    observed = Observed(f"item-{n}", "1", {"tracking": "quantity", "quantity": 1})
    if action is Action.UPDATE:
        return Change(
            Kind.STOCK,
            action,
            f'stock["s{n}"]["x"]["Other"]',
            {"quantity": 1},
            {"quantity": 5},
            fields=(FieldChange("quantity", 1, 5),),
            observed=observed,
            keys={"slug": f"s{n}", "variant": ["x"], "location": "Other", "policy": policy},
        )
    return Change(
        Kind.STOCK,
        action,
        f'stock["s{n}"]["x"]["Other"]',
        None if action is Action.CREATE else {"quantity": 1},
        {"quantity": 1} if action is Action.CREATE else None,
        observed=None if action is Action.CREATE else observed,
        keys={
            "slug": f"s{n}",
            "variant": ["x"],
            "location": "Other",
            "inventory_item_id": f"item-{n}",
        },
    )


# Products as catalogues have them: 0 to 6 options (Wix's most per product), a few variants.
product_sizes = st.tuples(st.integers(1, 10), st.integers(0, 6))

plans = st.builds(
    lambda new_sizes, updated, creates, sets, raises, deletes, locations: (
        new_sizes,
        updated,
        creates,
        sets,
        raises,
        deletes,
        locations,
    ),
    st.lists(product_sizes, max_size=260),
    st.lists(product_sizes, max_size=150),
    st.integers(0, 2500),
    st.integers(0, 2500),
    st.integers(0, 700),
    st.integers(0, 1200),
    st.integers(0, 3),
)


@settings(max_examples=40, deadline=None)
@given(plans)
def test_calls_equal_the_lower_bound_and_respect_every_limit(spec: tuple[object, ...]) -> None:
    new_sizes, updated, creates, sets, raises, deletes, locations = spec
    changes: list[Change] = []
    for i, (size, options) in enumerate(new_sizes):  # type: ignore[arg-type]
        changes += product_changes(f"new{i}", size, True, i % 2 == 0, options)
    for i in range(len(updated)):  # type: ignore[arg-type]
        changes += product_changes(f"old{i}", 1, new=False, default_stock=False)
    n = 0
    for count, action, policy in (
        (creates, Action.CREATE, "set"),
        (sets, Action.UPDATE, "set"),
        (raises, Action.UPDATE, "at_least"),
        (deletes, Action.DELETE, "set"),
    ):
        for _ in range(count):  # type: ignore[call-overload]
            changes.append(stock_change(n, action, policy))
            n += 1
    for i in range(locations):  # type: ignore[call-overload]
        changes.append(
            Change(
                Kind.LOCATION,
                Action.CREATE,
                f'location["L{i}"]',
                None,
                {"name": f"L{i}"},
                keys={"location": f"L{i}"},
            )
        )
    plan = Plan(changes=tuple(sorted(changes, key=lambda c: c.sort_key)))
    sizes = {
        "live_variant_counts": {f"old{i}": v for i, (v, _) in enumerate(updated)},  # type: ignore[arg-type]
        "live_option_counts": {f"old{i}": o for i, (_, o) in enumerate(updated)},  # type: ignore[arg-type]
    }
    compiled = compile_plan(plan, default_location=DEFAULT, **sizes)

    assert compiled.total == lower_bound(plan, default_location=DEFAULT, **sizes)
    by_step = Counter(b.step for b in compiled.batches)
    assert by_step[Step.STOCK_CREATE] == math.ceil(creates / 1000)  # type: ignore[operator]
    # Top-ups are revision-guarded updates: they share the 1,000-item update calls.
    assert by_step[Step.STOCK_UPDATE] == math.ceil((sets + raises) / 1000)  # type: ignore[operator]
    assert by_step[Step.STOCK_DELETE] == math.ceil(deletes / 1000)  # type: ignore[operator]
    assert by_step[Step.LOCATION_CREATE] == locations
    assert by_step[Step.PRODUCT_CREATE] >= max(
        math.ceil(len(new_sizes) / 100),  # type: ignore[arg-type]
        math.ceil(sum(v for v, _ in new_sizes) / 1000),  # type: ignore[attr-defined]
        math.ceil(sum(o for _, o in new_sizes) / 100),  # type: ignore[attr-defined]
    )
    limits = {
        Step.STOCK_CREATE: 1000,
        Step.STOCK_UPDATE: 1000,
        Step.STOCK_DELETE: 1000,
        Step.PRODUCT_DELETE: 100,
    }
    carried: list[Change] = []
    for batch in compiled.batches:
        if batch.step in (Step.PRODUCT_CREATE, Step.PRODUCT_UPDATE):
            assert len(batch.groups) <= 100
            assert sum(g.variant_count for g in batch.groups) <= 1000
            assert sum(g.option_count for g in batch.groups) <= 100
        elif batch.step in limits:
            assert len(batch.changes) <= limits[batch.step]
        carried += batch.changes
    # Every change travels in exactly one call.
    assert sorted(c.address for c in carried) == sorted(c.address for c in plan.changes)
    assert sum(1 for c in plan.changes if is_top_up(c)) == raises


def test_order_respects_dependencies() -> None:
    plan = Plan(
        changes=tuple(
            [
                *product_changes("a", 2, new=True, default_stock=True),
                stock_change(1, Action.CREATE),
                stock_change(2, Action.UPDATE),
                stock_change(3, Action.DELETE),
                Change(
                    Kind.LOCATION,
                    Action.CREATE,
                    'location["X"]',
                    None,
                    {"name": "X"},
                    keys={"location": "X"},
                ),
            ]
        )
    )
    steps = [b.step for b in compile_plan(plan, default_location=DEFAULT).batches]
    assert steps == [
        Step.LOCATION_CREATE,
        Step.PRODUCT_CREATE,
        Step.STOCK_CREATE,
        Step.STOCK_UPDATE,
        Step.STOCK_DELETE,
    ]


def test_products_with_many_variants_pack_by_the_variant_limit() -> None:
    changes: list[Change] = []
    for i, size in enumerate([600, 400, 300, 300, 250, 150]):
        changes += product_changes(f"p{i}", size, new=True, default_stock=False)
    compiled = compile_plan(Plan(changes=tuple(changes)), default_location=DEFAULT)
    loads = sorted(sum(g.variant_count for g in b.groups) for b in compiled.batches)
    assert loads == [1000, 1000]  # 600+400 and 300+300+250+150: two calls, the bound


def option_change(name: str, action: Action, edits: dict[str, object], added: list[str]) -> Change:
    return Change(
        Kind.OPTION,
        action,
        f'option["{name}"]',
        None,
        {"name": name, "choices": ["A"]},
        observed=None if action is Action.CREATE else Observed(f"o-{name}", "1"),
        keys={"option": name, "option_id": f"o-{name}", "edits": edits, "added": added},
    )


def test_options_go_first_and_take_the_calls_their_changes_need() -> None:
    """New options: 100 a call; a changed one: a rename, then Set (renames, colours,
    with the new choices) or Add (new choices only)."""
    creates = [option_change(f"New {n}", Action.CREATE, {}, []) for n in range(150)]
    updates = [
        option_change("Renamed", Action.UPDATE, {"name": "Renamed"}, []),
        option_change("Recoloured", Action.UPDATE, {"colors": {"c1": "#000000"}}, ["X"]),
        option_change("Grown", Action.UPDATE, {}, ["X", "Y"]),
        option_change("All", Action.UPDATE, {"name": "All", "choices": {"c1": "B"}}, ["Z"]),
    ]
    plan = Plan(changes=(*product_changes("tee", 2, True, True), *creates, *updates))
    calls = compile_plan(plan, default_location=DEFAULT)
    steps = [b.step for b in calls.batches]
    assert steps[:6] == [Step.OPTION_CREATE] * 2 + [Step.OPTION_UPDATE] * 4
    assert [b.size for b in calls.batches[:2]] == [100, 50]
    assert [b.write_calls for b in calls.batches[2:6]] == [1, 1, 1, 2]
    assert calls.total == lower_bound(plan, default_location=DEFAULT) == 2 + 5 + 1
