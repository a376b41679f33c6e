"""How pull writes each kind of value (in process: the command, without a subprocess each).

Each case: a project applied to its embedded store, an edit in the dashboard,
``pull``; the file is compared whole (every other byte stays), and the next
plan must be empty.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import inventory_as_code.pull.run as run_module
from inventory_as_code.cli import main
from tests.e2e.cli import BASE_ENV, applied, timeless, write_project
from tests.pull.dashboard import Dashboard, dashboard

STORE = "locations:\n  Main:\n    default: true\n"
SET = "defaults:\n  stock: {policy: set}\n"


def run(*args: str | Path) -> tuple[int, str]:
    env = {key: value or None for key, value in BASE_ENV.items()}
    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    return result.exit_code, timeless(result.output)


def pulled(
    tmp_path: Path,
    files: dict[str, str],
    edits: Callable[[Dashboard], None],
    *args: str,
    code: int = 0,
) -> tuple[Path, str]:
    """The project after the dashboard ``edits`` and ``pull ARGS``; its next plan is checked."""
    shop = applied(write_project(tmp_path / "shop", files))
    with dashboard(shop) as edit:
        edits(edit)
    exit_code, out = run("pull", shop, *args)
    assert exit_code == code, out
    if not args:
        planned, plan = run("plan", shop, "--detailed-exitcode")
        assert planned == 0, plan
    return shop, out


TEE = """\
products:
  tee:
    name: Tee
    options:
      Size: [S, M, L]
    sku: TEE-{Size}      # the SKUs follow the sizes
    price: "20.00"       # one price for every size
    stock:
      Main: 5
"""


def test_a_price_changed_on_every_variant_is_one_line_at_the_product(tmp_path: Path) -> None:
    def edits(edit: Dashboard) -> None:
        for sku in ("TEE-S", "TEE-M", "TEE-L"):
            edit.price(sku, "24.00")

    shop, out = pulled(tmp_path, {"store.yaml": STORE, "tee.yaml": TEE}, edits)
    assert (shop / "tee.yaml").read_text() == TEE.replace('"20.00"', '"24.00"')
    assert out.count("the product's price, shared by all 3 variants that inherit it") == 3


def test_skus_that_follow_a_new_pattern_rewrite_the_template_one_sku_is_an_override(
    tmp_path: Path,
) -> None:
    def edits(edit: Dashboard) -> None:
        for size in ("S", "M", "L"):
            edit.sku(f"TEE-{size}", f"SHIRT-{size}")

    shop, _ = pulled(tmp_path, {"store.yaml": STORE, "tee.yaml": TEE}, edits)
    # The comment keeps its column: the spaces before it give way to the longer text.
    shirt = TEE.replace("TEE-{Size}      #", "SHIRT-{Size}    #")
    assert (shop / "tee.yaml").read_text() == shirt
    with dashboard(shop) as edit:
        edit.sku("SHIRT-M", "SHIRT-MEDIUM")
    assert run("pull", shop)[0] == 0
    assert (
        shop / "tee.yaml"
    ).read_text() == shirt + "    variants:\n      M: {sku: SHIRT-MEDIUM}\n"
    assert run("plan", shop, "--detailed-exitcode")[0] == 0


def test_target_pulls_only_the_named_objects(tmp_path: Path) -> None:
    def edits(edit: Dashboard) -> None:
        edit.price("TEE-S", "18.00")
        edit.price("TEE-L", "26.00")

    shop, out = pulled(
        tmp_path,
        {"store.yaml": STORE, "tee.yaml": TEE},
        edits,
        "--target",
        'variant["tee"]["L"]',
    )
    assert (shop / "tee.yaml").read_text() == TEE + '    variants:\n      L: {price: "26.00"}\n'
    assert 'variant["tee"]["S"]' not in out
    _, plan = run("plan", shop)
    assert 'price: "18.00" -> "20.00" on variant S' in plan


STOCK = """\
locations:
  Main:
    default: true
  Pop-up:
    address: {street: Torstraße 109, city: Berlin}   # the shop front
    time_zone: Europe/Berlin
