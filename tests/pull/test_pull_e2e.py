"""`inventory-as-code pull` through the real command, after edits made in the dashboard.

One store, edited the way a merchant edits it in the Wix dashboard: a product
renamed (a plain and a single-quoted name), a price changed on a variant that
inherits the product's price and on a product with a plain amount, a count
changed under policy ``set`` where it is written and where it comes from
``defaults:``, a price changed behind a YAML alias, a product deleted, one
created. Every edited line has comments around it. Pull must rewrite exactly
those values (the files are compared whole, so every other byte is checked),
refuse the one behind the alias, list the objects on one side, and be a no-op
the second time.
"""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from tests.e2e.cli import (
    BASE_ENV,
    EXAMPLES,
    REPO,
    applied,
    copy_project,
    run_cli,
    timeless,
    write_project,
)
from tests.pull.dashboard import dashboard

STORE = """\
# The shop's locations and store-wide defaults.
locations:
  Main:                        # the warehouse
    default: true
  Outlet:
    address: {street: Hafenstraße 1, city: Hamburg, country: DE}
    time_zone: Europe/Berlin

defaults:
  stock:
    policy: set                # counts come from the stock take
    quantity: 10               # every item, unless it says otherwise
"""

SHOP = """\
products:
  # The tee: every size shares one price.
  tee:
    name: Organic Tee          # shown in the shop
    options:
      Size: [S, M, L]
    sku: TEE-{Size}
    price: "20.00"             # every size but L
    stock:
      Main: {}                 # the default count
      Outlet: 4                # a few at the outlet
    variants:
      L: {price: "22.00"}      # the big one costs more
    # end of the tee

  mug:
    # before the name
    name: 'Mug'                # single-quoted on purpose
    price: 9.5                 # plain on purpose
    sku: MUG
    stock:
      Main: 7                  # counted
    # after the stock

  poster: &poster
    name: Poster
    price: "12.00"
    sku: POSTER
    stock: {Main: 3}

  poster-xl:
    <<: *poster
    name: Poster XL
    sku: POSTER-XL

  sticker:
    name: Sticker
    price: "1.00"
    sku: STICKER
"""

PULLED = """\
products:
  # The tee: every size shares one price.
  tee:
    name: Organic Cotton Tee   # shown in the shop
    options:
      Size: [S, M, L]
    sku: TEE-{Size}
    price: "20.00"             # every size but L
    stock:
      Main: {}                 # the default count
      Outlet: 4                # a few at the outlet
    variants:
      L: {price: "22.00"}      # the big one costs more
      M: {price: "18.00"}
      S: {stock: {Main: 12}}
    # end of the tee

  mug:
    # before the name
    name: 'Mug (large)'        # single-quoted on purpose
    price: 11.00               # plain on purpose
    sku: MUG
    stock:
      Main: 9                  # counted
    # after the stock

  poster: &poster
    name: Poster
    price: "12.00"
    sku: POSTER
    stock: {Main: 3}

  poster-xl:
    <<: *poster
    name: Poster XL
    sku: POSTER-XL

  sticker:
    name: Sticker
    price: "1.00"
    sku: STICKER
"""

