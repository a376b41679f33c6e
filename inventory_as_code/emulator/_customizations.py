"""Customizations V3: the site's options, shared by every product that uses them.

An option is a site-level customization "stored independently and assigned to
multiple products" (Catalog V3 Terminology; shared/wix-api Corrections 13).
A customization holds the option's name, render type and every choice (name,
type, swatch colour); a product's ``options`` list the customizations it uses
(``ConnectedOption.id`` is the customization's id) with only the choices the
product uses (``choiceId`` is the customization's choice id).

The stored product keeps a copy of each option (name, render type, its own
choices) so every read path (render, query filters, read-only variants,
inventory snapshots) sees it without a join. The copies never disagree with
the customization: a change of the customization is written into every
product that uses it right away (:func:`propagate`). So renaming an option
renames it in every product, recolouring a choice recolours it everywhere.

Modelled as documented or plausible, each guess marked unconfirmed:

* one option customization per name, compared without regard to case (Wix
  assigns an inline option "with option.name" to the existing one, Sample
  Flows, and generates ``key`` from the name); creating or renaming a second
  one of a name is refused (unconfirmed: no error is declared for it;
  409 ``CUSTOMIZATION_NAME_ALREADY_EXISTS`` here);
* choice names are unique within a customization, without regard to case
  (validation ``DUPLICATE_CHOICE_NAME``, declared);
* at most :data:`MAX_CHOICES` choices per customization (Corrections 8: live
  Wix answers ``CHOICES_LIMIT_EXCEEDED`` well below the SDK's 1,000);
* ``customizationRenderType`` and ``customizationType`` are immutable; a
  choice's type must fit the render type (``INVALID_CHOICE_TYPE``) and a
  ``ONE_COLOR`` choice needs its colour (``INVALID_CHOICE_VALUE``);
* a change of the customization also updates the products that use it and
  moves their ``revision`` and ``updatedDate`` (unconfirmed: "updates all
  products to which it is assigned", Update Customization; whether their
  revision moves is not documented; the emulator takes the stricter reading,
  so a client that writes a product after changing its option must read it
  again first);
* a choice assigned to a product cannot be removed or overridden
  (Set Customization Choices; Remove Customization Choices).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from inventory_as_code.emulator._catalog import load_product, save_product
from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._errors import app_error, invalid
from inventory_as_code.emulator._inventory_rows import refresh_snapshots
from inventory_as_code.emulator._util import JsonDict, bump, dumps
from inventory_as_code.emulator._variants import project

OPTION = "PRODUCT_OPTION"
MODIFIER = "MODIFIER"
RENDER_TYPES = ("TEXT_CHOICES", "SWATCH_CHOICES")
CHOICE_TYPES = {"TEXT_CHOICES": "CHOICE_TEXT", "SWATCH_CHOICES": "ONE_COLOR"}
# The SDK type allows 1000 choices; live Wix refuses far fewer (Corrections 8:
# messages seen with 100 and 200). 100 is the safe maximum.
MAX_CHOICES = 100


def name_key(name: str) -> str:
    """How Wix tells option and choice names apart: without regard to case."""
    return name.lower()


def text_field(value: Any, at: str, max_len: int = 50) -> str:
    if not isinstance(value, str) or not value:
        raise invalid(at, "must not be empty", violated_rule="REQUIRED_FIELD")
    if not value.strip():
        raise invalid(at, "must not be only spaces", rule_name="ONLY_SPACES_STRING_ERROR")
    if len(value) > max_len:
        raise invalid(at, f"must be at most {max_len} characters", violated_rule="MAX_LENGTH")
    return value


# --- storage -------------------------------------------------------------------------


def load(ctx: Ctx, customization_id: str) -> JsonDict | None:
    row = ctx.conn.execute(
        "SELECT doc FROM customizations WHERE site_id = ? AND id = ?",
        (ctx.site_id, customization_id),
    ).fetchone()
    return None if row is None else json.loads(row["doc"])


def option_named(ctx: Ctx, name: str) -> JsonDict | None:
    """The option customization whose name is ``name`` as Wix compares names."""
    row = ctx.conn.execute(
        "SELECT doc FROM customizations WHERE site_id = ? AND name_key = ? AND type = ?",
        (ctx.site_id, name_key(name), OPTION),
    ).fetchone()
    return None if row is None else json.loads(row["doc"])


def save(ctx: Ctx, doc: JsonDict, *, insert: bool) -> None:
    if insert:
        ctx.conn.execute(
            "INSERT INTO customizations (site_id, id, name_key, type, created, doc)"
            " VALUES (?,?,?,?,?,?)",
            (
                ctx.site_id,
                doc["id"],
                name_key(doc["name"]),
                doc["customizationType"],
                doc["createdDate"],
                dumps(doc),
            ),
        )
        return
    ctx.conn.execute(
        "UPDATE customizations SET name_key = ?, doc = ? WHERE site_id = ? AND id = ?",
        (name_key(doc["name"]), dumps(doc), ctx.site_id, doc["id"]),
    )


def choices_of(doc: JsonDict) -> list[JsonDict]:
    return list((doc.get("choicesSettings") or {}).get("choices") or [])


def touch(ctx: Ctx, doc: JsonDict) -> None:
    doc["revision"] = bump(doc["revision"])
    doc["updatedDate"] = ctx.now_iso


# --- rules -----------------------------------------------------------------------------


def check_name_free(ctx: Ctx, name: str, own_id: str | None) -> None:
    other = option_named(ctx, name)
    if other is not None and other["id"] != own_id:
        # unconfirmed in the Wix docs: no error is declared for a second option of a name.
        raise app_error(
            409,
            "CUSTOMIZATION_NAME_ALREADY_EXISTS",
            f"An option named '{other['name']}' already exists ({other['id']})",
        )


def new_choice(ctx: Ctx, raw: Any, at: str, render: str) -> JsonDict:
    """A choice as sent to Create / Add / Set, checked against the render type."""
    if not isinstance(raw, dict):
        raise invalid(at, "must be an object", violated_rule="TYPE")
    name = text_field(raw.get("name"), f"{at}.name")
    ctype = raw.get("choiceType") or CHOICE_TYPES.get(render)
    if ctype != CHOICE_TYPES.get(render):
        raise invalid(
            f"{at}.choiceType",
            f"{ctype} does not fit a customization rendered as {render}",
            rule_name="INVALID_CHOICE_TYPE",
        )
    doc: JsonDict = {"id": ctx.ids.new(), "choiceType": ctype, "key": name_key(name), "name": name}
    if ctype == "ONE_COLOR":
        color = raw.get("colorCode")
        if not isinstance(color, str) or not 3 <= len(color) <= 20:
            raise invalid(
                f"{at}.colorCode",
                "a ONE_COLOR choice needs a colour code (3 to 20 characters)",
                rule_name="INVALID_CHOICE_VALUE",
            )
        doc["colorCode"] = color
    return doc


def check_choices(choices: list[JsonDict], at: str) -> None:
    seen: set[str] = set()
    for i, choice in enumerate(choices):
        key = name_key(choice["name"])
        if key in seen:
            raise invalid(
                f"{at}[{i}].name",
                f"choice '{choice['name']}' appears more than once (names are compared "
                "without regard to case)",
                rule_name="DUPLICATE_CHOICE_NAME",
            )
        seen.add(key)
    if len(choices) > MAX_CHOICES:
        raise app_error(
            428,
            "CHOICES_LIMIT_EXCEEDED",
            f"A customization can have at most {MAX_CHOICES} choices; it would have {len(choices)}",
        )


def create(ctx: Ctx, raw: Any, at: str) -> JsonDict:
    """A new customization from a Create request (not yet saved)."""
    if not isinstance(raw, dict):
        raise invalid(at, "must be an object", violated_rule="TYPE")
    if raw.get("id"):
        raise invalid(f"{at}.id", "must not be set", rule_name="ID_NOT_ALLOWED_IN_REQUEST")
    name = text_field(raw.get("name"), f"{at}.name")
    ctype = raw.get("customizationType")
    if ctype not in (OPTION, MODIFIER):
        raise invalid(f"{at}.customizationType", f"must be {OPTION} or {MODIFIER}")
    render = raw.get("customizationRenderType")
    doc: JsonDict = {
        "id": ctx.ids.new(),
        "revision": "1",
        "createdDate": ctx.now_iso,
        "updatedDate": ctx.now_iso,
        "key": name_key(name),
        "name": name,
        "customizationType": ctype,
        "customizationRenderType": render,
    }
    if render == "FREE_TEXT":
        if ctype == OPTION:
            raise app_error(
                428,
                "INVALID_CUSTOMIZATION_RENDER_TYPE",
                "A product option cannot be FREE_TEXT (it makes no variants)",
            )
        doc["freeTextInput"] = dict(raw.get("freeTextInput") or {})
        return doc
    if render not in RENDER_TYPES:
        raise invalid(
            f"{at}.customizationRenderType", "must be FREE_TEXT, TEXT_CHOICES or SWATCH_CHOICES"
        )
    raw_choices = (raw.get("choicesSettings") or {}).get("choices")
    if not isinstance(raw_choices, list) or not raw_choices:
        raise invalid(
            f"{at}.choicesSettings.choices",
            "must contain at least 1 element",
            violated_rule="REQUIRED_FIELD",
        )
    choices = [
        new_choice(ctx, c, f"{at}.choicesSettings.choices[{i}]", render)
        for i, c in enumerate(raw_choices)
    ]
    check_choices(choices, f"{at}.choicesSettings.choices")
    if ctype == OPTION:
        check_name_free(ctx, name, None)
    doc["choicesSettings"] = {"choices": choices}
    return doc


# --- who uses a customization ----------------------------------------------------------


def users(ctx: Ctx, customization_id: str) -> list[JsonDict]:
    """Every product whose options include this customization (documents, for writing)."""
    out = []
    for row in ctx.conn.execute(
        "SELECT id FROM products WHERE site_id = ? AND instr(doc, ?) > 0 ORDER BY seq",
        (ctx.site_id, f'"{customization_id}"'),
    ).fetchall():
        product = load_product(ctx, row["id"])
        if product is not None and any(
            o.get("id") == customization_id for o in product.get("options") or []
        ):
            out.append(product)
    return out


def assigned_choice_ids(products: Iterable[JsonDict], customization_id: str) -> set[str]:
    return {
        c["choiceId"]
        for product in products
        for option in product.get("options") or []
        if option.get("id") == customization_id
        for c in (option.get("choicesSettings") or {}).get("choices") or []
    }


def product_choice(choice: JsonDict, product_side: JsonDict | None = None) -> JsonDict:
    """A customization choice as a product shows it (``choiceId``), with the product's media."""
    out: JsonDict = {
        "choiceId": choice["id"],
        "choiceType": choice["choiceType"],
        "key": choice["key"],
        "name": choice["name"],
    }
    if "colorCode" in choice:
        out["colorCode"] = choice["colorCode"]
    for extra in ("linkedMedia", "media", "displayImage"):
        if product_side and extra in product_side:
            out[extra] = product_side[extra]
    return out


