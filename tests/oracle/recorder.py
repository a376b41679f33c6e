"""Record what the project's Wix client sends and what the emulator answers.

:func:`install` wraps the transport of every :class:`WixClient` built while
it is active (the ``transport=`` argument, or plain HTTP when none is given:
a loopback emulator server). The wrapper sits on the client's send path, so
only requests the client makes are checked, never the malformed ones the
emulator tests send on purpose with bare httpx clients.

For each request the :class:`Recorder` finds the SDK method by HTTP method
and path, builds the request message (JSON body, or query parameters for a
GET, plus the path parameters) and validates it; for each 200 answer from an
emulator (an ``EmulatorTransport`` or a loopback server) it validates the
body against the method's response schema, and each error answer's body
against the error body every Wix API sends (``errors.json``, from
``@wix/error-handler-types``). An HTML error page is an edge proxy's answer,
not the API's (Wix sends those for some 429s), and is not checked. Canned
answers from test doubles such as ``httpx.MockTransport`` are not the
emulator's and are not checked.
Findings are plain :class:`Violation` values collected in the active sink.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from tests.oracle.catalog import Catalog, Method, catalog
from tests.oracle.compiled import Problem, short

REQUEST, RESPONSE, ERROR = "request", "response", "error"
_WHO = {REQUEST: "client request", RESPONSE: "emulator response", ERROR: "emulator error response"}
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Violation:
    endpoint: str  # "POST /locations/v1/locations": method as sent, path as declared
    field: str  # "$.location.address.formatted", array indices as [*]
    side: str  # "request" (the client is wrong), "response" or "error" (the emulator is)
    says: str  # what the schema says about it
    where: str  # the first concrete path, with indices
    sdk: str  # "createLocation in @wix/auto_sdk_business-tools_locations@1.0.60"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.endpoint, self.field, self.side)

    def describe(self) -> str:
        return f"{self.endpoint} ({self.sdk}), {_WHO[self.side]}: {self.where}: {self.says}"


def _json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class Recorder:
    """Validates bodies against the catalog; counts work; collects violations."""

    def __init__(self, schemas: Catalog | None = None) -> None:
        self.catalog = schemas or catalog()
        self.requests = 0
        self.responses = 0  # answers checked, errors included
        self.errors = 0
        self.seconds = 0.0  # CPU time of the checks (thread time: blind to other load)
        self._lock = threading.Lock()
        self._sink: list[Violation] = []

    # --- collection ------------------------------------------------------

    def take(self) -> list[Violation]:
        """Return and forget what was found since the last take, de-duplicated."""
        with self._lock:
            found, self._sink = self._sink, []
        unique: dict[tuple[tuple[str, str, str], str], Violation] = {}
        for violation in found:
            unique.setdefault((violation.key, violation.says), violation)
        return list(unique.values())

    def _add(self, violations: Iterable[Violation]) -> None:
        with self._lock:
            self._sink.extend(violations)

    # --- checks ----------------------------------------------------------

    def check_request(
        self,
        http_method: str,
        raw_path: str,
        query: list[tuple[str, str]],
        body: bytes,
    ) -> Method | None:
        """Validate one request; return its SDK method (None when Wix has no such method)."""
        started = time.thread_time()
        try:
            found = self.catalog.match(http_method, raw_path)
            if found is None:
                self._add(
                    [
                        Violation(
                            endpoint=f"{http_method} {unquote(raw_path)}",
                            field="$",
                            side=REQUEST,
                            says="no method of the pinned Wix SDK has this HTTP method and path",
                            where="$",
                            sdk="-",
                        )
                    ]
                )
                return None
            method, raw_params = found
            self.requests += 1
            try:
                params = {k: unquote(v) for k, v in raw_params.items()}
                message, problems = self._request_message(method, http_method, query, body, params)
                if message is not None:
                    problems += self._validate(method, http_method, REQUEST, message)
            except Exception as exc:  # an oracle bug must not change what the client sees
                problems = [self._crashed(method, http_method, REQUEST, exc)]
            self._add(problems)
            return method
        finally:
            self.seconds += time.thread_time() - started

    def check_response(self, method: Method, http_method: str, body: bytes) -> None:
        started = time.thread_time()
        try:
            self.responses += 1
            try:
                document = json.loads(body) if body else {}
            except ValueError:
                self._add(
                    [self._whole(method, http_method, RESPONSE, "a 200 body that is not JSON")]
                )
                return
            try:
                self._add(self._validate(method, http_method, RESPONSE, document))
            except Exception as exc:  # as in check_request
                self._add([self._crashed(method, http_method, RESPONSE, exc)])
        finally:
            self.seconds += time.thread_time() - started

    def check_error(self, endpoint: str, status: int, body: bytes) -> None:
        """Validate an emulator's error answer (``endpoint``: "METHOD /declared/path")."""
        started = time.thread_time()
        try:
            self.responses += 1
            self.errors += 1
            try:
                document = json.loads(body)
            except ValueError:
                says = f"a {status} body that is not JSON (Wix APIs answer errors in JSON)"
                self._add([Violation(endpoint, "$", ERROR, says, "$", self.catalog.error_label)])
                return
            try:
                self._add(self.error_violations(endpoint, document))
            except Exception as exc:  # as in check_request
                says = f"the oracle could not check this ({type(exc).__name__}: {exc})"
                self._add([Violation(endpoint, "$", ERROR, says, "$", self.catalog.error_label)])
        finally:
            self.seconds += time.thread_time() - started

    def error_violations(self, endpoint: str, document: Any) -> list[Violation]:
        """Validate an error body directly; nothing is collected (used by check_error)."""
        check = self.catalog.error_check()
        if check is None:
            return []
        problems: list[Problem] = []
        check(document, (), None, problems)
        return [self._violation(endpoint, ERROR, p, self.catalog.error_label) for p in problems]

    def check_body(
        self, method: Method, side: str, document: Any, http_method: str = ""
    ) -> list[Violation]:
        """Validate a body directly (for tests of the oracle itself); nothing is collected."""
        return self._validate(method, http_method or method.http_method, side, document)

    # --- internals -------------------------------------------------------

    def _whole(self, method: Method, http_method: str, side: str, says: str) -> Violation:
        return Violation(method.template(http_method), "$", side, says, "$", method.label)

    def _crashed(self, method: Method, http_method: str, side: str, exc: Exception) -> Violation:
        says = f"the oracle could not check this ({type(exc).__name__}: {exc}); fix tests/oracle"
        return self._whole(method, http_method, side, says)

    def _request_message(
        self,
        method: Method,
        http_method: str,
        query: list[tuple[str, str]],
        body: bytes,
        params: Mapping[str, str],
    ) -> tuple[Any, list[Violation]]:
        problems: list[Violation] = []
        if body:
            try:
                message = json.loads(body)
            except ValueError:
                return None, [self._whole(method, http_method, REQUEST, "the body is not JSON")]
        else:
            message = self._query_message(method, query)
        if not isinstance(message, dict):
            return message, problems
        for dotted, value in params.items():
            *parents, last = dotted.split(".")
            target = message
            for part in parents:
                nested = target.setdefault(part, {})
                if not isinstance(nested, dict):
                    break
                target = nested
            else:
                sent = target.setdefault(last, value)
                if sent != value:
                    problems.append(
                        Violation(
                            method.template(http_method),
                            "$." + dotted,
                            REQUEST,
                            f"the path says {value!r} but the body says {short(sent)}",
                            "$." + dotted,
                            method.label,
                        )
                    )
        return message, problems

    def _query_message(self, method: Method, query: list[tuple[str, str]]) -> dict[str, Any]:
        """A GET's query string as the request message (flattened keys or ``.r``)."""
        for key, value in query:
            if key == ".r":
                padded = value + "=" * (-len(value) % 4)
                decoded = json.loads(base64.urlsafe_b64decode(padded))
                return decoded if isinstance(decoded, dict) else {".r": decoded}
        root = self.catalog.resolve(method.package, {"$ref": method.request_ref})
        message: dict[str, Any] = {}
        for key, value in query:
            schema: Mapping[str, Any] = root
            target = message
            parts = key.split(".")
            for i, part in enumerate(parts):
                sub = self.catalog.resolve(
                    method.package, (schema.get("properties") or {}).get(part, {})
                )
                if i < len(parts) - 1:
                    nested = target.setdefault(part, {})
                    if not isinstance(nested, dict):
                        break
                    target, schema = nested, sub
                    continue
                if "array" in _types(sub):
                    items = self.catalog.resolve(method.package, sub.get("items") or {})
                    target.setdefault(part, []).append(_coerce(value, items))
                else:
                    target[part] = _coerce(value, sub)
        return message

    def _validate(
        self, method: Method, http_method: str, side: str, document: Any
    ) -> list[Violation]:
        problems: list[Problem] = []
        self.catalog.check(method, side)(document, (), None, problems)
        endpoint = method.template(http_method)
        return [self._violation(endpoint, side, p, method.label) for p in problems]

    @staticmethod
    def _violation(endpoint: str, side: str, problem: Problem, sdk: str) -> Violation:
        where = _json_path(problem.path)
        return Violation(endpoint, _INDEX.sub("[*]", where), side, problem.says, where, sdk)


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return set(kind)
    return {kind} if isinstance(kind, str) else set()


