"""Overlapping applies through the real command: every object exists once afterwards.

Two `inventory-as-code apply` processes at once against one emulator server
on loopback, 200 ms per request, both starting from the same store (the gate
in :mod:`tests.e2e.overlap` makes the overlap certain). Wix keeps slugs and
stock items (variant + location) unique but not location names: before the
fix both applies created location "Popup", each wrote its stock to its own
copy, both read-backs passed and the next plan said "No changes".
"""

from __future__ import annotations

import shutil
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from inventory_as_code.emulator import Emulator, serve
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import apply_plan, plan_project
from tests.e2e.cli import EXAMPLES, run_cli, start_cli, write_project
from tests.e2e.overlap import (
    SITE,
    archived_location_names,
    client_for,
    env_for,
    gated_server,
    item_places,
    live_location_names,
    report,
    statuses,
    store_state,
    write_toml,
)

pytestmark = pytest.mark.socket

BEFORE = """
locations:
  Main: {default: true}
products:
  tee:
    name: Tee
    options: {Size: [S, M]}
    sku: TEE-{Size}
    price: "20.00"
    stock: {Main: 5}
"""
# A new location, a variant added to a live product, a new product, stock at the new place.
AFTER = """
locations:
  Main: {default: true}
  Popup:
    address: {street: Torstrasse 1, city: Berlin, country: DE}
    time_zone: Europe/Berlin
products:
  tee:
    name: Tee
    options: {Size: [S, M, L]}
    sku: TEE-{Size}
    price: "20.00"
    stock: {Main: 5, Popup: 3}
  mug:
    name: Mug
    sku: MUG
    price: "9.00"
    stock: {Main: 4, Popup: 2}
"""


def _apply_in_process(client: WixClient, project: Path) -> None:
    plan, _ = plan_project(client, project, site_id=SITE)
    assert apply_plan(client, plan).exit_code == 0


def test_two_applies_at_once_create_each_location_product_variant_and_item_once(
    tmp_path: Path,
) -> None:
    project = write_project(tmp_path / "shop", {"store.yaml": textwrap.dedent(BEFORE)})
    write_toml(project)
    with gated_server() as (emulator, server), client_for(server) as client:
        _apply_in_process(client, project)
        (project / "store.yaml").write_text(textwrap.dedent(AFTER))
        emulator.race()
        runs = [
            start_cli(
                "apply",
                project,
                "--site",
                "shop",
                "--auto-approve",
                "--report-json",
                tmp_path / f"report{n}.json",
                env=env_for(server),
            )
            for n in (1, 2)
        ]
        ran = [r.wait() for r in runs]
        emulator.calm()

        # One location "Popup" holds the stock; the copy the second apply made is archived,
        # empty (Wix cannot delete a location).
        assert live_location_names(client) == Counter({"Online store": 1, "Popup": 1})
        assert archived_location_names(client) == Counter({"Popup": 1})
        places = item_places(client)
        assert max(places.values()) == 1, "two stock items for one variant and location"
        state = store_state(client)
        assert sorted(state["products"]) == ["mug", "tee"]
        assert [v[1] for v in state["products"]["tee"]["variants"]] == ["TEE-L", "TEE-M", "TEE-S"]
        assert {k: v[1] for k, v in state["stock"].items()} == {
            ("mug", "(default)", "Online store"): 4,
            ("mug", "(default)", "Popup"): 2,
            ("tee", "L", "Online store"): 5,
            ("tee", "L", "Popup"): 3,
            ("tee", "M", "Online store"): 5,
            ("tee", "M", "Popup"): 3,
            ("tee", "S", "Online store"): 5,
            ("tee", "S", "Popup"): 3,
        }

        # Both reports are true: each change was made by exactly one apply; the other says
        # who was first, and neither failed, lost an answer, or found something unplanned.
        reports = [report(tmp_path / f"report{n}.json") for n in (1, 2)]
        outcomes = [statuses(r) for r in reports]
        assert set(outcomes[0]) == set(outcomes[1])
        for address in outcomes[0]:
            pair = sorted([outcomes[0][address], outcomes[1][address]])
            assert [s for s, _ in pair].count("applied") == 1, (address, pair)
        seen = {o for per_run in outcomes for o in per_run.values()}
        assert {s for s, _ in seen} <= {"applied", "stale", "not_attempted"}
        assert ("stale", "LOCATION_EXISTS") in seen
        assert ("stale", "DUPLICATE_SLUG_ERROR") in seen  # the mug, by Wix's unique slug
        assert ("stale", "REVISION_MISMATCH") in seen  # the tee's new variant, by revision
        assert all(r["inconsistencies"] == [] for r in reports)
        assert sorted(r.code for r in ran) in ([0, 3], [0, 4], [3, 3], [3, 4])
        loser = next(r for r in ran if "LOCATION_EXISTS" in r.out)
        assert "was archived" in loser.out

        again = run_cli(
            "plan", project, "--site", "shop", "--detailed-exitcode", env=env_for(server)
        )
        assert again.code == 0, again
        assert "No changes. The live store matches the YAML." in again.out


