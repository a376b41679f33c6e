"""Hostile input never produces a traceback or a hang: only problems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from inventory_as_code.config import check_project, load_project
from inventory_as_code.errors import ConfigError, InventoryAsCodeError

from .conftest import messages


def test_empty_and_comment_only_files_contribute_nothing(project: Callable[..., Path]) -> None:
    root = project({"empty.yaml": "", "comments.yml": "# nothing yet\n", "null.yaml": "~\n"})
    state = load_project(root)
    assert not state.products and not state.locations
    assert state.files == ("comments.yml", "empty.yaml", "null.yaml")


def test_directory_without_yaml(project: Callable[..., Path]) -> None:
    root = project({"notes.txt": "hi", ".git/config.yaml": "x: 1"})
    assert messages(root)[0].startswith("no .yaml or .yml files")


def test_missing_folder_and_file_argument(tmp_path: Path) -> None:
    assert "does not exist" in check_project(tmp_path / "nope").problems[0].message
    file = tmp_path / "a.yaml"
    file.write_text("products: {}\n")
    assert "is a file" in check_project(file).problems[0].message


def test_hidden_folders_are_skipped(project: Callable[..., Path]) -> None:
    root = project({"a.yaml": "products: {}\n", ".inventory-as-code/cache.yaml": "bad: [\n"})
    assert check_project(root).files == ("a.yaml",)


def test_load_raises_one_config_error_with_all_problems(project: Callable[..., Path]) -> None:
    root = project({"a.yaml": "prodcts: {}\nlocation: {}\n"})
    with pytest.raises(ConfigError) as info:
        load_project(root)
    assert isinstance(info.value, InventoryAsCodeError)
    assert [p.line for p in info.value.problems] == [1, 2]


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00\x00garbage",
        b"\x00" * 100,
        bytes(range(256)),
        b"\xef\xbb\xbfproducts: {}\n",  # UTF-8 BOM is fine
        b"products: {p: {name: \x07}}\n",
        ("[" * 5000 + "]" * 5000).encode(),
        ("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 2000))).encode(),
        ("products:\n" + "  x: {options: {A: [" + ",".join(["a"] * 5) + "]}}\n").encode(),
        b"products:\n  p:\n    stock: {W: 1" + b"0" * 6000 + b"}\n",
        b"products: {p: {price: .inf, compare_at_price: .nan}}\n",
        b"products: {p: {stock: {W: 1e999}}}\n",
        b"products: !!python/object:os.system {}\n",
        b"products: {p: !!python/name:os.system ''}\n",
        b"? !!set {a, b}\n: 1\n",
        b"products: {<<: [1, 2]}\n",
        b"&a a: *a\n",
        b"- &x [*x]\n",
        b"products:\n  p:\n    options: {S: [a]}\n"
        b"    variants: {a: {stock: {W: {preorder: {limit: 1}}}}}\n",
        b"locations: {W: {default: true, stock: 99999999999999999999999999999}}\n",
        b"products:\n\t- tab\n",
        b"key: 'unterminated\n",
    ],
)
def test_hostile_files_give_problems_not_exceptions(
    project: Callable[..., Path], content: bytes
) -> None:
    result = check_project(project({"a.yaml": content}))
    assert result.state is not None or result.problems


def test_alias_bomb_is_stopped(project: Callable[..., Path]) -> None:
    lines = ['a: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"b{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    found = messages(project({"bomb.yaml": "\n".join(lines) + "\n"}))
    assert any("expand to more than" in m for m in found)


def test_reasonable_aliases_and_merge_keys_work(project: Callable[..., Path]) -> None:
    root = project(
        {
            "a.yaml": (
                "locations: {W: {default: true}}\n"
                "products:\n"
                "  tee:\n"
                "    options: {Size: &sizes [S, M, L]}\n"
                "    stock: &stock {W: 5}\n"
                "  shirt:\n"
                "    options: {Size: *sizes}\n"
                "    variants:\n"
                "      S: &base {price: '10.00', visible: true}\n"
                "      M: {<<: *base, price: '12.00'}\n"
                "    stock: *stock\n"
            )
        }
    )
    state = load_project(root)
    shirt = state.products["shirt"]
    assert [v.price for v in shirt.variants] == ["10.00", "12.00", None]
    assert [v.visible for v in shirt.variants] == [True, True, None]
    assert shirt.variants[2].stock["W"].quantity == 5


def test_keys_are_text_even_when_yaml_would_read_a_boolean(project: Callable[..., Path]) -> None:
    root = project(
        {"a.yaml": "products:\n  gift-wrap:\n    options: {Wrapped: [Yes, No], Size: [38, 040]}\n"}
    )
    product = load_project(root).products["gift-wrap"]
    assert [o.choices for o in product.options] == [("Yes", "No"), ("38", "040")]
    assert product.variants[0].key == ("Yes", "38")


def test_a_file_that_cannot_be_parsed_skips_cross_file_checks(
    project: Callable[..., Path],
) -> None:
    root = project(
        {
            "locations.yaml": "locations:\n  W: {default: true\n",
            "products.yaml": "products:\n  tee: {stock: {W: 5}}\n",
        }
    )
    # Only the syntax error: no "unknown location W" for every product.
    assert len(messages(root)) == 1
