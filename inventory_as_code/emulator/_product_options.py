"""Product options and choices: resolution against reusable customizations.

Options are stored by Wix as reusable "customization" entities: an option sent
inline (name + type, no id) creates a new one; an option sent with an ``id``
reuses the product's option or a customization of the site (404
``CUSTOMIZATION_NOT_EXIST`` otherwise). Choices sent inline whose name matches
an existing choice of that option keep its ``choiceId``; choices sent by
``choiceId`` must exist (404 ``CHOICE_NOT_EXIST``). Variants reference choices
by ``optionChoiceIds`` or by ``optionChoiceNames`` (whose ``renderType`` must
equal the option's: Corrections 4, else 428 ``MISSING_VARIANT_OPTION_CHOICE``).

Option and choice ``key``s are read-only, generated from the name (lower-cased;
the exact derivation is unconfirmed in the Wix docs) and never taken from the
request.

Choice types (SDK ``ChoiceType``: ``CHOICE_TEXT``, ``ONE_COLOR``): a choice
stores what was last sent for it - ``choiceType``, ``name`` and, for
``ONE_COLOR``, ``colorCode`` - also when it is named by ``choiceId`` (fields
not sent are then kept), so a client that resends a swatch with another
colour visibly changes it. A choice defined inline (``name`` +
``choiceType``, matched to a stored one by name) is a whole definition.
What the emulator refuses (400; unconfirmed in the Wix docs, which document
no error for it, but the declarations pair the two enums by name: "Text
choices" / "Text choice", "Swatch choices" / "Single color choice"):
``CHOICE_TEXT`` choices in a ``SWATCH_CHOICES`` option and ``ONE_COLOR``
choices in a ``TEXT_CHOICES`` option (so re-typing a swatch as text fails
loudly), and a ``ONE_COLOR`` choice without ``colorCode`` (the value of its
oneof). ``colorCode`` is kept only on ``ONE_COLOR`` choices.
"""

from __future__ import annotations

import json
from typing import Any

from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._errors import app_error, invalid
from inventory_as_code.emulator._util import JsonDict, as_dict, as_list, dumps

RENDER_TYPES = ("TEXT_CHOICES", "SWATCH_CHOICES")
CHOICE_TYPES = {"TEXT_CHOICES": "CHOICE_TEXT", "SWATCH_CHOICES": "ONE_COLOR"}
MAX_OPTIONS = 6
# The SDK type allows 1000 choices, live Wix refuses far fewer (Corrections 8:
# messages seen with 100 and 200); 100 is the safe maximum. The status is
# unconfirmed: 428, like the other option business rules (Corrections 3).
MAX_CHOICES = 100