defaults:
  stock: {policy: set}
products:
  mug:
    name: Mug
    options:
      Color: [Red, Blue]
    price: "9.00"
    stock:
      Main: {quantity: 5, preorder: {enabled: true, limit: 10}}   # both colours
      Pop-up: true
    variants:
      Red: {stock: {Main: 3}}    # fewer red ones
"""


def test_stock_flags_preorder_and_a_location_are_written_where_they_belong(
    tmp_path: Path,
) -> None:
    def edits(edit: Dashboard) -> None:
        edit.items("MUG-Red", "default", preorderInfo={"limit": 7})
        edit.items("MUG-Blue", "Pop-up", inStock=False)
        edit.location("Pop-up", time_zone="Europe/Paris", city="Potsdam")

    files = {"store.yaml": STOCK.replace("    price:", "    sku: MUG-{Color}\n    price:")}
    shop, _ = pulled(tmp_path, files, edits)
    assert (shop / "store.yaml").read_text() == files["store.yaml"].replace(
        "city: Berlin}", "city: Potsdam}"
    ).replace("Europe/Berlin", "Europe/Paris").replace(
        "      Red: {stock: {Main: 3}}    # fewer red ones\n",
        "      Red: {stock: {Main: {quantity: 3, preorder: {limit: 7}}}}    # fewer red ones\n"
        "      Blue: {stock: {Pop-up: false}}\n",
    )


SWATCHES = """\
options:
  Color:
    swatches: {Black: "#000000", White: "#FFFFFF"}   # the brand's colours
products:
  tee:
    name: Tee
    options:
      Color: [Black, White]
    sku: TEE-{Color}
    price: "20.00"
