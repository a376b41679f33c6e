"""Positions of values merged from several files: a base file and a site's overlay.

A :class:`~inventory_as_code.config.context.DocView` answers "where was this
written" for the containers of one document. After a site's overlay is
merged onto the base catalogue (:mod:`.overlay`), one product or store-wide
block holds values of both: containers the merge left alone belong to one
document each, and the containers the merge made (a product with the
overlay's price and the base's variants) hold keys of either. A
:class:`MergedView` answers for all of them, so every origin in the model
names the file and line of the value that won, as it does without overlays.

Containers are found by identity, as in :class:`~inventory_as_code.config.document.Marks`:
the documents and the merged containers stay alive as long as the view does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inventory_as_code.config.context import DocView
from inventory_as_code.config.document import Document, Entry
from inventory_as_code.config.problems import PathPart
from inventory_as_code.model import Origin

# (file, positions) of one key of a merged container
Placed = tuple[str, Entry]
_NOWHERE: Entry = (1, 1, 1, 1, None)


class MergedView(DocView):
    """Origins of the values of one merged product or block (see the module docstring).

    ``merged``: the containers the merge made, by identity, each key with the
    file it came from; ``sources``: the views of the documents the values come
    from. ``top`` is the synthetic document a builder reads the item's own key
    from (``view.doc.data["products"]`` for a product's slug).
    """

    __slots__ = ("merged", "sources")

    def __init__(
        self,
        file: str,
        top: dict[str, Any],
        merged: dict[int, dict[PathPart, Placed]],
        sources: Sequence[DocView],
    ) -> None:
        super().__init__(Document(file, top))
        self.merged = merged
        self.sources = tuple(sources)

    def find(self, container: Any, key: PathPart) -> Placed | None:
        """The file and positions of ``container[key]``, wherever it was written."""
        cid = id(container)
        own = self.merged.get(cid)
        if own is not None:
            return own.get(key)
        for source in self.sources:
            entries = source.table.get(cid)
            if entries is not None:
                entry = entries.get(key)
                return (source.file, entry) if entry is not None else None
        return None

    def entry(self, container: Any, key: PathPart) -> Entry:
        found = self.find(container, key)
        return found[1] if found is not None else _NOWHERE

    def at(self, container: Any, key: PathPart) -> Origin:
        found = self.find(container, key)
        if found is None:
            return Origin(self.file, 1, 1)
        return Origin(found[0], found[1][2], found[1][3])

    def key_at(self, container: Any, key: PathPart) -> Origin:
        found = self.find(container, key)
        if found is None:
            return Origin(self.file, 1, 1)
        return Origin(found[0], found[1][0], found[1][1])

    def origins(self, container: Any, key: PathPart) -> tuple[Origin, Origin]:
        return self.at(container, key), self.key_at(container, key)

    def text(self, container: Any, key: PathPart) -> str | None:
        value = container.get(key) if isinstance(container, dict) else container[key]
        if isinstance(value, str):
            return value
        if value is None or isinstance(value, (dict, list)):
            return None
        found = self.find(container, key)
        raw = found[1][4] if found is not None else None
        return raw if raw is not None else str(value)


def view_of(found: Placed | None) -> Placed:
    """``found``, or nowhere in no file (a position the merge could not name)."""
    return found if found is not None else ("", _NOWHERE)
