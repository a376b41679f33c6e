"""A saved plan read in two passes, for ``show``: a big plan is never held whole.

``show`` of a first plan of 10,000 products (210,003 changes, 73 MB of JSON)
decoded the whole file and built a ``Plan`` of it: over 550 MB. Here:

1. :func:`read_saved_plan` reads the file once, change by change
   (:mod:`.plan_stream`), and makes the checks :func:`.saved.read_plan_file`
   makes, in the same order and with the same refusals: the format version,
   the shape of every member (the first one that is wrong, in the file's
   order), and the checksum or signature. The seal is computed on the way:
   :func:`.model.canonical` sorts the keys, so its bytes are
   ``{"changes":[``, each change's canonical JSON joined by commas, ``]``,
   then the other members (all but the checksum), and each change's part is
   exactly ``canonical`` of that change alone. It keeps only the members
   other than ``changes`` (a few kilobytes).
2. :meth:`SavedPlan.members` reads the file again for the renderer, the
   changes one at a time, from the same open file (a file put in its place
   since the check is not read).

A file this reader does not take apart (not JSON, damaged gzip, a key twice,
a top-level key sorted before ``changes``) is read whole by
:func:`.saved.checked_document`, as before: a broken file gets the refusal
it always got, and an odd but valid one is shown as before.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from inventory_as_code.plan.change_sections import Sections
from inventory_as_code.plan.model import Plan, canonical_json
from inventory_as_code.plan.plan_json import CHECKSUM, SIGNED
from inventory_as_code.plan.plan_shape import (
    PlanShapeError,
    check_plan_change,
    check_plan_member,
)
from inventory_as_code.plan.plan_stream import (
    ChangeItems,
    NotStreamable,
    changes_from,
    decoded,
    document_members,
)
from inventory_as_code.plan.saved import (
    GZIP_MAGIC,
    MAX_PLAN_BYTES,
    check_seal,
    check_version,
    checked_document,
    malformed,
    open_regular,
    shape_refusal,
)

BLOCK_BYTES = 1 << 20

Members = Iterator[tuple[str, Any]]


class _Positioned(io.RawIOBase):
    """The file from its start, read at positions of its own: the readers of one open file
    do not move each other (:mod:`.streamed_view` reads it at several places at once)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._at = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = os.pread(self._fd, len(buffer), self._at)
        buffer[: len(data)] = data
        self._at += len(data)
        return len(data)


def _blocks(fd: int) -> Iterator[bytes]:
    """The file's bytes from its start, gunzipped when it is compressed (as :mod:`.saved`)."""
    source: BinaryIO | gzip.GzipFile = io.BufferedReader(_Positioned(fd), BLOCK_BYTES)
    if os.pread(fd, len(GZIP_MAGIC), 0) == GZIP_MAGIC:
        source = gzip.GzipFile(fileobj=source, mode="rb")
    total = 0
    try:
        while block := source.read(BLOCK_BYTES):
            total += len(block)
            if total > MAX_PLAN_BYTES:
                raise NotStreamable("too large")
            yield block
    except (OSError, EOFError, zlib.error):
        raise NotStreamable("damaged compressed plan") from None


def text_of(fd: int) -> Iterator[str]:
    return decoded(_blocks(fd))


class _Seal:
    """The checksum, and with a key the signature, of the canonical bytes fed to it."""

    def __init__(self, key: bytes | None) -> None:
        self.plain = hashlib.sha256()
        self.signed = None if key is None else hmac.new(key, digestmod=hashlib.sha256)

    def update(self, data: bytes) -> None:
        self.plain.update(data)
        if self.signed is not None:
            self.signed.update(data)

    def expected(self, key: bytes | None) -> str:
        if key is None:
            return CHECKSUM + self.plain.hexdigest()
        assert self.signed is not None
        return SIGNED + self.signed.hexdigest()


