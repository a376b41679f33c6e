"""The shape of a saved plan, checked before anything reads it.

A saved plan is untrusted input: whoever can write the artifact can edit it
and recompute its plain checksum. ``apply FILE`` trusts none of its values
with the store (:mod:`.binding`), but ``show`` renders them, and the
renderers read a product's ``options`` as a mapping of lists, a count as a
number, a YAML origin as a file and a line. So every value a renderer or
:meth:`.model.Plan.from_dict` reads is checked here, with the JSON path of
the first one that is wrong, and the plan is refused as malformed instead of
ending in a Python error half-way through the rendering.

What is checked follows ``schemas/plan.schema.json`` and, inside a change's
``before``/``after``/``observed.values`` and ``keys``, the values the planner
writes (:data:`VALUES`, :data:`KEYS`). Other members are free JSON, as the
schema says, bounded only in depth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from inventory_as_code.plan.model import Action, Cause, Kind

# Deeper than any plan the tool writes (a swatch colour is 4 levels below a change).
MAX_DEPTH = 24

Check = Callable[[Any], None]


class PlanShapeError(ValueError):
    """A member of a saved plan that the tool never writes so; ``where`` is its JSON path."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.parts: list[str | int] = []  # innermost first, added while unwinding

    @property
    def where(self) -> str:
        text = ""
        for part in reversed(self.parts):
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text

    def __str__(self) -> str:
        return f"{self.where or 'the document'}: {self.problem}"


