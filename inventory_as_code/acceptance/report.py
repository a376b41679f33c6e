"""What a run of the acceptance suite found: JSON for us, a summary for the person running it.

Exit codes (the command's): 0 every scenario held the contract and the site
answered as the emulator does; 2 every scenario held, but the site answered
differently somewhere (the report lists where); 3 a scenario broke the
contract on the site; 130 interrupted (what the run made was removed).
Refusals (4) and errors (1) end the run before a report exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inventory_as_code.acceptance.compare import Difference, Differences
from inventory_as_code.acceptance.runner import ScenarioRun

FORMAT_VERSION = 1
SUMMARY_START = "Acceptance suite on "
_REPORT_START = re.compile(rb'\A\s*\{\s*"acceptance_report"\s*:')


def is_acceptance_report_head(head: bytes) -> bool:
    """Whether a file starting with ``head`` is an acceptance report (``--report`` may
    replace that, and nothing else: a mistyped name must not overwrite a project file)."""
    return _REPORT_START.match(head) is not None


def is_acceptance_summary_head(head: bytes) -> bool:
    """Whether a file starting with ``head`` is the readable summary written beside it."""
    return head.startswith(SUMMARY_START.encode())


def summary_path(report: Path) -> Path:
    """Where the readable summary goes: beside the JSON report."""
    return report.with_suffix(".txt" if report.suffix != ".txt" else ".summary.txt")


EXIT_OK, EXIT_DIFFERENCES, EXIT_FAILED, EXIT_INTERRUPTED = 0, 2, 3, 130


@dataclass
class AcceptanceReport:
    site: str  # "site 1a2b... on https://www.wixapis.com"
    site_id: str
    base_url: str
    prefix: str
    run_prefix: str
    version: str
    started: str
    seconds: float = 0.0
    scenarios: list[ScenarioRun] = field(default_factory=list)
    shadow: list[ScenarioRun] = field(default_factory=list)
    differences: Differences = field(default_factory=Differences)
    calls: int = 0  # to the site
    transient: int = 0  # answers the client retried (429, 5xx, no answer)
    notes: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # what cleanup found left and removed
    interrupted: str = ""
    failed_cleanup: str = ""

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        if any(s.status == "failed" for s in self.scenarios) or self.failed_cleanup:
            return EXIT_FAILED
        return EXIT_DIFFERENCES if len(self.differences) else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        return {
            # First, and named apart from plans and apply reports: --report replaces a file
            # only when it starts like this (is_acceptance_report_head).
            "acceptance_report": FORMAT_VERSION,
            "tool_version": self.version,
            "site": {"id": self.site_id, "base_url": self.base_url, "description": self.site},
            "prefix": self.prefix,
            "run_prefix": self.run_prefix,
            "started": self.started,
            "seconds": round(self.seconds, 1),
            "exit_code": self.exit_code,
            "interrupted": self.interrupted or None,
            "calls": {"site": self.calls, "retried": self.transient},
            "scenarios": [_scenario(s) for s in self.scenarios],
            "emulator_shadow": [_scenario(s) for s in self.shadow],
            "differences": [d.to_dict() for d in _ordered(self.differences)],
            "notes": self.notes,
            "cleanup": {"removed": self.removed, "failed": self.failed_cleanup or None},
        }


def _scenario(run: ScenarioRun) -> dict[str, Any]:
    return {
        "name": run.name,
        "covers": run.covers,
        "status": run.status,
        "reason": run.reason or None,
        "calls": run.calls,
        "seconds": round(run.seconds, 1),
        "steps": [
            {
                "name": step.name,
                "held": step.done,
                "changes": step.changes,
                "outcomes": step.outcomes,
                "problems": step.problems,
            }
            for step in run.steps
        ],
    }


def _ordered(differences: Differences) -> list[Difference]:
    order = ["outcome", "side effect", "status", "calls", "shape"]
    return sorted(differences, key=lambda d: (order.index(d.kind), d.where, d.message))


def render_summary(report: AcceptanceReport) -> str:
    """The readable form (also written next to the JSON)."""
    lines = [f"{SUMMARY_START}{report.site}, prefix {report.run_prefix}"]
    width = max((len(s.name) for s in report.scenarios), default=8)
    for run in report.scenarios:
        done = sum(1 for step in run.steps if step.done)
        line = f"  {run.name:<{width}}  {run.status:<7}"
        if run.status != "skipped":
            line += f"  {done}/{len(run.steps)} steps held, {run.calls} calls, {run.seconds:.1f} s"
        if run.reason:
            line += f"\n  {'':<{width}}  {run.reason}"
        lines.append(line)
    if report.interrupted:
        lines.append(
            f"Interrupted by {report.interrupted}: the steps after that point did not run."
        )
    failed = [s for s in report.scenarios if s.status == "failed"]
    ran = [s for s in report.scenarios if s.status != "skipped"]
    if failed:
        lines.append(f"{len(failed)} of {len(ran)} scenario(s) failed (above).")
    elif ran and not report.interrupted:
        lines.append(f"The contract held in every step of {len(ran)} scenario(s).")
    if len(report.differences):
        lines.append(
            f"{len(report.differences)} difference(s) between Wix and the emulator "
            "(each one an emulator fix to make, or a question to settle):"
        )
        for number, difference in enumerate(_ordered(report.differences), 1):
            times = f" ({difference.times} times)" if difference.times > 1 else ""
            lines.append(f"  {number}. [{difference.kind}] {difference.message}{times}")
            lines.append(f"     first seen in {difference.first_seen}")
    elif ran:
        lines.append("The site answered as the emulator does: no differences.")
    lines += [f"Note: {note}" for note in report.notes]
    retried = f" ({report.transient} retried)" if report.transient else ""
    lines.append(f"{report.calls} call(s) to the site{retried} in {report.seconds:.0f} s.")
    if report.failed_cleanup:
        lines.append(f"Cleanup failed: {report.failed_cleanup}")
    elif report.removed:
        lines.append(f"Cleanup removed what was left: {', '.join(report.removed)}.")
    else:
        lines.append("Nothing of the run is left on the site.")
    return "\n".join(lines) + "\n"
