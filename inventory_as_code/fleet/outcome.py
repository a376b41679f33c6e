"""What happened at one site of a fleet run, as data; and the run's one exit code.

Each site ends in one :class:`Outcome` and the exit code a single-site run
would have earned (``plan --detailed-exitcode``, ``apply``; README). The
fleet's exit code follows the same rules over every site:

``plan``   4 when any site trips a guard rail apply would refuse; else 1 when
           any site failed; else 2 when any site has changes; else 0.
           Without ``--detailed-exitcode``: 1 when any site failed, else 0.
``apply``  4 when any site refused; else 3 when any site was partly applied,
           or one failed while another applied; else 1 when any failed; else 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_PARTIAL, EXIT_REFUSED = 0, 1, 2, 3, 4


class Outcome(StrEnum):
    NO_CHANGES = "no_changes"  # the store matches the site's YAML
    CHANGES = "changes"  # plan: there is something to apply
    RAILS = "rails"  # plan: a guard rail trips that apply would refuse
    UNTOUCHED = "untouched"  # --changed-since: nothing of the site's YAML changed
    APPLIED = "applied"  # apply: every change applied (and read back as planned)
    PARTIAL = "partial"  # apply: partly applied, or read back differently
    REFUSED = "refused"  # apply: nothing applied (rails, an edited plan, stale objects)
    ERROR = "error"  # nothing done at this site (YAML, credentials, Wix, network)


# The exit code of a site with each outcome (a plan's as with --detailed-exitcode; an
# apply's as ApplyReport.exit_code: 0 applied, 1 failed, 3 partly, 4 refused).
EXIT_CODES = {
    Outcome.NO_CHANGES: EXIT_OK,
    Outcome.CHANGES: EXIT_CHANGES,
    Outcome.RAILS: EXIT_REFUSED,
    Outcome.UNTOUCHED: EXIT_OK,
    Outcome.APPLIED: EXIT_OK,
    Outcome.PARTIAL: EXIT_PARTIAL,
    Outcome.REFUSED: EXIT_REFUSED,
    Outcome.ERROR: EXIT_ERROR,
}


@dataclass(slots=True)
class SiteResult:
    """One site's part of a fleet report (its JSON form: :meth:`to_dict`).

    ``message`` says why a site failed, was refused or left untouched;
    ``details`` are the lines behind it (YAML problems with file:line, the
    differences of an edited plan). ``markdown`` is the site's plan as a
    comment section, fitted when it was made, so shards' reports can be
    combined without the plans.
    """

    name: str
    outcome: Outcome
    site_id: str = ""
    message: str = ""
    details: tuple[str, ...] = ()
    summary: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    rails: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    markdown: str = ""
    plan_file: str = ""
    apply: dict[str, Any] | None = None
    seconds: float = 0.0
    calls: int = 0

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "site": self.site_id,
            "outcome": self.outcome.value,
            "exit_code": self.exit_code,
            "message": self.message,
            "details": list(self.details),
            "summary": self.summary,
            "counts": dict(self.counts),
            "rails": list(self.rails),
            "notes": list(self.notes),
            "markdown": self.markdown,
            "plan_file": self.plan_file,
            "apply": self.apply,
            "seconds": round(self.seconds, 3),
            "calls": self.calls,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SiteResult:
        """A site of a report read back (``combine``); ValueError when it is not one."""
        try:
            outcome = Outcome(data["outcome"])
            name = data["name"]
        except (KeyError, TypeError, ValueError):
            raise ValueError("a site without a name or a known outcome") from None
        if not isinstance(name, str) or not name:
            raise ValueError("a site without a name")
        apply = data.get("apply")
        return cls(
            name=name,
            outcome=outcome,
            site_id=_text(data.get("site")),
            message=_text(data.get("message")),
            details=tuple(_text(d) for d in _list(data.get("details"))),
            summary=_text(data.get("summary")),
            counts={
                str(k): int(v)
                for k, v in _mapping(data.get("counts")).items()
                if isinstance(v, int) and not isinstance(v, bool)
            },
            rails=tuple(_text(r) for r in _list(data.get("rails"))),
            notes=tuple(_text(n) for n in _list(data.get("notes"))),
            markdown=_text(data.get("markdown")),
            plan_file=_text(data.get("plan_file")),
            apply=dict(apply) if isinstance(apply, Mapping) else None,
            seconds=float(data.get("seconds") or 0.0),
            calls=int(data.get("calls") or 0),
        )


def fleet_exit_code(sites: Iterable[SiteResult], command: str, *, detailed: bool = True) -> int:
    """The run's exit code from its sites' (module docstring)."""
    results = list(sites)
    codes = {r.exit_code for r in results}
    if command == "plan":
        if not detailed:
            return EXIT_ERROR if EXIT_ERROR in codes else EXIT_OK
        for code in (EXIT_REFUSED, EXIT_ERROR, EXIT_CHANGES):
            if code in codes:
                return code
        return EXIT_OK
    if EXIT_REFUSED in codes:
        return EXIT_REFUSED
    if EXIT_PARTIAL in codes:
        return EXIT_PARTIAL
    if EXIT_ERROR in codes:
        applied = any(r.outcome is Outcome.APPLIED for r in results)
        return EXIT_PARTIAL if applied else EXIT_ERROR
    return EXIT_OK


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
