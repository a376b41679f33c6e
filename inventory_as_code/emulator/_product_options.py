"""Product options and choices: resolution against reusable customizations.

Options are stored by Wix as reusable "customization" entities: an option sent
inline (name + type, no id) creates a new one; an option sent with an ``id``
reuses the product's option or a customization of the site (404
``CUSTOMIZATION_NOT_EXIST`` otherwise). Choices sent inline whose name matches
an existing choice of that option keep its ``choiceId``; choices sent by
``choiceId`` must exist (404 ``CHOICE_NOT_EXIST``). Variants reference choices
by ``optionChoiceIds`` or by ``optionChoiceNames`` (whose ``renderType`` must
equal the option's).
"""

from __future__ import annotations

import json
from typing import Any

from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._errors import app_error, invalid, required
from inventory_as_code.emulator._util import JsonDict, as_dict, as_list, dumps

RENDER_TYPES = ("TEXT_CHOICES", "SWATCH_CHOICES")
MAX_OPTIONS, MAX_CHOICES = 6, 1000


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
            "key": name,
            "choicesSettings": {"choices": _choices(ctx, entry, at, base)},
        }
        if any(o["name"].lower() == name.lower() or o["id"] == option["id"] for o in out):
            raise app_error(
                400, "DUPLICATE_PRODUCT_OPTIONS", f"Option '{name}' appears more than once"
            )
        out.append(option)
    return out


def _choices(ctx: Ctx, entry: JsonDict, at: str, base: JsonDict | None) -> list[JsonDict]:
    raw = as_list(
        as_dict(entry.get("choicesSettings"), f"{at}.choicesSettings").get("choices"),
        f"{at}.choicesSettings.choices",
    )
    if not raw and base is not None and "choicesSettings" not in entry:
        raw = [{"choiceId": c["choiceId"]} for c in base["choicesSettings"]["choices"]]
    if not 1 <= len(raw) <= MAX_CHOICES:
        raise invalid(
            f"{at}.choicesSettings.choices",
            f"must contain 1 to {MAX_CHOICES} elements",
            violated_rule="MIN_SIZE",
        )
    base_choices = (base or {}).get("choicesSettings", {}).get("choices", [])
    by_id = {c["choiceId"]: c for c in base_choices}
    by_name = {str(c.get("name", "")).lower(): c for c in base_choices}
    out: list[JsonDict] = []
    for j, choice in enumerate(raw):
        cat = f"{at}.choicesSettings.choices[{j}]"
        choice = as_dict(choice, cat)
        if choice.get("choiceId"):
            found = by_id.get(choice["choiceId"])
            if found is None:
                raise app_error(
                    404, "CHOICE_NOT_EXIST", f"Choice {choice['choiceId']} does not exist"
                )
            doc = {k: v for k, v in found.items() if k not in ("inStock", "visible")}
        else:
            name, ctype = _text(choice.get("name"), f"{cat}.name", 50), choice.get("choiceType")
            if not name or not ctype:
                raise app_error(
                    400,
                    "PRODUCT_OPTION_CHOICE_NAME_AND_TYPE_REQUIRED",
                    f"{cat}: name and choiceType are required",
                )
            reuse = by_name.get(name.lower())
            doc = {
                "choiceId": reuse["choiceId"] if reuse else ctx.ids.new(),
                "choiceType": ctype,
                "key": name,
                "name": name,
            }
            for extra in ("colorCode", "linkedMedia", "media", "displayImage"):
                if extra in choice:
                    doc[extra] = choice[extra]
        if any(c["name"].lower() == str(doc.get("name", "")).lower() for c in out):
            # unconfirmed in the Wix docs: the code for a repeated choice name.
            raise invalid(
                cat,
                f"choice '{doc.get('name')}' appears more than once",
                rule_name="DUPLICATE_CHOICE",
            )
        out.append(doc)
    return out


def resolve_choice(choice: Any, at: str, options: list[JsonDict]) -> tuple[str, str]:
    choice = as_dict(choice, at)
    ids, names = choice.get("optionChoiceIds"), choice.get("optionChoiceNames")
    misaligned = app_error(
        400, "VARIANTS_ARE_NOT_ALIGNED_WITH_PRODUCT", f"{at} does not match the product options"
    )
    if isinstance(ids, dict) and ids.get("optionId") and ids.get("choiceId"):
        for option in options:
            if option["id"] == ids["optionId"] and any(
                c["choiceId"] == ids["choiceId"] for c in option["choicesSettings"]["choices"]
            ):
                return option["id"], ids["choiceId"]
        raise misaligned
    if isinstance(names, dict) and names.get("optionName") and names.get("choiceName"):
        if not names.get("renderType"):
            raise required(f"{at}.optionChoiceNames.renderType")
        for option in options:
            if (
                option["name"] == names["optionName"]
                and option["optionRenderType"] == names["renderType"]
            ):
                for c in option["choicesSettings"]["choices"]:
                    if c.get("name") == names["choiceName"]:
                        return option["id"], c["choiceId"]
        raise misaligned
    raise invalid(
        at, "optionChoiceIds or optionChoiceNames is required", violated_rule="REQUIRED_FIELD"
    )
