"""Every refusal `plan` can make, through the real command (issue 18, section 1).

`plan/feasibility.py` and, for the store's shared options, `plan/options.py`
refuse what apply would certainly fail on, and the renames of `moved:` that
collide (`plan/renames.py`, `plan/options.py`); `--target` refuses an
address that names nothing (`plan/targets.py`). On a7233e5 each of them
crashed in the printer. Here one applied store (STORE) and one edit (EDITED)
trip all eleven refusals of one run at once, so one subprocess proves every
message, exactly, in the YAML's order, and the forms that print them through
other paths (`--format json --out`, `apply FILE`) follow. The SKU freed by a
deletion in the same run needs `prune`, which turns the unmanaged owner of
another refusal into a deletion: it has a run of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import applied, copy_project, run_cli, write_project

TRAILER = (
    "problem(s): apply would fail on these, so there is no plan. "
    "Fix the YAML (or the live store) and plan again.\n"
)
USING = (
    "Using the embedded local store (shop/.inventory-as-code/local.db); no Wix site is touched.\n"
)

STORE = """\
locations:
  Shop: {default: true}
  Outlet HH:
    address: {street: Ring 1, city: Hamburg, postal_code: "20095", country: DE}
    time_zone: Europe/Berlin
  Outlet Hamburg:
    address: {street: Ring 2, city: Hamburg, postal_code: "20095", country: DE}
    time_zone: Europe/Berlin
products:
  old-mug: {name: Old Mug, price: "5.00", sku: MUG-1}
  new-mug: {name: New Mug, price: "6.00", sku: MUG-2}
  left-book: {name: Left Book, price: "9.00", sku: BOOK-LEFT}
  kept-pen: {name: Kept Pen, price: "1.00", sku: PEN-1}
  tote: {name: Tote, price: "12.00", options: {Fabric: [Natural, Navy]}, sku: "TOTE-{Fabric}"}
  scarf:
    name: Scarf
    price: "20.00"
    options: {Print: {swatches: {Red: "#FF0000"}}}
    sku: SCARF-{Print}
  poster:
    name: Poster
    price: "8.00"
    options: {Colour: [Red], Color: [Blue]}
    sku: POSTER-{Colour}-{Color}
  coffee: {name: Coffee, price: "7.00", options: {Grind: [Whole, Fine]}, sku: "COFFEE-{Grind}"}
  grid: {name: Grid, price: "1.00", options: {A: [zz], B: [bz]}, sku: "GRID-{A}-{B}"}
"""

GRID_A = ", ".join(f"a{i}" for i in range(10))
GRID_B = ", ".join(f"b{i}" for i in range(100))
# Line by line, what each edit trips (the expected messages below name these lines).
EDITED = f"""\
locations:
  Shop: {{default: true}}
  Outlet Hamburg:
    address: {{street: Ring 2, city: Hamburg, postal_code: "20095", country: DE}}
    time_zone: Europe/Berlin
products:
  new-mug: {{name: New Mug, price: "6.00", sku: MUG-2}}
  kept-pen: {{name: Kept Pen, price: "1.00"}}
  right-book: {{name: Right Book, price: "9.00", sku: BOOK-LEFT}}
  pen-copy: {{name: Pen Copy, price: "1.00", sku: PEN-1}}
  bookmark: {{price: "2.00", sku: BM-1}}
  tote: {{name: Tote, price: "12.00", options: {{Fabric: [natural, Navy]}}, sku: "TOTE-{{Fabric}}"}}
  scarf: {{name: Scarf, price: "20.00", options: {{Print: [Red, Blue]}}, sku: "SCARF-{{Print}}"}}
  poster: {{name: Poster, price: "8.00", options: {{Color: [Blue]}}, sku: "POSTER-{{Color}}"}}
  coffee: {{name: Coffee, price: "7.00", options: {{Grind: [Fine]}}, sku: "COFFEE-{{Grind}}"}}
  grid:
    name: Grid
    price: "1.00"
    options:
      A: [{GRID_A}]
      B: [{GRID_B}]
    sku: GRID-{{A}}-{{B}}
