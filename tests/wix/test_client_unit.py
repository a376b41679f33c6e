"""The client's HTTP core against scripted answers (httpx.MockTransport).

These pin down retry and safety rules exactly: which failures are retried,
which are never resent, and what the caller is told.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import httpx
import pytest

from inventory_as_code.wix import (
    Adjustment,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ItemStatus,
    OutcomeUnknownError,
    PermissionDeniedError,
    PreconditionError,
    RateLimitError,
    RetryPolicy,
    WixClient,
    WixConfigError,
    WixTransportError,
)
from inventory_as_code.wix._ratelimit import RateLimiter
from inventory_as_code.wix._retry import parse_retry_after

KEY = "IAC-SECRET-KEY-0123456789"

Handler = Callable[[httpx.Request], httpx.Response]


class Script:
    """Answers requests from a list of responses/exceptions, recording what came in."""

    def __init__(self, *answers: httpx.Response | Exception | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)


class FakeClock:
    def __init__(self, sleeps: list[float] | None = None) -> None:
        self.now = 0.0
        self.sleeps = sleeps if sleeps is not None else []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(script: Script, **kwargs: object) -> tuple[WixClient, list[float]]:
    sleeps: list[float] = []
    clock = FakeClock(sleeps)
    client = WixClient(
        api_key=KEY,
        site_id="site-1",
        base_url="http://127.0.0.1:9",
        transport=httpx.MockTransport(script),
        retry=kwargs.pop("retry", RetryPolicy(max_attempts=4, base_delay=0.01, throttle_delay=0.5)),  # type: ignore[arg-type]
        sleep=clock.sleep,
        clock=clock,
        **kwargs,  # type: ignore[arg-type]
    )
    return client, sleeps


def ok(body: object) -> httpx.Response:
    return httpx.Response(200, json=body)


def error(status: int, code: str | None = None, message: str = "boom") -> httpx.Response:
    body: dict[str, object] = {"message": message}
    if code:
        body["details"] = {"applicationError": {"code": code, "description": message, "data": {}}}
    return httpx.Response(status, json=body, headers={"x-wix-request-id": "req-1"})


# --- configuration ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://example.com", "http://10.0.0.5:8080", "ftp://127.0.0.1", "not a url"],
)
def test_plain_http_is_refused_except_on_loopback(url: str) -> None:
    with pytest.raises(WixConfigError):
        WixClient(api_key=KEY, site_id="s", base_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:5", "https://x.test"]
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    WixClient(api_key=KEY, site_id="s", base_url=url).close()


def test_missing_credentials_are_named() -> None:
    with pytest.raises(WixConfigError, match="WIX_API_KEY"):
        WixClient.from_env({"WIX_SITE_ID": "s"})
    with pytest.raises(WixConfigError, match="WIX_SITE_ID"):
        WixClient.from_env({"WIX_API_KEY": KEY})


def test_auth_headers_are_sent_and_key_is_not_in_repr() -> None:
    script = Script(ok({"catalogVersion": "V3_CATALOG"}))
    client, _ = make_client(script)
    assert client.catalog.version() == "V3_CATALOG"
    request = script.requests[0]
    assert request.headers["Authorization"] == KEY
    assert request.headers["wix-site-id"] == "site-1"
    assert KEY not in repr(client)
    assert KEY not in repr(client._http.headers)


# --- errors ---------------------------------------------------------------------------


def test_wix_error_body_becomes_a_typed_exception() -> None:
    body = {
        "message": "inventoryItem.quantity must be non-negative",
        "details": {
            "validationError": {
                "fieldViolations": [
                    {
                        "field": "inventoryItem.quantity",
                        "description": "must be non-negative",
                        "violatedRule": "OTHER",
                        "ruleName": "REQUESTED_QUANTITY_MUST_BE_NON_NEGATIVE",
                    }
                ]
            }
        },
    }
    client, _ = make_client(Script(httpx.Response(400, json=body)))
    with pytest.raises(BadRequestError) as info:
        client.inventory.create({"productId": "p", "variantId": "v", "quantity": -1})
    exc = info.value
    assert (exc.method, exc.path, exc.status) == ("POST", "/stores/v3/inventory-items", 400)
    assert exc.code == "REQUESTED_QUANTITY_MUST_BE_NON_NEGATIVE"
    assert exc.field_violations[0].field == "inventoryItem.quantity"
    assert "inventoryItem.quantity: must be non-negative" in str(exc)


def test_stale_revision_is_a_conflict_and_not_retried() -> None:
    script = Script(error(409, "REVISION_MISMATCH", "entity has already changed"))
    client, _ = make_client(script)
    with pytest.raises(ConflictError) as info:
        client.inventory.update({"id": "i1", "revision": "1", "quantity": 3})
    assert info.value.is_stale_revision
    assert len(script.requests) == 1


def test_auth_error_hint_never_shows_the_key() -> None:
    client, _ = make_client(Script(error(401, message="bad key")))
    with pytest.raises(AuthenticationError) as info:
        client.catalog.version()
    assert "WIX_API_KEY" in str(info.value)
    assert KEY not in str(info.value)


def test_missing_permission_names_the_permissions_to_grant() -> None:
    client, _ = make_client(Script(error(403, "PERMISSION_DENIED", "not allowed")))
    with pytest.raises(PermissionDeniedError) as info:
        list(client.inventory.query())
    text = str(info.value)
    assert "API Keys Manager" in text
    assert "Wix Stores" in text and "Locations" in text


def test_a_key_echoed_by_the_server_is_redacted() -> None:
    client, _ = make_client(Script(error(400, "X", f"invalid key {KEY}")))
    with pytest.raises(BadRequestError) as info:
        client.catalog.version()
    assert KEY not in str(info.value)
    assert KEY not in json.dumps(info.value.body)


def test_catalog_v1_precondition_has_a_hint() -> None:
    client, _ = make_client(Script(httpx.Response(428, json={"message": "wrong catalog"})))
    with pytest.raises(PreconditionError, match="Catalog V1"):
        list(client.products.query())


# --- retries ------------------------------------------------------------------------


def test_reads_retry_5xx_and_connection_errors_until_success() -> None:
    script = Script(
        error(503),
        httpx.ReadError("reset"),
        httpx.ConnectError("refused"),
        ok({"catalogVersion": "V3_CATALOG"}),
    )
    client, sleeps = make_client(script)
    assert client.catalog.version() == "V3_CATALOG"
    assert len(script.requests) == 4
    assert len(sleeps) == 3
    snapshot = client.stats.snapshot()
    assert snapshot.requests == {"catalog.version": 4}
    assert snapshot.retries == 3


def test_retries_give_up_with_a_clear_error() -> None:
    client, _ = make_client(Script(httpx.ConnectError("refused")))
    with pytest.raises(WixTransportError, match="no answer after 4 attempts") as info:
        client.catalog.version()
    assert not isinstance(info.value, OutcomeUnknownError)


def test_429_honours_retry_after_and_pauses_the_limiter() -> None:
    script = Script(
        httpx.Response(429, json={"message": "throttled"}, headers={"Retry-After": "7"}),
        ok({"catalogVersion": "V3_CATALOG"}),
    )
    client, sleeps = make_client(script)
    assert client.catalog.version() == "V3_CATALOG"
    # The limiter slept the Retry-After before the second attempt.
    assert pytest.approx(7.0, abs=0.1) == sum(sleeps)
    assert client.stats.snapshot().throttled == 1


def test_429_without_retry_after_waits_the_throttle_delay() -> None:
    script = Script(httpx.Response(429, json={}), ok({"catalogVersion": "V3_CATALOG"}))
    client, sleeps = make_client(script)
    client.catalog.version()
    assert sum(sleeps) >= 0.5


def test_persistent_429_raises_rate_limit_error() -> None:
    client, _ = make_client(Script(httpx.Response(429, json={"message": "slow down"})))
    with pytest.raises(RateLimitError, match="200 per minute"):
        client.catalog.version()


def test_increment_with_unknown_outcome_is_never_resent() -> None:
    script = Script(httpx.ReadTimeout("timed out"), ok({"results": []}))
    client, _ = make_client(script)
    result = client.inventory.bulk_increment([Adjustment(5, inventory_item_id="i1")])
    assert len(script.requests) == 1
    assert isinstance(result.error, OutcomeUnknownError)
    assert [r.status for r in result.items] == [ItemStatus.UNKNOWN]


def test_increment_after_5xx_is_not_resent_either() -> None:
    script = Script(error(500), ok({"results": []}))
    client, _ = make_client(script)
    result = client.inventory.bulk_increment([Adjustment(5, inventory_item_id="i1")])
    assert len(script.requests) == 1
    assert isinstance(result.error, OutcomeUnknownError)


def test_increment_refused_before_sending_is_retried() -> None:
    success = {
        "results": [{"itemMetadata": {"id": "i1", "originalIndex": 0, "success": True}}],
        "bulkActionMetadata": {"totalSuccesses": 1, "totalFailures": 0},
    }
    script = Script(httpx.ConnectError("refused"), httpx.Response(429, json={}), ok(success))
    client, _ = make_client(script)
    result = client.inventory.bulk_increment([Adjustment(5, inventory_item_id="i1")])
    assert result.ok
    assert len(script.requests) == 3


def test_location_create_with_unknown_outcome_raises() -> None:
    client, _ = make_client(Script(httpx.RemoteProtocolError("dropped")))
    with pytest.raises(OutcomeUnknownError, match="Re-read"):
        client.locations.create({"name": "Pop-up", "address": {}, "timeZone": "UTC"})


def test_revision_guarded_update_is_retried_after_a_timeout() -> None:
    script = Script(httpx.ReadTimeout("slow"), ok({"inventoryItem": {"id": "i1", "revision": "2"}}))
    client, _ = make_client(script)
    assert client.inventory.update({"id": "i1", "revision": "1", "quantity": 4})["revision"] == "2"
    assert len(script.requests) == 2


def test_product_create_without_slug_is_not_resent() -> None:
    script = Script(httpx.ReadTimeout("slow"), ok({"product": {}}))
    client, _ = make_client(script)
    with pytest.raises(OutcomeUnknownError):
        client.products.create(
            {
                "name": "No slug",
                "productType": "PHYSICAL",
                "variantsInfo": {"variants": [{"price": {"actualPrice": {"amount": "1"}}}]},
            }
        )
    assert len(script.requests) == 1


# --- paging and bulk ---------------------------------------------------------------


def paged(pages: list[list[int]]) -> Handler:
    """A server for cursor paging: cursor 'c<N>' points at page N."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)["query"]
        cursor = body["cursorPaging"].get("cursor")
        index = int(cursor[1:]) if cursor else 0
        if cursor:
            assert "filter" not in body and "sort" not in body
        metadata: dict[str, object] = {"count": len(pages[index]), "cursors": {}}
        if index + 1 < len(pages):
            metadata["cursors"] = {"next": f"c{index + 1}"}
        items = [{"id": str(n)} for n in pages[index]]
        return ok({"inventoryItems": items, "pagingMetadata": metadata})

    return handler


