"""The two sides of the options plan: the YAML's options and the store's.

Both come whole from a load and a read; these cover states built without
them (tests and tools that build a ``DesiredState`` or ``LiveStore`` by hand):
the options the products show, merged by name as Wix compares names.
"""

from __future__ import annotations

from dataclasses import replace

from inventory_as_code.live.model import LiveCustomization, LiveStore
from inventory_as_code.model import DesiredState, FrozenMap, StoreOption, name_identity


def store_options(desired: DesiredState) -> dict[str, StoreOption]:
    """The YAML's options; for a state built without them, the products' options merged."""
    if desired.options or not any(p.options for p in desired.products.values()):
        return dict(desired.options)
    merged: dict[str, StoreOption] = {}
    names: dict[str, str] = {}
    for slug, product in desired.products.items():
        for option in product.options:
            name = names.setdefault(name_identity(option.name), option.name)
            base = merged.get(name) or StoreOption(name, ())
            keys = {name_identity(c) for c in base.choices}
            choices = base.choices + tuple(
                c for c in option.choices if name_identity(c) not in keys
            )
            colors = dict(base.swatches or {}) | dict(option.swatches or {})
            swatches = base.swatches is not None or option.swatches is not None
            merged[name] = StoreOption(
                name,
                choices,
                FrozenMap(colors) if swatches else None,
                users=(*base.users, slug),
                origins=base.origins or option.origins,
            )
    return merged


def from_products(live: LiveStore) -> list[LiveCustomization]:
    """The store's options as its products show them: for a store built without its
    options (a whole-store read always has them), one per name, with every choice seen."""
    found: dict[str, LiveCustomization] = {}
    for product in live.products.values():
        for option in product.options:
            key = name_identity(option.name)
            base = found.get(key) or LiveCustomization(
                option.id or key, option.name, "", option.render_type, (), (), ()
            )
            seen = {name_identity(c) for c in base.choices}
            ids = option.choice_ids or option.choices
            colors = option.choice_colors or (None,) * len(option.choices)
            new = [
                (c, i, color)
                for c, i, color in zip(option.choices, ids, colors, strict=False)
                if name_identity(c) not in seen
            ]
            found[key] = replace(
                base,
                choices=base.choices + tuple(c for c, _, _ in new),
                choice_ids=base.choice_ids + tuple(i for _, i, _ in new),
                choice_colors=base.choice_colors + tuple(color for _, _, color in new),
            )
    return list(found.values())
