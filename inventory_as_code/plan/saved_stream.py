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
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.plan_json import CHECKSUM, SIGNED
from inventory_as_code.plan.plan_shape import (
    PlanShapeError,
    check_plan_change,
    check_plan_member,
)
from inventory_as_code.plan.plan_stream import (
    ChangeItems,
    NotStreamable,
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


def _canonical(value: Any) -> bytes:
    # The options of model.canonical: keep them alike.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def _blocks(handle: BinaryIO) -> Iterator[bytes]:
    """The file's bytes from its start, gunzipped when it is compressed (as :mod:`.saved`)."""
    handle.seek(0)
    compressed = handle.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    handle.seek(0)
    source: BinaryIO | gzip.GzipFile = handle
    if compressed:
        source = gzip.GzipFile(fileobj=handle, mode="rb")
    total = 0
    try:
        while block := source.read(BLOCK_BYTES):
            total += len(block)
            if total > MAX_PLAN_BYTES:
                raise NotStreamable("too large")
            yield block
    except (OSError, EOFError, zlib.error):
        raise NotStreamable("damaged compressed plan") from None


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
    _read_again: Callable[[], Members] = field(repr=False)
    _close: Callable[[], None] = field(repr=False, default=lambda: None)

    def members(self) -> Members:
        """Every member in the file's order; ``changes`` as an iterable read as it goes."""
        return self._read_again()

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
        self._close()


def read_saved_plan(path: Path, key: bytes | None = None) -> SavedPlan:
    """The plan file, checked as :func:`.saved.read_plan_file` checks it, not yet rendered."""
    handle = open_regular(path)
    try:
        others, count = _check_streamed(path, handle, key)
    except NotStreamable:
        handle.close()
        return _whole(path, key)
    except BaseException:
        handle.close()
        raise

    def read_again() -> Members:
        return document_members(decoded(_blocks(handle)))

    return SavedPlan(path, others, count, read_again, handle.close)


def _whole(path: Path, key: bytes | None) -> SavedPlan:
    """A file the streamed reader does not take apart: read whole, with its refusals."""
    data = checked_document(path, key)
    changes = data.get("changes")
    others = {name: value for name, value in data.items() if name != "changes"}
    count = len(changes) if isinstance(changes, list) else 0
    return SavedPlan(path, others, count, lambda: iter(data.items()))


def _check_streamed(path: Path, handle: BinaryIO, key: bytes | None) -> tuple[dict[str, Any], int]:
    """The first pass: every check, in :func:`.saved.checked_document`'s order of refusals."""
    seal = _Seal(key)
    others: dict[str, Any] = {}
    problem: PlanShapeError | None = None  # the first member that is wrong, in file order
    count = 0
    has_changes = False

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

    for name, value in document_members(decoded(_blocks(handle))):
        if name != "changes":
            others[name] = value
            check(name, value)
            continue
        has_changes = True
        seal.update(b'{"changes":')
        if not isinstance(value, ChangeItems):
            seal.update(_canonical(value))
            check(name, value)
            continue
        seal.update(b"[")
        for index, change in enumerate(value):
            if index:
                seal.update(b",")
            seal.update(_canonical(change))
            check(name, change, index)
        seal.update(b"]")
        count = value.count
    rest = {name: value for name, value in others.items() if name != "checksum"}
    if has_changes:
        # The seal's members are in sorted order: one sorted before ``changes`` would have
        # had to be hashed before the changes.
        if any(name < "changes" for name in rest):
            raise NotStreamable("a member sorted before changes")
        tail = _canonical(rest)
        seal.update(b"}" if tail == b"{}" else b"," + tail[1:])
    else:
        seal.update(_canonical(rest))
    check_version(path, others)
    if problem is not None:
        raise shape_refusal(path, problem)
    check_seal(path, others.get("checksum", ""), key, seal.expected)
    return others, count
