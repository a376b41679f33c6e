"""plan.yml posts the plan the tool fitted to a comment, whole, however large the plan.

The plan step runs against the emulator (as in test_github_e2e.py) on the
example store plus a few hundred generated products, then the comment script
runs under node (as in test_scripts.py) on the plan.md it wrote.
"""

from __future__ import annotations

from pathlib import Path

from inventory_as_code.plan.render_common import github_length

from .conftest import Runner
from .test_scripts import MARKER, comment

PRODUCTS = 400


def generated_products(count: int) -> str:
    lines = ["products:"]
    for n in range(count):
        lines += [
            f"  generated-product-with-a-long-slug-{n:04d}:",
            f"    name: Generated product {n}",
            "    options: {Size: [S, M, L]}",
            f"    sku: GEN-{n:04d}-{{Size}}",
            '    price: "12.00"',
            "    stock: {Main warehouse: 4}",
        ]
    return "\n".join(lines) + "\n"


def test_a_large_plan_is_fitted_by_the_tool_and_posted_whole(
    runner: Runner, tmp_path: Path
) -> None:
    (runner.repo / "products" / "generated.yaml").write_text(
        generated_products(PRODUCTS), encoding="utf-8"
    )
    planned = runner.step("plan.yml", "plan", "plan")
    assert planned.returncode == 0, planned.stderr
    markdown = (runner.repo / "plan.md").read_text(encoding="utf-8")
    assert markdown.startswith(MARKER)
    assert github_length(markdown) <= 65_000  # room for the footer the script adds
    assert f"+ {PRODUCTS + 5:,} new products" in markdown  # the overview of the whole plan
    # The job summary has room for more than the comment: a product per line, every one.
    assert runner.summary.count("+ product[") == PRODUCTS + 5 > markdown.count("+ product[")

    (tmp_path / "plan.md").write_text(markdown, encoding="utf-8")
    body = comment(tmp_path, [])["calls"][-1]["params"]["body"]
    assert body.startswith(markdown)  # posted whole, not cut
    assert len(body) < 65_536 and "too long" not in body
