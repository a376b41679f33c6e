"""The Wix API query language, evaluated in Python over JSON documents.

One evaluator serves every endpoint so all of them agree on semantics:
plain equality, ``$eq $ne $in $nin $gt $gte $lt $lte $exists $startsWith
$isEmpty $hasSome $hasAll $matchItems`` and ``$and $or $not``; dotted paths
reach nested fields and traverse arrays (a scalar operator on an array value
matches when any element matches, as in the Wix/Mongo family of languages).

``FieldRules`` carries an endpoint's declared filterable/sortable fields; when
an endpoint declares them, anything else is rejected with 400 the way Products
reject it ("Field '<name>' is not declared as filterable").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inventory_as_code.emulator._errors import invalid
from inventory_as_code.emulator._util import JsonDict, get_path

ALL = None  # marker: every operator of the field's kind

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")
_LOGICAL = {"$and", "$or", "$not"}
_OPERATORS = {
    "$eq",
    "$ne",
    "$in",
    "$nin",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$exists",
    "$startsWith",
    "$isEmpty",
    "$hasSome",
    "$hasAll",
    "$matchItems",
}


@dataclass(frozen=True)
class FieldRules:
    """Declared filter operators (None = all) and sortability per field path."""

    filterable: Mapping[str, frozenset[str] | None]
    sortable: frozenset[str]

    def check_filter(self, flt: JsonDict, where: str = "filter") -> None:
        for key, cond in flt.items():
            if key in ("$and", "$or"):
                if not isinstance(cond, list):
                    raise invalid(f"{where}.{key}", "must be an array")
                for sub in cond:
                    self.check_filter(_as_filter(sub, where), where)
                continue
            if key == "$not":
                self.check_filter(_as_filter(cond, where), where)
                continue
            if key not in self.filterable:
                raise invalid(where, f"Field '{key}' is not declared as filterable")
            allowed = self.filterable[key]
            ops = _operators_of(cond)
            if allowed is not None:
                for op in ops:
                    if op not in allowed:
                        raise invalid(where, f"Operator '{op}' is not allowed for field '{key}'")

    def check_sort(self, field: str, where: str) -> None:
        if field not in self.sortable:
            raise invalid(where, f"Field '{field}' is not declared as sortable")


def _operators_of(cond: Any) -> list[str]:
    if isinstance(cond, dict) and cond and all(str(k).startswith("$") for k in cond):
        return list(cond)
    return ["$eq"]


def _as_filter(value: Any, where: str) -> JsonDict:
    if not isinstance(value, dict):
        raise invalid(where, "must be an object")
    return value


def validate_filter(flt: Any, where: str = "filter") -> JsonDict:
    """Structural check (objects, known operators) done once per request."""
    flt = _as_filter(flt, where) if flt is not None else {}
    for key, cond in flt.items():
        if key in ("$and", "$or"):
            if not isinstance(cond, list):
                raise invalid(f"{where}.{key}", "must be an array")
            for sub in cond:
                validate_filter(sub, where)
        elif key == "$not":
            validate_filter(cond, where)
        elif key.startswith("$"):
            raise invalid(where, f"Unknown operator '{key}'")
        elif isinstance(cond, dict) and cond and all(str(k).startswith("$") for k in cond):
            for op, arg in cond.items():
                if op not in _OPERATORS:
                    raise invalid(f"{where}.{key}", f"Unknown operator '{op}'")
                if op in ("$in", "$nin", "$hasSome", "$hasAll") and not isinstance(arg, list):
                    raise invalid(f"{where}.{key}.{op}", "must be an array")
                if op == "$matchItems":
                    validate_filter(arg, f"{where}.{key}.{op}")
    return dict(flt)


def _norm(value: Any) -> Any:
    # Dates are compared as instants: "...T09:30:00Z" equals "...T09:30:00.000Z".
    if isinstance(value, str) and _ISO.match(value):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


def _same_kind(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return True
    return type(a) is type(b)


def _eq(a: Any, b: Any) -> bool:
    a, b = _norm(a), _norm(b)
    return _same_kind(a, b) and a == b


def _cmp(op: str, a: Any, b: Any) -> bool:
    a, b = _norm(a), _norm(b)
    if a is None or b is None or not _same_kind(a, b):
        return False
    try:
        if op == "$gt":
            return bool(a > b)
        if op == "$gte":
            return bool(a >= b)
        if op == "$lt":
            return bool(a < b)
        return bool(a <= b)
    except TypeError:
        return False


def _any(value: Any, pred: Callable[[Any], bool]) -> bool:
    if isinstance(value, list):
        return any(pred(v) for v in value)
    return pred(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


_last_in: tuple[list[Any], frozenset[str] | None] = ([], frozenset())


def _plain_string_set(arg: list[Any]) -> frozenset[str] | None:
    """The values of an ``$in`` list as a set, when they are plain (non-date) strings.

    The set of the last list seen is kept: one filter is applied to every row
    of a page, and holding the list itself keeps its identity from being reused.
    """
    global _last_in
    cached = _last_in  # one read: another thread may replace it meanwhile
    if cached[0] is not arg:
        plain = all(isinstance(a, str) and not _ISO.match(a) for a in arg)
        cached = (arg, frozenset(arg) if plain else None)
        _last_in = cached
    return cached[1]


def _apply(op: str, arg: Any, value: Any) -> bool:
    if op == "$eq":
        return _any(value, lambda v: _eq(v, arg)) if arg is not None else value is None
    if op == "$ne":
        return not _apply("$eq", arg, value)
    if op == "$in":
        fast = _plain_string_set(arg)
        if fast is not None and isinstance(value, str) and not _ISO.match(value):
            return value in fast  # ids: set membership instead of 1,000 comparisons a row
        return _any(value, lambda v: any(_eq(v, a) for a in arg))
    if op == "$nin":
        return not _apply("$in", arg, value)
    if op in ("$gt", "$gte", "$lt", "$lte"):
        return _any(value, lambda v: _cmp(op, v, arg))
    if op == "$exists":
        return (value is not None) == bool(arg)
    if op == "$startsWith":
        prefix = str(arg).lower()
        return _any(value, lambda v: isinstance(v, str) and v.lower().startswith(prefix))
    if op == "$isEmpty":
        return _is_empty(value) == bool(arg)
    if op == "$hasSome":
        items = value if isinstance(value, list) else ([] if value is None else [value])
        return any(_eq(v, a) for v in items for a in arg)
    if op == "$hasAll":
        items = value if isinstance(value, list) else ([] if value is None else [value])
        return all(any(_eq(v, a) for v in items) for a in arg)
    if op == "$matchItems":
        items = value if isinstance(value, list) else []
        return any(isinstance(v, dict) and matches(arg, v) for v in items)
    raise invalid("filter", f"Unknown operator '{op}'")


def matches(flt: Mapping[str, Any], doc: JsonDict) -> bool:
    for key, cond in flt.items():
        if key == "$and":
            if not all(matches(sub, doc) for sub in cond):
                return False
        elif key == "$or":
            if not any(matches(sub, doc) for sub in cond):
                return False
        elif key == "$not":
            if matches(cond, doc):
                return False
        else:
            value = get_path(doc, key)
            if isinstance(cond, dict) and cond and all(str(k).startswith("$") for k in cond):
                if not all(_apply(op, arg, value) for op, arg in cond.items()):
                    return False
            elif not _apply("$eq", cond, value):
                return False
    return True


# ---- sorting --------------------------------------------------------------

_RANK = {type(None): 0, bool: 1, int: 2, float: 2, datetime: 3, str: 4}


def _sort_atom(value: Any) -> tuple[int, Any]:
    if isinstance(value, list):
        value = value[0] if value else None
    value = _norm(value)
    rank = _RANK.get(type(value), 5)
    if rank == 5:
        return rank, str(value)
    return rank, value


def compare_keys(a: list[Any], b: list[Any], desc: list[bool]) -> int:
    """Compare two sort keys; missing values sort first in ascending order."""
    for x, y, d in zip(a, b, desc, strict=True):
        ax, by = _sort_atom(x), _sort_atom(y)
        if ax == by:
            continue
        result = -1 if ax < by else 1
        return -result if d else result
    return 0


def sort_docs(keyed: list[tuple[list[Any], JsonDict]], desc: list[bool]) -> None:
    def cmp(p: tuple[list[Any], JsonDict], q: tuple[list[Any], JsonDict]) -> int:
        return compare_keys(p[0], q[0], desc)

    keyed.sort(key=functools.cmp_to_key(cmp))


# ---- free text --------------------------------------------------------------


def text_predicate(
    search: JsonDict | None, allowed_fields: list[str], where: str
) -> Callable[[JsonDict], bool] | None:
    """A predicate for ``search.search`` ({expression, fields, mode, fuzzy}).

    Aggregations and ``fuzzy`` are ignored: the emulator does plain
    case-insensitive substring matching of each word of the expression.
    """
    if not search or not search.get("expression"):
        return None
    expression = str(search["expression"])
    if len(expression) > 100:
        raise invalid(
            f"{where}.expression", "must be at most 100 characters", violated_rule="MAX_LENGTH"
        )
    fields = search.get("fields") or allowed_fields
    for name in fields:
        if name not in allowed_fields:
            raise invalid(f"{where}.fields", f"Field '{name}' is not searchable")
    terms = [t.lower() for t in expression.split()]
    require_all = str(search.get("mode", "OR")).upper() == "AND"

    def predicate(doc: JsonDict) -> bool:
        haystack: list[str] = []
        for name in fields:
            value = get_path(doc, name)
            if isinstance(value, list):
                haystack.extend(str(v).lower() for v in value)
            elif value is not None:
                haystack.append(str(value).lower())
        hits = [any(term in h for h in haystack) for term in terms]
        return all(hits) if require_all else any(hits)

    return predicate
