"""A refill whose items the same apply creates or switches to counting: one plan, one apply.

Apply writes stock (creates, tracking switches) before it moves, so a move counts from
what those writes give its items, and the plan shows that move now, not in the next plan.
The contract (:mod:`inventory_as_code.acceptance.contract`) holds apply to the plan here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inventory_as_code.acceptance.contract import problems_against_plan, snapshot
from inventory_as_code.plan.model import Kind
from inventory_as_code.plan.render_text import render_text
from tests.refills.shop import shop

BEFORE = """
locations:
  Main: {default: true}
  Outlet: {}
products:
  tee:
    name: Tee
    sku: TEE
    price: "10.00"
    stock:
      Main: false
      Outlet: true
"""


@pytest.mark.parametrize(
    "outlet",
    ["", "      Outlet: false\n"],
    ids=["the source created", "the source switched too"],
)
def test_a_refill_that_switches_its_place_to_counting_moves_in_the_same_apply(
    tmp_path: Path, outlet: str
) -> None:
    with shop(tmp_path, BEFORE.replace("      Outlet: true\n", outlet)) as s:
        assert s.apply().exit_code == 0
        s.write(
            BEFORE.replace("Main: false", "Main: {at_least: 14, refill_from: Outlet}").replace(
                "Outlet: true", "Outlet: 3"
            )
        )
        plan = s.plan()
        text = render_text(plan, detailed=True).plain
        # Main tracks in_stock now: the switch gives it 0, and the move raises it.
        assert "Main 0 -> 3 (+3) from Outlet 3 -> 0; 11 short of 14" in text
        before = snapshot(s.client)
        assert s.apply(plan).exit_code == 0
        assert problems_against_plan(plan, before, snapshot(s.client)) == []
        assert s.units() == {"Main": 3, "Outlet": 0}
        again = s.plan()
        assert again.in_sync, [(c.address, c.before, c.after) for c in again.changes]
        assert any(n.code == "REFILL_SHORT" for n in again.notes)


NEW_SOURCE = """
locations:
  Main: {default: true}
  Outlet: {}
products:
  tee:
    name: Tee
    sku: TEE
    price: "10.00"
    stock:
      Main: {at_least: 1, refill_from: Outlet}
      Outlet: 1
"""


def test_the_contract_counts_a_move_between_items_the_same_apply_creates(
    tmp_path: Path,
) -> None:
    # Both items are new, one at the default location, which Wix names "Online store".
    with shop(tmp_path, NEW_SOURCE) as s:
        plan = s.plan()
        (move,) = [c for c in plan.changes if c.kind is Kind.MOVE]
        assert (move.before, move.after["units"]) == (  # type: ignore[index]
            {"quantity": 0, "source_quantity": 1},
            1,
        )
        before = snapshot(s.client)
        assert s.apply(plan).exit_code == 0
        after = snapshot(s.client)
        assert s.units() == {"Main": 1, "Outlet": 0}
        assert problems_against_plan(plan, before, after) == []
        assert s.plan().in_sync
        # The contract still sees a move that went wrong: the unit never reached Main.
        (main,) = [k for k, v in after.items() if k[0] == "stock" and v["location"] != "Outlet"]
        lost = {**after, main: {**after[main], "quantity": 0}}
        assert problems_against_plan(plan, before, lost) == [
            "('tee', (), 'Outlet'): 1 -> 0, but 0 unit(s) were moved out"
        ]


TWO_OPTIONS = """
locations:
  Main: {default: true}
  Outlet: {}
products:
  tee:
    name: Tee
    options: {Size: [S, M], Color: [Black]}
    sku: TEE-{Size}-{Color}
    price: "10.00"
    stock:
      Main: {at_least: 2, refill_from: Outlet}
      Outlet: 5
"""


def test_the_contract_finds_the_items_of_variants_with_two_options(tmp_path: Path) -> None:
    # A plan names a variant by its choices in option order (M/Black); the contract finds
    # its items whatever the order, at both ends of each move.
    with shop(tmp_path, TWO_OPTIONS) as s:
        plan = s.plan()
        assert len([c for c in plan.changes if c.kind is Kind.MOVE]) == 2
        before = snapshot(s.client)
        assert s.apply(plan).exit_code == 0
        assert problems_against_plan(plan, before, snapshot(s.client)) == []
        assert s.units("TEE-M-Black") == {"Main": 2, "Outlet": 3}
        assert s.plan().in_sync


def test_a_refill_whose_source_no_other_change_names_finds_its_source(tmp_path: Path) -> None:
    """Main created and refilled from an Outlet the plan does not otherwise touch: the
    move learns the Outlet's id from its own keys (it was not attempted: 'its stock at
    both locations must exist first'; found by the contract property test)."""
    only_outlet = BEFORE.replace("      Main: false\n", "").replace("Outlet: true", "Outlet: 5")
    with shop(tmp_path, only_outlet) as s:
        assert s.apply().exit_code == 0
        s.write(
            only_outlet.replace(
                "      Outlet: 5\n",
                "      Outlet: {quantity: 0, policy: initial}\n"
                "      Main: {at_least: 2, refill_from: Outlet}\n",
            )
        )
        plan = s.plan()
        assert [c.kind for c in plan.changes] == [Kind.STOCK, Kind.MOVE], plan.changes
        before = snapshot(s.client)
        assert s.apply(plan).exit_code == 0
        assert problems_against_plan(plan, before, snapshot(s.client)) == []
        assert s.units() == {"Main": 2, "Outlet": 3}
        assert s.plan().in_sync
