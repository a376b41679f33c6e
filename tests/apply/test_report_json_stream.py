"""The apply report's JSON (``--report-json``, ``--format json``) is written outcome by
outcome; the text must be exactly ``json.dumps(report.to_dict(), indent=2)``."""

from __future__ import annotations

import json

import pytest

from inventory_as_code._terminal import safe_json
from inventory_as_code.apply.report import ApplyReport, Inconsistency, Outcome, Status
from inventory_as_code.plan.model import Action


def _reports() -> list[ApplyReport]:
    empty = ApplyReport()
    one = ApplyReport(calls={"products.bulk-create": 1}, planned_write_calls=1, seconds=0.1234)
    one.set(Outcome('product["mug"]', Action.CREATE, Status.APPLIED))
    mixed = ApplyReport(
        calls={"inventory-items.bulk-update": 2, "products.query": 1},
        verified=True,
        inconsistencies=[
            Inconsistency('product["mug"]', "name", "Mug", "Tasse ☕", False, "plan again"),
            Inconsistency('stock["mug"]["(default)"]["Shop"]', "quantity", 3, None, True),
        ],
    )
    mixed.set(Outcome('product["zebra"]', Action.UPDATE, Status.APPLIED))
    mixed.set(Outcome('product["b\u00e4r"]', Action.DELETE, Status.FAILED, "E1", "no\nway"))
    mixed.set(
        Outcome('stock["a"]["(default)"]["Shop"]', Action.SWITCH_TRACKING, Status.STALE, "R", "")
    )
    mixed.set(Outcome('variant["a"]["\x1b[31m"]', Action.CREATE, Status.NOT_ATTEMPTED, "", "x"))
    refused = ApplyReport(refused=True)
    refused.set(Outcome('location["Shop"]', Action.CREATE, Status.UNKNOWN, "OUTCOME_UNKNOWN"))
    return [empty, one, mixed, refused]


@pytest.mark.parametrize("report", _reports())
def test_the_streamed_report_is_the_report_as_one_string(report: ApplyReport) -> None:
    assert "".join(report.json_chunks()) == json.dumps(report.to_dict(), indent=2)
    terminal = "".join(report.json_chunks(lambda value: safe_json(value, indent=2)))
    assert terminal == safe_json(report.to_dict(), indent=2)
    assert json.loads("".join(report.json_chunks())) == report.to_dict()
