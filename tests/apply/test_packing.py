"""Products calls packed by every per-request total: products, variants and options."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inventory_as_code.apply.calls import Step, compile_plan, lower_bound
from inventory_as_code.apply.packing import fewest_calls, pack
from inventory_as_code.plan.model import Action, Change, FieldChange, Kind, Observed, Plan

TOTALS = (100, 1000, 100)  # products, variants, options per Bulk Update / Bulk Create


def price_change(slug: str, variant: str) -> Change:
    return Change(
        Kind.VARIANT,
        Action.UPDATE,
        f'variant["{slug}"]["{variant}"]',
        {"price": "10.00"},
        {"price": "12.00"},
        fields=(FieldChange("price", "10.00", "12.00"),),
        observed=Observed(f"id-{slug}", "1"),
        keys={"slug": slug, "variant": variant.split("/")},
    )


def rename(slug: str) -> Change:
    return Change(
        Kind.PRODUCT,
        Action.UPDATE,
        f'product["{slug}"]',
        {"name": slug},
        {"name": slug.upper()},
        fields=(FieldChange("name", slug, slug.upper()),),
        observed=Observed(f"id-{slug}", "1"),
        keys={"slug": slug, "product_id": f"id-{slug}"},
    )


def test_a_price_change_on_60_products_with_two_options_takes_two_calls() -> None:
    # Each product: Size x Color, 2 x 2 variants. 120 options do not fit one call.
    slugs = [f"p{n:02}" for n in range(60)]
    changes = [price_change(s, v) for s in slugs for v in ("S/Red", "S/Blue", "M/Red", "M/Blue")]
    sizes = {
        "live_variant_counts": dict.fromkeys(slugs, 4),
        "live_option_counts": dict.fromkeys(slugs, 2),
    }
    compiled = compile_plan(Plan(changes=tuple(changes)), default_location=None, **sizes)
    batches = [b for b in compiled.batches if b.step is Step.PRODUCT_UPDATE]
    assert len(batches) == 2 == compiled.total
    assert compiled.total == lower_bound(
        Plan(changes=tuple(changes)), default_location=None, **sizes
    )
    for batch in batches:
        assert sum(g.option_count for g in batch.groups) <= 100
        assert sum(g.variant_count for g in batch.groups) <= 1000
    assert sorted(g.slug for b in batches for g in b.groups) == slugs


def test_an_update_of_product_fields_only_carries_no_variants_or_options() -> None:
    # The body of a rename has no options or variants arrays (bodies_products), so
    # 100 renames of big products are one call, not one per 1,000 live variants.
    slugs = [f"p{n:03}" for n in range(100)]
    sizes = {
        "live_variant_counts": dict.fromkeys(slugs, 40),
        "live_option_counts": dict.fromkeys(slugs, 6),
    }
    plan = Plan(changes=tuple(rename(s) for s in slugs))
    compiled = compile_plan(plan, default_location=None, **sizes)
    assert compiled.total == 1 == lower_bound(plan, default_location=None, **sizes)


def test_without_a_recorded_option_count_a_product_is_sized_at_the_most_wix_allows() -> None:
    # A plan that did not record live option counts must still never overflow a call.
    slugs = [f"p{n:02}" for n in range(20)]
    plan = Plan(changes=tuple(price_change(s, "S") for s in slugs))
    compiled = compile_plan(
        plan, default_location=None, live_variant_counts=dict.fromkeys(slugs, 1)
    )
    loads = [sum(g.option_count for g in b.groups) for b in compiled.batches]
    assert sum(loads) == 20 * 6 and len(loads) == 2 and max(loads) <= 100


def test_the_bound_counts_how_many_entries_fit_together() -> None:
    # 486 options would fit 5 calls of 100, but 16 products of 6 options fill one call.
    assert fewest_calls([(1, 2, 6)] * 81, TOTALS) == 6
    assert len(pack([(1, 2, 6)] * 81, TOTALS)) == 6
    # Two products of 600 variants never share a call.
    assert fewest_calls([(1, 600, 1), (1, 600, 1), (1, 1, 1)], TOTALS) == 2


def test_an_entry_no_call_can_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="entry 1 alone has 1001, over the limit of 1000"):
        pack([(1, 1, 1), (1, 1001, 1)], TOTALS)


product = st.tuples(st.just(1), st.integers(0, 1000), st.integers(0, 6))
catalogue_product = st.tuples(st.just(1), st.integers(1, 10), st.integers(0, 6))


@settings(max_examples=60, deadline=None)
@given(st.lists(product, max_size=300))
def test_every_call_is_within_every_total_and_carries_each_product_once(
    sizes: list[tuple[int, int, int]],
) -> None:
    calls = pack(sizes, TOTALS)
    assert sorted(i for call in calls for i in call) == list(range(len(sizes)))
    for call in calls:
        assert call
        for dim, limit in enumerate(TOTALS):
            assert sum(sizes[i][dim] for i in call) <= limit
    assert len(calls) >= fewest_calls(sizes, TOTALS)


@settings(max_examples=60, deadline=None)
@given(st.lists(catalogue_product, max_size=400))
def test_catalogue_mixes_pack_into_the_fewest_calls(sizes: list[tuple[int, int, int]]) -> None:
    assert len(pack(sizes, TOTALS)) == fewest_calls(sizes, TOTALS)
