"""Deletion rails that trip in review, and accepting one in git (issue 11, sections 1 and 2).

The issue's scenario on the embedded local store: 2,000 products live,
``prune: {products: true}`` and a YAML that keeps 200. ``plan
--detailed-exitcode`` exits 4 (the pull request's check fails before the
merge), ``apply`` refuses and deletes nothing. An ``[[guard_rails.accept]]``
entry in the checked-out ``inventory-as-code.toml`` is what lets it through;
``--force`` is for a person at a terminal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli import main
from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.plan.model import checksum
from inventory_as_code.site import LOCAL_DIR, LOCAL_SITE_ID
from inventory_as_code.wix import WixClient

CLEAN_ENV = {"CI": "", "WIX_API_KEY": "", "WIX_SITE_ID": "", "INVENTORY_AS_CODE_PLAN_KEY": ""}
ACCEPT = """
[[guard_rails.accept]]
rail = "DELETE_SHARE"
kind = "products"
max = {max}
reason = "closing the winter collection (PR #123)"
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=CLEAN_ENV, catch_exceptions=False)


def seed_products(db: Path, count: int) -> None:
    emulator = Emulator(db)
    products = [
        {
            "name": f"Mug {n}",
            "slug": f"mug-{n}",
            "productType": "PHYSICAL",
            "physicalProperties": {},
            "variantsInfo": {
                "variants": [
                    {
                        "price": {"actualPrice": {"amount": "9.50"}},
                        "sku": f"MUG-{n}",
                        "physicalProperties": {},
                        "inventoryItem": {"quantity": 5},
                    }
                ]
            },
        }
        for n in range(count)
    ]
    emulator.seed({"products": products}, site_id=LOCAL_SITE_ID)
    emulator.close()


def project_keeping(project: Path, live: int, kept: int) -> Path:
    """A project on the embedded store with ``live`` mugs; its YAML keeps the first ``kept``."""
    (project / LOCAL_DIR).mkdir(parents=True)
    seed_products(project / LOCAL_DIR / "local.db", live)
    products = "".join(
        f'  mug-{n}:\n    name: Mug {n}\n    price: "9.50"\n    sku: MUG-{n}\n' for n in range(kept)
    )
    (project / "store.yaml").write_text(
        f"locations:\n  Main: {{default: true}}\nprune: {{products: true}}\nproducts:\n{products}"
    )
    return project


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A smaller store for the acceptance tests: 180 of 200 products deleted (90%)."""
    return project_keeping(tmp_path / "shop", 200, 20)


def live_products(project: Path) -> int:
    emulator = Emulator(project / LOCAL_DIR / "local.db")
    client = WixClient(
        api_key="k",
        site_id=LOCAL_SITE_ID,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
        requests_per_minute=1_000_000,
    )
    try:
        return sum(1 for _ in client.products.query())
    finally:
        client.close()
        emulator.close()


def test_mass_deletion_trips_in_review_and_apply_refuses(tmp_path: Path) -> None:
    """The issue's scenario: 1,800 of 2,000 products."""
    shop = project_keeping(tmp_path / "shop", 2000, 200)
    plan_file = tmp_path / "plan.json"
    plan = run("plan", str(shop), "--detailed-exitcode", "--out", str(plan_file))
    assert plan.exit_code == 4, plan.output
    assert "1800 of 2000 live products (90%) would be deleted" in plan.output
    assert "Guard rails tripped that apply would refuse: DELETE_SHARE (products)" in plan.output
    assert "[[guard_rails.accept]]" in plan.output

    refused = run("apply", str(plan_file), "--project", str(shop))
    assert refused.exit_code == 4 and "DELETE_SHARE (products)" in refused.output
    assert live_products(shop) == 2000  # nothing deleted


def test_an_acceptance_in_the_project_lets_exactly_that_deletion_through(
    shop: Path, tmp_path: Path
) -> None:
    toml = shop / "inventory-as-code.toml"
    # One object fewer than the plan deletes: still refused, in review and by apply.
    toml.write_text(ACCEPT.format(max=179))
    assert run("plan", str(shop), "--detailed-exitcode").exit_code == 4
    toml.write_text(ACCEPT.format(max=180))
    plan = run("plan", str(shop), "--detailed-exitcode", "--format", "json")
    assert plan.exit_code == 2, plan.output
    (rail,) = json.loads(plan.stdout)["guard_rails"]
    assert rail["code"] == "DELETE_SHARE" and rail["kind"] == "products"
    assert rail["accepted"] == {
        "entry": "[[guard_rails.accept]] #1",
        "reason": "closing the winter collection (PR #123)",
        "max": 180,
    }
    plan_file = tmp_path / "plan.json"
    assert run("plan", str(shop), "--out", str(plan_file)).exit_code == 0
    applied = run("apply", str(plan_file), "--project", str(shop))
    assert applied.exit_code == 0, applied.output
    assert live_products(shop) == 20
    assert run("plan", str(shop), "--detailed-exitcode").exit_code == 0


def test_the_acceptance_is_read_from_the_project_not_the_plan(shop: Path, tmp_path: Path) -> None:
    toml = shop / "inventory-as-code.toml"
    toml.write_text(ACCEPT.format(max=180))
    plan_file = tmp_path / "plan.json"
    assert run("plan", str(shop), "--out", str(plan_file)).exit_code == 0
    assert json.loads(plan_file.read_text())["guard_rails"][0]["accepted"]
    toml.write_text("")  # the checkout no longer accepts it (say, the entry was reverted)
    refused = run("apply", str(plan_file), "--project", str(shop))
    assert refused.exit_code == 4 and "DELETE_SHARE (products)" in refused.output
    # Nor does an acceptance written into the plan file, with a fresh checksum.
    toml.write_text(ACCEPT.format(max=5))
    assert run("plan", str(shop), "--out", str(plan_file)).exit_code == 0
    data = json.loads(plan_file.read_text())
    data["guard_rails"][0]["accepted"] = {"entry": "mine", "reason": "trust me", "max": 9999}
    data["checksum"] = checksum(data)
    plan_file.write_text(json.dumps(data))
    refused = run("apply", str(plan_file), "--project", str(shop))
    assert refused.exit_code == 4
    assert live_products(shop) == 200


def test_force_still_works_at_a_terminal(shop: Path) -> None:
    refused = run("apply", str(shop), "--auto-approve")
    assert refused.exit_code == 4 and "DELETE_SHARE (products)" in refused.output
    assert live_products(shop) == 200
    forced = run("apply", str(shop), "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    assert live_products(shop) == 20
