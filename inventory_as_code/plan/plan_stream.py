"""A saved plan's JSON read member by member, and its ``changes`` one at a time.

``json.loads`` of a first plan of 10,000 products (73 MB) took over 500 MB
while it ran. Here only the document's outer object and its ``changes`` list
are taken apart by hand; every value inside them (a change, the metadata, the
notes) is decoded by the json module's own scanner, so it is the very value
``json.loads`` gives for it (the same numbers, strings and duplicate keys).
At most a change or a member, and a chunk of the file, is held at a time.

Only a document as ``plan --out`` writes it is read so: an object with no
key twice. Anything else (a key twice, text that is not JSON, a document
that is not an object, nesting too deep for the scanner) raises
:class:`NotStreamable`, and the caller reads the file whole, as before, so a
broken file gets the refusal and message it always got.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from typing import Any

# Read this many characters at a time; a value longer than what is buffered is retried
# with twice as much, so a change of any size costs linear time.
CHUNK_CHARS = 1 << 20
_WHITESPACE = " \t\n\r"
_DECODER = json.JSONDecoder()


class NotStreamable(Exception):
    """The file is not a plan document as ``plan --out`` writes it; read it whole instead."""


def decoded(blocks: Iterable[bytes]) -> Iterator[str]:
    """UTF-8 text of ``blocks`` (strict, as ``bytes.decode("utf-8")`` is)."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for block in blocks:
            text = decoder.decode(block)
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise NotStreamable("not UTF-8") from None
    if tail:
        yield tail


class _Cursor:
    """A window on the text: ``buf[pos:]`` is what is not read yet."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self._chunks = iter(chunks)
        self.buf = ""
        self.pos = 0
        self.base = 0  # characters dropped before ``buf``: ``base + pos`` is the offset
        self.eof = False

    def _more(self, wanted: int) -> bool:
        """Append at least ``wanted`` characters (fewer at the end); False at the end."""
        if self.eof:
            return False
        if self.pos:  # what was read is dropped: the window stays about a chunk wide
            self.buf = self.buf[self.pos :]
            self.base += self.pos
            self.pos = 0
        parts = [self.buf]
        got = 0
        for chunk in self._chunks:
            parts.append(chunk)
            got += len(chunk)
            if got >= wanted:
                break
        else:
            self.eof = True
        self.buf = "".join(parts)
        return got > 0

    def peek(self) -> str:
        """The next character after whitespace ('' at the end of the text)."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._more(CHUNK_CHARS):
                return ""

    def skip_to(self, offset: int) -> None:
        """Move to the character ``offset`` of the text without decoding what is before it."""
        while self.base + len(self.buf) <= offset:
            self.base += len(self.buf)
            self.buf, self.pos = "", 0
            if not self._more(CHUNK_CHARS):
                raise NotStreamable("the text ends before the offset")
        self.pos = offset - self.base

    def items(self) -> Iterator[tuple[int, Any]]:
        """From the first item of a list on: each item with its offset, to the list's end."""
        while True:
            self.peek()
            yield self.base + self.pos, self.value()
            if self.ended("]"):
                return

    def ended(self, close: str) -> bool:
        """After an item of a list or object: True at its ``close``, False at a comma."""
        # Compact JSON has no space between an item and what follows it.
        pos, buf = self.pos, self.buf
        after = buf[pos] if pos < len(buf) else ""
        if after in ("", " ", "\t", "\n", "\r"):
            after = self.peek()
        self.pos += 1
        if after not in (close, ","):
            raise NotStreamable(f"expected ',' or {close!r}")
        return after == close

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise NotStreamable(f"expected {char!r}")
        self.pos += 1

    def value(self) -> Any:
        """The JSON value at the cursor, decoded by the json module's scanner."""
        if self.pos >= len(self.buf) or self.buf[self.pos] in _WHITESPACE:
            self.peek()
        wanted = CHUNK_CHARS
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                # Cut off by the end of the window, or not JSON: only the end of the text tells.
                if not self._more(wanted):
                    raise NotStreamable("not JSON") from None
                wanted = max(wanted, len(self.buf))
                continue
            except RecursionError:
                raise NotStreamable("nested too deep") from None
            # A number that ends with the window may go on in the next chunk.
            if end == len(self.buf) and self._more(wanted):
                continue
            self.pos = end
            return value


class ChangeItems:
    """The items of the document's ``changes`` list, each decoded as it is reached.

    Iterated once, before the next member is read; ``offset`` is where the
    last item given starts (for :func:`changes_from`).
    """

    def __init__(self, cursor: _Cursor) -> None:
        self._cursor = cursor
        self._started = False
        self.count = 0
        self.offset = 0

    def __iter__(self) -> Iterator[Any]:
        if self._started:
            return
        self._started = True
        self._cursor.expect("[")
        if self._cursor.peek() == "]":
            self._cursor.pos += 1
            return
        for offset, item in self._cursor.items():
            self.offset = offset
            self.count += 1
            yield item


def changes_from(chunks: Iterable[str], offset: int) -> Iterator[Any]:
    """The changes from the one at character ``offset`` (a :attr:`ChangeItems.offset` of the
    same text) to the end of the list."""
    cursor = _Cursor(chunks)
    cursor.skip_to(offset)
    for _, item in cursor.items():
        yield item


def document_members(chunks: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """The members of the plan document, in the file's order.

    The value of ``changes``, when it is a list, is a :class:`ChangeItems`;
    what the caller does not iterate of it is skipped.
    """
    cursor = _Cursor(chunks)
    if cursor.peek() == "\ufeff":  # json.loads refuses a byte order mark; so do we
        raise NotStreamable("byte order mark")
    cursor.expect("{")
    seen: set[str] = set()
    if cursor.peek() == "}":
        cursor.pos += 1
    else:
        while True:
            if cursor.peek() != '"':
                raise NotStreamable("expected a member name")
            name = cursor.value()
            if name in seen:  # json.loads keeps the last; a plan never has a key twice
                raise NotStreamable(f"{name!r} twice")
            seen.add(name)
            cursor.expect(":")
            if name == "changes" and cursor.peek() == "[":
                items = ChangeItems(cursor)
                yield name, items
                for _ in items:  # what the caller left of it
                    pass
            else:
                yield name, cursor.value()
            if cursor.ended("}"):
                break
    if cursor.peek() != "":
        raise NotStreamable("text after the document")
