"""An httpx transport that calls :meth:`Emulator.handle` in process.

Faults map onto the exceptions a real network would raise: a drop before the
request is applied raises ``httpx.ConnectError``, a drop after it was applied
``httpx.RemoteProtocolError``; a delay longer than the request's read timeout
raises ``httpx.ReadTimeout`` at once (the write already happened) instead of
sleeping, so tests of client timeouts stay fast.
"""

from __future__ import annotations

import time

import httpx

from inventory_as_code.emulator._engine import Emulator


class EmulatorTransport(httpx.BaseTransport):
    def __init__(self, emulator: Emulator, *, owns_emulator: bool = False) -> None:
        self.emulator = emulator
        # The embedded local store opens its emulator for one client: closing the client
        # closes the database, so nothing is left for the garbage collector to close at an
        # arbitrary moment (with SQLite's WAL, that moment deletes files under a copy).
        self.owns_emulator = owns_emulator

    def close(self) -> None:
        if self.owns_emulator:
            self.emulator.close()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        target = request.url.raw_path.decode("ascii")
        headers = {key: value for key, value in request.headers.items()}
        response = self.emulator.handle(request.method, target, headers, body)
        if response.fault == "drop-before":
            raise httpx.ConnectError(
                "Connection dropped by the emulator (fault: drop-before)", request=request
            )
        if response.fault == "drop-after":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response (fault: drop-after).",
                request=request,
            )
        if response.delay_s > 0:
            timeout = (request.extensions.get("timeout") or {}).get("read")
            if timeout is not None and response.delay_s > timeout:
                raise httpx.ReadTimeout(
                    "The read operation timed out (emulator delay)", request=request
                )
            time.sleep(response.delay_s)
        return httpx.Response(
            response.status, headers=response.headers, content=response.body, request=request
        )