def product_option(customization: JsonDict, choices: list[JsonDict]) -> JsonDict:
    """A product's copy of a customization, with the product's own choices."""
    return {
        "id": customization["id"],
        "name": customization["name"],
        "optionRenderType": customization["customizationRenderType"],
        "key": customization["key"],
        "choicesSettings": {"choices": choices},
    }


def propagate(ctx: Ctx, customization: JsonDict, products: list[JsonDict]) -> None:
    """Write a changed customization into every product that uses it (module notes)."""
    by_id = {c["id"]: c for c in choices_of(customization)}
    for product in products:
        options = []
        for option in product.get("options") or []:
            if option.get("id") != customization["id"]:
                options.append(option)
                continue
            mine = (option.get("choicesSettings") or {}).get("choices") or []
            options.append(
                product_option(
                    customization,
                    [
                        product_choice(by_id[c["choiceId"]], c)
                        for c in mine
                        if c["choiceId"] in by_id
                    ],
                )
            )
        if options == product.get("options"):
            continue
        doc = {**product, "options": options}
        doc["revision"] = bump(product["revision"])
        doc["updatedDate"] = ctx.now_iso
        seq = save_product(ctx, doc, insert=False)
        refresh_snapshots(ctx, doc)
        project(ctx, doc["id"], seq, doc)


def with_count(ctx: Ctx, doc: JsonDict, fields: Iterable[str]) -> JsonDict:
    """The customization as returned, with ``assignedProductsCount`` when asked for."""
    out = dict(doc)
    if "ASSIGNED_PRODUCTS_COUNT" in set(fields):
        out["assignedProductsCount"] = len(users(ctx, doc["id"]))
    return out