def _coerce(value: str, schema: Mapping[str, Any]) -> Any:
    """A query-string value as the JSON type its field declares."""
    kinds = _types(schema)
    if "boolean" in kinds and value in ("true", "false"):
        return value == "true"
    if kinds & {"integer", "number"}:
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return value
    return value


# --- the transport wrapper and the WixClient patch --------------------------


class RecordingTransport(httpx.BaseTransport):
    """Checks each request on its way out and each emulator 200 on its way back."""

    def __init__(
        self, inner: httpx.BaseTransport, recorder: Callable[[], Recorder | None], *, emulator: bool
    ) -> None:
        self.inner = inner
        self._recorder = recorder
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        recorder = self._recorder()
        method = None
        if recorder is not None:
            raw = request.url.raw_path.decode("ascii").split("?", 1)[0]
            query = list(request.url.params.multi_items())
            method = recorder.check_request(request.method, raw, query, request.read())
        response = self.inner.handle_request(request)
        if recorder is None or not self.emulator:
            return response
        if response.status_code == 200 and method is not None:
            response.read()
            recorder.check_response(method, request.method, response.content)
        elif response.status_code >= 400 and self._emulator_answered(response):
            response.read()
            endpoint = (
                method.template(request.method)
                if method is not None
                else f"{request.method} {unquote(request.url.path)}"
            )
            recorder.check_error(endpoint, response.status_code, response.content)
        return response

    def _emulator_answered(self, response: httpx.Response) -> bool:
        """An error answer of the emulator itself, in JSON.

        A loopback server is not always the emulator (tests stand up hostile or
        broken servers); over a socket the emulator names itself in ``Server``.
        An HTML page is an edge proxy's answer, not the API's (Corrections 12).
        """
        from inventory_as_code.emulator.server import SERVER_NAME
        from inventory_as_code.emulator.transport import EmulatorTransport

        if response.headers.get("content-type", "").startswith("text/html"):
            return False
        in_process = isinstance(self.inner, EmulatorTransport)
        return in_process or response.headers.get("server", "").startswith(SERVER_NAME)

    def close(self) -> None:
        self.inner.close()


