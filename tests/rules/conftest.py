"""A small shop on the embedded local store, applied once per module, and the documented rules."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli import main
from tests.e2e.cli import BASE_ENV, write_project

REPO = Path(__file__).resolve().parents[2]
RULES_DOC = REPO / "docs" / "rules.md"
ENV = {key: value or None for key, value in BASE_ENV.items()}  # None: unset

STORE = """\
locations:
  Main warehouse: {default: true}
"""
# Two tees at 20.00 (was 25.00), stocked at the warehouse.
TEES = """\
products:
  tee:
    name: Tee
    options: {Size: [S, M]}
    sku: NL-TEE-{Size}
    price: "20.00"
    compare_at_price: "25.00"
    stock:
      Main warehouse: {quantity: 80, policy: set}
"""


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=ENV, catch_exceptions=False)


def plan_json(project: Path, *args: str) -> dict[str, Any]:
    result = run("plan", project, "--format", "json", *args)
    assert result.exit_code in (0, 2, 4), result.output
    body = result.stdout
    return json.loads(body[body.index("{") :])  # type: ignore[no-any-return]


def documented_rules() -> str:
    """The toml block of docs/rules.md's "Examples a shop asks for", as written there."""
    text = RULES_DOC.read_text(encoding="utf-8")
    section = text.split("## Examples a shop asks for", 1)[1]
    block = re.search(r"```toml\n(.*?)```", section, re.S)
    assert block is not None
    tomllib.loads(block[1])  # it is TOML
    return block[1]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tees applied; each test copies it (store included) and edits the copy."""
    root = write_project(
        tmp_path_factory.mktemp("shop") / "shop", {"store.yaml": STORE, "tees.yaml": TEES}
    )
    assert run("apply", root, "--auto-approve").exit_code == 0
    yield root


@pytest.fixture
def project(shop: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(shop, tmp_path / "project", symlinks=True))
