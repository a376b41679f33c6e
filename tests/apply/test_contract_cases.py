"""The plan is a contract: each way it once broke, end to end on the emulator.

Every test here failed before the fix it names: apply changed something the
plan did not show, or a plan that looked fine failed after the merge.
"""

from __future__ import annotations

from typing import Any

import pytest

from inventory_as_code.plan.feasibility import PlanRefused
from tests.apply.conftest import SITE, Shop

STORE = """
locations:
  Online store: {default: true}
"""


def product(shop: Shop, slug: str) -> dict[str, Any]:
    return dict(shop.client.products.get_by_slug(slug))


def item_of(shop: Shop, sku: str) -> dict[str, Any]:
    return next(i for i in shop.inventory() if i["product"]["variantSku"] == sku)


def test_a_preorder_only_change_keeps_an_in_stock_item_in_stock(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    shop.write(
        "p.yaml",
        """
        products:
          poster:
            name: Poster
            price: "9.00"
            sku: POSTER
            stock: {Online store: true}
        """,
    )
    assert shop.apply().exit_code == 0
    shop.write(
        "p.yaml",
        shop.project.joinpath("p.yaml")
        .read_text()
        .replace(
            "stock: {Online store: true}",
            "stock: {Online store: {in_stock: true, preorder: {enabled: true, message: Soon}}}",
        ),
    )
    plan = shop.plan()
    assert [(c.address, [f.field for f in c.fields]) for c in plan.changes] == [
        ('stock["poster"]["(default)"]["Online store"]', ["preorder.enabled", "preorder.message"])
    ]
    report = shop.apply(plan)
    assert report.exit_code == 0, report.to_dict()
    item = item_of(shop, "POSTER")
    assert item["inStock"] is True  # once sent as inStock: false and taken out of stock
    assert item["preorderInfo"]["enabled"] is True
    assert shop.plan().in_sync


def test_a_price_change_does_not_publish_a_hidden_product_without_options(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    shop.write(
        "books.yaml",
        """
        products:
          signed-first-edition-dune:
            name: Dune (signed first edition)
            visible: false
            price: "2400.00"
            sku: BK-DUNE-1965-SIGNED
            stock: {Online store: 1}
        """,
    )
    assert shop.apply().exit_code == 0
    assert product(shop, "signed-first-edition-dune")["visible"] is False
    shop.write(
        "books.yaml",
        shop.project.joinpath("books.yaml").read_text().replace('"2400.00"', '"2600.00"'),
    )
    plan = shop.plan()
    assert [c.address for c in plan.changes] == [
        'variant["signed-first-edition-dune"]["(default)"]'
    ]
    report = shop.apply(plan)
    assert report.exit_code == 0, report.to_dict()
    live = product(shop, "signed-first-edition-dune")
    assert live["visible"] is False  # Wix makes it follow its variant's visible
    assert live["variantsInfo"]["variants"][0]["price"]["actualPrice"]["amount"] == "2600.00"
    assert shop.plan().in_sync


SWATCH_TEE = {
    "name": "Dashboard Tee",
    "slug": "dashboard-tee",
    "productType": "PHYSICAL",
    "physicalProperties": {},
    "options": [
        {
            "name": "Color",
            "optionRenderType": "SWATCH_CHOICES",
            "choicesSettings": {
                "choices": [
                    {"choiceType": "ONE_COLOR", "colorCode": "#000000", "name": "Black"},
                    {"choiceType": "ONE_COLOR", "colorCode": "#1E5AA8", "name": "Blue"},
                ]
            },
        },
        {
            "name": "Size",
            "optionRenderType": "TEXT_CHOICES",
            "choicesSettings": {"choices": [{"choiceType": "CHOICE_TEXT", "name": "M"}]},
        },
    ],
    "variantsInfo": {
        "variants": [
            {
                "sku": f"DT-{color}-M",
                "price": {"actualPrice": {"amount": "20.00"}},
                "physicalProperties": {},
                "choices": [
                    {
                        "optionChoiceNames": {
                            "optionName": "Color",
                            "choiceName": color,
                            "renderType": "SWATCH_CHOICES",
                        }
                    },
                    {
                        "optionChoiceNames": {
                            "optionName": "Size",
                            "choiceName": "M",
                            "renderType": "TEXT_CHOICES",
                        }
                    },
                ],
                "inventoryItem": {"quantity": 4},
            }
            for color in ("Black", "Blue")
        ]
    },
}


def _options(shop: Shop, slug: str) -> dict[str, Any]:
    return {
        o["name"]: (
            o["optionRenderType"],
            [
                (c["name"], c["choiceType"], c.get("colorCode"))
                for c in o["choicesSettings"]["choices"]
            ],
        )
        for o in product(shop, slug)["options"]
    }


def test_adding_a_size_to_a_product_with_colour_swatches_keeps_the_swatches(shop: Shop) -> None:
    shop.emulator.seed({"products": [SWATCH_TEE]}, site_id=SITE)
    shop.write("store.yaml", STORE)
    shop.write(
        "tees.yaml",
        """
        products:
          dashboard-tee:
            options:
              Color: [Black, Blue]
              Size: [M, L]
            sku: DT-{Color}-{Size}
            price: "20.00"
        """,
    )
    report = shop.apply()
    assert report.exit_code == 0, report.to_dict()
    assert _options(shop, "dashboard-tee") == {
        "Color": (
            "SWATCH_CHOICES",
            [("Black", "ONE_COLOR", "#000000"), ("Blue", "ONE_COLOR", "#1E5AA8")],
        ),
        "Size": ("TEXT_CHOICES", [("M", "CHOICE_TEXT", None), ("L", "CHOICE_TEXT", None)]),
    }
    assert shop.plan().in_sync


def test_a_new_swatch_choice_needs_a_colour_and_gets_the_one_the_yaml_gives(shop: Shop) -> None:
    shop.emulator.seed({"products": [SWATCH_TEE]}, site_id=SITE)
    shop.write("store.yaml", STORE)
    tees = """
        products:
          dashboard-tee:
            options:
              Color: {colors}
              Size: [M]
            sku: DT-{{Color}}-{{Size}}
            price: "20.00"
        """
    shop.write("tees.yaml", tees.format(colors="[Black, Blue, Red]"))
    with pytest.raises(PlanRefused) as refused:
        shop.plan()
    assert "need a colour" in str(refused.value)
    shop.write(
        "tees.yaml",
        tees.format(colors='{swatches: {Black: "#000000", Blue: "#1e5aa8", Red: "#C0392B"}}'),
    )
    report = shop.apply()
    assert report.exit_code == 0, report.to_dict()
    assert _options(shop, "dashboard-tee")["Color"] == (
        "SWATCH_CHOICES",
        [
            ("Black", "ONE_COLOR", "#000000"),
            ("Blue", "ONE_COLOR", "#1E5AA8"),
            ("Red", "ONE_COLOR", "#C0392B"),
        ],
    )
    assert shop.plan().in_sync


def test_a_location_address_arrives_under_the_rest_names(shop: Shop) -> None:
    shop.write(
        "store.yaml",
        STORE
        + """  Pop-up Berlin:
    address: {street: Torstraße 109, city: Berlin, postal_code: "10119", country: DE}
    time_zone: Europe/Berlin
""",
    )
    assert shop.apply().exit_code == 0
    berlin = next(loc for loc in shop.client.locations.query() if loc["name"] == "Pop-up Berlin")
    address = berlin["address"]
    assert address["formattedAddress"] == "Torstraße 109, 10119 Berlin, DE"
    assert (address["city"], address["postalCode"], address["country"]) == ("Berlin", "10119", "DE")
    assert "formatted" not in address
    # And an address edit is an update of that location, not something ignored.
    shop.write("store.yaml", shop.project.joinpath("store.yaml").read_text().replace("109", "110"))
    plan = shop.plan()
    assert [(c.address, c.action.value) for c in plan.changes] == [
        ('location["Pop-up Berlin"]', "update")
    ]
    assert shop.apply(plan).exit_code == 0
    assert shop.plan().in_sync


COFFEE = """
products:
  {slug}:
    name: House Blend
    options:
      Grind: [{grind}, Ground]
    sku: HB-{{Grind}}
    price: "12.00"
    stock: {{Online store: 6}}
"""


def test_a_renamed_slug_is_refused_with_a_rename_hint_then_renamed_in_place(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    shop.write("coffee.yaml", COFFEE.format(slug="house-blend", grind="Whole bean"))
    assert shop.apply().exit_code == 0
    before = product(shop, "house-blend")
    shop.write("coffee.yaml", COFFEE.format(slug="house-blend-250g", grind="Whole bean"))
    with pytest.raises(PlanRefused) as refused:
        shop.plan()  # its SKUs belong to the live product that left the YAML
    assert "moved: [{product: {from: house-blend, to: house-blend-250g}}]" in str(refused.value)
    shop.write("moved.yaml", "moved:\n  - product: {from: house-blend, to: house-blend-250g}\n")
    plan = shop.plan()
    assert [
        (c.address, [(f.field, f.before, f.after) for f in c.fields]) for c in plan.changes
    ] == [('product["house-blend-250g"]', [("slug", "house-blend", "house-blend-250g")])]
    assert shop.apply(plan).exit_code == 0
    after = product(shop, "house-blend-250g")
    assert after["id"] == before["id"]
    assert [v["id"] for v in after["variantsInfo"]["variants"]] == [
        v["id"] for v in before["variantsInfo"]["variants"]
    ]
    assert shop.plan().in_sync  # the moved entry may stay


def test_a_choice_whose_case_changes_is_refused_then_renamed_in_place(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    shop.write("coffee.yaml", COFFEE.format(slug="house-blend", grind="Whole bean"))
    assert shop.apply().exit_code == 0
    items_before = {i["id"]: i["quantity"] for i in shop.inventory()}
    shop.write("coffee.yaml", COFFEE.format(slug="house-blend", grind="Whole Bean"))
    with pytest.raises(PlanRefused) as refused:
        shop.plan()  # "Whole bean" is kept by its live variant: two choices Wix sees as one
    assert "from: Whole bean, to: Whole Bean" in str(refused.value)
    shop.write(
        "moved.yaml",
        "moved:\n  - choice: {option: Grind, from: Whole bean, to: Whole Bean}\n",
    )
    plan = shop.plan()
    # A rename of the shared option's choice: one change, on the option (and the SKU
    # template of the product follows the new name).
    assert [(c.address, [f.field for f in c.fields]) for c in plan.changes] == [
        ('option["Grind"]', ["choice[Whole bean]"]),
        ('variant["house-blend"]["Whole Bean"]', ["sku"]),
    ]
    report = shop.apply(plan)
    assert report.exit_code == 0, report.to_dict()
    assert _options(shop, "house-blend")["Grind"][1][0][0] == "Whole Bean"
    assert {i["id"]: i["quantity"] for i in shop.inventory()} == items_before  # stock kept
    assert shop.plan().in_sync


def test_a_renamed_option_keeps_its_variants_and_stock(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    shop.write("coffee.yaml", COFFEE.format(slug="house-blend", grind="Whole bean"))
    assert shop.apply().exit_code == 0
    items_before = {i["id"] for i in shop.inventory()}
    shop.write(
        "coffee.yaml",
        COFFEE.format(slug="house-blend", grind="Whole bean")
        .replace("Grind:", "Grind size:")
        .replace("{Grind}", "{Grind size}"),
    )
    shop.write(
        "moved.yaml",
        "moved:\n  - option: {product: house-blend, from: Grind, to: Grind size}\n",
    )
    plan = shop.plan()
    assert not [c for c in plan.changes if c.action.value in ("create", "delete")]
    assert not plan.guard_rails  # no VARIANTS_REPLACED: it is a rename
    assert shop.apply(plan).exit_code == 0
    assert list(_options(shop, "house-blend")) == ["Grind size"]
    assert {i["id"] for i in shop.inventory()} == items_before
    assert shop.plan().in_sync


def test_a_renamed_location_keeps_its_id_and_stock(shop: Shop) -> None:
    shop.write("store.yaml", STORE + "  Outlet HH: {}\n")
    shop.write(
        "p.yaml",
        "products:\n  mug:\n    name: Mug\n    price: '5.00'\n    sku: MUG\n"
        "    stock: {Online store: 1, Outlet HH: 7}\n",
    )
    assert shop.apply().exit_code == 0
    outlet = next(loc for loc in shop.client.locations.query() if loc["name"] == "Outlet HH")
    shop.write("store.yaml", STORE + "  Outlet Hamburg: {}\n")
    shop.write("p.yaml", shop.project.joinpath("p.yaml").read_text().replace("HH", "Hamburg"))
    shop.write("moved.yaml", "moved:\n  - location: {from: Outlet HH, to: Outlet Hamburg}\n")
    plan = shop.plan()
    assert [
        (c.address, [(f.field, f.before, f.after) for f in c.fields]) for c in plan.changes
    ] == [('location["Outlet Hamburg"]', [("name", "Outlet HH", "Outlet Hamburg")])]
    assert shop.apply(plan).exit_code == 0
    renamed = next(loc for loc in shop.client.locations.query() if loc["id"] == outlet["id"])
    assert renamed["name"] == "Outlet Hamburg"
    assert shop.plan().in_sync


def test_a_product_without_a_name_is_refused_before_it_goes_live(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    shop.write("p.yaml", "products:\n  enamel-mug:\n    price: '5.00'\n    sku: EM\n")
    with pytest.raises(PlanRefused) as refused:
        shop.plan()
    assert 'product["enamel-mug"]: is created by this plan but has no name' in str(refused.value)
    assert "add name:" in str(refused.value)


def test_a_sku_of_a_product_the_yaml_does_not_manage_is_refused(shop: Shop) -> None:
    shop.write("store.yaml", STORE)
    shop.write("p.yaml", "products:\n  mug:\n    name: Mug\n    price: '5.00'\n    sku: MUG\n")
    assert shop.apply().exit_code == 0
    shop.write("p.yaml", "products:\n  cup:\n    name: Cup\n    price: '5.00'\n    sku: MUG\n")
    with pytest.raises(PlanRefused) as refused:
        shop.plan()
    message = str(refused.value)
    assert 'SKU "MUG" is already used by variant["mug"]["(default)"]' in message
    assert "a live product the YAML does not manage" in message


TEES = """
products:
  tee:
    name: Tee
    options:
      Color: {{swatches: {{Black: "{black}", White: "#FFFFFF"}}}}
    sku: TEE-{{Color}}
    price: "20.00"
  hoodie:
    name: Hoodie
    options: {{Color: [Black]}}
    sku: HOOD-{{Color}}
    price: "40.00"
"""


def test_an_option_that_moved_since_the_plan_is_stale_and_nothing_is_overwritten(
    shop: Shop,
) -> None:
    shop.write("store.yaml", STORE)
    shop.write("tees.yaml", TEES.format(black="#000000"))
    assert shop.apply().exit_code == 0
    shop.write("tees.yaml", TEES.format(black="#111111"))
    plan = shop.plan()
    (change,) = plan.changes
    assert sorted(change.keys["products"]) == ["hoodie", "tee"]
    # Someone adds a choice in the dashboard after the review.
    option = next(iter(shop.client.customizations.query({"name": "Color"})))
    added = {"choiceType": "ONE_COLOR", "name": "Red", "colorCode": "#FF0000"}
    shop.client.customizations.add_choices(option["id"], [added])
    shop.emulator.clear_requests()
    report = shop.apply(plan)
    assert report.outcomes['option["Color"]'].status.value == "stale"
    assert shop.writes() == []  # no Set Customization Choices that would drop Red
    after = next(iter(shop.client.customizations.query({"name": "Color"})))
    assert [c["name"] for c in after["choicesSettings"]["choices"]] == ["Black", "White", "Red"]
    # The next plan (same YAML) recolours Black and keeps Red; both products show it.
    assert shop.apply().exit_code == 0
    colours = {
        p["slug"]: p["options"][0]["choicesSettings"]["choices"][0]["colorCode"]
        for p in shop.client.products.query()
    }
    assert colours == {"tee": "#111111", "hoodie": "#111111"}
