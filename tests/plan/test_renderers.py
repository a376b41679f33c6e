"""Text, JSON and Markdown read the same Plan; saved plans refuse hand edits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from inventory_as_code.live import LiveLocation, LiveStore
from inventory_as_code.model import (
    DesiredState,
    FrozenMap,
    Location,
    Option,
    Product,
    StockEntry,
    Tracking,
    Variant,
)
from inventory_as_code.plan.model import Kind, Plan
from inventory_as_code.plan.planner import build_plan
from inventory_as_code.plan.render_markdown import GITHUB_COMMENT_LIMIT, render_markdown
from inventory_as_code.plan.render_text import render_text
from inventory_as_code.plan.saved import PlanFileError, read_plan_file, write_plan_file
from tests.plan.cases import BY_NAME, CASES, Case

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "inventory_as_code/schemas/plan.schema.json").read_text()
)
SUMMARY = re.compile(r"Plan: (\d+) to create, (\d+) to update, (\d+) to delete\.")


def text_counts(text: str) -> tuple[int, int, int]:
    if "No changes" in text:
        return (0, 0, 0)
    match = SUMMARY.search(text)
    assert match, text
    return (int(match[1]), int(match[2]), int(match[3]))


def markdown_counts(markdown: str) -> tuple[int, int, int]:
    """Sum the per-kind table, independently of the summary line above it."""
    create = update = delete = 0
    for row in re.findall(r"^\| (?:Locations|Products|Variants|Stock) \|(.*)\|$", markdown, re.M):
        c, u, _switch, d = (int(x) for x in row.split("|"))
        create, update, delete = create + c, update + u, delete + d
    return (create, update, delete)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
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
    assert text_counts(markdown) == from_json
    assert markdown_counts(markdown) == from_json
    assert len(body["changes"]) == sum(from_json)
    for rail in plan.guard_rails:
        assert rail.message in markdown


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
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


# --- Markdown size ------------------------------------------------------------------


def big_plan(products: int) -> Plan:
    """Every kind of change, with long names: the worst case for a PR comment."""
    stores = [f"Pop-up store number {n} in a city with a long name" for n in range(2)]
    locations = {"Online store": Location("Online store", is_default=True)}
    locations.update({name: Location(name) for name in stores})
    stock = FrozenMap(
        {
            "Online store": StockEntry(tracking=Tracking.QUANTITY, quantity=7),
            **{name: StockEntry(tracking=Tracking.IN_STOCK, in_stock=True) for name in stores},
        }
    )
    catalog = {}
    for n in range(products):
        slug = f"a-product-with-a-rather-long-slug-{n:05d}"
        sizes = ("Small", "Medium", "Large")
        catalog[slug] = Product(
            slug=slug,
            name=f"Product {n}",
            options=(Option("Size", sizes),),
            variants=tuple(
                Variant((s,), sku=f"SKU-{n}-{s}", price="10.00", stock=stock) for s in sizes
            ),
        )
    desired = DesiredState(locations=FrozenMap(locations), products=FrozenMap(catalog))
    live = LiveStore(
        locations=(LiveLocation("loc-0", "Online store", True, "1"),),
        business_locations=(),
        products={},
        inventory={},
    )
    return build_plan(desired, live)


def shown_changes(markdown: str) -> int:
    return len(re.findall(r"^[+!-] (?:location|product|variant|stock)\[", markdown, re.M))


def test_markdown_of_thousands_of_changes_fits_a_github_comment() -> None:
    plan = big_plan(300)  # 2 locations + 300 products + 900 variants + 2,700 stock items
    assert len(plan.changes) == 3902
    markdown = render_markdown(plan, title="inventory-as-code plan for site `production`")
    assert len(markdown) < GITHUB_COMMENT_LIMIT
    shown = shown_changes(markdown)
    left_out = int(re.search(r"_(\d+) change\(s\) not shown", markdown)[1])  # type: ignore[index]
    assert shown > 0 and shown + left_out == len(plan.changes)
    assert "Plan: 3902 to create, 0 to update, 0 to delete." in markdown
    assert markdown.count("<details>") == markdown.count("</details>")
    assert markdown.count("```") % 2 == 0


@pytest.mark.parametrize("products", [1, 50, 120, 200, 1000])
def test_markdown_stays_under_the_limit_at_any_size(products: int) -> None:
    plan = big_plan(products)
    markdown = render_markdown(plan)
    assert len(markdown) < GITHUB_COMMENT_LIMIT
    match = re.search(r"_(\d+) change\(s\) not shown", markdown)
    left_out = int(match[1]) if match else 0
    assert shown_changes(markdown) + left_out == len(plan.changes)


def test_small_markdown_shows_every_change_and_no_truncation_note(
    planned: Callable[[Case], Plan],
) -> None:
    plan = planned(BY_NAME["product_create"])
    markdown = render_markdown(plan)
    assert shown_changes(markdown) == len(plan.changes)
    assert "not shown" not in markdown
    for kind in Kind:
        count = sum(1 for c in plan.changes if c.kind is kind)
        if count:
            assert f": {count} change(s)</summary>" in markdown