_ACTIVE: list[Recorder] = []
_PATCH_LOCK = threading.Lock()
_ORIGINAL_INIT: Any = None


def active() -> Recorder | None:
    """The innermost installed recorder (a nested pytest session pushes its own)."""
    return _ACTIVE[-1] if _ACTIVE else None


def _is_emulator(transport: httpx.BaseTransport | None, base_url: str) -> bool:
    if transport is None:
        try:
            host = urlsplit(base_url).hostname or ""
        except ValueError:  # not a URL: the client's own check refuses it next
            return False
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    from inventory_as_code.emulator.transport import EmulatorTransport

    return isinstance(transport, EmulatorTransport)


def install(recorder: Recorder) -> Callable[[], None]:
    """Make ``recorder`` see every WixClient built from now on; returns the undo."""
    global _ORIGINAL_INIT
    from inventory_as_code.wix._client import DEFAULT_BASE_URL, WixClient

    with _PATCH_LOCK:
        if _ORIGINAL_INIT is None:
            original = WixClient.__init__
            _ORIGINAL_INIT = original

            def recording_init(self: WixClient, *args: Any, **kwargs: Any) -> None:
                transport = kwargs.get("transport")
                base_url = str(kwargs.get("base_url") or DEFAULT_BASE_URL)
                emulator = _is_emulator(transport, base_url)
                kwargs["transport"] = RecordingTransport(
                    transport or httpx.HTTPTransport(), active, emulator=emulator
                )
                original(self, *args, **kwargs)

            WixClient.__init__ = recording_init  # type: ignore[method-assign]
        _ACTIVE.append(recorder)

    def uninstall() -> None:
        global _ORIGINAL_INIT
        with _PATCH_LOCK:
            if recorder in _ACTIVE:
                _ACTIVE.remove(recorder)
            if not _ACTIVE and _ORIGINAL_INIT is not None:
                WixClient.__init__ = _ORIGINAL_INIT  # type: ignore[method-assign]
                _ORIGINAL_INIT = None

    return uninstall