@dataclass
class SavedPlan:
    """A checked saved plan: its members but ``changes``, and the way to read them all again."""

    path: Path
    others: dict[str, Any]  # every member but ``changes``, in the file's order
    change_count: int
    # Where each kind of change is (None: read whole, not from the file).
    sections: Sections | None = None
    fd: int | None = field(default=None, repr=False)
    _data: dict[str, Any] | None = field(default=None, repr=False)

    def members(self) -> Members:
        """Every member in the file's order; ``changes`` as an iterable read as it goes."""
        if self.fd is None:
            assert self._data is not None
            return iter(self._data.items())
        return document_members(text_of(self.fd))

    def changes_from(self, offset: int) -> Iterator[Any]:
        """The changes from the one at ``offset`` (see :attr:`sections`) to the last."""
        assert self.fd is not None
        return changes_from(text_of(self.fd), offset)

    def plan(self) -> Plan:
        """The plan, its changes built as they are read (the file's dicts are not kept)."""
        try:
            for name, value in self.members():
                if name == "changes":
                    return Plan.from_dict({**self.others, "changes": value})
            return Plan.from_dict(self.others)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise malformed(self.path, exc) from None

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def read_saved_plan(path: Path, key: bytes | None = None) -> SavedPlan:
    """The plan file, checked as :func:`.saved.read_plan_file` checks it, not yet rendered."""
    with open_regular(path) as handle:
        fd = os.dup(handle.fileno())
    try:
        others, count, sections = _check_streamed(path, fd, key)
    except NotStreamable:
        os.close(fd)
        return _whole(path, key)
    except BaseException:
        os.close(fd)
        raise
    return SavedPlan(path, others, count, sections, fd)


def _whole(path: Path, key: bytes | None) -> SavedPlan:
    """A file the streamed reader does not take apart: read whole, with its refusals."""
    data = checked_document(path, key)
    changes = data.get("changes")
    others = {name: value for name, value in data.items() if name != "changes"}
    count = len(changes) if isinstance(changes, list) else 0
    return SavedPlan(path, others, count, _data=data)


def _check_streamed(path: Path, fd: int, key: bytes | None) -> tuple[dict[str, Any], int, Sections]:
    """The first pass: every check, in :func:`.saved.checked_document`'s order of refusals."""
    seal = _Seal(key)
    others: dict[str, Any] = {}
    problem: PlanShapeError | None = None  # the first member that is wrong, in file order
    count = 0
    has_changes = False
    sections = Sections()

    def check(name: str, value: Any, index: int | None = None) -> None:
        nonlocal problem
        if problem is None:
            try:
                if index is None:
                    check_plan_member(name, value)
                else:
                    check_plan_change(index, value)
            except PlanShapeError as exc:
                problem = exc

    for name, value in document_members(text_of(fd)):
        if name != "changes":
            others[name] = value
            check(name, value)
            continue
        has_changes = True
        seal.update(b'{"changes":')
        if not isinstance(value, ChangeItems):
            seal.update(canonical_json(value))
            check(name, value)
            continue
        seal.update(b"[")
        for index, change in enumerate(value):
            if index:
                seal.update(b",")
            seal.update(canonical_json(change))
            check(name, change, index)
            sections.add(value.offset, change)
        seal.update(b"]")
        count = value.count
    rest = {name: value for name, value in others.items() if name != "checksum"}
    if has_changes:
        # The seal's members are in sorted order: one sorted before ``changes`` would have
        # had to be hashed before the changes.
        if any(name < "changes" for name in rest):
            raise NotStreamable("a member sorted before changes")
        tail = canonical_json(rest)
        seal.update(b"}" if tail == b"{}" else b"," + tail[1:])
    else:
        seal.update(canonical_json(rest))
    check_version(path, others)
    if problem is not None:
        raise shape_refusal(path, problem)
    check_seal(path, others.get("checksum", ""), key, seal.expected)
    return others, count, sections
