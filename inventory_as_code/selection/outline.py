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

from collections.abc import Iterator
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
    events = yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        _document(events, text, found)
    except (_Broken, yaml.YAMLError, StopIteration):
        found.broken = True
    return found


def _document(events: Iterator[Any], text: str, found: Outline) -> None:
    next(events)  # StreamStart
    event = next(events)
    if isinstance(event, yaml.StreamEndEvent):
        return  # an empty file
    root = next(events)  # after DocumentStart
    if (
        isinstance(root, yaml.ScalarEvent)
        and root.implicit[0]
        and root.value in _NULL
        and not (root.anchor or root.tag)
    ):
        _end(events)  # only comments, or a lone "~": contributes nothing
        return
    if not isinstance(root, yaml.MappingStartEvent) or root.anchor:
        raise _Broken
    while True:
        key = next(events)
        if isinstance(key, yaml.MappingEndEvent):
            break
        if not isinstance(key, yaml.ScalarEvent) or key.anchor:
            raise _Broken  # an alias, a merge of one, or a complex key
        if key.value in found.top_keys:
            found.top_keys.append(key.value)
            raise _Broken  # a key written twice: the loader reports it
        found.top_keys.append(key.value)
        first = next(events)
        if key.value == "products" and isinstance(first, yaml.MappingStartEvent):
            found.tangled_products |= bool(first.anchor)
            _products(events, text, found)
            continue
        last, tangled = _node(events, first)
        found.tangled_blocks |= tangled
        if key.value == "products":
            if not (isinstance(first, yaml.ScalarEvent) and first.value in _NULL):
                raise _Broken  # products that are not a mapping: the loader's problem
            continue
        found.blocks[key.value] = text[first.start_mark.index : last.end_mark.index].rstrip()
    _end(events)


def _end(events: Iterator[Any]) -> None:
    if not isinstance(next(events), yaml.DocumentEndEvent):
        raise _Broken
    if not isinstance(next(events), yaml.StreamEndEvent):
        raise _Broken  # a second document


def _products(events: Iterator[Any], text: str, found: Outline) -> None:
    while True:
        key = next(events)
        if isinstance(key, yaml.MappingEndEvent):
            return
        if not isinstance(key, yaml.ScalarEvent) or key.anchor:
            raise _Broken  # an alias or a complex key: the loader reports it
        first = next(events)
        last, tangled = _node(events, first)
        found.tangled_products |= tangled
        if key.value in found.products:
            found.duplicates.add(key.value)  # the loader refuses the file; count it as changed
        # The parser ends a block mapping where the next key starts: without the
        # trailing blank space, a product reads the same wherever it stands.
        found.products[key.value] = text[first.start_mark.index : last.end_mark.index].rstrip()


def _node(events: Iterator[Any], first: Any) -> tuple[Any, bool]:
    """Consume the node that starts with ``first``: its last event, and whether it has
    an anchor or alias."""
    tangled = isinstance(first, yaml.AliasEvent) or bool(getattr(first, "anchor", None))
    if not isinstance(first, yaml.CollectionStartEvent):
        return first, tangled
    depth = 1
    event = first
    while depth:
        event = next(events)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            tangled = tangled or bool(event.anchor)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            tangled = True
    return event, tangled
