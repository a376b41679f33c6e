"""The saved snapshot of the last read of a store, for incremental refresh.

One file per site in the project's ``.inventory-as-code/`` folder
(``snapshot-<key>.bin``, key = a hash of the API base URL, the site id and,
for the embedded local store, its database file: what makes it one store):
every product with its options and variants, and every stock item, as the
last read saw them, plus when that read started on the server's clock
(``since``) and when the store was last read in full (``full_at``). Locations
are not kept: they are read on every plan (two calls).

What is never in it: credentials (the client's key is not reachable from the
live model), the site id in clear (only its hash), Wix JSON.

The folder is part of a project, which may come from anyone's repository or
a CI cache, so a snapshot is treated as hostile input. Whoever can write it
could otherwise make a plan show a stock change that does not exist, or hide
a real change of the YAML (the plan compares with what the snapshot says).
So:

* it is signed: ``MAGIC``, the id of the key, an HMAC-SHA256 tag over all of
  it, then the body (:mod:`.snapshot_key` says which secret). The tag is
  checked before anything is decompressed or decoded; a snapshot signed with
  another key, changed after it was signed, or unsigned (an older version's)
  is not used;
* the signed body names its store (the key above) and catalog, and is then
  checked: format version, counts that add up, times that make sense;
* it is read only as a regular file, never through a symlink (neither the
  file nor the folder may be one), and only up to :data:`MAX_BYTES`
  compressed / :data:`MAX_RAW_BYTES` decompressed;
* any doubt means "no snapshot": the plan reads the store in full and says
  why (``Read: the whole store (full read: ...)``).

What a writer of the folder can still do is delete the snapshot or put back
an older one it signed: both mean at most a full read, or a refresh from an
older true state, which reads everything changed since then.

Written atomically (a temporary file renamed over the old one), with a
``.gitignore`` in the folder so a store's data is not committed by accident.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import msgspec

from inventory_as_code.live.model import (
    LiveInventoryItem,
    LiveOption,
    LivePreorder,
    LiveProduct,
    LiveVariant,
)
from inventory_as_code.live.snapshot_key import SnapshotKey

FORMAT = 2
MAGIC = b"IACSNAP\x02"  # format 1 files were a bare zlib stream, unsigned
_KEY_ID = 8
_TAG = 32
_HEADER = len(MAGIC) + _KEY_ID + _TAG
FOLDER = ".inventory-as-code"
MAX_BYTES = 64 * 1024 * 1024  # a 10,000-product store packs into about 5 MB
MAX_RAW_BYTES = 512 * 1024 * 1024


class SnapshotError(Exception):
    """This snapshot cannot be used; the message says why (shown as the reason for a full read)."""


class OptionRow(msgspec.Struct, frozen=True, gc=False, array_like=True):
    id: str | None
    name: str
    choices: list[str]
    render_type: str
    choice_ids: list[str]
    choice_types: list[str]
    choice_colors: list[str | None]


class VariantRow(msgspec.Struct, frozen=True, gc=False, array_like=True):
    id: str
    key: list[str]
    sku: str | None
    price: str | None
    compare_at_price: str | None
    visible: bool


class ProductRow(msgspec.Struct, frozen=True, gc=False, array_like=True):
    id: str
    slug: str
    name: str
    revision: str
    product_type: str
    visible: bool
    options: list[OptionRow]
    variants: list[VariantRow]
    # Last so that a snapshot written before it had dates still loads (without them).
    updated: str = ""


class ItemRow(msgspec.Struct, frozen=True, gc=False, array_like=True):
    id: str
    revision: str
    product: int  # index into Snapshot.product_ids
    variant_id: str
    location: int  # index into Snapshot.location_ids
    quantity: int | None  # None: tracked as in stock / out of stock
    in_stock: bool | None
    preorder: int  # index into Snapshot.preorders
    updated: str = ""  # last: see ProductRow.updated


class PreorderRow(msgspec.Struct, frozen=True, gc=False, array_like=True):
    enabled: bool
    message: str | None
    limit: int | None
    counter: int


_Row = TypeVar("_Row")


class Snapshot(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    format: int
    site: str
    catalog: str
    since: datetime  # server clock: everything changed after this is re-read
    full_at: datetime  # when the store was last read in full
    products: list[ProductRow]
    product_ids: list[str]
    location_ids: list[str]
    preorders: list[PreorderRow]
    items: list[ItemRow]


def site_key(base_url: str, site_id: str, store: str = "") -> str:
    """The store a snapshot belongs to: base URL, site id, and ``store`` (the embedded
    local store's database file: every project's local store has the same site id)."""
    return hashlib.sha256(f"{base_url}\n{site_id}\n{store}".encode()).hexdigest()[:32]


def path_for(project: Path, key: str) -> Path:
    return project / FOLDER / f"snapshot-{key[:16]}.bin"


# --- model <-> rows ---------------------------------------------------------------------


def item_rows(
    items: Iterable[LiveInventoryItem],
    product_index: dict[str, int],
    location_index: dict[str, int],
    preorder_index: dict[LivePreorder, int],
) -> Iterator[ItemRow]:
    """The rows of ``items``; the indexes of their products, locations and preorder
    settings are filled as the rows are made (one place for both writers)."""
    for item in items:
        p = product_index.setdefault(item.product_id, len(product_index))
        loc = location_index.setdefault(item.location_id, len(location_index))
        pre = preorder_index.setdefault(item.preorder, len(preorder_index))
        quantity = item.quantity if item.tracking == "quantity" else None
        yield ItemRow(
            item.id,
            item.revision,
            p,
            item.variant_id,
            loc,
            quantity,
            item.in_stock,
            pre,
            item.updated,
        )


def _product_row(product: LiveProduct) -> ProductRow:
    return ProductRow(
        product.id,
        product.slug,
        product.name,
        product.revision,
        product.product_type,
        product.visible,
        [
            OptionRow(
                o.id,
                o.name,
                list(o.choices),
                o.render_type,
                list(o.choice_ids),
                list(o.choice_types),
                list(o.choice_colors),
            )
            for o in product.options
        ],
        [
            VariantRow(v.id, list(v.key), v.sku, v.price, v.compare_at_price, v.visible)
            for v in product.variants
        ],
        product.updated,
    )


def product_of(row: ProductRow) -> LiveProduct:
    return LiveProduct(
        id=row.id,
        slug=row.slug,
        name=row.name,
        revision=row.revision,
        product_type=row.product_type,
        visible=row.visible,
        options=tuple(
            LiveOption(
                id=o.id,
                name=o.name,
                choices=tuple(o.choices),
                render_type=o.render_type,
                choice_ids=tuple(o.choice_ids),
                choice_types=tuple(o.choice_types),
                choice_colors=tuple(o.choice_colors),
            )
            for o in row.options
        ),
        variants=tuple(
            LiveVariant(
                id=v.id,
                key=tuple(v.key),
                sku=v.sku,
                price=v.price,
                compare_at_price=v.compare_at_price,
                visible=v.visible,
            )
            for v in row.variants
        ),
        updated=row.updated,
    )


def build(
    *,
    site: str,
    catalog: str,
    since: datetime,
    full_at: datetime,
    products: list[LiveProduct],
    items: list[LiveInventoryItem],
) -> Snapshot:
    product_index: dict[str, int] = {}
    location_index: dict[str, int] = {}
    preorder_index: dict[LivePreorder, int] = {}
    rows = list(item_rows(items, product_index, location_index, preorder_index))
    return Snapshot(
        format=FORMAT,
        site=site,
        catalog=catalog,
        since=since,
        full_at=full_at,
        products=[_product_row(p) for p in products],
        product_ids=list(product_index),
        location_ids=list(location_index),
        preorders=[PreorderRow(p.enabled, p.message, p.limit, p.counter) for p in preorder_index],
        items=rows,
    )


def drained(rows: list[_Row]) -> Iterator[_Row]:
    """``rows`` in order, each let go of by the list as it is taken.

    A refresh builds the store from a snapshot's rows; taken this way, each
    row is freed as its live object is made (they share their strings), so
    the rows and the store are not both whole in memory (about 30 MB at
    10,000 products). The list is empty afterwards.
    """
    rows.reverse()
    while rows:
        yield rows.pop()


def items_of(snapshot: Snapshot) -> Iterator[LiveInventoryItem]:
    """The stock items, rebuilt, taking the snapshot's item rows (:func:`drained`);
    SnapshotError if an index points nowhere."""
    preorders = [LivePreorder(p.enabled, p.message, p.limit, p.counter) for p in snapshot.preorders]
    # One string for equal values: a variant's id is in each of its items, and a bulk
    # write stamps many items with one revision and one date (decoded apart, each a copy).
    shared: dict[str, str] = {}
    try:
        for row in drained(snapshot.items):
            if min(row.product, row.location, row.preorder) < 0:
                raise IndexError(row.id)
            yield (
                LiveInventoryItem(
                    id=row.id,
                    revision=shared.setdefault(row.revision, row.revision),
                    product_id=snapshot.product_ids[row.product],
                    variant_id=shared.setdefault(row.variant_id, row.variant_id),
                    location_id=snapshot.location_ids[row.location],
                    tracking="quantity" if row.quantity is not None else "in_stock",
                    quantity=row.quantity,
                    in_stock=None if row.quantity is not None else bool(row.in_stock),
                    preorder=preorders[row.preorder],
                    updated=shared.setdefault(row.updated, row.updated),
                )
            )
    except IndexError:
        raise SnapshotError(
            "the snapshot's stock items point at entries it does not have"
        ) from None


# --- the file ---------------------------------------------------------------------------

_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(Snapshot)


def _check_folder(folder: Path) -> None:
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise SnapshotError(f"{folder} is not a plain folder (a symlink?); snapshots are not used")


def load(path: Path, key: SnapshotKey) -> Snapshot:
    """The snapshot at ``path``; SnapshotError (with the reason) when there is none to trust."""
    _check_folder(path.parent)
    try:
        # O_NONBLOCK: a FIFO in its place must not hang the plan (regular files ignore it).
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise SnapshotError("no snapshot of this site yet") from None
    except OSError as exc:
        # ELOOP: the file is a symlink; anything else: unreadable. Either way, not used.
        raise SnapshotError(f"the snapshot cannot be opened ({exc.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        # Before fdopen, which refuses a folder with IsADirectoryError.
        os.close(fd)
        raise SnapshotError("the snapshot is not a regular file")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > MAX_BYTES:
            raise SnapshotError(f"the snapshot is larger than {MAX_BYTES // 2**20} MiB")
        packed = handle.read(MAX_BYTES + 1)
    body = _verified(packed, key)
    try:
        inflate = zlib.decompressobj()
        raw = inflate.decompress(body, MAX_RAW_BYTES)
        if inflate.unconsumed_tail:
            raise SnapshotError(f"the snapshot unpacks to more than {MAX_RAW_BYTES // 2**20} MiB")
        snapshot = _DECODER.decode(raw)
    except (zlib.error, msgspec.MsgspecError) as exc:
        raise SnapshotError(f"the snapshot file is not valid ({exc})") from None
    if snapshot.format != FORMAT:
        raise SnapshotError(f"the snapshot has format {snapshot.format}, not {FORMAT}")
    return snapshot


def _verified(packed: bytes, key: SnapshotKey) -> bytes:
    """The body of a snapshot file whose signature ``key`` checks; SnapshotError otherwise."""
    if not packed.startswith(MAGIC) or len(packed) < _HEADER:
        raise SnapshotError(
            "the snapshot is not signed (an older version wrote it, or it is not a snapshot)"
        )
    key_id = packed[len(MAGIC) : len(MAGIC) + _KEY_ID]
    tag = packed[len(MAGIC) + _KEY_ID : _HEADER]
    if not hmac.compare_digest(key_id, key.key_id):
        raise SnapshotError(
            f"the snapshot was signed with another key than this run's ({key.source}): "
            "another user's, another CI secret, or someone else's"
        )
    if not key.verifies(packed[: len(MAGIC) + _KEY_ID] + packed[_HEADER:], tag):
        raise SnapshotError("the snapshot was changed after it was written (bad signature)")
    return packed[_HEADER:]


def save(path: Path, snapshot: Snapshot, key: SnapshotKey) -> None:
    """Write ``snapshot`` signed with ``key``, atomically; SnapshotError when the folder
    cannot be used. (A whole store is written as it is encoded: :mod:`.snapshot_stream`.)"""
    write_signed(path, key, iter([_ENCODER.encode(snapshot)]))


def write_signed(path: Path, key: SnapshotKey, body: Iterator[bytes]) -> None:
    """Write the msgpack ``body``, compressed and signed, piece by piece, atomically.

    The tag covers ``MAGIC``, the key id and the compressed body; it sits
    before the body, so its place is written last. No piece of the file is
    held whole: a 10,000-product store's body is about 20 MB encoded.
    """
    folder = path.parent
    _check_folder(folder)
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        ignore = folder / ".gitignore"
        if not os.path.lexists(ignore):
            ignore.write_text("# Local state of inventory-as-code: never commit it.\n*\n")
        temp = folder / f".{path.name}.{os.getpid()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(temp, flags, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                signed = MAGIC + key.key_id
                mac = key.signer()
                mac.update(signed)
                handle.write(signed + bytes(_TAG))
                deflate = zlib.compressobj(1)
                for piece in body:
                    packed = deflate.compress(piece)
                    mac.update(packed)
                    handle.write(packed)
                packed = deflate.flush()
                mac.update(packed)
                handle.write(packed)
                handle.seek(len(signed))
                handle.write(mac.digest())
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SnapshotError(f"cannot write the snapshot in {folder} ({exc.strerror})") from None


def now() -> datetime:
    return datetime.now(UTC)
