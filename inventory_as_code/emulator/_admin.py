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
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from inventory_as_code.emulator._errors import ApiError, app_error, invalid
from inventory_as_code.emulator._faults import FaultConfig

if TYPE_CHECKING:
    from inventory_as_code.emulator._engine import Emulator

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


def handle_admin(emu: Emulator, method: str, path: str, query: str, raw: bytes) -> tuple[int, Any]:
    try:
        return 200, _route(emu, method, path.rstrip("/"), query, raw)
    except ApiError as err:
        return err.status, err.body()
    except ValueError as err:
        return 400, invalid("", str(err)).body()


def _route(emu: Emulator, method: str, path: str, query: str, raw: bytes) -> Any:
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
