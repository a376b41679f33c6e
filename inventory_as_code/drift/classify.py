"""The rule: a difference's cause, from two dates. Pure; git and Wix were asked before.

There is no state file, so nothing records when the YAML was last applied.
What is known of each difference: when the live object last changed (its
``updatedDate``, S) and when each YAML line behind the change last changed
on the branch (its commit's committer date, Y; :mod:`.history`). An apply
made after Y would have written the YAML's value, so:

* **S after Y** (by more than :data:`CLOCK_TOLERANCE`): the object was
  written after the line was committed, yet differs from it: *the store
  changed* (a dashboard edit, another app, a sale);
* **Y after S**: the line was committed after the object last changed, so no
  apply wrote it: *the YAML changed and was not applied*;
* **within the tolerance**: the clocks of a laptop, a git server and Wix are
  not that close: *unknown*;
* a line that differs from HEAD: *the YAML changed, not committed*;
* lines of one change that disagree (a price committed before the dashboard
  edit, a name after it): *both*.

What the rule cannot see: a value changed in the YAML and then again in the
store, before any apply, reads as *store changed* (the later of the two).
A rebase rewrites committer dates: lines it moved read as committed at the
rebase. A line's date in a shallow clone is an upper bound (the boundary
commit's), so it still tells a later store change, and nothing else.

Creations and deletions have no live object to date: a creation is *the
YAML changed and not applied* when its lines are newer than the product it
joins (or not committed), and a deletion is always *unknown* (an object
added in the store, or removed from the YAML and not applied, look alike).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from inventory_as_code.drift.history import Commit, Committed, LineState, NoHistory, Uncommitted
from inventory_as_code.plan.model import Action, Cause, Change, Drift, Kind

CLOCK_TOLERANCE = 5 * 60  # seconds between two clocks that are not told apart
SHALLOW = (
    "the git history is cut short (a shallow clone): fetch the whole history "
    "(actions/checkout with fetch-depth: 0)"
)
NO_STORE_DATE = "the store gives no date for it"
NO_LINE = "no YAML line decides it (a built-in default)"
CLOSE = "the store and the YAML line changed within 5 minutes of each other"
PULL, APPLY = "pull", "apply"


class _Side(enum.Enum):
    STORE = "store"
    YAML = "yaml"
    UNCOMMITTED = "uncommitted"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class _Verdict:
    side: _Side
    commit: Commit | None = None  # the line's commit (YAML side, or the evidence)
    reason: str = ""  # for UNKNOWN


def parse_time(stamp: str | None) -> int | None:
    """Seconds since the epoch of a Wix ``updatedDate`` (None: none, or unreadable)."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def when(seconds: int) -> str:
    """``2026-11-30 14:02 UTC``: what a person reads in a report."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _line(state: LineState, store: int | None) -> _Verdict:
    if isinstance(state, Uncommitted):
        return _Verdict(_Side.UNCOMMITTED)
    if isinstance(state, NoHistory):
        return _Verdict(_Side.UNKNOWN, reason=state.reason)
    assert isinstance(state, Committed)
    commit = state.commit
    if store is not None and store > commit.time + CLOCK_TOLERANCE:
        return _Verdict(_Side.STORE, commit)
    if state.cut:  # the line may be older than its commit: nothing else can be said
        return _Verdict(_Side.UNKNOWN, reason=SHALLOW)
    if store is None:
        return _Verdict(_Side.UNKNOWN, commit, NO_STORE_DATE)
    if commit.time > store + CLOCK_TOLERANCE:
        return _Verdict(_Side.YAML, commit)
    return _Verdict(_Side.UNKNOWN, commit, CLOSE)


def _newest(verdicts: Sequence[_Verdict]) -> Commit | None:
    commits = [v.commit for v in verdicts if v.commit is not None]
    return max(commits, key=lambda c: c.time) if commits else None


def _yaml_text(verdicts: Sequence[_Verdict]) -> str:
    if any(v.side is _Side.UNCOMMITTED for v in verdicts):
        return "YAML changed, not committed"
    commit = _newest(verdicts)
    assert commit is not None
    return f"YAML changed in {commit.sha[:7]} on {when(commit.time)} and not applied"


def _drift(
    cause: Cause,
    text: str,
    remedy: tuple[str, ...],
    store: int | None,
    evidence: Commit | None,
    *,
    likely_sale: bool = False,
    store_stamp: str | None = None,
) -> Drift:
    return Drift(
        cause=cause,
        explanation=text,
        remedy=remedy,
        store_updated=store_stamp if store is not None else None,
        yaml_commit=evidence.sha if evidence else None,
        yaml_committed=iso(evidence.time) if evidence else None,
        likely_sale=likely_sale,
    )


def _went_down(change: Change) -> bool:
    """A `set` count that is now below the YAML's, and nothing else differs."""
    if change.kind is not Kind.STOCK or change.keys.get("policy") != "set":
        return False
    if [f.field for f in change.fields] != ["quantity"]:
        return False
    live, desired = change.fields[0].before, change.fields[0].after
    return isinstance(live, int) and isinstance(desired, int) and live < desired


