"""Warnings: what is legal in the format but likely a mistake.

``validate`` shows them without failing (``--strict`` fails on them); each is
a :class:`~inventory_as_code.config.problems.Problem` with file, line, column
and a fix, like a problem. They are computed from the built model, so they
see the project as a whole:

* SKUs with spaces (usually a template filled in with a choice such as
  ``Forest Green``): scanners, spreadsheets and Wix's own search split them;
* slugs or location names that look alike, or hold invisible characters, or
  are written in decomposed Unicode (see :mod:`.lookalike`);
* locations declared but used by no stock entry, in a project that has stock;
* ``moved:`` renames of options and choices written in the older per-product
  form, which now means a store-wide rename (options are shared).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from inventory_as_code.config.lookalike import invisible_characters, lookalike_letters, skeleton
from inventory_as_code.config.problems import Problem, format_path, listing, quote
from inventory_as_code.model import DesiredState, MoveKind, Origin


def state_warnings(state: DesiredState) -> list[Problem]:
    """Every warning about ``state``, sorted by place."""
    found = [
        *_sku_spaces(state),
        *_names(state),
        *_unused_locations(state),
        *_per_product_moves(state),
    ]
    return sorted(found)


def _warning(origin: Origin | None, path: tuple[str, ...], message: str, hint: str) -> Problem:
    if origin is None:
        return Problem("", 0, 0, format_path(path), message, hint)
    return Problem(origin.file, origin.line, origin.column, format_path(path), message, hint)


def _sku_spaces(state: DesiredState) -> Iterator[Problem]:
    for slug, product in state.products.items():
        by_origin: dict[Origin | None, list[str]] = {}
        for variant in product.variants:
            sku = variant.sku
            # split() cuts at exactly the characters isspace() is true for
            if sku and sku.split() != [sku]:
                by_origin.setdefault(variant.origins.get("sku"), []).append(sku)
        for origin, skus in by_origin.items():
            if len(skus) == 1:
                message = f"the SKU {quote(skus[0])} contains a space."
            else:
                shown = listing([quote(s) for s in skus], 3)
                message = f"the SKU template gives {len(skus)} SKUs with spaces: {shown}."
            yield _warning(
                origin,
                ("products", slug, "sku"),
                message,
                "SKUs with spaces are split by scanners and spreadsheets: write the SKU of "
                "these variants out (variants: {KEY: {sku: ...}}) or use choices without "
                "spaces in the template.",
            )


def _names(state: DesiredState) -> Iterator[Problem]:
    entries: list[tuple[str, str, Origin | None, tuple[str, ...]]] = []
    for name, location in state.locations.items():
        entries.append(("location", name, location.origins.get("name"), ("locations", name)))
    for slug, product in state.products.items():
        entries.append(("slug", slug, product.origins.get("slug"), ("products", slug)))
    seen: dict[tuple[str, str], tuple[str, Origin | None]] = {}
    for kind, name, origin, path in entries:
        yield from _one_name(kind, name, origin, path)
        key = (kind, skeleton(name))
        first = seen.get(key)
        if first is None:
            seen[key] = (name, origin)
            continue
        where = f" ({first[1]})" if first[1] is not None else ""
        what = "location" if kind == "location" else "product slug"
        yield _warning(
            origin,
            path,
            f"the {what} {quote(ascii(name)[1:-1], 60)} looks like {quote(first[0])}{where}, "
            "but is different text.",
            "use one spelling: retype the name, or rename one of them so they differ visibly.",
        )


def _one_name(
    kind: str, name: str, origin: Origin | None, path: tuple[str, ...]
) -> Iterator[Problem]:
    what = "location name" if kind == "location" else "slug"
    hidden = invisible_characters(name)
    if hidden:
        yield _warning(
            origin,
            path,
            f"the {what} contains invisible characters: {', '.join(hidden)}.",
            "retype the name; invisible characters make two names look the same.",
        )
    letters = lookalike_letters(name)
    if letters:
        yield _warning(
            origin,
            path,
            f"the {what} mixes Latin letters with look-alike letters of another script: "
            f"{', '.join(letters)}.",
            "retype the name on a Latin keyboard layout.",
        )
    if unicodedata.normalize("NFC", name) != name:
        yield _warning(
            origin,
            path,
            f"the {what} is in decomposed Unicode (letters and accents as separate "
            "characters), which Wix and other tools may store composed, as a different name.",
            "retype the name, or save the file with composed (NFC) characters.",
        )


def _unused_locations(state: DesiredState) -> Iterator[Problem]:
    used: set[str] = set()
    for product in state.products.values():
        for variant in product.variants:
            used.update(variant.stock)
    if not used:
        return  # a project that manages no stock uses no location: nothing to say
    for name, location in state.locations.items():
        if name in used:
            continue
        yield _warning(
            location.origins.get("name"),
            ("locations", name),
            f"location {quote(name)} is declared but no stock entry uses it.",
            f"stock products there (stock: {{{name}: 5}}), or remove the location if it is "
            "not needed.",
        )


def _per_product_moves(state: DesiredState) -> Iterator[Problem]:
    for move in state.moves:
        if move.product is None or move.kind not in (MoveKind.OPTION, MoveKind.CHOICE):
            continue
        option = f"option: {move.option}, " if move.kind is MoveKind.CHOICE else ""
        yield _warning(
            move.origin,
            ("moved",),
            f"this {move.kind.value} rename names product {quote(move.product)}, but options "
            "are shared by every product that uses them: it renames the "
            f"{move.kind.value} in all of them.",
            f"write it store-wide: - {move.kind.value}: {{{option}from: {move.old}, to: "
            f"{move.new}}}",
        )
