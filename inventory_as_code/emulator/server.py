"""Serve an :class:`Emulator` over HTTP/1.1 on a loopback socket.

``ThreadingHTTPServer`` with daemon threads and keep-alive. A dropped
connection (fault) closes the socket without writing a response; a delay is
a real sleep. Only loopback addresses are accepted: the emulator has no
authentication worth the name and must never face a network.

A loopback bind is not enough on its own: a web page can point a name it
controls at 127.0.0.1 (DNS rebinding) and then talk to the emulator from the
browser, e.g. ``POST /_emulator/reset``. So every request whose ``Host`` (or
``Origin``, when sent) is not a loopback name or address is refused with 403
before the emulator sees it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from inventory_as_code.emulator._engine import Emulator

logger = logging.getLogger(__name__)

SERVER_NAME = "inventory-as-code-emulator"
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    428: "Precondition Required",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _loopback_authority(authority: str) -> bool:
    """``host[:port]`` (``[v6]:port`` too) names a loopback host."""
    try:
        host = urlsplit(f"http://{authority}").hostname
    except ValueError:
        return False
    return bool(host) and is_loopback(str(host).lower())


def foreign_origin(headers: Any) -> str | None:
    """Why a request must be refused (DNS rebinding), or None when it may be served."""
    host = headers.get("Host")
    if not host or not _loopback_authority(host.strip()):
        return f"Host {host!r} is not a loopback address of this emulator"
    origin = headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin.strip())
        if parts.scheme not in ("http", "https") or not _loopback_authority(parts.netloc):
            return f"Origin {origin!r} is not a loopback address of this emulator"
    return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: without this, Nagle holds the body back
    # until the client's delayed ACK, 40 ms a request on Linux loopback.
    disable_nagle_algorithm = True
    # The Server header names the emulator, so a test can tell its answers from
    # those of another local server (tests/oracle checks the emulator's error bodies).
    server_version = SERVER_NAME
    sys_version = ""
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        refused = foreign_origin(self.headers)
        if refused is not None:
            logger.warning("refused a request: %s", refused)
            self._refuse(refused)
            return
        headers = {key: value for key, value in self.headers.items()}
        response = self.server.emulator.handle(self.command, self.path, headers, body)
        if response.fault in ("drop-before", "drop-after"):
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if response.delay_s > 0:
            threading.Event().wait(response.delay_s)
        try:
            self.send_response(response.status, _REASONS.get(response.status))
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. its read timeout fired during a delay).
            self.close_connection = True

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def _refuse(self, reason: str) -> None:
        payload = {
            "message": reason,
            "details": {
                "applicationError": {"code": "FORBIDDEN_HOST", "description": reason, "data": {}}
            },
        }
        body = json.dumps(payload).encode()
        self.close_connection = True
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(403, _REASONS[403])
            self.send_header("content-type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # Request line only: headers (and so the API key) are never logged.
        logger.debug("%s - %s", self.address_string(), format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Connection errors from clients that went away are routine here.
        logger.debug("error serving %s", client_address, exc_info=True)


class EmulatorServer:
    """A bound (not yet serving) emulator server; ``start()`` or ``serve_forever()``."""

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        if not is_loopback(host):
            raise ValueError(f"refusing to listen on non-loopback address {host!r}")
        self.emulator = emulator
        self._server = _Server((host, port), emulator)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="wix-emulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def shutdown(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def serve(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> EmulatorServer:
    """Start serving in a daemon thread; returns the running server."""
    return EmulatorServer(emulator, host, port).start()
