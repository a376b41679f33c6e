"""Request bodies for store options (Wix customizations) and for the options of products.

Pure functions. An option's own changes go through the Customizations API
only: a new option is created whole; a live one is renamed by Update
Customization, and its choices are written by Set Customization Choices,
which replaces them all, so every choice the option has live is sent back
(by its ``id``: renamed or recoloured only where the plan says) and none is
ever dropped. Whether Wix matches a sent choice by its ``id`` is not
documented (the SDK marks it read-only); sent by id and under its name it is
the same choice either way, and a choice Wix took for a new one would leave
the old one unsent, which Wix refuses while a product uses it: a loud
failure, never a silent one.

A product only picks choices of its options: its ``options`` name each by
the customization's id, with the product's choices by ``choiceId``, under
the names, render type and colours the customization has now (after this
run's option writes). Nothing in a product body disagrees with its option,
so what Wix does with a product body that would rename or recolour a shared
option (undocumented) never matters.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from inventory_as_code.live.model import LiveOption
from inventory_as_code.model import name_identity
from inventory_as_code.plan.model import Change
from inventory_as_code.plan.option_edits import OptionEdit

TEXT, SWATCH = "TEXT_CHOICES", "SWATCH_CHOICES"
Customization = Mapping[str, Any]


def _choice(name: str, swatch: bool, color: Any) -> dict[str, Any]:
    if swatch:
        return {"choiceType": "ONE_COLOR", "name": name, "colorCode": color}
    return {"choiceType": "CHOICE_TEXT", "name": name}


def option_create_body(change: Change) -> dict[str, Any]:
    """A Customization (PRODUCT_OPTION) for Create / Bulk Create."""
    after = dict(change.after or {})
    swatch = after.get("render_type") == "swatches"
    colors = after.get("swatches") or {}
    return {
        "name": after["name"],
        "customizationType": "PRODUCT_OPTION",
        "customizationRenderType": SWATCH if swatch else TEXT,
        "choicesSettings": {
            "choices": [_choice(c, swatch, colors.get(c)) for c in after.get("choices") or ()]
        },
    }


def choices_of(customization: Customization) -> list[Mapping[str, Any]]:
    return list((customization.get("choicesSettings") or {}).get("choices") or [])


def added_choices(change: Change, customization: Customization) -> list[dict[str, Any]]:
    swatch = customization.get("customizationRenderType") == SWATCH
    colors = (change.after or {}).get("swatches") or {}
    return [_choice(c, swatch, colors.get(c)) for c in change.keys.get("added") or ()]


def set_choices_body(change: Change, customization: Customization) -> list[dict[str, Any]]:
    """Every live choice, by id, with the plan's renames and colours; then the new ones."""
    edit = OptionEdit.from_dict(str(customization.get("id")), change.keys.get("edits"))
    out = []
    for choice in choices_of(customization):
        sent = {
            k: copy.deepcopy(v)
            for k, v in choice.items()
            if k in ("id", "choiceType", "name", "colorCode", "defaultAddedPrice")
        }
        choice_id = str(choice.get("id"))
        if choice_id in edit.choice_names:
            sent["name"] = edit.choice_names[choice_id]
        if choice_id in edit.choice_colors:
            sent["colorCode"] = edit.choice_colors[choice_id]
        out.append(sent)
    return out + added_choices(change, customization)


# --- a product's options -------------------------------------------------------------------


class UnknownOption(KeyError):
    """A product names an option (or a choice) the site does not have (its create failed)."""


def _as_customization(option: LiveOption) -> dict[str, Any]:
    """A product's copy of an option, read just now, in the shape of its customization."""
    raw_choices = (option.raw.get("choicesSettings") or {}).get("choices") or []
    by_id = {str(c.get("choiceId")): c for c in raw_choices}
    choices = []
    for name, choice_id, ctype, color in zip(
        option.choices, option.choice_ids, option.choice_types, option.choice_colors, strict=False
    ):
        choice: dict[str, Any] = {"id": choice_id, "name": name, "choiceType": ctype}
        raw_color = by_id.get(choice_id, {}).get("colorCode")
        if raw_color or color:
            choice["colorCode"] = raw_color or color
        choices.append(choice)
    return {
        "id": option.id,
        "name": option.name,
        "customizationRenderType": option.render_type,
        "choicesSettings": {"choices": choices},
    }


