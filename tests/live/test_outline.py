"""A file's outline (``--changed-since``) agrees with the loader on what the file is.

The loader skips a file whose top-level keys are none of the inventory's
(with a note), reads the rest, and reports what does not parse. The outline
must take the same files for "not the project's", and call "broken" what the
loader cannot read, or a changed file would be skipped by one and read by the
other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inventory_as_code.config.files import SourceFile
from inventory_as_code.config.problems import ProblemCollector
from inventory_as_code.config.projectfile import Limits
from inventory_as_code.config.source import Reader, is_foreign
from inventory_as_code.selection.outline import outline

CASES = {
    "empty": "",
    "comments only": "# nothing yet\n",
    "a lone ~": "~\n",
    "products": 'products:\n  tee: {name: Tee, price: "1.00"}\n',
    "another tool's file": "services:\n  web: {image: nginx}\n",
    "another tool's file, broken later": "services:\n  web: {image: nginx}\nvolumes: [\n",
    "an inventory file, broken later": "products:\n  tee: {name: Tee}\nlocations: [\n",
    "a near miss of a key": "product:\n  tee: {name: Tee}\n",
    "a list at the top": "- products\n",
    "a scalar at the top": "hello\n",
    "two documents": "products: {}\n---\nproducts: {}\n",
    "a key written twice": "products: {}\nproducts: {}\n",
    "two foreign keys written twice": "services: {}\nservices: {}\n",
    "a complex key": "? [a, b]\n: 1\n",
    "products that are a list": "products: [a, b]\n",
    "products left empty": "products:\n",
}


def loader_takes(text: str, tmp_path: Path) -> str:
    """``skipped``, ``read`` or ``refused``, as the loader takes the file."""
    path = tmp_path / "file.yaml"
    path.write_text(text)
    problems = ProblemCollector()
    doc, foreign = Reader(Limits(), problems, ProblemCollector())._read(
        SourceFile("file.yaml", str(path), listed=False)
    )
    if foreign is not None:
        return "skipped"
    return "refused" if doc is None else "read"


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_the_outline_takes_a_file_as_the_loader_does(text: str, tmp_path: Path) -> None:
    found = outline(text)
    taken = "skipped" if is_foreign(found.top_keys) else "refused" if found.broken else "read"
    loader = loader_takes(text, tmp_path)
    # The outline may call "broken" (plan everything) a file the loader reads and the
    # schema refuses later; never the other way round.
    assert taken == loader or (taken, loader) == ("refused", "read"), (taken, loader)


def test_product_texts_ignore_where_they_stand_and_the_line_ends() -> None:
    one = outline('products:\n  tee:\n    name: Tée\n    price: "1.00"\n\n  mug: {name: Mug}\n')
    other = outline(
        'products:\r\n  mug: {name: Mug}\r\n  tee:\r\n    name: Tée\r\n    price: "1.00"\r\n'
    )
    assert (
        one.products
        == other.products
        == {
            "tee": 'name: Tée\n    price: "1.00"',
            "mug": "{name: Mug}",
        }
    )


def test_anchors_and_duplicates_are_told() -> None:
    found = outline("products:\n  a: &base {name: A}\n  b: *base\n  a: {name: A2}\n")
    assert found.tangled_products and found.duplicates == {"a"}
    found = outline("defaults: &d {stock: {policy: set}}\nproducts:\n  a: {name: A}\n")
    assert found.tangled_blocks and not found.tangled_products
    assert found.blocks == {"defaults": "&d {stock: {policy: set}}"}
