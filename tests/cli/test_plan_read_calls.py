"""A plan of a large settled store reads it in as few calls as the page limits allow.

2,000 products x 5 variants x 2 locations are seeded into an emulator served
on a loopback socket; `plan` runs against it as against Wix (WIX_* variables),
with a YAML catalog generated to match the store, so the plan is empty. The
calls are counted twice: by the plan itself (``metadata.read_calls``) and by
the emulator's request log.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from inventory_as_code.cli.plan import plan_command
from inventory_as_code.emulator import Emulator, EmulatorServer, serve
from tests.plan.helpers import DEFAULT, product, write_project

pytestmark = pytest.mark.socket

PRODUCTS, SIZES, OTHER = 2000, ("XS", "S", "M", "L", "XL"), "Store Berlin"
SITE_ID = "scale-site"
SECRET = "sk-test-0123456789-do-not-leak"


def quantity(n: int, size: int, location: int) -> int:
    return (n * 7 + size * 3 + location * 11) % 60


def seed_products() -> list[dict[str, Any]]:
    return [
        product(
            f"tee-{n:05d}",
            name=f"Tee model {n:05d}",
            options={"Size": list(SIZES)},
            variants={
                size: {
                    "sku": f"TEE{n:05d}-{size}",
                    "price": f"{10 + n % 50}.50",
                    "stock": {DEFAULT: quantity(n, i, 0), OTHER: quantity(n, i, 1)},
                }
                for i, size in enumerate(SIZES)
            },
        )
        for n in range(PRODUCTS)
    ]


def catalog_yaml() -> dict[str, str]:
    """The same store as YAML, one line per variant, in 4 files."""
    files = {
        "locations.yaml": (
            f"locations:\n  {DEFAULT}:\n    default: true\n"
            "    stock: {tracking: quantity, policy: set}\n"
            f"  {OTHER}:\n    stock: {{policy: at_least}}\n"
        )
    }
    for part in range(4):
        lines = ["products:"]
        for n in range(part, PRODUCTS, 4):
            lines += [
                f"  tee-{n:05d}:",
                f"    name: Tee model {n:05d}",
                "    type: physical",
                f'    price: "{10 + n % 50}.50"',
                f"    options: {{Size: [{', '.join(SIZES)}]}}",
                "    variants:",
            ]
            for i, size in enumerate(SIZES):
                stock = f"{DEFAULT}: {quantity(n, i, 0)}, {OTHER}: {quantity(n, i, 1)}"
                lines.append(f"      {size}: {{sku: TEE{n:05d}-{size}, stock: {{{stock}}}}}")
        files[f"catalog/part-{part}.yaml"] = "\n".join(lines) + "\n"
    return files


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator(id_seed=5)
    emulator.seed({"locations": [{"name": OTHER}], "products": seed_products()}, site_id=SITE_ID)
    running = serve(emulator)
    yield running
    running.shutdown()
    emulator.close()


@click.group()
def cli() -> None:
    """Stand-in for the real command group."""


cli.add_command(plan_command)


def test_plan_of_a_settled_large_store_uses_the_page_formula(
    server: EmulatorServer, tmp_path: Path
) -> None:
    # A named site: its key comes from the environment; no client-side throttling here.
    config = (
        "[sites.scale]\n"
        'api_key_env = "SCALE_API_KEY"\n'
        f'site_id = "{SITE_ID}"\n'
        f'base_url = "{server.url}"\n'
        "requests_per_minute = 1000000\n"
    )
    files = {**catalog_yaml(), "inventory-as-code.toml": config}
    project = write_project(tmp_path / "catalog", files)
    out = tmp_path / "plan.json"
    server.emulator.clear_requests()
    result = CliRunner().invoke(
        cli,
        [
            "plan",
            str(project),
            "--site",
            "scale",
            "--format",
            "json",
            "--detailed-exitcode",
            "--out",
            str(out),
        ],
        env={"CI": "true", "SCALE_API_KEY": SECRET, "WIX_API_KEY": None, "NO_COLOR": "1"},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output  # --detailed-exitcode: no changes
    plan = json.loads(result.stdout)
    assert plan["changes"] == [] and plan["summary"]["create"] == 0
    assert plan["site"] == SITE_ID

    variants, locations = PRODUCTS * len(SIZES), 2
    items = variants * locations
    formula = (
        math.ceil(PRODUCTS / 100)
        + math.ceil(variants / 1000)
        + math.ceil(items / 1000)
        + math.ceil(locations / 100)
    )
    # + 1 page of Wix business locations: the reader's documented constant; + 1 page of
    # the site's options (customizations), which every plan reads.
    assert plan["metadata"]["read_calls"] == formula + 1 + 1

    log = server.emulator.requests()
    routes = Counter(str(entry["route"]) for entry in log)
    assert routes.pop("catalog.get-version") == 1
    assert sum(routes.values()) == plan["metadata"]["read_calls"]
    assert "products.get" not in routes  # a settled store needs no fallback reads
    assert all(".query" in route for route in routes), routes  # reads only, paged

    # The secret went over the wire but is in no output and not in the saved plan.
    assert SECRET not in result.output
    assert SECRET not in out.read_text()
