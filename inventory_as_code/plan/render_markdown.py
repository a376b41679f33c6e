"""The plan as a pull-request comment that fits GitHub's 65,536 characters.

Top to bottom: the summary line; deletions, tripped guard rails (both
``> [!CAUTION]``) and unresolved differences (``> [!WARNING]``), never folded
away; with ``--explain-drift``, each difference's cause and remedy (never
folded away either, at most :data:`MAX_DRIFT` listed); the counts per kind;
a chart of stock change per location; the store-wide overview of a large
plan; the changes by product; the notes.

Fitting, most detailed first, until the comment fits ``limit``:

1. product summaries and, folded, every change one per object (with
   ``detailed``: every change, open, instead of the summaries);
2. product summaries only;
3. the overview, and as many product summaries as fit, the rest counted.

Deletions, rails and unresolved differences stay at every level; only a list
too long for any comment (say 1,800 deletions) is cut, with its count kept.

Names are untrusted: they are shown inside code blocks and code spans whose
fences are longer than any run of backticks in them, and prose that carries
them is escaped, so a name cannot add Markdown, HTML or an @mention.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cache

from inventory_as_code.plan.model import Action, Change, Kind, Plan
from inventory_as_code.plan.render_chart import stock_chart
from inventory_as_code.plan.render_common import (
    SYMBOLS,
    format_origins,
    github_length,
    rail_label,
    rail_status,
    shown,
)
from inventory_as_code.plan.render_drift import HEADING as DRIFT_HEADING
from inventory_as_code.plan.render_drift import REMEDIES, drift_report
from inventory_as_code.plan.render_entries import (
    Entry,
    PlanView,
    detail_entries,
    detail_entry,
    plan_view,
)
from inventory_as_code.plan.render_overview import (
    OVERVIEW_MIN_PRODUCTS,
    overview_lines,
    stock_by_location,
)
from inventory_as_code.plan.render_rules import (
    other_notes,
    reorder_heading,
    reorder_lines,
    reorder_notes,
    rule_detail,
    rule_label,
    rules_heading,
)
from inventory_as_code.plan.render_summary import summary_entries
from inventory_as_code.plan.render_text import (
    MAX_RAIL_ADDRESSES,
    deletions_heading,
    summary_line,
    unresolved_lines,
)

GITHUB_COMMENT_LIMIT = 65_536
MARKER = "<!-- inventory-as-code plan -->"
MAX_UNRESOLVED = 20
MAX_DRIFT = 30
SEE_ALL = "run `inventory-as-code show plan.json --detailed`, or see the plan artifact"
_KIND_TITLES = {
    Kind.LOCATION: "Locations",
    Kind.OPTION: "Options",
    Kind.PRODUCT: "Products",
    Kind.VARIANT: "Variants",
    Kind.STOCK: "Stock",
    Kind.MOVE: "Moves (refills)",
}
_PROSE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&])")
# In a diff block GitHub colours '+' green and '-' red; '!' (orange) marks a change.
_DIFF_MARKERS = {Action.CREATE: "+", Action.UPDATE: "!", Action.SWITCH_TRACKING: "!"}


# --- safe Markdown -----------------------------------------------------------------


def _longest_backticks(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def code_block(lines: Sequence[str], info: str = "") -> list[str]:
    """A fenced block no line inside can close."""
    fence = "`" * max(3, _longest_backticks("\n".join(lines)) + 1)
    return [fence + info, *lines, fence]


def code_span(text: str) -> str:
    fence = "`" * (_longest_backticks(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def prose(text: str) -> str:
    """Text for Markdown prose: no formatting, HTML, links or @mentions of its own."""
    text = _PROSE_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return text.replace("@", "@\u2060")  # a word joiner: GitHub then links no one


def _quote(lines: Iterable[str]) -> list[str]:
    return [f"> {line}" if line else ">" for line in lines]


# --- what is never left out --------------------------------------------------------


def _deletions(view: PlanView, room: int | None) -> list[str]:
    if not view.deletions:
        return []
    heading = deletions_heading(view.deletions).rstrip(":")
    lines = [_entry_lines(detail_entry(c))[0] for c in view.deletions]
    shown_lines, left = _take(lines, room)
    body = ["[!CAUTION]", f"**{prose(heading)}**", *code_block(shown_lines, "diff")]
    if left:
        body.append(f"{left:,} more deletion(s) are not listed here: {SEE_ALL}.")
    return [*_quote(body), ""]


def _take(lines: Sequence[str], room: int | None) -> tuple[list[str], int]:
    """As many lines as fit ``room`` characters (all when None), and how many were left."""
    if room is None:
        return list(lines), 0
    taken: list[str] = []
    for line in lines:
        room -= github_length(line) + 3
        if room < 0:
            break
        taken.append(line)
    return taken, len(lines) - len(taken)


def _rails(plan: Plan) -> list[str]:
    if not plan.guard_rails:
        return []
    blocking = any(rail.accepted is None for rail in plan.guard_rails)
    if blocking:
        body = [
            "[!CAUTION]",
            "**Guard rails tripped**: `apply` refuses this plan until each is accepted in "
            "review (`[[guard_rails.accept]]` in `inventory-as-code.toml`).",
        ]
    else:
        body = ["[!NOTE]", "**Guard rails tripped, each accepted in review.**"]
    for rail in plan.guard_rails:
        body.append(
            f"- {code_span(rail_label(rail))} {prose(shown(rail.message))} "
            f"{prose(shown(rail_status(rail)))}"
        )
        addresses = [code_span(shown(a)) for a in rail.addresses[:MAX_RAIL_ADDRESSES]]
        if len(rail.addresses) > MAX_RAIL_ADDRESSES:
            addresses.append(f"and {len(rail.addresses) - MAX_RAIL_ADDRESSES:,} more")
        if addresses:
            body.append("  " + ", ".join(addresses))
    return [*_quote(body), ""]


def _rules(plan: Plan) -> list[str]:
    """The project's rules the plan trips; stock at or below its reorder point."""
    out: list[str] = []
    if plan.rules:
        blocking = any(trip.blocking for trip in plan.rules)
        body = ["[!CAUTION]" if blocking else "[!WARNING]", f"**{prose(rules_heading(plan))}**"]
        for trip in plan.rules:
            status, *rest = rule_detail(trip)
            body.append(
                f"- {code_span(rule_label(trip))} {prose(shown(trip.message))} "
                f"{prose(shown(status))}"
            )
            if rest:
                body.append("  " + ", ".join(code_span(shown(line)) for line in rest))
        out += [*_quote(body), ""]
    reorder = reorder_notes(plan)
    if reorder:
        body = ["[!WARNING]", f"**{prose(reorder_heading(reorder))}**"]
        body += [f"- {code_span(shown(line))}" for line in reorder_lines(reorder)]
        out += [*_quote(body), ""]
    return out


