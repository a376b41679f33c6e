"""Shared state of one model build: origins, problem reporting, project-wide registries.

The builders in :mod:`~inventory_as_code.config.build` and
:mod:`~inventory_as_code.config.products` read values that the schema has
already checked; they still test every type they rely on (and silently skip
what the schema rejected) so that a broken file yields problems, never an
exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.config.document import Document, Entry
from inventory_as_code.config.problems import PathPart, ProblemCollector, format_path
from inventory_as_code.config.stock import Layer
from inventory_as_code.model import Origin, normalize_money

_NO_ENTRIES: dict[PathPart, Any] = {}
_NOWHERE: Entry = (1, 1, 1, 1, None)


class DocView:
    """Origins of values in one document."""

    __slots__ = ("doc", "file", "table")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.file = doc.file
        self.table = doc.marks.table

    def entry(self, container: Any, key: PathPart) -> Entry:
        """The positions of ``container[key]``, which the document holds (1:1 when not)."""
        return self.table.get(id(container), _NO_ENTRIES).get(key) or _NOWHERE

    def at(self, container: Any, key: PathPart) -> Origin:
        """Origin of the value ``container[key]``."""
        entry = self.table.get(id(container), _NO_ENTRIES).get(key)
        return Origin(self.file, entry[2], entry[3]) if entry else Origin(self.file, 1, 1)

    def key_at(self, container: Any, key: PathPart) -> Origin:
        """Origin of the key ``key`` in ``container`` (for "unknown key" style problems)."""
        entry = self.table.get(id(container), _NO_ENTRIES).get(key)
        return Origin(self.file, entry[0], entry[1]) if entry else Origin(self.file, 1, 1)

    def origins(self, container: Any, key: PathPart) -> tuple[Origin, Origin]:
        """(origin of the value, origin of the key) of ``container[key]``."""
        entry = self.table.get(id(container), _NO_ENTRIES).get(key) or _NOWHERE
        return Origin(self.file, entry[2], entry[3]), Origin(self.file, entry[0], entry[1])

    def text(self, container: Any, key: PathPart) -> str | None:
        """A text value; numbers (and, where the schema allows, booleans) as written."""
        value = container.get(key) if isinstance(container, dict) else container[key]
        if isinstance(value, str):
            return value
        if value is None or isinstance(value, (dict, list)):
            return None
        raw = self.table.get(id(container), _NO_ENTRIES).get(key)
        return raw[4] if raw and raw[4] is not None else str(value)


@dataclass
class Context:
    problems: ProblemCollector
    location_names: list[str] = field(default_factory=list)
    location_layers: dict[str, Layer] = field(default_factory=dict)
    defaults_layer: Layer = field(default_factory=dict)
    # A location's reorder_point (config.reorder), by location name.
    location_reorder: dict[str, tuple[int, Origin]] = field(default_factory=dict)
    skus: dict[str, tuple[Origin, Sequence[PathPart]]] = field(default_factory=dict)
    # A site's overlay removed these base locations: the base's stock entries at them
    # are dropped with them (an overlay's own are still reported: they name nothing).
    removed_locations: frozenset[str] = frozenset()
    overlay_folder: str = ""
    _money: dict[str, str | ValueError] = field(default_factory=dict)

    def report(
        self, origin: Origin, path: Sequence[PathPart], message: str, hint: str = ""
    ) -> None:
        self.problems.add(origin.file, origin.line, origin.column, format_path(path), message, hint)

    def money(
        self, view: DocView, container: dict[str, Any], key: str, path: Sequence[PathPart]
    ) -> str | None:
        """The normalised amount at ``container[key]``, or None (reported) if invalid."""
        if key not in container:
            return None
        value = container[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None  # wrong type: the schema has reported it
        text = value if isinstance(value, str) else view.text(container, key) or ""
        cached = self._money.get(text)
        if cached is None:
            try:
                cached = normalize_money(text)
            except ValueError as exc:
                cached = exc
            self._money[text] = cached
        if isinstance(cached, ValueError):
            hint = (
                "use an amount from 0 to 999999999.99."
                if "largest" in str(cached) or "negative" in str(cached)
                else 'write a plain amount like "24.90": no currency symbol, no thousands '
                "separator, at most 3 decimals."
            )
            self.report(view.at(container, key), path, f"{cached}.", hint)
            return None
        return cached

    def register_sku(self, sku: str, origin: Origin, variant_path: Sequence[PathPart]) -> None:
        """Remember a variant's SKU; report it when another variant already has it."""
        first = self.skus.get(sku)
        if first is None:
            self.skus[sku] = (origin, variant_path)  # formatted only for a message
            return
        self.report(
            origin,
            (*variant_path, "sku"),
            f'SKU "{sku}" is already used by {format_path(first[1])} ({first[0]}).',
            "every variant needs its own SKU; change one of them.",
        )
