"""Turning libyaml's parser events into plain values with positions.

Composing a node graph first (``yaml.compose``) costs ten times more than the
parse itself, because PyYAML's tag resolver runs in Python for every node. So
the values are built here, straight from the C parser's events, with the same
YAML 1.1 resolution rules (:mod:`~inventory_as_code.config.yamlscalars`). No
Python object is ever constructed from a tag: unknown tags are reported, which
is what makes this loading safe.

Along the way: every key and value gets its position (:class:`Marks`);
duplicate keys, unknown tags, oversized numbers and binary values are reported
instead of raised; aliases share the anchored value (nothing downstream
mutates the data) and their expanded size counts against
:data:`ALIAS_BUDGET`, which stops "billion laughs" documents; nesting deeper
than :data:`MAX_DEPTH` is refused. Every value (and every value an alias
reaches) is paid from the project's :class:`Budget`, so memory is bounded
across all files. A number is never built from more than
:data:`MAX_NUMBER_CHARS` characters: Python refuses to turn a long integer into
text (``Exceeds the limit (4300 digits)``) and PyYAML reads a base-60 integer
(``1:59:59:...``) in quadratic time. Every key is kept as its source text,
because in this format keys are names: ``Yes:`` is the text "Yes". Merge keys
(``<<: *anchor``) are supported.
"""

from __future__ import annotations

from typing import Any

import yaml

from inventory_as_code.config.document import Document, Entry, Marks
from inventory_as_code.config.problems import PathPart, ProblemCollector, format_path
from inventory_as_code.config.yamlscalars import (
    COLLECTION_TAGS,
    IMPLICIT,
    MAX_NUMBER_CHARS,
    MERGE_KEY,
    scalar_value,
)

MAX_DEPTH = 32  # the format needs 8 levels; deeper is a mistake or an attack
ALIAS_BUDGET = 250_000  # values that may be reached through aliases in one file


class _Abort(Exception):
    """Stops building a document that is too deep, recursive or expands too much."""


class Budget:
    """How many values a whole project may still build (``[project] max_values``)."""

    __slots__ = ("limit", "reported", "used")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.reported = False

    @property
    def exhausted(self) -> bool:
        return self.used > self.limit

    def refund(self, amount: int) -> None:
        """Give back what a file that turned out not to be the project's spent."""
        self.used -= amount
        self.reported = self.reported and self.exhausted


_DISCARD = "\x00discard"  # pending key: the value that follows is dropped (already reported)
_MERGE_KEY = MERGE_KEY  # pending key: the value that follows is merged into the mapping


class _Frame:
    """A mapping or sequence under construction."""

    __slots__ = ("anchor", "entries", "key", "key_mark", "merges", "size", "start", "value")

    def __init__(self, value: dict[str, Any] | list[Any], anchor: str | None, start: Any) -> None:
        self.value = value
        self.entries: dict[PathPart, Entry] = {}
        self.anchor = anchor
        self.start = start
        self.key: str | None = None  # pending mapping key, or _DISCARD / _MERGE_KEY
        self.key_mark: Any = None
        self.merges: list[tuple[Any, Any]] = []
        self.size = 1


