"""Every example store validates, and its model looks like what the YAML says."""

from __future__ import annotations

from pathlib import Path

import pytest

from inventory_as_code.config import check_project, load_project
from inventory_as_code.config.formatting import format_project
from inventory_as_code.model import Policy, Tracking

EXAMPLES = Path(__file__).parents[2] / "examples"
# Example stores are the folders of examples/ except ci/ (workflow recipes, not a store).
STORES = sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "ci")
SCHEMA_COMMENT = "# yaml-language-server: $schema="


def test_there_are_at_least_three_example_stores() -> None:
    names = {p.name for p in STORES}
    assert {"corner-bookshop", "apparel-multi-location", "preorder-launch"} <= names


@pytest.mark.parametrize("store", STORES, ids=lambda p: p.name)
def test_example_validates(store: Path) -> None:
    result = check_project(store)
    assert result.problems == ()
    assert result.state is not None and result.state.products


@pytest.mark.parametrize("store", STORES, ids=lambda p: p.name)
def test_example_trips_none_of_its_own_warnings_and_is_formatted(store: Path) -> None:
    # The docs quote an example's `OK:` line; a warning there (SKUs with spaces) would be
    # a habit the example teaches. fmt --check of an example lists nothing.
    result = check_project(store)
    assert [f"{w.file}:{w.line}: {w.message}" for w in result.warnings] == []
    assert format_project(store).changed == ()


@pytest.mark.parametrize("store", STORES, ids=lambda p: p.name)
def test_example_files_point_editors_at_the_schema(store: Path) -> None:
    for path in sorted(store.rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(SCHEMA_COMMENT), path
        target = (path.parent / first[len(SCHEMA_COMMENT) :]).resolve()
        assert target.name == "desired-state.schema.json" and target.is_file(), path


def test_apparel_store_model() -> None:
    state = load_project(EXAMPLES / "apparel-multi-location")
    assert state.default_location is not None
    assert state.default_location.name == "Main warehouse"
    tee = state.products["organic-cotton-tee"]
    assert len(tee.variants) == 14  # 5 sizes x 3 colors minus XS/Olive
    assert tee.variant(("XS", "Olive")) is None
    xl_black = tee.variant(("XL", "Black"))
    assert xl_black is not None
    assert (xl_black.sku, xl_black.price) == ("NL-TEE-XL-Black", "31.00")
    popup = xl_black.stock["Pop-up Berlin"]
    assert (popup.tracking, popup.in_stock, popup.quantity) == (Tracking.IN_STOCK, True, None)
    outlet = xl_black.stock["Outlet Hamburg"]
    assert (outlet.quantity, outlet.policy) == (5, Policy.AT_LEAST)
    hoodie = state.products["fjord-hoodie"].variants[0]
    assert set(hoodie.stock) == {"Main warehouse"}  # managed: false at the pop-up, outlet opt-in
    assert state.prune.variants and not state.prune.products


def test_preorder_launch_model() -> None:
    state = load_project(EXAMPLES / "preorder-launch")
    shoe = state.products["aurora-one"]
    assert [v.label for v in shoe.variants][:4] == [
        "40/Regular",
        "41/Regular",
        "42/Regular",
        "42/Wide",
    ]
    wide = shoe.variant(("44", "Wide"))
    assert wide is not None
    entry = wide.stock["Fulfilment center"]
    assert entry.preorder is not None
    assert (entry.preorder.enabled, entry.preorder.limit) == (True, 50)
    assert entry.preorder.message == "Ships from 15 March. Reserve yours now."
    assert shoe.variants[0].sku == "AUR1-40-Regular"
