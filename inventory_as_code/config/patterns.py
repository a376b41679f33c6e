"""Path patterns of ``[project] include``/``exclude``: a small, documented glob.

Patterns match paths relative to the project folder, written with ``/``:

* ``*`` any characters except ``/``; ``?`` one such character;
  ``[abc]``/``[!abc]`` one character of (not of) a set;
* ``**`` as a whole path segment: any number of folders (``products/**/*.yaml``,
  ``**/fixtures``);
* a pattern that matches a folder matches everything below it (``vendor``).

Why not fnmatch: its ``*`` crosses ``/``, so ``*.yaml`` would take every file
of every folder. Why not gitignore syntax (negation, anchoring rules): these
lists are short and read by people reviewing a pull request; one plain rule
is easier to review than git's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class PatternError(ValueError):
    """A pattern that cannot be used; the message says why, for a person."""


@dataclass(frozen=True, slots=True)
class PathPattern:
    text: str
    regex: re.Pattern[str]
    line: int = 0  # where the pattern is written in inventory-as-code.toml, for messages
    column: int = 0

    def matches(self, rel: str) -> bool:
        """True when ``rel`` or one of its parent folders matches."""
        if self.regex.fullmatch(rel):
            return True
        parts = rel.split("/")
        return any(self.regex.fullmatch("/".join(parts[:i])) for i in range(1, len(parts)))


def compile_pattern(text: str) -> PathPattern:
    """Check and compile one pattern; raises :class:`PatternError`."""
    if not text or not text.strip():
        raise PatternError("an empty pattern matches nothing")
    if "\\" in text:
        raise PatternError("use / between folders, not \\")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        raise PatternError("patterns are relative to the project folder; remove the leading /")
    segments = text.rstrip("/").split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise PatternError("empty, '.' and '..' folders are not allowed in a pattern")
    out: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            out.append(".*" if last else "(?:[^/]+/)*")
            continue
        if "**" in segment:
            raise PatternError("** must be a whole folder, as in products/**/*.yaml")
        out.append(_segment(segment) + ("" if last else "/"))
    try:
        return PathPattern(text, re.compile("".join(out)))
    except re.error as exc:
        raise PatternError(f"not a valid pattern ({exc})") from None


def _segment(segment: str) -> str:
    regex = ""
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            regex += "[^/]*"
        elif char == "?":
            regex += "[^/]"
        elif char == "[":
            end = segment.find("]", i + 2)
            if end < 0:
                raise PatternError("a [ has no closing ]")
            body = segment[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            regex += "[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]"
            i = end
        else:
            regex += re.escape(char)
        i += 1
    return regex