def _unresolved(plan: Plan) -> list[str]:
    if not plan.unresolved:
        return []
    count = len(plan.unresolved)
    body = [
        "[!WARNING]",
        f"**{count} difference(s) between the YAML and the live store are not in this plan** "
        "(apply will not make them):",
    ]
    lines = unresolved_lines(plan)[: 2 * MAX_UNRESOLVED]
    body += code_block(lines)
    if count > MAX_UNRESOLVED:
        body.append(f"{count - MAX_UNRESOLVED:,} more are not listed here: {SEE_ALL}.")
    return [*_quote(body), ""]


def _drift(plan: Plan) -> list[str]:
    """Each difference's cause and remedy (``plan --explain-drift``), never folded away."""
    drift = drift_report(plan, limit=MAX_DRIFT)
    if drift is None:
        return []
    out = [f"**{prose(DRIFT_HEADING.rstrip(':'))}**: {prose(drift.counts)}.", ""]
    listed = [f"{_DIFF_MARKERS.get(action, '-')} {line}" for action, line in drift.lines]
    out += [*code_block(listed, "diff"), ""]
    for line in (drift.more, drift.note):
        if line:
            out += [prose(line), ""]
    return [*out, REMEDIES, ""]  # our own words: their code spans are meant


def _counts(plan: Plan) -> list[str]:
    if plan.empty:
        return []
    counts = Counter((c.kind, c.action) for c in plan.changes)
    lines = [
        "| | create | update | of which tracking switches | delete |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in Kind:
        create, update, switch, delete = (counts[(kind, a)] for a in Action)
        if create or update or switch or delete:
            lines.append(
                f"| {_KIND_TITLES[kind]} | {create} | {update + switch} | {switch} | {delete} |"
            )
    return [*lines, ""]


# --- changes -----------------------------------------------------------------------


def _entry_lines(entry: Entry) -> list[str]:
    marker = _DIFF_MARKERS.get(entry.action, "-")
    head = f"{marker} {entry.address}"
    if entry.detail:
        head += f"  {entry.detail}"
    if entry.warning:
        head += f"  ({entry.warning})"
    origins = format_origins(entry.origins)
    if origins:
        head += f"  # {origins}"
    lines = [head]
    for line in entry.lines:
        own = _DIFF_MARKERS.get(line.action, " ") if line.action else " "
        text = (
            f"{own}     {SYMBOLS[line.action][0]} {line.text}"
            if line.action
            else f"     {line.text}"
        )
        origins = format_origins(line.origins)
        lines.append(f"{text}  # {origins}" if origins else text)
    return lines


def _block(title: str, entries: Iterable[Entry]) -> list[str]:
    lines = [line for entry in entries for line in _entry_lines(entry)]
    return [title, "", *code_block(lines, "diff"), ""] if lines else []


def _folded(title: str, entries: Iterable[Entry]) -> list[str]:
    lines = [line for entry in entries for line in _entry_lines(entry)]
    if not lines:
        return []
    # The blank line after <summary> lets GitHub read the fence inside as Markdown.
    return [
        f"<details><summary>{title}</summary>",
        "",
        *code_block(lines, "diff"),
        "</details>",
        "",
    ]


def _overview(view: PlanView) -> list[str]:
    lines = []
    for line in overview_lines(view):
        marker = _DIFF_MARKERS.get(line.action, " ") if line.action else " "
        lines.append(f"{marker} {line.text}")
    return ["**Across the store**", "", *code_block(lines, "diff"), ""] if lines else []


def _changes(view: PlanView) -> Iterable[Change]:
    yield from view.store_wide
    for group in view.products:
        yield from group.changes


def _body(
    view: PlanView, level: int, detailed: bool, room: int, summarised: Callable[[], list[Entry]]
) -> tuple[list[str], str]:
    """The changes at one fitting level, and a note of what was left out ('' if nothing)."""
    locations = [detail_entry(c) for c in view.store_wide]
    if level == 1 and detailed:
        return _block("**Every change**", detail_entries(view)), ""
    summaries = summarised()
    if level == 1:
        count = view.changes
        every = _folded(f"Every change, one per object ({count:,})", detail_entries(view))
        return _block("**Changes by product**", locations + summaries) + every, ""
    if level == 2:
        note = f"The per-object list is left out to fit a GitHub comment: {SEE_ALL}."
        return _block("**Changes by product**", locations + summaries), note
    entries = list(locations)
    # Locations and options always show (they are few); the products fill what is left.
    used = sum(github_length(line) + 1 for entry in entries for line in _entry_lines(entry))
    for entry in summaries:
        used += sum(github_length(line) + 1 for line in _entry_lines(entry))
        if used > room:
            break
        entries.append(entry)
    left = len(locations) + len(summaries) - len(entries)
    note = (
        f"{left:,} of {len(view.products):,} products are summarised only in the overview above "
        f"to fit a GitHub comment: {SEE_ALL}."
    )
    return _block("**Changes by product**", entries), note


def render_markdown(
    plan: Plan,
    *,
    title: str = "",
    limit: int = GITHUB_COMMENT_LIMIT,
    detailed: bool = False,
    view: PlanView | None = None,
) -> str:
    """The comment, at the most detailed level that fits ``limit`` (see the module docstring).

    ``view``: as for :func:`.render_text.render_text`.
    """
    if view is None:
        view = plan_view(plan)
    head = [MARKER, f"### {title or 'inventory-as-code plan'}", "", f"**{summary_line(plan)}**", ""]
    rest = _rails(plan) + _rules(plan) + _unresolved(plan) + _drift(plan) + _counts(plan)
    rest += stock_chart(stock_by_location(plan))
    if rest and rest[-1] != "":
        rest.append("")
    others = other_notes(plan)
    notes = ["**Notes**", "", *(f"- {prose(shown(n.message))}" for n in others), ""]
    tail = notes if others else []
    reserve = 600  # the left-out note and line ends
    fixed = github_length("\n".join(head + rest + tail)) + reserve
    deletions = _deletions(view, None)
    if fixed + github_length("\n".join(deletions)) > limit:
        deletions = _deletions(view, max(limit - fixed - 2_000, 0))
    fixed += github_length("\n".join(deletions))
    overview = _overview(view)
    # Made once for levels 2 and 3: a saved plan's products are read from its file.
    summarised = cache(lambda: summary_entries(view.products))
    for level in (1, 2, 3):
        top = overview if level == 3 or len(view.products) >= OVERVIEW_MIN_PRODUCTS else []
        room = limit - fixed - github_length("\n".join(top))
        if level == 1 and sum(len(c.address) + 4 for c in _changes(view)) > room:
            continue  # cannot fit: one line per object is more than the room; skip building it
        body, note = _body(view, level, detailed, room, summarised)
        if level == 3 or github_length("\n".join(top + body)) <= room:
            break
    if note:
        body += [f"_{note}_", ""]
    return "\n".join(head + deletions + rest + top + body + tail).rstrip() + "\n"
