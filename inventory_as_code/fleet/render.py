"""A fleet report for people: text for a terminal or a CI log, Markdown for one comment.

Both lead with what needs someone: sites that trip a guard rail, failed or
were refused; then a line (or a table row) per site; then each site's plan
or report. The Markdown fits GitHub's comment limit by leaving out whole
site sections, last first, never the table or what needs someone; what is
left out is counted. Names (of sites, from the toml; of products, from the
YAML) are shown as code, never as Markdown of their own.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from rich.text import Text

from inventory_as_code._terminal import safe_text
from inventory_as_code.apply.report import ApplyReport, render_report
from inventory_as_code.fleet.outcome import Outcome, SiteResult
from inventory_as_code.fleet.report import FleetReport
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.render_common import github_length
from inventory_as_code.plan.render_markdown import (
    GITHUB_COMMENT_LIMIT,
    MARKER,
    code_block,
    code_span,
    prose,
)
from inventory_as_code.plan.render_text import render_text

MARKERS = {
    "plan": "<!-- inventory-as-code fleet plan -->",
    "apply": "<!-- inventory-as-code fleet apply -->",
}
WORDS = {
    Outcome.NO_CHANGES: "no changes",
    Outcome.CHANGES: "changes",
    Outcome.RAILS: "trips a guard rail",
    Outcome.UNTOUCHED: "untouched",
    Outcome.APPLIED: "applied",
    Outcome.PARTIAL: "partly applied",
    Outcome.REFUSED: "refused",
    Outcome.ERROR: "failed",
}
# What needs someone first, then what changes, then the rest.
ORDER = (
    Outcome.RAILS,
    Outcome.REFUSED,
    Outcome.ERROR,
    Outcome.PARTIAL,
    Outcome.CHANGES,
    Outcome.APPLIED,
    Outcome.NO_CHANGES,
    Outcome.UNTOUCHED,
)
QUIET = (Outcome.NO_CHANGES, Outcome.UNTOUCHED)
STYLES = {
    Outcome.RAILS: "bold red",
    Outcome.REFUSED: "bold red",
    Outcome.ERROR: "bold red",
    Outcome.PARTIAL: "bold yellow",
    Outcome.CHANGES: "bold",
    Outcome.APPLIED: "bold green",
    Outcome.NO_CHANGES: "green",
    Outcome.UNTOUCHED: "dim",
}


def ordered(sites: Iterable[SiteResult]) -> list[SiteResult]:
    return sorted(sites, key=lambda s: (ORDER.index(s.outcome), s.name))


def headline(report: FleetReport) -> str:
    """``Fleet plan: 3 sites: 1 trips a guard rail, 2 with changes. Exit 4.``"""
    counts = report.counts()
    parts = [f"{counts[o]} {WORDS[o]}" for o in ORDER if counts[o]]
    shards = f" (shard {', '.join(str(s) for s in report.shards)})" if report.shards else ""
    total = len(report.sites)
    what = f"{total} site{'s' if total != 1 else ''}"
    return (
        f"Fleet {report.command}: {what}{shards}"
        + (f": {', '.join(parts)}" if parts else "")
        + f". Exit {report.exit_code}."
    )


# --- text ----------------------------------------------------------------------------


def site_text(
    site: SiteResult,
    plan: Plan | None = None,
    report: ApplyReport | None = None,
    *,
    detailed: bool = False,
) -> Text:
    """One site's section: its heading, then its plan (and report), or why there is none."""
    text = Text()
    where = f" ({site.site_id})" if site.site_id else ""
    text.append(
        safe_text(f"== site {site.name}{where}: {WORDS[site.outcome]} ==") + "\n",
        style=STYLES[site.outcome],
    )
    if site.message:
        text.append(safe_text(site.message, keep_newlines=True) + "\n")
    for line in site.details:
        text.append(safe_text(f"  {line}") + "\n")
    if plan is not None and site.outcome not in (Outcome.ERROR,):
        text.append_text(render_text(plan, detailed=detailed))
    elif site.summary:
        text.append(safe_text(site.summary) + "\n")
    for note in site.notes if plan is None else ():
        text.append(safe_text(f"  - {note}") + "\n", style="dim")
    if report is not None:
        text.append_text(render_report(report))
    elif site.apply is not None:
        text.append(safe_text(_apply_line(site.apply)) + "\n")
    return text


def summary_text(report: FleetReport) -> Text:
    """A line per site, then the notes and the headline."""
    text = Text()
    width = max((len(s.name) for s in report.sites), default=0)
    for site in ordered(report.sites):
        word = WORDS[site.outcome]
        what = site.message or site.summary
        if site.rails:
            what = f"guard rails apply would refuse: {', '.join(site.rails)}"
        text.append(safe_text(f"  {site.name:<{width}}  {word:<18} {what}") + "\n")
    for note in report.notes:
        text.append(safe_text(f"Note: {note}") + "\n", style="yellow")
    text.append(headline(report) + "\n", style="bold")
    return text


