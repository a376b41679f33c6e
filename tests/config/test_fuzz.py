"""Random YAML-ish text and random documents never raise anything but ConfigError."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_as_code.config import check_project, load_project
from inventory_as_code.errors import ConfigError

from .test_schema import DOCUMENTS

FRAGMENTS = st.sampled_from(
    [
        "products:",
        "locations:",
        "defaults:",
        "prune:",
        "  ",
        "    ",
        "\n",
        "- ",
        ": ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "&a ",
        "*a",
        "<<: ",
        "!!int ",
        "!!str ",
        "? ",
        "'",
        '"',
        "#",
        "\t",
        "---\n",
        "tee",
        "S/Black",
        "stock",
        "quantity: ",
        "99999999999",
        "-1",
        "yes",
        "~",
        "1.5",
        "\x00",
        "é",
        "default: true",
        "options: {Size: [S, M]}",
        "variants:",
        "Main warehouse: 5",
    ]
)


def _check(files: dict[str, bytes]) -> None:
    root = Path(tempfile.mkdtemp(prefix="iac-fuzz-"))
    try:
        for name, content in files.items():
            (root / name).write_bytes(content)
        try:
            load_project(root)
        except ConfigError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.message and problem.line >= 0 and problem.column >= 0
    finally:
        shutil.rmtree(root)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=40))
def test_random_text_never_raises(parts: list[str]) -> None:
    _check({"a.yaml": "".join(parts).encode("utf-8")})


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data: bytes) -> None:
    _check({"a.yaml": data})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, DOCUMENTS)
def test_random_documents_never_raise(first: dict[str, Any], second: dict[str, Any]) -> None:
    dump = lambda d: yaml.dump(d, Dumper=yaml.CSafeDumper).encode()  # noqa: E731
    _check({"a.yaml": dump(first), "b.yaml": dump(second)})


def test_check_project_never_raises_on_a_broken_example(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("products: {tee: {options: {Size: [S]}, variants: {M: 1}}}\n")
    assert check_project(tmp_path).problems
