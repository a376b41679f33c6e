"""Validate plans against the published ``schemas/plan.schema.json``, at a cost a suite can pay.

A plan is validated in two parts: the document without its changes (every
time), and each change against ``$defs/change``, once per *shape*. A shape is
the structure of a change (its members, their JSON types, nested likewise)
with the literal values of the members the schema constrains beyond their
type (:data:`LITERAL`: ``kind`` and ``action`` are enums). Two changes of one
shape pass or fail the change schema alike, so a first plan of 2,000 products
(40,000 changes of a dozen shapes) costs a dozen validations.
``test_schema_hook.py`` checks that :data:`LITERAL` names every member the
change schema constrains beyond its type, so the shortcut stays exact when
the schema grows.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "inventory_as_code/schemas/plan.schema.json"

# Members of a change whose values (not only types) the change schema constrains.
LITERAL = frozenset({"kind", "action", "cause", "remedy"})  # enums (remedy: of its items)

Shape = tuple[Any, ...] | str


def shape(value: Any, literal: bool = False) -> Shape:
    if isinstance(value, dict):
        return ("object", frozenset((k, shape(v, k in LITERAL)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("array", frozenset(shape(item, literal) for item in value))
    if literal:
        return ("=", repr(value))
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


@dataclass
class Checker:
    schema: dict[str, Any] = field(
        default_factory=lambda: json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    )
    valid_shapes: set[Shape] = field(default_factory=set)
    plans: int = 0
    changes: int = 0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.document = Draft202012Validator(self.schema)
        change_schema = {
            "$schema": self.schema["$schema"],
            "$defs": self.schema["$defs"],
            "$ref": "#/$defs/change",
        }
        self.change = Draft202012Validator(change_schema)

    def problems(self, document: Any) -> list[str]:
        """What in ``document`` the schema does not allow (at most a few, with JSON paths)."""
        started = time.process_time()
        try:
            return self._problems(document)
        finally:
            self.seconds += time.process_time() - started

    def _problems(self, document: Any) -> list[str]:
        self.plans += 1
        if not isinstance(document, dict) or not isinstance(document.get("changes"), list):
            return [f"not a plan document: {str(document)[:200]}"]
        found = [_describe(e) for e in self.document.iter_errors({**document, "changes": []})]
        for index, change in enumerate(document["changes"]):
            self.changes += 1
            key = shape(change)
            if key in self.valid_shapes:
                continue
            errors = [_describe(e, f"changes[{index}]") for e in self.change.iter_errors(change)]
            if errors:
                found += errors
            else:
                self.valid_shapes.add(key)
            if len(found) >= 5:
                break
        return found[:5]


def _describe(error: Any, prefix: str = "") -> str:
    parts = [prefix] if prefix else []
    for part in error.absolute_path:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    where = "".join(parts).lstrip(".") or "the document"
    return f"{where}: {error.message[:300]}"
