"""The store's options: declared once, or written inline, one shared option per name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from inventory_as_code.config import check_project, load_project
from inventory_as_code.model import MoveKind

from .conftest import LOCATIONS

DECLARED = (
    LOCATIONS
    + """options:
  Color:
    swatches: {Black: "#000000", White: "#fff"}
  Size: [S, M, L]
"""
)


def test_products_pick_the_choices_of_a_declared_option(project: Callable[..., Path]) -> None:
    root = project(
        {
            "store.yaml": DECLARED,
            "tees.yaml": "products:\n  tee:\n    options: {Color: [Black], Size: [M, L]}\n"
            "  hoodie:\n    options: {Color: [White, Black]}\n",
        }
    )
    state = load_project(root)
    color = state.options["Color"]
    assert color.choices == ("Black", "White") and color.declared
    assert dict(color.swatches or {}) == {"Black": "#000000", "White": "#FFFFFF"}
    assert set(color.users) == {"tee", "hoodie"}
    assert state.options["Size"].swatches is None
    assert str(color.origins["name"]) == "store.yaml:6:3"
    # The product keeps its own choices, in its own order.
    assert state.products["hoodie"].options[0].choices == ("White", "Black")


def test_a_choice_the_block_does_not_declare_is_a_problem(project: Callable[..., Path]) -> None:
    root = project(
        {"store.yaml": DECLARED, "tees.yaml": "products:\n  tee:\n    options: {Size: [S, XL]}\n"}
    )
    (problem,) = check_project(root).problems
    assert (problem.file, problem.line, problem.column) == ("tees.yaml", 3, 25)
    assert "not a choice of option Size, which store.yaml:8:3 declares" in problem.message


def test_two_colours_for_one_choice_name_both_places(project: Callable[..., Path]) -> None:
    root = project(
        {
            "store.yaml": LOCATIONS,
            "a.yaml": "products:\n  a:\n    options:\n"
            '      Color: {swatches: {Black: "#000000"}}\n',
            "b.yaml": 'products:\n  b:\n    options:\n      Color: {swatches: {Black: "#111"}}\n',
        }
    )
    (problem,) = check_project(root).problems
    assert (problem.file, problem.line) == ("b.yaml", 4)
    assert "#111111 here and #000000 at a.yaml:4:" in problem.message


def test_names_as_wix_compares_them_across_products(project: Callable[..., Path]) -> None:
    root = project(
        {
            "store.yaml": LOCATIONS,
            "a.yaml": "products:\n  a:\n    options: {Grind: [Whole bean, Fine]}\n",
            "b.yaml": "products:\n  b:\n    options: {grind: [Fine]}\n"
            "  c:\n    options: {Grind: [Whole Bean]}\n",
        }
    )
    problems = check_project(root).problems
    assert [(p.file, p.line) for p in problems] == [("b.yaml", 3), ("b.yaml", 5)]
    assert 'option "grind" is option "Grind" to Wix' in problems[0].message
    assert "a.yaml:3:" in problems[0].message
    assert 'choice "Whole Bean" of option Grind is "Whole bean" to Wix' in problems[1].message


def test_inline_options_of_many_products_are_one_option(project: Callable[..., Path]) -> None:
    root = project(
        {
            "store.yaml": LOCATIONS,
            "a.yaml": "products:\n  a:\n    options: {Color: [Black, Navy]}\n",
            "b.yaml": 'products:\n  b:\n    options:\n      Color: {swatches: {Red: "#f00"}}\n',
        }
    )
    state = load_project(root)
    color = state.options["Color"]
    assert color.choices == ("Black", "Navy", "Red") and not color.declared
    # A list names choices; swatches give colours: the option shows swatches.
    assert dict(color.swatches or {}) == {"Red": "#FF0000"}


def test_options_are_declared_in_one_file(project: Callable[..., Path]) -> None:
    root = project({"store.yaml": DECLARED, "more.yaml": "options:\n  Material: [Wool]\n"})
    (problem,) = check_project(root).problems
    # Files are read in order: the second block is the one reported, naming the first.
    assert problem.file == "store.yaml" and "a project has one options block" in problem.message
    assert "more.yaml:1:1" in problem.message


def test_renames_are_store_wide_and_the_old_form_warns(project: Callable[..., Path]) -> None:
    root = project(
        {
            "store.yaml": DECLARED.replace("Size: [S, M, L]", "Size: [Small, M, L]")
            + "moved:\n  - choice: {option: Size, from: S, to: Small}\n"
            "  - option: {product: tee, from: Colour, to: Color}\n",
            "tees.yaml": "products:\n  tee:\n    options: {Color: [Black], Size: [Small]}\n",
        }
    )
    result = check_project(root)
    assert result.ok, result.problems
    moves = {m.kind: m for m in result.state.moves}  # type: ignore[union-attr]
    assert moves[MoveKind.CHOICE].product is None
    (warning,) = result.warnings
    assert "write it store-wide: - option: {from: Colour, to: Color}" in warning.hint


def test_a_store_wide_rename_names_an_option_of_the_yaml(project: Callable[..., Path]) -> None:
    root = project({"store.yaml": DECLARED + "moved:\n  - option: {from: Colour, to: Colr}\n"})
    (problem,) = check_project(root).problems
    assert 'moved to "Colr", but no option has that name in the YAML' in problem.message
