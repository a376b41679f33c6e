"""The ``/_emulator`` admin surface (no auth, never rate limited or faulted).

| Method | Path | Effect |
| --- | --- | --- |
| GET | /_emulator/health | ``{"ok": true}`` |
| GET | /_emulator/requests | request log ``{"requests": [...]}`` (never the API key) |
| DELETE | /_emulator/requests | clear the log |
| GET | /_emulator/counts | ``{"counts": {route name: n}}`` |
| POST | /_emulator/reset | wipe all sites, the log and fault counters |
| POST | /_emulator/seed | seed a site from a seed document (``_seed``); ``?siteId=`` |
| GET/PUT/DELETE | /_emulator/faults | read / replace / clear the ``FaultConfig`` (JSON) |
| POST | /_emulator/sites/{siteId}/catalog-version | ``{"catalogVersion": "V1_CATALOG"}`` |
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import parse_qs

from inventory_as_code.emulator._errors import ApiError, app_error, invalid
from inventory_as_code.emulator._faults import FaultConfig


class Administered(Protocol):
    """What the admin surface needs of the engine (so the two modules need not import
    each other: the engine imports this module, this module knows only the protocol)."""

    @property
    def faults(self) -> FaultConfig: ...

    def requests(self) -> list[dict[str, Any]]: ...

    def clear_requests(self) -> None: ...

    def counts(self) -> dict[str, int]: ...

    def reset(self) -> None: ...

    def seed(self, doc: Mapping[str, Any], site_id: str | None = None) -> dict[str, Any]: ...

    def set_faults(self, faults: FaultConfig | None) -> None: ...

    def set_catalog_version(self, site_id: str, version: str) -> None: ...


_CATALOG = re.compile(r"^/_emulator/sites/(?P<site>[^/]+)/catalog-version$")


def _body(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise invalid("", "Request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise invalid("", "Request body must be a JSON object")
    return data


def handle_admin(
    emu: Administered, method: str, path: str, query: str, raw: bytes
) -> tuple[int, Any]:
    try:
        return 200, _route(emu, method, path.rstrip("/"), query, raw)
    except ApiError as err:
        return err.status, err.body()
    except ValueError as err:
        return 400, invalid("", str(err)).body()


def _route(emu: Administered, method: str, path: str, query: str, raw: bytes) -> Any:
    key = (method, path)
    if key == ("GET", "/_emulator/health"):
        return {"ok": True}
    if key == ("GET", "/_emulator/requests"):
        return {"requests": emu.requests()}
    if key == ("DELETE", "/_emulator/requests"):
        emu.clear_requests()
        return {}
    if key == ("GET", "/_emulator/counts"):
        return {"counts": emu.counts()}
    if key == ("POST", "/_emulator/reset"):
        emu.reset()
        return {}
    if key == ("POST", "/_emulator/seed"):
        site = parse_qs(query).get("siteId", [None])[0]
        return emu.seed(_body(raw), site_id=site)
    if key == ("GET", "/_emulator/faults"):
        return emu.faults.to_dict()
    if key == ("PUT", "/_emulator/faults"):
        emu.set_faults(FaultConfig.from_dict(_body(raw)))
        return emu.faults.to_dict()
    if key == ("DELETE", "/_emulator/faults"):
        emu.set_faults(None)
        return emu.faults.to_dict()
    found = _CATALOG.match(path)
    if found and method == "POST":
        version = _body(raw).get("catalogVersion")
        emu.set_catalog_version(found["site"], str(version))
        return {"siteId": found["site"], "catalogVersion": version}
    raise app_error(404, "NOT_FOUND", f"No admin API at {method} {path}", "Not Found")
