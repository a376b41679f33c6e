"""The smaller holes of issue 18 (section 4), each through the real command.

Every case here passed unnoticed on a7233e5: a deletion rail that counted
from 10 *deletions* (9 of 12 products went through), a location archived
for good without review, a stale `set` count explained as "another field",
a choice renamed without ``moved:`` deleting stock without a word, a saved
plan relabelled to another site applied there, and an edited incremental
snapshot shaping the plan.
"""

from __future__ import annotations

import json
import shutil
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner

from inventory_as_code.cli import main
from inventory_as_code.emulator import Emulator, EmulatorServer, serve
from inventory_as_code.plan.model import checksum
from inventory_as_code.site import connect
from inventory_as_code.wix import Adjustment, WixClient
from inventory_as_code.workflow import apply_plan, plan_project
from tests.e2e.cli import EXAMPLES, run_cli, write_project

QUIET = {"CI": "", "WIX_API_KEY": "", "WIX_SITE_ID": "", "NO_COLOR": "1"}
STORE = (
    "locations:\n"
    "  Shop floor: {default: true, stock: {tracking: quantity}}\n"
    "  Depot: {}\n"
    "defaults: {stock: {policy: set}}\n"
)


def mugs(kept: range) -> str:
    return "products:\n" + "".join(
        f'  mug-{n}:\n    name: Mug {n}\n    price: "10.00"\n    sku: MUG-{n}\n'
        "    stock: {Shop floor: 5}\n"
        for n in kept
    )


def test_deleting_9_of_12_products_and_archiving_a_location_need_acceptances(
    tmp_path: Path,
) -> None:
    shop = write_project(tmp_path / "shop", {"store.yaml": STORE, "mugs.yaml": mugs(range(12))})
    assert run_cli("apply", shop, "--auto-approve").code == 0
    # Under prune, the YAML keeps 3 of the 12 mugs and no longer lists the depot.
    (shop / "store.yaml").write_text(
        STORE.replace("  Depot: {}\n", "") + "prune: {products: true, locations: true}\n"
    )
    (shop / "mugs.yaml").write_text(mugs(range(3)))

    tripped = run_cli("plan", shop, "--detailed-exitcode")
    assert tripped.code == 4, tripped
    assert "DELETE_SHARE (products): 9 of 12 live products (75%) would be deleted" in tripped.out
    assert (
        "LOCATION_ARCHIVE: 1 location(s) would be archived: Wix cannot delete a location, and "
        "an archive is permanent (it cannot be undone)." in tripped.out
    )

    accept_products = (
        '[[guard_rails.accept]]\nrail = "DELETE_SHARE"\nkind = "products"\nmax = 9\n'
        'reason = "closing the mug range"\n'
    )
    (shop / "inventory-as-code.toml").write_text(accept_products)
    refused = run_cli("apply", shop, "--auto-approve")
    assert refused.code == 4, refused
    assert "the plan trips guard rails that no acceptance covers: LOCATION_ARCHIVE." in refused.err

    (shop / "inventory-as-code.toml").write_text(
        accept_products
        + '\n[[guard_rails.accept]]\nrail = "LOCATION_ARCHIVE"\nmax = 1\nreason = "depot closed"\n'
    )
    accepted = run_cli("plan", shop, "--detailed-exitcode")
    assert accepted.code == 2, accepted
    assert "accepted" in accepted.out and "depot closed" in accepted.out


@contextmanager
def local_store(project: Path) -> Iterator[WixClient]:
    """The project's embedded local store, in process (as the Wix dashboard would be)."""
    client, _ = connect(project, "local", env={})
    with client:
        yield client


def applied_locally(project: Path) -> Path:
    """The project applied to its embedded local store, in process (set-up, not under test)."""
    with local_store(project) as client:
        plan, _ = plan_project(client, project, site_id="local-site")
        assert apply_plan(client, plan).exit_code == 0
    return project


def sell(project: Path, sku: str, units: int) -> None:
    with local_store(project) as client:
        (variant,) = [v for v in client.variants.query() if v.get("sku") == sku]
        (item,) = [i for i in client.inventory.query() if i["variantId"] == variant["id"]]
        client.inventory.bulk_decrement([Adjustment(units, inventory_item_id=item["id"])])


