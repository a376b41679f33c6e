"""What apply did, change by change, and the exit code it earns.

Every change of the plan ends in exactly one status, so nothing hides
behind a success count:

* ``applied``: Wix confirmed it (or a re-read after a lost answer showed it).
* ``failed``: Wix refused it; ``code`` and ``message`` say why.
* ``stale``: the object changed after the plan was made (for example a
  sale); it was not overwritten. ``message`` says what changed.
* ``unknown``: the answer was lost and a re-read could not settle it.
* ``not_attempted``: never sent, because something it depends on failed,
  or the run stopped.

After the writes, every object written is read back and compared with the
plan (:mod:`.readback`): a field that differs is an *inconsistency*, "Wix did
something the plan did not say", listed with the object and field.

Exit codes: 0 all applied (and read back as planned); 1 nothing applied
because of an error (something failed or is unknown); 3 partly applied, or
applied with inconsistencies; 4 refused: nothing applied because the plan is
stale (objects moved or were created since) and what depended on them was
not attempted.
"""

from __future__ import annotations

import enum
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from inventory_as_code._terminal import safe_text
from inventory_as_code.plan.model import Action
from inventory_as_code.plan.render_common import format_value


def _indented(value: Any) -> str:
    return json.dumps(value, indent=2)


_REPORT_START = re.compile(rb'\A\s*\{\s*"summary"\s*:')


