"""``moved:`` entries: renames the YAML declares, checked against the rest of the project.

Each entry says that a live object now goes by another name in the YAML:

    moved:
      - product: {from: old-slug, to: new-slug}
      - location: {from: Outlet HH, to: Outlet Hamburg}
      - option: {from: Colour, to: Color}
      - choice: {option: Grind, from: Whole bean, to: Whole Bean}

Options are shared by every product that uses them, so option and choice
renames are store-wide. The older per-product form (``option: {product: tee,
...}``) still loads and means the same store-wide rename (``validate`` warns
and shows the new form); per-product entries of one rename are one entry.

The new name must exist in the YAML and the old one must not (else the YAML
would describe two objects). Entries may stay after the rename is applied
(the planner then finds nothing under the old name and ignores them), may be
spread over files, and must not chain (``a -> b`` and ``b -> c``): one entry
from the live name to the final name says the same and cannot be misread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inventory_as_code.config.context import Context, DocView
from inventory_as_code.config.problems import did_you_mean
from inventory_as_code.model import Location, Move, MoveKind, Origin, Product, StoreOption

_KINDS = tuple(kind.value for kind in MoveKind)


Located = tuple[Move, tuple[str | int, ...]]  # a move and its path in the file, for problems


def read_moves(entries: list[tuple[DocView, list[Any]]]) -> list[Located]:
    """Moves as written (schema-valid entries only), with the origin and path of each."""
    moves: list[Located] = []
    for view, block in entries:
        for index, entry in enumerate(block):
            if not isinstance(entry, dict) or len(entry) != 1:
                continue  # the schema reported it
            kind, body = next(iter(entry.items()))
            if kind not in _KINDS or not isinstance(body, dict):
                continue
            texts = {key: view.text(body, key) for key in ("from", "to", "product", "option")}
            if texts["from"] is None or texts["to"] is None:
                continue
            move = Move(
                MoveKind(kind),
                texts["from"],
                texts["to"],
                product=texts["product"],
                option=texts["option"],
                origin=view.key_at(entry, kind),
            )
            moves.append((move, ("moved", index, kind)))
    return moves


def _scope(move: Move) -> tuple[Any, ...]:
    """What a move renames within: an option's and a choice's are the store's (shared)."""
    return (move.kind, move.option)


def check_moves(
    ctx: Context,
    moves: list[Located],
    locations: dict[str, Location],
    products: dict[str, Product],
    options: Mapping[str, StoreOption] | None = None,
) -> tuple[Move, ...]:
    """The moves that make sense for this YAML; every other one is reported."""
    options = options or {}
    good: list[Located] = []
    seen_from: dict[tuple[Any, ...], Move] = {}
    seen_to: dict[tuple[Any, ...], Move] = {}
    froms = {(*_scope(m), m.old) for m, _ in moves}
    for move, path in moves:
        origin = move.origin or Origin("", 1, 1)
        if (*_scope(move), move.new) in froms:
            # a -> b and b -> c: b cannot be both in the YAML and not in it.
            ctx.report(
                origin,
                path,
                f'renames chain through "{move.new}" (another entry renames it again).',
                "write one entry from the name in the live store to the final name.",
            )
            continue
        problem = _problem(move, locations, products, options)
        if problem is not None:
            ctx.report(origin, path, *problem)
            continue
        scope = _scope(move)
        twin = seen_from.get((*scope, move.old))
        if twin is not None and twin.new == move.new and move.product:
            continue  # per-product entries of one store-wide rename: one rename
        for table, name, side in ((seen_from, move.old, "from"), (seen_to, move.new, "to")):
            other = table.get((*scope, name))
            if other is not None:
                ctx.report(
                    origin,
                    path,
                    f'a second {move.kind.value} move {side} "{name}" (the first is at '
                    f"{other.origin}).",
                    "keep one entry per renamed object.",
                )
                break
        else:
            seen_from[(*scope, move.old)] = move
            seen_to[(*scope, move.new)] = move
            good.append((move, path))
    return tuple(move for move, _ in good)


def _problem(
    move: Move,
    locations: dict[str, Location],
    products: dict[str, Product],
    options: Mapping[str, StoreOption],
) -> tuple[str, str] | None:
    kind = move.kind
    if move.old == move.new:
        return f'{kind.value} move from "{move.old}" to itself.', "remove the entry."
    if kind is MoveKind.PRODUCT:
        return _named(kind.value, move, list(products), "under products:")
    if kind is MoveKind.LOCATION:
        return _named(kind.value, move, list(locations), "under locations:")
    if move.product is not None and move.product not in products:
        return (
            f'{kind.value} move names product "{move.product}", which the YAML does not '
            f"define{did_you_mean(move.product, list(products), inline=True)}.",
            "leave product: out: option and choice renames are store-wide (see moved: in "
            "docs/format.md).",
        )
    option_names = list(options)
    if kind is MoveKind.OPTION:
        return _named("option", move, option_names, "under options: (or in a product's options:)")
    option = options.get(move.option or "")
    if option is None:
        return (
            f'choice move names option "{move.option}", which the YAML does not have'
            f"{did_you_mean(move.option or '', option_names, inline=True)}.",
            "name the option by its name in the YAML (after any option rename).",
        )
    return _named(f"choice of option {move.option}", move, list(option.choices), "in the option")


def _named(what: str, move: Move, names: list[str], where: str) -> tuple[str, str] | None:
    if move.new not in names:
        return (
            f'moved to "{move.new}", but no {what} has that name in the YAML'
            f"{did_you_mean(move.new, names, inline=True)}.",
            f"the to: name must be the one now written {where}.",
        )
    if move.old in names:
        return (
            f'moved from "{move.old}", but the YAML still has a {what} of that name.',
            "remove the old one from the YAML, or remove this entry if both are wanted.",
        )
    return None
