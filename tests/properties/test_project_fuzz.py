"""Random projects of several files (sub-folders, .yml, hidden files, clashing blocks)
never make load_project raise anything but ConfigError, and each problem names a file
of the project with a line and column."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_as_code.config import load_project
from inventory_as_code.errors import ConfigError
from tests.config.test_schema import DOCUMENTS

NAMES = st.sampled_from(
    [
        "store.yaml",
        "a.yml",
        "products/tees.yaml",
        "products/deep/mugs.yaml",
        ".hidden.yaml",
        "notes.txt",
        "products/b.YAML",
        "docker-compose.yml",
        "node_modules/pkg/x.yaml",
        "venv/pyvenv.cfg",
        "venv/lib/x.yaml",
    ]
)
# Fragments that clash across files: a second locations block, a slug twice, a
# location or SKU used in one file and declared (or not) in another.
CLASHING = st.sampled_from(
    [
        {"locations": {"Main": {"default": True}}},
        {"locations": {"Outlet": {"default": True}}},
        {"defaults": {"stock": {"policy": "set"}}},
        {"prune": {"products": True}},
        {"products": {"tee": {"name": "Tee", "sku": "X", "stock": {"Main": 1}}}},
        {"products": {"mug": {"name": "Mug", "sku": "X", "stock": {"Nowhere": 2}}}},
        {"products": {"tee": {"name": "Tee 2", "options": {"Size": ["S"]}}}},
        None,
        [],
        "just text",
    ]
)
CONTENT = st.one_of(
    CLASHING.map(lambda d: yaml.safe_dump(d).encode()),
    DOCUMENTS.map(lambda d: yaml.safe_dump(d).encode()),
    st.binary(max_size=40),
    st.sampled_from([b"", b"# only a comment\n", b"a: 1\n---\nb: 2\n", b"\xff\xfe", b"\t- x"]),
    # YAML 1.1 integers past Python's 4,300-digit limit, and base 60 (quadratic in PyYAML)
    st.builds(
        lambda form, n: b"products: {p: {stock: {Main: " + form(n) + b"}}}\n",
        st.sampled_from(
            [lambda n: b"0x" + b"f" * n, lambda n: b"1" + b":59" * n, lambda n: b"0" + b"7" * n]
        ),
        st.integers(min_value=1, max_value=5000),
    ),
    # files that are plainly someone else's (docker-compose, mkdocs, a workflow)
    st.sampled_from(
        [
            b"services: {web: {image: nginx}}\nvolumes: {}\n",
            b"site_name: Docs\nnav: [index.md]\n",
            b"name: ci\non: [push]\njobs: {}\n",
        ]
    ),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(NAMES, CONTENT, min_size=1, max_size=5))
def test_random_projects_only_raise_config_error(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        try:
            load_project(root)
        except ConfigError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.message
                assert problem.line >= 0 and problem.column >= 0


def _dump(document: Any) -> str:
    return yaml.safe_dump(document)


def test_a_slug_in_two_files_names_both() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "a.yaml").write_text(_dump({"products": {"tee": {"name": "Tee"}}}))
        (root / "sub").mkdir()
        (root / "sub" / "b.yaml").write_text(_dump({"products": {"tee": {"name": "Tee"}}}))
        try:
            load_project(root)
        except ConfigError as exc:
            text = " ".join(p.message for p in exc.problems) + " ".join(
                str(p.file) for p in exc.problems
            )
            assert "a.yaml" in text and "b.yaml" in text
        else:
            raise AssertionError("a slug defined twice was accepted")
