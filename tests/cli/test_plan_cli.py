"""`inventory-as-code plan` end to end, in process: YAML -> embedded store -> output.

Examples are copied to tmp_path so the embedded store
(``<project>/.inventory-as-code/local.db``) never lands in the repository.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli.plan import plan_command
from inventory_as_code.config import load_project
from inventory_as_code.plan.render_markdown import MARKER
from inventory_as_code.plan.saved import read_plan_file
from inventory_as_code.site import LOCAL_SITE_ID
from tests.plan.helpers import write_project

EXAMPLES = Path(__file__).parents[2] / "examples"
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "ci")
# No Wix site chosen, not in CI: the embedded local store.
NO_SITE: dict[str, str | None] = {
    "CI": None,
    "WIX_API_KEY": None,
    "WIX_SITE_ID": None,
    "WIX_API_BASE_URL": None,
    "NO_COLOR": "1",
}
SUMMARY = re.compile(r"Plan: (\d+) to create, (\d+) to update, (\d+) to delete\.")


@click.group()
def cli() -> None:
    """Stand-in for the real command group (the other commands are not under test)."""


cli.add_command(plan_command)


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    result = CliRunner().invoke(cli, ["plan", *args], env={**NO_SITE, **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


def copy_example(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES / name, tmp_path / name))


def summary_of(text: str) -> tuple[int, int, int]:
    if "No changes." in text:
        return (0, 0, 0)
    match = SUMMARY.search(text)
    assert match, text
    return (int(match[1]), int(match[2]), int(match[3]))


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_first_plan_creates_the_whole_model(example: str, tmp_path: Path) -> None:
    project = copy_example(example, tmp_path)
    desired = load_project(project)
    result = run(str(project), "--format", "json", "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    plan = json.loads(result.stdout)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for change in plan["changes"]:
        assert change["action"] == "create", change["address"]
        by_kind.setdefault(change["kind"], []).append(change)
    default = desired.default_location
    assert default is not None
    assert sorted(c["keys"]["location"] for c in by_kind.get("location", [])) == sorted(
        name for name in desired.locations if name != default.name
    )
    assert sorted(c["keys"]["slug"] for c in by_kind["product"]) == sorted(desired.products)
    assert sorted((c["keys"]["slug"], tuple(c["keys"]["variant"])) for c in by_kind["variant"]) == (
        sorted((p.slug, v.key) for p in desired.products.values() for v in p.variants)
    )
    assert sorted(
        (c["keys"]["slug"], tuple(c["keys"]["variant"]), c["keys"]["location"])
        for c in by_kind["stock"]
    ) == sorted(
        (p.slug, v.key, location)
        for p in desired.products.values()
        for v in p.variants
        for location in v.stock
    )
    assert len(by_kind["variant"]) == desired.variant_count
    assert len(by_kind["stock"]) == desired.stock_entry_count
    assert plan["summary"] == {
        "create": len(plan["changes"]),
        "update": 0,
        "delete": 0,
        "switch_tracking": 0,
    }
    assert plan["site"] == LOCAL_SITE_ID
    assert (project / ".inventory-as-code" / "local.db").is_file()


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_text_json_and_markdown_agree(example: str, tmp_path: Path) -> None:
    project = copy_example(example, tmp_path)
    text = run(str(project), "--detailed-exitcode")
    assert text.exit_code == 2
    assert text.stdout.startswith("Using the embedded local store")
    as_json = json.loads(run(str(project), "--format", "json").stdout)
    markdown = run(str(project), "--format", "markdown").stdout
    assert markdown.startswith(MARKER)  # nothing but the comment on stdout
    counts = (
        as_json["summary"]["create"],
        as_json["summary"]["update"],
        as_json["summary"]["delete"],
    )
    assert summary_of(text.stdout) == counts == summary_of(markdown)
    # Every object is one flag away (the default text summarises per product).
    detailed = run(str(project), "--detailed").stdout
    created_in_text = re.findall(r"^  \+ (.+?)(?:  #.*)?$", detailed, re.M)
    assert sorted(created_in_text) == sorted(c["address"] for c in as_json["changes"])


def test_ci_without_a_site_refuses(tmp_path: Path) -> None:
    project = copy_example("corner-bookshop", tmp_path)
    result = run(str(project), env={"CI": "true"})
    assert result.exit_code == 1
    assert "refusing to use the embedded local store in CI" in result.stderr
    assert "--site local" in result.stderr
    assert result.stdout == ""
    assert not (project / ".inventory-as-code").exists()
    # Choosing the local store explicitly is allowed in CI.
    forced = run(str(project), "--site", "local", "--detailed-exitcode", env={"CI": "true"})
    assert forced.exit_code == 2, forced.output


def test_out_writes_a_plan_for_the_embedded_site_without_secrets(tmp_path: Path) -> None:
    project = copy_example("preorder-launch", tmp_path)
    out = tmp_path / "plan.json"
    result = run(str(project), "--out", str(out), "--detailed-exitcode")
    assert result.exit_code == 2
    assert f"Saved the plan to {out}" in result.stdout
    plan, data = read_plan_file(out)
    assert plan.site == data["site"] == LOCAL_SITE_ID
    assert plan.metadata["embedded"] is True
    assert summary_of(result.stdout) == (
        plan.summary.create,
        plan.summary.update,
        plan.summary.delete,
    )
    text = out.read_text()
    for credential in ("api_key", "apikey", "authorization", "token", "secret", "password"):
        assert credential not in text.lower()


def test_a_yaml_error_exits_1_with_file_and_line(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "broken",
        {
            "store.yaml": "locations:\n  Main warehouse: {default: true}\n",
            "products.yaml": "products:\n  tee:\n    prce: 5\n    stock: {Main warehouse: 3}\n",
        },
    )
    result = run(str(project), "--detailed-exitcode")
    assert result.exit_code == 1
    assert "products.yaml:3:5" in result.stderr and '"price"' in result.stderr
    assert "1 problem(s) in the YAML" in result.stderr
    assert "Plan:" not in result.output and "No changes" not in result.output
    assert "Traceback" not in result.stderr


def test_a_yaml_syntax_error_exits_1_with_file_and_line(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "broken",
        {"store.yaml": "locations:\n  Main warehouse: {default: true\n  Other: {}\n"},
    )
    result = run(str(project))
    assert result.exit_code == 1
    assert re.search(r"store\.yaml:\d+:\d+", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_target_flag_limits_the_plan(tmp_path: Path) -> None:
    project = copy_example("apparel-multi-location", tmp_path)
    result = run(
        str(project),
        "--format",
        "json",
        "--target",
        'product["tote-bag"]',
        "--target",
        'location["Outlet Hamburg"]',
    )
    assert result.exit_code == 0
    plan = json.loads(result.stdout)
    assert [c["address"] for c in plan["changes"]] == [
        'location["Outlet Hamburg"]',
        'product["tote-bag"]',
        'variant["tote-bag"]["(default)"]',
        'stock["merino-beanie"]["Black"]["Outlet Hamburg"]',
        'stock["merino-beanie"]["Ochre"]["Outlet Hamburg"]',
        'stock["merino-beanie"]["Slate"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["L/Black"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["L/Olive"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["L/White"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["M/Black"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["M/Olive"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["M/White"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["S/Black"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["S/Olive"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["S/White"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["XL/Black"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["XL/Olive"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["XL/White"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["XS/Black"]["Outlet Hamburg"]',
        'stock["organic-cotton-tee"]["XS/White"]["Outlet Hamburg"]',
        'stock["tote-bag"]["(default)"]["Main warehouse"]',
        'stock["tote-bag"]["(default)"]["Pop-up Berlin"]',
    ]
    assert plan["metadata"]["targets"] == ['product["tote-bag"]', 'location["Outlet Hamburg"]']


def test_names_with_terminal_escapes_are_shown_not_run(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "store.yaml").write_text(
        'locations:\n  Main: {default: true}\n  "Pop-up\\e]8;;http://evil\\e\\\\ \\e[2J": {}\n'
        "products:\n  mug:\n    name: \"Mug\\u202e gpj.exe\"\n    price: '5.00'\n    sku: MUG\n"
        "    stock: {Main: 1}\n",
        encoding="utf-8",
    )
    result = run(str(project))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\x1b[2J" in result.output  # shown, escaped, where the reviewer can see it
    assert "\\u202e" in result.output


def test_unresolved_differences_make_detailed_exitcode_2(tmp_path: Path) -> None:
    from inventory_as_code.cli import main

    project = tmp_path / "shop"
    project.mkdir()
    store = (
        "locations:\n  Main: {default: true}\n"
        "products:\n  ebook:\n    name: Ebook\n    price: '5.00'\n"
    )
    (project / "store.yaml").write_text(store + "    type: physical\n")
    runner = CliRunner()
    applied = runner.invoke(main, ["apply", str(project), "--auto-approve"], env=NO_SITE)
    assert applied.exit_code == 0, applied.output
    (project / "store.yaml").write_text(store + "    type: digital\n")
    result = run(str(project), "--detailed-exitcode")
    assert result.exit_code == 2, result.output  # nothing to apply, but not in sync
    assert "matches the YAML" not in result.output
    assert 'product["ebook"]' in result.output and "Unresolved" in result.output
