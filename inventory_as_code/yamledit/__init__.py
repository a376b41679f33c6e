"""Minimal, comment-preserving edits of YAML files.

Shared by the commands that rewrite the project's YAML (``pull`` today): a
file is read into a :class:`~.tree.Tree` of nodes that know where their text
is (the same libyaml events the loader reads), a :data:`~.render.Patch` says
which keys to set, and :func:`~.patch.apply_patch` returns the text with only
those values replaced or added. Comments, order, quoting, anchors and every
other byte stay as they were.

    tree = parse(source.text)
    reason = refusal(tree, ("products", "tee", "price"))   # None: it can be set
    text = apply_patch(tree, {"products": {"tee": {"price": Scalar("31.00", MONEY)}}})
"""

from __future__ import annotations

from inventory_as_code.yamledit.patch import (
    NO_RULES,
    PatchError,
    Rules,
    apply_patch,
    layout_of,
    refusal,
)
from inventory_as_code.yamledit.render import BOOL, INT, MONEY, TEXT, Patch, Scalar
from inventory_as_code.yamledit.text import SourceText, decode_source
from inventory_as_code.yamledit.tree import ALIAS, MAPPING, SCALAR, Node, Tree, TreeError, parse

__all__ = [
    "ALIAS",
    "BOOL",
    "INT",
    "MAPPING",
    "MONEY",
    "NO_RULES",
    "SCALAR",
    "TEXT",
    "Node",
    "Patch",
    "PatchError",
    "Rules",
    "Scalar",
    "SourceText",
    "Tree",
    "TreeError",
    "apply_patch",
    "decode_source",
    "layout_of",
    "parse",
    "refusal",
]
