"""Product options: a product's assignment of the site's shared customizations.

An option is a site-level customization (:mod:`._customizations`); a product
lists the ones it uses, each with only the choices the product uses. How a
create or update resolves its ``options``:

* an option sent with ``id`` is that customization (404
  ``CUSTOMIZATION_NOT_EXIST`` otherwise);
* an option sent inline (``name`` + ``optionRenderType``, no id) is the
  customization of that name, compared without regard to case ("if an option
  with option.name already exists, it will assign the existing option to the
  product", Customizations API Sample Flows), or a new one. A render type
  that differs from the existing option's is refused (400
  ``INVALID_CUSTOMIZATION_RENDER_TYPE``; unconfirmed in the Wix docs);
* a choice sent with ``choiceId`` must be a choice of that customization (404
  ``CHOICE_NOT_EXIST``); one sent inline (``name`` + ``choiceType``) is the
  customization's choice of that name (case aside), or a new choice added to
  the customization (documented for update: "choices can be added to
  existing customizations", ``ADD_CUSTOMIZATION_CHOICES_FAILED``
  otherwise; here at most 428 ``CHOICES_LIMIT_EXCEEDED``).

A product write never changes what the customization already holds: a name,
choice name or colour sent for an existing option or choice that differs
from the customization's is ignored, and the product shows the
customization's (unconfirmed in the Wix docs, which do not say what Update
Product does with a renamed or recoloured choice of a shared option; a
client that relied on it would find its change not made). Options and
choices change through the Customizations API.

Variants reference choices by ``optionChoiceIds`` or by ``optionChoiceNames``
(whose ``renderType`` must equal the option's: Corrections 4, else 428
``MISSING_VARIANT_OPTION_CHOICE``). A choice type that does not fit the
render type (``CHOICE_TEXT`` in a ``SWATCH_CHOICES`` option, ``ONE_COLOR`` in
a ``TEXT_CHOICES`` one) and a new ``ONE_COLOR`` choice without ``colorCode``
are refused (400). Keys are read-only and never taken from the request.
"""

from __future__ import annotations

from typing import Any

from inventory_as_code.emulator import _customizations as cz
from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._errors import app_error, invalid
from inventory_as_code.emulator._util import JsonDict, as_dict, as_list

RENDER_TYPES = cz.RENDER_TYPES
CHOICE_TYPES = cz.CHOICE_TYPES
MAX_OPTIONS = 6
MAX_CHOICES = cz.MAX_CHOICES


