"""What ``apply FILE`` keeps of a saved plan while it plans again: a digest per change.

The binding (:mod:`.binding`) executes the *fresh* plan's changes, never the
saved ones; of a saved change it compares its address and action, its
``after`` (as one normal JSON text), whether it observed a revision and
which, and the store ids it was planned against; it reports a change that
moved against the saved ``before``. Nothing else of the file is needed once it
is checked, so the plan read from the file (a first plan of 20,000 products:
420,000 changes, about 900 MB as :class:`~.model.Change` objects sharing the
decoded JSON) is reduced to this digest and let go before the YAML is loaded
and the store read: the digest of that plan holds a few hundred bytes a
change (the store ids, repeated on every stock item of a location, once).

The digest says nothing the saved change did not: ``after`` is the text the
binding compared anyway (:func:`normal`), and a difference is described from
it decoded again, which gives the same values the file held.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from inventory_as_code.plan.model import Action, Change, Kind, Plan
from inventory_as_code.plan.refills import RULE_KEYS

# Ids a change holds of the objects it was planned against (observed.id aside).
ID_KEYS = (
    "product_id",
    "variant_id",
    "location_id",
    "inventory_item_id",
    "wix_location_id",
    "stores_location_id",
    "source_item_id",
    "source_location_id",
)
OBSERVED_ID = "observed id"


def normal(value: Any) -> str:
    """One text for equal values, whether read from JSON (lists) or planned (tuples)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def bound_after(change: Change) -> Any:
    """What must be the same on both sides: ``after``; for a move, the rule it makes true
    (its units are recomputed from the counts when it is made, as a top-up's are), or the
    records a finish acts on."""
    if change.kind is Kind.MOVE and change.after is not None:
        keys = (*RULE_KEYS, "resume")
        return {k: change.after[k] for k in keys if k in change.after}
    return change.after


def ids_of(change: Change) -> dict[str, Any]:
    """The store ids a change was planned against, by name (``observed id`` included)."""
    ids = {key: change.keys[key] for key in ID_KEYS if change.keys.get(key) is not None}
    if change.observed is not None:
        ids[OBSERVED_ID] = change.observed.id
    return ids


@dataclass(frozen=True, slots=True)
class SavedChange:
    """One saved change, as far as the binding reads it."""

    kind: Kind
    action: Action
    address: str
    after: str  # normal(change.after)
    bound: str  # normal(bound_after(change)): ``after`` itself but for a move
    before: Mapping[str, Any] | None  # what the reviewers read; a stale change is told against it
    revision: str | None  # the revision it observed; None: it observed none
    ids: tuple[tuple[str, Any], ...]  # ids_of(change), in ID_KEYS order

    def after_value(self) -> Any:
        return json.loads(self.after)


@dataclass(frozen=True, slots=True)
class SavedPlan:
    """The digest of a saved plan: its site, its metadata and its changes' digests."""

    site: str
    metadata: Mapping[str, Any]
    changes: tuple[SavedChange, ...]


def digest(plan: Plan) -> SavedPlan:
    """The plan as the binding reads it; equal ids and texts are kept once."""
    shared: dict[Any, Any] = {}

    def once(value: Any) -> Any:
        return shared.setdefault(value, value) if isinstance(value, str | tuple) else value

    changes = []
    for change in plan.changes:
        after = once(normal(change.after))
        bound = normal(bound_after(change)) if change.kind is Kind.MOVE else after
        ids = tuple((name, once(value)) for name, value in ids_of(change).items())
        changes.append(
            SavedChange(
                change.kind,
                change.action,
                change.address,
                after,
                once(bound),
                change.before,
                None if change.observed is None else once(change.observed.revision),
                once(ids) if _hashable(ids) else ids,
            )
        )
    return SavedPlan(plan.site, dict(plan.metadata), tuple(changes))


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
