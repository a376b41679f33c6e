"""The rule that names a difference's cause, case by case, and how the plan shows it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from inventory_as_code.drift.classify import CLOCK_TOLERANCE, SHALLOW, classify, iso, when
from inventory_as_code.drift.history import Commit, Committed, LineState, NoHistory, Uncommitted
from inventory_as_code.model import Origin
from inventory_as_code.plan.model import Action, Cause, Change, FieldChange, Kind, Plan
from inventory_as_code.plan.plan_shape import PlanShapeError, check_plan_document
from inventory_as_code.plan.render_drift import drift_report
from inventory_as_code.plan.render_markdown import render_markdown
from inventory_as_code.plan.render_text import render_text

T = 1_760_000_000  # 2025-10-09
HOUR = 3600
OLD = Commit("a" * 40, T - 10 * HOUR)
NEW = Commit("b" * 40, T + 10 * HOUR)


def stamp(seconds: int) -> str:
    return iso(seconds).replace("Z", ".123Z")  # as Wix writes it


def change(
    kind: Kind = Kind.PRODUCT,
    action: Action = Action.UPDATE,
    *,
    policy: str | None = None,
    fields: tuple[FieldChange, ...] = (FieldChange("name", "Live", "YAML"),),
    address: str = 'product["tee"]',
) -> Change:
    keys: dict[str, Any] = {"slug": "tee"}
    if policy:
        keys["policy"] = policy
    return Change(kind, action, address, {}, {}, fields, keys=keys)


def sale(policy: str = "set", live: int = 7, desired: int = 10) -> Change:
    return change(
        Kind.STOCK,
        policy=policy,
        fields=(FieldChange("quantity", live, desired),),
        address='stock["tee"]["S"]["Main"]',
    )


CASES: list[tuple[str, Change, list[LineState], int | None, Cause, tuple[str, ...]]] = [
    ("store edit after the commit", change(), [Committed(OLD)], T, Cause.STORE, ("pull", "apply")),
    ("commit after the store", change(), [Committed(NEW)], T, Cause.YAML, ("apply",)),
    (
        "within the tolerance",
        change(),
        [Committed(Commit("c" * 40, T - CLOCK_TOLERANCE + 1))],
        T,
        Cause.UNKNOWN,
        ("pull", "apply"),
    ),
    ("not committed", change(), [Uncommitted()], T, Cause.UNCOMMITTED, ("apply",)),
    ("not committed, no date", change(), [Uncommitted()], None, Cause.UNCOMMITTED, ("apply",)),
    (
        "lines on both sides",
        change(),
        [Committed(OLD), Committed(NEW)],
        T,
        Cause.BOTH,
        ("pull", "apply"),
    ),
    ("store gives no date", change(), [Committed(OLD)], None, Cause.UNKNOWN, ("pull", "apply")),
    ("no line: a default", change(), [], T, Cause.UNKNOWN, ("pull", "apply")),
    ("no git", change(), [NoHistory("no git")], T, Cause.UNKNOWN, ("pull", "apply")),
    # A shallow clone's boundary is an upper bound: a store change after it is known...
    ("cut, store after", change(), [Committed(OLD, cut=True)], T, Cause.STORE, ("pull", "apply")),
    # ...and nothing else is.
    (
        "cut, store before",
        change(),
        [Committed(NEW, cut=True)],
        T,
        Cause.UNKNOWN,
        ("pull", "apply"),
    ),
    ("a sale of a set count", sale(), [Committed(OLD)], T, Cause.STORE, ("pull",)),
    ("a set count raised live", sale(live=12), [Committed(OLD)], T, Cause.STORE, ("pull", "apply")),
    ("an at_least top-up", sale("at_least"), [Committed(OLD)], T, Cause.STORE, ("apply",)),
    ("a raise not applied", sale(), [Committed(NEW)], T, Cause.YAML, ("apply",)),
    (
        "a new product",
        change(action=Action.CREATE),
        [Committed(OLD)],
        None,
        Cause.UNKNOWN,
        ("apply",),
    ),
    (
        "a new variant, newer than its product",
        change(Kind.VARIANT, Action.CREATE),
        [Committed(NEW)],
        T,
        Cause.YAML,
        ("apply",),
    ),
    ("a deletion", change(action=Action.DELETE), [], T, Cause.UNKNOWN, ("apply",)),
]


@pytest.mark.parametrize(
    ("name", "difference", "lines", "store", "cause", "remedy"), CASES, ids=[c[0] for c in CASES]
)
def test_the_rule(
    name: str,
    difference: Change,
    lines: list[LineState],
    store: int | None,
    cause: Cause,
    remedy: tuple[str, ...],
) -> None:
    date = None if store is None else stamp(store)
    if difference.action is Action.CREATE:
        drift = classify(difference, lines, None, date)
    else:
        drift = classify(difference, lines, date)
    assert (drift.cause, drift.remedy) == (cause, remedy)


def test_the_explanations_name_dates_and_commits() -> None:
    drift = classify(change(), [Committed(OLD)], stamp(T))
    assert drift.explanation == f"store changed on {when(T)}"
    assert (drift.store_updated, drift.yaml_commit, drift.yaml_committed) == (
        stamp(T),
        OLD.sha,
        iso(OLD.time),
    )
    drift = classify(change(), [Committed(NEW)], stamp(T))
    assert drift.explanation == f"YAML changed in bbbbbbb on {when(NEW.time)} and not applied"
    drift = classify(change(), [Committed(OLD), Uncommitted()], stamp(T))
    assert drift.explanation == f"both: store changed on {when(T)}; YAML changed, not committed"
    drift = classify(sale(), [Committed(OLD)], stamp(T))
    assert drift.explanation == f"store changed on {when(T)}, likely a sale" and drift.likely_sale
    drift = classify(sale(), [Committed(NEW, cut=True)], stamp(T))
    assert drift.explanation == f"unknown: {SHALLOW}; likely a sale" and drift.likely_sale
    drift = classify(change(action=Action.DELETE), [], stamp(T))
    assert drift.explanation == (
        f"unknown: not in the YAML: added in the store (last changed on {when(T)}), "
        "or removed from the YAML and not applied"
    )
    drift = classify(change(action=Action.CREATE), [Committed(OLD, cut=True)], None)
    assert drift.explanation == (
        "unknown: not in the store: added to the YAML and not applied, or deleted there"
    )
    drift = classify(change(action=Action.CREATE), [Committed(OLD)], None)
    assert drift.explanation == (
        f"unknown: not in the store: added to the YAML in aaaaaaa on {when(OLD.time)} "
        "and not applied, or deleted there"
    )


def test_the_plan_shows_the_causes_most_pressing_first_and_counts_them() -> None:
    quoted = replace(
        sale(),
        address='stock["men\'s-tee"]["S"]["Main"]',
        drift=classify(sale(), [Committed(OLD)], stamp(T)),
    )
    unapplied = replace(change(), drift=classify(change(), [Committed(NEW)], stamp(T)))
    many = [
        replace(
            change(address=f'product["p{n:02d}"]'),
            drift=classify(change(), [Committed(OLD)], stamp(T)),
            reason=(Origin("a.yaml", n + 1, 3),),
        )
        for n in range(40)
    ]
    plan = Plan(changes=(unapplied, quoted, *many), metadata={"drift": {"history": "shallow"}})
    report = drift_report(plan, limit=None)
    assert report is not None
    assert report.counts == "41 store changed (1 likely sale), 1 YAML changed and not applied"
    assert report.lines[-2][1] == (
        f'stock["men\'s-tee"]["S"]["Main"]: store changed on {when(T)}, likely a sale '
        '-> pull --target \'stock["men\'"\'"\'s-tee"]["S"]["Main"]\''
    )
    assert report.lines[-1][1].startswith('product["tee"]: YAML changed in bbbbbbb on')
    assert report.left == 0 and "fetch-depth: 0" in report.note
    text = render_text(plan).plain
    assert "  ... and 12 more: --detailed or --format json lists every one.\n" in text
    assert text.index("Why the store and the YAML differ") < text.index('name: "Live" -> "YAML"')
    assert "... and" not in drift_text(render_text(plan, detailed=True).plain)
    markdown = render_markdown(plan)
    assert "41 store changed (1 likely sale), 1 YAML changed and not applied." in markdown
    assert f'\n! product["p00"]: store changed on {when(T)} -> pull' in markdown
    assert "12 more: --detailed or --format json lists every one." in markdown
    # A plan made without --explain-drift shows nothing of it.
    bare = Plan(changes=(change(),))
    assert "differ" not in render_text(bare).plain and "differ" not in render_markdown(bare)


def drift_text(text: str) -> str:
    return text.split("Why the store and the YAML differ")[1].split("\n\n")[0]


def test_a_saved_plan_keeps_the_causes() -> None:
    explained = replace(change(), drift=classify(sale(), [Committed(OLD)], stamp(T)))
    plan = Plan(changes=(explained,))
    assert Plan.from_dict(plan.to_dict()) == plan


def test_a_saved_plan_with_a_cause_the_tool_never_writes_is_refused() -> None:
    body = Plan(changes=(replace(change(), drift=classify(change(), [], None)),)).to_dict()
    check_plan_document(body)
    body["changes"][0]["drift"]["remedy"] = ["rm -rf"]
    with pytest.raises(PlanShapeError, match=r"changes\[0\]\.drift\.remedy\[0\]"):
        check_plan_document(body)
