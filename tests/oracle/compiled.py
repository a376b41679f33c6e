"""A fast validator for the oracle's schemas: each schema becomes Python closures.

``jsonschema`` walks a schema per value with reference lookups and evolving
validator objects; over a whole suite (bulk bodies of 1,000 items, thousands
of calls) that cost more than the tests themselves. The committed schemas use
a small set of keywords, so each is compiled once into a closure that checks
a value and appends ``Problem`` tuples. Any other keyword is refused at
compile time, so a new SDK construct cannot pass unchecked.
``test_catalog.py`` holds this to ``jsonschema`` on the same bodies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple


class Problem(NamedTuple):
    path: tuple[str | int, ...]
    says: str


Path = tuple[str | int, ...]
# check(value, path of the container, key of the value in it or None, problems)
# The value's own path is only built when there is something to report: most
# values are leaves, and building a tuple per value was the main cost.
Check = Callable[[Any, Path, str | int | None, list[Problem]], None]


def here(parent: Path, key: str | int | None) -> Path:
    return parent if key is None else (*parent, key)


REF_PREFIX = "#/definitions/"
# Keywords that only annotate: nothing to check.
ANNOTATIONS = frozenset({"readOnly", "deprecated", "description", "title", "$comment"})
CHECKED = frozenset(
    {
        "$ref", "type", "properties", "additionalProperties", "required", "items", "enum",
        "const", "anyOf", "maxLength", "minLength", "maxItems", "minItems", "minimum",
        "maximum", "format", "x-oneof", "x-required-oneof", "x-decimal",
    }
)  # fmt: skip
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def json_type(value: Any) -> str:
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
    return "array" if isinstance(value, list) else "object"


# Exact Python types per JSON type: bool is not a number here, as in JSON Schema.
PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
    "object": (dict,),
    "array": (list,),
}


def short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_guid(value: str) -> str | None:
    return None if _GUID.match(value) else f"{short(value)} is not a GUID"


def _check_datetime(value: str) -> str | None:
    # Wix sends ISO-8601 UTC ("2025-05-12T09:30:00.000Z"); the SDK reads it with new Date().
    try:
        if "T" not in value:
            raise ValueError
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return f"{short(value)} is not an ISO-8601 date-time"
    return None


FORMAT_CHECKS: dict[str, Callable[[str], str | None]] = {
    "GUID": _check_guid,
    "date-time": _check_datetime,
}


def decimal_problem(value: str, options: Mapping[str, str]) -> str | None:
    """Why ``value`` is not a decimal string as ``@decimalValue options`` declare."""
    if not _DECIMAL.match(value):
        return f"{short(value)} is not a decimal string (like '19.99')"
    number = Decimal(value)
    decimals = len(value.split(".", 1)[1]) if "." in value else 0
    if "maxScale" in options and decimals > int(options["maxScale"]):
        return f"{short(value)} has {decimals} decimals; at most {options['maxScale']}"
    for key, sign in (("gte", ">="), ("gt", ">"), ("lte", "<="), ("lt", "<")):
        if key not in options:
            continue
        bound = Decimal(options[key])
        ok = {
            "gte": number >= bound,
            "gt": number > bound,
            "lte": number <= bound,
            "lt": number < bound,
        }[key]
        if not ok:
            return f"{short(value)} must be {sign} {options[key]}"
    return None


class Compiler:
    """Compiles the definitions of one schema document (for requests or for
    responses), each at most once."""

    def __init__(self, definitions: Mapping[str, Any], *, response: bool) -> None:
        self.definitions = definitions
        # Answers: formats are checked (ids and dates are the server's making),
        # minItems is not (Wix's validation annotations bind requests; an empty
        # result page is legitimate, whether sent as [] or left out).
        self.formats = response
        self.min_items = not response
        self._refs: dict[str, Check] = {}

    def ref(self, ref: str) -> Check:
        name = ref[len(REF_PREFIX) :]
        found = self._refs.get(name)
        if found is None:
            # A trampoline first, so recursive types (rich-content nodes) terminate.
            slot: list[Check] = []
            self._refs[name] = lambda value, parent, key, out: slot[0](value, parent, key, out)
            slot.append(self.compile(self.definitions[name], name))
            found = self._refs[name] = slot[0]
        return found

    def compile(self, schema: Mapping[str, Any], name: str | None = None) -> Check:
        unknown = set(schema) - CHECKED - ANNOTATIONS
        if unknown:
            raise ValueError(f"schema keyword(s) the oracle cannot check: {sorted(unknown)}")
        if "$ref" in schema:  # Draft 7: keywords beside $ref are ignored
            return self.ref(schema["$ref"])
        steps: list[Check] = []
        if "anyOf" in schema:
            steps.append(self._any_of([self.compile(o) for o in schema["anyOf"]]))
        if "const" in schema:
            steps.append(self._const(schema["const"]))
        if "enum" in schema:
            steps.append(self._enum(schema["enum"]))
        steps += self._string(schema) + self._number(schema) + self._array(schema)
        objects = self._object(schema, name or "this object")
        if schema.get("type") == "object" and not steps and objects:
            return objects[0]  # checks the type itself: one call less per object
        return self._typed(schema.get("type"), steps + objects)

    # --- keyword groups ----------------------------------------------------

    @staticmethod
    def _typed(kind: Any, steps: list[Check]) -> Check:
        kinds = list(kind) if isinstance(kind, list) else [kind] if kind else []
        allowed = frozenset(t for k in kinds for t in PY_TYPES[k])
        declared = kinds[0] if len(kinds) == 1 else kinds

        def wrong(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
            got = f"{json_type(value)} {short(value)}"
            out.append(Problem(here(parent, key), f"declared type {declared}, got {got}"))

        if not allowed:
            only = steps[0] if len(steps) == 1 else None

            def untyped(
                value: Any, parent: Path, key: str | int | None, out: list[Problem]
            ) -> None:
                if only is not None:
                    only(value, parent, key, out)
                    return
                for step in steps:
                    step(value, parent, key, out)

            return untyped
        if not steps:

            def leaf(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
                if type(value) not in allowed:
                    wrong(value, parent, key, out)

            return leaf
        if len(steps) == 1:
            step = steps[0]

            def one(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
                if type(value) not in allowed:
                    wrong(value, parent, key, out)
                else:
                    step(value, parent, key, out)

            return one

        def many(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
            if type(value) not in allowed:
                wrong(value, parent, key, out)
                return
            for step in steps:
                step(value, parent, key, out)

        return many

    @staticmethod
    def _any_of(options: list[Check]) -> Check:
        def check(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
            attempts = []
            for option in options:
                found: list[Problem] = []
                option(value, parent, key, found)
                if not found:
                    return
                attempts.append(found)
            # Report the attempt that got furthest: the one whose problems lie deepest.
            out.extend(max(attempts, key=lambda f: max(len(p.path) for p in f)))

        return check

    @staticmethod
    def _const(expected: Any) -> Check:
        def check(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
            if value != expected:
                out.append(Problem(here(parent, key), f"{short(value)} is not {expected!r}"))

        return check

    @staticmethod
    def _enum(values: list[Any]) -> Check:
        allowed = frozenset(values)

        def check(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
            if not isinstance(value, str | int | float | bool) or value not in allowed:
                out.append(Problem(here(parent, key), f"{short(value)} is not one of {values}"))

        return check

    def _string(self, schema: Mapping[str, Any]) -> list[Check]:
        low, high = schema.get("minLength"), schema.get("maxLength")
        fmt = FORMAT_CHECKS.get(schema.get("format", "")) if self.formats else None
        decimal = schema.get("x-decimal")
        if low is None and high is None and fmt is None and decimal is None:
            return []

        def check(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
            if not isinstance(value, str):
                return
            # Cheap tests first; the message is built only for a failure.
            if low is not None and len(value) < low:
                out.append(Problem(here(parent, key), f"{short(value)} is shorter than {low}"))
            if high is not None and len(value) > high:
                out.append(Problem(here(parent, key), f"{short(value)} is longer than {high}"))
            why = fmt(value) if fmt is not None else None
            if why:
                out.append(Problem(here(parent, key), f"format {schema['format']}: {why}"))
            why = decimal_problem(value, decimal) if decimal is not None else None
            if why:
                out.append(Problem(here(parent, key), why))

        return [check]

    @staticmethod
    def _number(schema: Mapping[str, Any]) -> list[Check]:
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is None and high is None:
            return []

        def check(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return
            if low is not None and value < low:
                out.append(Problem(here(parent, key), f"{value} is less than the minimum {low}"))
            if high is not None and value > high:
                out.append(Problem(here(parent, key), f"{value} is more than the maximum {high}"))

        return [check]

    def _array(self, schema: Mapping[str, Any]) -> list[Check]:
        items = self.compile(schema["items"]) if "items" in schema else None
        low = schema.get("minItems") if self.min_items else None
        high = schema.get("maxItems")
        if items is None and low is None and high is None:
            return []

        def check(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
            if not isinstance(value, list):
                return
            if low is not None and len(value) < low:
                out.append(Problem(here(parent, key), f"{len(value)} items; at least {low}"))
            if high is not None and len(value) > high:
                out.append(Problem(here(parent, key), f"{len(value)} items; at most {high}"))
            if items is not None:
                path = here(parent, key)
                for index, item in enumerate(value):
                    items(item, path, index, out)

        return [check]

    def _object(self, schema: Mapping[str, Any], name: str) -> list[Check]:
        raw_props: Mapping[str, Any] = schema.get("properties") or {}
        props = {key: self.compile(sub) for key, sub in raw_props.items()}
        extra = schema.get("additionalProperties", True)
        extra_check = self.compile(extra) if isinstance(extra, dict) else None
        required = tuple(schema.get("required") or ())
        groups = [tuple(g) for g in schema.get("x-oneof") or ()]
        # A oneof group the SDK marks @requiredField: one of its members must be set.
        needed = [(g, tuple(m)) for g, m in (schema.get("x-required-oneof") or {}).items()]
        if not props and extra is True and not required and not groups and not needed:
            return []
        declared = ", ".join(sorted(props)) or "none"
        typed = schema.get("type") == "object"

        def check(value: Any, parent: Path, key: str | int | None, out: list[Problem]) -> None:
            if type(value) is not dict:
                if typed:
                    got = f"{json_type(value)} {short(value)}"
                    out.append(Problem(here(parent, key), f"declared type object, got {got}"))
                return
            path = here(parent, key)
            for field, item in value.items():
                known = props.get(field)
                if known is not None:
                    known(item, path, field, out)
                elif extra is False:
                    says = f"{name} has no field {field!r} (it declares: {declared})"
                    out.append(Problem((*path, field), says))
                elif extra_check is not None:
                    extra_check(item, path, field, out)
            for field in required:
                if field not in value:
                    out.append(Problem((*path, field), f"{name} requires {field!r}"))
            for group_name, members in needed:
                if all(value.get(k) is None for k in members):
                    says = (
                        f"{name} requires one of {', '.join(members)} "
                        f"(its oneof group {group_name!r})"
                    )
                    out.append(Problem(path, says))
            for group in groups:
                present = [k for k in group if value.get(k) is not None]
                if len(present) > 1:
                    says = (
                        f"{' and '.join(present)} are one oneof group of {name}: "
                        f"set at most one of {', '.join(group)}"
                    )
                    out.append(Problem(path, says))

        return [check]