def test_cursor_paging_stops_exactly_when_there_is_no_next_cursor() -> None:
    script = Script(paged([[1, 2], [3, 4], [5]]))
    client, _ = make_client(script)
    items = list(client.inventory.query({"productId": "p"}, limit=2))
    assert [i["id"] for i in items] == ["1", "2", "3", "4", "5"]
    assert len(script.requests) == 3
    first = json.loads(script.requests[0].content)["query"]
    assert first == {"cursorPaging": {"limit": 2}, "filter": {"productId": "p"}}


def test_a_repeated_cursor_is_reported_not_looped() -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return ok(
            {"inventoryItems": [{"id": "x"}], "pagingMetadata": {"cursors": {"next": "same"}}}
        )

    client, _ = make_client(Script(loop))
    with pytest.raises(Exception, match="same inventoryItems page cursor twice"):
        list(client.inventory.query())


def bulk_echo(key: str, fail: Callable[[dict[str, object]], str | None]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        entries = json.loads(request.content)[key]
        results = []
        for index, entry in enumerate(entries):
            code = fail(entry)
            meta: dict[str, object] = {"originalIndex": index, "success": code is None}
            if code:
                meta["error"] = {"code": code, "description": "nope", "data": {}}
            else:
                meta["id"] = f"id-{index}"
            results.append({"itemMetadata": meta})
        failures = sum(1 for e in entries if fail(e))
        return ok(
            {
                "results": results,
                "bulkActionMetadata": {
                    "totalSuccesses": len(entries) - failures,
                    "totalFailures": failures,
                    "undetailedFailures": 0,
                },
            }
        )

    return handler


def test_bulk_update_splits_at_1000_and_reports_per_item_failures() -> None:
    def fail(entry: dict[str, object]) -> str | None:
        item = entry["inventoryItem"]
        assert isinstance(item, dict)
        return "REVISION_MISMATCH" if item["quantity"] == 1500 else None

    script = Script(bulk_echo("inventoryItems", fail))
    client, _ = make_client(script)
    items = [{"id": f"i{n}", "revision": "1", "quantity": n} for n in range(2500)]
    result = client.inventory.bulk_update(items)  # type: ignore[arg-type]
    assert [len(json.loads(r.content)["inventoryItems"]) for r in script.requests] == [
        1000,
        1000,
        500,
    ]
    assert result.calls == 3
    assert len(result.items) == 2500
    assert [r.index for r in result.failed] == [1500]
    assert result.failed[0].error is not None
    assert result.failed[0].error.code == "REVISION_MISMATCH"
    assert not result.ok


def test_increments_split_at_300() -> None:
    script = Script(bulk_echo("incrementData", lambda e: None))
    client, _ = make_client(script)
    adjustments = [Adjustment(1, inventory_item_id=f"i{n}") for n in range(601)]
    result = client.inventory.bulk_increment(adjustments)
    assert [len(json.loads(r.content)["incrementData"]) for r in script.requests] == [300, 300, 1]
    assert result.ok


def test_products_split_at_100_products_1000_variants_and_100_options() -> None:
    script = Script(bulk_echo("products", lambda e: None))
    client, _ = make_client(script)

    def product(n: int, variants: int, options: int = 0) -> dict[str, object]:
        price = {"actualPrice": {"amount": "1"}}
        return {
            "name": f"P{n}",
            "productType": "PHYSICAL",
            "slug": f"p{n}",
            "options": [{"name": f"O{o}"} for o in range(options)],
            "variantsInfo": {"variants": [{"price": price}] * variants},
        }

    # 150 one-variant products, 5 products of 400 variants and one option each,
    # then 60 products of two options: 100 options per call end those calls.
    products = (
        [product(n, 1) for n in range(150)]
        + [product(150 + n, 400, 1) for n in range(5)]
        + [product(155 + n, 1, 2) for n in range(60)]
    )
    result = client.products.bulk_create(products)  # type: ignore[arg-type]
    sizes = []
    for request in script.requests:
        sent = json.loads(request.content)["products"]
        assert len(sent) <= 100
        assert sum(len(p["variantsInfo"]["variants"]) for p in sent) <= 1000
        assert sum(len(p["options"]) for p in sent) <= 100
        sizes.append(len(sent))
    assert sizes == [100, 52, 2, 50, 11]
    assert result.ok and len(result.items) == 215


def test_a_failed_chunk_stops_the_run_and_marks_the_rest_not_attempted() -> None:
    script = Script(bulk_echo("inventoryItems", lambda e: None), error(403, message="no"))
    client, _ = make_client(script)
    items = [{"productId": "p", "variantId": f"v{n}", "quantity": 1} for n in range(2500)]
    result = client.inventory.bulk_create(items)  # type: ignore[arg-type]
    statuses = [r.status for r in result.items]
    assert statuses[:1000] == [ItemStatus.APPLIED] * 1000
    assert statuses[1000:2000] == [ItemStatus.FAILED] * 1000
    assert statuses[2000:] == [ItemStatus.NOT_ATTEMPTED] * 500
    assert result.calls == 2


def test_missing_results_count_as_undetailed_failures() -> None:
    body = {
        "results": [{"itemMetadata": {"id": "a", "originalIndex": 0, "success": True}}],
        "bulkActionMetadata": {"totalSuccesses": 1, "totalFailures": 1, "undetailedFailures": 1},
    }
    client, _ = make_client(Script(ok(body)))
    result = client.inventory.bulk_delete(["a", "b"])
    assert [r.status for r in result.items] == [ItemStatus.APPLIED, ItemStatus.FAILED]
    assert result.items[1].error is not None
    assert result.items[1].error.code == "UNDETAILED_FAILURE"


# --- rate limiter ------------------------------------------------------------------


def test_rate_limiter_keeps_any_minute_under_the_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(180, burst=10, clock=clock, sleep=clock.sleep)
    stamps = []
    for _ in range(600):
        limiter.acquire()
        stamps.append(clock.now)
    for start in stamps:
        in_window = sum(1 for s in stamps if start <= s < start + 60)
        assert in_window <= 190
    # 600 requests at 3/s after a burst of 10 take about 197 s.
    assert 190 < clock.now < 200


def test_rate_limiter_pause_holds_everyone() -> None:
    clock = FakeClock()
    limiter = RateLimiter(600, burst=5, clock=clock, sleep=clock.sleep)
    limiter.pause(30)
    limiter.acquire()
    assert clock.now >= 30


@pytest.mark.parametrize(
    ("header", "expected"),
    [("5", 5.0), ("0", 0.0), ("junk", None), (None, None)],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_logs_never_contain_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client, _ = make_client(
        Script(error(503), httpx.ReadError("x"), ok({"catalogVersion": "V3_CATALOG"}))
    )
    client.catalog.version()
    assert caplog.records
    assert KEY not in caplog.text
