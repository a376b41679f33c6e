# ruff: noqa: RUF001, RUF002  (this module is about look-alike characters)
"""Names that look alike but are different text: the checks behind validate's warnings.

Slugs and location names are identities: ``Outlet Hamburg`` and ``Outlet
Hаmburg`` (a Cyrillic ``а``) are two locations to Wix and to the planner, but
one to a reviewer. A name is reduced to a *skeleton* (what a person sees) and
two names with the same skeleton are flagged:

1. NFKC normalisation (composed and decomposed forms, full-width letters,
   no-break and other spaces, ligatures become one form);
2. invisible characters removed (format and control characters: zero-width
   spaces and joiners, bidi controls, the BOM);
3. case folded; letters of other scripts that look like Latin letters mapped
   to them (the table below); dashes and quotes unified; spaces collapsed.

Why a small table instead of Unicode's full confusables data (TR39, about
6,300 mappings) or a package of it: the full data also equates ``1``/``l`` and
``rn``/``m``, which would flag ordinary names ("Shelf 1", "Shelf l" are
different on purpose), the maintained Python packages answer a different
question ("is this string mixed-script?") rather than "do these two names look
the same?", and this table covers what actually reaches a YAML file: a letter
typed on a Cyrillic or Greek keyboard layout, or punctuation pasted from a
word processor. The table is meant to be read and extended.
"""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek letters (lower case: names are case folded first) that look
# like a Latin letter in common fonts, upper or lower case.
_LATIN_LOOKALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "і": "i", "ї": "i", "ј": "j",
    "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y",
    "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ү": "y",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m",
    "ν": "n", "ο": "o", "ρ": "p", "τ": "t", "υ": "y", "χ": "x", "ϲ": "c", "ϳ": "j",
    # Latin letters that pass for others
    "ı": "i", "ɑ": "a", "ɡ": "g", "ℓ": "l", "ǀ": "l",
}  # fmt: skip
_PUNCTUATION = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u02bc": "'",
    "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u2033": '"', "\u00b4": "'",
}  # fmt: skip
_MAP = str.maketrans({**_LATIN_LOOKALIKES, **_PUNCTUATION})


def invisible_characters(text: str) -> list[str]:
    """``U+200B ZERO WIDTH SPACE``-style descriptions of the invisible characters in ``text``."""
    found: list[str] = []
    for char in text:
        if unicodedata.category(char) in ("Cf", "Cc", "Zl", "Zp") and char not in found:
            found.append(char)
    return [describe(char) for char in found]


def describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


def skeleton(text: str) -> str:
    """What a person sees in ``text``: equal skeletons look alike (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc", "Zl", "Zp"))
    text = text.casefold().translate(_MAP)
    return " ".join(text.split())


def lookalike_letters(text: str) -> list[str]:
    """Letters of other scripts that pass for Latin, in a name that also has Latin letters."""
    folded = unicodedata.normalize("NFC", text)
    has_latin = any(c.isascii() and c.isalpha() for c in folded)
    if not has_latin:
        return []  # a name written wholly in Cyrillic or Greek is what it looks like
    found: list[str] = []
    for char in folded:
        # Only other scripts: a Turkish dotless i (U+0131) in a name is Latin, and meant.
        script = unicodedata.name(char, "").split(" ", 1)[0]
        lookalike = script in ("CYRILLIC", "GREEK") and char.casefold() in _LATIN_LOOKALIKES
        if lookalike and char not in found:
            found.append(char)
    return [f"{char} ({describe(char)})" for char in found]
