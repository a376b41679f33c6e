"""Small helpers shared by the emulator modules: time, ids, money, JSON."""

from __future__ import annotations

import json
import random
import re
import unicodedata
import uuid
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from inventory_as_code.emulator._errors import invalid

JsonDict = dict[str, Any]


def iso(ts: datetime) -> str:
    """ISO-8601 UTC with milliseconds and ``Z``, the wire form of Wix timestamps."""
    ts = ts.astimezone(UTC)
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def utcnow() -> datetime:
    return datetime.now(UTC)


class IdFactory:
    """uuid4 ids; reproducible when seeded so tests and demos get stable ids."""

    def __init__(self, seed: int | None) -> None:
        self._rng = random.Random(seed) if seed is not None else None

    def new(self) -> str:
        if self._rng is None:
            return str(uuid.uuid4())
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


def dumps(doc: Any) -> str:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def bump(revision: str) -> str:
    return str(int(revision) + 1)


_MONEY_MAX = Decimal("999999999.99")


def parse_money(value: Any, field_path: str) -> Decimal:
    """Validate a Wix ``FixedMonetaryAmount.amount`` (decimal string, <= 3 decimals)."""
    if not isinstance(value, str) or not value.strip():
        raise invalid(field_path, "must be a decimal string", violated_rule="FORMAT")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise invalid(field_path, "must be a decimal string", violated_rule="FORMAT") from None
    if not amount.is_finite() or amount < 0 or amount > _MONEY_MAX:
        raise invalid(field_path, "must be between 0 and 999999999.99", violated_rule="MAX")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -3:
        raise invalid(field_path, "must have at most 3 decimal places", violated_rule="FORMAT")
    return amount


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "product"


def get_path(doc: Any, path: str) -> Any:
    """Value at a dotted path; lists are traversed and flattened (query semantics)."""
    current: Any = doc
    for part in path.split("."):
        if isinstance(current, list):
            out: list[Any] = []
            for item in current:
                value = get_path(item, part)
                if isinstance(value, list):
                    out.extend(value)
                elif value is not None:
                    out.append(value)
            current = out
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
        if current is None:
            return None
    return current


def as_dict(value: Any, field_path: str) -> JsonDict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(field_path, "must be an object", violated_rule="TYPE")
    return value


def as_list(value: Any, field_path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid(field_path, "must be an array", violated_rule="TYPE")
    return value


def string_field(
    p: JsonDict, key: str, where: str, max_len: int, *, needed: bool = False
) -> str | None:
    """``p[key]`` checked as an optional (or, with ``needed``, required) string."""
    value = p.get(key)
    if value is None:
        if needed:
            raise invalid(f"{where}.{key}", "must not be empty", violated_rule="REQUIRED_FIELD")
        return None
    if not isinstance(value, str) or (needed and not value.strip()):
        raise invalid(f"{where}.{key}", "must be a non-empty string", violated_rule="TYPE")
    if len(value) > max_len:
        raise invalid(
            f"{where}.{key}", f"must be at most {max_len} characters", violated_rule="MAX_LENGTH"
        )
    return value


def as_int(value: Any, field_path: str) -> int:
    """Integers may arrive as JSON numbers or (GET form, int64) as strings."""
    if isinstance(value, bool):
        raise invalid(field_path, "must be an integer", violated_rule="TYPE")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise invalid(field_path, "must be an integer", violated_rule="TYPE")
