"""Helpers for the desired-state tests: write small projects into tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from inventory_as_code.config import Problem, check_project

LOCATIONS = "locations:\n  Main warehouse:\n    default: true\n  Pop-up Berlin:\n"


def write(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """``project({"a.yaml": "..."})`` writes the files and returns the folder."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        return write(tmp_path, files)

    return make


def messages(path: Path) -> list[str]:
    return [p.message for p in check_project(path).problems]


def only_problem(path: Path) -> Problem:
    problems = check_project(path).problems
    assert len(problems) == 1, problems
    return problems[0]
