"""``apply FILE`` binds a digest of the saved plan (plan.saved_digest), not the plan read
from the file: it must bind, refuse and explain exactly as the plan would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inventory_as_code.plan.binding import bind
from inventory_as_code.plan.model import Action, Change, Kind, Observed, Plan
from inventory_as_code.plan.saved import read_plan_file, write_plan_file
from inventory_as_code.plan.saved_digest import digest
from tests.apply.conftest import Shop

STORE = """
locations:
  Online store: {default: true}
  Back room: {}
products:
  poster:
    name: Poster
    price: "9.00"
    sku: POSTER
    stock: {Online store: {quantity: 5, policy: set}, Back room: 2}
  mug:
    name: Mug
    price: "4.00"
    options: {Size: [S, L]}
    variants:
      S: {sku: MUG-S}
      L: {sku: MUG-L, price: "5.00"}
    stock: {Online store: 3}
"""


def _saved(plan: Plan, tmp_path: Path, edit: Any = None) -> Plan:
    """The plan as ``apply FILE`` reads it back (JSON lists for tuples), optionally edited."""
    path = tmp_path / "plan.json"
    write_plan_file(plan, path)
    if edit is not None:
        data = json.loads(path.read_text(encoding="utf-8"))
        edit(data)
        data.pop("checksum")
        path.write_text(json.dumps(Plan.from_dict(data).to_dict()), encoding="utf-8")
    saved, _ = read_plan_file(path)
    return saved


def _changed_store(shop: Shop) -> Plan:
    shop.write("store.yaml", STORE)
    assert shop.apply().exit_code == 0
    shop.write(
        "store.yaml",
        STORE.replace("quantity: 5,", "quantity: 7,")
        .replace('price: "5.00"', 'price: "5.50"')
        .replace("name: Mug", "name: Big mug"),
    )
    return shop.plan()


def test_a_digest_binds_every_change_with_the_saved_revision_and_before(
    shop: Shop, tmp_path: Path
) -> None:
    fresh = _changed_store(shop)
    assert len(fresh.changes) == 3
    saved = _saved(fresh, tmp_path)
    binding = bind(digest(saved), fresh)
    assert not binding.differences and not binding.foreign and not binding.skipped
    assert not binding.unreviewed
    assert binding.changes == fresh.changes  # same revisions, same before: the same changes
    assert [c.before for c in binding.changes] == [c.before for c in saved.changes]


def test_an_edited_after_is_told_as_the_plan_and_the_yaml_say_it(
    shop: Shop, tmp_path: Path
) -> None:
    fresh = _changed_store(shop)

    def edit(data: dict[str, Any]) -> None:
        for change in data["changes"]:
            if change["kind"] == "stock":
                change["after"]["quantity"] = 999
            if change["kind"] == "variant":
                change["after"]["price"] = "0.01"
                change["after"]["sku"] = "MUG-\u00c4"

    binding = bind(digest(_saved(fresh, tmp_path, edit)), fresh)
    assert [str(d) for d in binding.differences] == [
        'variant["mug"]["L"] (update): price: plan "0.01", YAML now "5.50"; '
        'sku: plan "MUG-\\u00c4", YAML now "MUG-L"',
        'stock["poster"]["(default)"]["Online store"] (update): quantity: plan 999, YAML now 7',
    ]


def test_a_change_of_another_store_and_a_saved_change_no_longer_made(
    shop: Shop, tmp_path: Path
) -> None:
    fresh = _changed_store(shop)

    def edit(data: dict[str, Any]) -> None:
        for change in data["changes"]:
            if change["kind"] == "product":
                change["keys"]["product_id"] = "0" * 36
        data["changes"].append(
            {
                "address": 'product["gone"]',
                "kind": "product",
                "action": "delete",
                "before": {"name": "Gone", "variants": 1},
                "after": None,
                "keys": {"slug": "gone", "product_id": "p-gone"},
                "observed": {"id": "p-gone", "revision": "4", "values": {}},
            }
        )
        data["changes"].append(dict(data["changes"][0]))  # listed twice

    binding = bind(digest(_saved(fresh, tmp_path, edit)), fresh)
    (foreign,) = binding.foreign
    assert str(foreign).startswith('product["mug"] (update): product_id "00000000')
    assert str(foreign).endswith("in the store")
    assert [(c.address, c.action) for c in binding.skipped] == [('product["gone"]', Action.DELETE)]
    assert [d.detail for d in binding.differences] == ["listed twice"]


def test_a_move_is_bound_by_its_rule_and_told_by_all_of_its_after() -> None:
    def move(units: int, at_least: int) -> Change:
        return Change(
            Kind.MOVE,
            Action.CREATE,
            'move["tee"]["(default)"]["Shop"]',
            None,
            {"units": units, "at_least": at_least, "refill_from": "Warehouse"},
            observed=Observed("item-1", "3"),
        )

    fresh = Plan(changes=(move(4, 2),))
    same_rule = Plan.from_dict(json.loads(json.dumps(Plan(changes=(move(9, 2),)).to_dict())))
    assert bind(digest(same_rule), fresh).changes == fresh.changes
    other_rule = Plan.from_dict(json.loads(json.dumps(Plan(changes=(move(9, 5),)).to_dict())))
    (difference,) = bind(digest(other_rule), fresh).differences
    assert difference.detail == "at_least: plan 5, YAML now 2; units: plan 9, YAML now 4"
