"""Saved plans cannot be turned against the store (issue 11, section 4).

Whoever can write the plan artifact in CI can edit it and recompute its
checksum. These tests do what such a person would: set a quantity to 999,
add a change, relabel the plan to another site, point ``metadata.project``
at a folder whose toml names their own server. ``apply FILE`` takes the
site, base URL and credentials from the command line and the checked-out
project only, plans again from the checked-out YAML, and executes only the
saved changes that plan also makes.

Two sites on one emulator server on loopback; the toml names their
credential variables, the base URL comes from WIX_API_BASE_URL.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli import main
from inventory_as_code.emulator import Emulator, EmulatorServer, serve
from inventory_as_code.plan.model import checksum
from inventory_as_code.wix import Adjustment, WixClient

pytestmark = [pytest.mark.socket]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "corner-bookshop"
PROD_KEY = "IAC-PROD-KEY-3c1f-never-elsewhere"
STAGING_KEY = "IAC-STAGING-KEY-77ab"
PLAN_KEY = "plan-signing-secret-0b6e"
TOML = """
[sites.production]
api_key_env = "WIX_PROD_API_KEY"
site_id_env = "WIX_PROD_SITE_ID"

[sites.staging]
api_key_env = "WIX_STAGING_API_KEY"
site_id_env = "WIX_STAGING_SITE_ID"
"""
BOOKSHOP_PRODUCTS = 7  # with their variants, stock and 1 option: 24 changes to create
BOOK = "the-left-hand-of-darkness"  # 4 copies in the example, policy set
BOOK_STOCK = f'stock["{BOOK}"]["(default)"]["Shop floor"]'


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator()
    running = serve(emulator, port=0)
    yield running
    running.shutdown()
    emulator.close()


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The checked-out project: the example bookshop and its sites."""
    target = tmp_path / "shop"
    shutil.copytree(EXAMPLE, target)
    (target / "inventory-as-code.toml").write_text(TOML)
    return target


class Cli:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.env = {
            "CI": "",
            "NO_COLOR": "1",
            "WIX_API_KEY": "",
            "WIX_SITE_ID": "",
            "WIX_API_BASE_URL": server.url,
            "WIX_PROD_API_KEY": PROD_KEY,
            "WIX_PROD_SITE_ID": "prod-site",
            "WIX_STAGING_API_KEY": STAGING_KEY,
            "WIX_STAGING_SITE_ID": "staging-site",
            "INVENTORY_AS_CODE_PLAN_KEY": "",
        }

    def __call__(self, *args: str, **env: str) -> Result:
        result = CliRunner().invoke(main, list(args), env={**self.env, **env})
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        for key in (PROD_KEY, STAGING_KEY, PLAN_KEY):
            assert key not in result.output, "a secret was printed"
        return result

    def client(self, site: str = "prod-site") -> WixClient:
        return WixClient(
            api_key="dashboard", site_id=site, base_url=self.server.url, requests_per_minute=1e6
        )

    def quantity(self, slug: str = BOOK) -> int:
        with self.client() as client:
            product = client.products.get_by_slug(slug)
            (item,) = [i for i in client.inventory.query() if i["productId"] == product["id"]]
            return int(item["quantity"])

    def slugs(self, site: str = "prod-site") -> set[str]:
        with self.client(site) as client:
            return {p["slug"] for p in client.products.query()}


@pytest.fixture
def cli(server: EmulatorServer) -> Cli:
    return Cli(server)


def applied_store(cli: Cli, shop: Path) -> None:
    result = cli("apply", str(shop), "--site", "production", "--auto-approve")
    assert result.exit_code == 0, result.output


def planned_restock(cli: Cli, shop: Path, plan_file: Path, to: int = 6) -> dict[str, Any]:
    """A reviewed pull request: the book's count goes from 4 to ``to``."""
    books = shop / "books.yaml"
    books.write_text(
        books.read_text().replace("stock: {Shop floor: 4}", f"stock: {{Shop floor: {to}}}")
    )
    result = cli("plan", str(shop), "--site", "production", "--out", str(plan_file))
    assert result.exit_code == 0, result.output
    return json.loads(plan_file.read_text())  # type: ignore[no-any-return]


def rewrite(plan_file: Path, data: dict[str, Any]) -> None:
    """What an attacker does after editing: a fresh, valid checksum."""
    data["checksum"] = checksum(data)
    plan_file.write_text(json.dumps(data))