def is_report_head(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a report ``--report-json`` wrote (it may
    replace that, and nothing else)."""
    return _REPORT_START.match(head) is not None


class Status(enum.Enum):
    APPLIED = "applied"
    FAILED = "failed"
    STALE = "stale"
    UNKNOWN = "unknown"
    NOT_ATTEMPTED = "not_attempted"


@dataclass(frozen=True, slots=True)
class Outcome:
    address: str
    action: Action
    status: Status
    code: str = ""
    message: str = ""


@dataclass(frozen=True, slots=True)
class Inconsistency:
    """A field of an object apply wrote that does not hold what the plan says."""

    address: str
    field: str
    expected: Any
    actual: Any
    planned: bool  # a field the plan set (else a field the plan left alone moved)
    remedy: str = ""  # what to do about it, where apply must not act on its own


@dataclass(slots=True)
class ApplyReport:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    inconsistencies: list[Inconsistency] = field(default_factory=list)
    verified: bool = False
    calls: dict[str, int] = field(default_factory=dict)
    planned_write_calls: int = 0
    seconds: float = 0.0
    # Refused as a whole before anything was sent (all-or-nothing found moved objects).
    refused: bool = False

    def set(self, outcome: Outcome) -> None:
        self.outcomes[outcome.address] = outcome

    def counts(self) -> Counter[Status]:
        return Counter(o.status for o in self.outcomes.values())

    @property
    def exit_code(self) -> int:
        counts = self.counts()
        not_applied = sum(n for s, n in counts.items() if s is not Status.APPLIED)
        if self.refused:
            return 4
        if not not_applied:
            return 3 if self.inconsistencies else 0
        if counts[Status.APPLIED]:
            return 3
        # Nothing applied: an error if anything failed or is unknown; otherwise the
        # plan was refused (stale objects, and what depended on them).
        return 1 if counts[Status.FAILED] or counts[Status.UNKNOWN] else 4

    def to_dict(self) -> dict[str, Any]:
        return {**self.head_dict(), "outcomes": [_outcome_dict(o) for o in self.sorted_outcomes()]}

    def head_dict(self) -> dict[str, Any]:
        """What ``to_dict`` holds before ``outcomes``, its last key."""
        counts = self.counts()
        return {
            "summary": {status.value: counts[status] for status in Status},
            "exit_code": self.exit_code,
            "calls": dict(sorted(self.calls.items())),
            "total_calls": sum(self.calls.values()),
            "planned_write_calls": self.planned_write_calls,
            "seconds": round(self.seconds, 3),
            "verified": self.verified,
            "inconsistencies": [
                {
                    "address": i.address,
                    "field": i.field,
                    "expected": i.expected,
                    "actual": i.actual,
                    "planned": i.planned,
                    **({"remedy": i.remedy} if i.remedy else {}),
                }
                for i in self.inconsistencies
            ],
        }

    def sorted_outcomes(self) -> list[Outcome]:
        return sorted(self.outcomes.values(), key=lambda o: o.address)

    def json_chunks(self, dumps: Callable[[Any], str] = _indented) -> Iterator[str]:
        """The text of ``dumps(self.to_dict())`` (``dumps``: a ``json.dumps`` with
        ``indent=2``), outcome by outcome: a first apply of 20,000 products has 420,000
        of them, and their dicts and the one string would all be held at once."""
        head = dumps(self.head_dict())
        yield head[: -len("\n}")]
        outcomes = self.sorted_outcomes()
        if not outcomes:
            yield ',\n  "outcomes": []\n}'
            return
        yield ',\n  "outcomes": [\n    '
        for index, outcome in enumerate(outcomes):
            text = dumps(_outcome_dict(outcome)).replace("\n", "\n    ")
            yield text if index == 0 else ",\n    " + text
        yield "\n  ]\n}"


def _outcome_dict(outcome: Outcome) -> dict[str, Any]:
    return {
        "address": outcome.address,
        "action": outcome.action.value,
        "status": outcome.status.value,
        **({"code": outcome.code} if outcome.code else {}),
        **({"message": outcome.message} if outcome.message else {}),
    }


_STYLES = {
    Status.APPLIED: "green",
    Status.FAILED: "bold red",
    Status.STALE: "yellow",
    Status.UNKNOWN: "bold magenta",
    Status.NOT_ATTEMPTED: "dim",
}
_TITLES = {
    Status.FAILED: "Failed (Wix refused these):",
    Status.STALE: "Stale (changed since the plan; not overwritten, plan again):",
    Status.UNKNOWN: "Unknown (the answer was lost; run plan to see the live state):",
    Status.NOT_ATTEMPTED: "Not attempted:",
}


def render_report(report: ApplyReport, *, list_applied: bool = False) -> Text:
    text = Text()
    by_status: dict[Status, list[Outcome]] = {s: [] for s in Status}
    for outcome in sorted(report.outcomes.values(), key=lambda o: o.address):
        by_status[outcome.status].append(outcome)
    if list_applied and by_status[Status.APPLIED]:
        text.append("Applied:\n", style="bold green")
        for outcome in by_status[Status.APPLIED]:
            text.append(
                f"  {outcome.action.value:<15} {safe_text(outcome.address)}\n", style="green"
            )
    for status, title in _TITLES.items():
        if not by_status[status]:
            continue
        text.append(title + "\n", style=_STYLES[status])
        for outcome in by_status[status]:
            line = f"  {outcome.action.value:<15} {outcome.address}"
            if outcome.code:
                line += f"  {outcome.code}"
            if outcome.message:
                line += f": {outcome.message}"
            text.append(safe_text(line) + "\n", style=_STYLES[status])
    if report.inconsistencies:
        text.append(
            "Wix did something the plan did not say (read back after apply):\n", style="bold red"
        )
        for item in report.inconsistencies:
            what = "planned" if item.planned else "not in the plan"
            text.append(
                safe_text(
                    # Values as the plan shows them ("Mug", true, (unset)), not Python's repr.
                    f"  ! {item.address}  {item.field}: expected {format_value(item.expected)}, "
                    f"found {format_value(item.actual)} ({what})"
                )
                + "\n",
                style="red",
            )
            if item.remedy:
                text.append(safe_text(f"    {item.remedy}") + "\n", style="red")
    counts = report.counts()
    total_calls = sum(report.calls.values())
    text.append(
        f"Apply: {counts[Status.APPLIED]} applied, {counts[Status.FAILED]} failed, "
        f"{counts[Status.STALE]} stale, {counts[Status.UNKNOWN]} unknown, "
        f"{counts[Status.NOT_ATTEMPTED]} not attempted. "
        f"{total_calls} API call(s) ({report.planned_write_calls} write call(s) planned), "
        f"{report.seconds:.1f} s." + (_read_back_summary(report) if report.verified else "") + "\n",
        style="bold",
    )
    return text


def _read_back_summary(report: ApplyReport) -> str:
    count = len(report.inconsistencies)
    if not count:
        return " Read back: everything holds what the plan said."
    return f" Read back: {count} field(s) differ from the plan (listed above)."
