"""The format's shorthands, for the YAML editor: what a scalar stands for, and back.

A stock entry written ``Main: 20`` means ``{quantity: 20}``, ``Pop-up: false``
means ``{in_stock: false}``; ``preorder: true`` means ``{enabled: true}``; an
empty value (``M/Black:``) means ``{}``. Pull adds a key to such a value by
rewriting it as a flow mapping of both (``Main: {quantity: 20, preorder:
{limit: 5}}``), and writes a new stock entry as its shorthand when that is all
it holds, as ``export`` does.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from inventory_as_code.config.yamlscalars import scalar_value
from inventory_as_code.yamledit import BOOL, INT, Node, Patch, Rules, Scalar

Path = tuple[str, ...]


def is_stock_entry(path: Path) -> bool:
    """``products.<slug>.stock.<L>`` or ``products.<slug>.variants.<key>.stock.<L>``."""
    if not path or path[0] != "products":
        return False
    return (len(path) == 4 and path[2] == "stock") or (
        len(path) == 6 and path[2] == "variants" and path[4] == "stock"
    )


def is_preorder(path: Path) -> bool:
    return len(path) >= 2 and path[-1] == "preorder" and is_stock_entry(path[:-1])


def value_of(node: Node) -> Any:
    """A scalar's value as the loader reads it (YAML 1.1: ``20`` a number, ``yes`` true)."""
    event = SimpleNamespace(value=node.value, tag=node.tag, implicit=node.implicit, start_mark=None)
    value, _ = scalar_value(event, lambda *_: None)
    return value


def _expand(path: Path, node: Node) -> Patch | None:
    if node.is_null:
        return {}
    value = value_of(node)
    if is_stock_entry(path):
        if isinstance(value, bool):
            return {"in_stock": Scalar(value, BOOL)}
        if isinstance(value, int):
            return {"quantity": Scalar(value, INT)}
    if is_preorder(path) and isinstance(value, bool):
        return {"enabled": Scalar(value, BOOL)}
    return None


def _fold(path: Path, mapping: Patch, was_scalar: bool) -> Scalar | None:
    if len(mapping) != 1:
        return None
    ((key, value),) = mapping.items()
    if not isinstance(value, Scalar):
        return None
    if is_stock_entry(path) and key in ("quantity", "in_stock"):
        return value
    if was_scalar and is_preorder(path) and key == "enabled":
        return value
    return None


SHORTHANDS = Rules(expand=_expand, fold=_fold)
