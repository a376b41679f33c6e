"""The HTTP core of the Wix client: auth, rate limit, retries, counting.

Every request goes through :meth:`WixClient.call` with an :class:`Endpoint`
that names it (for the request counts) and says how safe it is to resend:

* ``SAFE``: reads. Retried on 429, 5xx and any connection failure.
* ``GUARDED``: writes whose repetition fails harmlessly, because they carry the
  revision the caller read (a second attempt gets 409 / REVISION_MISMATCH) or
  create something unique (ITEM_ALREADY_EXISTS, DUPLICATE_SLUG_ERROR).
  Retried like reads; the caller reconciles the harmless failure.
* ``UNSAFE``: writes that would apply twice (increment, decrement, creating a
  location, whose name is not unique). Resent only when the request surely
  never reached the server (connection refused) or was refused unapplied (429).
  Otherwise the caller gets :class:`OutcomeUnknownError` and must re-read.

Answers are decoded as JSON, or by the caller's ``decode`` (the live reader
turns pages straight into typed records). Either way the response object is
released right after: httpx links a response and its stream both ways, and a
page kept alive by that cycle until the next collection is 0.5 MB of JSON.

The API key lives only in the request headers of the underlying
``httpx.Client`` (whose repr masks ``Authorization``); it is never logged,
never part of an exception, and the client's own repr leaves it out.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar, overload
from urllib.parse import urlsplit

import httpx

from inventory_as_code import __version__
from inventory_as_code.wix._catalog import CatalogAPI, VariantsAPI
from inventory_as_code.wix._customizations import CustomizationsAPI
from inventory_as_code.wix._endpoint import Endpoint, Idempotency
from inventory_as_code.wix._exceptions import (
    OutcomeUnknownError,
    WixAPIError,
    WixConfigError,
    WixTransportError,
    api_error_for,
)
from inventory_as_code.wix._inventory import InventoryAPI
from inventory_as_code.wix._locations import LocationsAPI
from inventory_as_code.wix._products import ProductsAPI
from inventory_as_code.wix._ratelimit import DEFAULT_BURST, DEFAULT_REQUESTS_PER_MINUTE, RateLimiter
from inventory_as_code.wix._retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after
from inventory_as_code.wix._stats import RequestStats

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_BASE_URL = "https://www.wixapis.com"
DEFAULT_TIMEOUT = 30.0


def redact_url(url: str) -> str:
    """``url`` with any ``user:password@`` replaced by ``***@``, for messages."""
    return re.sub(r"(?<=//)[^/?#]*@", "***@", url)


def check_api_key(api_key: str, name: str = "the Wix API key") -> str:
    """The key without surrounding whitespace; refuse one that cannot be a Wix key.

    The message says what is wrong and where, never the key: it goes to CI logs.
    """
    key = api_key.strip()
    for position, char in enumerate(key, 1):
        if not ("!" <= char <= "~"):  # visible ASCII: what an HTTP header can carry as is
            if char == " ":
                kind = "a space"
            elif char.isspace():
                kind = "a line break or other whitespace"
            elif not char.isprintable():
                kind = "a control character"
            else:
                kind = "a non-ASCII character"
            raise WixConfigError(
                f"{name} holds {kind} at position {position} of {len(key)}; a Wix API key is "
                "plain ASCII text without spaces. Copy it again from the Wix API Keys Manager "
                "(the key itself is not shown here)."
            )
    return key


def check_base_url(base_url: str) -> str:
    """Accept https anywhere, plain http only on loopback (an emulator); never credentials.

    Credentials in the URL (``https://user:secret@host``) are refused rather
    than redacted: Wix authenticates with the Authorization header only, so
    they are never needed, and a URL is printed on every run ("Using site ...
    on URL") where a secret must not be.
    """
    try:
        parts = urlsplit(base_url)
        _ = parts.hostname, parts.port  # each raises ValueError on "http://[", ":99999"
    except ValueError as exc:
        raise WixConfigError(
            f"WIX_API_BASE_URL {redact_url(base_url)!r} is not a valid URL ({exc}); "
            f"use {DEFAULT_BASE_URL} or http://127.0.0.1:PORT for a local emulator."
        ) from None
    if "@" in parts.netloc:
        raise WixConfigError(
            f"WIX_API_BASE_URL {redact_url(base_url)!r} holds credentials (user:password@); "
            "remove them: the API key goes in WIX_API_KEY, and a proxy that needs a login "
            "is set with HTTPS_PROXY."
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WixConfigError(
            f"WIX_API_BASE_URL {redact_url(base_url)!r} is not an http(s) URL; "
            f"use {DEFAULT_BASE_URL} or http://127.0.0.1:PORT for a local emulator."
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise WixConfigError(
            f"refusing plain http to {parts.hostname}: credentials would travel unencrypted. "
            "Use https, or a loopback address (127.0.0.1, localhost, ::1) for a local emulator."
        )
    return base_url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WixClient:
    """A Wix REST client for one site, authenticated with an API key."""

    def __init__(
        self,
        *,
        api_key: str,
        site_id: str,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE,
        burst: int = DEFAULT_BURST,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        api_key = check_api_key(api_key)
        site_id = site_id.strip()
        if not api_key:
            raise WixConfigError("no Wix API key: set WIX_API_KEY")
        if not site_id:
            raise WixConfigError("no Wix site id: set WIX_SITE_ID")
        if not all("!" <= char <= "~" for char in site_id):
            raise WixConfigError(
                f"the Wix site id {site_id!r} holds spaces, control or non-ASCII characters."
            )
        self.base_url = check_base_url(base_url)
        self.site_id = site_id
        self.stats = RequestStats()
        self.retry = retry or RetryPolicy()
        self.limiter = RateLimiter(requests_per_minute, burst=burst, sleep=sleep, clock=clock)
        self._sleep = sleep
        self._redact_values = (api_key,)
        # The HTTP Date of the latest answer: the server's clock, for reads that
        # must say "changed since" in Wix's time rather than this machine's.
        self.server_date: datetime | None = None
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            headers={
                "Authorization": api_key,
                "wix-site-id": site_id,
                "User-Agent": f"inventory-as-code/{__version__}",
                "Accept": "application/json",
            },
        )
        self.catalog = CatalogAPI(self)
        self.inventory = InventoryAPI(self)
        self.products = ProductsAPI(self)
        self.customizations = CustomizationsAPI(self)
        self.variants = VariantsAPI(self)
        self.locations = LocationsAPI(self)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **kwargs: Any) -> WixClient:
        """Build a client from WIX_API_KEY, WIX_SITE_ID and WIX_API_BASE_URL."""
        env = os.environ if env is None else env
        return cls(
            api_key=env.get("WIX_API_KEY", ""),
            site_id=env.get("WIX_SITE_ID", ""),
            base_url=env.get("WIX_API_BASE_URL") or DEFAULT_BASE_URL,
            **kwargs,
        )

    def __repr__(self) -> str:
        return f"WixClient(site_id={self.site_id!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def sleep(self, seconds: float) -> None:
        """Wait the way the client waits between attempts (tests inject a fake clock)."""
        self._sleep(seconds)

    def __enter__(self) -> WixClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @overload
    def call(
        self,
        endpoint: Endpoint,
        *,
        path_params: Mapping[str, str] | None = None,
        json_body: Any = None,
        params: Any = None,
        idempotency: Idempotency | None = None,
        decode: None = None,
    ) -> Any: ...

    @overload
    def call(
        self,
        endpoint: Endpoint,
        *,
        path_params: Mapping[str, str] | None = None,
        json_body: Any = None,
        params: Any = None,
        idempotency: Idempotency | None = None,
        decode: Callable[[bytes], T],
    ) -> T: ...

    def call(
        self,
        endpoint: Endpoint,
        *,
        path_params: Mapping[str, str] | None = None,
        json_body: Any = None,
        params: Any = None,
        idempotency: Idempotency | None = None,
        decode: Callable[[bytes], Any] | None = None,
    ) -> Any:
        """Send one request (retrying as its idempotency allows) and return the decoded body.

        ``decode`` turns the body's bytes into the result (ValueError when it
        cannot); by default the body is parsed as JSON.
        """
        safety = idempotency or endpoint.idempotency
        path = endpoint.format_path(path_params)
        method = endpoint.method
        content = None if json_body is None else json.dumps(json_body, separators=(",", ":"))
        headers = {"Content-Type": "application/json"} if content is not None else None
        attempt = 0
        while True:
            attempt += 1
            self.stats.record_wait(self.limiter.acquire())
            self.stats.record_request(endpoint.name)
            started = time.monotonic()
            try:
                response = self._http.request(
                    method, path, content=content, params=params, headers=headers
                )
            except httpx.TransportError as exc:
                delay = self._after_transport_error(exc, safety, method, path, attempt)
                self.stats.record_retry(throttled=False)
                self._sleep(delay)
                continue
            logger.debug(
                "%s %s -> %s in %.0f ms (attempt %d)",
                method,
                path,
                response.status_code,
                (time.monotonic() - started) * 1000,
                attempt,
            )
            if response.status_code == 200:
                return self._decode(response, method, path, decode)
            delay = self._after_error_status(response, safety, method, path, attempt)
            self.stats.record_retry(throttled=response.status_code == 429)
            self._sleep(delay)

    def _after_transport_error(
        self, exc: httpx.TransportError, safety: Idempotency, method: str, path: str, attempt: int
    ) -> float:
        """Return the delay before the next attempt, or raise."""
        # Only these mean the request never left: anything else may have been
        # received and applied by the server.
        never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if safety is Idempotency.UNSAFE and not never_sent:
            raise OutcomeUnknownError(
                f"{method} {path}: no answer ({reason}). The request may have been applied; "
                "it is not resent. Re-read the affected objects to learn what happened.",
                method=method,
                path=path,
                attempts=attempt,
            ) from None
        if attempt >= self.retry.max_attempts:
            raise WixTransportError(
                f"{method} {path}: no answer after {attempt} attempts ({reason}). "
                f"Check the network and {self.base_url}.",
                method=method,
                path=path,
                attempts=attempt,
            ) from None
        if safety is Idempotency.GUARDED and not never_sent:
            self.stats.record_resent_write()
        logger.info("%s %s: %s; retrying (attempt %d)", method, path, reason, attempt)
        return self.retry.backoff(attempt)

    def _after_error_status(
        self, response: httpx.Response, safety: Idempotency, method: str, path: str, attempt: int
    ) -> float:
        status = response.status_code
        error = api_error_for(
            method=method,
            path=path,
            status=status,
            body=self._redacted_body(response),
            request_id=response.headers.get("x-wix-request-id"),
        )
        if status not in RETRYABLE_STATUSES:
            raise error
        if status != 429 and safety is Idempotency.UNSAFE:
            # A 5xx after the request arrived: it may have been half applied.
            raise OutcomeUnknownError(
                f"{method} {path}: Wix answered HTTP {status}; the request may have been "
                "applied and is not resent. Re-read the affected objects.",
                method=method,
                path=path,
                attempts=attempt,
            ) from error
        if attempt >= self.retry.max_attempts:
            raise error
        if status == 429:
            delay = self.retry.throttled(
                attempt, parse_retry_after(response.headers.get("Retry-After"))
            )
            self.limiter.pause(delay)
            logger.warning("%s %s: throttled by Wix (429); waiting %.1f s", method, path, delay)
            return 0.0
        if safety is Idempotency.GUARDED:
            self.stats.record_resent_write()  # a 5xx may come after a (partial) write
        logger.info("%s %s: HTTP %d; retrying (attempt %d)", method, path, status, attempt)
        return self.retry.backoff(attempt)

    def _decode(
        self,
        response: httpx.Response,
        method: str,
        path: str,
        decode: Callable[[bytes], Any] | None,
    ) -> Any:
        content = response.content
        self._note_date(response.headers.get("date"))
        request_id = response.headers.get("x-wix-request-id")
        status = response.status_code
        _release(response)
        del response
        try:
            if decode is not None:
                return decode(content)
            return json.loads(content) if content else {}
        except ValueError:
            raise WixAPIError(
                method=method,
                path=path,
                status=status,
                body={"message": "the server answered 200 with a body that is not JSON"},
                request_id=request_id,
            ) from None

    def _note_date(self, value: str | None) -> None:
        if not value:
            return
        # An unreadable Date header only costs the clock check.
        with contextlib.suppress(TypeError, ValueError):
            self.server_date = parsedate_to_datetime(value)

    def _redacted_body(self, response: httpx.Response) -> Any:
        text = response.text
        for secret in self._redact_values:
            if secret and secret in text:
                text = text.replace(secret, "[redacted]")
        try:
            return json.loads(text) if text else None
        except ValueError:
            return {"message": _not_json(response, text)}


def _release(response: httpx.Response) -> None:
    """Break the response <-> stream cycle so the body is freed now, not at the next collection."""
    response.close()
    response.stream = httpx.ByteStream(b"")


def _not_json(response: httpx.Response, text: str) -> str:
    """A short message for an error body that is not Wix JSON (e.g. an edge proxy's HTML)."""
    content_type = response.headers.get("content-type", "")
    if "html" in content_type or text.lstrip()[:1] == "<":
        # Edge 429s and 5xx may be HTML pages (Corrections 12): name it, never dump markup.
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        label = " ".join(title.group(1).split())[:100] if title else ""
        return f"an HTML page instead of a Wix error body{f' ({label})' if label else ''}"
    return " ".join(text.split())[:500]


__all__ = [
    "DEFAULT_BASE_URL",
    "Endpoint",
    "Idempotency",
    "WixClient",
    "check_base_url",
]
