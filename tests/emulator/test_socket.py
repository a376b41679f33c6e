"""The emulator over a real loopback socket."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from inventory_as_code.emulator import Emulator, EmulatorServer, serve

pytestmark = pytest.mark.socket


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emu = Emulator()
    running = serve(emu, port=0)
    yield running
    running.shutdown()
    emu.close()


def test_raw_curl_style_request(server: EmulatorServer) -> None:
    body = b"{}"
    request = (
        b"POST /stores/v3/inventory-items/query HTTP/1.1\r\n"
        + f"Host: 127.0.0.1:{server.port}\r\n".encode()
        + b"Authorization: anything\r\nwix-site-id: curl-site\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, payload = b"".join(chunks).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert b"x-wix-request-id" in head.lower()
    assert json.loads(payload) == {
        "inventoryItems": [],
        "pagingMetadata": {"count": 0, "cursors": {}},
    }


def test_httpx_keep_alive_and_faults_over_socket(server: EmulatorServer) -> None:
    headers = {"Authorization": "k", "wix-site-id": "s"}
    with httpx.Client(base_url=server.url, headers=headers) as client:
        for _ in range(3):
            assert client.get("/stores/v3/provision/version").json() == {
                "catalogVersion": "V3_CATALOG"
            }
        server.emulator.add_fault("GET /stores/v3/provision/version:drop-before")
        with pytest.raises(httpx.HTTPError):
            client.get("/stores/v3/provision/version")
        assert client.get("/stores/v3/provision/version").status_code == 200
        server.emulator.add_fault("GET /stores/v3/provision/version:delay=1")
        with pytest.raises(httpx.ReadTimeout):
            client.get("/stores/v3/provision/version", timeout=0.2)


def test_refuses_non_loopback() -> None:
    with pytest.raises(ValueError):
        EmulatorServer(Emulator(), host="0.0.0.0")


def _raw(server: EmulatorServer, method: str, path: str, headers: dict[str, str]) -> bytes:
    """One request over a socket, with exactly these headers (no Host unless given)."""
    lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
    lines += ["Content-Length: 0", "Connection: close", "", ""]
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall("\r\n".join(lines).encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_foreign_host_or_origin_is_refused(server: EmulatorServer) -> None:
    """DNS rebinding: a web page must not reach the emulator (or wipe it) through a name it owns."""
    server.emulator.seed({"siteId": "s", "products": []})
    loopback = f"127.0.0.1:{server.port}"
    refused = [
        {"Host": f"evil.example:{server.port}"},
        {"Host": "attacker.localhost.example"},
        {},  # no Host at all
        {"Host": loopback, "Origin": "http://evil.example"},
        {"Host": loopback, "Origin": "null"},
    ]
    for headers in refused:
        answer = _raw(server, "POST", "/_emulator/reset", headers)
        assert answer.startswith(b"HTTP/1.1 403"), (headers, answer[:80])
        api = _raw(server, "GET", "/stores/v3/provision/version", {**headers, **_AUTH})
        assert api.startswith(b"HTTP/1.1 403")
    assert server.emulator.counts() == {}  # nothing reached the engine
    assert _raw(server, "GET", "/_emulator/health", {"Host": loopback}).startswith(b"HTTP/1.1 200")
    for host in (f"localhost:{server.port}", f"[::1]:{server.port}", "127.0.0.1"):
        origin = f"http://{host}"
        answer = _raw(server, "GET", "/stores/v3/provision/version", {"Host": host, **_AUTH})
        assert answer.startswith(b"HTTP/1.1 200"), host
        with_origin = {"Host": host, "Origin": origin, **_AUTH}
        assert _raw(server, "GET", "/stores/v3/provision/version", with_origin).startswith(
            b"HTTP/1.1 200"
        )


_AUTH = {"Authorization": "k", "wix-site-id": "s"}
