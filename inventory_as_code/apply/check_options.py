"""Does a store option hold what the plan asked, and does every product that uses it show it?

Pure, like :mod:`.check`. An option is shared: after a rename or a new
colour, the option itself must hold the plan's names and colours, and every
product that uses it must show them too (Wix writes the change into each of
them; a product that still showed the old name is a difference the plan did
not make, or a side effect it did not expect).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inventory_as_code.apply.check import Mismatch
from inventory_as_code.live.model import LiveProduct
from inventory_as_code.live.normalize import color_code
from inventory_as_code.plan.model import Change


def _choices(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list((raw.get("choicesSettings") or {}).get("choices") or [])


def check_option(change: Change, raw: Mapping[str, Any]) -> list[Mismatch]:
    """The option as read back against the change's ``after``."""
    after = dict(change.after or {})
    out = []
    if raw.get("name") != after.get("name"):
        out.append(Mismatch(change.address, "name", after.get("name"), raw.get("name"), True))
    names = [str(c.get("name")) for c in _choices(raw)]
    if names != list(after.get("choices") or ()):
        out.append(Mismatch(change.address, "choices", after.get("choices"), names, True))
    wanted = after.get("swatches")
    if wanted:
        colors = {str(c.get("name")): color_code(c.get("colorCode")) for c in _choices(raw)}
        shown = {c: colors.get(c) for c in wanted}
        if shown != dict(wanted):
            out.append(Mismatch(change.address, "swatches", dict(wanted), shown, True))
    return out


def check_users(
    change: Change, raw: Mapping[str, Any], products: Mapping[str, LiveProduct]
) -> list[Mismatch]:
    """Every product using the option shows its name, and its choices' names and colours."""
    by_id = {str(c.get("id")): c for c in _choices(raw)}
    out = []
    for slug, product in sorted(products.items()):
        option = next((o for o in product.options if o.id == raw.get("id")), None)
        if option is None:
            continue  # the product no longer uses it (changed since): not this change's doing
        shown = {
            "name": option.name,
            "choices": list(zip(option.choices, option.choice_colors, strict=False)),
        }
        expected = {
            "name": raw.get("name"),
            "choices": [
                (
                    str(by_id.get(i, {}).get("name", name)),
                    color_code(by_id.get(i, {}).get("colorCode")) if i in by_id else color,
                )
                for name, i, color in zip(
                    option.choices, option.choice_ids, option.choice_colors, strict=False
                )
            ],
        }
        if shown != expected:
            out.append(
                Mismatch(change.address, f'product["{slug}"].options', expected, shown, True)
            )
    return out