def _text(value: Any, at: str, max_len: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid(at, "must be a non-empty string", violated_rule="TYPE")
    if len(value) > max_len:
        raise invalid(at, f"must be at most {max_len} characters", violated_rule="MAX_LENGTH")
    return value


class _Pending:
    """Customizations this write creates or adds choices to: saved once it is valid."""

    def __init__(self) -> None:
        self.docs: dict[str, JsonDict] = {}
        self.new: set[str] = set()

    def get(self, ctx: Ctx, custom_id: str | None, name: str | None) -> JsonDict | None:
        for doc in self.docs.values():
            if (custom_id and doc["id"] == custom_id) or (
                name
                and doc["customizationType"] == cz.OPTION
                and cz.name_key(doc["name"]) == cz.name_key(name)
            ):
                return doc
        found = cz.load(ctx, custom_id) if custom_id else cz.option_named(ctx, name or "")
        if found is not None:
            self.docs[found["id"]] = found
        return found

    def save(self, ctx: Ctx, changed: set[str]) -> None:
        for custom_id in sorted(changed | self.new):
            doc = self.docs[custom_id]
            if custom_id not in self.new:
                cz.touch(ctx, doc)
            cz.save(ctx, doc, insert=custom_id in self.new)


def resolve_options(ctx: Ctx, raw: Any, where: str, current: list[JsonDict]) -> list[JsonDict]:
    """The product's options, as stored; new customizations and choices are saved."""
    entries = as_list(raw, where)
    if len(entries) > MAX_OPTIONS:
        raise invalid(
            where, f"must contain at most {MAX_OPTIONS} elements", violated_rule="MAX_SIZE"
        )
    mine = {o["id"]: o for o in current}
    pending = _Pending()
    changed: set[str] = set()
    out: list[JsonDict] = []
    for i, entry in enumerate(entries):
        at = f"{where}[{i}]"
        entry = as_dict(entry, at)
        custom = _customization(ctx, entry, at, pending)
        choices = _choices(ctx, entry, at, custom, mine.get(custom["id"]), changed)
        option = cz.product_option(custom, choices)
        if any(o["id"] == option["id"] for o in out):
            raise app_error(
                400,
                "DUPLICATE_PRODUCT_OPTIONS",
                f"Option '{option['name']}' appears more than once",
            )
        out.append(option)
    pending.save(ctx, changed)
    return out


def _customization(ctx: Ctx, entry: JsonDict, at: str, pending: _Pending) -> JsonDict:
    if entry.get("id"):
        found = pending.get(ctx, str(entry["id"]), None)
        if found is None or found.get("customizationType") != cz.OPTION:
            raise app_error(404, "CUSTOMIZATION_NOT_EXIST", f"Option {entry['id']} does not exist")
        return found
    name = _text(entry.get("name"), f"{at}.name", 50)
    render = entry.get("optionRenderType")
    if not name or render is None:
        raise app_error(
            400,
            "PRODUCT_OPTION_NAME_AND_TYPE_REQUIRED",
            f"{at}: name and optionRenderType are required",
        )
    if render not in RENDER_TYPES:
        raise invalid(f"{at}.optionRenderType", f"must be one of {', '.join(RENDER_TYPES)}")
    found = pending.get(ctx, None, name)
    if found is not None:
        if found["customizationRenderType"] != render:
            # unconfirmed in the Wix docs: what assigning an option of another render type does.
            raise app_error(
                400,
                "INVALID_CUSTOMIZATION_RENDER_TYPE",
                f"{at}: option '{found['name']}' exists with render type "
                f"{found['customizationRenderType']}, not {render}",
            )
        return found
    doc = {
        "id": ctx.ids.new(),
        "revision": "1",
        "createdDate": ctx.now_iso,
        "updatedDate": ctx.now_iso,
        "key": cz.name_key(name),
        "name": name,
        "customizationType": cz.OPTION,
        "customizationRenderType": render,
        "choicesSettings": {"choices": []},
    }
    pending.docs[doc["id"]] = doc
    pending.new.add(doc["id"])
    return doc


def _choices(
    ctx: Ctx,
    entry: JsonDict,
    at: str,
    custom: JsonDict,
    mine: JsonDict | None,
    changed: set[str],
) -> list[JsonDict]:
    """The product's choices of ``custom``; choices new to it are added to it."""
    raw = as_list(
        as_dict(entry.get("choicesSettings"), f"{at}.choicesSettings").get("choices"),
        f"{at}.choicesSettings.choices",
    )
    if not raw and mine is not None and "choicesSettings" not in entry:
        raw = [{"choiceId": c["choiceId"]} for c in mine["choicesSettings"]["choices"]]
    if not raw:
        raise invalid(
            f"{at}.choicesSettings.choices",
            "must contain at least 1 element",
            violated_rule="MIN_SIZE",
        )
    render = custom["customizationRenderType"]
    stored = cz.choices_of(custom)
    by_id = {c["id"]: c for c in stored}
    by_name = {cz.name_key(c["name"]): c for c in stored}
    product_side = {
        c["choiceId"]: c for c in (mine or {}).get("choicesSettings", {}).get("choices", [])
    }
    out: list[JsonDict] = []
    for j, choice in enumerate(raw):
        cat = f"{at}.choicesSettings.choices[{j}]"
        choice = as_dict(choice, cat)
        name = _text(choice.get("name"), f"{cat}.name", 50)
        ctype = choice.get("choiceType")
        if ctype is not None and ctype not in CHOICE_TYPES.values():
            raise invalid(f"{cat}.choiceType", f"must be one of {', '.join(CHOICE_TYPES.values())}")
        if ctype is not None and ctype != CHOICE_TYPES[render]:
            raise invalid(
                f"{cat}.choiceType",
                f"{ctype} choices do not fit an option rendered as {render}",
                rule_name="CHOICE_TYPE_NOT_ALIGNED_WITH_OPTION_RENDER_TYPE",
            )
        if choice.get("choiceId"):
            found = by_id.get(str(choice["choiceId"]))
            if found is None:
                raise app_error(
                    404, "CHOICE_NOT_EXIST", f"Choice {choice['choiceId']} does not exist"
                )
        else:
            if not name or not ctype:
                raise app_error(
                    400,
                    "PRODUCT_OPTION_CHOICE_NAME_AND_TYPE_REQUIRED",
                    f"{cat}: name and choiceType are required",
                )
            found = by_name.get(cz.name_key(name))
            if found is None:
                found = cz.new_choice(ctx, choice, cat, render)
                stored.append(found)
                by_id[found["id"]] = by_name[cz.name_key(name)] = found
                custom["choicesSettings"] = {"choices": stored}
                cz.check_choices(stored, f"{at}.choicesSettings.choices")
                changed.add(custom["id"])
        if any(c["choiceId"] == found["id"] for c in out):
            # unconfirmed in the Wix docs: the code for a repeated choice.
            raise invalid(
                cat,
                f"choice '{found['name']}' appears more than once",
                rule_name="DUPLICATE_CHOICE",
            )
        side = {
            **product_side.get(found["id"], {}),
            **{k: v for k, v in choice.items() if k in ("linkedMedia", "media", "displayImage")},
        }
        out.append(cz.product_choice(found, side))
    if len(out) > MAX_CHOICES:
        raise app_error(
            428,
            "CHOICES_LIMIT_EXCEEDED",
            f"{at}: an option can have at most {MAX_CHOICES} choices; {len(out)} were sent",
        )
    return out


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
            # Names as Wix compares them (the option's and choices' keys): without case.
            if cz.name_key(option["name"]) != cz.name_key(str(names["optionName"])):
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
                if cz.name_key(str(c.get("name"))) == cz.name_key(str(names["choiceName"])):
                    return option["id"], c["choiceId"]
        raise misaligned
    raise invalid(
        at, "optionChoiceIds or optionChoiceNames is required", violated_rule="REQUIRED_FIELD"
    )
