"""Refills racing the store, in process: sales and another apply between the writes of a move.

Each race is staged at an exact point of the protocol (just before a given
write reaches the store), so each outcome is the one that point leads to,
every time.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from inventory_as_code.apply.report import Status
from inventory_as_code.emulator._util import utcnow
from inventory_as_code.live.move_records import read_move_records
from inventory_as_code.workflow import apply_plan
from tests.clients import emulator_client
from tests.refills.shop import SITE, Shop, shop

ITEMS_UPDATE = "/stores/v3/bulk/inventory-items/update"
RECORDS_UPDATE = "/stores/v3/bulk/customizations/update"


def test_a_sale_at_either_end_while_the_move_is_written_is_counted_not_overwritten(
    tmp_path: Path,
) -> None:
    with shop(tmp_path) as s:
        assert s.apply().exit_code == 0
        s.sell("Main", 6)
        plan = s.plan()
        (move,) = plan.changes
        s.emulator.before(
            {
                # Just before the source's write: a sale there (its revision moves on).
                (ITEMS_UPDATE, 1): lambda: s.sell("Warehouse", 2),
                # Just before the destination's write (the source is taken): a sale there.
                (ITEMS_UPDATE, 3): lambda: s.sell("Main", 1),
            }
        )
        report = s.apply(plan)
        outcome = report.outcomes[move.address]
        assert (outcome.status, outcome.code) == (Status.APPLIED, "RECOMPUTED"), report.to_dict()
        assert outcome.message == (
            "moved 6: Main 4 -> 10, Warehouse 18 -> 12; recomputed: Main held 4 and Warehouse 18 "
            "when moved (the plan saw 4 and 20); given on top of a change there since (3)"
        )
        # Both sales kept, the 6 units taken once and given once: 24 - 3 sold = 9 + 12.
        assert s.units() == {"Main": 9, "Warehouse": 12}
        assert s.records() == 0
        assert s.emulator.writes[ITEMS_UPDATE] == 4  # source refused, source, dest refused, dest
        # The unit sold at Main during the move is the next plan's refill.
        (again,) = s.plan().changes
        assert again.after["units"] == 1  # type: ignore[index]


def _half_done(s: Shop) -> None:
    """A move of 6 killed between its halves: Main 4, Warehouse 20 -> 14, never given."""
    assert s.apply().exit_code == 0
    s.sell("Main", 6)
    s.half_done(6)
    assert s.units() == {"Main": 4, "Warehouse": 14}


OLD_CLOCK = {"clock": lambda: utcnow() - timedelta(hours=1)}  # records look long abandoned


def test_two_applies_finishing_one_half_done_move_give_its_units_once(tmp_path: Path) -> None:
    with shop(tmp_path, **OLD_CLOCK) as s:
        _half_done(s)
        plan = s.plan()  # both applies run this plan: both read the record at one revision
        (change,) = plan.changes
        other = emulator_client(s.emulator, SITE)
        finished: list[Status] = []
        # The other apply runs whole just before this one's rename reaches the store.
        s.emulator.before(
            {
                (RECORDS_UPDATE, 1): lambda: finished.append(
                    apply_plan(other, plan).outcomes[change.address].status
                )
            }
        )
        report = s.apply(plan)
        assert finished == [Status.APPLIED]
        outcome = report.outcomes[change.address]
        assert (outcome.status, outcome.code) == (Status.STALE, "MOVE_TAKEN_OVER"), outcome
        assert report.exit_code == 4
        assert s.units() == {"Main": 10, "Warehouse": 14}  # given once
        assert s.records() == 0


def test_an_apply_whose_record_another_apply_renamed_first_leaves_the_move_to_it(
    tmp_path: Path,
) -> None:
    with shop(tmp_path, **OLD_CLOCK) as s:
        _half_done(s)
        plan = s.plan()
        (change,) = plan.changes
        (record,) = read_move_records(s.client)
        # Another apply's rename lands first (it goes on to give the units; this one must not).
        s.emulator.before(
            {
                (RECORDS_UPDATE, 1): lambda: s.client.customizations.bulk_rename(
                    [(record.id, record.revision, "inventory-as-code move give 9 10")]
                )
            }
        )
        outcome = s.apply(plan).outcomes[change.address]
        assert (outcome.status, outcome.code) == (Status.STALE, "MOVE_TAKEN_OVER"), outcome
        assert s.units() == {"Main": 4, "Warehouse": 14}  # nothing given by this apply
        assert s.records() == 1  # the other apply's to finish


def test_a_record_too_young_to_judge_is_left_to_its_apply_and_nothing_is_planned_over_it(
    tmp_path: Path,
) -> None:
    with shop(tmp_path) as s:  # the store's clock is now: the record was just written
        _half_done(s)
        plan = s.plan()
        assert plan.changes == ()  # Main is 6 short, but its units are on their way
        (note,) = [n.message for n in plan.notes if n.code == "MOVE_IN_PROGRESS"]
        assert note.startswith(
            "1 move(s) are being made by another apply; this plan moves nothing more there: "
            'tee into "Main": an apply is moving 6 unit(s) now (record written '
        ), note
        assert s.apply(plan).exit_code == 0
        assert s.units() == {"Main": 4, "Warehouse": 14} and s.records() == 1


def test_a_record_the_store_can_no_longer_vouch_for_is_cleared_with_a_note_never_given(
    tmp_path: Path,
) -> None:
    with shop(tmp_path, **OLD_CLOCK) as s:
        _half_done(s)
        s.sell("Warehouse", 1)  # the source written again: whether the take landed is lost
        plan = s.plan()
        (change,) = plan.changes
        (note,) = [n.message for n in plan.notes if n.code == "MOVE_UNCERTAIN"]
        assert "cannot tell whether 6 unit(s) left the source (to be set to 14 at revision" in note
        assert "assumed they did not, so none are given" in note
        assert "add them to the destination by hand" in note
        outcome = s.apply(plan).outcomes[change.address]
        assert (outcome.status, outcome.code) == (Status.APPLIED, "MOVE_RECORD_CLEARED")
        assert s.units() == {"Main": 4, "Warehouse": 13}  # never given from nothing
        assert s.records() == 0
        (move,) = s.plan().changes  # an ordinary refill from what the warehouse holds
        assert move.after["units"] == 6  # type: ignore[index]
