"""Text, JSON and Markdown read the same Plan; saved plans refuse hand edits.

The text a reviewer reads: grouped by product, uniform changes summarised,
a new product as one entry, the policy on quantity lines, renames as renames,
and deletions, tripped rails and unresolved differences first. Goldens for
the render cases: ``goldens/render/<case>.{txt,detailed.txt,md}``
(``UPDATE_GOLDENS=1`` rewrites them; review the diff).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from inventory_as_code._terminal import safe_json
from inventory_as_code.plan import render_common
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.plan_json import document_json_chunks
from inventory_as_code.plan.render_markdown import prose, render_markdown
from inventory_as_code.plan.render_text import render_text
from inventory_as_code.plan.saved import PlanFileError, read_plan_file, write_plan_file
from tests.plan.cases import BY_NAME, CASES, Case
from tests.plan.conftest import check_golden
from tests.plan.render_cases import RENDER_BY_NAME, RENDER_CASES

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "inventory_as_code/schemas/plan.schema.json").read_text()
)
SUMMARY = re.compile(r"Plan: (\d+) to create, (\d+) to update, (\d+) to delete\.")
ALL_CASES = CASES + RENDER_CASES


def text_counts(text: str) -> tuple[int, int, int]:
    if "No changes" in text:
        return (0, 0, 0)
    match = SUMMARY.search(text)
    assert match, text
    return (int(match[1]), int(match[2]), int(match[3]))


def markdown_counts(markdown: str) -> tuple[int, int, int]:
    """Sum the per-kind table, independently of the summary line above it."""
    create = update = delete = 0
    rows = re.findall(
        r"^\| (?:Locations|Options|Products|Variants|Stock) \|(.*)\|$", markdown, re.M
    )
    for row in rows:
        c, u, _switch, d = (int(x) for x in row.split("|"))
        create, update, delete = create + c, update + u, delete + d
    return (create, update, delete)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_formats_agree_and_json_fits_the_schema(
    case: Case, planned: Callable[[Case], Plan]
) -> None:
    plan = planned(case)
    body = plan.to_dict()
    Draft202012Validator(SCHEMA).validate(body)
    # What the CLI prints must also be valid: through json text, not just the dict.
    Draft202012Validator(SCHEMA).validate(json.loads(json.dumps(body)))
    from_json = (body["summary"]["create"], body["summary"]["update"], body["summary"]["delete"])
    markdown = render_markdown(plan)
    assert text_counts(render_text(plan).plain) == from_json
    assert text_counts(render_text(plan, detailed=True).plain) == from_json
    assert text_counts(markdown) == from_json
    assert markdown_counts(markdown) == from_json
    assert len(body["changes"]) == sum(from_json)
    for rail in plan.guard_rails:
        assert prose(rail.message) in markdown  # Markdown-escaped prose
        assert f"`{rail.code}" in markdown  # the code an acceptance names


@pytest.mark.parametrize("case", RENDER_CASES, ids=lambda c: c.name)
def test_render_goldens(case: Case, planned: Callable[[Case], Plan]) -> None:
    plan = planned(case)
    check_golden(f"render/{case.name}", render_text(plan).plain)
    check_golden(f"render/{case.name}.detailed", render_text(plan, detailed=True).plain)
    check_golden(f"render/{case.name}.md", render_markdown(plan))


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_detailed_lists_every_object_and_json_stays_complete(
    case: Case, planned: Callable[[Case], Plan]
) -> None:
    plan = planned(case)
    detailed = render_text(plan, detailed=True).plain
    for change in plan.changes:
        assert change.address in detailed
    assert [c["address"] for c in plan.to_dict()["changes"]] == [c.address for c in plan.changes]


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


def test_uniform_changes_read_as_one_line_each(planned: Callable[[Case], Plan]) -> None:
    plan = planned(RENDER_BY_NAME["render_uniform"])
    text = render_text(plan).plain
    assert (
        '~ product["tee"]  price: "10.00" -> "11.00" on 5 of 5 variants  # products.yaml:6:12'
        in lines_of(text)
    )
    assert 'price: "10.00" -> "8.00" on 2 of 3 variants (Blue, Red)' in text
    assert "quantity +3 at Outlet Hamburg on 8 variants, policy: set" in text
    assert (
        "quantity: 8 different values -> 10 at Online store on 8 variants (+52 units in all), "
        "policy: at_least (top-up)" in text
    )
    assert "preorder.enabled: false -> true at 2 locations on 6 stock items" in text
    # One entry per product, no line per object: those are one flag away.
    assert "variant[" not in text and "stock[" not in text
    assert len(text.splitlines()) < len(render_text(plan, detailed=True).plain.splitlines()) / 4


def test_a_new_product_is_one_entry_with_its_counts(planned: Callable[[Case], Plan]) -> None:
    text = render_text(planned(BY_NAME["product_create"])).plain
    heads = [line for line in text.splitlines() if re.match(r"  \S+ \w+\[", line)]
    assert heads == [
        '  + option["Size"]  # products.yaml:5:15',
        '  + product["organic-tee"]  "Organic Tee", 2 variants (Size: S, M), '
        'prices "25.00" to "27.00"  # products.yaml:2:3',
    ]
    assert (
        "stock: Online store 2 items, 25 units; Pop-up Berlin 2 items in stock; policy: initial"
        in text
    )


def test_quantity_lines_say_their_policy(planned: Callable[[Case], Plan]) -> None:
    plan = planned(RENDER_BY_NAME["render_policies"])
    text = render_text(plan).plain
    assert "quantity: 30 -> 40 (+10) at Online store on variant S, policy: set" in text
    assert "quantity: 3 -> 10 (+7) at Outlet Hamburg on variant M, policy: at_least (top-up)" in (
        text
    )
    assert "new stock at Online store on variant L: 1 item, 6 units, policy: initial" in text
    detailed = render_text(plan, detailed=True).plain
    assert "quantity: 30 -> 40 (+10)  policy: set" in detailed
    assert "quantity: 3 -> 10 (+7)  policy: at_least (top-up)" in detailed
    assert "quantity: 6  policy: initial" in detailed
    markdown = render_markdown(plan)
    assert "policy: set" in markdown and "policy: at_least (top-up)" in markdown


@pytest.mark.parametrize("detailed", [False, True])
def test_deletions_rails_and_unresolved_come_first(
    planned: Callable[[Case], Plan], detailed: bool
) -> None:
    text = render_text(planned(RENDER_BY_NAME["render_top"]), detailed=detailed)
    plain = text.plain
    assert plain.startswith("2 objects to DELETE from the live store (2 products):\n")
    order = [
        plain.index("to DELETE"),
        plain.index('  - product["cap"]'),
        plain.index('  - product["mug"]'),
        plain.index("Guard rails tripped"),
        plain.index("Unresolved"),
        plain.index('  ~ product["tee"]' if not detailed else '  ~ stock["tee"]'),
        plain.index("Plan: "),
    ]
    assert order == sorted(order)
    red = {plain[s.start : s.end] for s in text.spans if "red" in str(s.style)}
    assert "2 objects to DELETE from the live store (2 products):\n" in red
    assert 'product["mug"]' in red


def test_renames_read_as_renames(planned: Callable[[Case], Plan]) -> None:
    plan = planned(RENDER_BY_NAME["render_renames"])
    for text in (
        render_text(plan).plain,
        render_text(plan, detailed=True).plain,
        render_markdown(plan),
    ):
        assert 'product["tee"]  renamed from "old-tee"' in text
        assert 'location["Outlet Hamburg"]  renamed from "Outlet HH"' in text
        # Options are the store's: renamed on the option, for every product using it.
        assert 'option["Color"]  renamed from "Colour"' in text
        assert 'choice "Grey" renamed to "Gray"' in text
        assert "slug:" not in text and "choice[" not in text


@pytest.mark.parametrize("name", ["render_uniform", "render_renames", "render_top"])
def test_every_name_passes_through_one_door(
    planned: Callable[[Case], Plan], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Every name goes through render_common.shown, which makes it terminal-safe."""
    plan = planned(RENDER_BY_NAME[name])
    secret = re.compile(r"Outlet|Hamburg|tee|Tee|ebook|mug|Mug|products\.yaml|store\.yaml")
    monkeypatch.setattr(render_common, "safe_text", lambda text: secret.sub("#", text))
    for text in (
        render_text(plan).plain,
        render_text(plan, detailed=True).plain,
        render_markdown(plan),
    ):
        assert not secret.search(text), secret.findall(text)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_to_dict_from_dict_round_trip(case: Case, planned: Callable[[Case], Plan]) -> None:
    plan = planned(case)
    assert Plan.from_dict(plan.to_dict()) == plan
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


