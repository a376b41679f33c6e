"""A file's bytes as the text the loader parses, and back, byte for byte.

The loader reads UTF-8 with or without a byte-order mark (and UTF-16/32 with
one); an edited file keeps its mark and its encoding. Only UTF-8 files are
edited: a UTF-16 inventory file is rare enough to be edited by hand.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from inventory_as_code.yamledit.tree import TreeError


@dataclass(frozen=True, slots=True)
class SourceText:
    raw: bytes
    text: str
    bom: bytes

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode("utf-8")


def decode_source(raw: bytes) -> SourceText:
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or raw.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise TreeError("the file is UTF-16 or UTF-32; only UTF-8 files are edited")
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    try:
        text = raw[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        raise TreeError("the file is not UTF-8 text") from None
    return SourceText(raw, text, bom)
