"""Refills through the real command: plan, review, a sale at both ends, apply the saved plan;
then a source run short.

The embedded local store of the project (no server); the sales are made in it
between the commands, as checkout and the POS make them while a pull request
waits for review.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from inventory_as_code.cli import main
from inventory_as_code.emulator import Emulator
from inventory_as_code.site import LOCAL_DIR, LOCAL_SITE_ID
from inventory_as_code.wix import WixClient
from tests.clients import emulator_client
from tests.e2e.cli import applied, run_cli, timeless, write_project
from tests.refills.shop import STORE, sell, units

SCHEMA = Path(__file__).parents[2] / "inventory_as_code/schemas/plan.schema.json"
USING = "Using the embedded local store (.inventory-as-code/local.db); no Wix site is touched.\n"


@contextmanager
def local_store(project: Path) -> Iterator[WixClient]:
    emulator = Emulator(project / LOCAL_DIR / "local.db")
    try:
        with emulator_client(emulator, LOCAL_SITE_ID) as client:
            yield client
    finally:
        emulator.close()


def test_a_refill_reviewed_then_applied_after_sales_at_both_ends(tmp_path: Path) -> None:
    shop = applied(write_project(tmp_path / "shop", {"store.yaml": textwrap.dedent(STORE)}))
    with local_store(shop) as client:
        sell(client, "Main", 6)
        assert units(client) == {"Main": 4, "Warehouse": 20}

    planned = run_cli("plan", "--out", "plan.json", "--detailed", cwd=shop)
    assert planned.code == 0, planned
    assert timeless(planned.out) == USING + (
        "Read 2 location(s), 1 product(s), 1 variant(s), 2 stock item(s) in 7 API call(s) "
        "(T s).\n"
        '  ~ refill["tee"]["(default)"]["Main"]  Main 4 -> 10 (+6) from Warehouse 20 -> 14  '
        "# store.yaml:11:24, store.yaml:11:41\n"
        "\n"
        "Notes:\n"
        '  - YAML location "Main" is the store\'s default location, named "Online store" in '
        "Wix.\n"
        "  - 1 stock item(s) differ from their YAML quantity but use policy initial: sales own "
        "those counts, so no change is proposed.\n"
        "\n"
        "Plan: 0 to create, 1 to update, 0 to delete.\n"
        "Saved the plan to plan.json; apply it with: inventory-as-code apply plan.json\n"
    )
    saved = json.loads((shop / "plan.json").read_text())
    jsonschema.validate(saved, json.loads(SCHEMA.read_text()))

    with local_store(shop) as client:  # while the pull request waits: both ends sell
        sell(client, "Main", 1)
        sell(client, "Warehouse", 2)
        assert units(client) == {"Main": 3, "Warehouse": 18}

    done = run_cli("apply", "plan.json", "--report-json", "report.json", cwd=shop)
    assert done.code == 0, done
    (outcome,) = json.loads((shop / "report.json").read_text())["outcomes"]
    assert (outcome["status"], outcome["code"]) == ("applied", "RECOMPUTED")
    assert outcome["message"] == (
        "moved 7: Main 3 -> 10, Warehouse 18 -> 11; recomputed: Main held 3 and Warehouse 18 "
        "when moved (the plan saw 4 and 20)"
    )
    with local_store(shop) as client:
        assert units(client) == {"Main": 10, "Warehouse": 11}  # neither short nor over

    # Where the units are now, per location (in process: status itself is not new).
    status = CliRunner().invoke(main, ["status", str(shop)], env={"CI": None, "NO_COLOR": "1"})
    assert "  - Online store  [default]  1 item(s), 10 unit(s)\n" in status.output, status.output
    assert "  - Warehouse  1 item(s), 11 unit(s)\n" in status.output, status.output

    # A run of sales empties the warehouse below what Main needs: what it has is moved, and
    # both the plan and the outcome say Main stays short.
    with local_store(shop) as client:
        sell(client, "Main", 9)
        sell(client, "Warehouse", 8)
    short = run_cli("apply", "--auto-approve", cwd=shop)
    assert short.code == 0, short
    assert (
        '  ~ product["tee"]  Main 1 -> 4 (+3) from Warehouse 3 -> 0; 6 short of 10: Warehouse '
        "keeps 0 (its floor)  # store.yaml:11:24, store.yaml:11:41\n" in short.out
    ), short
    assert (
        "  - 1 refill(s) cannot reach their floor, the source has too little above its own: "
        'tee: "Main" needs 9, "Warehouse" has 3 above its floor of 0 (3 held).\n' in short.out
    ), short
    assert "Apply: 1 applied, 0 failed" in short.out, short
    with local_store(shop) as client:
        assert units(client) == {"Main": 4, "Warehouse": 0}


def test_a_refill_that_cannot_work_or_would_empty_the_source_is_refused(tmp_path: Path) -> None:
    typo = STORE.replace("refill_from: Warehouse", "refill_from: Warehous")
    shop = write_project(tmp_path / "shop", {"store.yaml": textwrap.dedent(typo)})
    checked = run_cli("validate", cwd=shop)
    assert (checked.code, checked.out) == (
        1,
        'store.yaml:11:41: products.tee.stock.Main.refill_from: tee at "Main" refills from '
        '"Warehous", which is not a declared location (did you mean "Warehouse"?); declared '
        "locations are Main, Warehouse.\n"
        "    Fix: name a location declared under locations:.\n"
        "\n"
        "1 problem in 1 file.\n",
    ), checked

    greedy = STORE.replace("at_least: 10", "at_least: 25")  # 25 of the warehouse's 30
    (shop / "store.yaml").write_text(textwrap.dedent(greedy))
    refused = run_cli("apply", "--auto-approve", cwd=shop)
    assert refused.code == 4, refused
    assert (
        "Refused: the plan trips guard rails that no acceptance covers: MOVED_UNITS_SHARE.\n"
        "  MOVED_UNITS_SHARE: 1 move(s) take 25 of the 30 units their sources hold (83%); the "
        "limit is 50% (max_moved_share).\n"
    ) in refused.err, refused
    with local_store(shop) as client:
        assert units(client) == {}  # nothing created, nothing moved
