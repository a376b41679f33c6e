"""A refill whose items the same apply creates: one plan, one apply.

The contract (:mod:`inventory_as_code.acceptance.contract`) holds apply to the plan here.
"""

from __future__ import annotations

from pathlib import Path

from inventory_as_code.acceptance.contract import problems_against_plan, snapshot
from inventory_as_code.plan.model import Kind
from tests.refills.shop import shop

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
