"""A saved plan for the text and Markdown renderers, its changes read as they are rendered.

The renderers read a :class:`.model.Plan` and its :class:`.render_entries.PlanView`.
Here both are backed by the file (:class:`.saved_stream.SavedPlan`):

* ``plan.changes`` reads the file again each time it is iterated (the
  summary, the drift report and the stock by location each go over it once),
  building one ``Change`` at a time; its length is known from the check.
* ``view.products`` gives each product's group in turn: one reader per kind
  of change (product, variant, stock, refill), each started at its kind's
  first change (:mod:`.change_sections`), read side by side by slug.
* the deletions, locations and options are few and held, as ``plan_view``
  holds them.

So a first plan of 10,000 products (210,003 changes) is rendered with a
product's changes in memory at a time, instead of all of them (450 MB).
What the renderers keep is theirs: the summaries (about the size of the
output) and, for the overview, the changes of products that existed before
(none in a first plan; an update of every product holds those updates).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import cast

from inventory_as_code.plan.change_sections import DELETE, GROUPED
from inventory_as_code.plan.model import Action, Change, Kind, Plan, change_from_dict
from inventory_as_code.plan.render_common import slug_of
from inventory_as_code.plan.render_entries import PlanView, ProductGroup
from inventory_as_code.plan.saved import malformed
from inventory_as_code.plan.saved_stream import SavedPlan

_STORE_WIDE = (Kind.LOCATION.value, Kind.OPTION.value)


class _Changes:
    """``plan.changes``: iterable again and again, each time from the file."""

    def __init__(self, saved: SavedPlan) -> None:
        self._saved = saved

    def __len__(self) -> int:
        return self._saved.change_count

    def __iter__(self) -> Iterator[Change]:
        for name, value in self._saved.members():
            if name == "changes":
                for data in value:
                    yield change_from_dict(data)
                return


def _run(saved: SavedPlan, kind: str) -> Iterator[Change]:
    """The changes of one kind, in the file's order (see :mod:`.change_sections`)."""
    assert saved.sections is not None
    run = saved.sections.runs.get(kind)
    if run is None:
        return
    for number, data in enumerate(saved.changes_from(run.offset)):
        if number == run.count:
            return
        yield change_from_dict(data)


class _Groups:
    """``view.products``: the product groups in slug order, one at a time."""

    def __init__(self, saved: SavedPlan) -> None:
        assert saved.sections is not None
        self._saved = saved
        self._sections = saved.sections

    def __len__(self) -> int:
        return len(self._sections.products)

    def __iter__(self) -> Iterator[ProductGroup]:
        # The deletions are not in the groups (plan_view puts them apart).
        readers = [
            (c for c in _run(self._saved, kind) if c.action is not Action.DELETE)
            for kind in GROUPED
        ]
        heads: list[Change | None] = [next(reader, None) for reader in readers]
        while True:
            slugs = [slug_of(head) for head in heads if head is not None]
            if not slugs:
                return
            group = ProductGroup(min(slugs))
            for index, reader in enumerate(readers):
                head = heads[index]
                while head is not None and slug_of(head) == group.slug:
                    group.add(head)
                    head = next(reader, None)
                heads[index] = head
            yield group


def streamed_plan(saved: SavedPlan) -> tuple[Plan, PlanView] | None:
    """The plan and its view read from the file; None when its changes are not in the
    order :mod:`.change_sections` needs (render ``saved.plan()`` then)."""
    sections = saved.sections
    if sections is None or not sections.grouped:
        return None
    try:
        base = Plan.from_dict(saved.others)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise malformed(saved.path, exc) from None
    # The renderers only iterate plan.changes and view.products, and take their length.
    plan = replace(base, changes=cast(tuple[Change, ...], _Changes(saved)))
    deletions: list[Change] = []
    locations: list[Change] = []
    options: list[Change] = []
    if sections.deletions:  # anywhere in the plan: one read of it all
        for name, value in saved.members():
            if name != "changes":
                continue
            for data in value:
                if data.get("action") == DELETE:
                    deletions.append(change_from_dict(data))
                elif data.get("kind") in _STORE_WIDE:
                    change = change_from_dict(data)
                    (locations if change.kind is Kind.LOCATION else options).append(change)
    else:  # the runs of locations and options only, at the start of the plan
        locations = list(_run(saved, Kind.LOCATION.value))
        options = list(_run(saved, Kind.OPTION.value))
    products = cast(tuple[ProductGroup, ...], _Groups(saved))
    return plan, PlanView(tuple(deletions), tuple(locations), products, tuple(options))