def _apply_line(apply: Mapping[str, object]) -> str:
    summary = apply.get("summary")
    if not isinstance(summary, Mapping):
        return ""
    return "Apply: " + ", ".join(f"{n} {status}" for status, n in summary.items()) + "."


# --- Markdown ------------------------------------------------------------------------


def fleet_markdown(report: FleetReport, *, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """The report as one comment of at most ``limit`` characters (module docstring)."""
    head = [
        MARKERS[report.command],
        f"### inventory-as-code {report.command} for {len(report.sites)} site(s)",
        "",
        f"**{prose(headline(report))}**",
        "",
    ]
    head += _needs_someone(report)
    head += _table(report)
    reserve = 400  # the left-out note
    room = limit - github_length("\n".join(head)) - reserve
    sections: list[str] = []
    left: list[str] = []
    for site in ordered(report.sites):
        if site.outcome in QUIET:
            continue
        section = _section(site)
        size = github_length("\n".join(section)) + 1
        if size > room:
            left.append(site.name)
            continue
        room -= size
        sections += section
    if left:
        sections += [
            f"_{len(left)} site section(s) left out to fit a GitHub comment "
            f"({', '.join(code_span(n) for n in left[:20])}{', ...' if len(left) > 20 else ''}): "
            "see each job's summary or the report artifacts._",
            "",
        ]
    return "\n".join(head + sections).rstrip() + "\n"


def _needs_someone(report: FleetReport) -> list[str]:
    lines: list[str] = []
    rails = [s for s in report.sites if s.outcome is Outcome.RAILS]
    failed = [s for s in report.sites if s.outcome in (Outcome.ERROR, Outcome.REFUSED)]
    if rails:
        lines += ["> [!CAUTION]", "> **Guard rails that apply would refuse:**"]
        lines += [f"> - {code_span(s.name)}: {prose(', '.join(s.rails))}" for s in rails]
        lines += [
            "> Accept each in `inventory-as-code.toml` in this change "
            "(`[[guard_rails.accept]]`, or `[[sites.NAME.guard_rails.accept]]` for one site), "
            "or correct the YAML.",
            "",
        ]
    if failed:
        lines += ["> [!WARNING]", "> **Sites that failed or were refused:**"]
        lines += [
            f"> - {code_span(s.name)} ({WORDS[s.outcome]}): {prose(s.message)}" for s in failed
        ]
        lines.append("")
    if report.notes:
        lines += ["> [!WARNING]", *(f"> {prose(note)}" for note in report.notes), ""]
    return lines


def _table(report: FleetReport) -> list[str]:
    loud = [s for s in ordered(report.sites) if s.outcome not in QUIET]
    lines: list[str] = []
    if loud and report.command == "plan":
        lines += ["| site | outcome | create | update | delete |", "|---|---|--:|--:|--:|"]
        for site in loud:
            c = site.counts
            numbers = " | ".join(str(c.get(k, "")) for k in ("create", "update", "delete"))
            lines.append(f"| {code_span(site.name)} | {WORDS[site.outcome]} | {numbers} |")
    elif loud:
        statuses = ("applied", "failed", "stale", "unknown", "not_attempted")
        lines += [
            "| site | outcome | " + " | ".join(s.replace("_", " ") for s in statuses) + " |",
            "|---|---|" + "--:|" * len(statuses),
        ]
        for site in loud:
            summary = (site.apply or {}).get("summary") or {}
            numbers = " | ".join(str(summary.get(k, "")) for k in statuses)
            lines.append(f"| {code_span(site.name)} | {WORDS[site.outcome]} | {numbers} |")
    if lines:
        lines.append("")
    for outcome in QUIET:
        names = [s.name for s in report.sites if s.outcome is outcome]
        if names:
            what = "No changes" if outcome is Outcome.NO_CHANGES else "Untouched by this change"
            lines += [f"{what} ({len(names)}): " + ", ".join(code_span(n) for n in names), ""]
    return lines


def _html(text: str) -> str:
    """Text inside an HTML tag (GitHub renders no Markdown in <summary>): escaped, and
    no @mention (a word joiner after the @)."""
    return html.escape(" ".join(text.split())).replace("@", "@\u2060")


def _section(site: SiteResult) -> list[str]:
    summary = site.summary or site.message or WORDS[site.outcome]
    lines = [
        f"<details{' open' if site.outcome in (Outcome.RAILS, Outcome.ERROR) else ''}>"
        f"<summary><code>{_html(site.name)}</code>: {_html(summary)}</summary>",
        "",
    ]
    if site.message and site.summary:
        lines += [prose(site.message), ""]
    if site.details:
        lines += [*code_block(list(site.details)), ""]
    markdown = [line for line in site.markdown.splitlines() if line != MARKER]
    if markdown:
        lines += [*markdown, ""]
    if site.apply is not None:
        lines += [prose(_apply_line(site.apply)), ""]
    lines += ["</details>", ""]
    return lines
