"""The client against Wix's own declarations (issue 14, "Client").

Scripted answers (httpx.MockTransport) pin each rule exactly; a few tests run
the same rules against the emulator, which now answers the way Wix does.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.wix import (
    Adjustment,
    ItemStatus,
    LocationNotReadyError,
    OutcomeUnknownError,
    RateLimitError,
    WixClient,
)

from .test_client_unit import Script, error, make_client, ok

# --- paging ---------------------------------------------------------------------------


def test_cursor_paging_stops_on_has_next_false_even_with_a_cursor() -> None:
    page = {
        "products": [{"id": "p1"}],
        "pagingMetadata": {"count": 1, "cursors": {"next": "more?"}, "hasNext": False},
    }
    script = Script(ok(page), ok({"products": [{"id": "p2"}]}))
    client, _ = make_client(script)
    assert [p["id"] for p in client.products.query()] == ["p1"]
    assert len(script.requests) == 1


# --- increment / decrement --------------------------------------------------------------


def test_preorder_request_is_sent_on_decrements_only() -> None:
    script = Script(ok({"results": []}))
    client, _ = make_client(script)
    client.inventory.bulk_decrement([Adjustment(1, inventory_item_id="i1", preorder_request=True)])
    assert json.loads(script.requests[0].content)["decrementData"] == [
        {"decrementBy": 1, "inventoryItemId": "i1", "preorderRequest": True}
    ]
    assert Adjustment(1, variant_id="v", preorder_request=True).to_json("incrementBy") == {
        "incrementBy": 1,
        "variantId": "v",
    }
    with pytest.raises(ValueError, match="decrements only"):
        client.inventory.bulk_increment(
            [Adjustment(1, inventory_item_id="i", preorder_request=True)]
        )
    assert len(script.requests) == 1


class AllOrNothing:
    """Wix's bulk decrement: one refused entry fails the whole request (428), nothing applied."""

    def __init__(self, refused: dict[str, str]) -> None:
        self.refused = refused  # item id -> Wix code
        self.applied: list[str] = []
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        entries = json.loads(request.content)["decrementData"]
        for entry in entries:
            code = self.refused.get(entry["inventoryItemId"])
            if code:
                return error(428, code, f"item {entry['inventoryItemId']} refused")
        self.applied.extend(e["inventoryItemId"] for e in entries)
        results = [
            {"itemMetadata": {"id": e["inventoryItemId"], "originalIndex": n, "success": True}}
            for n, e in enumerate(entries)
        ]
        return ok({"results": results, "bulkActionMetadata": {"totalSuccesses": len(results)}})


def test_a_refused_entry_is_isolated_and_the_rest_applied_exactly_once() -> None:
    wix = AllOrNothing({"i2": "INSUFFICIENT_INVENTORY", "i5": "INVENTORY_QUANTITY_NOT_TRACKED"})
    client, _ = make_client(Script(wix))
    ids = [f"i{n}" for n in range(8)]
    result = client.inventory.bulk_decrement([Adjustment(1, inventory_item_id=i) for i in ids])
    assert [r.index for r in result.items] == list(range(8))
    assert [(r.index, r.error.code if r.error else None) for r in result.failed] == [
        (2, "INSUFFICIENT_INVENTORY"),
        (5, "INVENTORY_QUANTITY_NOT_TRACKED"),
    ]
    assert sorted(wix.applied) == sorted(set(ids) - {"i2", "i5"})  # each exactly once
    assert result.error is None and result.calls == wix.requests
    assert result.calls <= 1 + 2 * 2 * 3  # bisection: a few calls per refused entry


def test_an_unknown_outcome_while_splitting_is_never_resent() -> None:
    wix = AllOrNothing({"i0": "INSUFFICIENT_INVENTORY"})
    answers: list[Any] = [wix, wix, wix, httpx.ReadTimeout("lost"), wix]
    script = Script(*answers)
    client, _ = make_client(script)
    adjustments = [Adjustment(1, inventory_item_id=f"i{n}") for n in range(4)]
    result = client.inventory.bulk_decrement(adjustments)
    # [0..3] refused -> [0,1] refused -> [0] refused -> [1]: no answer -> stop.
    statuses = [r.status for r in result.items]
    assert statuses == [
        ItemStatus.FAILED,
        ItemStatus.UNKNOWN,
        ItemStatus.NOT_ATTEMPTED,
        ItemStatus.NOT_ATTEMPTED,
    ]
    assert isinstance(result.error, OutcomeUnknownError)
    assert len(script.requests) == 4 and wix.applied == []


