"""Every exit code of every command that documents one, through the real command.

README ("Exit codes"), docs/plan-and-apply.md and docs/ci.md promise: 0
success (and in sync, with ``plan --detailed-exitcode``); 1 error, nothing
done; 2 changes (``--detailed-exitcode``) or a wrong command line; 3 partly
applied; 4 refused (apply), or a guard rail apply would refuse (``plan
--detailed-exitcode``). Each case here asserts the code and the whole output,
on the embedded local store of one applied project (copied per test). Exit
3 and 1 from Wix's own failures need a server with faults: test_wix_faults.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inventory_as_code import docs_url
from inventory_as_code.plan.model import checksum
from tests.e2e.cli import (
    applied,
    copy_project,
    run_cli,
    sell,
    start_cli,
    timeless,
    write_project,
)

STORE = """\
locations:
  Shop: {default: true}
defaults:
  stock: {policy: set}
products:
  mug: {name: Mug, price: "9.50", sku: MUG, stock: {Shop: 8}}
  tee: {name: Tee, price: "20.00", options: {Size: [S, M]}, sku: "TEE-{Size}", stock: {Shop: 10}}
"""
RESTOCKED = STORE.replace("{Shop: 8}", "{Shop: 12}")
UNPRICED = RESTOCKED + "  cap: {name: Cap, sku: CAP}\n"

USING = (
    "Using the embedded local store (shop/.inventory-as-code/local.db); no Wix site is touched.\n"
)
READ = "Read 1 location(s), 2 product(s), 3 variant(s), 3 stock item(s) in 6 API call(s) (T s).\n"
READ_FULL = "Read: the whole store (--refresh full).\n"
NOTES = (
    "Notes:\n"
    '  - YAML location "Shop" is the store\'s default location, named "Online store" in Wix.\n\n'
)
IN_SYNC = NOTES + "No changes. The live store matches the YAML.\n"
RESTOCK = (
    '  ~ product["mug"]  quantity: 8 -> 12 (+4) at Shop, policy: set  # store.yaml:6:59\n\n'
    + NOTES
    + "Plan: 0 to create, 1 to update, 0 to delete.\n"
)
RAIL = (
    "VARIANT_WITHOUT_PRICE: 1 new variant(s) have no price in the YAML; Wix needs one, so they "
    "would be created at 0.00. Add a price (product or variant level)."
)
UNPRICED_PLAN = (
    "Guard rails tripped (apply refuses this plan until each is accepted in review):\n"
    f"  ! {RAIL}\n"
    '      not accepted: to accept it, add [[guard_rails.accept]] rail = "VARIANT_WITHOUT_PRICE", '
    'max = 1, reason = "..." to inventory-as-code.toml\n'
    '      variant["cap"]["(default)"]\n\n'
    '  + product["cap"]  "Cap", sku "CAP"  # store.yaml:8:3\n'
    '  ~ product["mug"]  quantity: 8 -> 12 (+4) at Shop, policy: set  # store.yaml:6:59\n\n'
    + NOTES
    + "Plan: 2 to create, 1 to update, 0 to delete.\n"
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return applied(write_project(tmp_path_factory.mktemp("exit") / "shop", {"store.yaml": STORE}))


@pytest.fixture
def here(base: Path, tmp_path: Path) -> Path:
    """The folder tests run from, holding ``shop``: the applied STORE."""
    copy_project(base, tmp_path / "shop")
    return tmp_path


def yaml(here: Path, text: str) -> None:
    (here / "shop" / "store.yaml").write_text(text)


def test_plan_detailed_exitcode_0_when_the_store_matches(here: Path) -> None:
    ran = run_cli("plan", "shop", "--detailed-exitcode", cwd=here)
    assert (ran.code, timeless(ran.out), ran.err) == (0, USING + READ + IN_SYNC, READ_FULL), ran


def test_plan_detailed_exitcode_2_on_changes(here: Path) -> None:
    yaml(here, RESTOCKED)
    ran = run_cli("plan", "shop", "--detailed-exitcode", cwd=here)
    assert (ran.code, timeless(ran.out), ran.err) == (2, USING + READ + RESTOCK, READ_FULL), ran


def test_plan_detailed_exitcode_4_on_a_rail_apply_would_refuse(here: Path) -> None:
    yaml(here, UNPRICED)
    ran = run_cli("plan", "shop", "--detailed-exitcode", cwd=here)
    assert (ran.code, timeless(ran.out)) == (4, USING + READ + UNPRICED_PLAN), ran
    assert ran.err == READ_FULL + (
        "Guard rails tripped that apply would refuse: VARIANT_WITHOUT_PRICE. If the change is "
        "intended, accept each in inventory-as-code.toml in this change, for review: "
        "[[guard_rails.accept]] with rail, kind, max (the number of objects) and reason. "
        "Otherwise correct the YAML.\n"
    ), ran


def test_plan_detailed_exitcode_1_on_an_error(here: Path) -> None:
    yaml(here, STORE.replace("{Shop: 8}", "{Shop: many}"))
    ran = run_cli("plan", "shop", "--detailed-exitcode", cwd=here)
    assert (ran.code, ran.out) == (1, USING), ran
    assert ran.err == (
        "shop/store.yaml:6:59: products.mug.stock.Shop: expected a whole number, true or false "
        'or a mapping (key: value), got the text "many". Fix: write a whole number, true or '
        "false or a mapping (key: value) here.\n"
        "1 problem(s) in the YAML; run `inventory-as-code validate`.\n"
    ), ran


@pytest.mark.parametrize(
    ("words", "usage", "error"),
    [
        (
            ("plan", "--format", "xml"),
            "plan [OPTIONS] [PROJECT]",
            "Invalid value for '--format': 'xml' is not one of 'text', 'json', 'markdown'.",
        ),
        (("show",), "show [OPTIONS] PLANFILE", "Missing argument 'PLANFILE'."),
        (
            ("validate", "--format", "xml"),
            "validate [OPTIONS] [DIR]",
            "Invalid value for '--format': 'xml' is not one of 'text', 'github', 'json'.",
        ),
    ],
    ids=["plan", "show", "validate"],
)
def test_a_wrong_command_line_exits_2(
    tmp_path: Path, words: tuple[str, ...], usage: str, error: str
) -> None:
    ran = run_cli(*words, cwd=tmp_path)
    assert (ran.code, ran.out) == (2, ""), ran
    assert ran.err == (
        f"Usage: inventory-as-code {usage}\n"
        f"Try 'inventory-as-code {words[0]} --help' for help.\n\nError: {error}\n"
    ), ran


def test_apply_without_a_terminal_exits_1_and_applies_nothing(here: Path) -> None:
    yaml(here, RESTOCKED)
    ran = run_cli("apply", "shop", cwd=here)
    assert (ran.code, timeless(ran.out)) == (1, USING + READ + RESTOCK), ran
    assert ran.err == READ_FULL + (
        "Refusing to apply without confirmation: no terminal to ask on. "
        "Pass --auto-approve to apply from a script or CI.\n"
    ), ran


def test_apply_exits_0_when_everything_applied_and_read_back(here: Path) -> None:
    yaml(here, RESTOCKED)
    ran = run_cli("apply", "shop", "--auto-approve", cwd=here)
    assert (ran.code, timeless(ran.out)) == (
        0,
        USING
        + READ
        + RESTOCK
        + "Apply: 1 applied, 0 failed, 0 stale, 0 unknown, 0 not attempted. 2 API call(s) "
        "(1 write call(s) planned), T s. Read back: everything holds what the plan said.\n",
    ), ran
    assert ran.err == READ_FULL + "[1/1] inventory-items.bulk-update (1 item(s))\n", ran


def test_apply_exits_4_on_rails_without_force(here: Path) -> None:
    yaml(here, UNPRICED)
    ran = run_cli("apply", "shop", "--auto-approve", cwd=here)
    assert (ran.code, timeless(ran.out)) == (4, USING + READ + UNPRICED_PLAN), ran
    assert ran.err == READ_FULL + (
        "Refused: the plan trips guard rails that no acceptance covers: VARIANT_WITHOUT_PRICE.\n"
        f"  {RAIL}\n"
        "If this is intended, accept each rail in inventory-as-code.toml, in a reviewed change "
        "([[guard_rails.accept]] with rail, kind, max = the number of objects, reason), or "
        "apply with --force at a terminal.\n"
    ), ran


def test_apply_report_json_into_a_missing_folder_exits_1_before_anything(here: Path) -> None:
    yaml(here, RESTOCKED)
    ran = run_cli("apply", "shop", "--auto-approve", "--report-json", "gone/r.json", cwd=here)
    assert (ran.code, ran.out) == (1, ""), ran
    assert ran.err == (
        "Error: --report-json gone/r.json: the folder gone does not exist; nothing applied.\n"
    )


def saved(here: Path, text: str) -> None:
    """The YAML of a reviewed pull request, and its plan saved as reviewed.json."""
    yaml(here, text)
    ran = run_cli("plan", "shop", "--out", "reviewed.json", cwd=here)
    assert ran.code == 0, ran


def test_a_saved_plan_exits_0_then_4_when_applied_again(here: Path) -> None:
    saved(here, RESTOCKED)
    first = run_cli("apply", "reviewed.json", "--project", "shop", cwd=here)
    assert (first.code, timeless(first.out)) == (
        0,
        "Apply: 1 applied, 0 failed, 0 stale, 0 unknown, 0 not attempted. 2 API call(s) "
        "(1 write call(s) planned), T s. Read back: everything holds what the plan said.\n",
    ), first
    assert first.err == USING + "[1/1] inventory-items.bulk-update (1 item(s))\n", first
    again = run_cli("apply", "reviewed.json", "--project", "shop", cwd=here)
    assert (again.code, timeless(again.out)) == (
        4,
        "Stale (changed since the plan; not overwritten, plan again):\n"
        '  update          stock["mug"]["(default)"]["Shop"]  NOT_IN_CURRENT_PLAN: not made by a '
        "plan of the checked-out YAML against the store now (applied already, or the YAML or "
        "the store changed since the plan); not sent\n"
        "Apply: 0 applied, 0 failed, 1 stale, 0 unknown, 0 not attempted. 0 API call(s) "
        "(0 write call(s) planned), T s.\n",
    ), again
    assert again.err == USING + (
        "1 change(s) of the saved plan are not made by a plan of the checked-out YAML now "
        "(applied already, or the YAML or the store changed); they are not sent and are "
        "reported stale.\n"
    ), again


# The sale of 2 mugs since the plan, named with its values (issue 18.4).
STALE_MUG = (
    '  update          stock["mug"]["(default)"]["Shop"]  REVISION_MISMATCH: quantity 8 -> 6 '
    "(-2) since the plan; kept; plan again"
)


def test_a_sale_since_the_plan_makes_it_partly_applied_exit_3(here: Path) -> None:
    saved(here, RESTOCKED.replace("{Shop: 10}", "{Shop: 14}"))
    sell(here / "shop", "MUG", 2)
    ran = run_cli("apply", "reviewed.json", "--project", "shop", cwd=here)
    assert ran.code == 3, ran
    lines = timeless(ran.out).splitlines()
    assert lines[:2] == [
        "Stale (changed since the plan; not overwritten, plan again):",
        STALE_MUG,
    ], ran
    assert lines[2:] == [
        "Apply: 2 applied, 0 failed, 1 stale, 0 unknown, 0 not attempted. 3 API call(s) "
        "(1 write call(s) planned), T s. Read back: everything holds what the plan said."
    ], ran
    assert ran.err == USING + "[1/1] inventory-items.bulk-update (3 item(s))\n", ran


def test_all_or_nothing_sends_nothing_when_anything_moved_exit_4(here: Path) -> None:
    saved(here, RESTOCKED.replace("{Shop: 10}", "{Shop: 14}"))
    sell(here / "shop", "MUG", 2)
    ran = run_cli("apply", "reviewed.json", "--project", "shop", "--all-or-nothing", cwd=here)
    not_attempted = "all-or-nothing: other objects moved since the plan"
    assert (ran.code, ran.err) == (4, USING), ran
    lines = timeless(ran.out).splitlines()
    assert lines == [
        "Stale (changed since the plan; not overwritten, plan again):",
        STALE_MUG,
        "Not attempted:",
        f'  update          stock["tee"]["M"]["Shop"]: {not_attempted}',
        f'  update          stock["tee"]["S"]["Shop"]: {not_attempted}',
        "Apply: 0 applied, 0 failed, 1 stale, 0 unknown, 2 not attempted. 0 API call(s) "
        "(1 write call(s) planned), T s.",
    ], ran


def test_a_saved_plan_with_invalid_checked_out_yaml_exits_1(here: Path) -> None:
    saved(here, RESTOCKED)
    yaml(here, RESTOCKED + "  mug: {name: Mug again}\n")
    ran = run_cli("apply", "reviewed.json", "--project", "shop", cwd=here)
    assert (ran.code, ran.out) == (1, ""), ran
    assert ran.err == USING + (
        'shop/store.yaml:8:3: products.mug: duplicate key "mug" (first written at line 6). '
        "Fix: remove one of them or merge them; YAML would silently keep only the last.\n"
        "1 problem(s) in the YAML of shop; run `inventory-as-code validate`. A saved plan is "
        "checked against the checked-out project: pass its folder with --project (default: "
        "the current folder).\n"
    ), ran


def test_an_edited_saved_plan_is_refused_exit_4(here: Path) -> None:
    saved(here, RESTOCKED)
    data = json.loads((here / "reviewed.json").read_text())
    (change,) = data["changes"]
    change["after"]["quantity"] = 999
    data["checksum"] = checksum(data)  # as whoever edits the artifact would
    (here / "reviewed.json").write_text(json.dumps(data))
    ran = run_cli("apply", "reviewed.json", "--project", "shop", cwd=here)
    assert (ran.code, ran.out) == (4, ""), ran
    assert ran.err == USING + (
        "Refused: reviewed.json does not hold what the checked-out YAML (shop) plans against "
        "the store now; nothing was applied. 1 difference(s):\n"
        '  stock["mug"]["(default)"]["Shop"] (update): quantity: plan 999, YAML now 12\n'
        "The plan was edited after it was made, or the YAML or the store changed since. Plan "
        "again from the checked-out project and review that plan.\n"
    ), ran


def test_show_exits_0_with_the_plan_and_4_on_a_changed_file(here: Path) -> None:
    saved(here, RESTOCKED)
    shown = run_cli("show", "reviewed.json", cwd=here)
    assert (shown.code, shown.out, shown.err) == (0, RESTOCK, ""), shown
    plan_file = here / "reviewed.json"
    plan_file.write_text(plan_file.read_text().replace('"quantity":12', '"quantity":13'))
    mismatch = (
        "Refused: reviewed.json: checksum mismatch: the plan was changed after it was made. "
        "Make a new plan with plan --out and review it.\n"
    )
    for words in (("show", "reviewed.json"), ("apply", "reviewed.json", "--project", "shop")):
        ran = run_cli(*words, cwd=here)
        assert (ran.code, ran.out, ran.err) == (4, "", mismatch), ran


def test_validate_and_status_exit_0(here: Path) -> None:
    validate = run_cli("validate", "shop", cwd=here)
    assert (validate.code, validate.err) == (0, ""), validate
    assert validate.out == "OK: 1 file, 1 location, 2 products, 3 variants, 3 stock entries.\n"
    status = run_cli("status", "shop", cwd=here)
    assert (status.code, status.err) == (0, ""), status
    assert status.out == USING + (
        "Catalog: V3_CATALOG\n"
        "Locations: 1 (default: Online store)\n"
        "  - Online store  [default]  3 item(s), 28 unit(s)\n"
        "Products: 2   Variants: 3   Options: 1   Inventory items: 3\n"
        "API calls: 7 (catalog.version 1, customizations.query 1, inventory-items.query 1, "
        "locations.query 1, "
        "products.query 1, stores-locations.query 1, variants.query 1)\n"
    ), status


def test_export_exits_0_then_1_rather_than_mix_with_yaml(here: Path) -> None:
    using = (
        "Using the embedded local store (.inventory-as-code/local.db); no Wix site is touched.\n"
    )
    first = run_cli("export", "--out", "../exported", cwd=here / "shop")
    assert (first.code, first.err) == (0, ""), first
    assert first.out == using + (
        "Wrote 2 file(s) to ../exported: 2 product(s), 3 variant(s), 3 stock item(s), "
        "1 location(s); policy initial. 7 API call(s).\n"
        "Round trip: a plan of the exported files against this store shows no changes.\n"
    ), first
    again = run_cli("export", "--out", "../exported", cwd=here / "shop")
    assert (again.code, again.out) == (1, using), again
    assert again.err == (
        "Error: ../exported already holds YAML (products.yaml, store.yaml); export into an "
        "empty folder, or pass --force to replace the exported layout (store.yaml, "
        "products.yaml, products/*.yaml).\n"
    ), again


def test_init_exits_0_then_1_rather_than_overwrite(tmp_path: Path) -> None:
    first = run_cli("init", "new", cwd=tmp_path)
    assert first.code == 0, first
    # The tests run the tool from this source tree, which CI cannot install from: init
    # writes a FILL IN install step and says so (a release writes its own line instead).
    assert first.err.startswith("Warning: This inventory-as-code was installed from "), first
    assert first.err.endswith(
        "(the step marked FILL IN in new/.github/workflows/plan.yml and "
        "new/.github/workflows/apply.yml)\n"
    ), first
    assert first.out == (
        "Wrote new/inventory-as-code.toml\n"
        "Wrote new/store.yaml\n"
        "Wrote new/.github/workflows/plan.yml\n"
        "Wrote new/.github/workflows/apply.yml\n"
        "Added .inventory-as-code/ to new/.gitignore\n\n"
        "Next: name your locations in store.yaml and add products\n"
        f"({docs_url('format.md')}), then\n"
        "  inventory-as-code validate new\n"
        "  inventory-as-code plan new       # against the embedded local store\n"
        "For CI, create the secrets WIX_PROD_API_KEY and WIX_PROD_SITE_ID and the\n"
        f"`production` environment ({docs_url('ci.md')}).\n"
    ), first
    again = run_cli("init", "new", cwd=tmp_path)
    assert (again.code, again.out) == (1, ""), again
    assert again.err == (
        "Nothing written: inventory-as-code.toml, store.yaml, .github/workflows/plan.yml, "
        ".github/workflows/apply.yml already exist(s) in new. init only starts new projects; "
        "move those files away or edit them by hand.\n"
    ), again


def test_output_into_a_reader_that_stops_ends_quietly_with_141(tmp_path: Path) -> None:
    """`plan --format json | head`: the reader goes away mid-output. The tool stops as
    Unix tools do (128 + SIGPIPE), without an 'internal error' paragraph."""
    mugs = "".join(
        f'  mug-{n}:\n    name: Mug {n}\n    price: "10.00"\n    sku: MUG-{n}\n'
        f"    stock: {{Main: 5}}\n"
        for n in range(400)
    )
    shop = write_project(
        tmp_path / "shop",
        {"store.yaml": "locations:\n  Main: {default: true}\n", "mugs.yaml": "products:\n" + mugs},
    )
    running = start_cli("plan", shop, "--format", "json")
    stdout, stderr = running.process.stdout, running.process.stderr
    assert stdout is not None and stderr is not None
    stdout.readline()  # the output (about 600 KB) is far more than a pipe holds
    stdout.close()
    code = running.process.wait(timeout=120)
    with stderr:
        err = stderr.read()
    assert code == 141, err
    assert "internal error" not in err and "Traceback" not in err, err
    assert "Stopped: the program reading the output went away." in err
