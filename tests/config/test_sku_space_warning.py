"""A SKU with any kind of space in it is warned about; others are not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from inventory_as_code.config import check_project

from .conftest import LOCATIONS


@pytest.mark.parametrize(
    ("sku", "warned"),
    [
        ("TEE-1", False),
        ("TEE 1", True),
        ("TEE\\t1", True),
        ("TEE\\u00a01", True),  # no-break space
        ("TEE\\u30001", True),  # ideographic space
        ("TEE\\u200b1", False),  # zero width space is not white space to Python
    ],
)
def test_sku_spaces(project: Callable[..., Path], sku: str, warned: bool) -> None:
    root = project({"a.yaml": LOCATIONS + f'products:\n  tee:\n    sku: "{sku}"\n'})
    result = check_project(root)
    assert not result.problems
    assert any("contains a space" in w.message for w in result.warnings) is warned
