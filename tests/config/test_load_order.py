"""Products are built while later files are read, so every store-wide block must come first.

The loader reads files that may hold ``locations``, ``defaults``, ``prune``
or ``options`` before the files of products only (issue 22: each product
file's YAML is freed once its products are built). A file counts as products
only when every top-level line is ``products:``; whatever else a file's top
level looks like, it is read first, so a block is never missed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from inventory_as_code.config import check_project, load_project

PRODUCT = 'products:\n  {slug}:\n    name: X\n    price: "1.00"\n    stock: {{Depot: 3}}\n'
STORE_WIDE = {
    "block": "locations:\n  Depot: {default: true}\n",
    "flow": "{locations: {Depot: {default: true}}}\n",
    "after products": 'products:\n  zz:\n    name: Z\n    price: "1.00"\nlocations:\n'
    "  Depot: {default: true}\n",
    "flow continued at column 0": "products: {zz: {name: Z, price: '1.00'},\n"
    "}\nlocations: {Depot: {default: true}}\n",
    "byte order mark": "\ufefflocations:\n  Depot: {default: true}\n",
}


@pytest.mark.parametrize("shape", list(STORE_WIDE))
def test_a_store_wide_block_in_a_later_file_reaches_the_products_before_it(
    shape: str, project: Callable[..., Path]
) -> None:
    files = {f"a{n}.yaml": PRODUCT.format(slug=f"p{n}") for n in range(3)}
    root = project({**files, "z-store.yaml": STORE_WIDE[shape]})
    state = load_project(root)
    stock = {state.products[f"p{n}"].variants[0].stock["Depot"].quantity for n in range(3)}
    assert stock == {3}
    assert state.files == ("a0.yaml", "a1.yaml", "a2.yaml", "z-store.yaml")


def test_product_problems_are_not_reported_when_another_file_cannot_be_read(
    project: Callable[..., Path],
) -> None:
    """Built early or not, a product's problems wait for every file to be read."""
    root = project(
        {
            "a.yaml": "locations:\n  Depot: {default: true}\n",
            "b.yaml": 'products:\n  p:\n    name: X\n    price: "1.00"\n    stock: {Nowhere: 1}\n',
            "c.yaml": "products:\n  q: [\n",
        }
    )
    found = check_project(root).problems
    assert [p.file for p in found] == ["c.yaml"], found
