"""Options are shared by products (issue 19), through the real command.

Two products created with an inline "Color" share one option in the store; a
colour or a choice rename written on one is one change on the option, listing
both; a change that reaches a product the YAML does not manage is held by a
guard rail until it is accepted; and two colours for one choice are refused
offline.
"""

from __future__ import annotations

import json
from pathlib import Path

from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.site import LOCAL_SITE_ID
from inventory_as_code.wix import WixClient
from tests.e2e.cli import run_cli, write_project

STORE = "locations:\n  Main:\n    default: true\n"
TEE = """\
  tee:
    name: Tee
    options:
      Color: {swatches: {Black: "#000000", White: "#FFFFFF"}}
    sku: TEE-{Color}
    price: "20.00"
"""
HOODIE = """\
  hoodie:
    name: Hoodie
    options: {Color: [Black]}
    sku: HOOD-{Color}
    price: "40.00"
"""


def local_store(shop: Path) -> tuple[Emulator, WixClient]:
    emulator = Emulator(db_path=shop / ".inventory-as-code" / "local.db")
    client = WixClient(
        api_key="local",
        site_id=LOCAL_SITE_ID,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
    )
    return emulator, client


def plan_json(shop: Path) -> dict:  # type: ignore[type-arg]
    ran = run_cli("plan", shop, "--format", "json")
    assert ran.code == 0, ran
    return json.loads(ran.out)  # type: ignore[no-any-return]


def test_two_products_share_one_option_and_a_change_on_one_lists_both(tmp_path: Path) -> None:
    shop = write_project(
        tmp_path / "shop", {"store.yaml": STORE, "products.yaml": "products:\n" + TEE + HOODIE}
    )
    ran = run_cli("apply", shop, "--auto-approve")
    assert ran.code == 0, ran
    emulator, client = local_store(shop)
    try:
        (color,) = [o for o in client.customizations.query() if o["name"] == "Color"]
        used = {
            p["slug"]: [o["id"] for o in p.get("options") or []] for p in client.products.query()
        }
        assert used == {"tee": [color["id"]], "hoodie": [color["id"]]}
    finally:
        client.close()
        emulator.close()

    # A new colour for Black, written on the tee: one change, on the shared option.
    (shop / "products.yaml").write_text(
        "products:\n" + TEE.replace('Black: "#000000"', 'Black: "#111111"') + HOODIE
    )
    plan = plan_json(shop)
    (change,) = plan["changes"]
    assert (change["address"], change["kind"]) == ('option["Color"]', "option")
    assert [f["field"] for f in change["fields"]] == ["swatches.Black"]
    assert sorted(change["keys"]["products"]) == ["hoodie", "tee"]
    text = run_cli("plan", shop, "--detailed-exitcode")
    assert text.code == 2, text
    assert "used by 2 product(s): hoodie, tee" in text.out

    # A choice rename, written on the tee (the hoodie does not pick White).
    (shop / "products.yaml").write_text(
        "products:\n"
        + TEE.replace('Black: "#000000"', 'Black: "#111111"').replace("White", "Ivory")
        + HOODIE
        + "moved:\n  - choice: {option: Color, from: White, to: Ivory}\n"
    )
    text = run_cli("plan", shop)
    assert 'choice "White" renamed to "Ivory"' in text.out, text
    assert "used by 2 product(s): hoodie, tee" in text.out
    ran = run_cli("apply", shop, "--auto-approve")
    assert ran.code == 0, ran
    assert "Read back: everything holds what the plan said." in ran.out, ran
    assert "No changes." in run_cli("plan", shop).out


def test_a_change_reaching_an_unmanaged_product_waits_for_review(tmp_path: Path) -> None:
    shop = write_project(
        tmp_path / "shop", {"store.yaml": STORE, "products.yaml": "products:\n" + TEE + HOODIE}
    )
    assert run_cli("apply", shop, "--auto-approve").code == 0
    # The hoodie leaves the YAML (unmanaged now); the tee recolours Black.
    (shop / "products.yaml").write_text(
        "products:\n" + TEE.replace('Black: "#000000"', 'Black: "#111111"')
    )
    ran = run_cli("apply", shop, "--auto-approve")
    assert ran.code == 4, ran
    assert "SHARED_OPTION_UNMANAGED" in ran.output and 'product["hoodie"]' in ran.output
    (shop / "inventory-as-code.toml").write_text(
        '[[guard_rails.accept]]\nrail = "SHARED_OPTION_UNMANAGED"\nmax = 1\n'
        'reason = "the hoodie takes the new black too"\n'
    )
    ran = run_cli("apply", shop, "--auto-approve")
    assert ran.code == 0, ran


def test_two_colours_for_one_choice_are_refused_with_both_places(tmp_path: Path) -> None:
    shop = write_project(
        tmp_path / "shop",
        {
            "store.yaml": STORE,
            "products.yaml": "products:\n"
            + TEE
            + HOODIE.replace("Color: [Black]", 'Color: {swatches: {Black: "#222222"}}'),
        },
    )
    ran = run_cli("validate", shop)
    assert ran.code == 1, ran
    assert (
        'products.yaml:10:41: products.hoodie.options.Color.swatches.Black: choice "Black" of '
        "option Color is #222222 here and #000000 at products.yaml:5:33"
    ) in ran.output, ran
