"""A fleet's one exit code, combining the shards' reports, and the one comment.

Pure data: site results as a run (or a report read back) holds them.
"""

from __future__ import annotations

import json

import pytest

from inventory_as_code.fleet.outcome import Outcome, SiteResult, fleet_exit_code
from inventory_as_code.fleet.render import fleet_markdown
from inventory_as_code.fleet.report import FleetReport, ReportError, combine, read_report
from inventory_as_code.fleet.shard import Shard, ShardError, parse_shard


def sites(*outcomes: Outcome) -> list[SiteResult]:
    return [SiteResult(f"site-{i}", outcome) for i, outcome in enumerate(outcomes)]


@pytest.mark.parametrize(
    ("command", "detailed", "outcomes", "code"),
    [
        ("plan", True, (Outcome.NO_CHANGES, Outcome.UNTOUCHED), 0),
        ("plan", True, (Outcome.NO_CHANGES, Outcome.CHANGES), 2),
        ("plan", True, (Outcome.CHANGES, Outcome.ERROR), 1),
        ("plan", True, (Outcome.CHANGES, Outcome.ERROR, Outcome.RAILS), 4),  # any site's rail: 4
        ("plan", False, (Outcome.CHANGES, Outcome.RAILS), 0),
        ("plan", False, (Outcome.CHANGES, Outcome.ERROR), 1),
        ("apply", True, (Outcome.APPLIED, Outcome.NO_CHANGES, Outcome.UNTOUCHED), 0),
        ("apply", True, (Outcome.APPLIED, Outcome.ERROR), 3),  # one failed while another applied
        ("apply", True, (Outcome.NO_CHANGES, Outcome.ERROR), 1),
        ("apply", True, (Outcome.APPLIED, Outcome.PARTIAL), 3),
        ("apply", True, (Outcome.APPLIED, Outcome.PARTIAL, Outcome.REFUSED), 4),
    ],
)
def test_the_fleets_exit_code_follows_the_single_site_rules(
    command: str, detailed: bool, outcomes: tuple[Outcome, ...], code: int
) -> None:
    assert fleet_exit_code(sites(*outcomes), command, detailed=detailed) == code


def shard_report(index: int, count: int, *names: str) -> FleetReport:
    results = [SiteResult(n, Outcome.CHANGES, summary=f"Plan: 1 to create ({n}).") for n in names]
    return FleetReport("plan", results, [Shard(index, count)])


def test_reports_read_back_and_combine_into_one_with_every_site_once() -> None:
    given = [shard_report(2, 2, "fr"), shard_report(1, 2, "outlet", "de")]
    read = [(f"r{i}", read_report(json.dumps(r.to_dict()), f"r{i}")) for i, r in enumerate(given)]
    combined = combine(read)
    assert [s.name for s in combined.sites] == ["de", "fr", "outlet"]
    assert [str(s) for s in combined.shards] == ["1/2", "2/2"] and not combined.notes
    assert combined.exit_code == 2


def test_a_missing_shard_is_said_and_a_site_twice_or_another_n_is_refused() -> None:
    (note,) = combine([("r1", shard_report(1, 3, "de"))]).notes
    assert "2 of 3 shards are missing (2/3, 3/3)" in note
    with pytest.raises(ReportError, match="site de is in both r1 and r2"):
        combine([("r1", shard_report(1, 2, "de")), ("r2", shard_report(2, 2, "de"))])
    with pytest.raises(ReportError, match="different numbers of shards"):
        combine([("r1", shard_report(1, 2, "de")), ("r2", shard_report(2, 3, "fr"))])
    with pytest.raises(ReportError, match="not a fleet report"):
        read_report('{"summary": {}}', "apply.json")


def test_the_comment_fits_by_leaving_out_whole_sites_never_the_table_or_the_rails() -> None:
    big = "x" * 4_000
    results = [
        SiteResult(f"shop-{i:02}", Outcome.CHANGES, summary="Plan: 1 to create.", markdown=big)
        for i in range(20)
    ]
    results.append(SiteResult("risky", Outcome.RAILS, rails=("DELETE_SHARE (products)",)))
    results.append(SiteResult("quiet", Outcome.UNTOUCHED))
    text = fleet_markdown(FleetReport("plan", results), limit=20_000)
    assert len(text) <= 20_000
    assert text.startswith("<!-- inventory-as-code fleet plan -->")
    assert "`risky`: DELETE\\_SHARE (products)" in text  # what needs someone, always
    assert text.count("| `shop-") == 20  # every site has its row
    assert "Untouched by this change (1): `quiet`" in text
    assert "site section(s) left out to fit a GitHub comment" in text


def test_a_shard_is_i_of_n() -> None:
    assert parse_shard(" 2 / 8 ") == Shard(2, 8)
    for wrong in ("0/3", "4/3", "a/b", "3", "1/0"):
        with pytest.raises(ShardError):
            parse_shard(wrong)