def test_saved_plan_reads_back_and_refuses_hand_edits(
    planned: Callable[[Case], Plan], tmp_path: Path
) -> None:
    plan = planned(BY_NAME["policy_set"])
    path = tmp_path / "plan.json"
    write_plan_file(plan, path)
    again, _ = read_plan_file(path)
    assert again == plan

    data = json.loads(path.read_text())
    change = next(c for c in data["changes"] if c["after"].get("quantity") == 40)
    change["after"]["quantity"] = 400  # a reviewer "fixes" the number by hand
    path.write_text(json.dumps(data, indent=1))
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert "checksum mismatch" in message and "plan --out" in message


def test_saved_plan_with_a_changed_site_is_refused(
    planned: Callable[[Case], Plan], tmp_path: Path
) -> None:
    path = tmp_path / "plan.json"
    write_plan_file(planned(BY_NAME["policy_set"]), path)
    data = json.loads(path.read_text())
    data["site"] = "another-site"
    path.write_text(json.dumps(data))
    with pytest.raises(PlanFileError, match="checksum mismatch"):
        read_plan_file(path)


def test_not_a_plan_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{not json")
    with pytest.raises(PlanFileError, match="not a saved plan"):
        read_plan_file(path)


@pytest.mark.parametrize("name", ["product_create", "products_prune", "empty"])
def test_a_saved_plan_is_printed_as_json_a_change_at_a_time_as_it_was_read(
    name: str, planned: Callable[[Case], Plan], tmp_path: Path
) -> None:
    """`show --format json` streams the file's document (issue 22: not one big string)."""
    path = tmp_path / "plan.json"
    write_plan_file(planned(BY_NAME[name]), path)
    _, data = read_plan_file(path)
    data["metadata"]["project"] = "shop \u202e\x7f"  # what the terminal must not run
    encode = partial(safe_json, indent=2)
    assert "".join(document_json_chunks(data, encode, indent=2)) == safe_json(data, indent=2)