"""


def test_a_swatch_colour_is_pulled_into_the_options_block(tmp_path: Path) -> None:
    def edits(edit: Dashboard) -> None:
        edit.swatch("Color", "White", "#FAFAFA")

    shop, out = pulled(tmp_path, {"store.yaml": STORE, "products.yaml": SWATCHES}, edits)
    assert (shop / "products.yaml").read_text() == SWATCHES.replace("#FFFFFF", "#FAFAFA")
    assert 'option["Color"]  swatches.White: "#FFFFFF" -> "#FAFAFA"' in out


def test_a_type_the_store_cannot_change_and_a_crlf_file_with_a_bom(tmp_path: Path) -> None:
    text = "\ufeffproducts:\r\n  book:\r\n    name: Book\r\n    type: physical\r\n"
    text += '    price: "5.00"\r\n    sku: BOOK\r\n'
    shop = applied(write_project(tmp_path / "shop", {"store.yaml": STORE}))
    (shop / "book.yaml").write_bytes(text.encode("utf-8"))
    applied(shop)
    with dashboard(shop) as edit:
        edit.price("BOOK", "6.50")
    # The YAML says digital now: Wix cannot change a type, so pull takes the store's back.
    (shop / "book.yaml").write_bytes(text.replace("physical", "digital").encode("utf-8"))
    code, out = run("pull", shop)
    assert code == 0, out
    expected = text.replace('"5.00"', '"6.50"')
    assert (shop / "book.yaml").read_bytes() == expected.encode("utf-8")
    assert run("plan", shop, "--detailed-exitcode")[0] == 0


def test_counts_sales_own_are_not_pulled_and_new_objects_go_where_they_belong(
    tmp_path: Path,
) -> None:
    store = STORE + "  Outlet:\n    address: {city: Hamburg}\n    time_zone: Europe/Berlin\n"
    tee = TEE.replace(
        "      Main: 5\n", "      Main: 5\n      Outlet: {quantity: 4, policy: at_least}\n"
    )
    socks = "  socks:\n    name: Socks\n    options: {Size: [S, M]}\n    sku: SOCK-{Size}\n"
    socks += "    price: 4\n"
    files = {"store.yaml": store, "tee.yaml": tee + socks}
    shop = applied(write_project(tmp_path / "shop", files))
    with dashboard(shop) as edit:
        edit.quantity("TEE-S", "default", 2)  # policy initial: sales own it, no difference
        edit.quantity("TEE-M", "Outlet", 1)  # at_least: a top-up, not pulled
        edit.new_location("Pop-up")
    (shop / "tee.yaml").write_text(tee)  # the socks stay in the store only
    code, out = run("pull", shop, "--write-new", shop / "tee.yaml")
    assert code == 0, out
    assert "1 quantity difference(s) not pulled: under the policies initial and at_least" in out
    assert "Wrote 2 object(s) the YAML lacked (into tee.yaml):" in out
    assert (shop / "store.yaml").read_text() == store + "  Pop-up: {}\n"
    assert (shop / "tee.yaml").read_text() == tee + (
        "  socks:\n"
        "    name: Socks\n"
        "    type: physical\n"
        "    options:\n"
        "      Size: [S, M]\n"
        "    sku: SOCK-{Size}\n"
        "    price: '4.00'\n"
    )
    _, plan = run("plan", shop)
    # The top-up is still apply's to make; the socks and the pop-up are in the YAML now.
    assert "quantity: 1 -> 4 (+3) at Outlet on variant M, policy: at_least (top-up)" in plan
    assert "socks" not in plan and "Pop-up" not in plan.split("Notes:")[0]


@pytest.mark.parametrize(
    ("slip", "refusal"),
    [
        # An editor that also touched a neighbour: the model is not the one pull meant.
        (lambda text: text.replace("Main: 5", "Main: 6"), "would change more than the pulled"),
        # An editor that broke the file: it must load before anything is written.
        (lambda text: text.replace("Size: [S, M, L]", "Size: ["), "the edited YAML does not load"),
    ],
)
def test_an_edit_that_is_not_exactly_the_pulled_values_is_not_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    slip: Callable[[str], str],
    refusal: str,
) -> None:
    """The confirmation (reload and re-plan) is what stands between a faulty edit and the file."""
    shop = applied(write_project(tmp_path / "shop", {"store.yaml": STORE + SET, "tee.yaml": TEE}))
    with dashboard(shop) as edit:
        edit.price("TEE-M", "18.00")
    faulty = run_module.apply_patch
    monkeypatch.setattr(run_module, "apply_patch", lambda *a: slip(faulty(*a)))
    code, out = run("pull", shop)
    assert code == 1, out
    assert refusal in out and "nothing was written" in out
    assert (shop / "tee.yaml").read_text() == TEE


def test_a_value_removed_in_the_store_is_not_pulled_and_says_why(tmp_path: Path) -> None:
    sale = TEE.replace("    stock:\n", '    compare_at_price: "25.00"\n    stock:\n')

    def edits(edit: Dashboard) -> None:
        edit.price("TEE-M", "18.00")
        edit._variants("TEE-L", lambda v: v["price"].pop("compareAtPrice"))  # the sale ends

    shop, out = pulled(tmp_path, {"store.yaml": STORE, "tee.yaml": sale}, edits, "--diff", code=3)
    assert 'variant["tee"]["L"]  compare_at_price: "25.00" -> (unset)' in out
    assert "removed in the store; pull writes values and never removes a key" in out
    assert '+      M: {price: "18.00"}' in out  # the rest is still pulled
    assert (shop / "tee.yaml").read_text() == sale  # --diff: a dry run


def test_a_tracking_method_switched_in_the_store_is_not_pulled_and_says_why(
    tmp_path: Path,
) -> None:
    shop = applied(write_project(tmp_path / "shop", {"store.yaml": STORE + SET, "tee.yaml": TEE}))
    with dashboard(shop) as edit:
        edit.items("TEE-S", "default", trackQuantity=False, inStock=True)
    code, out = run("pull", shop)
    assert code == 3, out
    assert 'stock["tee"]["S"]["Main"]  tracking: "quantity" -> "in_stock"' in out
    assert "the tracking method changed in the store" in out
    assert (shop / "tee.yaml").read_text() == TEE