def _update_remedy(change: Change) -> tuple[str, ...]:
    # An `at_least` count is not pulled (sales own it): its top-up is the policy's job.
    if change.kind is Kind.STOCK and change.keys.get("policy") == "at_least":
        return (APPLY,)
    return (PULL, APPLY)


def classify(
    change: Change,
    lines: Sequence[LineState],
    store_updated: str | None,
    product_updated: str | None = None,
) -> Drift:
    """The cause of one change. ``lines``: the history of each of ``change.reason``;
    ``store_updated``: the live object's date; ``product_updated``: for a creation, the
    date of the live product it joins."""
    if change.action is Action.DELETE:
        store = parse_time(store_updated)
        last = f" (last changed on {when(store)})" if store is not None else ""
        text = (
            "unknown: not in the YAML: added in the store"
            f"{last}, or removed from the YAML and not applied"
        )
        return _drift(Cause.UNKNOWN, text, (APPLY,), store, None, store_stamp=store_updated)
    if change.action is Action.CREATE:
        return _creation(change, lines, product_updated)
    store = parse_time(store_updated)
    verdicts = [_line(state, store) for state in lines]
    yaml_side = [v for v in verdicts if v.side in (_Side.YAML, _Side.UNCOMMITTED)]
    store_side = [v for v in verdicts if v.side is _Side.STORE]
    stamp = store_updated
    if yaml_side and store_side:
        assert store is not None
        text = f"both: store changed on {when(store)}; {_yaml_text(yaml_side)}"
        return _drift(
            Cause.BOTH, text, _update_remedy(change), store, _newest(yaml_side), store_stamp=stamp
        )
    if yaml_side:
        uncommitted = any(v.side is _Side.UNCOMMITTED for v in yaml_side)
        cause = Cause.UNCOMMITTED if uncommitted else Cause.YAML
        return _drift(
            cause, _yaml_text(yaml_side), (APPLY,), store, _newest(yaml_side), store_stamp=stamp
        )
    sale = _went_down(change)
    remedy = (PULL,) if sale else _update_remedy(change)
    evidence = _newest(verdicts)
    if store_side:
        assert store is not None
        text = f"store changed on {when(store)}" + (", likely a sale" if sale else "")
        return _drift(
            Cause.STORE, text, remedy, store, evidence, likely_sale=sale, store_stamp=stamp
        )
    reasons = [v.reason for v in verdicts if v.reason]
    reason = SHALLOW if SHALLOW in reasons else (reasons[0] if reasons else NO_LINE)
    text = f"unknown: {reason}" + ("; likely a sale" if sale else "")
    return _drift(Cause.UNKNOWN, text, remedy, store, evidence, likely_sale=sale, store_stamp=stamp)


def _creation(change: Change, lines: Sequence[LineState], product_updated: str | None) -> Drift:
    product = parse_time(product_updated)
    verdicts = [_line(state, product) for state in lines]
    yaml_side = [v for v in verdicts if v.side in (_Side.YAML, _Side.UNCOMMITTED)]
    if yaml_side:
        uncommitted = any(v.side is _Side.UNCOMMITTED for v in yaml_side)
        cause = Cause.UNCOMMITTED if uncommitted else Cause.YAML
        return _drift(cause, _yaml_text(yaml_side), (APPLY,), None, _newest(yaml_side))
    evidence = _newest(verdicts)
    added = (
        f" in {evidence.sha[:7]} on {when(evidence.time)}"
        if evidence is not None and not any(v.reason == SHALLOW for v in verdicts)
        else ""
    )
    text = f"unknown: not in the store: added to the YAML{added} and not applied, or deleted there"
    return _drift(Cause.UNKNOWN, text, (APPLY,), None, evidence)