def _text(value: Any, at: str, max_len: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid(at, "must be a non-empty string", violated_rule="TYPE")
    if len(value) > max_len:
        raise invalid(at, f"must be at most {max_len} characters", violated_rule="MAX_LENGTH")
    return value


def _customization(ctx: Ctx, option_id: str) -> JsonDict | None:
    row = ctx.conn.execute(
        "SELECT doc FROM customizations WHERE site_id = ? AND id = ?", (ctx.site_id, option_id)
    ).fetchone()
    if row is None:
        return None
    return json.loads(row["doc"])  # type: ignore[no-any-return]


def save_customization(ctx: Ctx, option: JsonDict) -> None:
    """Options are reusable customization entities; choices accumulate on them."""
    existing = _customization(ctx, option["id"])
    choices = {c["choiceId"]: c for c in (existing or {}).get("choices", [])}
    for choice in option["choicesSettings"]["choices"]:
        choices[choice["choiceId"]] = {
            k: v for k, v in choice.items() if k not in ("inStock", "visible")
        }
    doc = {
        "id": option["id"],
        "name": option["name"],
        "optionRenderType": option["optionRenderType"],
        "choices": list(choices.values()),
    }
    ctx.conn.execute(
        "INSERT INTO customizations (site_id, id, doc) VALUES (?,?,?)"
        " ON CONFLICT (site_id, id) DO UPDATE SET doc = excluded.doc",
        (ctx.site_id, option["id"], dumps(doc)),
    )


def resolve_options(ctx: Ctx, raw: Any, where: str, current: list[JsonDict]) -> list[JsonDict]:
    entries = as_list(raw, where)
    if len(entries) > MAX_OPTIONS:
        raise invalid(
            where, f"must contain at most {MAX_OPTIONS} elements", violated_rule="MAX_SIZE"
        )
    known = {o["id"]: o for o in current}
    out: list[JsonDict] = []
    for i, entry in enumerate(entries):
        at = f"{where}[{i}]"
        entry = as_dict(entry, at)
        base: JsonDict | None = None
        if entry.get("id"):
            base = known.get(entry["id"])
            if base is None:
                custom = _customization(ctx, str(entry["id"]))
                if custom is None:
                    raise app_error(
                        404, "CUSTOMIZATION_NOT_EXIST", f"Option {entry['id']} does not exist"
                    )
                base = {
                    "id": custom["id"],
                    "name": custom["name"],
                    "optionRenderType": custom["optionRenderType"],
                    "choicesSettings": {"choices": custom["choices"]},
                }
        name = _text(entry.get("name"), f"{at}.name", 50) or (base or {}).get("name")
        render = entry.get("optionRenderType") or (base or {}).get("optionRenderType")
        if not name or render is None:
            raise app_error(
                400,
                "PRODUCT_OPTION_NAME_AND_TYPE_REQUIRED",
                f"{at}: name and optionRenderType are required",
            )
        if render not in RENDER_TYPES:
            raise invalid(f"{at}.optionRenderType", f"must be one of {', '.join(RENDER_TYPES)}")
        option = {
            "id": (base or {}).get("id") or ctx.ids.new(),
            "name": name,
            "optionRenderType": render,
            "key": name.lower(),
            "choicesSettings": {"choices": _choices(ctx, entry, at, base, render)},
        }
        if any(o["name"].lower() == name.lower() or o["id"] == option["id"] for o in out):
            raise app_error(
                400, "DUPLICATE_PRODUCT_OPTIONS", f"Option '{name}' appears more than once"
            )
        out.append(option)
    return out


def _choices(
    ctx: Ctx, entry: JsonDict, at: str, base: JsonDict | None, render: str
) -> list[JsonDict]:
    raw = as_list(
        as_dict(entry.get("choicesSettings"), f"{at}.choicesSettings").get("choices"),
        f"{at}.choicesSettings.choices",
    )
    if not raw and base is not None and "choicesSettings" not in entry:
        raw = [{"choiceId": c["choiceId"]} for c in base["choicesSettings"]["choices"]]
    if not raw:
        raise invalid(
            f"{at}.choicesSettings.choices",
            "must contain at least 1 element",
            violated_rule="MIN_SIZE",
        )
    if len(raw) > MAX_CHOICES:
        raise app_error(
            428,
            "CHOICES_LIMIT_EXCEEDED",
            f"{at}: an option can have at most {MAX_CHOICES} choices; {len(raw)} were sent",
        )
    base_choices = (base or {}).get("choicesSettings", {}).get("choices", [])
    by_id = {c["choiceId"]: c for c in base_choices}
    by_name = {str(c.get("name", "")).lower(): c for c in base_choices}
    out: list[JsonDict] = []
    for j, choice in enumerate(raw):
        cat = f"{at}.choicesSettings.choices[{j}]"
        choice = as_dict(choice, cat)
        name = _text(choice.get("name"), f"{cat}.name", 50)
        if choice.get("choiceId"):
            found = by_id.get(choice["choiceId"])
            if found is None:
                raise app_error(
                    404, "CHOICE_NOT_EXIST", f"Choice {choice['choiceId']} does not exist"
                )
        else:
            if not name or not choice.get("choiceType"):
                raise app_error(
                    400,
                    "PRODUCT_OPTION_CHOICE_NAME_AND_TYPE_REQUIRED",
                    f"{cat}: name and choiceType are required",
                )
            found = by_name.get(name.lower())
        doc = _choice_doc(ctx, choice, found, cat, render)
        if any(c["name"].lower() == doc["name"].lower() for c in out):
            # unconfirmed in the Wix docs: the code for a repeated choice name.
            raise invalid(
                cat, f"choice '{doc['name']}' appears more than once", rule_name="DUPLICATE_CHOICE"
            )
        out.append(doc)
    return out


def _choice_doc(
    ctx: Ctx, choice: JsonDict, found: JsonDict | None, at: str, render: str
) -> JsonDict:
    """A stored choice: what was sent, over what was stored (see the module notes)."""
    stored = found or {}
    ctype = choice.get("choiceType") or stored.get("choiceType")
    if ctype not in CHOICE_TYPES.values():
        raise invalid(f"{at}.choiceType", f"must be one of {', '.join(CHOICE_TYPES.values())}")
    if ctype != CHOICE_TYPES[render]:
        raise invalid(
            f"{at}.choiceType",
            f"{ctype} choices do not fit an option rendered as {render}",
            rule_name="CHOICE_TYPE_NOT_ALIGNED_WITH_OPTION_RENDER_TYPE",
        )
    name = choice.get("name") or stored["name"]
    doc: JsonDict = {
        "choiceId": stored.get("choiceId") or ctx.ids.new(),
        "choiceType": ctype,
        "key": name.lower(),
        "name": name,
    }
    if ctype == "ONE_COLOR":
        # A choice named by id keeps its stored colour unless one is sent; a
        # choice defined inline (name + type) is a whole definition.
        inherited = stored.get("colorCode") if choice.get("choiceId") else None
        color = choice.get("colorCode") if "colorCode" in choice else inherited
        if not isinstance(color, str) or not 3 <= len(color) <= 20:
            raise invalid(
                f"{at}.colorCode",
                "is required for a ONE_COLOR choice (3 to 20 characters)",
                violated_rule="REQUIRED_FIELD",
            )
        doc["colorCode"] = color
    for extra in ("linkedMedia", "media", "displayImage"):
        if extra in choice:
            doc[extra] = choice[extra]
        elif extra in stored:
            doc[extra] = stored[extra]
    return doc


def resolve_choice(choice: Any, at: str, options: list[JsonDict]) -> tuple[str, str]:
    """The (option id, choice id) a variant's choice refers to; 428s as Wix (Corrections 3, 4)."""
    choice = as_dict(choice, at)
    ids, names = choice.get("optionChoiceIds"), choice.get("optionChoiceNames")
    misaligned = app_error(
        428, "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT", f"{at} does not match the product options"
    )
    if isinstance(ids, dict) and ids.get("optionId") and ids.get("choiceId"):
        for option in options:
            if option["id"] == ids["optionId"] and any(
                c["choiceId"] == ids["choiceId"] for c in option["choicesSettings"]["choices"]
            ):
                return option["id"], ids["choiceId"]
        raise misaligned
    if isinstance(names, dict) and names.get("optionName") and names.get("choiceName"):
        for option in options:
            if option["name"] != names["optionName"]:
                continue
            if names.get("renderType") != option["optionRenderType"]:
                raise app_error(
                    428,
                    "MISSING_VARIANT_OPTION_CHOICE",
                    f"{at}.optionChoiceNames.renderType must be {option['optionRenderType']}, "
                    f"the render type of option '{option['name']}'"
                    f" (got {names.get('renderType')!r})",
                )
            for c in option["choicesSettings"]["choices"]:
                if c.get("name") == names["choiceName"]:
                    return option["id"], c["choiceId"]
        raise misaligned
    raise invalid(
        at, "optionChoiceIds or optionChoiceNames is required", violated_rule="REQUIRED_FIELD"
    )