def test_a_sale_during_review_names_the_quantity_and_what_to_do(tmp_path: Path) -> None:
    shop = applied_locally(Path(shutil.copytree(EXAMPLES / "corner-bookshop", tmp_path / "shop")))
    books = shop / "books.yaml"
    books.write_text(
        books.read_text()
        .replace("stock: {Shop floor: 4}", "stock: {Shop floor: 6}")
        .replace("stock: {Shop floor: 7}", "stock: {Shop floor: 9}")
    )
    plan_file = tmp_path / "plan.json"
    assert run_cli("plan", shop, "--out", plan_file).code == 0
    sell(shop, "BK-9780441478125", 2)  # two copies of the first book sold while in review

    applied = run_cli("apply", plan_file, "--project", shop)
    assert applied.code == 3, applied
    line = (
        'stock["the-left-hand-of-darkness"]["(default)"]["Shop floor"]  REVISION_MISMATCH: '
        "quantity 4 -> 2 (-2) since the plan; kept; plan again"
    )
    assert line in applied.out
    assert "another field" not in applied.output


TWO_SITES = """
[sites.production]
api_key_env = "WIX_PROD_API_KEY"
site_id_env = "WIX_PROD_SITE_ID"

[sites.staging]
api_key_env = "WIX_STAGING_API_KEY"
site_id_env = "WIX_STAGING_SITE_ID"
"""


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator()
    running = serve(emulator, port=0)
    yield running
    running.shutdown()
    emulator.close()


def site_env(server: EmulatorServer) -> dict[str, str]:
    return {
        "WIX_API_BASE_URL": server.url,
        "WIX_PROD_API_KEY": "prod-key",
        "WIX_PROD_SITE_ID": "prod-site",
        "WIX_STAGING_API_KEY": "staging-key",
        "WIX_STAGING_SITE_ID": "staging-site",
    }


def book_count(server: EmulatorServer, site: str) -> int:
    with WixClient(api_key="k", site_id=site, base_url=server.url) as client:
        product = client.products.get_by_slug("the-left-hand-of-darkness")
        (item,) = [i for i in client.inventory.query() if i["productId"] == product["id"]]
        return int(item["quantity"])


@pytest.mark.socket
def test_a_plan_relabelled_to_another_site_is_refused_naming_the_sites(
    tmp_path: Path, server: EmulatorServer
) -> None:
    shop = Path(shutil.copytree(EXAMPLES / "corner-bookshop", tmp_path / "shop"))
    (shop / "inventory-as-code.toml").write_text(TWO_SITES)
    for site in ("prod-site", "staging-site"):  # the same store on both sites
        with WixClient(api_key="k", site_id=site, base_url=server.url) as client:
            plan, _ = plan_project(client, shop, site_id=site)
            assert apply_plan(client, plan).exit_code == 0
    books = shop / "books.yaml"
    books.write_text(books.read_text().replace("{Shop floor: 4}", "{Shop floor: 6}"))
    plan_file = tmp_path / "plan.json"
    made = run_cli("plan", shop, "--site", "staging", "--out", plan_file, env=site_env(server))
    assert made.code == 0, made
    data = json.loads(plan_file.read_text())
    apply = ("apply", plan_file, "--site", "production", "--project", shop)

    # The site id relabelled, with a fresh checksum; the name it was planned with left.
    data["site"] = "prod-site"
    data["checksum"] = checksum(data)
    plan_file.write_text(json.dumps(data))
    refused = run_cli(*apply, env=site_env(server))
    assert refused.code == 4, refused
    assert (
        f"Refused: {plan_file} was made with --site 'staging', but it names site 'prod-site' "
        "and this run talks to 'production' (prod-site): it was relabelled."
    ) in refused.err

    # Both relabelled: the ids it observed are staging's (their revisions match production's).
    data["metadata"]["site_name"] = "production"
    data["checksum"] = checksum(data)
    plan_file.write_text(json.dumps(data))
    refused = run_cli(*apply, env=site_env(server))
    assert refused.code == 4, refused
    assert (
        f"Refused: {plan_file} says it was made for site 'prod-site' (production), but it was "
        "planned against another site: 1 of its changes observed objects that site 'prod-site' "
        "(production) does not hold at their addresses:"
    ) in refused.err
    assert 'stock["the-left-hand-of-darkness"]["(default)"]["Shop floor"] (update)' in refused.err
    assert book_count(server, "prod-site") == 4  # nothing applied


