"""A parsed YAML file: plain values plus the position of every key and value.

Values are ordinary dicts, lists and scalars so that jsonschema and the
builders can treat them as JSON. Positions live beside them in :class:`Marks`,
keyed by the ``id()`` of each dict or list (the containers stay alive inside
the document, so the ids stay valid); a lookup walks the path from the root.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.config.problems import PathPart

# (key line, key column, value line, value column, source text of a non-string scalar)
Entry = tuple[int, int, int, int, "str | None"]


class Marks:
    """Positions of every key and value of one document, keyed by container identity."""

    __slots__ = ("table",)

    def __init__(self) -> None:
        self.table: dict[int, dict[PathPart, Entry]] = {}

    def entry(self, container: object, key: PathPart) -> Entry | None:
        entries = self.table.get(id(container))
        return entries.get(key) if entries is not None else None

    def raw(self, container: object, key: PathPart) -> str | None:
        entry = self.entry(container, key)
        return entry[4] if entry is not None else None


@dataclass(slots=True)
class Document:
    """One YAML file: its top-level mapping and where everything in it was written."""

    file: str
    data: dict[str, Any]
    marks: Marks = field(default_factory=Marks)

    def locate(self, path: Sequence[PathPart], *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at ``path`` (of its key with ``key=True``).

        Falls back to the deepest position that exists, then to 1:1.
        """
        position = (1, 1)
        container: Any = self.data
        for part in path:
            entry = self.marks.entry(container, part)
            if entry is None:
                break
            position = (entry[0], entry[1]) if key else (entry[2], entry[3])
            try:
                container = container[part]
            except (KeyError, IndexError, TypeError):
                break
        return position
