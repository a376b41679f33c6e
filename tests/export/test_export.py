"""export: idiomatic files, identical twice, and a round trip that plans "No changes."."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from inventory_as_code.config.formatting import format_project
from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.export.verify import export_project
from inventory_as_code.export.write import ExportError
from inventory_as_code.wix import Adjustment, WixClient
from inventory_as_code.workflow import apply_plan, plan_project

SITE = "site-export"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(id_seed=5)
    yield emu
    emu.close()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[WixClient]:
    c = WixClient(
        api_key="k",
        site_id=SITE,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
        requests_per_minute=1_000_000,
    )
    yield c
    c.close()


def assert_round_trip(client: WixClient, out: Path) -> None:
    plan, _ = plan_project(client, out, site_id=SITE)
    assert plan.empty, [c.address for c in plan.changes][:10]


@pytest.mark.parametrize(
    "example", ["corner-bookshop", "apparel-multi-location", "preorder-launch"]
)
def test_every_example_round_trips(client: WixClient, tmp_path: Path, example: str) -> None:
    project = tmp_path / "source"
    shutil.copytree(EXAMPLES / example, project)
    plan, _ = plan_project(client, project, site_id=SITE)
    assert apply_plan(client, plan).exit_code == 0
    out = tmp_path / "exported"
    result = export_project(client, out)
    assert result.residual == []
    assert_round_trip(client, out)
    assert format_project(out).changed == ()  # fmt --check passes on an export
    # Exporting twice gives identical files.
    again = tmp_path / "again"
    export_project(client, again)
    assert result.files  # else the comparison below compares nothing
    for name in result.files:
        assert (out / name).read_text() == (again / name).read_text()


def test_export_is_idiomatic(client: WixClient, tmp_path: Path) -> None:
    project = tmp_path / "source"
    shutil.copytree(EXAMPLES / "apparel-multi-location", project)
    apply_plan(client, plan_project(client, project, site_id=SITE)[0])
    out = tmp_path / "exported"
    export_project(client, out)
    store = yaml.safe_load((out / "store.yaml").read_text())
    products = yaml.safe_load((out / "products.yaml").read_text())["products"]
    assert store["defaults"]["stock"]["policy"] == "initial"
    # The message every item shares is written once.
    assert store["defaults"]["stock"]["preorder"] == {
        "message": "Back in stock soon - order now and we ship first."
    }
    assert "Back in stock soon" not in (out / "products.yaml").read_text()
    beanie = products["merino-beanie"]
    assert beanie["sku"] == "NL-BEA-{Color}"  # a template, not three SKUs
    assert beanie["price"] == "24.00"
    tee = products["organic-cotton-tee"]
    assert tee["exclude"] == ["XS/Olive"]
    assert tee["variants"]["XL/Black"]["price"] == "31.00"  # only exceptions on variants
    assert "price" not in tee["variants"].get("S/Black", {})
    # Options are the store's, shared by products: declared once with every choice,
    # and each product lists the choices it uses.
    assert store["options"]["Color"] == [
        "Black",
        "Ochre",
        "Slate",
        "Charcoal",
        "Sand",
        "White",
        "Olive",
    ]
    assert tee["options"]["Color"] == ["Black", "White", "Olive"]
    assert beanie["options"] == {"Color": ["Black", "Ochre", "Slate"]}


def test_policy_is_explicit_and_set_makes_counts_authoritative(
    client: WixClient, tmp_path: Path
) -> None:
    project = tmp_path / "source"
    shutil.copytree(EXAMPLES / "corner-bookshop", project)
    apply_plan(client, plan_project(client, project, site_id=SITE)[0])
    out = tmp_path / "exported"
    export_project(client, out, policy="set")
    assert "policy: set" in (out / "store.yaml").read_text()
    item = next(i for i in client.inventory.query() if i.get("quantity", 0) > 1)
    client.inventory.bulk_decrement([Adjustment(1, inventory_item_id=item["id"])])
    plan, _ = plan_project(client, out, site_id=SITE)
    assert [c.action.value for c in plan.changes] == ["update"]  # the sale shows up under set


def test_a_folder_with_yaml_is_refused_without_force(client: WixClient, tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / "mine.yaml").write_text("products: {}\n")
    with pytest.raises(ExportError, match="already holds YAML"):
        export_project(client, out)
    export_project(client, out, force=True)
    assert (out / "mine.yaml").exists()  # only the exported layout is replaced


def generated_store(products: int, rng: random.Random) -> dict[str, Any]:
    def option(name: str, choices: list[str]) -> dict[str, Any]:
        return {
            "name": name,
            "optionRenderType": "TEXT_CHOICES",
            "choicesSettings": {
                "choices": [{"choiceType": "CHOICE_TEXT", "name": c} for c in choices]
            },
        }

    out = []
    for n in range(products):
        sizes = ["S", "M", "L", "XL", "XXL"][: rng.randint(1, 5)]
        colors = ["Black", "Sand"][: rng.randint(1, 2)]
        combos = [(s, c) for s in sizes for c in colors]
        if len(combos) > 2 and rng.random() < 0.2:
            combos.pop(rng.randrange(len(combos)))  # a combination that is not produced
        base = f"{rng.choice([10, 15, 19.9, 25])}"
        variants = []
        for size, color in combos:
            inventory: list[dict[str, Any]] = []
            if rng.random() < 0.9:
                inventory.append(
                    {"location": "Warehouse", "quantity": rng.choice([0, 5, 5, 5, 12])}
                )
            if rng.random() < 0.7:
                inventory.append({"location": "Pop-up", "inStock": rng.random() < 0.8})
            variant: dict[str, Any] = {
                "sku": f"G{n}-{size}-{color}" if rng.random() < 0.95 else f"X{n}{size}{color}",
                "visible": rng.random() < 0.95,
                "price": {"actualPrice": {"amount": base if rng.random() < 0.8 else "30.00"}},
                "physicalProperties": {},
                "choices": [
                    {
                        "optionChoiceNames": {
                            "optionName": "Size",
                            "choiceName": size,
                            "renderType": "TEXT_CHOICES",
                        }
                    },
                    {
                        "optionChoiceNames": {
                            "optionName": "Color",
                            "choiceName": color,
                            "renderType": "TEXT_CHOICES",
                        }
                    },
                ],
                "inventoryItem": {"quantity": rng.choice([0, 3, 8, 8])}
                if rng.random() < 0.7
                else {
                    "quantity": 0,
                    "preorderInfo": {"enabled": True, "limit": 40, "message": "Soon"},
                },
                "inventoryItems": inventory,
            }
            if rng.random() < 0.1:
                variant["price"]["compareAtPrice"] = {"amount": "45.00"}
            variants.append(variant)
        out.append(
            {
                "name": f"Generated product {n}",
                "slug": f"generated-{n:04d}",
                "productType": "PHYSICAL",
                "visible": rng.random() < 0.9,
                "physicalProperties": {},
                "options": [option("Size", sizes), option("Color", colors)],
                "variantsInfo": {"variants": variants},
            }
        )
    return {"locations": [{"name": "Warehouse"}, {"name": "Pop-up"}], "products": out}


def test_a_generated_store_of_1000_products_round_trips(
    emulator: Emulator, client: WixClient, tmp_path: Path
) -> None:
    emulator.seed(generated_store(1000, random.Random(42)), site_id=SITE)
    out = tmp_path / "exported"
    result = export_project(client, out, policy="set")
    assert result.products == 1000
    assert result.residual == []
    files = sorted(p.name for p in (out / "products").glob("*.yaml"))
    assert files == ["g.yaml"]  # one file per initial letter of the slug
    assert_round_trip(client, out)


def test_unmanaged_objects_of_a_store_are_exported_too(
    emulator: Emulator, client: WixClient, tmp_path: Path
) -> None:
    """A store with products and locations that no YAML manages is adopted whole."""
    project = tmp_path / "source"
    shutil.copytree(EXAMPLES / "corner-bookshop", project)
    apply_plan(client, plan_project(client, project, site_id=SITE)[0])
    emulator.seed(generated_store(5, random.Random(1)), site_id=SITE)
    out = tmp_path / "exported"
    result = export_project(client, out)
    assert result.residual == []
    assert result.locations == 3
    assert_round_trip(client, out)
    # And the original project now sees them as unmanaged, not as deletions.
    plan, _ = plan_project(client, project, site_id=SITE)
    assert plan.summary.delete == 0
    assert "UNMANAGED_PRODUCTS" in [n.code for n in plan.notes]


def test_data_the_format_cannot_express_is_named(
    emulator: Emulator, client: WixClient, tmp_path: Path
) -> None:
    store = generated_store(1, random.Random(3))
    store["products"][0]["options"][0]["optionRenderType"] = "SWATCH_CHOICES"
    for choice in store["products"][0]["options"][0]["choicesSettings"]["choices"]:
        # A swatch option holds colour choices (the emulator refuses text ones).
        choice.update(choiceType="ONE_COLOR", colorCode="#336699")
    for variant in store["products"][0]["variantsInfo"]["variants"]:
        variant["choices"][0]["optionChoiceNames"]["renderType"] = "SWATCH_CHOICES"
    emulator.seed(store, site_id=SITE)
    item = next(i for i in client.inventory.query() if "quantity" in i)
    client.inventory.bulk_decrement(
        [Adjustment(item["quantity"] + 3, inventory_item_id=item["id"])], restrict_inventory=False
    )
    result = export_project(client, tmp_path / "out", policy="set")
    joined = " ".join(result.notes)
    assert "a stock count of -3 cannot be written" in joined
    # Colour swatches are part of the format now: written, not named as lost.
    assert "swatches" not in joined
    exported = "".join(p.read_text() for p in (tmp_path / "out").rglob("*.yaml"))
    assert "swatches: {S: '#336699', M: '#336699'}" in exported
    # The clamped count is a difference a plan would show, and it is reported.
    assert any("quantity: -3 -> 0" in line for line in result.residual)