def needs_site(wanted: Mapping[str, Sequence[str]], live: Sequence[LiveOption]) -> set[str]:
    """Options whose ids a product body cannot take from the product as read: new to it,
    or with a choice it does not have yet."""
    own = {name_identity(o.name): {name_identity(c) for c in o.choices} for o in live}
    return {
        name
        for name, picks in wanted.items()
        if name_identity(name) not in own
        or any(name_identity(p) not in own[name_identity(name)] for p in picks)
    }


def known_options(
    wanted: Mapping[str, Sequence[str]],
    site: Mapping[str, Customization],
    live: Sequence[LiveOption] = (),
) -> dict[str, Customization]:
    """The options a product body names, by name identity: from the product as read
    (read after this run's option writes, so current) where it has them, else the site's."""
    out: dict[str, Customization] = {}
    missing = needs_site(wanted, live)
    for option in live:
        if option.name in wanted and option.name not in missing:
            out[name_identity(option.name)] = _as_customization(option)
    for name in wanted:
        if name_identity(name) not in out and name_identity(name) in site:
            out[name_identity(name)] = site[name_identity(name)]
    return out


def find(options: Mapping[str, Customization], name: str) -> Customization:
    found = options.get(name_identity(name))
    if found is None:
        raise UnknownOption(name)
    return found


def product_options(
    wanted: Mapping[str, Sequence[str]],
    options: Mapping[str, Customization],
    live_raw: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """A product's ``options``: each customization by id with the product's choices by id.

    ``live_raw``: the product's options as read, by option id: the product's own
    fields of a choice it keeps (linked media) are sent back with it.
    """
    out = []
    for name, picks in wanted.items():
        custom = find(options, name)
        by_name = {name_identity(str(c.get("name"))): c for c in choices_of(custom)}
        kept = {
            str(c.get("choiceId")): c
            for c in ((live_raw or {}).get(str(custom["id"])) or {})
            .get("choicesSettings", {})
            .get("choices", [])
        }
        choices = []
        for pick in picks:
            choice = by_name.get(name_identity(pick))
            if choice is None:
                raise UnknownOption(f"{name}: {pick}")
            body: dict[str, Any] = {
                "choiceId": choice["id"],
                "choiceType": choice.get("choiceType"),
                "name": choice.get("name"),
            }
            if choice.get("colorCode"):
                body["colorCode"] = choice["colorCode"]
            for extra in ("linkedMedia", "media"):
                own = kept.get(str(choice["id"]), {})
                if extra in own:
                    body[extra] = copy.deepcopy(own[extra])
            choices.append(body)
        out.append(
            {
                "id": custom["id"],
                "name": custom.get("name"),
                "optionRenderType": custom.get("customizationRenderType"),
                "choicesSettings": {"choices": choices},
            }
        )
    return out


def choice_refs(
    names: Sequence[str], key: Sequence[str], options: Mapping[str, Customization]
) -> list[dict[str, Any]]:
    """A variant's choices, by ids and by the option's current names (both say the same)."""
    refs = []
    for name, pick in zip(names, key, strict=True):
        custom = find(options, name)
        choice = next(
            (
                c
                for c in choices_of(custom)
                if name_identity(str(c.get("name"))) == name_identity(pick)
            ),
            None,
        )
        if choice is None:
            raise UnknownOption(f"{name}: {pick}")
        refs.append(
            {
                "optionChoiceIds": {"optionId": custom["id"], "choiceId": choice["id"]},
                "optionChoiceNames": {
                    "optionName": custom.get("name"),
                    "choiceName": choice.get("name"),
                    "renderType": custom.get("customizationRenderType"),
                },
            }
        )
    return refs
