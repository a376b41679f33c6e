"""What the tool writes into a user's files points somewhere real, and lists what is real:
the docs' address comes from pyproject's [project.urls] (one place), and every list of the
format's top-level keys is the schema's."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from click.testing import CliRunner

from inventory_as_code import docs_url
from inventory_as_code.cli import main
from inventory_as_code.config.source import TOP_LEVEL_KEYS
from inventory_as_code.export.write import header

REPO = Path(__file__).resolve().parents[2]
REPOSITORY = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "urls"
]["Repository"]


def test_the_docs_address_is_the_repository_of_pyproject() -> None:
    assert REPOSITORY.startswith("https://")
    assert docs_url("format.md") == f"{REPOSITORY}/blob/main/docs/format.md"


def test_init_and_export_link_the_format_instead_of_naming_a_file_somewhere(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert docs_url("format.md") in (tmp_path / "store.yaml").read_text()
    assert docs_url("ci.md") in (tmp_path / "inventory-as-code.toml").read_text()
    assert "docs/format.md of inventory-as-code" not in written and "{format.md}" not in written
    assert docs_url("format.md") in result.output and docs_url("ci.md") in result.output
    assert docs_url("format.md") in header()


def test_every_list_of_the_top_level_keys_is_the_schemas() -> None:
    keys = set(TOP_LEVEL_KEYS)
    assert keys == {"locations", "defaults", "options", "products", "prune", "moved"}
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    (listed,) = re.findall(r"YAML files with none of the keys (.*?) \(", readme)
    assert set(re.findall(r"`(\w+)`", listed)) == keys
    for toml in (
        "inventory_as_code/templates/inventory-as-code.toml",
        "examples/ci/inventory-as-code.toml",
    ):
        text = " ".join(line.lstrip("# ") for line in (REPO / toml).read_text().splitlines())
        (listed,) = re.findall(r"none of the keys ([\w/]+)", text)
        assert set(listed.split("/")) == keys, toml
    format_md = " ".join((REPO / "docs" / "format.md").read_text(encoding="utf-8").split())
    (listed,) = re.findall(r"(\w+) top-level keys exist: (.*?)\.", format_md)
    assert listed[0] == "Six" and set(re.findall(r"`(\w+)`", listed[1])) == keys
    assert "none of the six above" in format_md
