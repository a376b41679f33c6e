"""A product that alone exceeds what one products call carries is refused by plan.

One Bulk Create / Bulk Update carries at most 1,000 variants (and a product
has at most 1,000): a product whose update would carry more, counting the
live variants the YAML keeps, could never be written, so the plan is refused
with the reason and the fix instead of failing at apply.
"""

from __future__ import annotations

import pytest

from inventory_as_code.live import LiveLocation, LiveStore
from inventory_as_code.live.model import LiveOption, LiveProduct, LiveVariant
from inventory_as_code.model import DesiredState, FrozenMap, Location, Option, Product, Variant
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.plan.planner import build_plan

SIZES = tuple(f"S{n}" for n in range(40))
LIVE_COLORS = tuple(f"C{n}" for n in range(25))  # 40 x 25 = 1,000 live variants


def test_an_update_carrying_more_variants_than_a_call_holds_is_refused() -> None:
    live = LiveProduct(
        "p-poster",
        "poster",
        "Poster",
        "1",
        "physical",
        True,
        (LiveOption("o-size", "Size", SIZES), LiveOption("o-color", "Color", LIVE_COLORS)),
        tuple(
            LiveVariant(f"v-{s}-{c}", (s, c), None, "5.00", None, True)
            for s in SIZES
            for c in LIVE_COLORS
        ),
    )
    # The YAML adds a colour; without prune.variants every live variant stays.
    poster = Product(
        slug="poster",
        name="Poster",
        options=(Option("Size", SIZES), Option("Color", ("C25",))),
        variants=tuple(Variant((s, "C25"), price="5.00") for s in SIZES),
    )
    desired = DesiredState(
        locations=FrozenMap({"Main": Location("Main", is_default=True)}),
        products=FrozenMap({"poster": poster}),
    )
    store = LiveStore((LiveLocation("loc-0", "Main", True, "1"),), (), {"poster": live}, {})
    with pytest.raises(PlanRefused) as refused:
        build_plan(desired, store)
    (refusal,) = refused.value.refusals
    assert refusal.address == 'product["poster"]'
    assert "would have 1040 variants (new ones plus live ones the YAML keeps)" in refusal.message
    assert "prune: {variants: true}" in refusal.fix
