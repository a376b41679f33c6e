"""The inventory part of products-with-inventory answers, matched to the request.

A bulk create/update of products *with inventory* answers
``{"productResults": ..., "inventoryResults": {"results", "bulkActionMetadata",
"error"?}}``. Two things make the inventory part easy to misread
(Corrections 9 in ``shared/wix-api``):

* ``inventoryResults.error`` is an ApplicationError for the whole inventory
  part: the products may be written while none of their stock is.
* How ``itemMetadata.originalIndex`` counts inventory items across the
  products of one request is not documented.

So each result is matched to the variant it belongs to by the ids it carries,
in this order: ``item.variantId`` (with ``returnEntity``), against the
request's variant ids and the ids of the products Wix returned (variants keep
their order); then ``itemMetadata.id`` against the request's
``inventoryItem.id``; only then ``originalIndex``, read as counting the
inventory entries of the whole request in order, and only when that reading
is unambiguous. An entry no result could be attributed to is ``UNKNOWN``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from inventory_as_code.wix._bulk import (
    BulkItemResult,
    BulkResult,
    InventoryEntryResult,
    InventoryResults,
    ItemError,
    ItemStatus,
)

JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Wanted:
    product_index: int
    variant_index: int
    variant_id: str | None
    item_id: str | None


def _variants(product: Mapping[str, Any]) -> list[Any]:
    return list((product.get("variantsInfo") or {}).get("variants") or [])


def _wanted(products: Sequence[Mapping[str, Any]], chunk: range) -> list[_Wanted]:
    out = []
    for p in chunk:
        for v, variant in enumerate(_variants(products[p])):
            if isinstance(variant, Mapping) and variant.get("inventoryItem") is not None:
                item = variant["inventoryItem"]
                out.append(_Wanted(p, v, variant.get("id"), item.get("id")))
    return out


def _error(raw: Any) -> ItemError:
    raw = raw if isinstance(raw, Mapping) else {}
    return ItemError(
        code=str(raw.get("code") or "UNKNOWN_ERROR"),
        description=str(raw.get("description") or ""),
        data=dict(raw.get("data") or {}),
    )


def _match_call(
    products: Sequence[Mapping[str, Any]],
    chunk: range,
    product_items: Mapping[int, BulkItemResult],
    block: JSON,
) -> tuple[list[InventoryEntryResult], ItemError | None]:
    wanted = _wanted(products, chunk)
    by_variant: dict[str, int] = {}
    by_item: dict[str, int] = {}
    for n, w in enumerate(wanted):
        if w.variant_id:
            by_variant[w.variant_id] = n
        if w.item_id:
            by_item[w.item_id] = n
        returned = (product_items.get(w.product_index) or BulkItemResult(0, ItemStatus.FAILED)).item
        if returned:
            variants = _variants(returned)
            if len(variants) == len(_variants(products[w.product_index])):
                vid = (variants[w.variant_index] or {}).get("id")
                if vid:
                    by_variant.setdefault(str(vid), n)
    matched: dict[int, JSON] = {}
    unmatched: list[JSON] = []
    for raw in block.get("results") or []:
        item = raw.get("item") or {}
        meta = raw.get("itemMetadata") or {}
        found = by_variant.get(str(item.get("variantId")))
        if found is None:
            found = by_item.get(str(meta.get("id")))
        if found is None or found in matched:
            unmatched.append(raw)
        else:
            matched[found] = raw

    # The last resort: originalIndex as a position among the request's inventory
    # entries - only if the results matched by id agree with that reading and no
    # two leftover results claim the same position.
    def position(raw: JSON) -> Any:
        return (raw.get("itemMetadata") or {}).get("originalIndex")

    positions = [position(raw) for raw in unmatched]
    agrees = all(position(raw) in (None, n) for n, raw in matched.items())
    if agrees and len(set(positions)) == len(positions):
        for raw, at in zip(unmatched, positions, strict=True):
            if isinstance(at, int) and 0 <= at < len(wanted) and at not in matched:
                matched[at] = raw
    whole = _error(block["error"]) if block.get("error") else None
    return [_entry(w, matched.get(n), whole) for n, w in enumerate(wanted)], whole


def _entry(w: _Wanted, raw: JSON | None, whole: ItemError | None) -> InventoryEntryResult:
    if raw is None:
        if whole is not None:
            return InventoryEntryResult(
                w.product_index, w.variant_index, ItemStatus.FAILED, error=whole
            )
        return InventoryEntryResult(
            w.product_index,
            w.variant_index,
            ItemStatus.UNKNOWN,
            error=ItemError(
                "UNMATCHED_INVENTORY_RESULT",
                "Wix's answer has no inventory result that can be told to be this variant's; "
                "re-read the variant's stock",
            ),
        )
    meta = raw.get("itemMetadata") or {}
    item = raw.get("item")
    success = bool(meta.get("success", meta.get("error") is None))
    return InventoryEntryResult(
        w.product_index,
        w.variant_index,
        ItemStatus.APPLIED if success else ItemStatus.FAILED,
        id=meta.get("id") or (item or {}).get("id"),
        variant_id=(item or {}).get("variantId") or w.variant_id,
        error=None if success else _error(meta.get("error")),
        item=item,
    )


def _behind_product(
    entry: InventoryEntryResult, product: BulkItemResult | None
) -> InventoryEntryResult:
    """A product Wix did not write had no stock written either."""
    if product is None or product.status is ItemStatus.APPLIED:
        return entry
    unwritten = product.status in (ItemStatus.FAILED, ItemStatus.NOT_ATTEMPTED)
    if unwritten and entry.status is not ItemStatus.APPLIED:
        return InventoryEntryResult(
            entry.product_index,
            entry.variant_index,
            ItemStatus.NOT_ATTEMPTED,
            error=ItemError("PRODUCT_NOT_WRITTEN", "its product was not written"),
        )
    # The product's outcome is unknown (or Wix reports stock for a failed
    # product): the stock's outcome cannot be known either.
    return InventoryEntryResult(entry.product_index, entry.variant_index, ItemStatus.UNKNOWN)


def inventory_results(
    products: Sequence[Mapping[str, Any]], chunks: Sequence[range], result: BulkResult
) -> InventoryResults:
    """Match the ``inventoryResults`` of each call (``result.extras``) to the request."""
    by_product = {r.index: r for r in result.items}
    entries: list[InventoryEntryResult] = []
    errors: list[ItemError] = []
    # run_bulk stops at the first failed call, so the k-th extra is the k-th chunk's.
    for k, chunk in enumerate(chunks):
        if k < len(result.extras):
            found, whole = _match_call(products, chunk, by_product, result.extras[k])
            if whole is not None:
                errors.append(whole)
        else:  # the call failed or was never made: the products' statuses decide
            found = [
                InventoryEntryResult(w.product_index, w.variant_index, ItemStatus.NOT_ATTEMPTED)
                for w in _wanted(products, chunk)
            ]
        entries.extend(
            _behind_product(entry, by_product.get(entry.product_index)) for entry in found
        )
    return InventoryResults(tuple(entries), tuple(errors))
