"""Refill rules in process: what validate refuses, what plan proposes, what apply moves."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

from inventory_as_code.apply.report import Status
from inventory_as_code.config import load_project
from inventory_as_code.config.loader import check_project
from inventory_as_code.emulator._util import utcnow
from inventory_as_code.live import read_live_store
from inventory_as_code.live.model import LiveInventoryItem, LivePreorder
from inventory_as_code.live.move_records import (
    IN_FLIGHT_SECONDS,
    MoveRecord,
    MoveState,
    new_record_body,
    parse_record,
    read_move_records,
)
from inventory_as_code.plan.guard_rails import GuardRailSettings, check_guard_rails
from inventory_as_code.plan.model import Kind
from inventory_as_code.plan.pending_moves import CLEAR, GIVE, WAIT, resolve
from inventory_as_code.plan.render_text import render_text
from tests.refills.shop import STORE, shop

INVALID = """
locations:
  Main: {default: true}
  Warehouse: {}
  Outlet: {}
products:
  typo:
    stock: {Main: {at_least: 5, refill_from: Warehous}, Warehouse: 9}
  itself:
    stock: {Main: {at_least: 5, refill_from: Main}}
  no-floor:
    stock: {Main: {quantity: 5, refill_from: Warehouse}, Warehouse: 9}
  unstocked:
    stock: {Main: {at_least: 5, refill_from: Outlet}}
  counted-nowhere:
    stock: {Main: {at_least: 5, refill_from: Warehouse}, Warehouse: true}
  owned-by-git:
    stock: {Main: {at_least: 5, refill_from: Warehouse}, Warehouse: {quantity: 9, policy: set}}
  both:
    stock: {Main: {at_least: 5, quantity: 4}}
  cycle:
    stock:
      Main: {at_least: 5, refill_from: Warehouse}
      Warehouse: {at_least: 2, refill_from: Main}
"""


def test_validate_names_every_refill_that_cannot_work(tmp_path: Path) -> None:
    (tmp_path / "store.yaml").write_text(textwrap.dedent(INVALID))
    problems = [f"{p.line}:{p.column} {p.message}" for p in check_project(tmp_path).problems]
    assert problems == [
        '8:46 typo at "Main" refills from "Warehous", which is not a declared location (did you '
        'mean "Warehouse"?); declared locations are Main, Outlet, Warehouse.',
        '10:46 itself at "Main" refills from itself.',
        '12:46 no-floor at "Main" refills from "Warehouse" but has no floor to refill to '
        "(policy initial).",
        '14:46 unstocked at "Main" refills from "Outlet", but the YAML gives unstocked no stock '
        'at "Outlet" to take it from.',
        '16:46 counted-nowhere at "Main" refills from "Warehouse", where counted-nowhere tracks '
        "in_stock (no count to take units from).",
        '18:46 owned-by-git at "Main" refills from "Warehouse", whose quantity is set by the '
        "YAML (policy set): every unit moved out would be put back by the next plan, from "
        "nothing.",
        "20:30 both at_least and quantity are given; at_least: N means quantity N with policy "
        "at_least.",
        '23:40 cycle refills in a cycle: "Main" from "Warehouse" from "Main"; the same units '
        "would move back and forth.",
        '24:45 cycle refills in a cycle: "Warehouse" from "Main" from "Warehouse"; the same '
        "units would move back and forth.",
    ]


def test_a_refill_moves_units_once_and_a_second_apply_moves_nothing(tmp_path: Path) -> None:
    with shop(tmp_path) as s:
        first = s.plan()
        move = next(c for c in first.changes if c.kind is Kind.MOVE)
        # The item at Main is created empty: its units come from the warehouse, in one apply.
        assert (dict(move.before or {}), move.after["units"]) == (  # type: ignore[index]
            {"quantity": 0, "source_quantity": 30},
            10,
        )
        assert s.apply(first).exit_code == 0
        assert s.units() == {"Main": 10, "Warehouse": 20}
        assert s.plan().in_sync
        s.sell("Main", 6)
        plan = s.plan()
        (move,) = plan.changes
        assert (
            render_text(plan, show_notes=False).plain.splitlines()[0]
            == '  ~ product["tee"]  Main 4 -> 10 (+6) from Warehouse 20 -> 14  # store.yaml:11:24, '
            "store.yaml:11:41"
        )
        report = s.apply(plan)
        assert report.exit_code == 0
        outcome = report.outcomes[move.address]
        assert (outcome.code, outcome.message) == ("", "moved 6: Main 4 -> 10, Warehouse 20 -> 14")
        assert s.units() == {"Main": 10, "Warehouse": 14}
        assert s.records() == 0  # every record of a finished move is gone
        again = s.plan()
        assert again.in_sync
        assert s.apply(plan).outcomes[move.address].code == "NOTHING_TO_MOVE"
        assert s.units() == {"Main": 10, "Warehouse": 14}


SHORT = """
locations:
  Main: {default: true}
  Outlet: {}
  Warehouse: {}