def test_other_428s_are_not_split() -> None:
    script = Script(error(428, "CATALOG_V3_NOT_AVAILABLE"))
    client, _ = make_client(script)
    result = client.inventory.bulk_increment(
        [Adjustment(1, inventory_item_id=f"i{n}") for n in range(4)]
    )
    assert len(script.requests) == 1
    assert [r.status for r in result.items] == [ItemStatus.FAILED] * 4


# --- HTML bodies ---------------------------------------------------------------------------

HTML_429 = httpx.Response(
    429,
    content=b"<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head>"
    b"<body><h1>Slow down</h1></body></html>",
    headers={"content-type": "text/html"},
)


def test_an_html_429_is_retried_like_any_429() -> None:
    script = Script(HTML_429, ok({"catalogVersion": "V3_CATALOG"}))
    client, _ = make_client(script)
    assert client.catalog.version() == "V3_CATALOG"
    assert client.stats.snapshot().throttled == 1


def test_a_persistent_html_429_gives_a_clean_error() -> None:
    client, _ = make_client(Script(HTML_429))
    with pytest.raises(RateLimitError) as caught:
        client.catalog.version()
    text = str(caught.value)
    assert "HTML page" in text and "429 Too Many Requests" in text
    assert "<" not in text


# --- products with inventory ------------------------------------------------------------


def _product(slug: str, variants: list[dict[str, Any]], *, live: bool = False) -> dict[str, Any]:
    """A body with what Wix requires: a create's name and type, an update's id and
    revision, a price on every variant."""
    priced = [{"price": {"actualPrice": {"amount": "1.00"}}, **v} for v in variants]
    body: dict[str, Any] = {"slug": slug, "variantsInfo": {"variants": priced}}
    if live:
        return {"id": f"p{slug}", "revision": "1", **body}
    return {"name": slug.upper(), "productType": "PHYSICAL", **body}


def _inv(item: dict[str, Any] | None = None, **meta: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"itemMetadata": {"success": True, **meta}}
    if item is not None:
        out["item"] = item
    return out


def _answer(inventory: dict[str, Any], products: list[dict[str, Any]]) -> httpx.Response:
    results = [
        {"itemMetadata": {"id": p["id"], "originalIndex": n, "success": True}, "item": p}
        for n, p in enumerate(products)
    ]
    return ok({"productResults": {"results": results}, "inventoryResults": inventory})


def test_inventory_results_are_matched_by_ids_not_by_original_index() -> None:
    products = [
        _product("a", [{"id": "va", "inventoryItem": {"quantity": 1}}]),
        _product("b", [{"inventoryItem": {"quantity": 2}}, {"inventoryItem": {"quantity": 3}}]),
    ]
    returned = [
        {"id": "pa", "variantsInfo": {"variants": [{"id": "va"}]}},
        {"id": "pb", "variantsInfo": {"variants": [{"id": "vb0"}, {"id": "vb1"}]}},
    ]
    # originalIndex counted per product here, and the results come in another order.
    inventory = {
        "results": [
            _inv({"id": "ib1", "variantId": "vb1"}, id="ib1", originalIndex=1),
            {
                "itemMetadata": {
                    "id": "ib0",
                    "originalIndex": 0,
                    "success": False,
                    "error": {"code": "PRE_ORDER_VALIDATION", "description": "no"},
                },
                "item": {"variantId": "vb0"},
            },
            _inv({"id": "ia", "variantId": "va"}, id="ia", originalIndex=0),
        ]
    }
    client, _ = make_client(Script(_answer(inventory, returned)))
    result = client.products.bulk_create(products, with_inventory=True, return_entity=True)  # type: ignore[arg-type]
    assert result.inventory is not None and result.extras  # raw extras are kept too
    got = [(e.product_index, e.variant_index, e.status, e.id) for e in result.inventory.entries]
    assert got == [
        (0, 0, ItemStatus.APPLIED, "ia"),
        (1, 0, ItemStatus.FAILED, "ib0"),
        (1, 1, ItemStatus.APPLIED, "ib1"),
    ]
    failed = result.inventory.of(1, 0)
    assert failed is not None and failed.error is not None
    assert failed.error.code == "PRE_ORDER_VALIDATION"


def test_results_without_ids_are_not_guessed_when_the_numbering_is_ambiguous() -> None:
    products = [
        _product("a", [{"inventoryItem": {"quantity": 1}}]),
        _product("b", [{"inventoryItem": {"quantity": 2}}]),
    ]
    inventory = {"results": [_inv(originalIndex=0), _inv(originalIndex=0)]}
    client, _ = make_client(Script(_answer(inventory, [{"id": "pa"}, {"id": "pb"}])))
    result = client.products.bulk_create(products, with_inventory=True)  # type: ignore[arg-type]
    assert result.inventory is not None
    assert [e.status for e in result.inventory.entries] == [ItemStatus.UNKNOWN] * 2
    assert not result.inventory.ok
    # Unique positions are read as counting the request's inventory entries.
    inventory = {"results": [_inv(originalIndex=1, id="ib"), _inv(originalIndex=0, id="ia")]}
    client, _ = make_client(Script(_answer(inventory, [{"id": "pa"}, {"id": "pb"}])))
    result = client.products.bulk_create(products, with_inventory=True)  # type: ignore[arg-type]
    assert result.inventory is not None
    assert [e.id for e in result.inventory.entries] == ["ia", "ib"]


