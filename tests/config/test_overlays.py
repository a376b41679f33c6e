"""A site's overlay merged onto the catalogue: the rules of docs/format.md, one case each.

Every case is a catalogue, a site's overlay folder, and what the site's model
holds (or which problem, where). The origins say which file won.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inventory_as_code.config import check_project, load_project
from inventory_as_code.config.problems import Problem
from inventory_as_code.model import DesiredState, Policy, Tracking

CATALOGUE = """\
locations:
  Main:
    default: true
  Popup:
    stock: {managed: false}
products:
  tee:
    name: Tee
    options:
      Size: [S, M, L]
    exclude: [L]
    price: "20.00"
    stock:
      Main: 5
      Popup: true
    variants:
      M: {price: "22.00"}
  mug:
    name: Mug
    price: "9.00"
    stock:
      Main: {quantity: 3, policy: set}
"""


def project(tmp_path: Path, overlay: str, *, catalogue: str = CATALOGUE) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "store.yaml").write_text(catalogue, encoding="utf-8")
    (tmp_path / "inventory-as-code.toml").write_text(
        '[sites.fr]\noverlay = "sites/fr"\nlocal = true\n', encoding="utf-8"
    )
    folder = tmp_path / "sites" / "fr"
    folder.mkdir(parents=True)
    (folder / "fr.yaml").write_text(overlay, encoding="utf-8")
    return tmp_path


def site(tmp_path: Path, overlay: str, **kwargs: str) -> DesiredState:
    return load_project(project(tmp_path, overlay, **kwargs), "fr")


def problems(tmp_path: Path, overlay: str, **kwargs: str) -> list[Problem]:
    return list(check_project(project(tmp_path, overlay, **kwargs), "fr").problems)


def test_the_base_catalogue_never_reads_an_overlay_and_a_site_reads_its_own(
    tmp_path: Path,
) -> None:
    root = project(tmp_path, 'products:\n  tee: {price: "25.00"}\n')
    base = check_project(root)
    assert base.files == ("store.yaml",)
    assert base.state is not None and base.state.products["tee"].variants[0].price == "20.00"
    assert check_project(root, "fr").files == ("store.yaml", "sites/fr/fr.yaml")


def test_a_price_overrides_and_the_variants_inherit_it_with_the_overlays_origin(
    tmp_path: Path,
) -> None:
    tee = site(tmp_path, 'products:\n  tee:\n    price: "25.00"\n').products["tee"]
    small, medium = tee.variant(("S",)), tee.variant(("M",))
    assert small is not None and medium is not None
    assert small.price == "25.00" and str(small.origins["price"]) == "sites/fr/fr.yaml:3:12"
    # What the overlay does not name keeps its own line: the variant's price.
    assert medium.price == "22.00" and str(medium.origins["price"]) == "store.yaml:17:18"
    assert str(tee.origins["slug"]) == "store.yaml:7:3"


def test_lists_replace_and_a_variants_settings_can_be_deleted(tmp_path: Path) -> None:
    overlay = """\
products:
  tee:
    options: {Size: [M, L, XL]}
    exclude: []
    variants:
      M: {$patch: delete}
"""
    tee = site(tmp_path, overlay).products["tee"]
    assert [v.key for v in tee.variants] == [("M",), ("L",), ("XL",)]
    medium = tee.variant(("M",))
    assert medium is not None and medium.price == "20.00"


def test_a_product_and_a_location_are_deleted_and_the_locations_stock_goes_with_it(
    tmp_path: Path,
) -> None:
    state = site(
        tmp_path, "locations:\n  Popup: {$patch: delete}\nproducts:\n  mug: {$patch: delete}\n"
    )
    assert list(state.products) == ["tee"] and list(state.locations) == ["Main"]
    assert all(set(v.stock) == {"Main"} for v in state.products["tee"].variants)


def test_stock_at_a_removed_location_written_in_the_overlay_is_still_a_problem(
    tmp_path: Path,
) -> None:
    overlay = "locations:\n  Popup: {$patch: delete}\nproducts:\n  tee:\n    stock: {Popup: 2}\n"
    (found,) = problems(tmp_path, overlay)
    assert (found.file, found.line) == ("sites/fr/fr.yaml", 5)
    assert 'unknown location "Popup"' in found.message


def test_a_stock_shorthand_merges_as_the_mapping_it_stands_for(tmp_path: Path) -> None:
    overlay = """\
products:
  tee:
    stock:
      Main: {policy: at_least}
  mug:
    stock:
      Main: true