products:
  tee:
    name: Tee
    sku: TEE
    price: "10.00"
    stock:
      Main: {at_least: 10, refill_from: Warehouse}
      Outlet: {at_least: 4, refill_from: Warehouse}
      Warehouse: {at_least: 5}
"""


def test_a_source_gives_only_what_it_holds_above_its_floor_and_says_so(tmp_path: Path) -> None:
    with shop(tmp_path, SHORT) as s:
        plan = s.plan()
        moves = {c.keys["location"]: c for c in plan.changes if c.kind is Kind.MOVE}
        # The warehouse is created at its floor (5): nothing above it to give.
        assert moves == {}
        assert any(n.code == "REFILL_SHORT" for n in plan.notes)
        assert s.apply(plan).exit_code == 0
        s.write(SHORT.replace("Warehouse: {at_least: 5}", "Warehouse: {at_least: 12}"))
        s.apply()  # tops the warehouse up to 12 (at_least, no refill): 7 above its new floor of 5
        s.write(SHORT)
        plan = s.plan()
        moves = {c.keys["location"]: c for c in plan.changes if c.kind is Kind.MOVE}
        text = render_text(plan, detailed=True).plain
        # Main (first by name) takes all 7 it can, partly; Outlet gets nothing: noted.
        assert (
            'refill["tee"]["(default)"]["Main"]  Main 0 -> 7 (+7) from Warehouse 12 -> 5; ' in text
        )
        assert "3 short of 10: Warehouse keeps 5 (its floor)" in text
        assert set(moves) == {"Main"} and moves["Main"].after["shortfall"] == 3  # type: ignore[index]
        note = next(n.message for n in plan.notes if n.code == "REFILL_SHORT")
        assert '"Outlet" needs 4, "Warehouse" has 0 above its floor of 5 (5 held)' in note
        assert s.apply(plan).exit_code == 0
        assert s.units() == {"Main": 7, "Outlet": 0, "Warehouse": 5}


TWO = """
locations:
  Main: {default: true}
  Outlet: {}
  Warehouse: {}
products:
  tee:
    name: Tee
    sku: TEE
    price: "10.00"
    stock:
      Main: {at_least: 10, refill_from: Warehouse}
      Outlet: {at_least: 4, refill_from: Warehouse}
      Warehouse: 30
