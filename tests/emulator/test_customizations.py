"""Options are site-wide customizations shared by products (issue 19; Corrections 13).

Each test pins a documented rule, or a side effect a client must expect: one
customization per option name, every product sees a change of it, a choice a
product uses cannot be removed.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx

from inventory_as_code.emulator import Emulator

from .conftest import Clock, error_code, make_client, ok

C = "/stores/v3/customizations"
FIELDS = ["VARIANT_OPTION_CHOICE_NAMES"]


def tee(name: str, colors: dict[str, str], *, option: str = "Color") -> dict[str, Any]:
    """A Create Product body with one swatch option."""
    return {
        "name": name,
        "productType": "PHYSICAL",
        "physicalProperties": {},
        "options": [
            {
                "name": option,
                "optionRenderType": "SWATCH_CHOICES",
                "choicesSettings": {
                    "choices": [
                        {"choiceType": "ONE_COLOR", "name": c, "colorCode": code}
                        for c, code in colors.items()
                    ]
                },
            }
        ],
        "variantsInfo": {
            "variants": [
                {
                    "sku": f"{name}-{c}",
                    "price": {"actualPrice": {"amount": "10.00"}},
                    "physicalProperties": {},
                    "choices": [
                        {
                            "optionChoiceNames": {
                                "optionName": option,
                                "choiceName": c,
                                "renderType": "SWATCH_CHOICES",
                            }
                        }
                    ],
                }
                for c in colors
            ]
        },
    }


def post(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    return ok(client.post("/stores/v3/products", json={"product": body, "fields": FIELDS}))[  # type: ignore[no-any-return]
        "product"
    ]


def get(client: httpx.Client, product_id: str) -> dict[str, Any]:
    return ok(client.get(f"/stores/v3/products/{product_id}", params={"fields": FIELDS}))[  # type: ignore[no-any-return]
        "product"
    ]


def colors(product: dict[str, Any]) -> dict[str, str]:
    option = product["options"][0]
    return {c["name"]: c["colorCode"] for c in option["choicesSettings"]["choices"]}


def customization(client: httpx.Client, custom_id: str) -> dict[str, Any]:
    return ok(client.get(f"{C}/{custom_id}", params={"fields": "ASSIGNED_PRODUCTS_COUNT"}))[  # type: ignore[no-any-return]
        "customization"
    ]


def test_products_with_an_inline_option_of_one_name_share_one_customization(
    client: httpx.Client,
) -> None:
    a = post(client, tee("A", {"Black": "#000000", "White": "#FFFFFF"}))
    # Another case is the same name to Wix; the second product adds a choice.
    b = post(client, tee("B", {"black": "#111111", "Navy": "#000080"}, option="color"))
    assert a["options"][0]["id"] == b["options"][0]["id"]
    # Products show only their own choices, under the customization's names and colours.
    assert colors(a) == {"Black": "#000000", "White": "#FFFFFF"}
    assert colors(b) == {"Black": "#000000", "Navy": "#000080"}
    assert b["options"][0]["name"] == "Color"
    ids_a = {c["name"]: c["choiceId"] for c in a["options"][0]["choicesSettings"]["choices"]}
    ids_b = {c["name"]: c["choiceId"] for c in b["options"][0]["choicesSettings"]["choices"]}
    assert ids_a["Black"] == ids_b["Black"]
    shared = customization(client, a["options"][0]["id"])
    assert shared["customizationType"] == "PRODUCT_OPTION"
    assert shared["customizationRenderType"] == "SWATCH_CHOICES"
    assert [c["name"] for c in shared["choicesSettings"]["choices"]] == ["Black", "White", "Navy"]
    assert shared["assignedProductsCount"] == 2


def test_an_inline_option_of_another_render_type_is_refused(client: httpx.Client) -> None:
    post(client, tee("A", {"Black": "#000000"}))
    r = client.post("/stores/v3/products", json={"product": _text_color()})
    assert r.status_code == 400 and error_code(r) == "INVALID_CUSTOMIZATION_RENDER_TYPE"


def _text_color() -> dict[str, Any]:
    body = tee("T", {"Black": "#000000"})
    option = body["options"][0]
    option["optionRenderType"] = "TEXT_CHOICES"
    option["choicesSettings"]["choices"] = [{"choiceType": "CHOICE_TEXT", "name": "Black"}]
    body["variantsInfo"]["variants"][0]["choices"][0]["optionChoiceNames"]["renderType"] = (
        "TEXT_CHOICES"
    )
    return body


def test_renaming_an_option_renames_it_in_every_product(client: httpx.Client) -> None:
    a = post(client, tee("A", {"Black": "#000000"}))
    b = post(client, tee("B", {"Black": "#000000", "Red": "#FF0000"}))
    custom = customization(client, a["options"][0]["id"])
    r = client.patch(
        f"{C}/{custom['id']}",
        json={
            "customization": {"id": custom["id"], "revision": custom["revision"], "name": "Colour"}
        },
    )
    assert ok(r)["customization"]["name"] == "Colour"
    for before in (a, b):
        after = get(client, before["id"])
        assert after["options"][0]["name"] == "Colour"
        names = after["variantsInfo"]["variants"][0]["choices"][0]["optionChoiceNames"]
        assert names["optionName"] == "Colour"
        # The stricter reading of "updates all products": their revision moves.
        assert int(after["revision"]) == int(before["revision"]) + 1
    # A stale revision is refused; so is a name another option has.
    r = client.patch(f"{C}/{custom['id']}", json={"customization": {"revision": "1", "name": "X"}})
    assert r.status_code == 409
    post(client, tee("C", {"S": "#000001"}, option="Size"))
    fresh = customization(client, custom["id"])
    r = client.patch(
        f"{C}/{custom['id']}",
        json={"customization": {"revision": fresh["revision"], "name": "size"}},
    )
    assert r.status_code == 409 and error_code(r) == "CUSTOMIZATION_NAME_ALREADY_EXISTS"


def test_set_choices_recolours_and_renames_a_choice_everywhere(client: httpx.Client) -> None:
    a = post(client, tee("A", {"Black": "#000000", "Navy": "#000080"}))
    b = post(client, tee("B", {"Black": "#000000"}))
    custom = customization(client, a["options"][0]["id"])
    black, navy = custom["choicesSettings"]["choices"]
    sent = [
        {"id": black["id"], "choiceType": "ONE_COLOR", "name": "Black", "colorCode": "#111111"},
        {"id": navy["id"], "choiceType": "ONE_COLOR", "name": "Marine", "colorCode": "#000080"},
        {"choiceType": "ONE_COLOR", "name": "Red", "colorCode": "#FF0000"},
    ]
    done = ok(client.post(f"{C}/{custom['id']}/set-choices", json={"choices": sent}))
    assert [c["id"] for c in done["customization"]["choicesSettings"]["choices"][:2]] == [
        black["id"],
        navy["id"],
    ]
    assert colors(get(client, a["id"])) == {"Black": "#111111", "Marine": "#000080"}
    assert colors(get(client, b["id"])) == {"Black": "#111111"}
    # Leaving out a choice a product uses would delete it: refused, nothing changes.
    r = client.post(f"{C}/{custom['id']}/set-choices", json={"choices": sent[1:]})
    assert r.status_code == 400 and error_code(r) == "NOT_ALLOWED_DELETE_CHOICE_ASSIGNED_TO_PRODUCT"
    assert colors(get(client, b["id"])) == {"Black": "#111111"}


def test_add_choices_adds_to_the_customization_only(client: httpx.Client) -> None:
    a = post(client, tee("A", {"Black": "#000000"}))
    custom_id = a["options"][0]["id"]
    red = {"choiceType": "ONE_COLOR", "name": "Red", "colorCode": "#FF0000"}
    done = ok(client.post(f"{C}/{custom_id}/add-choices", json={"choices": [red]}))
    assert [c["name"] for c in done["customization"]["choicesSettings"]["choices"]] == [
        "Black",
        "Red",
    ]
    assert colors(get(client, a["id"])) == {"Black": "#000000"}  # not assigned to the product
    r = client.post(f"{C}/{custom_id}/add-choices", json={"choices": [{**red, "name": "red"}]})
    assert r.status_code == 400 and error_code(r) == "DUPLICATE_CHOICE_NAME"
    text = {"choiceType": "CHOICE_TEXT", "name": "Plain"}
    r = client.post(f"{C}/{custom_id}/add-choices", json={"choices": [text]})
    assert r.status_code == 400 and error_code(r) == "INVALID_CHOICE_TYPE"
    many = [{**red, "name": f"Red {n}"} for n in range(99)]
    r = client.post(f"{C}/{custom_id}/add-choices", json={"choices": many})
    assert r.status_code == 428 and error_code(r) == "CHOICES_LIMIT_EXCEEDED"


def test_a_product_write_cannot_rename_a_shared_option(client: httpx.Client) -> None:
    a = post(client, tee("A", {"Black": "#000000"}))
    b = post(client, tee("B", {"Black": "#000000"}))
    option = {**a["options"][0], "name": "Colour"}
    for choice in option["choicesSettings"]["choices"]:
        choice["name"] = "Noir"
    variants = [{"id": v["id"]} for v in a["variantsInfo"]["variants"]]
    body = {"id": a["id"], "revision": a["revision"], "options": [option]}
    body["variantsInfo"] = {"variants": variants}
    done = ok(client.patch(f"/stores/v3/products/{a['id']}", json={"product": body}))["product"]
    assert done["options"][0]["name"] == "Color" and colors(done) == {"Black": "#000000"}
    assert get(client, b["id"])["options"][0]["name"] == "Color"


def test_query_count_and_delete(client: httpx.Client) -> None:
    a = post(client, tee("A", {"Black": "#000000"}))
    spare = ok(
        client.post(
            C,
            json={
                "customization": {
                    "name": "Material",
                    "customizationType": "PRODUCT_OPTION",
                    "customizationRenderType": "TEXT_CHOICES",
                    "choicesSettings": {"choices": [{"choiceType": "CHOICE_TEXT", "name": "Wool"}]},
                }
            },
        )
    )["customization"]
    found = ok(
        client.post(
            f"{C}/query",
            json={
                "query": {
                    "filter": {"customizationType": "PRODUCT_OPTION"},
                    "sort": [{"fieldName": "name"}],
                }
            },
        )
    )
    assert [c["name"] for c in found["customizations"]] == ["Color", "Material"]
    assert found["pagingMetadata"]["hasNext"] is False
    assert ok(client.post(f"{C}/count", json={"filter": {"name": "Material"}}))["count"] == 1
    r = client.delete(f"{C}/{a['options'][0]['id']}")
    assert r.status_code == 400
    assert error_code(r) == "NOT_ALLOWED_DELETE_CUSTOMIZATION_ASSIGNED_TO_PRODUCT"
    ok(client.delete(f"{C}/{spare['id']}"))
    assert client.get(f"{C}/{spare['id']}").status_code == 404


def test_a_schema_2_store_is_migrated_to_shared_options(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "local.db"
    emulator = Emulator(db_path=db, clock=clock, id_seed=7)
    with make_client(emulator) as client:
        a = post(client, tee("A", {"Black": "#000000"}))
        b = post(client, tee("B", {"Black": "#000000", "Red": "#FF0000"}, option="color"))
    emulator.close()
    # What schema 2 held: every product its own option ids, a customization each.
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    conn.execute("DROP TABLE customizations")
    conn.execute(
        "CREATE TABLE customizations (seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT"
        " NULL, id TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (site_id, id))"
    )
    (doc,) = conn.execute("SELECT doc FROM products WHERE id = ?", (b["id"],)).fetchone()
    product = json.loads(doc)
    text = json.dumps(product).replace(product["options"][0]["id"], "own-option-of-b")
    conn.execute("UPDATE products SET doc = ? WHERE id = ?", (text, b["id"]))
    conn.commit()
    conn.close()
    emulator = Emulator(db_path=db, clock=clock, id_seed=8)
    with make_client(emulator) as client:
        after_a, after_b = get(client, a["id"]), get(client, b["id"])
        assert after_b["options"][0]["id"] == after_a["options"][0]["id"]
        assert after_b["options"][0]["name"] == "Color"
        shared = customization(client, after_a["options"][0]["id"])
        assert [c["name"] for c in shared["choicesSettings"]["choices"]] == ["Black", "Red"]
        variants = ok(client.post("/stores/v3/products/query-variants", json={"query": {}}))
        option_ids = {
            c["optionChoiceIds"]["optionId"]
            for v in variants["variants"]
            for c in v["optionChoices"]
        }
        assert option_ids == {shared["id"]}
    emulator.close()
