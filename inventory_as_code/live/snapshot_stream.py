"""A whole store written as a snapshot while it is encoded, never held as rows or bytes.

:func:`~.snapshot.build` turns the live store into a :class:`~.snapshot.Snapshot`
of rows and :func:`~.snapshot.save` encodes it whole: for 10,000 products
that was 46 MB above the plan's own peak, on every full plan once a snapshot
exists. Here the same msgpack document (a map of the Snapshot's fields; the
decoder takes its keys in any order) is written field by field, the big
lists a thousand rows at a time, through the compressor and the signature of
:func:`~.snapshot.write_signed`. The file reads back with
:func:`~.snapshot.load` like any other.
"""

from __future__ import annotations

import struct
from collections.abc import Collection, Iterable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

import msgspec

from inventory_as_code.live.model import LiveInventoryItem, LivePreorder, LiveProduct
from inventory_as_code.live.snapshot import (
    FORMAT,
    PreorderRow,
    Snapshot,
    _product_row,
    item_rows,
    write_signed,
)
from inventory_as_code.live.snapshot_key import SnapshotKey

_ENCODER = msgspec.msgpack.Encoder()
_BATCH = 1000


def _array_header(length: int) -> bytes:
    """msgpack's array header for ``length`` elements (the smallest form, as msgspec writes)."""
    if length < 16:
        return bytes([0x90 | length])
    if length < 1 << 16:
        return b"\xdc" + struct.pack(">H", length)
    return b"\xdd" + struct.pack(">I", length)


def _map_header(length: int) -> bytes:
    return bytes([0x80 | length])  # at most 15 fields


def _elements(batch: list[Any]) -> bytes:
    """The encoded elements of ``batch``, without the list's own header."""
    encoded = _ENCODER.encode(batch)
    header = _array_header(len(batch))
    if not encoded.startswith(header):  # another header form: encode one by one
        return b"".join(_ENCODER.encode(value) for value in batch)
    return encoded[len(header) :]


def _array(name: str, length: int, rows: Iterable[Any]) -> Iterator[bytes]:
    yield _ENCODER.encode(name) + _array_header(length)
    rows = iter(rows)
    written = 0
    while batch := list(islice(rows, _BATCH)):
        written += len(batch)
        yield _elements(batch)
    if written != length:
        raise ValueError(f"{name}: {written} rows written, {length} announced")


def save_store(
    path: Path,
    key: SnapshotKey,
    *,
    site: str,
    catalog: str,
    since: datetime,
    full_at: datetime,
    products: Collection[LiveProduct],
    items: Collection[LiveInventoryItem],
) -> None:
    """Write the store as a signed snapshot; SnapshotError when the folder cannot be used."""
    product_index: dict[str, int] = {}
    location_index: dict[str, int] = {}
    preorder_index: dict[LivePreorder, int] = {}

    def body() -> Iterator[bytes]:
        head = {"format": FORMAT, "site": site, "catalog": catalog}
        yield _map_header(len(Snapshot.__struct_fields__))
        for name, value in [*head.items(), ("since", since), ("full_at", full_at)]:
            yield _ENCODER.encode(name) + _ENCODER.encode(value)
        yield from _array(
            "items",
            len(items),
            item_rows(items, product_index, location_index, preorder_index),
        )
        yield from _array("products", len(products), map(_product_row, products))
        # Filled while the items were written.
        yield _ENCODER.encode("product_ids") + _ENCODER.encode(list(product_index))
        yield _ENCODER.encode("location_ids") + _ENCODER.encode(list(location_index))
        preorders = [PreorderRow(p.enabled, p.message, p.limit, p.counter) for p in preorder_index]
        yield _ENCODER.encode("preorders") + _ENCODER.encode(preorders)

    write_signed(path, key, body())
