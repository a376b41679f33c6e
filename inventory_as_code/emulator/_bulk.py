"""Bulk call plumbing: size checks and per-item results.

Item-level errors (validation of one item, business rules, not found, stale
revision) become ``success: false`` entries with ``error {code, description,
data}``; only request-level problems (array missing or too long, malformed
JSON) fail the whole call with 400. The exception is bulk increment/decrement,
which fail as a whole with 428 (``_adjust``, Corrections 2). Each item runs in
a SAVEPOINT so a failed item leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._db import savepoint
from inventory_as_code.emulator._errors import ApiError, invalid
from inventory_as_code.emulator._util import JsonDict

ItemFn = Callable[[int, Any], tuple[str | None, JsonDict | None]]


def items_of(body: JsonDict, key: str, maximum: int) -> list[Any]:
    items = body.get(key)
    if not isinstance(items, list) or not items:
        raise invalid(
            key, f"must contain between 1 and {maximum} elements", violated_rule="MIN_SIZE"
        )
    if len(items) > maximum:
        raise invalid(key, f"must contain at most {maximum} elements", violated_rule="MAX_SIZE")
    return items


def run_bulk(
    ctx: Ctx,
    items: list[Any],
    fn: ItemFn,
    *,
    return_entity: bool,
    id_of: Callable[[Any], str | None] = lambda _item: None,
    index_offset: int = 0,
) -> JsonDict:
    results: list[JsonDict] = []
    successes = failures = 0
    for index, item in enumerate(items, start=index_offset):
        try:
            with savepoint(ctx.conn):
                entity_id, entity = fn(index - index_offset, item)
        except ApiError as err:
            failures += 1
            meta: JsonDict = {}
            known = id_of(item)
            if known:
                meta["id"] = known
            meta.update({"originalIndex": index, "success": False, "error": err.item_error()})
            results.append({"itemMetadata": meta})
            continue
        successes += 1
        result: JsonDict = {
            "itemMetadata": {"id": entity_id, "originalIndex": index, "success": True}
        }
        if return_entity and entity is not None:
            result["item"] = entity
        results.append(result)
    return {
        "results": results,
        "bulkActionMetadata": {
            "totalSuccesses": successes,
            "totalFailures": failures,
            "undetailedFailures": 0,
        },
    }


def flag(body: JsonDict, key: str, default: bool = False) -> bool:
    value = body.get(key, default)
    if isinstance(value, str):  # GET-form strings
        return value.lower() == "true"
    return bool(value)


def merge(parts: list[JsonDict]) -> JsonDict:
    """Concatenate several bulk results into one (e.g. inventory of many products)."""
    results = [r for part in parts for r in part["results"]]
    meta = {
        key: sum(part["bulkActionMetadata"][key] for part in parts)
        for key in ("totalSuccesses", "totalFailures", "undetailedFailures")
    }
    return {"results": results, "bulkActionMetadata": meta}
