"""Where a saved plan's changes of each kind are, noted on the checking pass.

The text and Markdown renderers show a product, its variants, its stock and
its refills together (:func:`.render_entries.plan_view`), but a plan is
sorted by kind, then address: the products first, then all variants, then
all stock. A plan written by the tool has each kind in one run, and inside a
run the product slugs in order (``variant["a"]...`` sorts as the slug ``a``
does). So one reader per kind, each started at its run's first change, read
side by side give the products' groups one after another, in the order
``plan_view`` sorts them (:mod:`.streamed_view`), with one group in memory.

:class:`Sections` notes, per change, the run it belongs to and checks that
order; a plan that does not keep it (hand-made, or a slug whose quoting
sorts otherwise) is rendered from a whole ``Plan``, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from inventory_as_code.plan.model import Action, Kind

# The kinds of change grouped by product, as plan_view groups them.
GROUPED = (Kind.PRODUCT.value, Kind.VARIANT.value, Kind.STOCK.value, Kind.MOVE.value)
DELETE = Action.DELETE.value


@dataclass(slots=True)
class Run:
    """The changes of one kind: where the first starts (a character offset) and how many."""

    offset: int
    count: int = 0


class Sections:
    def __init__(self) -> None:
        self.runs: dict[str, Run] = {}
        self.grouped = True  # False when the order above does not hold
        self.products: set[str] = set()  # the slugs of the groups
        self.deletions = 0
        self._kind: Any = None
        self._last: dict[str, str] = {}

    def add(self, offset: int, change: Any) -> None:
        """The next change of the list, which starts at ``offset``."""
        if not self.grouped:
            return
        if not isinstance(change, Mapping):
            self.grouped = False
            return
        kind = change.get("kind")
        if kind != self._kind:
            if not isinstance(kind, str) or kind in self.runs:
                self.grouped = False  # a kind in two runs
                return
            self.runs[kind] = Run(offset)
            self._kind = kind
        self.runs[kind].count += 1
        if change.get("action") == DELETE:
            self.deletions += 1
            return
        if kind not in GROUPED:
            return
        # slug_of(), on the dict the Change is made from
        keys = change.get("keys", {})
        slug = str(keys.get("slug", change.get("address")) if isinstance(keys, Mapping) else "")
        last = self._last.get(kind)
        if last is not None and slug < last:
            self.grouped = False
            return
        self._last[kind] = slug
        self.products.add(slug)