TEES = """\
products:
  tee:
    name: Tee
    options: {Size: [S, M], Color: [Black, Forest Green]}
    sku: TEE-{Size}-{Color}
    price: "20.00"
    stock: {Shop floor: 5}
"""


def test_a_choice_renamed_without_moved_suggests_the_entry_and_names_the_stock(
    tmp_path: Path,
) -> None:
    shop = applied_locally(
        write_project(tmp_path / "shop", {"store.yaml": STORE, "tees.yaml": TEES})
    )
    (shop / "store.yaml").write_text(STORE + "prune: {variants: true}\n")
    (shop / "tees.yaml").write_text(TEES.replace("Forest Green", "Pine"))

    planned = run_cli("plan", shop)
    assert planned.code == 0, planned
    assert (
        '- variant["tee"]["S/Forest Green"]  sku: "TEE-S-Forest Green", price: "20.00"  '
        "(deletes its stock too: 1 item(s), 5 unit(s))"
    ) in planned.out
    hint = (
        'product["tee"]: option Color drops "Forest Green" and gains "Pine". If "Pine" is '
        '"Forest Green" renamed, add moved: [{choice: {option: Color, from: Forest Green, to: '
        "Pine}}] to rename in place, keeping the 2 variant(s) and their stock "
        "(2 item(s), 10 unit(s)); as planned, they are deleted with their stock and new "
        "variants are created."
    )
    assert hint in " ".join(planned.out.split())

    # The suggested entry, as written, renames the choice in place: nothing is deleted.
    (shop / "moves.yaml").write_text(
        "moved: [{choice: {option: Color, from: Forest Green, to: Pine}}]\n"
    )
    with local_store(shop) as client:
        plan, _ = plan_project(client, shop, site_id="local-site")
    # The shared option's choice is renamed; the SKUs follow the choice: TEE-S-Pine.
    assert {(c.action.value, c.address) for c in plan.changes} == {
        ("update", 'option["Color"]'),
        ("update", 'variant["tee"]["S/Pine"]'),
        ("update", 'variant["tee"]["M/Pine"]'),
    }
    assert not [n for n in plan.notes if n.code == "POSSIBLE_RENAME"]


def edit_snapshot(project: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """What someone who can write the project does: decode the snapshot, change it, write it.

    They keep whatever header the file has (they cannot sign): on a7233e5 there was none.
    """
    (path,) = (project / ".inventory-as-code").glob("snapshot-*.bin")
    data = path.read_bytes()
    header = data[:48] if data.startswith(b"IACSNAP") else b""
    fields = msgspec.msgpack.decode(zlib.decompress(data[len(header) :]))
    edit(fields)
    path.write_bytes(header + zlib.compress(msgspec.msgpack.encode(fields)))


def test_an_edited_snapshot_is_not_used_and_the_plan_says_why(tmp_path: Path) -> None:
    shop = applied_locally(Path(shutil.copytree(EXAMPLES / "corner-bookshop", tmp_path / "shop")))
    # The last read, saved: `plan --refresh incremental`, in process (set-up).
    seeded = CliRunner().invoke(main, ["plan", str(shop), "--refresh", "incremental"], env=QUIET)
    assert seeded.exit_code == 0, seeded.output
    books = shop / "books.yaml"  # a real change of the YAML: a new price
    books.write_text(books.read_text().replace('price: "12.50"', 'price: "13.00"'))

    def forge(fields: dict[str, Any]) -> None:
        """A count of 9 the store does not hold, the new price as if it were live, and a
        last read of now, so the refresh re-reads nothing."""
        fields["since"] = datetime.now(UTC)
        products, items = fields["products"], fields["items"]
        for row in products:
            for variant in row[7]:
                if variant[3] == "12.50":
                    variant[3] = "13.00"
        for item in items:
            if item[5] == 4:
                item[5] = 9

    edit_snapshot(shop, forge)
    planned = run_cli("plan", shop, "--refresh", "incremental")
    assert planned.code == 0, planned
    assert (
        "Read: the whole store (full read: the snapshot was changed after it was written "
        "(bad signature); snapshot saved)."
    ) in planned.err
    assert 'price: "12.50" -> "13.00"' in planned.out  # the real change is shown...
    assert "quantity: 9 -> 4" not in planned.out  # ... and no invented one
    assert "Plan: 0 to create, 1 to update, 0 to delete." in planned.out