def test_two_full_applies_at_once_leave_the_store_one_apply_makes(tmp_path: Path) -> None:
    """The whole apparel example, applied twice at once, equals one apply of it."""
    example = EXAMPLES / "apparel-multi-location"
    project = tmp_path / "apparel"
    shutil.copytree(example, project)
    write_toml(project)

    reference = Emulator(id_seed=1)
    alone = serve(reference)
    try:
        with client_for(alone) as client:
            _apply_in_process(client, project)
            expected = store_state(client)
    finally:
        alone.shutdown()
        reference.close()

    with gated_server() as (emulator, server), client_for(server) as client:
        emulator.race()
        runs = [
            start_cli("apply", project, "--site", "shop", "--auto-approve", env=env_for(server))
            for _ in range(2)
        ]
        ran = [r.wait() for r in runs]
        emulator.calm()
        assert all(r.code in (0, 3, 4) for r in ran), ran
        assert "Wix did something the plan did not say" not in ran[0].out + ran[1].out
        assert max(live_location_names(client).values()) == 1
        assert max(item_places(client).values()) == 1
        assert store_state(client) == expected
        plan, _ = plan_project(client, project, site_id=SITE)
        assert plan.in_sync, [c.address for c in plan.changes] + [u.reason for u in plan.unresolved]


WITH_POPUP = """
locations:
  Main: {default: true}
  Popup: {}
products:
  tee:
    name: Tee
    options: {Size: [S, M]}
    sku: TEE-{Size}
    price: "20.00"
    stock: {Main: 5, Popup: 3}
"""
MUG_AT_POPUP = """
  mug:
    name: Mug
    sku: MUG
    price: "9.00"
    stock: {Popup: 2}
"""


def another_apps_popup(client: WixClient, units: int) -> str:
    """Another app makes a second inventory location "Popup" and stocks the small tee there."""
    wix = client.locations.create(
        {
            "name": "Popup",
            "address": {"country": "DE", "formattedAddress": "Berlin"},
            "timeZone": "Europe/Berlin",
            "locationTypes": ["INVENTORY"],
        }
    )
    stores_id = str(client.locations.wait_for_stores_location(str(wix["id"]))["id"])
    tee = client.products.get_by_slug("tee")
    small = next(v for v in tee["variantsInfo"]["variants"] if v["sku"] == "TEE-S")
    client.inventory.create(
        {
            "productId": tee["id"],
            "variantId": small["id"],
            "locationId": stores_id,
            "quantity": units,
        }
    )
    return stores_id


def test_a_second_location_of_one_name_is_shown_by_plan_and_by_the_read_back(
    tmp_path: Path,
) -> None:
    project = write_project(tmp_path / "shop", {"store.yaml": textwrap.dedent(WITH_POPUP)})
    write_toml(project)
    with gated_server() as (_, server), client_for(server) as client:
        _apply_in_process(client, project)
        ours = next(loc["id"] for loc in client.locations.query_stores() if loc["name"] == "Popup")
        theirs = another_apps_popup(client, units=7)
        env = env_for(server)

        planned = run_cli("plan", project, "--site", "shop", "--detailed-exitcode", env=env)
        assert planned.code == 2, planned
        assert "No changes to apply, but 1 difference(s) are unresolved" in planned.out
        assert '? location["Popup"]  count: live 2, YAML 1' in planned.out
        assert (
            f'Wix holds 2 inventory locations named "Popup". The plan manages the oldest ({ours}'
            in planned.out
        )
        assert "2 stock item(s), 6 unit(s) read there" in planned.out
        assert f"{theirs}, created " in planned.out and "1 stock item(s), 7 unit(s)" in planned.out
        assert "The tool never moves stock between locations" in planned.out

        (project / "store.yaml").write_text(textwrap.dedent(WITH_POPUP) + MUG_AT_POPUP)
        applied = run_cli("apply", project, "--site", "shop", "--auto-approve", env=env)
        assert applied.code == 3, applied
        assert '! location["Popup"]  count: expected 1, found 2 (not in the plan)' in applied.out
        assert "this apply wrote to the oldest" in applied.out
        # The mug went to the location the plan manages; the other app's stock is untouched.
        places = item_places(client)
        mug = client.products.get_by_slug("mug")["variantsInfo"]["variants"][0]["id"]
        assert places[(mug, ours)] == 1 and (mug, theirs) not in places
        at_theirs = [i for i in client.inventory.query() if i["locationId"] == theirs]
        assert [i["quantity"] for i in at_theirs] == [7]
