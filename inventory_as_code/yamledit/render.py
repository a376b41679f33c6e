"""Writing values and new entries as YAML text, in the style of the file they go into.

A replaced value keeps its quoting: a quoted ``"29.00"`` stays quoted, a plain
``29`` stays plain, unless the new text needs quotes to be read back as the
same value (``yes``, ``12:30``, ``# hash``), in which case it is double-quoted.
New entries follow the file: block entries at the indentation of their
siblings, nested by the file's own step; a new mapping is written in flow
style (``{price: "31.00"}``) when its siblings are, or when it has no mapping
siblings and fits on one line, as ``export`` writes leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Union

import yaml

from inventory_as_code.config.yamlscalars import resolve_plain

TEXT, MONEY, INT, BOOL = "text", "money", "int", "bool"
WIDTH = 100  # as export writes (and the house line length)
_STR_TAG = "tag:yaml.org,2002:str"
_SPECIAL_KEY_TAGS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})
_LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",[]{}")


@dataclass(frozen=True, slots=True)
class Scalar:
    """A value to write: its kind decides how it may be written.

    ``money`` is an amount's canonical text, which the loader reads from the
    source text whether it is quoted or not; ``style`` is the quoting to prefer
    ("" plain, ``'"'``, ``"'"``), usually the style of the value it replaces or
    overrides.
    """

    value: str | int | bool
    kind: str = TEXT
    style: str = ""


Patch = dict[str, Union["Patch", Scalar]]
"""Keys to set, nested as in the file; a leaf is the :class:`Scalar` to write there."""


def scalar_text(scalar: Scalar, *, flow: bool, style: str | None = None) -> str:
    """The text of ``scalar`` in a flow (``flow=True``) or block context."""
    value, kind = scalar.value, scalar.kind
    wanted = scalar.style if style is None else style
    if kind == BOOL:
        return "true" if value else "false"
    if kind == INT:
        return str(int(value))
    text = str(value)
    if kind == MONEY:
        if wanted in ('"', "'"):
            return f"{wanted}{text}{wanted}"
        return text
    if wanted == "'" and _single_quotable(text):
        return "'" + text.replace("'", "''") + "'"
    if wanted != '"' and plain_safe(text, flow=flow):
        return text
    return double_quoted(text)


def key_text(key: str, *, flow: bool, quote: str = '"') -> str:
    """A key, plain when it can be (the loader keeps keys as their source text)."""
    if plain_safe(key, flow=flow, as_key=True):
        return key
    if quote == "'" and _single_quotable(key):
        return "'" + key.replace("'", "''") + "'"
    return double_quoted(key)


def plain_safe(text: str, *, flow: bool, as_key: bool = False) -> bool:
    """True when ``text`` written plain is read back as this same text."""
    if not text or text != text.strip() or not text.isprintable():
        return False
    if any(ch in _LINE_BREAKS for ch in text) or text[0] in _INDICATORS:
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    if flow and any(ch in _FLOW_INDICATORS for ch in text):
        return False
    tag = resolve_plain(text)
    # Keys are kept as their source text (``40:``, ``Yes:``), but ``<<`` merges and ``=`` is
    # a YAML value key: those, and any value that would not be read as text, need quotes.
    if tag in _SPECIAL_KEY_TAGS or (not as_key and tag != _STR_TAG):
        return False
    # The last word: libyaml itself, in the context the text goes into.
    snippet = f"{{k: {text}}}" if flow else f"k: {text}\n"
    try:
        events = list(yaml.parse(snippet, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return False
    values = [e for e in events if isinstance(e, yaml.ScalarEvent)]
    return len(values) == 2 and values[1].value == text and not values[1].style


def double_quoted(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch.isprintable() and ch not in _LINE_BREAKS and ch != "\ufeff":
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _single_quotable(text: str) -> bool:
    return text.isprintable() and not any(ch in _LINE_BREAKS for ch in text)


@dataclass(frozen=True, slots=True)
class Layout:
    """How the file nests block entries: its indentation step and preferred quote."""

    step: int = 2
    quote: str = '"'


def flow_text(value: Patch | Scalar, layout: Layout) -> str:
    """``value`` on one line: a scalar, or a flow mapping ``{a: 1, b: {c: 2}}``."""
    if isinstance(value, Scalar):
        return scalar_text(value, flow=True)
    inner = ", ".join(
        f"{key_text(k, flow=True, quote=layout.quote)}: {flow_text(v, layout)}"
        for k, v in value.items()
    )
    return "{" + inner + "}"


def block_entries(
    entries: Mapping[str, Patch | Scalar],
    indent: int,
    layout: Layout,
    *,
    flow_siblings: bool | None,
    newline: str = "\n",
) -> str:
    """New block entries at ``indent``, each ending with ``newline``.

    ``flow_siblings``: True when the mapping's existing mapping values are in flow
    style, False when they are block, None when it has none (then a mapping is
    written in flow style if its entry fits on one line).
    """
    lines: list[str] = []
    pad = " " * indent
    for key, value in entries.items():
        head = f"{pad}{key_text(key, flow=False, quote=layout.quote)}:"
        if isinstance(value, Scalar):
            lines.append(f"{head} {scalar_text(value, flow=False)}{newline}")
            continue
        if not value:
            lines.append(f"{head} {{}}{newline}")
            continue
        one_line = f"{head} {flow_text(value, layout)}"
        fits = len(one_line) <= WIDTH
        if flow_siblings or (flow_siblings is None and fits):
            lines.append(one_line + newline)
            continue
        lines.append(head + newline)
        lines.append(
            block_entries(value, indent + layout.step, layout, flow_siblings=None, newline=newline)
        )
    return "".join(lines)
