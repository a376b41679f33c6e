"""The pull-request comment: fitted to GitHub's limit, loud where it matters, safe with names."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.render_common import github_length
from inventory_as_code.plan.render_markdown import GITHUB_COMMENT_LIMIT, render_markdown
from tests.plan.big_plans import first_plan
from tests.plan.cases import BY_NAME, Case
from tests.plan.render_cases import HOSTILE_PLACE, RENDER_BY_NAME

PRODUCT_HEAD = re.compile(r"^\+ product\[", re.M)
LEFT_OUT = re.compile(r"_([\d,]+) of ([\d,]+) products are summarised only in the overview")


def outside_details(markdown: str, needle: str) -> bool:
    """``needle`` appears, and not folded away inside a <details> block."""
    at = markdown.index(needle)
    return markdown.count("<details>", 0, at) == markdown.count("</details>", 0, at)


def blocks_balanced(markdown: str) -> bool:
    fences = re.findall(r"^(?:> )?(`{3,})", markdown, re.M)
    return len(fences) % 2 == 0 and markdown.count("<details>") == markdown.count("</details>")


def test_a_small_plan_shows_summaries_and_every_change_folded(
    planned: Callable[[Case], Plan],
) -> None:
    plan = planned(RENDER_BY_NAME["render_uniform"])
    markdown = render_markdown(plan)
    summaries, details = markdown.split("<details>")
    assert 'price: "10.00" -> "11.00" on 5 of 5 variants' in summaries
    assert "stock[" not in summaries
    assert f"Every change, one per object ({len(plan.changes)})" in details
    for change in plan.changes:
        assert change.address in details
    assert "left out" not in markdown and "summarised only" not in markdown


def test_detailed_markdown_lists_every_change_open(planned: Callable[[Case], Plan]) -> None:
    plan = planned(RENDER_BY_NAME["render_uniform"])
    markdown = render_markdown(plan, detailed=True)
    assert "<details>" not in markdown and "**Every change**" in markdown
    for change in plan.changes:
        assert change.address in markdown


@pytest.mark.parametrize(
    ("products", "level"),
    [(1, "folded"), (25, "folded"), (150, "summaries"), (1000, "counts"), (2000, "counts")],
)
def test_the_comment_fits_at_any_size_and_says_what_it_left_out(products: int, level: str) -> None:
    plan = first_plan(products, deleted=3)
    markdown = render_markdown(plan, title="inventory-as-code plan for site `production`")
    assert github_length(markdown) <= GITHUB_COMMENT_LIMIT
    assert blocks_balanced(markdown)
    assert f"Plan: {len(plan.changes) - 3} to create, 0 to update, 3 to delete." in markdown
    assert outside_details(markdown, "> [!CAUTION]")
    assert markdown.index("[!CAUTION]") < markdown.index("| Products |")
    shown = len(PRODUCT_HEAD.findall(markdown.split("<details>")[0]))
    if level == "folded":
        assert shown == products and "<details>" in markdown
    elif level == "summaries":
        assert shown == products and "<details>" not in markdown
        assert "The per-object list is left out to fit a GitHub comment" in markdown
    else:
        match = LEFT_OUT.search(markdown)
        assert match, markdown[-500:]
        assert shown + int(match[1].replace(",", "")) == products
        assert int(match[2].replace(",", "")) == products
        assert f"+ {products:,} new products: {3 * products:,} variants" in markdown


def test_the_tools_own_limit_leaves_room_for_a_footer() -> None:
    plan = first_plan(300)
    markdown = render_markdown(plan, limit=20_000)
    assert github_length(markdown) <= 20_000
    assert LEFT_OUT.search(markdown)


def test_1800_deletions_stay_at_the_top_with_their_count() -> None:
    plan = first_plan(5, deleted=1800)
    markdown = render_markdown(plan)
    assert github_length(markdown) <= GITHUB_COMMENT_LIMIT
    assert blocks_balanced(markdown)
    heading = "**1,800 objects to DELETE from the live store (1,800 products)**"
    assert heading in markdown and outside_details(markdown, heading)
    assert markdown.index(heading) < markdown.index("| Products |")
    listed = len(re.findall(r"^> - product\[", markdown, re.M))
    assert 100 < listed < 1800
    assert f"{1800 - listed:,} more deletion(s) are not listed here" in markdown


def test_github_counts_utf16_units() -> None:
    # Emoji are two units in JavaScript's (and GitHub's) count, one in Python's len().
    assert github_length("a\U0001f600") == 3
    assert github_length("ä") == 1


def test_stock_change_per_location_is_a_small_chart(planned: Callable[[Case], Plan]) -> None:
    markdown = render_markdown(planned(RENDER_BY_NAME["render_uniform"]))
    chart = markdown.split("```mermaid\n")[1].split("```")[0]
    assert chart.startswith("xychart-beta horizontal\n")
    assert 'x-axis ["Online store +52", "Outlet Hamburg +24"]' in chart
    assert 'y-axis "units" 0 --> 52' in chart
    assert "bar [52, 24]" in chart


def test_removed_units_are_a_second_series_of_bars(planned: Callable[[Case], Plan]) -> None:
    markdown = render_markdown(planned(RENDER_BY_NAME["render_top"]))
    assert "```mermaid" not in markdown  # one location: nothing to compare
    plan = first_plan(2)
    assert "```mermaid" not in render_markdown(plan)  # units at one location only
    policies = render_markdown(planned(RENDER_BY_NAME["render_policies"]))
    chart = policies.split("```mermaid\n")[1].split("```")[0]
    assert 'x-axis ["Online store +16", "Outlet Hamburg +7"]' in chart


@pytest.mark.parametrize("name", ["product_update", "empty", "policy_set"])
def test_no_chart_without_stock_change_at_two_places(
    planned: Callable[[Case], Plan], name: str
) -> None:
    assert "mermaid" not in render_markdown(planned(BY_NAME[name]))


def test_names_cannot_add_markdown_html_or_mentions(planned: Callable[[Case], Plan]) -> None:
    markdown = render_markdown(planned(RENDER_BY_NAME["render_hostile_names"]))
    assert blocks_balanced(markdown)
    in_code = False
    fence = ""
    for line in markdown.splitlines():
        bare = line.removeprefix("> ")
        match = re.match(r"(`{3,})", bare)
        if match and (not in_code or match[1] == fence):
            in_code, fence = (not in_code), match[1]
            continue
        if not in_code:
            for raw in ("<b>", "<img", "@team", "@octocat", "](http", "**bold**"):
                assert raw not in line, line
    # Inside code, the names are shown as they are.
    assert HOSTILE_PLACE in markdown
    assert '"Mug <img src=x> @octocat **bold** ```"' in markdown
    label = re.search(r"x-axis \[(.*)\]", markdown)
    assert label and "`" not in label[1] and "<" not in label[1] and "[" not in label[1]


def test_prose_with_names_is_escaped(planned: Callable[[Case], Plan]) -> None:
    """Notes carry names (unmanaged locations) in prose, outside any code block."""
    plan = planned(BY_NAME["location_unmanaged"])
    note = plan.notes[0]
    hostile = Plan(notes=(type(note)(note.code, note.message + " <b>@team</b> [x](y)"),))
    markdown = render_markdown(hostile)
    assert "<b>" not in markdown and "[x](y)" not in markdown
    assert "@team" not in markdown and "@\u2060team" in markdown
