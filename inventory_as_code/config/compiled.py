"""A fast yes/no check of a value against (the subset of) JSON Schema we publish.

jsonschema is thorough but generic: on a 10,000-product catalog it spends
seconds resolving ``$ref`` and building validator objects for values that are
fine. This module compiles the schema once into nested Python closures that
only answer "valid or not". The loader runs them on every product and asks
jsonschema for the detailed errors only of the few subtrees that fail, so the
published schema stays the single source of truth for structure and the
messages still come from jsonschema's precise error paths.

Only the keywords the desired-state schema uses are supported; compiling a
schema with any other keyword raises ``ValueError``, so extending the schema
without extending this module fails loudly in tests instead of silently
accepting bad input. A hypothesis test checks that this module and jsonschema
agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "x-hint", "x-name"}


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": _is_number,
}


def _any_of(tests: list[Check]) -> Check:
    if len(tests) == 1:
        return tests[0]

    # Plain loops instead of any()/all() over generators: this runs per value of a
    # 50,000-variant catalog, and the generator frames cost a third of the time.
    def any_of(v: Any) -> bool:
        for test in tests:  # noqa: SIM110
            if test(v):
                return True
        return False

    return any_of


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)

    def all_of(v: Any) -> bool:
        for check in checks:  # noqa: SIM110
            if not check(v):
                return False
        return True

    return all_of


class SchemaCompiler:
    """Compiles a schema (and the local ``$ref``s it uses) into a :data:`Check`."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile_ref(self, ref: str) -> Check:
        if ref not in self.refs:
            if not ref.startswith("#/"):
                raise ValueError(f"only local $ref are supported, not {ref}")
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target[part]
            slot: list[Check] = []
            # Registered before compiling so recursive references terminate.
            self.refs[ref] = lambda v: slot[0](v)
            slot.append(self.compile(target))
            self.refs[ref] = slot[0]
        return self.refs[ref]

    def compile(self, schema: Mapping[str, Any]) -> Check:
        keys = set(schema) - _ANNOTATIONS
        unknown = keys - _SUPPORTED
        if unknown:
            raise ValueError(f"unsupported schema keywords: {sorted(unknown)}")
        if "type" in keys and not keys & {"$ref", "enum"}:
            return self._by_type(schema, keys)
        checks: list[Check] = []
        if "$ref" in keys:
            checks.append(self.compile_ref(schema["$ref"]))
        if "type" in keys:
            names = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
            checks.append(_any_of([_TYPES[name] for name in names]))
        if "enum" in keys:
            allowed = list(schema["enum"])
            checks.append(lambda v: any(type(v) is type(a) and v == a for a in allowed))
        checks += self._strings(schema, keys) + self._numbers(schema, keys)
        checks += self._objects(schema, keys) + self._arrays(schema, keys)
        unknown = keys - _SUPPORTED
        if unknown:
            raise ValueError(f"unsupported schema keywords: {sorted(unknown)}")
        return _all_of(checks)

    def _by_type(self, schema: Mapping[str, Any], keys: set[str]) -> Check:
        """One check that looks up the value's Python type once, then runs only its rules.

        The same answers as the general path (every keyword applies to the
        values of its own JSON type), without a closure call per keyword and
        per type for the 150,000 stock values of a large catalog.
        """
        names = [schema["type"]] if isinstance(schema["type"], str) else list(schema["type"])
        table: dict[type, Check | None] = {}
        if "object" in names:
            table[dict] = _all_of(self._objects(schema, keys)) if keys & _OBJECT_KEYS else None
        if "array" in names:
            table[list] = _all_of(self._arrays(schema, keys)) if keys & _ARRAY_KEYS else None
        if "string" in names:
            table[str] = _all_of(self._strings(schema, keys)) if keys & _STRING_KEYS else None
        if "boolean" in names:
            table[bool] = None
        if "null" in names:
            table[type(None)] = None
        if "number" in names or "integer" in names:
            numbers = self._numbers(schema, keys)
            table[int] = _all_of(numbers) if numbers else None
            if "number" not in names:  # an integer may be written 2.0
                numbers = [lambda v: v.is_integer(), *numbers]
            table[float] = _all_of(numbers) if numbers else None
        missing = object()

        def by_type(v: Any) -> bool:
            check = table.get(type(v), missing)
            if check is missing:
                return False
            return check is None or check(v)  # type: ignore[operator]

        return by_type

    def _strings(self, schema: Mapping[str, Any], keys: set[str]) -> list[Check]:
        out: list[Check] = []
        if "minLength" in keys:
            low = schema["minLength"]
            out.append(lambda v: not isinstance(v, str) or len(v) >= low)
        if "maxLength" in keys:
            high = schema["maxLength"]
            out.append(lambda v: not isinstance(v, str) or len(v) <= high)
        if "pattern" in keys:
            search = re.compile(schema["pattern"]).search
            out.append(lambda v: not isinstance(v, str) or search(v) is not None)
        return out

    def _numbers(self, schema: Mapping[str, Any], keys: set[str]) -> list[Check]:
        out: list[Check] = []
        if "minimum" in keys:
            low = schema["minimum"]
            out.append(lambda v: not _is_number(v) or v >= low)
        if "maximum" in keys:
            high = schema["maximum"]
            out.append(lambda v: not _is_number(v) or v <= high)
        return out

    def _objects(self, schema: Mapping[str, Any], keys: set[str]) -> list[Check]:
        out: list[Check] = []
        props = {k: self.compile(s) for k, s in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        extra_check: Check | None = None
        if isinstance(extra, Mapping):
            extra_check = self.compile(extra)
        if props or extra is not True:

            def objects(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                for key, item in v.items():
                    check = props.get(key)
                    if check is not None:
                        if not check(item):
                            return False
                    elif extra is False or (extra_check is not None and not extra_check(item)):
                        return False
                return True

            out.append(objects)
        if "propertyNames" in keys:
            names = self.compile(schema["propertyNames"])
            out.append(lambda v: not isinstance(v, dict) or all(names(k) for k in v))
        if "maxProperties" in keys:
            most = schema["maxProperties"]
            out.append(lambda v: not isinstance(v, dict) or len(v) <= most)
        if "minProperties" in keys:
            least = schema["minProperties"]
            out.append(lambda v: not isinstance(v, dict) or len(v) >= least)
        if "required" in keys:
            required = tuple(schema["required"])
            out.append(lambda v: not isinstance(v, dict) or all(k in v for k in required))
        return out

    def _arrays(self, schema: Mapping[str, Any], keys: set[str]) -> list[Check]:
        out: list[Check] = []
        if "items" in keys:
            item = self.compile(schema["items"])
            out.append(lambda v: not isinstance(v, list) or all(item(i) for i in v))
        if "minItems" in keys:
            least = schema["minItems"]
            out.append(lambda v: not isinstance(v, list) or len(v) >= least)
        if "maxItems" in keys:
            most = schema["maxItems"]
            out.append(lambda v: not isinstance(v, list) or len(v) <= most)
        return out


_OBJECT_KEYS = {
    "properties",
    "additionalProperties",
    "propertyNames",
    "maxProperties",
    "minProperties",
    "required",
}
_ARRAY_KEYS = {"items", "minItems", "maxItems"}
_STRING_KEYS = {"minLength", "maxLength", "pattern"}

_SUPPORTED = {
    "$ref",
    "type",
    "enum",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "properties",
    "additionalProperties",
    "propertyNames",
    "maxProperties",
    "minProperties",
    "required",
    "items",
    "minItems",
    "maxItems",
}
