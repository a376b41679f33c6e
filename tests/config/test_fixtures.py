"""One fixture folder per failure mode, with the exact text `validate` prints.

Each folder under ``fixtures/`` is a small project holding one mistake;
``expected.txt`` next to the YAML is the golden output. Refresh the goldens
after an intended wording change with ``UPDATE_GOLDENS=1 pytest tests/config``
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inventory_as_code.cli.validate import text_block
from inventory_as_code.config import check_project

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def render(folder: Path) -> str:
    result = check_project(folder)
    return "".join(text_block(p, p.file or ".") + "\n" for p in result.problems)


@pytest.mark.parametrize("case", CASES)
def test_failure_mode_message(case: str) -> None:
    folder = FIXTURES / case
    expected_file = folder / "expected.txt"
    actual = render(folder).replace(str(folder), "<fixture>")
    if os.environ.get("UPDATE_GOLDENS"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual, f"{case}: the fixture must produce at least one problem"
    assert actual == expected_file.read_text(encoding="utf-8")


def test_every_failure_mode_is_invalid() -> None:
    assert len(CASES) >= 50
    for case in CASES:
        assert check_project(FIXTURES / case).state is None, case
