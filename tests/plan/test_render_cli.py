"""The renderings through the commands that print a plan: plan, show and apply DIR."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli import main
from inventory_as_code.cli.plan import plan_title
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.render_common import github_length

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CLEAN_ENV = {
    "CI": "",
    "WIX_API_KEY": "",
    "WIX_SITE_ID": "",
    "WIX_API_BASE_URL": "",
    "NO_COLOR": "1",
}


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), env=CLEAN_ENV, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def apparel(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES / "apparel-multi-location", tmp_path / "apparel"))


def addresses(text: str) -> list[str]:
    return re.findall(r"^  [+~-] (\w+\[.*?\])(?:  |$)", text, re.M)


def test_plan_summarises_by_product_and_detailed_lists_every_object(apparel: Path) -> None:
    as_json = json.loads(run("plan", str(apparel), "--format", "json").stdout)
    every = [c["address"] for c in as_json["changes"]]
    summary = run("plan", str(apparel)).stdout
    detailed = run("plan", str(apparel), "--detailed").stdout
    assert sorted(addresses(detailed)) == sorted(every)
    products = [
        c["address"] for c in as_json["changes"] if c["kind"] in ("product", "location", "option")
    ]
    assert sorted(addresses(summary)) == sorted(products)
    assert len(summary) * 3 < len(detailed)


def test_show_renders_a_saved_plan_every_way(apparel: Path, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    planned = run("plan", str(apparel), "--out", str(saved))
    shown = run("show", str(saved))
    assert shown.exit_code == 0
    # The same rendering as plan's, without plan's own first and last lines.
    assert shown.stdout in planned.stdout
    assert sorted(addresses(run("show", str(saved), "--detailed").stdout)) == sorted(
        c["address"] for c in json.loads(saved.read_text())["changes"]
    )
    markdown = run("show", str(saved), "--format", "markdown", "--max-length", "2000").stdout
    assert github_length(markdown) <= 2000
    assert "products are summarised only in the overview" in markdown
    assert json.loads(run("show", str(saved), "--format", "json").stdout) == json.loads(
        saved.read_text()
    )


def test_max_length_is_checked() -> None:
    result = CliRunner().invoke(main, ["show", "x.json", "--max-length", "10"], env=CLEAN_ENV)
    assert result.exit_code == 2 and "--max-length" in result.output


def test_apply_shows_deletions_first_before_it_asks(tmp_path: Path) -> None:
    shop = Path(shutil.copytree(EXAMPLES / "corner-bookshop", tmp_path / "shop"))
    assert run("apply", str(shop), "--auto-approve").exit_code == 0
    merch = shop / "merchandise.yaml"
    text = merch.read_text()
    merch.write_text(text[: text.index("  gift-card-25:")] + "prune:\n  products: true\n")
    books = shop / "books.yaml"
    books.write_text(books.read_text().replace("stock: {Shop floor: 4}", "stock: {Shop floor: 9}"))

    result = run("apply", str(shop))  # no terminal to ask on: shows the plan, then refuses
    assert result.exit_code == 1 and "--auto-approve" in result.output
    plan = result.stdout[result.stdout.index("\n", result.stdout.index("Read ")) + 1 :]
    assert plan.startswith("1 object to DELETE from the live store (1 product):\n")
    assert plan.index('  - product["gift-card-25"]') < plan.index("  ~ product[")
    assert "Plan: 0 to create, 1 to update, 1 to delete." in plan


def test_the_site_name_in_the_comment_title_cannot_break_out_of_its_code_span() -> None:
    title = plan_title(Plan(site="s", metadata={"site_name": "prod` <b>@team</b> `"}))
    assert title == "inventory-as-code plan for site `` prod` <b>@team</b> ` ``"
