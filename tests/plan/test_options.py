"""Store options in the plan: one change per shared option, naming every product it reaches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inventory_as_code.config.rails import RailAcceptance
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.plan.guard_rails import GuardRailSettings
from inventory_as_code.plan.model import Action, Kind, Plan
from inventory_as_code.plan.planner import PlanOptions, build_plan
from tests.plan.cases import LOCATIONS
from tests.plan.helpers import desired_from, live_from, product

COLORS = {"Black": "#000000", "White": "#FFFFFF"}


def tee(colors: dict[str, str] = COLORS) -> dict[str, Any]:
    return product(
        "tee",
        name="Tee",
        options={"Color": list(colors)},
        swatches={"Color": colors},
        variants={c: {"sku": f"TEE-{c}"} for c in colors},
    )


def hoodie() -> dict[str, Any]:
    return product(
        "hoodie",
        name="Hoodie",
        options={"Color": ["Black"]},
        swatches={"Color": {"Black": "#000000"}},
        variants={"Black": {"sku": "HOOD-Black"}},
    )


TEE = """\
  tee:
    name: Tee
    options:
      Color: {swatches: {Black: "#111111", White: "#FFFFFF"}}
    sku: TEE-{Color}
"""
HOODIE = "  hoodie:\n    name: Hoodie\n    options: {Color: [Black]}\n    sku: HOOD-{Color}\n"


def plan(
    tmp_path: Path, products: str, seed: list[dict[str, Any]], extra: str = "", **options: Any
) -> Plan:
    files = {"store.yaml": LOCATIONS + extra, "products.yaml": "products:\n" + products}
    desired = desired_from(tmp_path / "shop", files)
    return build_plan(desired, live_from({"products": seed}), PlanOptions(**options))


def test_a_recolour_in_one_product_is_one_change_on_the_option_listing_both(
    tmp_path: Path,
) -> None:
    done = plan(tmp_path, TEE + HOODIE, [tee(), hoodie()])
    assert [(c.kind, c.action, c.address) for c in done.changes] == [
        (Kind.OPTION, Action.UPDATE, 'option["Color"]')
    ]
    (change,) = done.changes
    assert [(f.field, f.before, f.after) for f in change.fields] == [
        ("swatches.Black", "#000000", "#111111")
    ]
    assert set(change.keys["products"]) == {"tee", "hoodie"}
    assert change.keys["unmanaged"] == [] and done.guard_rails == ()


def test_a_choice_rename_reaches_an_unmanaged_product_behind_a_rail(tmp_path: Path) -> None:
    yaml = TEE.replace("White", "Ivory")
    moved = "moved:\n  - choice: {option: Color, from: White, to: Ivory}\n"
    other = product(
        "scarf",
        options={"Color": ["White"]},
        swatches={"Color": {"White": "#FFFFFF"}},
        variants={"White": {}},
    )
    done = plan(tmp_path, yaml + HOODIE, [tee(), hoodie(), other], moved)
    option = done.changes[0]
    assert option.address == 'option["Color"]'
    assert ("choice[White]", "White", "Ivory") in [
        (f.field, f.before, f.after) for f in option.fields
    ]
    assert option.keys["unmanaged"] == ["scarf"]
    # The tee's variants are matched under the new name: their SKUs follow the template.
    assert {c.address for c in done.changes[1:]} == {'variant["tee"]["Ivory"]'}
    (rail,) = done.guard_rails
    assert rail.code == "SHARED_OPTION_UNMANAGED" and rail.addresses == ('product["scarf"]',)
    assert rail.accepted is None
    accepted = GuardRailSettings(
        accept=(RailAcceptance("SHARED_OPTION_UNMANAGED", 1, "scarf too"),)
    )
    again = plan(tmp_path, yaml + HOODIE, [tee(), hoodie(), other], moved, guard_rails=accepted)
    assert again.guard_rails[0].accepted is not None


def test_new_choices_alone_change_no_product_and_trip_nothing(tmp_path: Path) -> None:
    yaml = TEE.replace('"#111111"', '"#000000"').replace("}}", ', Red: "#FF0000"}}')
    other = product(
        "scarf",
        options={"Color": ["Black"]},
        swatches={"Color": {"Black": "#000000"}},
        variants={"Black": {}},
    )
    done = plan(tmp_path, yaml, [tee(), other])
    option = done.changes[0]
    assert option.keys["added"] == ["Red"] and option.keys["unmanaged"] == []
    assert [r.code for r in done.guard_rails] == ["VARIANT_WITHOUT_PRICE"]  # no option rail
    # The tee picks the new choice: its own change, a new variant.
    assert 'variant["tee"]["Red"]' in {c.address for c in done.changes}


def test_a_new_option_is_created_once_for_every_product(tmp_path: Path) -> None:
    yaml = "  mug:\n    name: Mug\n    options: {Size: [S, M]}\n" + (
        "  cup:\n    name: Cup\n    options: {Size: [M, L]}\n"
    )
    done = plan(tmp_path, yaml, [])
    creates = [c for c in done.changes if c.kind is Kind.OPTION]
    assert [(c.address, c.after) for c in creates] == [
        ('option["Size"]', {"name": "Size", "render_type": "text", "choices": ["S", "M", "L"]})
    ]
    assert creates[0].keys["users"] == ["cup", "mug"] or set(creates[0].keys["users"]) == {
        "cup",
        "mug",
    }
    products = [c for c in done.changes if c.kind is Kind.PRODUCT]
    assert all("swatches" not in (c.after or {}) for c in products)


@pytest.mark.parametrize(
    ("yaml", "message", "fix"),
    [
        (
            TEE.replace("White", "white"),
            'the YAML writes choice "white", the store has "White"',
            "moved: [{choice: {option: Color, from: White, to: white}}]",
        ),
        (
            TEE.replace("Color", "color"),
            'the YAML writes "color", the store has "Color"',
            "moved: [{option: {from: Color, to: color}}]",
        ),
        (
            TEE.replace('"#111111"', '"#000000"')
            + "  mug:\n    name: Mug\n    options: {Color: [Blue]}\n",
            "the new choice(s) Blue need a colour",
            "swatches",
        ),
    ],
)
def test_what_wix_would_refuse_is_refused(
    tmp_path: Path, yaml: str, message: str, fix: str
) -> None:
    with pytest.raises(PlanRefused) as caught:
        plan(tmp_path, yaml, [tee()])
    (refusal,) = caught.value.refusals
    assert refusal.address.lower() == 'option["color"]'
    assert message in refusal.message and fix in refusal.fix


def test_an_option_cannot_grow_past_100_choices(tmp_path: Path) -> None:
    live = product("tee", options={"Size": [str(n) for n in range(99)]}, variants={"0": {}})
    yaml = "  tee:\n    options: {Size: ['0', X1, X2]}\n"
    with pytest.raises(PlanRefused) as caught:
        plan(tmp_path, yaml, [live])
    assert "would have 101 choices" in caught.value.refusals[0].message


def test_a_render_type_wix_cannot_change_is_unresolved(tmp_path: Path) -> None:
    live = product("tee", options={"Color": ["Black"]}, variants={"Black": {}})
    yaml = '  tee:\n    options:\n      Color: {swatches: {Black: "#000000"}}\n'
    done = plan(tmp_path, yaml, [live])
    assert [(u.address, u.field, u.live, u.desired) for u in done.unresolved] == [
        ('option["Color"]', "render_type", "text", "swatches")
    ]
    assert done.changes == ()


def test_a_product_target_plans_the_options_it_needs(tmp_path: Path) -> None:
    done = plan(tmp_path, TEE + HOODIE, [tee(), hoodie()], targets=('product["hoodie"]',))
    assert [c.address for c in done.changes] == ['option["Color"]']
    done = plan(tmp_path, TEE + HOODIE, [tee(), hoodie()], targets=('option["Color"]',))
    assert [c.address for c in done.changes] == ['option["Color"]']
