"""What a change of a shared option does to the products that use it. Pure functions.

A rename of an option or of a choice, or a new colour for a choice, is made
on the option (a Wix customization) and shows in every product that uses it.
The planner applies the plan's option changes to the live products before it
compares products (so no product change repeats them), and apply's check
applies them to what it read before writing (so the product it reads back is
compared with what the option change made of it). Both use
:func:`edited_product` on the edits an option change records in its keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from inventory_as_code.live.model import LiveOption, LiveProduct
from inventory_as_code.plan.model import Action, Change, Kind


@dataclass(frozen=True, slots=True)
class OptionEdit:
    """The renames and recolours of one option, by the ids of the live option and choices."""

    option_id: str
    name: str | None = None  # the new name; None: unchanged
    choice_names: Mapping[str, str] = field(default_factory=dict)  # choice id -> new name
    choice_colors: Mapping[str, str] = field(default_factory=dict)  # choice id -> new colour

    def __bool__(self) -> bool:
        return bool(self.name or self.choice_names or self.choice_colors)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.name:
            out["name"] = self.name
        if self.choice_names:
            out["choices"] = dict(self.choice_names)
        if self.choice_colors:
            out["colors"] = dict(self.choice_colors)
        return out

    @classmethod
    def from_dict(cls, option_id: str, data: Mapping[str, Any] | None) -> OptionEdit:
        data = data or {}
        return cls(
            option_id,
            data.get("name"),
            dict(data.get("choices") or {}),
            dict(data.get("colors") or {}),
        )


def edits_of(changes: Iterable[Change]) -> dict[str, OptionEdit]:
    """The edits of the plan's option updates, by option id."""
    out = {}
    for change in changes:
        if change.kind is Kind.OPTION and change.action is Action.UPDATE:
            option_id = str(change.keys.get("option_id", ""))
            edit = OptionEdit.from_dict(option_id, change.keys.get("edits"))
            if option_id and edit:
                out[option_id] = edit
    return out


def _edited_option(option: LiveOption, edit: OptionEdit) -> LiveOption:
    names = tuple(
        edit.choice_names.get(choice_id, name)
        for name, choice_id in zip(option.choices, option.choice_ids, strict=False)
    )
    colors = tuple(
        edit.choice_colors.get(choice_id, color)
        for color, choice_id in zip(option.choice_colors, option.choice_ids, strict=False)
    )
    return replace(option, name=edit.name or option.name, choices=names, choice_colors=colors)


def edited_product(product: LiveProduct, edits: Mapping[str, OptionEdit]) -> LiveProduct:
    """``product`` as it is once the option changes are made: names, colours, variant keys."""
    if not edits or not any(o.id in edits for o in product.options):
        return product
    options = tuple(
        _edited_option(o, edits[o.id]) if o.id is not None and o.id in edits else o
        for o in product.options
    )
    renamed = [
        dict(zip(old.choices, new.choices, strict=False))
        for old, new in zip(product.options, options, strict=True)
    ]
    variants = tuple(
        sorted(
            (
                replace(v, key=tuple(renamed[i].get(c, c) for i, c in enumerate(v.key)))
                for v in product.variants
            ),
            key=lambda v: v.key,
        )
    )
    return replace(product, options=options, variants=variants)
