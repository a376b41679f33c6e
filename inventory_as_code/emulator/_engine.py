"""The emulator engine: one ``handle()`` behind every way of reaching it.

``Emulator.handle(method, target, headers, body)`` is the whole HTTP surface:
the in-process httpx transport and the loopback server both call it. A call
goes through: admin surface (``/_emulator/...``, no auth, no faults) ->
latency -> route match -> auth -> per-site rate limit -> injected faults ->
the handler inside one SQLite transaction (site provisioned on first sight,
catalog-version check for ``/stores/v3``) -> request log. One lock guards the
connection, the log and the fault counters, so the engine is thread-safe;
added latency and delays are slept outside the lock.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from inventory_as_code.emulator import _db
from inventory_as_code.emulator._admin import handle_admin
from inventory_as_code.emulator._context import Ctx, Request, decode_get_payload, parse_json_body
from inventory_as_code.emulator._errors import ApiError, app_error
from inventory_as_code.emulator._faults import FaultConfig, FaultRule, RateLimiter
from inventory_as_code.emulator._locations import ensure_site, set_catalog_version
from inventory_as_code.emulator._routes import Route, match
from inventory_as_code.emulator._util import IdFactory, JsonDict, iso, utcnow

logger = logging.getLogger(__name__)

_LOG_LIMIT = 200_000


@dataclass(frozen=True)
class EmulatorResponse:
    """An HTTP answer. ``fault`` is ``drop-before``/``drop-after`` when the
    connection must be dropped instead of answering, ``delay_s`` a delay to
    apply before answering (the request has already been applied)."""

    status: int
    headers: dict[str, str]
    body: bytes
    fault: str | None = None
    delay_s: float = 0.0

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class _Call:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    request_id: str
    route: Route | None = None
    site_id: str | None = None
    items: int | None = None
    fault: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Emulator:
    """A Wix Stores (Catalog V3) + Locations emulator backed by SQLite."""

    def __init__(
        self,
        db_path: str | os.PathLike[str] = ":memory:",
        *,
        faults: FaultConfig | None = None,
        clock: Callable[[], datetime] | None = None,
        id_seed: int | None = None,
        api_key: str | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._conn = _db.connect(db_path)
        self._faults = faults or FaultConfig()
        self._clock = clock or utcnow
        self._ids = IdFactory(id_seed)
        self._api_key = api_key
        self._limiter = RateLimiter()
        self._log: deque[JsonDict] = deque(maxlen=_LOG_LIMIT)
        self._seq = itertools.count(1)
        self._request_ids = itertools.count(1)

    # ---- public Python admin API ------------------------------------------

    @property
    def faults(self) -> FaultConfig:
        return self._faults

    def set_faults(self, faults: FaultConfig | None) -> None:
        with self._lock:
            self._faults = faults or FaultConfig()
            self._limiter.reset()

    def add_fault(self, rule: FaultRule | str) -> FaultRule:
        parsed = FaultRule.parse(rule) if isinstance(rule, str) else rule
        with self._lock:
            self._faults.rules.append(parsed)
        return parsed

    def requests(self) -> list[JsonDict]:
        with self._lock:
            return [dict(entry) for entry in self._log]

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(Counter(str(e["route"]) for e in self._log))

    def reset(self) -> None:
        """Wipe every site, the request log and fault counters."""
        with self._lock:
            _db.wipe(self._conn)
            self._log.clear()
            self._limiter.reset()
            for rule in self._faults.rules:
                rule.seen = rule.fired = 0

    def seed(self, doc: Mapping[str, Any], site_id: str | None = None) -> JsonDict:
        from inventory_as_code.emulator._seed import apply_seed

        site = site_id or doc.get("siteId")
        if not site:
            raise ValueError("seed document needs a siteId (or pass site_id=...)")
        with self._lock, _db.transaction(self._conn):
            # A seed is the store as it already is: no consistency lag applies to it.
            ctx = self._ctx(str(site))
            ctx.variants_lag = ctx.locations_lag = 0.0
            ensure_site(ctx)
            return apply_seed(ctx, dict(doc))

    def set_catalog_version(self, site_id: str, version: str) -> None:
        with self._lock, _db.transaction(self._conn):
            set_catalog_version(self._ctx(site_id), version)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ---- HTTP surface ---------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> EmulatorResponse:
        path, _, query = target.partition("?")
        call = _Call(
            method=method.upper(),
            path=path or "/",
            query=query,
            headers={k.lower(): v for k, v in headers.items()},
            body=body or b"",
            request_id=f"emu-{next(self._request_ids):08d}",
        )
        if call.path == "/_emulator" or call.path.startswith("/_emulator/"):
            status, payload = handle_admin(self, call.method, call.path, call.query, call.body)
            return self._respond(call, status, payload)
        started = time.monotonic()
        if self._faults.latency_ms > 0:
            time.sleep(self._faults.latency_ms / 1000.0)
        try:
            status, payload, delay = self._serve(call)
        except _Dropped:
            status, payload, delay = 0, None, 0.0
        response = self._respond(call, status, payload, delay)
        self._record(call, response.status, started)
        return response

    def _serve(self, call: _Call) -> tuple[int, JsonDict | None, float]:
        auth = call.headers.get("authorization", "")
        call.site_id = call.headers.get("wix-site-id") or None
        found = match(call.method, call.path)
        call.route = found[0] if found else None
        if call.route is not None and call.route.items_key:
            call.items = _count_items(call.body, call.route.items_key)
        rule: FaultRule | None = None
        try:
            if not auth.strip() or (self._api_key is not None and auth != self._api_key):
                raise ApiError(
                    401,
                    "Unauthorized: missing or invalid Authorization header",
                    code="UNAUTHENTICATED",
                )
            if call.site_id is None:
                # Missing site id -> 401: with an API key the site cannot be
                # resolved, so the call is not authenticated for any site
                # (unconfirmed in the Wix docs: 401 vs 400).
                raise ApiError(
                    401, "Unauthorized: missing wix-site-id header", code="UNAUTHENTICATED"
                )
            if found is None:
                raise app_error(
                    404, "NOT_FOUND", f"No API at {call.method} {call.path}", "Not Found"
                )
            with self._lock:
                rule = self._admit(call)
            if rule is not None and rule.action == "status":
                call.fault = f"status:{rule.status}"
                if rule.html:
                    call.extra["html"] = True
                raise ApiError(
                    rule.status, f"Injected fault: HTTP {rule.status}", code="INJECTED_FAULT"
                )
            if rule is not None and rule.action == "drop-before":
                call.fault = "drop-before"
                raise _Dropped
            payload = self._dispatch(call, found[0], found[1])
        except ApiError as err:
            return err.status, err.body(), 0.0
        if rule is not None and rule.action == "drop-after":
            call.fault = "drop-after"
            raise _Dropped
        if rule is not None and rule.action == "delay":
            call.fault = f"delay:{rule.delay_s:g}"
            return 200, payload, rule.delay_s
        return 200, payload, 0.0

    def _admit(self, call: _Call) -> FaultRule | None:
        """Rate limit (raises 429) and pick the injected fault for this call, if any."""
        assert call.site_id is not None
        limit = self._faults.rate_limit_per_minute
        if limit is not None:
            wait = self._limiter.check(call.site_id, self._clock(), limit)
            if wait is not None:
                call.fault = "rate-limit"
                err = ApiError(
                    429,
                    "Too many requests",
                    code="TOO_MANY_REQUESTS",
                    description=f"Rate limit of {limit} requests per minute exceeded",
                )
                if self._faults.retry_after:
                    call.extra["retry_after"] = max(int(wait + 0.999), 1)
                if self._faults.rate_limit_html:
                    call.extra["html"] = True
                raise err
        for rule in self._faults.rules:
            if rule.matches(call.method, call.path, call.site_id) and rule.hit():
                return rule
        return None

    def _dispatch(self, call: _Call, route: Route, params: dict[str, str]) -> JsonDict:
        assert call.site_id is not None
        if route.handler is None and route.name != "catalog.get-version":
            raise app_error(
                501,
                "NOT_IMPLEMENTED",
                f"{route.name} ({call.method} {route.pattern}) is not implemented by the emulator; "
                "use the synchronous bulk endpoints",
                "Not implemented by the Wix emulator",
            )
        if call.method == "GET":
            body = decode_get_payload(call.query)
        else:
            body = parse_json_body(call.body)
        with self._lock, _db.transaction(self._conn):
            ctx = self._ctx(call.site_id)
            version = ensure_site(ctx)
            if route.name == "catalog.get-version":
                return {"catalogVersion": version}
            if route.stores and version != "V3_CATALOG":
                # unconfirmed in the Wix docs: the error code; the 428 is documented.
                raise app_error(
                    428,
                    "CATALOG_V3_NOT_AVAILABLE",
                    f"This site runs {version}; Catalog V3 APIs are not available",
                    catalogVersion=version,
                )
            assert route.handler is not None
            return route.handler(ctx, Request(call.method, call.path, params, body))

    def _ctx(self, site_id: str) -> Ctx:
        return Ctx(
            self._conn,
            site_id,
            self._clock(),
            self._ids,
            variants_lag=self._faults.variants_lag_s,
            locations_lag=self._faults.locations_lag_s,
        )

    def _respond(
        self, call: _Call, status: int, payload: JsonDict | None, delay: float = 0.0
    ) -> EmulatorResponse:
        headers = {"content-type": "application/json", "x-wix-request-id": call.request_id}
        if "retry_after" in call.extra:
            headers["retry-after"] = str(call.extra["retry_after"])
        if status == 0:
            return EmulatorResponse(0, headers, b"", fault=call.fault)
        if call.extra.get("html"):
            # An edge proxy answered, not the Wix API: no request id either.
            headers["content-type"] = "text/html; charset=utf-8"
            headers.pop("x-wix-request-id")
            return EmulatorResponse(status, headers, _html_page(status), delay_s=delay)
        body = json.dumps(payload if payload is not None else {}, ensure_ascii=False).encode()
        return EmulatorResponse(status, headers, body, delay_s=delay)

    def _record(self, call: _Call, status: int, started: float) -> None:
        # Never log the Authorization value.
        entry = {
            "seq": next(self._seq),
            "time": iso(self._clock()),
            "requestId": call.request_id,
            "method": call.method,
            "path": call.path,
            "route": call.route.name if call.route else "unknown",
            "siteId": call.site_id,
            "status": status or None,
            "fault": call.fault,
            "items": call.items,
            "durationMs": round((time.monotonic() - started) * 1000, 3),
        }
        with self._lock:
            self._log.append(entry)
        logger.debug("%s %s -> %s (%s)", call.method, call.path, status, entry["route"])


def _html_page(status: int) -> bytes:
    # What an edge proxy (not the Wix API) answers: no Wix error body at all.
    title = {429: "Too Many Requests"}.get(status, "Error")
    return (
        f"<!DOCTYPE html>\n<html><head><title>{status} {title}</title></head>"
        f"<body><h1>{status} {title}</h1><p>Please try again later.</p></body></html>\n"
    ).encode()


class _Dropped(Exception):
    """The connection is dropped instead of answering."""


def _count_items(body: bytes, key: str) -> int | None:
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return None
    value = data.get(key) if isinstance(data, dict) else None
    return len(value) if isinstance(value, list) else None
