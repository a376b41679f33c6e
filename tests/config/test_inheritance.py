"""Stock inheritance: store -> location -> product -> variant, each value with its origin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from inventory_as_code.config import load_project
from inventory_as_code.model import Origin, Policy, Tracking

from .conftest import messages

STORE = """\
locations:
  Warehouse:
    default: true
    stock: {tracking: quantity}
  Pop-up:
    stock: {in_stock: true, policy: set}
  Outlet:
    stock: {managed: false, policy: at_least}
defaults:
  stock:
    policy: initial
    preorder: {message: Ships soon}
"""

PRODUCTS = """\
products:
  tee:
    options: {Size: [S, M]}
    stock:
      Warehouse: 20
      Outlet: 3
    variants:
      S:
        stock:
          Warehouse: {quantity: 4, policy: set, preorder: {enabled: true, limit: 9}}
          Pop-up: {managed: false}
  mug:
    price: 9
"""


def _state(project: Callable[..., Path]):  # type: ignore[no-untyped-def]
    return load_project(project({"store.yaml": STORE, "catalog/products.yaml": PRODUCTS}))


def test_each_level_overrides_the_one_before(project: Callable[..., Path]) -> None:
    tee = _state(project).products["tee"]
    small, medium = tee.variants
    warehouse = small.stock["Warehouse"]
    assert (warehouse.tracking, warehouse.quantity, warehouse.policy) == (
        Tracking.QUANTITY,
        4,
        Policy.SET,
    )
    assert warehouse.preorder is not None
    assert (warehouse.preorder.enabled, warehouse.preorder.limit) == (True, 9)
    assert warehouse.preorder.message == "Ships soon"  # from store defaults
    medium_warehouse = medium.stock["Warehouse"]
    assert (medium_warehouse.quantity, medium_warehouse.policy) == (20, Policy.INITIAL)
    popup = medium.stock["Pop-up"]
    assert (popup.tracking, popup.in_stock, popup.quantity, popup.policy) == (
        Tracking.IN_STOCK,
        True,
        None,
        Policy.SET,
    )
    assert "Pop-up" not in small.stock  # managed: false at the variant
    outlet = medium.stock["Outlet"]  # location says managed: false, the product opts in
    assert (outlet.quantity, outlet.policy) == (3, Policy.AT_LEAST)


def test_origins_point_at_the_deciding_line(project: Callable[..., Path]) -> None:
    small = _state(project).products["tee"].variants[0]
    origins = small.stock["Warehouse"].origins
    assert origins["quantity"] == Origin("catalog/products.yaml", 10, 33)
    assert origins["policy"] == Origin("catalog/products.yaml", 10, 44)
    assert origins["tracking"] == Origin("catalog/products.yaml", 10, 33)
    assert small.stock["Warehouse"].preorder.origins["message"] == Origin("store.yaml", 12, 25)  # type: ignore[union-attr]
    medium = _state(project).products["tee"].variants[1]
    assert medium.stock["Warehouse"].origins["quantity"] == Origin("catalog/products.yaml", 5, 18)
    assert medium.stock["Warehouse"].origins["policy"] == Origin("store.yaml", 11, 13)
    assert medium.stock["Pop-up"].origins["in_stock"] == Origin("store.yaml", 6, 23)
    assert str(Origin("a.yaml", 3, 4)) == "a.yaml:3:4"


def test_defaults_alone_do_not_manage_stock(project: Callable[..., Path]) -> None:
    mug = _state(project).products["mug"].variants[0]
    # Warehouse and Pop-up have location stock blocks; the outlet says managed: false.
    assert set(mug.stock) == {"Pop-up", "Warehouse"}
    root = project(
        {
            "x/a.yaml": "locations: {W: {default: true}}\ndefaults: {stock: {policy: set}}\n"
            "products: {p: {}}\n"
        }
    )
    assert not load_project(root / "x").products["p"].variants[0].stock


def test_desired_and_live_values_compare_without_origins(project: Callable[..., Path]) -> None:
    from inventory_as_code.model import StockEntry

    entry = _state(project).products["tee"].variants[1].stock["Warehouse"]
    assert entry.preorder is not None
    live = StockEntry(Tracking.QUANTITY, 20, None, Policy.INITIAL, entry.preorder)
    assert entry == live
    assert hash(entry) == hash(live)


def test_inherited_preorder_limit_gives_way_to_in_stock(project: Callable[..., Path]) -> None:
    root = project(
        {
            "a.yaml": "locations:\n  W:\n    default: true\n"
            "    stock: {tracking: quantity, preorder: {limit: 10}}\n"
            "products:\n  p:\n    stock: {W: true}\n"
        }
    )
    entry = load_project(root).products["p"].variants[0].stock["W"]
    assert entry.tracking is Tracking.IN_STOCK
    assert entry.preorder is None  # the limit was the only preorder setting


def test_inheritance_problem_is_reported_once_per_cause(project: Callable[..., Path]) -> None:
    root = project(
        {
            "a.yaml": "locations:\n  W:\n    default: true\n    stock: {preorder: {limit: 10}}\n"
            "products:\n" + "".join(f"  p{i}: {{options: {{S: [a, b]}}}}\n" for i in range(5))
        }
    )
    found = messages(root)
    assert len(found) == 1 and "no tracking is set" in found[0]
