"""A YAML file as a tree of nodes that know where their text is.

The loader (:mod:`inventory_as_code.config.yamlevents`) keeps the values and
the start of each; editing needs more of what the same C parser's events
carry: where each scalar's text ends, its style (plain, quoted, block), the
flow or block style of each collection, anchors, aliases and tags. Building
this tree reads the same events with the same parser, so a position here is
a position there: the 1-based ``(line, column)`` of a value's origin finds its
node (:meth:`Tree.at`).

Positions are indexes into the decoded text (libyaml counts characters, as
Python strings do), so an edit is a slice of the text: nothing else of the
file moves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

SCALAR, MAPPING, SEQUENCE, ALIAS = "scalar", "mapping", "sequence", "alias"

PathPart = str | int
_NONE: list[Any] = []  # shared by nodes that hold no items (never appended to)


class TreeError(Exception):
    """The text is not YAML this tree can hold (the file changed since it was loaded)."""


class Node:
    """One value of the file.

    ``start`` and ``end`` bound the node's text, properties (``&anchor``,
    ``!tag``) included; ``content_end`` is where its last character is (for a
    block collection: the end of its last value). ``key`` is the node's key in
    its parent mapping (its key node's text) or its index in a sequence.
    ``style``: a scalar's ("" plain, ``'"'``, ``"'"``, ``"|"``, ``">"``);
    ``flow``: a collection written in flow style (``{...}``, ``[...]``);
    ``value``: a scalar's text as parsed, an alias's anchor name.
    """

    # A plain class with slots: a file of 250 products has 25,000 nodes, and a
    # dataclass with list factories cost three times as much to build.
    __slots__ = (
        "anchor",
        "column",
        "content_end",
        "end",
        "entries",
        "flow",
        "implicit",
        "items",
        "key",
        "kind",
        "line",
        "parent",
        "start",
        "style",
        "tag",
        "value",
    )

    def __init__(
        self, kind: str, start: int, end: int, line: int, column: int, anchor: str | None
    ) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.line = line  # 1-based, as origins are
        self.column = column
        self.anchor = anchor
        self.style = ""
        self.flow = False
        self.tag: str | None = None
        self.value = ""
        self.implicit: tuple[bool, bool] = (True, False)
        self.items: list[tuple[Node, Node]] = _NONE  # mappings: (key, value)
        self.entries: list[Node] = _NONE  # sequences
        self.parent: Node | None = None
        self.key: PathPart | None = None
        self.content_end = end

    def __repr__(self) -> str:
        return f"Node({self.kind} {self.line}:{self.column} {self.value!r})"

    def child(self, key: str) -> Node | None:
        """The value of ``key`` in this mapping (None when absent)."""
        for key_node, value in self.items:
            if key_node.kind == SCALAR and key_node.value == key:
                return value
        return None

    def key_node(self, key: str) -> Node | None:
        for key_node, _ in self.items:
            if key_node.kind == SCALAR and key_node.value == key:
                return key_node
        return None

    @property
    def is_null(self) -> bool:
        """An empty or ``~``/``null`` scalar (``M/Black:`` with nothing after the colon)."""
        return (
            self.kind == SCALAR
            and self.style == ""
            and self.tag is None
            and self.value in ("", "~", "null", "Null", "NULL")
        )

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


@dataclass(slots=True)
class Tree:
    """The nodes of one file, found by position or by path."""

    text: str
    root: Node | None
    scalars: dict[tuple[int, int], Node]  # (line, column) -> scalar or alias node
    anchors: dict[str, Node]
    aliases: dict[str, list[Node]]

    def at(self, line: int, column: int) -> Node | None:
        """The scalar (or alias) that starts at this 1-based position."""
        return self.scalars.get((line, column))

    def get(self, path: Sequence[PathPart]) -> Node | None:
        """The node at ``path`` from the root; stops (returns None) at anything but mappings."""
        node = self.root
        for part in path:
            if node is None or node.kind != MAPPING or not isinstance(part, str):
                return None
            node = node.child(part)
        return node

    def path(self, node: Node) -> tuple[PathPart, ...] | None:
        """The keys from the root to ``node``; None for a key (or under a key that is no text)."""
        parts: list[PathPart] = []
        current: Node | None = node
        while current is not None and current.parent is not None:
            if current.key is None:
                return None
            parts.append(current.key)
            current = current.parent
        return tuple(reversed(parts))

    def shared(self, node: Node) -> str | None:
        """Why editing ``node`` would change other values too, or None.

        A value reached through an alias (``*base``), or written inside an anchored
        value that an alias or a merge key (``<<: *base``) repeats elsewhere.
        """
        if node.kind == ALIAS:
            anchor = self.anchors.get(node.value)
            where = f" (anchored at line {anchor.line})" if anchor is not None else ""
            return f"it comes from the alias *{node.value}{where}"
        for holder in (node, *node.ancestors()):
            if holder.anchor is not None and self.aliases.get(holder.anchor):
                users = ", ".join(str(a.line) for a in self.aliases[holder.anchor][:3])
                return (
                    f"it is written inside the anchor &{holder.anchor} (line {holder.line}), "
                    f"which *{holder.anchor} repeats (line {users})"
                )
        return None

    def text_start(self, node: Node) -> int:
        """Where a scalar's own text begins: after its anchor and tag."""
        index, text = node.start, self.text
        while index < node.end and text[index] in "&!":
            while index < node.end and text[index] not in " \t\r\n":
                index += 1
            while index < node.end and text[index] in " \t":
                index += 1
        return index


def parse(text: str) -> Tree:
    """The tree of one YAML document (raises :class:`TreeError` on anything else)."""
    loader = yaml.CSafeLoader(text)
    try:
        return _Builder(text).run(loader)
    except yaml.YAMLError as exc:
        raise TreeError(f"not valid YAML any more: {exc}") from None
    finally:
        loader.dispose()


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[Node] = []
        self.pending: dict[int, Node | None] = {}  # id(mapping) -> key waiting for its value
        self.root: Node | None = None
        self.scalars: dict[tuple[int, int], Node] = {}
        self.anchors: dict[str, Node] = {}
        self.aliases: dict[str, list[Node]] = {}

    def run(self, loader: Any) -> Tree:
        documents = 0
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.StreamEndEvent:
                break
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise TreeError("the file holds more than one YAML document")
            elif kind is yaml.ScalarEvent:
                node = self._node(SCALAR, event, event.anchor)
                node.style = event.style or ""
                node.tag = event.tag
                node.value = event.value
                node.implicit = (bool(event.implicit[0]), bool(event.implicit[1]))
                self.scalars[(node.line, node.column)] = node
                self._attach(node)
            elif kind is yaml.AliasEvent:
                node = self._node(ALIAS, event, None)
                node.value = event.anchor
                self.scalars[(node.line, node.column)] = node
                self.aliases.setdefault(event.anchor, []).append(node)
                self._attach(node)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                mapping = kind is yaml.MappingStartEvent
                node = self._node(MAPPING if mapping else SEQUENCE, event, event.anchor)
                node.tag = event.tag
                node.flow = bool(event.flow_style)
                if mapping:
                    node.items = []
                else:
                    node.entries = []
                self._attach(node)
                self.stack.append(node)
                self.pending[id(node)] = None
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                node = self.stack.pop()
                node.end = event.end_mark.index
                if node.flow:
                    node.content_end = node.end
                else:
                    children = [value for _, value in node.items] or node.entries
                    node.content_end = children[-1].content_end if children else node.end
        return Tree(self.text, self.root, self.scalars, self.anchors, self.aliases)

    def _node(self, kind: str, event: Any, anchor: str | None) -> Node:
        mark = event.start_mark
        node = Node(kind, mark.index, event.end_mark.index, mark.line + 1, mark.column + 1, anchor)
        if anchor is not None:
            self.anchors[anchor] = node
        return node

    def _attach(self, node: Node) -> None:
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        if parent.kind == SEQUENCE:
            node.parent, node.key = parent, len(parent.entries)
            parent.entries.append(node)
            return
        key = self.pending[id(parent)]
        if key is None:
            self.pending[id(parent)] = node
            node.parent = parent  # a key: its parent is the mapping, it has no key of its own
            return
        self.pending[id(parent)] = None
        node.parent = parent
        node.key = key.value if key.kind == SCALAR else None
        parent.items.append((key, node))
