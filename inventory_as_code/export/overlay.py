"""``export --site NAME --as-overlay``: a site's differences from the shared catalogue.

The live store is exported as :mod:`.build` exports it; then, instead of
writing it whole, only what makes the base catalogue read as that export is
written to the site's overlay folder (``[sites.NAME] overlay``), in the
overlay rules of :mod:`inventory_as_code.config.overlay`, the inverse of the
merge:

* a key the export has and the base does not: written as the export has it;
* a key the base has and the export does not: ``$patch: delete``;
* a mapping on both sides: the keys that differ, recursively; a stock entry
  that differs is written whole with ``$patch: replace`` (its shorthands and
  tracking fields merge by rules of their own: a whole entry says it plainly);
* anything else that differs: the export's value.

Values are compared as the model reads them (``24`` and ``"24.00"`` are one
price, ``5`` and ``{quantity: 5}`` one stock entry), so the base's way of
writing a value is kept where it means the same. The base's ``prune`` and
``moved`` are the project's decisions, not the store's, and are left alone.
So the catalogue with this overlay reads as the site's export, which the
caller proves by planning it against the store it read (no changes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from inventory_as_code.config.document import Document
from inventory_as_code.config.overlay import DELETE, PATCH, REPLACE, is_stock_entry
from inventory_as_code.export.build import ExportDocument
from inventory_as_code.model import normalize_money

STORE_SECTIONS = ("locations", "defaults", "options")
MONEY = ("price", "compare_at_price")
_SAME = object()


def base_tree(docs: Iterable[Document]) -> dict[str, Any]:
    """The base catalogue's files as one document (each block is in one file, products
    spread over many: as the loader merges them)."""
    tree: dict[str, Any] = {"products": {}}
    for doc in docs:
        for section in STORE_SECTIONS:
            if section in doc.data:
                tree.setdefault(section, doc.data[section])
        products = doc.data.get("products")
        if isinstance(products, dict):
            for slug, data in products.items():
                tree["products"].setdefault(slug, data)
    return tree


def overlay_of(base: Mapping[str, Any], site: ExportDocument) -> ExportDocument:
    """The overlay that makes ``base`` read as ``site`` (see the module docstring)."""
    store: dict[str, Any] = {}
    for section in STORE_SECTIONS:
        if section in site.store:
            if section in base:
                patch = _diff(base[section], site.store[section], (section,))
                if patch is not _SAME:
                    store[section] = patch
            else:
                store[section] = site.store[section]
        elif section in base:
            store[section] = {PATCH: DELETE}
    products: dict[str, Any] = {}
    base_products = base.get("products") or {}
    for slug, data in site.products.items():
        if slug in base_products:
            patch = _diff(base_products[slug], data, ("products", slug))
            if patch is not _SAME:
                products[slug] = patch
        else:
            products[slug] = data
    for slug in base_products:
        if slug not in site.products:
            products[slug] = {PATCH: DELETE}
    return ExportDocument(store, dict(sorted(products.items())), list(site.notes))


def _diff(base: Any, target: Any, path: tuple[Any, ...]) -> Any:
    """What the overlay writes at ``path`` so the base reads as ``target``; _SAME if nothing."""
    if _normal(base, path) == _normal(target, path):
        return _SAME
    if is_stock_entry(path):
        return {PATCH: REPLACE, **target} if isinstance(target, dict) else target
    if not (isinstance(base, dict) and isinstance(target, dict)):
        return target
    out: dict[str, Any] = {}
    for key, value in target.items():
        if key in base:
            patch = _diff(base[key], value, (*path, key))
            if patch is not _SAME:
                out[key] = patch
        else:
            out[key] = value
    for key in base:
        if key not in target:
            out[key] = {PATCH: DELETE}
    return out


def _normal(value: Any, path: tuple[Any, ...]) -> Any:
    """``value`` as the model reads it, for comparing (not for writing)."""
    if path and path[-1] in MONEY and isinstance(value, (str, int, float)):
        try:
            return (
                "money",
                normalize_money(value if not isinstance(value, float) else repr(value)),
            )
        except ValueError:
            return value
    if is_stock_entry(path) and not isinstance(value, dict):
        if isinstance(value, bool):
            return {"in_stock": value}
        if isinstance(value, int):
            return {"quantity": value}
    if isinstance(value, dict):
        return {k: _normal(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v, (*path, i)) for i, v in enumerate(value)]
    if value is None and path and path[0] == "locations" and len(path) == 2:
        return {}  # "Name:" is a location without settings
    if isinstance(value, (int, float)) and not isinstance(value, bool) and path[-1] == "sku":
        return str(value)
    return value
