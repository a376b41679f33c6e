"""Untrusted text made safe to print on a terminal, in a CI log or as JSON.

Product and location names come from YAML files of a pull request and from
the live store, which anyone with dashboard access edits. Printed raw, an
``ESC [ 2 J`` clears the reviewer's screen, an OSC 8 sequence plants a link,
``\\r`` overwrites the start of a line, and a bidi override (U+202E) shows
"gnp.exe" as "exe.png". Every name the CLI prints goes through
:func:`safe_text`; JSON goes through :func:`safe_json`.

What is escaped: control characters (C0 including ESC, DEL, C1) and Unicode
format characters (bidi embeddings, overrides and isolates, zero-width spaces
and joiners, the BOM), plus line and paragraph separators. They are shown as
Python-style escapes (``\\x1b``, ``\\u202e``), so the reader sees that they are
there. Everything else, accents and non-Latin scripts included, is kept.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
# Fast path: most text is printable ASCII.
_PLAIN = re.compile(r"[\x20-\x7e]*")


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control and format character escaped (see the module docstring).

    ``keep_newlines`` keeps ``\\n`` (and tabs) for multi-line blocks that the
    caller prints as such; a name on one line must never break the line.
    """
    if _PLAIN.fullmatch(text):
        return text
    out = []
    for char in text:
        if keep_newlines and char in "\n\t":
            out.append(char)
        elif _unsafe(char):
            out.append(_escape(char))
        else:
            out.append(char)
    return "".join(out)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a surrogate pair, as JSON writes characters beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def safe_json(data: Any, **options: Any) -> str:
    """``json.dumps`` that keeps non-ASCII text readable but escapes what a terminal would run.

    The data is unchanged (a JSON reader gets the same strings back); only the
    characters :func:`safe_text` escapes are written as ``\\uXXXX``.
    """
    text = json.dumps(data, ensure_ascii=False, **options)
    if text.isascii() and "\x7f" not in text:
        return text  # json escapes every C0 control itself
    # Outside strings the JSON text is ASCII (newlines of indent included), so only
    # non-ASCII characters and DEL, all inside strings, can need escaping here.
    return "".join(
        _json_escape(c) if (c == "\x7f" or not c.isascii()) and _unsafe(c) else c for c in text
    )
