"""The description of one Wix REST method, shared by the client and its endpoint modules.

A module of its own so that the endpoint modules (catalog, products,
inventory, locations) and the client that holds them import it, instead of
importing each other.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote


class Idempotency(enum.Enum):
    SAFE = "safe"
    GUARDED = "guarded"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One Wix REST method: a stable name, the HTTP method and a path template."""

    name: str
    method: str
    path: str
    idempotency: Idempotency

    def format_path(self, params: Mapping[str, str] | None) -> str:
        if not params:
            return self.path
        return self.path.format(**{k: quote(str(v), safe="") for k, v in params.items()})