"""


def test_two_places_refilled_from_one_source_are_written_one_after_the_other(
    tmp_path: Path,
) -> None:
    with shop(tmp_path, TWO) as s:
        plan = s.plan()
        text = render_text(plan, detailed=True).plain
        assert "Main 0 -> 10 (+10) from Warehouse 30 -> 20" in text
        assert "Outlet 0 -> 4 (+4) from Warehouse 20 -> 16" in text
        s.emulator.clear_requests()
        assert s.apply(plan).exit_code == 0
        assert s.units() == {"Main": 10, "Outlet": 4, "Warehouse": 16}
        # The warehouse item is written once per round: two rounds of the protocol.
        routes = [e["route"] for e in s.emulator.requests() if e["method"] != "GET"]
        assert routes.count("customizations.bulk-create") == 2


def _item(revision: str, quantity: int) -> LiveInventoryItem:
    return LiveInventoryItem(
        "x", revision, "p", "v", "l", "quantity", quantity, None, LivePreorder(False, None, 0, 0)
    )


def _record(state: MoveState, age: float) -> MoveRecord:
    return MoveRecord("r", "1", state, "7", 24, "x", "y", 6, "t", age_s=age)


def test_a_record_is_resolved_from_the_revision_the_item_is_at() -> None:
    old, young = IN_FLIGHT_SECONDS + 1, 5.0
    take, give = MoveState.TAKE, MoveState.GIVE
    cases = [
        # (record, the item its write went to) -> what to do, and whether it is a guess
        ((take, young), _item("7", 30), (WAIT, False)),  # its apply is still running
        ((take, old), _item("7", 30), (CLEAR, False)),  # announced, never written
        ((take, old), _item("8", 24), (GIVE, False)),  # taken, never given
        ((take, old), _item("9", 22), (CLEAR, True)),  # cannot tell: never add what may not be
        ((give, old), _item("7", 4), (GIVE, False)),  # never given
        ((give, old), _item("8", 24), (CLEAR, False)),  # given: only the record is left
        ((give, old), _item("9", 23), (CLEAR, True)),  # cannot tell: never give twice
    ]
    for (state, age), item, expected in cases:
        record = _record(state, age)
        items = {record.source_item if state is take else record.destination_item: item}
        got = resolve(record, items)
        assert (got.action, got.uncertain) == expected, (state, age, item)
    assert resolve(_record(give, old), {}).action == CLEAR  # the item is gone


def test_a_record_reads_back_as_it_was_written() -> None:
    body = new_record_body("src-item", "dst-item", 6, "abcd1234", "41", 24)
    raw = {**body, "id": "c1", "revision": "1", "updatedDate": "2020-01-01T00:00:00.000Z"}
    record = parse_record(raw)
    assert record is not None
    assert (record.state, record.guard, record.quantity) == (MoveState.TAKE, "41", 24)
    assert (record.source_item, record.destination_item, record.units) == (
        "src-item",
        "dst-item",
        6,
    )
    assert not record.in_flight
    # Anything else in the site's customizations is not a record.
    assert parse_record({**raw, "customizationType": "PRODUCT_OPTION"}) is None
    assert parse_record({**raw, "name": "Gift message"}) is None


def test_a_move_left_half_done_is_finished_once_by_whoever_plans_next(tmp_path: Path) -> None:
    # The store's clock an hour behind: records look old, as after a job killed long ago.
    with shop(tmp_path, clock=lambda: utcnow() - timedelta(hours=1)) as s:
        assert s.apply().exit_code == 0
        s.sell("Main", 6)
        s.half_done(6)
        assert s.units() == {"Main": 4, "Warehouse": 14}
        plan = s.plan()
        (change,) = plan.changes
        text = render_text(plan, detailed=True).plain
        assert (
            'refill["tee"]["(default)"]["Main"]  finish a half-done move: Main 4 -> 10 (+6) from '
            "Warehouse (taken from it already; it holds 14)" in text
        )
        s.sell("Main", 1)  # a sale before apply: the units go on top of it
        report = s.apply(plan)
        assert report.outcomes[change.address].status is Status.APPLIED, report.to_dict()
        assert s.units() == {"Main": 9, "Warehouse": 14}
        assert read_move_records(s.client) == ()
        # The same plan again: the record is gone, nothing is given twice.
        again = s.apply(plan).outcomes[change.address]
        assert (again.status, again.code) == (Status.STALE, "MOVE_RECORD_CHANGED")
        assert s.units() == {"Main": 9, "Warehouse": 14}
        # The next plan is an ordinary refill of the one unit sold since.
        (move,) = s.plan().changes
        assert move.after["units"] == 1  # type: ignore[index]


def test_moved_units_trip_their_own_guard_rail(tmp_path: Path) -> None:
    with shop(tmp_path, STORE.replace("at_least: 10", "at_least: 25")) as s:
        plan = s.plan()
        (rail,) = [r for r in plan.guard_rails if r.code == "MOVED_UNITS_SHARE"]
        assert rail.message == (
            "1 move(s) take 25 of the 30 units their sources hold (83%); the limit is 50% "
            "(max_moved_share)."
        )
        lenient = GuardRailSettings(max_moved_share=0.9)
        live, desired = read_live_store(s.client), load_project(s.project)
        rails = check_guard_rails(list(plan.changes), live, desired, lenient)
        assert "MOVED_UNITS_SHARE" not in [r.code for r in rails]
