"""Per-request totals through the real command (issue 19, part 2).

A Bulk Create or Bulk Update of products carries at most 100 options in total
(besides 100 products and 1,000 variants). Before, the calls were packed by
products and variants only: 60 products with two options each went out as
one call of 120 options, which Wix (and the emulator) refuse, so such a store
could be neither created nor given a catalogue-wide price change.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.e2e.cli import run_cli, write_project

PRODUCTS = 60
OPTIONS = {"Size": ["S", "M"], "Color": ["Red", "Blue"]}


def catalogue(price: str, products: int = PRODUCTS) -> str:
    lines = ["locations:", "  Warehouse:", "    default: true", "products:"]
    for n in range(products):
        lines += [
            f"  tee-{n:02}:",
            f"    name: Tee {n:02}",
            "    options:",
            *(f"      {name}: [{', '.join(choices)}]" for name, choices in OPTIONS.items()),
            f'    price: "{price}"',
        ]
    return "\n".join(lines) + "\n"


def test_a_price_change_on_60_products_with_two_options_is_one_apply_at_the_bound(
    tmp_path: Path,
) -> None:
    # Created in two halves, so that the old packing could make the store too and
    # failed only on the price change.
    shop = write_project(tmp_path / "shop", {"store.yaml": catalogue("10.00", PRODUCTS // 2)})
    for products in (PRODUCTS // 2, PRODUCTS):
        (shop / "store.yaml").write_text(catalogue("10.00", products))
        created = run_cli("apply", shop, "--auto-approve")
        assert created.code == 0, created

    (shop / "store.yaml").write_text(catalogue("12.00"))
    report_file = tmp_path / "report.json"
    ran = run_cli("apply", shop, "--auto-approve", "--report-json", report_file)
    assert ran.code == 0, ran
    report = json.loads(report_file.read_text())
    variants = PRODUCTS * math.prod(len(c) for c in OPTIONS.values())
    assert report["summary"]["applied"] == variants
    assert report["summary"]["failed"] == 0
    # The fewest calls the totals allow: 120 options at 100 per call.
    bound = math.ceil(PRODUCTS * len(OPTIONS) / 100)
    assert report["calls"]["products.bulk-update"] == bound == 2
    assert report["planned_write_calls"] == bound  # what the plan promised is what was sent
    assert report["verified"] and not report["inconsistencies"]

    again = run_cli("plan", shop)
    assert again.code == 0, again
    assert "No changes." in again.out
