"""Every exchange with a store, labelled with the scenario step that made it.

:class:`RecordingTransport` sits under the :class:`~inventory_as_code.wix.WixClient`
(as an httpx transport) and keeps, for each request, the method, the route
(the path with ids replaced by ``{id}``), the status and the parsed answer.
The same scenario run on the site and on the emulator shadow makes the same
calls in the same order, so :mod:`.compare` pairs them by step, phase and
route. Headers are never kept: the API key stays in the client.
"""

from __future__ import annotations

import ipaddress
import json
import re
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

# A path segment that names an object rather than a route: Wix ids (GUIDs) and
# the suite's slugs hold digits; route words ("products", "set-default") and
# versions ("v3") are told apart by their form.
_ID_SEGMENT = re.compile(r".*[0-9].*|.*[^a-z-].*")
_VERSION = re.compile(r"v[0-9]+")


@dataclass(frozen=True, slots=True)
class Phase:
    """Where in the run a call was made."""

    scenario: str
    step: str
    phase: str  # plan, sale, snapshot, apply, replan, teardown

    def __str__(self) -> str:
        return f"{self.scenario} / {self.step} / {self.phase}"


@dataclass(frozen=True, slots=True)
class Exchange:
    phase: Phase
    method: str
    route: str
    status: int  # 0: no answer (the connection failed)
    body: Any  # the parsed JSON answer; None when there was none or it was not JSON

    @property
    def request(self) -> str:
        return f"{self.method} {self.route}"

    @property
    def transient(self) -> bool:
        """Throttled or a server fault: the client retries, the emulator shadow never sees it."""
        return self.status == 0 or self.status == 429 or self.status >= 500


def route_of(path: str) -> str:
    """``/stores/v3/products/0b1c...`` -> ``/stores/v3/products/{id}``."""
    parts = path.split("/")
    out = []
    for index, part in enumerate(parts):
        if index and parts[index - 1] == "slug":
            out.append("{slug}")
        elif part and _ID_SEGMENT.fullmatch(part) and not _VERSION.fullmatch(part):
            out.append("{id}")
        else:
            out.append(part)
    return "/".join(out)


class RecordingTransport(httpx.BaseTransport):
    """Pass every request to ``inner`` and keep what came back."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        # None: the network, through the transport httpx would choose for the first URL.
        self.inner = inner
        self.phase = Phase("", "", "")
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        route = route_of(request.url.path)
        if self.inner is None:
            self.inner = network_transport(str(request.url))
        try:
            response = self.inner.handle_request(request)
        except httpx.TransportError:
            self.exchanges.append(Exchange(self.phase, request.method, route, 0, None))
            raise
        try:
            raw = b"".join(response.stream)  # type: ignore[arg-type]
        finally:
            response.close()
        # The body as sent (maybe compressed) goes on to the client; decoding it
        # here is for the record only.
        decoded = httpx.Response(response.status_code, headers=response.headers, content=raw)
        self.exchanges.append(
            Exchange(self.phase, request.method, route, response.status_code, _parse(decoded))
        )
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=raw,
            request=request,
            extensions=response.extensions,
        )

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()


def _parse(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content) if response.content else None
    except ValueError:
        return None


def network_transport(base_url: str) -> httpx.BaseTransport:
    """The transport httpx would choose for ``base_url``, proxy settings included.

    httpx reads HTTPS_PROXY and friends only when it builds its own transport;
    this one is built here (to record through it), so they are read here.
    """
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not _is_loopback(host) and not urllib.request.proxy_bypass(host):
        return httpx.HTTPTransport(proxy=proxy)
    return httpx.HTTPTransport()


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