OUTPUT = """\
Using the embedded local store (shop/.inventory-as-code/local.db); no Wix site is touched.
Read 2 location(s), 5 product(s) in 6 API call(s) (T s).
Pulled 6 value(s) from the store into 1 file(s):
  products/shop.yaml:4:11  product["tee"]  name: "Organic Tee" -> "Organic Cotton Tee"
  products/shop.yaml:14:18  variant["tee"]["M"]  price: "20.00" -> "18.00"
      an override at the variant; the product's price (products/shop.yaml:8:12) stays for \
the 1 other variant that inherits it
  products/shop.yaml:15:25  stock["tee"]["S"]["Main"]  quantity: 10 -> 12
      an override at the variant; the quantity in defaults (store.yaml:12:15) stays for \
the 2 other stock items that inherit it
  products/shop.yaml:20:11  product["mug"]  name: "Mug" -> "Mug (large)"
  products/shop.yaml:21:12  variant["mug"]["(default)"]  price: "9.50" -> "11.00"
  products/shop.yaml:24:13  stock["mug"]["(default)"]["Main"]  quantity: 7 -> 9
Not pulled (1); the next plan still shows:
  variant["poster-xl"]["(default)"]  price: "12.00" -> "15.00"
      the YAML value (products/shop.yaml:29:12) is behind a YAML alias: it is written inside \
the anchor &poster (line 27), which *poster repeats (line 34); editing it would change every \
value that shares it. Edit it by hand.
In the store, not in the YAML (--write-new FILE writes products and locations):
  product["cap"]  "Dashboard Cap", 1 variant(s)
In the YAML, not in the store (left as they are; pull never deletes):
  product["sticker"]  a product in the YAML that the store does not have (deleted there, \
or not applied yet)
Wrote products/shop.yaml. The next plan shows no change for what was pulled.
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pull") / "shop"
    return applied(write_project(root, {"store.yaml": STORE, "products/shop.yaml": SHOP}))


def edited(base: Path, target: Path) -> Path:
    """A copy of the shop after a day of dashboard edits."""
    shop = copy_project(base, target)
    with dashboard(shop) as edit:
        edit.rename("tee", "Organic Cotton Tee")
        edit.price("TEE-M", "18.00")  # the tee's price is the product's, shared by S and M
        edit.rename("mug", "Mug (large)")
        edit.price("MUG", "11.00")
        edit.quantity("TEE-S", "default", 12)  # its count comes from defaults
        edit.quantity("MUG", "default", 9)
        edit.price("POSTER-XL", "15.00")  # its price comes through <<: *poster
        edit.delete("sticker")
        edit.create("cap", "Dashboard Cap", "CAP", "14.00")
    return shop


def test_pull_rewrites_exactly_the_edited_values_and_is_a_no_op_the_second_time(
    base: Path, tmp_path: Path
) -> None:
    shop = edited(base, tmp_path / "shop")
    ran = run_cli("pull", "shop", cwd=tmp_path)
    assert ran.code == 3, ran  # one value (behind the alias) could not be pulled
    assert timeless(ran.out) == OUTPUT
    assert (shop / "products" / "shop.yaml").read_text() == PULLED
    assert (shop / "store.yaml").read_text() == STORE  # the defaults are not rewritten

    planned = json.loads(run_cli("plan", shop, "--format", "json").out)
    left = {c["address"]: [f["field"] for f in c["fields"]] for c in planned["changes"]}
    assert left == {
        'variant["poster-xl"]["(default)"]': ["price"],  # behind the alias: not pulled
        'product["sticker"]': [],  # deleted in the store: left in the YAML
        'variant["sticker"]["(default)"]': [],
    }

    again = run_cli("pull", shop, "--write-new", shop / "products" / "new.yaml")
    assert again.code == 3, again
    assert (shop / "products" / "shop.yaml").read_text() == PULLED  # nothing more to pull
    assert "Nothing to pull." in again.out
    assert 'Wrote 1 object(s) the YAML lacked (into products/new.yaml):\n  product["cap"]\n' in (
        again.out
    )
    assert (shop / "products" / "new.yaml").read_text() == (
        "# Written from the live store by `inventory-as-code pull --write-new`; edit freely.\n"
        "# The format is described in docs/format.md of inventory-as-code.\n"
        "products:\n"
        "  cap: {name: Dashboard Cap, type: physical, sku: CAP, price: '14.00'}\n"
    )
    planned = json.loads(run_cli("plan", shop, "--format", "json").out)
    assert {c["address"] for c in planned["changes"]} == set(left)  # the cap matches the store


def test_diff_and_check_write_nothing_and_a_store_that_matches_pulls_nothing(
    base: Path, tmp_path: Path
) -> None:
    shop = copy_project(base, tmp_path / "shop")
    unedited = {p: p.read_bytes() for p in shop.rglob("*.yaml")}
    in_sync = run_cli("pull", shop)
    assert (in_sync.code, in_sync.out.splitlines()[-1]) == (
        0,
        "The store matches the YAML: nothing to pull.",
    )
    assert {p: p.read_bytes() for p in shop.rglob("*.yaml")} == unedited
    made = run_cli("emulator", "dashboard", shop, "--price", "MUG", "11.00")
    assert made.out == f"Made 1 edit(s) in the store of {shop}, as the Wix dashboard would.\n"
    before = {p: p.read_bytes() for p in shop.rglob("*.yaml")}
    shown = run_cli("pull", "shop", "--diff", cwd=tmp_path)
    assert shown.code == 0, shown
    assert shown.out == (
        "--- a/products/shop.yaml\n"
        "+++ b/products/shop.yaml\n"
        "@@ -16,7 +16,7 @@\n"
        "   mug:\n"
        "     # before the name\n"
        "     name: 'Mug'                # single-quoted on purpose\n"
        "-    price: 9.5                 # plain on purpose\n"
        "+    price: 11.00               # plain on purpose\n"
        "     sku: MUG\n"
        "     stock:\n"
        "       Main: 7                  # counted\n"
    )
    assert "Nothing was written (dry run); pull would change products/shop.yaml." in shown.err
    checked = run_cli("pull", shop, "--check")
    assert checked.code == 2, checked
    assert {p: p.read_bytes() for p in shop.rglob("*.yaml")} == before


def test_refusals_write_nothing_and_exit_1(base: Path, tmp_path: Path) -> None:
    shop = copy_project(base, tmp_path / "shop")
    outside = run_cli("pull", shop, "--write-new", tmp_path / "elsewhere.yaml")
    assert outside.code == 1, outside
    assert "the file must be inside the project folder" in outside.err
    ignored = run_cli("pull", shop, "--write-new", shop / "notes.txt")
    assert ignored.code == 1, ignored
    assert "the project would not read it (its name does not end in .yaml or .yml)" in ignored.err
    unknown = run_cli("pull", shop, "--target", 'product["tea"]')
    assert unknown.code == 1, unknown
    assert 'did you mean product["tee"]?' in unknown.err
    shutil.rmtree(shop / "products")
    broken = write_project(shop, {"products/shop.yaml": SHOP.replace("Size: [S, M, L]", "Size: [")})
    bad = run_cli("pull", broken)
    assert bad.code == 1, bad
    assert "problem(s) in the YAML" in bad.err
    # A plan that would fail (a product to create without a name) is no base for a pull.
    nameless = SHOP + "  hat:\n    price: '3.00'\n"
    refused = run_cli("pull", write_project(shop, {"products/shop.yaml": nameless}))
    assert refused.code == 1, refused
    assert "pull needs a plan of the store; fix these and pull again." in refused.err


def test_the_dashboard_command_refuses_edits_the_store_cannot_make(
    base: Path, tmp_path: Path
) -> None:
    """`emulator dashboard` (the tour's stand-in for the Wix dashboard) says what is wrong."""
    shop = copy_project(base, tmp_path / "shop")
    unknown = run_cli("emulator", "dashboard", shop, "--price", "TEE-XL", "1.00")
    assert (unknown.code, unknown.err) == (1, "Error: no stock item of SKU TEE-XL in the store\n")
    count = run_cli("emulator", "dashboard", shop, "--quantity", "MUG", "Main", "many")
    assert count.code == 2, count
    assert "Invalid value for --quantity: 'many' is not a whole number" in count.err
    bare = run_cli("emulator", "dashboard", tmp_path)
    assert bare.code == 1, bare
    assert "has no embedded local store yet" in bare.err and "apply the project first" in bare.err
    planned = json.loads(run_cli("plan", shop, "--format", "json").out)
    assert planned["changes"] == []  # nothing was edited


def test_the_documented_pull_is_this_one() -> None:
    docs = (REPO / "docs" / "plan-and-apply.md").read_text(encoding="utf-8")
    assert "$ inventory-as-code pull shop\n" + OUTPUT in timeless(docs)
    diff = difflib.unified_diff(
        SHOP.splitlines(keepends=True),
        PULLED.splitlines(keepends=True),
        "a/products/shop.yaml",
        "b/products/shop.yaml",
    )
    assert "```diff\n" + "".join(diff) + "```" in docs


def test_the_readme_tour_pulls_the_dashboard_price_as_it_shows(tmp_path: Path) -> None:
    """The tour's steps, in process: the dashboard edit, pull, and the diff the README shows."""
    from click.testing import CliRunner

    from inventory_as_code.cli import main

    shop = applied(copy_project(EXAMPLES / "apparel-multi-location", tmp_path / "my-shop"))
    env = {key: value or None for key, value in BASE_ENV.items()}
    runner = CliRunner()
    edit = ["emulator", "dashboard", str(shop), "--price", "NL-TEE-M-White", "27.50"]
    assert runner.invoke(main, edit, env=env).exit_code == 0
    before = (shop / "products" / "tees.yaml").read_text(encoding="utf-8")
    assert runner.invoke(main, ["pull", str(shop)], env=env).exit_code == 0
    after = (shop / "products" / "tees.yaml").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("```diff\n", 1)[1].split("```", 1)[0].splitlines(keepends=True)
    assert "".join(line[1:] for line in shown) in after  # the README's lines, in the file
    new_lines = [
        line[2:]
        for line in difflib.ndiff(before.splitlines(True), after.splitlines(True))
        if line.startswith("+ ")
    ]
    assert new_lines == [line[1:] for line in shown if line.startswith("+")]  # all pull added
    planned = runner.invoke(main, ["plan", str(shop), "--detailed-exitcode"], env=env)
    assert planned.exit_code == 0, planned.output