def test_a_whole_inventory_part_error_fails_every_stock_entry() -> None:
    products = [_product("a", [{"inventoryItem": {"quantity": 1}}, {"sku": "no-stock"}], live=True)]
    inventory = {"results": [], "error": {"code": "INVENTORY_SERVICE_DOWN", "description": "x"}}
    client, _ = make_client(Script(_answer(inventory, [{"id": "pa"}])))
    result = client.products.bulk_update(products, with_inventory=True)  # type: ignore[arg-type]
    assert result.ok  # the products themselves were written
    assert result.inventory is not None and not result.inventory.ok
    assert [e.code for e in result.inventory.errors] == ["INVENTORY_SERVICE_DOWN"]
    (entry,) = result.inventory.entries  # only the variant that carried inventoryItem
    assert entry.status is ItemStatus.FAILED and entry.error is not None
    assert entry.error.code == "INVENTORY_SERVICE_DOWN"


def test_stock_of_products_that_were_not_written_is_not_attempted() -> None:
    products = [_product(s, [{"inventoryItem": {"quantity": 1}}]) for s in ("a", "b")]
    script = Script(error(403, message="no"))
    client, _ = make_client(script)
    result = client.products.bulk_create(products, with_inventory=True)  # type: ignore[arg-type]
    assert result.inventory is not None
    assert [e.status for e in result.inventory.entries] == [ItemStatus.NOT_ATTEMPTED] * 2


# --- waiting for a new location ---------------------------------------------------------


def test_waits_with_backoff_until_the_stores_location_appears() -> None:
    empty = ok({"storesLocations": [], "pagingMetadata": {"hasNext": False}})
    found = ok({"storesLocations": [{"id": "s1", "wixLocationId": "w1"}]})
    script = Script(empty, empty, empty, found)
    client, sleeps = make_client(script)
    assert client.locations.wait_for_stores_location("w1")["id"] == "s1"
    assert sleeps == [0.5, 1.0, 2.0]
    sent = json.loads(script.requests[0].content)["query"]
    assert sent["filter"] == {"wixLocationId": "w1"}


def test_gives_up_after_the_time_allowed_with_a_clear_error() -> None:
    empty = ok({"storesLocations": []})
    client, sleeps = make_client(Script(empty))
    with pytest.raises(LocationNotReadyError) as caught:
        client.locations.wait_for_stores_location("w1", timeout=30)
    assert sum(sleeps) == pytest.approx(30) and max(sleeps) <= 5
    assert caught.value.wix_location_id == "w1" and "w1" in str(caught.value)
    assert "30 s" in str(caught.value)


# --- against the emulator ----------------------------------------------------------------


def test_decrement_with_one_sold_out_item_against_the_emulator() -> None:
    emulator = Emulator(id_seed=3)
    variant = {"price": {"actualPrice": {"amount": "1"}}, "inventoryItem": {"quantity": 2}}
    seed = {
        "siteId": "site",
        "products": [
            {"name": f"P{n}", "productType": "DIGITAL", "variantsInfo": {"variants": [variant]}}
            for n in range(5)
        ],
    }
    emulator.seed(seed)
    client = WixClient(
        api_key="k",
        site_id="site",
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
    )
    items = sorted(client.inventory.query(), key=lambda i: i["id"])
    amounts = [1, 1, 3, 1, 2]  # the third asks for more than its 2 in stock
    result = client.inventory.bulk_decrement(
        [Adjustment(a, inventory_item_id=i["id"]) for a, i in zip(amounts, items, strict=True)]
    )
    assert [(r.index, r.error.code if r.error else None) for r in result.failed] == [
        (2, "INSUFFICIENT_INVENTORY")
    ]
    after = {i["id"]: i["quantity"] for i in client.inventory.query()}
    assert [after[i["id"]] for i in items] == [1, 1, 2, 1, 0]
    client.close()
    emulator.close()


def test_a_404_is_not_split_because_its_outcome_is_not_documented() -> None:
    script = Script(error(404, "NOT_FOUND"))
    client, _ = make_client(script)
    result = client.inventory.bulk_decrement(
        [Adjustment(1, inventory_item_id=f"i{n}") for n in range(4)]
    )
    assert len(script.requests) == 1
    assert [r.status for r in result.items] == [ItemStatus.FAILED] * 4
