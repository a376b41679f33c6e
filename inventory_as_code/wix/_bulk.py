"""Splitting bulk work at the Wix limits and reading per-item results.

A bulk call answers 200 even when some of its items failed; the failures are
in ``results[].itemMetadata`` (matched to the request by ``originalIndex``)
and counted in ``bulkActionMetadata``. :func:`run_bulk` sends one call per
chunk and returns one :class:`BulkItemResult` per input item, in input order,
with one of four statuses, so a caller can report exactly what was applied,
what failed and why, what may or may not have happened, and what was never
tried.

When a whole call fails (a request-level error, or retries exhausted), the
run stops: that chunk's items take the error (``UNKNOWN`` when the outcome
is unknown) and later chunks are ``NOT_ATTEMPTED``. Going on after, say, an
authentication error would only repeat it.

Some calls fail as a whole because of one entry and apply nothing (bulk
increment/decrement: a 428 for the request). For those, ``split_on`` names
the errors that prove nothing was applied: the chunk is halved and each half
sent again, until the refused entries stand alone and are reported ``FAILED``
with Wix's code; every other entry is applied. Nothing that may have been
applied is ever resent: an unknown outcome still stops the run.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.wix._exceptions import OutcomeUnknownError, WixAPIError, WixError

JSON = dict[str, Any]


class ItemStatus(enum.Enum):
    APPLIED = "applied"
    FAILED = "failed"
    UNKNOWN = "unknown"
    NOT_ATTEMPTED = "not_attempted"


@dataclass(frozen=True, slots=True)
class ItemError:
    code: str
    description: str
    data: JSON = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BulkItemResult:
    index: int
    status: ItemStatus
    id: str | None = None
    error: ItemError | None = None
    item: JSON | None = None

    @property
    def ok(self) -> bool:
        return self.status is ItemStatus.APPLIED


@dataclass(frozen=True, slots=True)
class InventoryEntryResult:
    """The default-location stock item of one variant sent with ``inventoryItem``."""

    product_index: int  # position of the product in the caller's list
    variant_index: int  # position of the variant in that product's variantsInfo.variants
    status: ItemStatus
    id: str | None = None  # inventory item id
    variant_id: str | None = None
    error: ItemError | None = None
    item: JSON | None = None

    @property
    def ok(self) -> bool:
        return self.status is ItemStatus.APPLIED


@dataclass(frozen=True, slots=True)
class InventoryResults:
    """One entry per variant that carried ``inventoryItem``, in request order."""

    entries: tuple[InventoryEntryResult, ...]
    # ``inventoryResults.error`` of every call that had one (the whole part failed).
    errors: tuple[ItemError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors and all(e.ok for e in self.entries)

    @property
    def failed(self) -> list[InventoryEntryResult]:
        return [e for e in self.entries if not e.ok]

    def of(self, product_index: int, variant_index: int) -> InventoryEntryResult | None:
        for entry in self.entries:
            if (entry.product_index, entry.variant_index) == (product_index, variant_index):
                return entry
        return None


@dataclass(frozen=True, slots=True)
class BulkResult:
    items: tuple[BulkItemResult, ...]
    calls: int
    error: WixError | None = None
    # Raw per-call extras, e.g. ``inventoryResults`` of products-with-inventory calls.
    extras: tuple[JSON, ...] = ()
    # Products-with-inventory calls: the stock part, matched to the request's variants.
    inventory: InventoryResults | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and all(r.ok for r in self.items)

    def with_status(self, status: ItemStatus) -> list[BulkItemResult]:
        return [r for r in self.items if r.status is status]

    @property
    def applied(self) -> list[BulkItemResult]:
        return self.with_status(ItemStatus.APPLIED)

    @property
    def failed(self) -> list[BulkItemResult]:
        return self.with_status(ItemStatus.FAILED)


def chunk_by_count(count: int, size: int) -> list[range]:
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def chunk_by_totals(sizes: Sequence[Sequence[int]], limits: Sequence[int]) -> list[range]:
    """Consecutive chunks whose summed sizes stay within ``limits`` in every dimension.

    ``sizes[i]`` is entry i's size per dimension (for products: 1 product, its
    variants, its options...), ``limits`` the most one call carries of each.
    Greedy in input order, which is optimal for consecutive chunks: a chunk is
    closed only when the next entry would break a limit, and a shorter chunk
    never breaks one. An entry that alone exceeds a limit raises ``ValueError``:
    no call could carry it.
    """
    chunks: list[range] = []
    start = 0
    totals = [0] * len(limits)
    for index, size in enumerate(sizes):
        for value, limit in zip(size, limits, strict=True):
            if value > limit:
                raise ValueError(f"entry {index} alone has {value}, over the limit of {limit}")
        if index > start and any(
            total + value > limit for total, value, limit in zip(totals, size, limits, strict=True)
        ):
            chunks.append(range(start, index))
            start, totals = index, [0] * len(limits)
        totals = [total + value for total, value in zip(totals, size, strict=True)]
    if start < len(sizes):
        chunks.append(range(start, len(sizes)))
    return chunks


def parse_results(results_block: JSON, chunk: range) -> list[BulkItemResult]:
    """Turn one bulk response's ``results`` into per-item results for ``chunk``."""
    by_index: dict[int, BulkItemResult] = {}
    for position, raw in enumerate(results_block.get("results") or []):
        meta = raw.get("itemMetadata") or {}
        local = meta.get("originalIndex", position)
        if not isinstance(local, int) or not 0 <= local < len(chunk):
            continue
        error = meta.get("error")
        success = bool(meta.get("success", error is None))
        by_index[local] = BulkItemResult(
            index=chunk[local],
            status=ItemStatus.APPLIED if success else ItemStatus.FAILED,
            id=meta.get("id"),
            error=None
            if success
            else ItemError(
                code=str((error or {}).get("code") or "UNKNOWN_ERROR"),
                description=str((error or {}).get("description") or ""),
                data=dict((error or {}).get("data") or {}),
            ),
            item=raw.get("item"),
        )
    items = []
    for local, index in enumerate(chunk):
        result = by_index.get(local)
        if result is None:
            # Beyond Wix's threshold for detailed reporting failures come
            # without an entry ("undetailedFailures").
            result = BulkItemResult(
                index=index,
                status=ItemStatus.FAILED,
                error=ItemError(
                    code="UNDETAILED_FAILURE",
                    description="Wix reported no result for this item (an undetailed failure)",
                ),
            )
        items.append(result)
    return items


