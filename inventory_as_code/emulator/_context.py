"""Per-request context and the decoded request handed to route handlers."""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from inventory_as_code.emulator._errors import invalid
from inventory_as_code.emulator._util import IdFactory, JsonDict, iso


@dataclass
class Ctx:
    """What a handler may touch: the open transaction, the site, time and ids."""

    conn: sqlite3.Connection
    site_id: str
    now: datetime
    ids: IdFactory
    variants_lag: float = 0.0
    locations_lag: float = 0.0
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def now_iso(self) -> str:
        return iso(self.now)


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    body: JsonDict

    @property
    def fields(self) -> list[str]:
        value = self.body.get("fields") or []
        return [str(v) for v in (value if isinstance(value, list) else [value])]


def decode_get_payload(query_string: str) -> JsonDict:
    """The request object of a GET call, as the Wix JS SDK encodes it.

    Either the whole JSON request as base64url (no padding) in ``.r``, or
    flattened dotted parameters (``query.cursorPaging.limit=10``,
    ``fields=A&fields=B``). Flattened values stay strings; handlers coerce.
    """
    params = parse_qs(query_string, keep_blank_values=True)
    if ".r" in params:
        raw = params[".r"][0]
        try:
            decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        except (binascii.Error, ValueError):
            raise invalid(".r", "is not base64url-encoded JSON") from None
        if not isinstance(decoded, dict):
            raise invalid(".r", "must encode a JSON object")
        return decoded
    out: JsonDict = {}
    for key, values in params.items():
        parts = key.split(".")
        node = out
        for part in parts[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                nxt = node[part] = {}
            node = nxt
        leaf = parts[-1]
        value: Any = values if len(values) > 1 or leaf == "fields" else values[0]
        if leaf == "filter" and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise invalid(key, "must be a JSON object") from None
        node[leaf] = value
    return out


def parse_json_body(body: bytes) -> JsonDict:
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise invalid("", "Request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise invalid("", "Request body must be a JSON object")
    return data
