"""Renames written without ``moved:``, and the stock a deletion takes with it.

Renaming a choice in the YAML ("Forest Green" to "Pine") without a ``moved:``
entry is, to the planner, one choice gone and another new: the live variants
of the old choice are deleted (under ``prune: {variants: true}``; kept and
unresolved otherwise) with their stock, and new variants are created from the
YAML's numbers. That is also what replacing a colour means, so it is not
refused; but a reviewer must see it. So:

* a deleted variant or product says what stock goes with it (``before``
  gains ``stock_items`` and ``units``, the renderers warn on the line:
  "deletes its stock too");
* an option that loses choices live variants use and gains new ones gets a
  ``POSSIBLE_RENAME`` note with the exact ``moved:`` entry that would rename
  the choice in place instead (keeping the variants' ids and stock). So does
  a product whose only option changes name with the same choices.

Options are the store's, shared by every product that uses them (Wix
customizations), so the entry is store-wide and the note names the other
products a rename would reach.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from inventory_as_code.live.model import LiveProduct, LiveStore
from inventory_as_code.model import DesiredState, Product, name_identity
from inventory_as_code.plan.addresses import product_address
from inventory_as_code.plan.model import Action, Change, Kind, Note

# A YAML flow scalar that needs no quotes (anything else is written as a JSON string).
_PLAIN = re.compile(r"\w[\w ./-]*")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "~"}


def with_stock_held(changes: Sequence[Change], live: LiveStore) -> list[Change]:
    """Deletions of variants and products, with the stock items and units they take along."""
    if not any(_owner(c) for c in changes):
        return list(changes)
    items: dict[str, int] = defaultdict(int)
    units: dict[str, int] = defaultdict(int)
    for (product_id, variant_id, _), item in live.inventory.items():
        for owner in (product_id, variant_id):
            items[owner] += 1
            units[owner] += (item.quantity or 0) if item.tracking == "quantity" else 0
    out = []
    for change in changes:
        deleted = _owner(change)
        if deleted is not None and items.get(deleted):
            held = {"stock_items": items[deleted], "units": units[deleted]}
            change = replace(change, before={**(change.before or {}), **held})
        out.append(change)
    return out


def _owner(change: Change) -> str | None:
    if change.action is not Action.DELETE:
        return None
    if change.kind is Kind.VARIANT:
        return change.keys.get("variant_id")
    if change.kind is Kind.PRODUCT:
        return change.keys.get("product_id")
    return None


def rename_hints(desired: DesiredState, live: LiveStore, changes: Iterable[Change]) -> list[Note]:
    """``POSSIBLE_RENAME`` notes for the products whose variants the plan replaces."""
    touched = {
        c.keys.get("slug")
        for c in changes
        if c.kind is Kind.VARIANT and c.action in (Action.CREATE, Action.DELETE)
    }
    notes = []
    for slug in sorted(s for s in touched if isinstance(s, str)):
        product, live_product = desired.products.get(slug), live.products.get(slug)
        if product is None or live_product is None:
            continue
        if [o.name for o in product.options] == [o.name for o in live_product.options]:
            notes += _choice_hints(product, live_product, live, desired.prune.variants)
        else:
            notes += _option_hint(product, live_product, live)
    return notes


def _choice_hints(
    product: Product, live_product: LiveProduct, live: LiveStore, pruned: bool
) -> list[Note]:
    notes = []
    for index, option in enumerate(product.options):
        live_option = live_product.options[index]
        used = {v.key[index] for v in live_product.variants if len(v.key) > index}
        wanted = {name_identity(c) for c in option.choices}
        gone = [c for c in live_option.choices if c in used and name_identity(c) not in wanted]
        new = [c for c in option.choices if c not in live_option.choices]
        if not gone or not new:
            continue
        variants = [v for v in live_product.variants if len(v.key) > index and v.key[index] in gone]
        ids = {v.id for v in variants}
        held = [i for (p, v, _), i in live.inventory.items() if v in ids and p == live_product.id]
        units = sum(i.quantity or 0 for i in held if i.tracking == "quantity")
        entries = ", ".join(
            f"{{choice: {{option: {_flow(option.name)}, from: {_flow(old)}, to: {_flow(to)}}}}}"
            for old, to in zip(gone, new, strict=False)
        )
        lost = f"{len(variants)} variant(s)" + (
            f" and their stock ({len(held)} item(s), {units} unit(s))" if held else ""
        )
        fate = (
            "as planned, they are deleted with their stock and new variants are created"
            if pruned
            else "as planned, they stay beside the new variants (unresolved: prune: "
            "{variants: true} is not set)"
        )
        if len(gone) == len(new) == 1:
            pairs = f"{_listed(new)} is {_listed(gone)} renamed"
        else:
            pairs = "these are renames (paired here in the order written: check each pair)"
        notes.append(
            Note(
                "POSSIBLE_RENAME",
                f"{product_address(product.slug)}: option {option.name} drops "
                f"{_listed(gone)} and gains {_listed(new)}. If {pairs}, add moved: "
                f"[{entries}] to rename in place, keeping the {lost}; {fate}."
                + _reach(live, product.slug, option.name, gone),
                product_address(product.slug),
            )
        )
    return notes


def _option_hint(product: Product, live_product: LiveProduct, live: LiveStore) -> list[Note]:
    """One option renamed, its choices the same: ``moved: [{option: ...}]``."""
    yaml_names = [o.name for o in product.options]
    live_names = [o.name for o in live_product.options]
    if len(yaml_names) != len(live_names):
        return []
    pairs = [(old, new) for old, new in zip(live_names, yaml_names, strict=True) if old != new]
    if len(pairs) != 1:
        return []
    old, new = pairs[0]
    live_choices = {o.name: set(o.choices) for o in live_product.options}[old]
    if {c for o in product.options if o.name == new for c in o.choices} != live_choices:
        return []
    entry = f"{{option: {{from: {_flow(old)}, to: {_flow(new)}}}}}"
    return [
        Note(
            "POSSIBLE_RENAME",
            f"{product_address(product.slug)}: option {old} becomes {new} with the same "
            f"choices. If it is renamed, add moved: [{entry}] to rename it in place, keeping "
            f"the {len(live_product.variants)} variant(s) and their stock; as planned, every "
            "variant is replaced (VARIANTS_REPLACED)." + _reach(live, product.slug, old),
            product_address(product.slug),
        )
    ]


def _reach(live: LiveStore, slug: str, option: str, choices: Sequence[str] = ()) -> str:
    """The other live products a store-wide rename of ``option`` (or of its ``choices``)
    would reach, as a sentence (empty when there are none)."""
    key = name_identity(option)
    wanted = {name_identity(c) for c in choices}
    others = sorted(
        other.slug
        for other in live.products.values()
        if other.slug != slug
        for o in other.options
        if name_identity(o.name) == key
        and (not wanted or wanted & {name_identity(c) for c in o.choices})
    )
    if not others:
        return ""
    shown = ", ".join(product_address(s) for s in others[:5])
    more = f" and {len(others) - 5} more" if len(others) > 5 else ""
    return (
        f" The option is the store's: the entry renames it in every product that uses it, "
        f"here also {shown}{more}."
    )


def _listed(choices: Sequence[str]) -> str:
    return ", ".join(json.dumps(c, ensure_ascii=False) for c in choices)


def _flow(text: str) -> str:
    """``text`` as a YAML flow scalar: plain when safe, else double-quoted."""
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)