"""
    state = site(tmp_path, overlay)
    tee_main = state.products["tee"].variants[0].stock["Main"]
    assert (tee_main.quantity, tee_main.policy) == (5, Policy.AT_LEAST)
    assert str(tee_main.origins["quantity"]) == "store.yaml:14:13"  # the base's shorthand
    # Tracking is one setting: in_stock replaces the base's quantity (no contradiction),
    # the base's policy stays.
    mug_main = state.products["mug"].variants[0].stock["Main"]
    assert (mug_main.tracking, mug_main.in_stock) == (Tracking.IN_STOCK, True)
    assert mug_main.policy is Policy.SET
    assert str(mug_main.origins["in_stock"]) == "sites/fr/fr.yaml:7:13"


def test_giving_stock_where_the_base_says_managed_false_manages_it(tmp_path: Path) -> None:
    catalogue = CATALOGUE.replace("      Popup: true\n", "      Popup: {managed: false}\n")
    state = site(tmp_path, "products:\n  tee:\n    stock: {Popup: 4}\n", catalogue=catalogue)
    assert state.products["tee"].variants[0].stock["Popup"].quantity == 4


def test_patch_replace_replaces_instead_of_merging(tmp_path: Path) -> None:
    overlay = "products:\n  tee:\n    variants:\n      $patch: replace\n      S: {price: '1.00'}\n"
    tee = site(tmp_path, overlay).products["tee"]
    prices = {v.key: v.price for v in tee.variants}
    assert prices == {("S",): "1.00", ("M",): "20.00"}


def test_a_product_only_the_overlay_has_is_added(tmp_path: Path) -> None:
    state = site(tmp_path, "products:\n  cap: {name: Cap, price: '5.00', stock: {Main: 1}}\n")
    assert list(state.products) == ["cap", "mug", "tee"]
    assert str(state.products["cap"].origins["slug"]) == "sites/fr/fr.yaml:2:3"


@pytest.mark.parametrize(
    ("overlay", "where", "words"),
    [
        ("products:\n  teee: {$patch: delete}\n", (2, 3), "removes nothing here"),
        ("products:\n  tee:\n    $patch: remove\n", (3, 13), "must be delete or replace"),
        (
            "products:\n  tee: {$patch: delete, price: '1.00'}\n",
            (2, 17),
            "also gives price",
        ),
        ("products: {}\n$patch: delete\n", (2, 1), "cannot apply to a whole file"),
    ],
)
def test_a_patch_that_cannot_mean_anything_is_a_problem_at_its_line(
    tmp_path: Path, overlay: str, where: tuple[int, int], words: str
) -> None:
    found = problems(tmp_path, overlay)
    assert any(
        (p.file, p.line, p.column) == ("sites/fr/fr.yaml", *where) and words in p.message
        for p in found
    ), found


def test_patch_in_the_catalogues_own_files_is_refused(tmp_path: Path) -> None:
    catalogue = CATALOGUE.replace("  mug:\n", "  mug:\n    $patch: delete\n")
    (found,) = check_project(project(tmp_path, "{}\n", catalogue=catalogue)).problems
    assert found.file == "store.yaml" and "part of the base catalogue" in found.message


def test_what_only_the_merge_makes_wrong_is_found_on_the_merged_result(tmp_path: Path) -> None:
    # Two valid halves: 3 options in the base, 4 more in the overlay make 7 (Wix: 6).
    catalogue = (
        CATALOGUE.replace(
            "      Size: [S, M, L]\n", "      Size: [S, M, L]\n      A: [a]\n      B: [b]\n"
        )
        .replace("    exclude: [L]\n", "")
        .replace("      M: {price", "      M/a/b: {price")
    )
    overlay = "products:\n  tee:\n    options: {C: [c], D: [d], E: [e], F: [f]}\n"
    found = problems(tmp_path / "seven", overlay, catalogue=catalogue)
    assert any("at most 6" in p.message for p in found), found
    # The base variant key naming a size the site dropped: at the catalogue's line.
    found = problems(tmp_path / "sizes", "products:\n  tee:\n    options: {Size: [S, L]}\n")
    assert any(p.file == "store.yaml" and p.line == 17 for p in found), found


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('[sites.fr]\noverlay = "../elsewhere"\n', "leaves the project folder"),
        ('[sites.fr]\noverlay = "."\n', "the project folder itself"),
        ('[sites.fr]\noverlay = "sites/missing"\n', "does not exist"),
        (
            '[sites.fr]\noverlay = "sites"\n[sites.de]\noverlay = "sites/de"\n',
            "inside one another",
        ),
    ],
)
def test_an_overlay_folder_that_cannot_be_is_a_problem_of_the_toml(
    tmp_path: Path, toml: str, words: str
) -> None:
    root = project(tmp_path, "{}\n")
    (root / "inventory-as-code.toml").write_text(toml, encoding="utf-8")
    found = check_project(root, "fr").problems
    assert any(p.file == "inventory-as-code.toml" and words in p.message for p in found), found
    assert all(p.line for p in found if p.file == "inventory-as-code.toml")
