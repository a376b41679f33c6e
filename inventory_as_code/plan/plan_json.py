"""The plan as JSON, written change by change.

A first plan of a big catalog holds hundreds of thousands of changes; as one
dict (``Plan.to_dict``) and then one string it took about a gigabyte. Here
each change is turned into a dict, encoded and handed on before the next, and
the checksum (or signature) is computed on the way over the same canonical
bytes :func:`.model.canonical` gives for the whole plan. So the text is
byte for byte what ``json.dumps(plan.to_dict(), ...)`` writes with the same
options, and the seal is what :func:`.model.checksum` (or
:func:`.saved.sign`) computes from it: a file written here verifies with
the reader of whole files, and the other way round.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol

from inventory_as_code.plan.model import Plan, change_to_dict

SIGNED = "hmac-sha256:"
CHECKSUM = "sha256:"

Encode = Callable[[Any], str]


class _Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


def _canonical(value: Any) -> bytes:
    # The options of model.canonical, which file readers use: keep them alike.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def plan_json_chunks(
    plan: Plan,
    encode: Encode,
    *,
    indent: int | None,
    key: bytes | None = None,
) -> Iterator[str]:
    """The text of ``encode(plan.to_dict())``, in pieces of about one change each.

    ``encode`` is a ``json.dumps`` with fixed options (``indent`` must be the
    one it uses; its separators are json's defaults for that indent, or
    ``(",", ":")`` when ``indent`` is None). With ``key`` the checksum is
    replaced by the HMAC-SHA256 signature a saved plan carries.
    """
    seal: _Hash
    if key is None:
        seal, prefix = hashlib.sha256(), CHECKSUM
    else:
        seal, prefix = hmac.new(key, digestmod=hashlib.sha256), SIGNED
    head, tail = plan.head_dict(), plan.tail_dict()

    # canonical() sorts the keys: "changes" comes first, then the rest.
    seal.update(b'{"changes":[')
    if indent is None:
        newline, item_sep, key_sep = "", ",", ":"
    else:
        newline, item_sep, key_sep = "\n", ",", ": "

    def pad(level: int) -> str:
        return "" if indent is None else newline + " " * (indent * level)

    def nested(value: Any, level: int) -> str:
        text = encode(value)
        # Encoded JSON has no raw newline but those of the indentation.
        return text if indent is None else text.replace("\n", pad(level))

    def member(name: str, value: str, first: bool) -> str:
        return ("" if first else item_sep) + pad(1) + encode(name) + key_sep + value

    yield "{"
    first = True
    for name, value in head.items():
        yield member(name, nested(value, 1), first)
        first = False
    if not plan.changes:
        yield member("changes", "[]", first)
    else:
        yield member("changes", "[", first)
        for index, change in enumerate(plan.changes):
            body = change_to_dict(change)
            if index:
                seal.update(b",")
            seal.update(_canonical(body))
            yield ("" if index == 0 else item_sep) + pad(2) + nested(body, 2)
        yield pad(1) + "]"
    rest = _canonical({**head, **tail})
    seal.update(b"]," + rest[1:])
    for name, value in tail.items():
        yield member(name, nested(value, 1), False)
    yield member("checksum", encode(prefix + seal.hexdigest()), False)
    yield pad(0) + "}"


def document_json_chunks(
    data: Mapping[str, Any] | Iterable[tuple[str, Any]], encode: Encode, *, indent: int
) -> Iterator[str]:
    """The text of ``encode(data)`` (a plan file's JSON as read), a change at a time.

    ``data`` may also be its members in order, with ``changes`` any iterable
    (``show`` of a big plan reads them as it writes them, :mod:`.saved_stream`).
    ``show --format json`` of a first plan of 10,000 products was one string
    of about 100 MB built from it, and its copy on the way out.
    """

    def pad(level: int) -> str:
        return "\n" + " " * (indent * level)

    def nested(value: Any, level: int) -> str:
        return encode(value).replace("\n", pad(level))

    members = data.items() if isinstance(data, Mapping) else data
    index = -1
    for index, (name, value) in enumerate(members):
        yield ("{" if index == 0 else ",") + pad(1) + encode(name) + ": "
        if name == "changes" and _is_list(value):
            number = -1
            for number, change in enumerate(value):
                yield ("[" if number == 0 else ",") + pad(2) + nested(change, 2)
            yield "[]" if number < 0 else pad(1) + "]"
        else:
            yield nested(value, 1)
    yield "{}" if index < 0 else pad(0) + "}"


def _is_list(value: Any) -> bool:
    """A list, or the lazily read list of changes (any iterable that is not a JSON value)."""
    return isinstance(value, list) or (
        isinstance(value, Iterable) and not isinstance(value, str | dict)
    )


def buffered(chunks: Iterator[str], size: int = 1 << 16) -> Iterator[str]:
    """The same text in pieces of at least ``size`` characters (fewer, larger writes)."""
    parts: list[str] = []
    length = 0
    for chunk in chunks:
        parts.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(parts)
            parts, length = [], 0
    if parts:
        yield "".join(parts)
