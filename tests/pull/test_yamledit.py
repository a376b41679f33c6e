"""The YAML editor on its own: each edit changes its value and not one other byte."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from inventory_as_code.pull.files import write_edits
from inventory_as_code.pull.model import FileEdit, PullError
from inventory_as_code.pull.rules import SHORTHANDS
from inventory_as_code.yamledit import (
    BOOL,
    INT,
    MONEY,
    TEXT,
    Patch,
    Scalar,
    apply_patch,
    decode_source,
    parse,
    refusal,
)


def edit(text: str, patch: Patch) -> str:
    return apply_patch(parse(text), patch, SHORTHANDS)


@pytest.mark.parametrize(
    ("before", "value", "after"),
    [
        ('price: "29.00"\n', Scalar("31.50", MONEY), 'price: "31.50"\n'),
        ("price: '29.00'\n", Scalar("31.50", MONEY), "price: '31.50'\n"),
        ("price: 29\n", Scalar("31.50", MONEY), "price: 31.50\n"),
        ("name: Tee\n", Scalar("Organic Tee", TEXT), "name: Organic Tee\n"),
        ("name: Tee\n", Scalar("yes", TEXT), 'name: "yes"\n'),  # plain would be true
        ("name: Tee\n", Scalar("a: b # c", TEXT), 'name: "a: b # c"\n'),
        ("name: Tee\n", Scalar('say "hi"\n', TEXT), 'name: "say \\"hi\\"\\n"\n'),
        ("name: 'Tee'\n", Scalar("it's", TEXT), "name: 'it''s'\n"),
        ('name: "Tee"\n', Scalar("Mug", TEXT), 'name: "Mug"\n'),
        ("on: true\n", Scalar(False, BOOL), "on: false\n"),
        ("n: 5\n", Scalar(12, INT), "n: 12\n"),
        ("t: {a: 1, b: x}\n", Scalar("y, z", TEXT), 't: {a: 1, b: "y, z"}\n'),
    ],
)
def test_a_value_is_replaced_in_its_own_style(before: str, value: Scalar, after: str) -> None:
    key = before.split(":", 1)[0]
    patch: Patch = {"t": {"b": value}} if key == "t" else {key: value}
    assert edit(before, patch) == after


def test_a_comment_after_a_value_keeps_its_column_and_one_space_at_least() -> None:
    text = "a: short      # note\nb: x # tight\n"
    assert edit(text, {"a": Scalar("much longer", TEXT)}) == "a: much longer # note\nb: x # tight\n"
    assert edit(text, {"a": Scalar("s", TEXT)}) == "a: s          # note\nb: x # tight\n"
    assert edit(text, {"b": Scalar("xyz", TEXT)}) == "a: short      # note\nb: xyz # tight\n"


def test_new_keys_go_into_flow_and_block_mappings_in_their_style() -> None:
    text = (
        "products:\n"
        "  tee:   # the tee\n"
        "    variants:\n"
        "      L: {price: '22.00'}   # big\n"
        "      M: {}\n"
        "    # a comment after the variants\n"
        "\n"
        "  mug: {name: Mug}\n"
    )
    patch: Patch = {
        "products": {
            "tee": {
                "variants": {
                    "L": {"sku": Scalar("TEE-L", TEXT)},
                    "M": {"price": Scalar("20.00", MONEY, "'")},
                    "S": {"stock": {"Main": {"quantity": Scalar(3, INT)}}},
                },
                "visible": Scalar(False, BOOL),
            },
            "mug": {"price": Scalar("9.00", MONEY, '"')},
        }
    }
    assert edit(text, patch) == (
        "products:\n"
        "  tee:   # the tee\n"
        "    variants:\n"
        "      L: {price: '22.00', sku: TEE-L}   # big\n"
        "      M: {price: '20.00'}\n"
        "      S: {stock: {Main: 3}}\n"
        "    visible: false\n"
        "    # a comment after the variants\n"
        "\n"
        '  mug: {name: Mug, price: "9.00"}\n'
    )


def test_a_block_of_block_mappings_gets_block_entries_at_the_file_s_indentation() -> None:
    text = "products:\n    tee:\n        variants:\n            L:\n                sku: X\n"
    patch: Patch = {
        "products": {"tee": {"variants": {"M": {"stock": {"A": {"in_stock": Scalar(True, BOOL)}}}}}}
    }
    assert edit(text, patch) == text + "            M:\n                stock: {A: true}\n"


def test_an_empty_value_and_a_shorthand_become_mappings_and_fold_back() -> None:
    text = (
        "products:\n"
        "  tee:\n"
        "    variants:\n"
        "      M:            # listed, nothing of its own\n"
        "      L: {stock: {Main: 4, Pop: false}}\n"
    )
    patch: Patch = {
        "products": {
            "tee": {
                "variants": {
                    "M": {"price": Scalar("1.00", MONEY)},
                    "L": {
                        "stock": {
                            "Main": {"preorder": {"limit": Scalar(5, INT)}},
                            "Pop": {"in_stock": Scalar(True, BOOL)},
                        }
                    },
                }
            }
        }
    }
    assert edit(text, patch) == (
        "products:\n"
        "  tee:\n"
        "    variants:\n"
        "      M: {price: 1.00}            # listed, nothing of its own\n"
        "      L: {stock: {Main: {quantity: 4, preorder: {limit: 5}}, Pop: true}}\n"
    )


def test_crlf_bom_and_characters_outside_ascii_keep_their_bytes() -> None:
    raw = "\ufeff# Grüße 😀\r\nproducts:\r\n  tée:\r\n    name: 😀 Tee   # ok\r\n".encode()
    source = decode_source(raw)
    patch: Patch = {"products": {"tée": {"name": Scalar("Tee 😀", TEXT), "sku": Scalar("T", TEXT)}}}
    out = source.encode(apply_patch(parse(source.text), patch, SHORTHANDS))
    assert (
        out
        == (
            "\ufeff# Grüße 😀\r\nproducts:\r\n  tée:\r\n    name: Tee 😀   # ok\r\n    sku: T\r\n"
        ).encode()
    )


def test_values_behind_an_alias_or_in_a_repeated_anchor_are_refused() -> None:
    text = (
        "products:\n"
        "  a: &base {price: '1.00', stock: {Main: 1}}\n"
        "  b:\n"
        "    <<: *base\n"
        "    name: B\n"
        "  d:\n"
        "    name: &name D\n"
        "    info: |\n"
        "      text\n"
        "  c: {name: *name}\n"
        "  e: &lonely {price: '2.00'}\n"
    )
    tree = parse(text)
    assert "inside the anchor &base (line 2), which *base repeats (line 4)" in str(
        refusal(tree, ("products", "a", "price"))
    )
    assert "comes from the alias *name" in str(refusal(tree, ("products", "c", "name")))
    assert "anchor &name" in str(refusal(tree, ("products", "d", "name")))
    assert "block scalar" in str(refusal(tree, ("products", "d", "info")))
    assert refusal(tree, ("products", "b", "price")) is None  # b's own key wins over the merge
    assert refusal(tree, ("products", "e", "price")) is None  # an anchor nothing repeats
    out = apply_patch(tree, {"products": {"e": {"price": Scalar("3.00", MONEY)}}})
    assert out == text.replace("&lonely {price: '2.00'}", "&lonely {price: '3.00'}")


def test_a_file_changed_on_disk_is_not_overwritten_and_writes_are_atomic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_bytes(b"a: 1\n")
    second.write_bytes(b"b: 1\n")
    os.chmod(first, 0o640)
    edits = [FileEdit("a.yaml", b"a: 1\n", b"a: 2\n"), FileEdit("b.yaml", b"b: 1\n", b"b: 2\n")]
    second.write_bytes(b"b: 1  # saved meanwhile\n")
    with pytest.raises(PullError, match=r"b\.yaml changed on disk since pull read it"):
        write_edits(tmp_path, edits)
    assert first.read_bytes() == b"a: 1\n"  # nothing is written when one file changed
    second.write_bytes(b"b: 1\n")
    write_edits(tmp_path, edits)
    assert (first.read_bytes(), second.read_bytes()) == (b"a: 2\n", b"b: 2\n")
    assert stat.S_IMODE(first.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]  # no temp files