def test_a_plan_edited_to_999_with_a_fresh_checksum_is_refused(
    cli: Cli, shop: Path, tmp_path: Path
) -> None:
    applied_store(cli, shop)
    plan_file = tmp_path / "plan.json"
    data = planned_restock(cli, shop, plan_file)
    (change,) = data["changes"]
    assert change["address"] == BOOK_STOCK
    change["after"]["quantity"] = 999
    rewrite(plan_file, data)

    result = cli("apply", str(plan_file), "--site", "production", "--project", str(shop))
    assert result.exit_code == 4, result.output
    assert "nothing was applied" in result.output
    assert f"{BOOK_STOCK} (update): quantity: plan 999, YAML now 6" in result.output
    assert cli.quantity() == 4  # nothing written
    # The plan as it was made applies.
    assert cli("plan", str(shop), "--site", "production", "--out", str(plan_file)).exit_code == 0
    applied = cli("apply", str(plan_file), "--site", "production", "--project", str(shop))
    assert applied.exit_code == 0, applied.output
    assert cli.quantity() == 6


def test_a_change_added_to_the_plan_is_not_sent(cli: Cli, shop: Path, tmp_path: Path) -> None:
    applied_store(cli, shop)
    plan_file = tmp_path / "plan.json"
    data = planned_restock(cli, shop, plan_file)
    with cli.client() as client:
        victim = client.products.get_by_slug("a-wizard-of-earthsea")
    data["changes"].append(
        {
            "address": 'product["a-wizard-of-earthsea"]',
            "kind": "product",
            "action": "delete",
            "before": {"name": "A Wizard of Earthsea"},
            "after": None,
            "keys": {"slug": "a-wizard-of-earthsea", "product_id": victim["id"]},
            "observed": {"id": victim["id"], "revision": str(victim["revision"]), "values": {}},
        }
    )
    rewrite(plan_file, data)

    result = cli(
        "apply", str(plan_file), "--site", "production", "--project", str(shop), "--format", "json"
    )
    report = json.loads(result.stdout[result.stdout.index("{") :])
    outcomes = {o["address"]: o for o in report["outcomes"]}
    assert outcomes[BOOK_STOCK]["status"] == "applied"
    added = outcomes['product["a-wizard-of-earthsea"]']
    assert (added["status"], added["code"]) == ("stale", "NOT_IN_CURRENT_PLAN")
    assert result.exit_code == 3  # partly applied: the report says what was not
    assert "a-wizard-of-earthsea" in cli.slugs()


def test_a_plan_relabelled_to_another_site_changes_nothing_there(
    cli: Cli, shop: Path, tmp_path: Path
) -> None:
    applied_store(cli, shop)
    # The attacker's branch: one more product, planned against the empty staging store...
    theirs = tmp_path / "theirs"
    shutil.copytree(shop, theirs, ignore=shutil.ignore_patterns(".inventory-as-code"))
    (theirs / "extra.yaml").write_text(
        'products:\n  free-book:\n    name: Free Book\n    price: "0.01"\n    sku: FREE-1\n'
        "    stock: {Shop floor: 999}\n"
    )
    plan_file = tmp_path / "plan.json"
    made = cli("plan", str(theirs), "--site", "staging", "--out", str(plan_file))
    assert made.exit_code == 0, made.output
    # ...relabelled to production, with a fresh checksum.
    data = json.loads(plan_file.read_text())
    assert data["site"] == "staging-site" and len(data["changes"]) == 27
    data["site"] = "prod-site"
    data["metadata"]["site_name"] = "production"
    rewrite(plan_file, data)

    result = cli("apply", str(plan_file), "--site", "production", "--project", str(shop))
    assert result.exit_code == 4, result.output
    assert "free-book" not in cli.slugs()
    assert len(cli.slugs()) == BOOKSHOP_PRODUCTS


