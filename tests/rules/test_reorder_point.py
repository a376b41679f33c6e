"""reorder_point: read at three levels, warned about by plan, reported by `check` (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

from inventory_as_code.config import load_project
from tests.e2e.cli import run_cli, write_project
from tests.rules.conftest import REPO, STORE, TEES, run

CHECK_SCHEMA = json.loads((REPO / "inventory_as_code/schemas/check.schema.json").read_text())
LEVELS = """\
locations:
  Main warehouse: {default: true, reorder_point: 10}
  Outlet: {reorder_point: 3}
products:
  tee:
    name: Tee
    options: {Size: [S, M, L]}
    price: "20.00"
    reorder_point: {Outlet: 4}
    stock:
      Main warehouse: 80
      Outlet: 5
      Pop-up: true
    variants:
      M: {reorder_point: 7}
      L: {reorder_point: {Main warehouse: 50}}
  mug:
    name: Mug
    price: "9.00"
    stock: {Main warehouse: 5, Outlet: 1}
"""


def test_the_most_specific_level_wins_and_only_counted_stock_gets_one(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "store.yaml": LEVELS.replace(
                "  Outlet: {reorder_point: 3}", "  Outlet: {reorder_point: 3}\n  Pop-up: {}"
            )
        },
    )
    desired = load_project(root)
    points = {
        (slug, "/".join(v.key), location): entry.reorder_point
        for slug, product in desired.products.items()
        for v in product.variants
        for location, entry in v.stock.items()
    }
    assert points == {
        ("tee", "S", "Main warehouse"): 10,  # the location's
        ("tee", "S", "Outlet"): 4,  # the product's for that location
        ("tee", "S", "Pop-up"): None,  # in stock / out of stock: no count to compare
        ("tee", "M", "Main warehouse"): 7,  # the variant's for every location
        ("tee", "M", "Outlet"): 7,
        ("tee", "M", "Pop-up"): None,
        ("tee", "L", "Main warehouse"): 50,  # the variant's for that location
        ("tee", "L", "Outlet"): 4,
        ("tee", "L", "Pop-up"): None,
        ("mug", "", "Main warehouse"): 10,
        ("mug", "", "Outlet"): 3,
    }


def test_validate_names_an_unknown_location_and_a_wrong_value(tmp_path: Path) -> None:
    yaml = TEES.replace(
        "    stock:", "    reorder_point: {Main warehous: 5, Main warehouse: -1}\n    stock:"
    )
    root = write_project(tmp_path / "p", {"store.yaml": STORE, "tees.yaml": yaml})
    result = run("validate", root)
    assert result.exit_code == 1
    assert (
        'tees.yaml:8:21: products.tee.reorder_point.Main warehous: unknown location "Main '
        'warehous" (did you mean "Main warehouse"?).' in result.output
    )
    assert (
        "tees.yaml:8:55: products.tee.reorder_point.Main warehouse: -1 is below the minimum 0."
        in result.output
    )


def test_plan_warns_and_check_reports_stock_at_or_below_its_reorder_point(project: Path) -> None:
    # Live: 80 of each tee. The plan sets S to 6; M's reorder point is 80 (at it).
    yaml = TEES.replace(
        "    stock:",
        "    reorder_point: 5\n    variants:\n      M: {reorder_point: 80}\n"
        "      S: {stock: {Main warehouse: {quantity: 6, policy: set}}}\n    stock:",
    )
    (project / "tees.yaml").write_text(yaml)
    planned = run("plan", project, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output  # a warning, not a refusal
    assert (
        "Warning: 1 stock item(s) at or below their reorder point" in planned.output
        and 'stock["tee"]["M"]["Main warehouse"]: 80 in stock, at or below the reorder point '
        "80  # tees.yaml:10:26"
        in planned.output
    )

    checked = run_cli("check", project, "--format", "json")
    assert checked.code == 2, checked
    report = json.loads(checked.out)
    Draft202012Validator(CHECK_SCHEMA).validate(report)
    assert report["checked"] == 2
    assert [(low["address"], low["quantity"], low["reorder_point"]) for low in report["low"]] == [
        ('stock["tee"]["M"]["Main warehouse"]', 80, 80)
    ]
    assert report["low"][0]["origin"] == {"file": "tees.yaml", "line": 10, "column": 26}

    markdown = run("check", project, "--format", "markdown")
    assert markdown.exit_code == 2
    assert (
        "| `Tee` (`tee`) | `M` | `Main warehouse` | 80 | 80 | `tees.yaml:10:26` |"
        in markdown.stdout
    )

    # Applied, S holds 6 (above 5): still only M.
    assert run("apply", project, "--auto-approve").exit_code == 0
    assert (
        "1 of 2 stock item(s) with a reorder point are at or below it."
        in run("check", project).output
    )

    (project / "tees.yaml").write_text(yaml.replace("reorder_point: 80", "reorder_point: 79"))
    fine = run_cli("check", project)
    assert fine.code == 0, fine
    assert "OK: none of the 2 stock item(s) with a reorder point is at or below it." in fine.out


def test_check_fails_as_an_error_on_invalid_yaml(project: Path) -> None:
    (project / "tees.yaml").write_text(
        TEES.replace("    stock:", "    reorder_point: many\n    stock:")
    )
    result = run_cli("check", project)
    assert result.code == 1, result
    assert "tees.yaml:8:20: products.tee.reorder_point:" in result.err
