"""YAML 1.1 scalars: the value and source text of one libyaml scalar event.

Plain scalars are resolved with PyYAML's own implicit-resolver table, so
``yes``, ``0x1F``, ``1:30`` and ``.inf`` mean what they mean to PyYAML; only
int, float, bool and null are ever constructed (through PyYAML's safe
constructor), dates and ``=`` stay text, and every other tag is reported. A
number is never built from more than :data:`MAX_NUMBER_CHARS` characters (see
:mod:`~inventory_as_code.config.yamlevents`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from inventory_as_code.config.problems import quote

MAX_NUMBER_CHARS = 100  # the format's numbers need 12; names written as numbers stay text

_Y = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _Y + "str", _Y + "int", _Y + "float", _Y + "bool", _Y + "null"
_TIMESTAMP, _BINARY, _MERGE = _Y + "timestamp", _Y + "binary", _Y + "merge"
COLLECTION_TAGS = {_Y + "map", _Y + "seq", _Y + "set", _Y + "omap", _Y + "pairs"}

_SCALARS = SafeConstructor()
_CONSTRUCTORS: dict[str, Callable[[ScalarNode], Any]] = {
    _INT: _SCALARS.construct_yaml_int,
    _FLOAT: _SCALARS.construct_yaml_float,
    _BOOL: _SCALARS.construct_yaml_bool,
}
IMPLICIT = Resolver.yaml_implicit_resolvers  # first character -> [(tag, regexp)]
MERGE_KEY = "\x00merge"  # the value of a << key: what follows is merged into the mapping

# (event's start mark, message, hint): where and what to report
Report = Callable[[Any, str, str], None]


def resolve_plain(value: str) -> str:
    """The YAML 1.1 tag of a plain scalar, decided exactly as PyYAML's resolver does."""
    for tag, regexp in IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return str(tag)
    return _STR


def scalar_value(event: Any, report: Report) -> tuple[Any, str | None]:
    """(value, source text for a non-string scalar) of a libyaml ScalarEvent."""
    text: str = event.value
    tag = event.tag
    if tag is None:  # fast paths for the common plain and quoted scalars
        if not event.implicit[0] or text[:1] not in IMPLICIT:
            return text, None
        decimal = text.isdigit() and text.isascii() and (text[0] != "0" or text == "0")
        if decimal and len(text) <= MAX_NUMBER_CHARS:
            return int(text), text
    if tag is None or tag == "!":
        tag = resolve_plain(text) if event.implicit[0] else _STR
    if tag == _STR:
        return text, None
    if tag == _NULL:
        return None, text
    construct = _CONSTRUCTORS.get(tag)
    if construct is not None:
        if tag != _BOOL and len(text) > MAX_NUMBER_CHARS:
            report(
                event.start_mark,
                f"this number is {len(text):,} characters long; numbers here have at most "
                f"{MAX_NUMBER_CHARS}.",
                "use a smaller number, or quote the value if it is text.",
            )
            return None, text
        try:
            return construct(ScalarNode(tag, text)), text
        except (ValueError, IndexError, KeyError, OverflowError):
            # An explicit tag (!!int, !!float, !!bool) can be put on any text.
            kind = {_INT: "whole number", _FLOAT: "number", _BOOL: "true or false"}[tag]
            report(
                event.start_mark,
                f"{quote(text)} is not a valid {kind}.",
                "correct the value or remove the !! tag.",
            )
            return None, text
    if tag == _MERGE:
        return MERGE_KEY, "<<"
    if tag == _TIMESTAMP or tag.startswith(_Y + "yaml") or tag == _Y + "value":
        return text, text  # dates are only ever text here (e.g. in a preorder message)
    if tag == _BINARY:
        report(event.start_mark, "binary (!!binary) values are not supported.", "remove the value.")
        return None, text
    report(event.start_mark, f"unsupported YAML tag {tag}.", "remove the tag.")
    return None, text