def run_bulk(
    chunks: Sequence[range],
    send: Callable[[range], JSON],
    results_of: Callable[[JSON], JSON] = lambda response: response,
    extras_of: Callable[[JSON], JSON | None] = lambda response: None,
    split_on: Callable[[WixError], bool] | None = None,
) -> BulkResult:
    """Send one call per chunk; ``send`` builds and posts the body for a chunk.

    ``split_on``: errors after which the chunk is known to be unapplied and is
    halved and resent (see the module notes).
    """
    items: list[BulkItemResult] = []
    extras: list[JSON] = []
    calls = 0
    pending = list(chunks)  # in input order; halves go back in front
    while pending:
        chunk = pending.pop(0)
        calls += 1
        try:
            response = send(chunk)
        except WixError as exc:
            error = ItemError(code=_code_of(exc), description=str(exc))
            if split_on is not None and split_on(exc):
                if len(chunk) > 1:
                    half = len(chunk) // 2
                    pending[:0] = [chunk[:half], chunk[half:]]
                else:
                    items.append(BulkItemResult(chunk[0], ItemStatus.FAILED, error=error))
                continue
            status = (
                ItemStatus.UNKNOWN if isinstance(exc, OutcomeUnknownError) else ItemStatus.FAILED
            )
            items.extend(BulkItemResult(index=i, status=status, error=error) for i in chunk)
            for later in pending:
                items.extend(
                    BulkItemResult(index=i, status=ItemStatus.NOT_ATTEMPTED) for i in later
                )
            return BulkResult(items=tuple(items), calls=calls, error=exc, extras=tuple(extras))
        items.extend(parse_results(results_of(response), chunk))
        extra = extras_of(response)
        if extra is not None:
            extras.append(extra)
    return BulkResult(items=tuple(items), calls=calls, extras=tuple(extras))


def _code_of(exc: WixError) -> str:
    return (exc.code if isinstance(exc, WixAPIError) else None) or type(exc).__name__
