"""apply through the command line, on the embedded local store: refusals and reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CLEAN_ENV = {"CI": "", "WIX_API_KEY": "", "WIX_SITE_ID": "", "WIX_API_BASE_URL": ""}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(EXAMPLES / "corner-bookshop", target)
    return target


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=CLEAN_ENV, catch_exceptions=False)


def test_apply_without_a_terminal_asks_for_auto_approve(project: Path) -> None:
    result = run("apply", str(project))
    assert result.exit_code == 1
    assert "--auto-approve" in result.output
    assert "Plan: 24 to create" in result.output
    assert run("plan", str(project), "--detailed-exitcode").exit_code == 2  # nothing applied


def test_saved_plan_applies_once_and_reports_json(project: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    assert run("plan", str(project), "--out", str(plan_file)).exit_code == 0
    report_file = tmp_path / "report.json"
    result = run(
        "apply", str(plan_file), "--project", str(project), "--report-json", str(report_file)
    )
    assert result.exit_code == 0, result.output
    report = json.loads(report_file.read_text())
    assert report["summary"]["applied"] == 24
    assert report["exit_code"] == 0
    # Two writes (the store's option, then the products), then the read-back: the
    # option, the products, their variants and their stock.
    assert report["calls"] == {
        "customizations.bulk-create": 1,
        "products.bulk-create-with-inventory": 1,
        "customizations.query": 1,
        "products.query": 1,
        "variants.query": 1,
        "inventory-items.query": 1,
    }
    assert report["verified"] is True and report["inconsistencies"] == []
    assert run("plan", str(project), "--detailed-exitcode").exit_code == 0


def test_an_edited_saved_plan_is_refused(project: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    run("plan", str(project), "--out", str(plan_file))
    data = json.loads(plan_file.read_text())
    data["changes"][0]["after"]["name"] = "Something else"
    plan_file.write_text(json.dumps(data))
    result = run("apply", str(plan_file), "--project", str(project))
    assert result.exit_code == 4
    assert "checksum mismatch" in result.output


def test_a_plan_for_another_site_is_refused(project: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    run("plan", str(project), "--out", str(plan_file))
    data = json.loads(plan_file.read_text())
    data["site"] = "production-site"
    from inventory_as_code.plan.model import checksum

    data["checksum"] = checksum(data)
    plan_file.write_text(json.dumps(data))
    result = run("apply", str(plan_file), "--project", str(project))
    assert result.exit_code == 4
    assert "was made for site 'production-site'" in result.output


STORE = """
locations:
  Main: {default: true}
defaults:
  stock: {policy: set}
products:
  tee:
    name: Tee
    options: {Size: [S, M, L]}
    sku: TEE-{Size}
    price: "20.00"
    stock: {Main: 10}
"""


def test_guard_rails_refuse_without_force(tmp_path: Path) -> None:
    project = tmp_path / "rails"
    project.mkdir()
    (project / "store.yaml").write_text(STORE)
    assert run("apply", str(project), "--auto-approve").exit_code == 0
    # Every variant goes out of stock at once: over the default 25% share.
    (project / "store.yaml").write_text(STORE.replace("{Main: 10}", "{Main: 0}"))
    (project / "inventory-as-code.toml").write_text("[guard_rails]\nmin_items = 1\n")
    refused = run("apply", str(project), "--auto-approve")
    assert refused.exit_code == 4
    assert "OUT_OF_STOCK_SHARE" in refused.output
    assert "3 of 3 managed stock items (100%) go out of stock" in refused.output
    # Nothing applied; and the plan's check fails as apply would (4, not 2).
    assert run("plan", str(project), "--detailed-exitcode").exit_code == 4
    forced = run("apply", str(project), "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    assert run("plan", str(project), "--detailed-exitcode").exit_code == 0


def test_show_prints_the_saved_plan_and_refuses_an_edited_one(
    project: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    planned = run("plan", str(project), "--out", str(plan_file))
    shown = run("show", str(plan_file))
    assert shown.exit_code == 0
    assert "Plan: 24 to create, 0 to update, 0 to delete." in shown.output
    assert shown.output.strip().splitlines()[-1] in planned.output
    markdown = run("show", str(plan_file), "--format", "markdown")
    assert "inventory-as-code plan for site `local`" in markdown.output
    plan_file.write_text(plan_file.read_text().replace('"create"', '"delete"', 1))
    refused = run("show", str(plan_file))
    assert refused.exit_code == 4
    assert "checksum mismatch" in refused.output


def test_a_report_path_that_cannot_be_written_is_refused_before_applying(
    project: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing" / "report.json"
    result = run("apply", str(project), "--auto-approve", "--report-json", str(missing))
    assert result.exit_code == 1
    assert "does not exist; nothing applied" in result.output
    assert "Plan:" not in result.output  # refused before planning
    assert run("plan", str(project), "--detailed-exitcode").exit_code == 2  # nothing applied