class EventBuilder:
    """Builds plain values and :class:`Marks` straight from libyaml's parser events.

    Composing a node graph first (``yaml.compose``) costs ten times more than
    the parse itself, because the tag resolver runs in Python for every node;
    reading events and resolving plain scalars here with the same rules keeps a
    10,000-product catalog fast. An alias shares the anchored value instead of
    copying it (nothing downstream mutates the data); its expanded size counts
    against :data:`ALIAS_BUDGET`.
    """

    def __init__(self, rel: str, problems: ProblemCollector, budget: Budget | None = None) -> None:
        self.rel = rel
        self.problems = problems
        self.budget = budget if budget is not None else Budget(10**12)
        self.spent_before = self.budget.used
        self.top_keys: list[str] = []  # keys of the top-level mapping, as far as it was read
        self.marks = Marks()
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, str | None, int]] = {}
        self.open_anchors: set[str] = set()
        self.expanded = 0
        self.root: list[Any] = []

    def _path(self) -> str:
        parts: list[PathPart] = []
        for frame in self.stack:
            if isinstance(frame.value, list):
                parts.append(len(frame.value))
            elif frame.key is not None and frame.key not in (_DISCARD, _MERGE_KEY):
                parts.append(frame.key)
        return format_path(parts)

    @property
    def spent(self) -> int:
        """Values this file took from the budget."""
        return self.budget.used - self.spent_before

    def _over_budget(self, mark: Any) -> None:
        budget = self.budget
        if not budget.reported:
            budget.reported = True
            self._report(
                mark,
                f"the project holds more than {budget.limit:,} YAML values (counting what "
                "aliases repeat); loading stopped here to keep memory bounded.",
                "check that only the inventory files are read ([project] include/exclude in "
                "inventory-as-code.toml); for a larger catalog raise [project] max_values.",
            )
        raise _Abort

    def _report(self, mark: Any, message: str, hint: str = "") -> None:
        self.problems.add(self.rel, mark.line + 1, mark.column + 1, self._path(), message, hint)

    def run(self, loader: yaml.CSafeLoader) -> Document | None:
        """Consume the event stream of one file."""
        loader.get_event()  # StreamStart
        if isinstance(loader.peek_event(), yaml.StreamEndEvent):
            return Document(self.rel, {}, self.marks)  # empty file: contributes nothing
        loader.get_event()  # DocumentStart
        first: Any = loader.peek_event()
        try:
            self._consume(loader)
        except _Abort:
            return None
        following: Any = loader.peek_event()
        if isinstance(following, yaml.DocumentStartEvent):
            self._report(
                following.start_mark,
                "the file holds more than one YAML document (a second ---).",
                "keep one document per file; put the rest in another file of the project.",
            )
            return None
        root = self.root[0] if self.root else None
        if root is None:
            return Document(self.rel, {}, self.marks)  # only comments, or a lone "~"
        if not isinstance(root, dict):
            self._report(
                first.start_mark,
                "the top level of a file must be a mapping (keys like products: or locations:).",
                "start the file with one of: locations:, defaults:, options:, products:, prune:, "
                "moved:.",
            )
            return None
        return Document(self.rel, root, self.marks)

    def _consume(self, loader: yaml.CSafeLoader) -> None:
        # Hot loop: one pass per event of the file (about 90 per product). The
        # common events (an untagged, unanchored scalar or collection inside a
        # mapping or a list) are handled inline with locals and type() checks,
        # because a method call and an attribute lookup per event were most of
        # the cost; everything else goes through _scalar / _attach / _event,
        # which report problems exactly as before.
        get_event, scalar, attach = loader.get_event, self._scalar, self._attach
        scalar_event, document_end = yaml.ScalarEvent, yaml.DocumentEndEvent
        mapping_start, mapping_end = yaml.MappingStartEvent, yaml.MappingEndEvent
        sequence_start, sequence_end = yaml.SequenceStartEvent, yaml.SequenceEndEvent
        implicit, discard, merge_key, max_chars = IMPLICIT, _DISCARD, _MERGE_KEY, MAX_NUMBER_CHARS
        budget, stack, table = self.budget, self.stack, self.marks.table
        limit = budget.limit
        while True:
            event: Any = get_event()
            kind = type(event)
            if kind is scalar_event:
                budget.used += 1
                if budget.used > limit:
                    self._over_budget(event.start_mark)
                text = event.value
                if event.tag is None and event.anchor is None and stack:
                    if not event.implicit[0] or text[:1] not in implicit:
                        value, raw = text, None
                    elif (
                        text.isdigit()
                        and text.isascii()
                        and (text[0] != "0" or text == "0")
                        and len(text) <= max_chars
                    ):
                        value, raw = int(text), text
                    else:
                        value, raw = scalar(event)
                        if value is merge_key:
                            attach(value, raw, event.start_mark, 1, True)
                            continue
                    frame = stack[-1]
                    frame.size += 1
                    container: Any = frame.value
                    mark = event.start_mark
                    key = frame.key
                    if type(container) is list:
                        index = len(container)
                        container.append(value)
                        line, column = mark.line + 1, mark.column + 1
                        frame.entries[index] = (line, column, line, column, raw)
                    elif key is None:  # this scalar is a key
                        frame.key_mark = mark
                        text = value if type(value) is str else (raw or "")
                        if text in container or len(stack) == 1:
                            frame.size -= 1
                            attach(value, raw, mark, 1, True)  # reports a duplicate
                        else:
                            frame.key = text
                    else:
                        frame.key = None
                        if key is merge_key:
                            frame.merges.append((value, mark))
                        elif key is not discard:
                            kmark = frame.key_mark
                            container[key] = value
                            frame.entries[key] = (
                                kmark.line + 1,
                                kmark.column + 1,
                                mark.line + 1,
                                mark.column + 1,
                                raw,
                            )
                    continue
                value, raw = scalar(event)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, raw, 1)
                attach(value, raw, event.start_mark, 1, True)
            elif kind is mapping_end or kind is sequence_end:
                frame = stack.pop()
                if frame.merges:
                    self._apply_merges(frame)
                if frame.anchor is not None:
                    self.open_anchors.discard(frame.anchor)
                    self.anchors[frame.anchor] = (frame.value, None, frame.size)
                if stack:
                    parent = stack[-1]
                    key = parent.key
                    if key is not None and key is not merge_key and type(parent.value) is dict:
                        parent.size += frame.size
                        parent.key = None
                        if key is not discard:
                            kmark, mark = parent.key_mark, frame.start
                            parent.value[key] = frame.value
                            parent.entries[key] = (
                                kmark.line + 1,
                                kmark.column + 1,
                                mark.line + 1,
                                mark.column + 1,
                                None,
                            )
                        continue
                attach(frame.value, None, frame.start, frame.size)
            elif (kind is mapping_start or kind is sequence_start) and (
                event.tag is None and event.anchor is None and len(stack) < MAX_DEPTH
            ):
                budget.used += 1
                if budget.used > limit:
                    self._over_budget(event.start_mark)
                value_: dict[str, Any] | list[Any] = {} if kind is mapping_start else []
                frame = _Frame(value_, None, event.start_mark)
                table[id(value_)] = frame.entries
                stack.append(frame)
            elif kind is document_end:
                return
            else:
                self._event(event)

    def _event(self, event: Any) -> None:
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._open(event)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = self.stack.pop()
            if frame.merges:
                self._apply_merges(frame)
            if frame.anchor is not None:
                self.open_anchors.discard(frame.anchor)
                self.anchors[frame.anchor] = (frame.value, None, frame.size)
            self._attach(frame.value, None, frame.start, frame.size)
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)

    def _open(self, event: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            self._report(
                event.start_mark,
                f"the document is nested more than {MAX_DEPTH} levels deep.",
                "this format needs at most 8 levels; check the indentation.",
            )
            raise _Abort
        if event.tag not in (None, "!") and event.tag not in COLLECTION_TAGS:
            self._report(event.start_mark, f"unsupported YAML tag {event.tag}.", "remove the tag.")
        self.budget.used += 1
        if self.budget.used > self.budget.limit:
            self._over_budget(event.start_mark)
        value: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        frame = _Frame(value, event.anchor, event.start_mark)
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        self.marks.table[id(value)] = frame.entries
        self.stack.append(frame)

    def _alias(self, event: Any) -> None:
        name = event.anchor
        if name in self.open_anchors:
            self._report(
                event.start_mark,
                f"alias *{name} refers to a value that contains it.",
                "remove the recursive alias.",
            )
            raise _Abort
        if name not in self.anchors:
            self._report(
                event.start_mark,
                f"alias *{name} has no anchor &{name} before it.",
                f"define &{name} earlier in the same file, or write the value out.",
            )
            self._attach(None, None, event.start_mark, 1)
            return
        value, raw, size = self.anchors[name]
        self.expanded += size
        self.budget.used += size
        if self.budget.used > self.budget.limit:
            self._over_budget(event.start_mark)
        if self.expanded > ALIAS_BUDGET:
            self._report(
                event.start_mark,
                f"aliases (*name) expand to more than {ALIAS_BUDGET:,} values.",
                "write the values out, or share settings through defaults instead of aliases.",
            )
            raise _Abort
        self._attach(value, raw, event.start_mark, size)

    def _attach(
        self, value: Any, raw: str | None, mark: Any, size: int, is_scalar: bool = False
    ) -> None:
        """Put a finished value into the container being built (or make it the root)."""
        if not self.stack:
            self.root.append(value)
            return
        frame = self.stack[-1]
        frame.size += size
        container = frame.value
        if isinstance(container, list):
            if value is _MERGE_KEY:
                value = "<<"
            index = len(container)
            container.append(value)
            frame.entries[index] = (
                mark.line + 1,
                mark.column + 1,
                mark.line + 1,
                mark.column + 1,
                raw,
            )
            return
        key = frame.key
        if key is None:  # this value is a key
            frame.key_mark = mark
            if not is_scalar:
                self._report(mark, "a key must be plain text, not a list, a mapping or an alias.")
                frame.key = _DISCARD
            elif value is _MERGE_KEY:
                frame.key = _MERGE_KEY
            else:
                text = value if isinstance(value, str) else (raw or "")
                frame.key = text
                if len(self.stack) == 1:
                    self.top_keys.append(text)
                if text in container:
                    first = frame.entries[text][0]
                    self._report(
                        mark,
                        f'duplicate key "{text}" (first written at line {first}).',
                        "remove one of them or merge them; YAML would silently keep only the last.",
                    )
                    frame.key = _DISCARD
            return
        frame.key = None
        if key is _DISCARD:
            return
        if key is _MERGE_KEY:
            frame.merges.append((value, mark))
            return
        if value is _MERGE_KEY:
            value = "<<"
        kmark = frame.key_mark
        container[key] = value
        frame.entries[key] = (kmark.line + 1, kmark.column + 1, mark.line + 1, mark.column + 1, raw)

    def _apply_merges(self, frame: _Frame) -> None:
        assert isinstance(frame.value, dict)
        for value, mark in frame.merges:
            sources = value if isinstance(value, list) else [value]
            for source in sources:
                if not isinstance(source, dict):
                    self._report(mark, "a merge key (<<) needs a mapping or a list of mappings.")
                    continue
                source_entries = self.marks.table.get(id(source), {})
                for key, item in source.items():
                    if key not in frame.value:  # keys written in the mapping itself win
                        frame.value[key] = item
                        frame.entries[key] = source_entries[key]

    def _scalar(self, event: Any) -> tuple[Any, str | None]:
        """(value, source text for a non-string scalar)."""
        return scalar_value(event, self._report)
