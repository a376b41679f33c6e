"""One version of one YAML file, as far as ``--changed-since`` needs it.

A product's model depends only on its own text and on the store-wide blocks,
so a file is cut into: the source text of each product (by slug), the source
text of every other top-level block (by key), and the top-level keys in order
(which decide, as for the loader, whether the file is an inventory file at
all). Nothing is built from the values: the C parser's events give each
node's start and end, and the text between them is compared.

Anchors and aliases tie texts together (an edit to an anchored product changes
the products that use it, whose texts do not move), so they are recorded:
the caller then counts every product of the file as changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

_NULL = ("", "~", "null", "Null", "NULL")


class _Broken(Exception):
    """Not one mapping of keys: the loader reports it (or skips the file, see ``top_keys``)."""


@dataclass(slots=True)
class Outline:
    """``broken``: the file does not parse as one mapping (``top_keys``: those read before)."""

    products: dict[str, str] = field(default_factory=dict)
    blocks: dict[str, str] = field(default_factory=dict)
    top_keys: list[str] = field(default_factory=list)
    tangled_products: bool = False  # an anchor or alias inside products
    tangled_blocks: bool = False  # an anchor or alias anywhere else
    duplicates: set[str] = field(default_factory=set)  # slugs written twice in the file
    broken: bool = False


EMPTY = Outline()


def outline(text: str) -> Outline:
    """The outline of a file's text (never raises)."""
    if "\r" in text:
        # YAML reads every line break as "\n": a file checked out with CRLF is the same file.
        text = text.replace("\r\n", "\n")
    found = Outline()
    loader = yaml.CSafeLoader(text)
    get = loader.get_event

    def next_event() -> Any:
        event = get()
        if event is None:  # the stream ended inside a node: only a parser bug does that
            raise _Broken
        return event

    try:
        _document(next_event, text, found)
    except (_Broken, yaml.YAMLError):
        found.broken = True
    finally:
        loader.dispose()
    return found


Next = Callable[[], Any]


def _document(next_event: Next, text: str, found: Outline) -> None:
    next_event()  # StreamStart
    if type(next_event()) is yaml.StreamEndEvent:
        return  # an empty file
    root = next_event()  # after DocumentStart
    if (
        type(root) is yaml.ScalarEvent
        and root.implicit[0]
        and root.value in _NULL
        and not (root.anchor or root.tag)
    ):
        _end(next_event)  # only comments, or a lone "~": contributes nothing
        return
    if type(root) is not yaml.MappingStartEvent or root.anchor:
        raise _Broken
    while True:
        key = next_event()
        if type(key) is yaml.MappingEndEvent:
            break
        if type(key) is not yaml.ScalarEvent or key.anchor:
            raise _Broken  # an alias, a merge of one, or a complex key
        if key.value in found.top_keys:
            found.top_keys.append(key.value)
            raise _Broken  # a key written twice: the loader reports it
        found.top_keys.append(key.value)
        first = next_event()
        if key.value == "products" and type(first) is yaml.MappingStartEvent:
            found.tangled_products |= bool(first.anchor)
            _products(next_event, text, found)
            continue
        last, tangled = _node(next_event, first)
        found.tangled_blocks |= tangled
        if key.value == "products":
            if not (type(first) is yaml.ScalarEvent and first.value in _NULL):
                raise _Broken  # products that are not a mapping: the loader's problem
            continue
        found.blocks[key.value] = text[first.start_mark.index : last.end_mark.index].rstrip()
    _end(next_event)


def _end(next_event: Next) -> None:
    if type(next_event()) is not yaml.DocumentEndEvent:
        raise _Broken
    if type(next_event()) is not yaml.StreamEndEvent:
        raise _Broken  # a second document


def _products(next_event: Next, text: str, found: Outline) -> None:
    products = found.products
    while True:
        key = next_event()
        if type(key) is yaml.MappingEndEvent:
            return
        if type(key) is not yaml.ScalarEvent or key.anchor:
            raise _Broken  # an alias or a complex key: the loader reports it
        first = next_event()
        last, tangled = _node(next_event, first)
        if tangled:
            found.tangled_products = True
        if key.value in products:
            found.duplicates.add(key.value)  # the loader refuses the file; count it as changed
        # The parser ends a block mapping where the next key starts: without the
        # trailing blank space, a product reads the same wherever it stands.
        products[key.value] = text[first.start_mark.index : last.end_mark.index].rstrip()


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _node(next_event: Next, first: Any) -> tuple[Any, bool]:
    """Consume the node that starts with ``first``: its last event, and whether it has
    an anchor or alias. (The hot loop of a large change: classes are compared, not
    tested with isinstance.)"""
    kind = type(first)
    if kind is _SCALAR:
        return first, bool(first.anchor)
    if kind is _ALIAS:
        return first, True
    if kind not in _STARTS:
        raise _Broken
    tangled = bool(first.anchor)
    depth = 1
    event = first
    while depth:
        event = next_event()
        kind = type(event)
        if kind is _SCALAR:
            if event.anchor:
                tangled = True
        elif kind in _ENDS:
            depth -= 1
        elif kind in _STARTS:
            depth += 1
            if event.anchor:
                tangled = True
        elif kind is _ALIAS:
            tangled = True
        else:
            raise _Broken
    return event, tangled
