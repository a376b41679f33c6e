"""The report of a fleet run, grouped by site, and combining the reports of shards.

``plan --all-sites --format json`` and ``apply --all-sites --report-json``
write a :class:`FleetReport`; a CI matrix of ``--shard I/N`` jobs writes one
each, and :func:`combine` (``inventory-as-code combine``) joins them into
one report, and one pull-request comment. Combining checks what it is given:
every site once, every shard of the matrix present; a missing shard is said
in the report (its sites were not run, or their report was lost), never
passed over.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.fleet.outcome import Outcome, SiteResult, fleet_exit_code
from inventory_as_code.fleet.shard import Shard, ShardError, parse_shard

REPORT_KIND = "inventory-as-code fleet report"
REPORT_VERSION = 1
_REPORT_START = re.compile(rb'\A\s*\{\s*"report"\s*:\s*"inventory-as-code fleet report"')


class ReportError(InventoryAsCodeError):
    """A file given to ``combine`` is not a fleet report, or the reports do not fit together."""


def is_fleet_report_head(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a fleet report (an output may replace it)."""
    return _REPORT_START.match(head) is not None


@dataclass(slots=True)
class FleetReport:
    """``command``: plan or apply; ``shards``: the shards this report holds (combined:
    several); ``detailed``: a plan's exit code counts changes (--detailed-exitcode)."""

    command: str
    sites: list[SiteResult]
    shards: list[Shard] = field(default_factory=list)
    detailed: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return fleet_exit_code(self.sites, self.command, detailed=self.detailed)

    def counts(self) -> Counter[Outcome]:
        return Counter(site.outcome for site in self.sites)

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "report": REPORT_KIND,
            "version": REPORT_VERSION,
            "command": self.command,
            "shards": [str(s) for s in self.shards],
            "detailed": self.detailed,
            "exit_code": self.exit_code,
            "outcomes": {o.value: counts[o] for o in Outcome if counts[o]},
            "notes": list(self.notes),
            "sites": [site.to_dict() for site in self.sites],
        }

    @classmethod
    def from_dict(cls, data: Any, source: str = "the report") -> FleetReport:
        if not isinstance(data, Mapping) or data.get("report") != REPORT_KIND:
            raise ReportError(
                f"{source} is not a fleet report; give the JSON of `plan --all-sites "
                "--format json` or `apply --all-sites --report-json FILE`."
            )
        if data.get("version") != REPORT_VERSION:
            raise ReportError(
                f"{source} is a fleet report of version {data.get('version')!r}; this "
                f"inventory-as-code reads version {REPORT_VERSION}. Use the same version in "
                "every job."
            )
        command = data.get("command")
        if command not in ("plan", "apply"):
            raise ReportError(f"{source}: command must be plan or apply, not {command!r}.")
        sites = data.get("sites")
        if not isinstance(sites, list):
            raise ReportError(f"{source}: sites must be a list.")
        try:
            shards = [parse_shard(str(s)) for s in data.get("shards") or []]
            results = [SiteResult.from_dict(site) for site in sites]
        except (ShardError, ValueError, TypeError) as exc:
            raise ReportError(f"{source}: {exc}") from None
        notes = [n for n in data.get("notes") or [] if isinstance(n, str)]
        return cls(command, results, shards, bool(data.get("detailed", True)), notes)


def read_report(text: str, source: str) -> FleetReport:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReportError(f"{source} is not JSON ({exc}); is it a fleet report?") from None
    return FleetReport.from_dict(data, source)


def combine(reports: Iterable[tuple[str, FleetReport]]) -> FleetReport:
    """One report of the shards' (``(source, report)`` pairs): every site once, sorted.

    Refuses reports of different commands or shard counts and a site or shard
    given twice; notes each shard of the matrix that is missing.
    """
    given = list(reports)
    if not given:
        raise ReportError("no reports to combine.")
    commands = {report.command for _, report in given}
    if len(commands) > 1:
        raise ReportError(
            "the reports are of different commands (" + ", ".join(sorted(commands)) + "); "
            "combine the plan reports and the apply reports separately."
        )
    sites: dict[str, tuple[str, SiteResult]] = {}
    shards: dict[Shard, str] = {}
    notes: list[str] = []
    for source, report in given:
        for shard in report.shards:
            if shard in shards:
                raise ReportError(f"shard {shard} is in both {shards[shard]} and {source}.")
            shards[shard] = source
        for site in report.sites:
            if site.name in sites:
                raise ReportError(
                    f"site {site.name} is in both {sites[site.name][0]} and {source}: each "
                    "site belongs to one shard (--shard I/N with the same N in every job)."
                )
            sites[site.name] = (source, site)
        notes.extend(n for n in report.notes if n not in notes)
    counts = {shard.count for shard in shards}
    if len(counts) > 1:
        raise ReportError(
            "the reports split the sites into different numbers of shards ("
            + ", ".join(str(n) for n in sorted(counts))
            + "); give every job the same N in --shard I/N."
        )
    if counts:
        (count,) = counts
        missing = [Shard(i, count) for i in range(1, count + 1) if Shard(i, count) not in shards]
        if missing:
            notes.append(
                f"{len(missing)} of {count} shards are missing ("
                + ", ".join(str(s) for s in missing)
                + "): their sites are not in this report. Look at those jobs."
            )
    command = commands.pop()
    detailed = all(report.detailed for _, report in given)
    ordered = [sites[name][1] for name in sorted(sites)]
    return FleetReport(command, ordered, sorted(shards, key=lambda s: s.index), detailed, notes)
