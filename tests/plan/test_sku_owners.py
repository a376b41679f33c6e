"""SKU refusals name the variants involved by address (built only for these messages)."""

from __future__ import annotations

import pytest

from inventory_as_code.live import LiveLocation, LiveStore
from inventory_as_code.live.model import LiveOption, LiveProduct, LiveVariant
from inventory_as_code.model import (
    DesiredState,
    FrozenMap,
    Location,
    Option,
    Product,
    Prune,
    Variant,
)
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.plan.planner import build_plan

DEFAULT = LiveLocation("loc-0", "Main", True, "1")


def _desired(prune: bool) -> DesiredState:
    tee = Product(
        slug="tee",
        name="Tee",
        options=(Option("Size", ("S", "M")),),
        variants=(Variant(("S",), sku="TEE-S"), Variant(("M",), sku="SHARED")),
    )
    return DesiredState(
        locations=FrozenMap({"Main": Location("Main", is_default=True)}),
        products=FrozenMap({"tee": tee}),
        prune=Prune(products=prune),
    )


def _live() -> LiveStore:
    mug = LiveProduct(
        "p-mug",
        "mug",
        "Mug",
        "1",
        "physical",
        True,
        (LiveOption("o-1", "Colour", ("Red",)),),
        (LiveVariant("v-red", ("Red",), "SHARED", None, None, True),),
    )
    return LiveStore((DEFAULT,), (), {"mug": mug}, {})


def _refusal(prune: bool) -> str:
    with pytest.raises(PlanRefused) as refused:
        build_plan(_desired(prune), _live())
    return str(refused.value)


def test_a_new_variant_taking_a_live_sku_names_both() -> None:
    message = _refusal(prune=False)
    assert (
        'variant["tee"]["M"]: SKU "SHARED" is already used by variant["mug"]["Red"], a live '
        in (message)
    )


def test_a_sku_freed_in_the_same_run_names_who_frees_it() -> None:
    message = _refusal(prune=True)
    assert 'variant["tee"]["M"]: SKU "SHARED" is freed by product["mug"] in this same run' in (
        message
    )