def test_a_relabelled_signed_plan_is_refused_by_its_signature(
    cli: Cli, shop: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    made = cli(
        "plan", str(shop), "--site", "staging", "--out", str(plan_file),
        INVENTORY_AS_CODE_PLAN_KEY=PLAN_KEY,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    data = json.loads(plan_file.read_text())
    assert data["checksum"].startswith("hmac-sha256:")
    assert PLAN_KEY not in plan_file.read_text()
    data["site"] = "prod-site"
    plan_file.write_text(json.dumps(data))  # the old signature
    args = ("apply", str(plan_file), "--site", "production", "--project", str(shop))
    refused = cli(*args, INVENTORY_AS_CODE_PLAN_KEY=PLAN_KEY)
    assert refused.exit_code == 4 and "bad signature" in refused.output
    rewrite(plan_file, data)  # or a plain checksum instead of the signature
    refused = cli(*args, INVENTORY_AS_CODE_PLAN_KEY=PLAN_KEY)
    assert refused.exit_code == 4 and "not signed" in refused.output
    assert cli.slugs() == set()


def test_signed_plans_apply_with_the_key_and_show_offline(
    cli: Cli, shop: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    args = ("--site", "production")
    made = cli(
        "plan", str(shop), *args, "--out", str(plan_file), INVENTORY_AS_CODE_PLAN_KEY=PLAN_KEY
    )
    assert made.exit_code == 0, made.output
    # show needs no store; without the key it says the signature is not checked.
    shown = cli("show", str(plan_file), WIX_API_BASE_URL="http://127.0.0.1:9")
    assert shown.exit_code == 0 and "Plan: 24 to create" in shown.output
    assert "set INVENTORY_AS_CODE_PLAN_KEY to check the signature" in shown.output
    wrong = cli("show", str(plan_file), INVENTORY_AS_CODE_PLAN_KEY="another-key")
    assert wrong.exit_code == 4 and "bad signature" in wrong.output
    # A key that signed nothing here refuses the plan; the right one applies it.
    apply = ("apply", str(plan_file), *args, "--project", str(shop))
    assert cli(*apply, INVENTORY_AS_CODE_PLAN_KEY="another-key").exit_code == 4
    assert cli.slugs() == set()
    applied = cli(*apply, INVENTORY_AS_CODE_PLAN_KEY=f" {PLAN_KEY}\n")  # pasted with a newline
    assert applied.exit_code == 0, applied.output
    assert len(cli.slugs()) == BOOKSHOP_PRODUCTS


def test_an_unsigned_plan_is_refused_when_a_key_is_set(
    cli: Cli, shop: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    assert cli("plan", str(shop), "--site", "production", "--out", str(plan_file)).exit_code == 0
    result = cli(
        "apply", str(plan_file), "--site", "production", "--project", str(shop),
        INVENTORY_AS_CODE_PLAN_KEY=PLAN_KEY,
    )  # fmt: skip
    assert result.exit_code == 4 and "not signed" in result.output
    assert cli.slugs() == set()


class Recorder(BaseHTTPRequestHandler):
    """A server the attacker controls: it records what it is sent."""

    def _record(self) -> None:
        self.server.seen.append((self.command, self.path, dict(self.headers)))  # type: ignore[attr-defined]
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PATCH = _record

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def attacker() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_plan_cannot_choose_the_project_folder_or_the_server(
    cli: Cli,
    shop: Path,
    tmp_path: Path,
    attacker: ThreadingHTTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """metadata.project once decided which inventory-as-code.toml was read."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "inventory-as-code.toml").write_text(
        TOML.replace(
            'site_id_env = "WIX_PROD_SITE_ID"\n',
            'site_id_env = "WIX_PROD_SITE_ID"\n'
            f'base_url = "http://127.0.0.1:{attacker.server_address[1]}"\n',
            1,
        )
    )
    plan_file = tmp_path / "plan.json"
    assert cli("plan", str(shop), "--site", "production", "--out", str(plan_file)).exit_code == 0
    data = json.loads(plan_file.read_text())
    data["metadata"]["project"] = str(elsewhere)
    data["metadata"]["site_name"] = "production"
    rewrite(plan_file, data)
    monkeypatch.chdir(shop)  # the checkout, as in CI

    # With --site, as the CI recipes run it: the checked-out toml, the real server.
    result = cli("apply", str(plan_file), "--site", "production")
    assert result.exit_code == 0, result.output
    assert len(cli.slugs()) == BOOKSHOP_PRODUCTS
    # Without --site, the plan's site name is not used either: the local store is.
    again = cli("apply", str(plan_file))
    assert again.exit_code == 4 and "was made for site 'prod-site'" in again.output
    seen = attacker.seen  # type: ignore[attr-defined]
    assert not [s for s in seen if PROD_KEY in json.dumps(s)], "the key reached their server"
    assert seen == []


def test_a_sale_since_the_plan_is_still_stale(cli: Cli, shop: Path, tmp_path: Path) -> None:
    """The saved change's revision is sent, not the fresh plan's: the sale is kept."""
    applied_store(cli, shop)
    plan_file = tmp_path / "plan.json"
    planned_restock(cli, shop, plan_file)
    with cli.client() as client:
        product = client.products.get_by_slug(BOOK)
        (item,) = [i for i in client.inventory.query() if i["productId"] == product["id"]]
        client.inventory.bulk_decrement([Adjustment(1, inventory_item_id=item["id"])])
    result = cli("apply", str(plan_file), "--site", "production", "--project", str(shop))
    assert result.exit_code == 4, result.output
    assert "stale" in result.output.lower()
    assert cli.quantity() == 3


def test_a_saved_plan_applied_again_sends_nothing(cli: Cli, shop: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    assert cli("plan", str(shop), "--site", "production", "--out", str(plan_file)).exit_code == 0
    args = ("apply", str(plan_file), "--site", "production", "--project", str(shop))
    assert cli(*args).exit_code == 0
    report = tmp_path / "report.json"
    again = cli(*args, "--report-json", str(report))
    assert again.exit_code == 4
    summary = json.loads(report.read_text())["summary"]
    assert summary == {
        "applied": 0,
        "failed": 0,
        "stale": 24,
        "unknown": 0,
        "not_attempted": 0,
    }
    assert json.loads(report.read_text())["total_calls"] == 0
    assert len(cli.slugs()) == BOOKSHOP_PRODUCTS
