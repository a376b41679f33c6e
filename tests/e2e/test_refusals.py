"""Plan-time refusals through the real command (issue 18, section 1).

On a7233e5 every one of these ended in `TypeError: replace() should be called
on dataclass instances`: origins had become msgspec structs and the printer
copied them with ``dataclasses.replace``. Each case runs through every command
form that plans (`plan`, `plan --out`, `plan --format json`, `apply DIR`) and
must exit 1 with the refusal's exact text, its position named from where the
user stands, and no plan saved.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.cli import EXAMPLES, run_cli, write_project

TRAILER = (
    "problem(s): apply would fail on these, so there is no plan. "
    "Fix the YAML (or the live store) and plan again."
)


def applied_bookshop(tmp_path: Path) -> Path:
    """The example bookshop, applied to its embedded local store."""
    shop = tmp_path / "shop"
    shutil.copytree(EXAMPLES / "corner-bookshop", shop)
    ran = run_cli("apply", shop, "--auto-approve")
    assert ran.code == 0, ran
    return shop


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def slug_renamed_without_moved(shop: Path) -> str:
    edit(shop / "books.yaml", "  the-dispossessed:\n", "  dispossessed:\n")
    return (
        f'{shop}/books.yaml:30:10: variant["dispossessed"]["(default)"]: SKU "BK-9780061054884" '
        'is already used by variant["the-dispossessed"]["(default)"], a live product the YAML '
        "does not manage.\n    Fix: give this variant another SKU. If "
        'product["the-dispossessed"] is this product under its old slug, rename it instead: '
        "moved: [{product: {from: the-dispossessed, to: dispossessed}}] (keeps its id, "
        "variants and stock).\n"
    )


def choice_changes_only_case(shop: Path) -> str:
    edit(shop / "merchandise.yaml", "Color: [Natural, Navy]", "Color: [natural, Navy]")
    return (
        f'{shop}/merchandise.yaml:9:15: option["Color"]: the YAML writes choice "natural", the '
        'store has "Natural": one choice to Wix, which compares names without regard to case.\n'
        "    Fix: to rename the live choice, add to the YAML: moved: [{choice: {option: Color, "
        "from: Natural, to: natural}}]\n"
    )


def product_without_name(shop: Path) -> str:
    (shop / "extra.yaml").write_text(
        'products:\n  bookmark:\n    type: physical\n    price: "2.00"\n    sku: BM-1\n'
    )
    return (
        f'{shop}/extra.yaml:2:3: product["bookmark"]: is created by this plan but has no name; '
        'Wix would show its slug "bookmark" as the name.\n    Fix: add name: to the product.\n'
    )


def moved_onto_existing_slug(shop: Path) -> str:
    books = shop / "books.yaml"
    text = books.read_text()
    start, end = text.index("  the-dispossessed:"), text.index("  signed-first-edition-dune:")
    books.write_text(text[:start] + text[end:])
    (shop / "moves.yaml").write_text(
        "moved:\n  - product: {from: the-dispossessed, to: a-wizard-of-earthsea}\n"
    )
    return (
        f"{shop}/moves.yaml:2:5: moved product the-dispossessed -> a-wizard-of-earthsea: cannot "
        'rename: both "the-dispossessed" and "a-wizard-of-earthsea" exist in the live store.\n'
        "    Fix: delete one of them in Wix (or merge them by hand), or remove this moved "
        "entry.\n"
    )


CASES: dict[str, Callable[[Path], str]] = {
    "slug renamed without moved": slug_renamed_without_moved,
    "choice changes only case": choice_changes_only_case,
    "product without name": product_without_name,
    "moved onto an existing slug": moved_onto_existing_slug,
}

FORMS = {
    "plan": lambda shop, out: ("plan", shop),
    "plan --out": lambda shop, out: ("plan", shop, "--out", out),
    "plan --format json": lambda shop, out: ("plan", shop, "--format", "json"),
    "apply DIR": lambda shop, out: ("apply", shop, "--auto-approve"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_refusal_exits_1_with_its_message_in_every_form(tmp_path: Path, case: str) -> None:
    shop = applied_bookshop(tmp_path)
    expected = CASES[case](shop)
    for form, words in FORMS.items():
        out = tmp_path / "plan.json"
        ran = run_cli(*words(shop, out))
        assert ran.code == 1, f"{form}:\n{ran}"
        assert ran.err.endswith(expected + "1 " + TRAILER + "\n"), f"{form}:\n{ran}"
        assert not out.exists(), f"{form}: a refused plan was saved"
        # Nothing but the store line reaches stdout: no plan, no "No changes".
        assert "No changes" not in ran.output and "Plan:" not in ran.out, f"{form}:\n{ran}"


def test_a_damaged_local_store_is_named_with_the_way_out(tmp_path: Path) -> None:
    shop = write_project(tmp_path / "shop", {"store.yaml": "locations:\n  Main: {default: true}\n"})
    (shop / ".inventory-as-code").mkdir()
    (shop / ".inventory-as-code" / "local.db").write_text("not a database")
    ran = run_cli("plan", shop)
    assert ran.code == 1, ran
    assert ran.err == (
        f"Error: the embedded local store {shop}/.inventory-as-code/local.db cannot be opened "
        "(file is not a database). It holds only what you applied locally: delete "
        f"{shop}/.inventory-as-code to start over with an empty local store.\n"
    ), ran


def test_a_bug_anywhere_is_one_paragraph_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last net under every command: a bug prints one paragraph, never a traceback."""
    from click.testing import CliRunner

    from inventory_as_code.cli import main
    from inventory_as_code.config import loader

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("replace() should be called on dataclass instances")

    monkeypatch.setattr(loader, "select_files", broken)  # every command lists the files
    shop = write_project(tmp_path / "shop", {"store.yaml": "locations:\n  Main: {default: true}\n"})
    for command in ("validate", "plan", "apply"):
        result = CliRunner().invoke(main, [command, str(shop)], env={"NO_COLOR": "1"})
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert result.output.endswith(
            "Error: internal error in inventory-as-code (TypeError: replace() should be called "
            "on dataclass instances). This is a bug, not a problem with your YAML or your "
            "store. The command stopped here; if it was applying, `inventory-as-code plan` "
            "shows what the store holds now. Run it again with INVENTORY_AS_CODE_DEBUG=1 to "
            "see the traceback, and report it.\n"
        ), (command, result.output)
