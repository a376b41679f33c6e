"""The read-back checks products and their stock a window of products at a time
(``readback.READ_WINDOW``), so a first apply of 20,000 products never holds every
product and item it wrote at once; what it reports must not depend on the window."""

from __future__ import annotations

from typing import Any

import pytest

from inventory_as_code.apply import readback
from inventory_as_code.apply.calls import compile_from_metadata
from inventory_as_code.apply.executor import Executor
from tests.apply.conftest import Shop, copy_example
from tests.apply.test_read_back import surprising_client


def _rename_products(body: dict[str, Any]) -> None:
    for product in body["products"]:
        product["name"] = f"{product['name']} (renamed by Wix)"


def _one_more(body: dict[str, Any]) -> None:
    for item in body["inventoryItems"]:
        if item.get("quantity") is not None:
            item["quantity"] += 1


def _found(mismatches: list[Any]) -> list[tuple[str, str, Any, Any, bool]]:
    return [(m.address, m.field, m.expected, m.actual, m.planned) for m in mismatches]


def test_windows_of_one_product_report_what_one_window_reports_in_the_same_order(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_example(shop, "apparel-multi-location")
    plan = shop.plan()
    path = "/stores/v3/bulk/products-with-inventory/create"
    with surprising_client(shop, path, _rename_products) as client:
        executor = Executor(
            client,
            plan,
            compile_from_metadata(plan),
            default_location=plan.metadata.get("default_location"),
        )
        report = executor.run()
        assert report.verified and report.exit_code == 3
        whole = _found(report.inconsistencies)
        renamed = {a for a, f, *_ in whole if f == "name"}
        assert len(renamed) >= 3  # every product created is read back and checked

        shop.emulator.clear_requests()
        monkeypatch.setattr(readback, "READ_WINDOW", 1)
        windowed = _found(readback.verify(executor.run_state))
    assert windowed == whole
    product_reads = [
        e for e in shop.emulator.requests() if str(e["path"]) == "/stores/v3/products/query"
    ]
    assert len(product_reads) >= len(renamed)  # a window, a read


def test_stock_created_apart_is_checked_in_its_products_window(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_example(shop, "apparel-multi-location")
    plan = shop.plan()
    monkeypatch.setattr(readback, "READ_WINDOW", 1)
    with surprising_client(shop, "/stores/v3/bulk/inventory-items/create", _one_more) as client:
        executor = Executor(
            client,
            plan,
            compile_from_metadata(plan),
            default_location=plan.metadata.get("default_location"),
        )
        report = executor.run()
    fields = {(i.address, i.field) for i in report.inconsistencies}
    default = plan.metadata.get("default_location")
    apart = {
        c.address
        for c in plan.changes
        if c.kind.value == "stock"
        and c.keys.get("location") != default
        and (c.after or {}).get("quantity") is not None
    }
    assert apart and {(a, "quantity") for a in apart} <= fields
    assert report.exit_code == 3
