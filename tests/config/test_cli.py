"""The validate command: output formats and exit codes (through a throwaway click group)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from inventory_as_code.cli.validate import validate_command

EXAMPLES = Path(__file__).parents[2] / "examples"
BAD = {
    "store.yaml": "locations:\n  Main warehouse: {default: true}\n",
    "products.yaml": "products:\n  tee:\n    prce: 5\n    stock: {Main: 3}\n",
}


@click.group()
def cli() -> None:
    """Stand-in for the real command group."""


cli.add_command(validate_command)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_valid_project_exits_0_with_a_summary() -> None:
    code, out = run(str(EXAMPLES / "corner-bookshop"))
    assert code == 0
    assert out.strip() == "OK: 3 files, 1 location, 7 products, 8 variants, 8 stock entries."


def test_default_directory_is_the_current_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES / "corner-bookshop")
    code, out = run()
    assert code == 0 and out.startswith("OK: 3 files")


def test_problems_exit_1_with_file_line_column_and_fix(project: Callable[..., Path]) -> None:
    root = project(BAD)
    code, out = run(str(root))
    assert code == 1
    assert out == (
        f'{root}/products.yaml:3:5: products.tee.prce: unknown key "prce"; did you mean "price"?\n'
        '    Fix: rename it to "price".\n'
        f'{root}/products.yaml:4:13: products.tee.stock.Main: unknown location "Main"; '
        "declared locations are Main warehouse.\n"
        "    Fix: correct the name, or add the location under locations:.\n"
        "\n"
        "2 problems in 1 file.\n"
    )


def test_paths_are_shown_relative_to_the_current_folder(
    project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project({"shop/" + name: text for name, text in BAD.items()})
    monkeypatch.chdir(root)
    _, out = run("shop")
    assert out.startswith("shop/products.yaml:3:5: ")
    _, out = run(str(root / "shop"))
    assert out.startswith("shop/products.yaml:3:5: ")


def test_github_format(project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = project({"shop/" + name: text for name, text in BAD.items()})
    monkeypatch.chdir(root)
    code, out = run("shop", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "::error file=shop/products.yaml,line=3,col=5,title=inventory-as-code%3A products.tee.prce"
        '::unknown key "prce"; did you mean "price"?%0AFix: rename it to "price".'
    )
    assert lines[1].startswith("::error file=shop/products.yaml,line=4,col=13,")
    assert lines[2] == "2 problems in 1 file."


def test_github_format_for_a_folder_level_problem(tmp_path: Path) -> None:
    code, out = run(str(tmp_path), "--format", "github")
    assert code == 1
    assert out.splitlines()[0].startswith("::error title=inventory-as-code::")


def test_json_format(project: Callable[..., Path]) -> None:
    code, out = run(str(project(BAD)), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert data["problems"][0]["line"] == 3 and data["problems"][0]["path"] == "products.tee.prce"
    code, out = run(str(EXAMPLES / "preorder-launch"), "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["variants"] == 13


def test_unknown_format_is_a_usage_error() -> None:
    code, _ = run(".", "--format", "xml")
    assert code == 2