moved:
  - product: {{from: old-mug, to: new-mug}}
  - location: {{from: Outlet HH, to: Outlet Hamburg}}
  - option: {{product: poster, from: Colour, to: Color}}
  - choice: {{product: coffee, option: Grind, from: Whole, to: Fine}}
"""

FIX_MOVED = (
    "    Fix: delete one of them in Wix (or merge them by hand), or remove this moved entry.\n"
)
# In the order of the YAML, each with the fix a user acts on.
REFUSALS = {
    "SKU of a live product the YAML no longer manages (a slug rename without moved:)": (
        'shop/store.yaml:9:54: variant["right-book"]["(default)"]: SKU "BOOK-LEFT" is already '
        'used by variant["left-book"]["(default)"], a live product the YAML does not manage.\n'
        '    Fix: give this variant another SKU. If product["left-book"] is this product under '
        "its old slug, rename it instead: moved: [{product: {from: left-book, to: right-book}}] "
        "(keeps its id, variants and stock).\n"
    ),
    "SKU of a managed product that keeps it live": (
        'shop/store.yaml:10:50: variant["pen-copy"]["(default)"]: SKU "PEN-1" is already used by '
        'variant["kept-pen"]["(default)"].\n'
        "    Fix: give one of the two variants another SKU.\n"
    ),
    "a new product without a name": (
        'shop/store.yaml:11:3: product["bookmark"]: is created by this plan but has no name; '
        'Wix would show its slug "bookmark" as the name.\n'
        "    Fix: add name: to the product.\n"
    ),
    "a choice whose case differs from the live one without moved:": (
        'shop/store.yaml:12:57: option["Fabric"]: the YAML writes choice "natural", the store '
        'has "Natural": one choice to Wix, which compares names without regard to case.\n'
        "    Fix: to rename the live choice, add to the YAML: moved: [{choice: {option: Fabric, "
        "from: Natural, to: natural}}]\n"
    ),
    "a new choice of a swatch option without a colour": (
        'shop/store.yaml:13:50: option["Print"]: option Print shows colour swatches in Wix, '
        "and the new choice(s) Blue need a colour.\n"
        '    Fix: write the option as Print: {swatches: {Blue: "#RRGGBB", ...}} with a colour '
        "for every new choice (see docs/format.md).\n"
    ),
    "more than 1,000 variants with those live variants keep": (
        'shop/store.yaml:16:3: product["grid"]: would have 1001 variants (new ones plus live ones '
        "the YAML keeps); Wix allows at most 1000.\n"
        "    Fix: set prune: {variants: true} to remove live variants the YAML does not list, or "
        "split the product.\n"
    ),
    "more than 100 choices in a shared option, the live ones included": (
        'shop/store.yaml:21:7: option["B"]: would have 101 choices: 1 live (Wix keeps a choice '
        "in its option, used or not, until it is removed) and 100 new; Wix accepts at most 100 "
        "per option.\n"
        "    Fix: add fewer choices, or first remove the choices no product uses from the option "
        "in Wix.\n"
    ),
    "moved: a product onto a live slug": (
        "shop/store.yaml:24:5: moved product old-mug -> new-mug: cannot rename: both "
        '"old-mug" and "new-mug" exist in the live store.\n' + FIX_MOVED
    ),
    "moved: a location onto a live name": (
        "shop/store.yaml:25:5: moved location Outlet HH -> Outlet Hamburg: cannot rename: both "
        '"Outlet HH" and "Outlet Hamburg" exist in the live store.\n' + FIX_MOVED
    ),
    "moved: an option onto a live option": (
        'shop/store.yaml:26:5: option["Color"]: cannot rename: both "Colour" and "Color" exist '
        "in the live store.\n" + FIX_MOVED
    ),
    "moved: a choice onto a live choice": (
        'shop/store.yaml:27:5: option["Grind"]: cannot rename choice "Whole": both it and "Fine" '
        "exist in the live option.\n"
        "    Fix: remove one of them in Wix (no product may use it), or remove this moved "
        "entry.\n"
    ),
}
ALL_REFUSED = "".join(REFUSALS.values()) + f"{len(REFUSALS)} " + TRAILER


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """STORE applied once, with a saved plan of it (no changes) for `apply FILE`."""
    root = tmp_path_factory.mktemp("refusals")
    applied(write_project(root / "shop", {"store.yaml": STORE}))
    ran = run_cli("plan", "shop", "--out", "reviewed.json", cwd=root)
    assert ran.code == 0, ran
    return root


@pytest.fixture
def edited(store: Path, tmp_path: Path) -> Path:
    """A copy of the applied store whose YAML trips every refusal; returns the folder above."""
    copy_project(store / "shop", tmp_path / "shop")
    (tmp_path / "reviewed.json").write_bytes((store / "reviewed.json").read_bytes())
    (tmp_path / "shop" / "store.yaml").write_text(EDITED)
    return tmp_path


def test_every_refusal_is_printed_exactly_in_the_yamls_order(edited: Path) -> None:
    ran = run_cli("plan", "shop", cwd=edited)
    assert (ran.code, ran.out, ran.err) == (1, USING, ALL_REFUSED), ran


def test_json_and_out_print_the_same_refusals_and_save_nothing(edited: Path) -> None:
    ran = run_cli("plan", "shop", "--format", "json", "--out", "plan.json", cwd=edited)
    # Everything but the plan goes to stderr with --format json; there is no plan.
    assert (ran.code, ran.out, ran.err) == (1, "", USING + ALL_REFUSED), ran
    assert not (edited / "plan.json").exists()


def test_a_saved_plan_is_refused_with_its_checked_out_yaml(edited: Path) -> None:
    """`apply FILE` plans the checked-out YAML again as far as the saved plan reaches: its
    products (none here) and every location and option. Refusals there end that apply; those
    of products the saved plan does not change are not read (issue 22: a one-product plan
    costs a one-product read), and the next plan shows them."""
    ran = run_cli("apply", "reviewed.json", "--project", "shop", cwd=edited)
    in_reach = [
        text
        for text in REFUSALS.values()
        if ": option[" in text.split("\n", 1)[0] or "moved location" in text
    ]
    assert len(in_reach) == 6  # every refusal of a store-wide object
    refused = (
        "".join(in_reach) + f"{len(in_reach)} problem(s): the checked-out YAML cannot be applied.\n"
    )
    assert (ran.code, ran.out, ran.err) == (1, "", USING + refused), ran


def test_a_sku_freed_by_a_deletion_in_the_same_run(store: Path, tmp_path: Path) -> None:
    shop = copy_project(store / "shop", tmp_path / "shop")
    (shop / "store.yaml").write_text(
        STORE.replace("  left-book:", "  right-book:").replace("Left Book", "Right Book")
        + "prune: {products: true}\n"
    )
    ran = run_cli("apply", "shop", "--auto-approve", cwd=tmp_path)
    assert (ran.code, ran.out) == (1, USING), ran
    assert ran.err == (
        'variant["right-book"]["(default)"]: SKU "BOOK-LEFT" is freed by product["left-book"] '
        "in this same run; Wix checks SKUs call by call, and the SKU may still be taken when "
        "this variant is written.\n"
        "    Fix: apply in two steps: first remove the old variant or product, then give its SKU "
        "to this one; or rename the product with moved: instead.\n" + "1 " + TRAILER
    ), ran


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (
            ("plan", "shop", "--target", 'product["new-mu"]'),
            'Error: --target product["new-mu"] matches nothing in the YAML or the live store; '
            'did you mean product["new-mug"]? Nothing was planned.\n',
        ),
        (
            ("apply", "shop", "--auto-approve", "--target", "new-mug"),
            "Error: --target 'new-mug' is not an address; did you mean product[\"new-mug\"]? "
            "Write it as the plan shows objects, "
            'e.g. product["organic-tee"], variant["organic-tee"]["S/Black"], option["Color"] or '
            'location["Main warehouse"] (quote it for the shell).\n',
        ),
    ],
    ids=["a typo", "not an address"],
)
def test_a_target_that_names_nothing(
    store: Path, tmp_path: Path, words: tuple[str, ...], message: str
) -> None:
    copy_project(store / "shop", tmp_path / "shop")
    ran = run_cli(*words, cwd=tmp_path)
    assert (ran.code, ran.out, ran.err) == (1, USING, message), ran