def _bad(expected: str, found: Any) -> PlanShapeError:
    return PlanShapeError(f"expected {expected}, found {_kind(found)}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# Paths are built only for the member that is wrong: a big plan has millions of values.
def _text(value: Any) -> None:
    if not isinstance(value, str):
        raise _bad("a text", value)


def _whole(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad("a whole number", value)


def _flag(value: Any) -> None:
    if not isinstance(value, bool):
        raise _bad("true or false", value)


def _json(value: Any, depth: int = 0) -> None:
    """Any JSON value, nested at most MAX_DEPTH levels (the renderers recurse into it)."""
    if depth > MAX_DEPTH:
        raise PlanShapeError(f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        try:
            _json(item, depth + 1)
        except PlanShapeError as exc:
            exc.parts.append(key)
            raise


def _optional(check: Check) -> Check:
    def checked(value: Any) -> None:
        if value is not None:
            check(value)

    return checked


def _list_of(check: Check, what: str) -> Check:
    def checked(value: Any) -> None:
        if not isinstance(value, list):
            raise _bad(what, value)
        for index, item in enumerate(value):
            try:
                check(item)
            except PlanShapeError as exc:
                exc.parts.append(index)
                raise

    return checked


def _mapping_of(check: Check, what: str) -> Check:
    def checked(value: Any) -> None:
        if not isinstance(value, dict):
            raise _bad(what, value)
        for key, item in value.items():
            try:
                check(item)
            except PlanShapeError as exc:
                exc.parts.append(key)
                raise

    return checked


def _object(
    members: Mapping[str, Check], required: tuple[str, ...] = (), *, closed: bool = False
) -> Check:
    """An object whose named members have their types; others are free JSON, or (closed) none."""

    def checked(value: Any) -> None:
        if not isinstance(value, dict):
            raise _bad("an object", value)
        for name in required:
            if name not in value:
                missing = PlanShapeError("missing")
                missing.parts.append(name)
                raise missing
        for key, item in value.items():
            _member(members, closed, key, item)

    return checked


def _member(members: Mapping[str, Check], closed: bool, key: str, item: Any) -> None:
    """One member of an object checked by :func:`_object`."""
    check = members.get(key)
    try:
        if check is not None:
            check(item)
        elif closed:
            raise PlanShapeError("not a member of a saved plan")
        else:
            _json(item, 1)
    except PlanShapeError as exc:
        exc.parts.append(key)
        raise


def _one_of(allowed: tuple[str, ...]) -> Check:
    def checked(value: Any) -> None:
        if value not in allowed:
            raise _bad("one of " + ", ".join(allowed), value)

    return checked


_TEXTS = _list_of(_text, "a list of texts")
_OPTIONAL_TEXT = _optional(_text)
_COLOURS = _mapping_of(_OPTIONAL_TEXT, "an object of choice -> colour")


def _swatches(value: Any) -> None:
    """A product's colours by option (option -> choice -> colour), or a store-wide
    option's own (choice -> colour): the two kinds of change that carry swatches."""
    if isinstance(value, dict) and all(
        item is None or isinstance(item, str) for item in value.values()
    ):
        return
    _mapping_of(_COLOURS, "an object of option -> swatches")(value)


# The values of an object in a change's before, after and observed.values.
VALUES: dict[str, Check] = {
    "name": _OPTIONAL_TEXT,
    "product_type": _OPTIONAL_TEXT,
    "visible": _optional(_flag),
    "options": _mapping_of(_TEXTS, "an object of option -> list of choices"),
    "swatches": _swatches,
    "variants": _optional(_whole),
    "sku": _OPTIONAL_TEXT,
    "price": _OPTIONAL_TEXT,
    "compare_at_price": _OPTIONAL_TEXT,
    "tracking": _OPTIONAL_TEXT,
    "quantity": _optional(_whole),
    "in_stock": _optional(_flag),
    "preorder": _optional(
        _object(
            {"enabled": _optional(_flag), "message": _OPTIONAL_TEXT, "limit": _optional(_whole)}
        )
    ),
    "address": _optional(_mapping_of(_OPTIONAL_TEXT, "an object of address parts")),
    "time_zone": _OPTIONAL_TEXT,
    "location_types": _TEXTS,
}
_VALUES = _optional(_object(VALUES))

# The identity parts of a change (``keys``): what the renderers group and label by.
KEYS: dict[str, Check] = {
    "slug": _text,
    "variant": _TEXTS,
    "location": _text,
    "policy": _text,
    "product_variants": _optional(_whole),
}

_ORIGIN = _object({"file": _text, "line": _whole, "column": _whole}, ("file", "line"), closed=True)
_FIELD = _object(
    {"field": _text, "before": _json, "after": _json}, ("field", "before", "after"), closed=True
)
_OBSERVED = _optional(
    _object(
        {"id": _text, "revision": _text, "values": _optional(_object(VALUES))},
        ("id", "revision"),
        closed=True,
    )
)
# ``plan --explain-drift``: shown by the renderers, never read by apply.
_DRIFT = _optional(
    _object(
        {
            "cause": _one_of(tuple(cause.value for cause in Cause)),
            "explanation": _text,
            "remedy": _list_of(_one_of(("pull", "apply")), "a list of commands"),
            "store_updated": _OPTIONAL_TEXT,
            "yaml_commit": _OPTIONAL_TEXT,
            "yaml_committed": _OPTIONAL_TEXT,
            "likely_sale": _optional(_flag),
        },
        ("cause", "explanation", "remedy"),
        closed=True,
    )
)
_CHANGE = _object(
    {
        "address": _text,
        "kind": _one_of(tuple(kind.value for kind in Kind)),
        "action": _one_of(tuple(action.value for action in Action)),
        "before": _VALUES,
        "after": _VALUES,
        "fields": _list_of(_FIELD, "a list of field changes"),
        "keys": _object(KEYS),
        "reason": _list_of(_ORIGIN, "a list of YAML positions"),
        "observed": _OBSERVED,
        "drift": _DRIFT,
    },
    ("address", "kind", "action"),
    closed=True,
)
_ACCEPTED = _optional(
    _object(
        {"entry": _text, "reason": _text, "max": _whole}, ("entry", "reason", "max"), closed=True
    )
)
_DOCUMENT_MEMBERS: dict[str, Check] = {
    "site": _text,
    "metadata": _object({}),
    "changes": _list_of(_CHANGE, "a list of changes"),
    "notes": _list_of(
        _object(
            {"code": _text, "message": _text, "address": _text},
            ("code", "message"),
            closed=True,
        ),
        "a list of notes",
    ),
    "guard_rails": _list_of(
        _object(
            {
                "code": _text,
                "message": _text,
                "addresses": _TEXTS,
                "kind": _text,
                "accepted": _ACCEPTED,
            },
            ("code", "message"),
            closed=True,
        ),
        "a list of guard rails",
    ),
    "rules": _list_of(
        _object(
            {
                "name": _text,
                "level": _one_of(("advisory", "soft", "hard")),
                "message": _text,
                "scope": _one_of(("change", "plan")),
                "count": _whole,
                "addresses": _TEXTS,
                "errors": _list_of(
                    _object({"address": _text, "message": _text}, ("address", "message")),
                    "a list of rule errors",
                ),
                "accepted": _ACCEPTED,
            },
            ("name", "level", "message"),
            closed=True,
        ),
        "a list of tripped rules",
    ),
    "unresolved": _list_of(
        _object(
            {
                "address": _text,
                "field": _text,
                "live": _json,
                "desired": _json,
                "reason": _text,
            },
            ("address", "field", "live", "desired", "reason"),
            closed=True,
        ),
        "a list of unresolved differences",
    ),
}
_DOCUMENT = _object(_DOCUMENT_MEMBERS)


def check_plan_document(data: Any) -> None:
    """Raise :class:`PlanShapeError` at the first member the tool would not have written."""
    _DOCUMENT(data)


# A plan read member by member (:mod:`.saved_stream`): the same checks, in the same order,
# so the first member that is wrong is the one check_plan_document names.
def check_plan_member(name: str, value: Any) -> None:
    """One member of the document but for a ``changes`` list (see :func:`check_plan_change`)."""
    _member(_DOCUMENT_MEMBERS, False, name, value)


def check_plan_change(index: int, change: Any) -> None:
    """The item ``index`` of the document's ``changes`` list."""
    try:
        _CHANGE(change)
    except PlanShapeError as exc:
        exc.parts += [index, "changes"]
        raise
