"""Hostile input never produces a traceback or a hang: only problems."""

from __future__ import annotations

import time
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
    assert messages(root)[0].startswith("no inventory YAML files")


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


HEX_3600 = b"0x" + b"f" * 3600  # 4,335 decimal digits: past Python's int-to-text limit
BASE_60 = b"1" + b":59" * 20_000  # PyYAML reads this in quadratic time


@pytest.mark.parametrize(
    ("content", "expected", "line"),
    [
        (b"\xff\xfe\x00\x00garbage", "binary file", 0),
        (b"\x00" * 100, "binary file", 0),
        (bytes(range(256)), "binary file", 0),
        (b"products: {p: {name: \x07}}\n", "unprintable character", 1),
        (("[" * 5000 + "]" * 5000).encode(), "maximum nesting depth", 1),
        (
            ("products:\n" + "".join("  " * i + "b:\n" for i in range(1, 2000))).encode(),
            "nested more than 32 levels",
            33,
        ),
        (
            ("products:\n" + "  x: {options: {A: [" + ",".join(["a"] * 5) + "]}}\n").encode(),
            "listed twice",
            2,
        ),
        (b"products:\n  p:\n    stock: {W: 1" + b"0" * 6000 + b"}\n", "characters long", 3),
        (b"products: {p: {price: .inf, compare_at_price: .nan}}\n", "above the maximum", 1),
        (b"products: {p: {stock: {W: 1e999}}}\n", "expected a whole number", 1),
        (b"products: !!python/object:os.system {}\n", "unsupported YAML tag", 1),
        (b"products: {p: !!python/name:os.system ''}\n", "unsupported YAML tag", 1),
        (b"? !!set {a, b}\n: 1\n", "a key must be plain text", 1),
        (b"products: {<<: [1, 2]}\n", "merge key", 1),
        (b"products: &a {p: *a}\n", "refers to a value that contains it", 1),
        (b"- &x [*x]\n", "refers to a value that contains it", 1),
        (
            b"locations: {W: {default: true, stock: 99999999999999999999999999999}}\n",
            "above the maximum",
            1,
        ),
        (b"products:\n\t- tab\n", "tab character", 2),
        (b"products: 'unterminated\n", "YAML syntax error", 2),
        (b"products: {p: {stock: {W: " + HEX_3600 + b"}}}\n", "characters long", 1),
        (b"products: {p: {name: " + HEX_3600 + b"}}\n", "characters long", 1),
        (b"products: {" + HEX_3600 + b": {name: x}}\n", "characters long", 1),
        (b"products: {p: {stock: {W: !!int " + b"7" * 5000 + b"}}}\n", "characters long", 1),
        (b"products: {p: {stock: {W: " + BASE_60 + b"}}}\n", "characters long", 1),
        (b"products: {p: {stock: {W: 0" + b"7" * 5000 + b"}}}\n", "characters long", 1),
        (b"products: {p: {stock: {W: " + b"9" * 5000 + b".5}}}\n", "characters long", 1),
        (b"products: {p: {stock: {W: !!float xyz}}}\n", "is not a valid number", 1),
    ],
)
def test_hostile_files_give_problems_not_exceptions(
    project: Callable[..., Path], content: bytes, expected: str, line: int
) -> None:
    root = project({"a.yaml": content})
    started = time.perf_counter()
    result = check_project(root)
    assert time.perf_counter() - started < 5
    assert result.state is None
    matching = [p for p in result.problems if expected in p.message]
    assert matching, [p.message for p in result.problems]
    assert matching[0].file == "a.yaml" and matching[0].line == line
    assert all(len(p.message) < 1000 for p in result.problems)  # never the whole value
    with pytest.raises(ConfigError):
        load_project(root)


def test_the_utf8_bom_is_fine(project: Callable[..., Path]) -> None:
    assert check_project(project({"a.yaml": b"\xef\xbb\xbfproducts: {}\n"})).ok


def test_a_huge_base_60_file_loads_in_linear_time(project: Callable[..., Path]) -> None:
    line = b"  p%d: {stock: {W: " + b"1" + b":59" * 2_000 + b"}}\n"
    body = b"products:\n" + b"".join(line.replace(b"%d", str(i).encode()) for i in range(400))
    assert len(body) > 2_400_000
    started = time.perf_counter()
    problems = check_project(project({"a.yaml": body})).problems
    assert time.perf_counter() - started < 10  # 115 s before the bound
    assert sum("characters long" in p.message for p in problems) == 400


def test_alias_bomb_is_stopped(project: Callable[..., Path]) -> None:
    lines = ["products:", '  a: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"  b{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
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
