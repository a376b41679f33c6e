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
        # YAML 1.1 integer forms, short and far past Python's 4,300-digit text limit
        "0x",
        "0b",
        "0",
        ":59",
        "1_000",
        "0x" + "f" * 3600,
        "1" + ":59" * 2000,
        "0" + "7" * 5000,
        "!!float ",
    ]
)
# A number in any YAML 1.1 form, of any length, where the format expects one.
NUMBERS = st.builds(
    lambda form, digits: form(digits),
    st.sampled_from(
        [
            lambda n: "0x" + "f" * n,
            lambda n: "0b" + "1" * n,
            lambda n: "0" + "7" * n,
            lambda n: "1" + ":59" * n,
            lambda n: "9" * n,
            lambda n: "9" * n + ".5",
            lambda n: "1_" * n + "0",
            lambda n: "!!int " + "1" * n,
        ]
    ),
    st.integers(min_value=1, max_value=6000),
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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NUMBERS, st.sampled_from(["quantity", "name", "key", "price"]))
def test_numbers_of_any_form_and_length_never_raise(number: str, place: str) -> None:
    text = {
        "quantity": f"products: {{p: {{stock: {{W: {number}}}}}}}\n",
        "name": f"products: {{p: {{name: {number}}}}}\n",
        "key": f"products: {{{number}: {{name: x}}}}\n",
        "price": f"products: {{p: {{price: {number}}}}}\n",
    }[place]
    _check({"a.yaml": text.encode()})


def test_check_project_never_raises_on_a_broken_example(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("products: {tee: {options: {Size: [S]}, variants: {M: 1}}}\n")
    assert check_project(tmp_path).problems
