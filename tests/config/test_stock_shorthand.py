"""A variant's ``L: <quantity>`` shorthand resolves as the general stock path does.

The builder resolves that shorthand (150,000 of them in a large catalog)
without merging layers (``shorthand_entry``). Whatever the levels below say
(policy, tracking, preorder, managed, digital products), the stock entries,
every origin and every problem must be those of the general path, which these
tests reach by switching the shorthand off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import inventory_as_code.config.products as products
from inventory_as_code.config import check_project

from .conftest import write

BLOCKS = st.sampled_from(
    [
        "",
        "{policy: set}",
        "{policy: initial}",
        "{tracking: in_stock}",
        "{in_stock: true}",
        "{managed: false}",
        "{quantity: 3, policy: at_least}",
        "{preorder: true}",
        "{preorder: {enabled: true, limit: 5}}",
        "{preorder: {message: Soon}}",
        "{preorder: {limit: 7}}",
        "4",
        "true",
    ]
)
QUANTITIES = st.sampled_from(["0", "5", "99999", "100000", "-1", "2.0", "true", "{quantity: 2}"])


def _project(
    root: Path, default: str, location: str, product: str, digital: bool, variant: list[str]
) -> Path:
    text = "locations:\n  Main:\n    default: true\n"
    text += f"    stock: {location}\n" if location else ""
    text += "  Shop:\n"
    text += f"defaults:\n  stock: {default}\n" if default else ""
    text += "products:\n  tee:\n    sku: TEE-{Size}\n    options: {Size: [S, M, L]}\n"
    text += "    type: digital\n" if digital else ""
    text += f"    stock: {{Main: {product}}}\n" if product else ""
    text += "    variants:\n"
    for size, quantity in zip(("S", "M", "L"), variant, strict=False):
        text += f"      {size}: {{stock: {{Main: {quantity}, Shop: {quantity}}}}}\n"
    return write(root, {"store.yaml": text})


def _outcome(root: Path) -> Any:
    result = check_project(root)
    stock: list[Any] = []
    if result.state is not None:
        for variant in result.state.products["tee"].variants:
            for location, entry in variant.stock.items():
                preorder = entry.preorder
                stock.append(
                    (
                        variant.key,
                        location,
                        entry,
                        dict(entry.origins),
                        None if preorder is None else dict(preorder.origins),
                    )
                )
    return stock, result.problems, result.warnings


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(BLOCKS, BLOCKS, BLOCKS, st.booleans(), st.lists(QUANTITIES, min_size=1, max_size=3))
def test_shorthand_matches_the_general_path(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    default: str,
    location: str,
    product: str,
    digital: bool,
    variant: list[str],
) -> None:
    root = _project(tmp_path, default, location, product, digital, variant)
    fast = _outcome(root)
    with monkeypatch.context() as patch:
        patch.setattr(products, "MAX_QUANTITY", -1)  # no quantity takes the shorthand
        general = _outcome(root)
    assert fast == general


def test_shorthand_quantity_cites_its_line(tmp_path: Path) -> None:
    root = _project(tmp_path, "{policy: set}", "", "", False, ["5"])
    state = check_project(root).state
    assert state is not None
    entry = state.products["tee"].variants[0].stock["Main"]
    assert (entry.quantity, entry.policy.value) == (5, "set")
    assert [(name, str(origin)) for name, origin in entry.origins.items()] == [
        ("managed", "store.yaml:12:19"),
        ("tracking", "store.yaml:12:25"),
        ("quantity", "store.yaml:12:25"),
        ("policy", "store.yaml:6:19"),
    ]
