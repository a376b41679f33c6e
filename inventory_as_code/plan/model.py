"""The plan: plain, sorted, frozen data.

A plan is what reviewers approve and what ``apply`` executes, so it is a
value: an empty plan is ``Plan(changes=())``, never ``None``; changes are
sorted by (kind order, address) when the plan is built; renderers (text,
JSON, Markdown) only read it. Each change records the id and revision of the
live object it was computed from (``observed``), so ``apply`` can tell
whether the object moved since. ``reason`` points at the YAML lines that
produced the change; it is for people, and ``apply`` never reads it.

``to_dict`` / ``from_dict`` give the saved-plan form (``plan --out``); the
checksum covers everything but itself. :mod:`.plan_json` writes the same
text change by change from ``head_dict``, ``change_to_dict`` and
``tail_dict``, for plans too big to hold as one dict.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.model import Origin

FORMAT_VERSION = 1


class Action(enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    # Quantity <-> in-stock: its own kind of change because it discards data
    # (the count, preorder limits); counted with updates in the summary.
    SWITCH_TRACKING = "switch_tracking"
    DELETE = "delete"


class Kind(enum.Enum):
    LOCATION = "location"
    # A store-wide option (a Wix customization), shared by every product that uses it.
    OPTION = "option"
    PRODUCT = "product"
    VARIANT = "variant"
    STOCK = "stock"
    # Units moved from one location's stock to another's (a refill, ``refill_from``):
    # one change with both halves, after every other stock change.
    MOVE = "move"

    @property
    def order(self) -> int:
        return list(Kind).index(self)


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Observed:
    """The live object a change was computed from, as it was read."""

    id: str
    revision: str
    values: Mapping[str, Any] = field(default_factory=dict)


class Cause(enum.Enum):
    """Why the store and the YAML differ (``plan --explain-drift``, :mod:`..drift`)."""

    STORE = "store"  # the store changed after the YAML line was last committed
    YAML = "yaml"  # the YAML line was committed after the store's last change: not applied
    UNCOMMITTED = "uncommitted"  # the YAML line differs from the last commit
    BOTH = "both"  # some of the change's lines say one, some the other
    UNKNOWN = "unknown"  # no evidence either way; ``explanation`` says why


@dataclass(frozen=True, slots=True)
class Drift:
    """A change's cause, the evidence behind it and what resolves it. For people and tools;
    ``apply`` never reads it. ``remedy``: the commands that resolve it, the first advised
    (``pull``: ``pull --target`` the change's address; ``apply``)."""

    cause: Cause
    explanation: str
    remedy: tuple[str, ...]
    store_updated: str | None = None  # the live object's updatedDate
    yaml_commit: str | None = None  # the last commit of the YAML line(s) behind the change
    yaml_committed: str | None = None  # that commit's committer date (ISO-8601 UTC)
    likely_sale: bool = False  # a `set` quantity that only went down

    def to_dict(self) -> dict[str, Any]:
        return {
            "cause": self.cause.value,
            "explanation": self.explanation,
            "remedy": list(self.remedy),
            "store_updated": self.store_updated,
            "yaml_commit": self.yaml_commit,
            "yaml_committed": self.yaml_committed,
            "likely_sale": self.likely_sale,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Drift:
        return cls(
            Cause(data["cause"]),
            str(data.get("explanation", "")),
            tuple(str(r) for r in data.get("remedy", ())),
            data.get("store_updated"),
            data.get("yaml_commit"),
            data.get("yaml_committed"),
            bool(data.get("likely_sale", False)),
        )


@dataclass(frozen=True, slots=True)
class Change:
    kind: Kind
    action: Action
    address: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    fields: tuple[FieldChange, ...] = ()
    observed: Observed | None = None
    reason: tuple[Origin, ...] = ()
    # Identity parts (slug, variant key, location name) so apply needs no parsing.
    keys: Mapping[str, Any] = field(default_factory=dict)
    # Why the store and the YAML differ: only with ``plan --explain-drift``.
    drift: Drift | None = None

    @property
    def sort_key(self) -> tuple[int, str]:
        return (self.kind.order, self.address)


@dataclass(frozen=True, slots=True)
class Note:
    """Something a reviewer should know that is not a change (e.g. unmanaged objects)."""

    code: str
    message: str
    address: str = ""


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A difference between the YAML and the live store that the plan will not make.

    For example a product type change (Wix cannot change it) or a live
    variant the YAML does not produce while ``prune: {variants: false}``.
    It is not a change, so apply never acts on it; it is shown with every
    plan, counts as a difference for ``--detailed-exitcode``, and keeps the
    summary from saying that the store matches.
    """

    address: str
    field: str
    live: Any
    desired: Any
    reason: str


@dataclass(frozen=True, slots=True)
class Acceptance:
    """The ``[[guard_rails.accept]]`` entry of the project that accepts a tripped rail."""

    entry: str  # where it is written, e.g. "[[guard_rails.accept]] #1"
    reason: str
    max: int


@dataclass(frozen=True, slots=True)
class GuardRail:
    """A tripped rail. ``addresses`` are the objects it counts (``count``).

    ``kind`` names the kind of object for the per-kind rails (``DELETE_SHARE``,
    ``DELETE_COUNT``: "locations", "products", "variants", "stock").
    ``accepted`` is set when an entry of the checked-out project covers it;
    apply refuses a plan with a rail that is not accepted (without --force).
    """

    code: str
    message: str
    addresses: tuple[str, ...] = ()
    kind: str = ""
    accepted: Acceptance | None = None

    @property
    def count(self) -> int:
        return len(self.addresses)


@dataclass(frozen=True, slots=True)
class RuleError:
    """A rule that could not be evaluated on a change (it counts as tripped there)."""

    address: str
    message: str


@dataclass(frozen=True, slots=True)
class RuleTrip:
    """A rule of the project's ``[[rules]]`` that the plan trips (:mod:`inventory_as_code.rules`).

    ``level`` is ``advisory`` (a warning), ``soft`` (blocks apply like a rail
    until an ``[[guard_rails.accept]]`` entry with ``rule = name`` covers
    ``count``) or ``hard`` (blocks apply, whatever is accepted or forced).
    ``addresses`` are the changes that trip a rule of ``scope`` ``change``
    (``count`` of them); a ``plan`` rule trips on the plan as a whole and
    ``count`` is what its ``count`` expression says.
    """

    name: str
    level: str
    message: str
    scope: str = "change"
    addresses: tuple[str, ...] = ()
    count: int = 0
    errors: tuple[RuleError, ...] = ()
    accepted: Acceptance | None = None

    @property
    def blocking(self) -> bool:
        return self.level == "hard" or (self.level == "soft" and self.accepted is None)


@dataclass(frozen=True, slots=True)
class Summary:
    create: int
    update: int
    delete: int
    switch_tracking: int

    @property
    def total(self) -> int:
        return self.create + self.update + self.delete


@dataclass(frozen=True, slots=True)
class Plan:
    changes: tuple[Change, ...] = ()
    notes: tuple[Note, ...] = ()
    guard_rails: tuple[GuardRail, ...] = ()
    site: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    unresolved: tuple[Unresolved, ...] = ()
    rules: tuple[RuleTrip, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing to apply (there may still be unresolved differences)."""
        return not self.changes

    @property
    def in_sync(self) -> bool:
        """The live store matches the YAML: nothing to apply and nothing unresolved."""
        return not self.changes and not self.unresolved

    @property
    def summary(self) -> Summary:
        counts = {action: 0 for action in Action}
        for change in self.changes:
            counts[change.action] += 1
        return Summary(
            create=counts[Action.CREATE],
            update=counts[Action.UPDATE] + counts[Action.SWITCH_TRACKING],
            delete=counts[Action.DELETE],
            switch_tracking=counts[Action.SWITCH_TRACKING],
        )

    def to_dict(self) -> dict[str, Any]:
        body = {
            **self.head_dict(),
            "changes": [change_to_dict(c) for c in self.changes],
            **self.tail_dict(),
        }
        body["checksum"] = checksum(body)
        return body

    def head_dict(self) -> dict[str, Any]:
        """What ``to_dict`` holds before the changes (streamed output writes the same)."""
        summary = self.summary
        return {
            "format_version": FORMAT_VERSION,
            "site": self.site,
            "metadata": dict(self.metadata),
            "summary": {
                "create": summary.create,
                "update": summary.update,
                "delete": summary.delete,
                "switch_tracking": summary.switch_tracking,
            },
        }

    def tail_dict(self) -> dict[str, Any]:
        """What ``to_dict`` holds after the changes, but for the checksum."""
        return {
            "notes": [
                {"code": n.code, "message": n.message, "address": n.address} for n in self.notes
            ],
            "guard_rails": [_rail_to_dict(g) for g in self.guard_rails],
            "unresolved": [
                {
                    "address": u.address,
                    "field": u.field,
                    "live": u.live,
                    "desired": u.desired,
                    "reason": u.reason,
                }
                for u in self.unresolved
            ],
            "rules": [_rule_to_dict(r) for r in self.rules],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        return cls(
            changes=tuple(change_from_dict(c) for c in data.get("changes", [])),
            notes=tuple(Note(**n) for n in data.get("notes", [])),
            guard_rails=tuple(_rail_from_dict(g) for g in data.get("guard_rails", [])),
            site=str(data.get("site", "")),
            metadata=dict(data.get("metadata", {})),
            unresolved=tuple(Unresolved(**u) for u in data.get("unresolved", [])),
            rules=tuple(_rule_from_dict(r) for r in data.get("rules", [])),
        )


def canonical(body: Mapping[str, Any]) -> bytes:
    """The bytes a checksum or signature covers: everything but the checksum itself."""
    return canonical_json({k: v for k, v in body.items() if k != "checksum"})


def canonical_json(value: Any) -> bytes:
    """One value as :func:`canonical` encodes it (keys sorted: a plan's seal can be
    computed member by member, change by change, as :mod:`.saved_stream` does)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def checksum(body: Mapping[str, Any]) -> str:
    """A plain SHA-256: it tells accidents apart, not attacks (anyone can recompute it).

    What protects the store from an edited plan is that ``apply`` executes only
    the saved changes a fresh plan of the checked-out YAML also makes
    (:mod:`.binding`); a key in the environment adds a signature (:mod:`.saved`).
    """
    return "sha256:" + hashlib.sha256(canonical(body)).hexdigest()


def _rail_to_dict(rail: GuardRail) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": rail.code,
        "message": rail.message,
        "addresses": list(rail.addresses),
    }
    if rail.kind:
        out["kind"] = rail.kind
    if rail.accepted is not None:
        out["accepted"] = {
            "entry": rail.accepted.entry,
            "reason": rail.accepted.reason,
            "max": rail.accepted.max,
        }
    return out


def _rail_from_dict(data: Mapping[str, Any]) -> GuardRail:
    accepted = data.get("accepted")
    return GuardRail(
        str(data["code"]),
        str(data["message"]),
        tuple(str(a) for a in data.get("addresses", ())),
        kind=str(data.get("kind", "")),
        accepted=None
        if accepted is None
        else Acceptance(str(accepted["entry"]), str(accepted["reason"]), int(accepted["max"])),
    )


def _acceptance_to_dict(accepted: Acceptance) -> dict[str, Any]:
    return {"entry": accepted.entry, "reason": accepted.reason, "max": accepted.max}


def _acceptance_from_dict(data: Mapping[str, Any] | None) -> Acceptance | None:
    if data is None:
        return None
    return Acceptance(str(data["entry"]), str(data["reason"]), int(data["max"]))


def _rule_to_dict(trip: RuleTrip) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": trip.name,
        "level": trip.level,
        "message": trip.message,
        "scope": trip.scope,
        "count": trip.count,
        "addresses": list(trip.addresses),
        "errors": [{"address": e.address, "message": e.message} for e in trip.errors],
    }
    if trip.accepted is not None:
        out["accepted"] = _acceptance_to_dict(trip.accepted)
    return out


def _rule_from_dict(data: Mapping[str, Any]) -> RuleTrip:
    return RuleTrip(
        name=str(data["name"]),
        level=str(data["level"]),
        message=str(data["message"]),
        scope=str(data.get("scope", "change")),
        addresses=tuple(str(a) for a in data.get("addresses", ())),
        count=int(data.get("count", 0)),
        errors=tuple(
            RuleError(str(e["address"]), str(e["message"])) for e in data.get("errors", ())
        ),
        accepted=_acceptance_from_dict(data.get("accepted")),
    )


def change_to_dict(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {
        "address": change.address,
        "kind": change.kind.value,
        "action": change.action.value,
        "before": None if change.before is None else dict(change.before),
        "after": None if change.after is None else dict(change.after),
        "fields": [{"field": f.field, "before": f.before, "after": f.after} for f in change.fields],
        "keys": dict(change.keys),
        "reason": [{"file": o.file, "line": o.line, "column": o.column} for o in change.reason],
    }
    if change.observed is not None:
        out["observed"] = {
            "id": change.observed.id,
            "revision": change.observed.revision,
            "values": dict(change.observed.values),
        }
    if change.drift is not None:
        out["drift"] = change.drift.to_dict()
    return out


def change_from_dict(data: Mapping[str, Any]) -> Change:
    observed = data.get("observed")
    return Change(
        kind=Kind(data["kind"]),
        action=Action(data["action"]),
        address=str(data["address"]),
        before=data.get("before"),
        after=data.get("after"),
        fields=tuple(
            FieldChange(f["field"], f["before"], f["after"]) for f in data.get("fields", [])
        ),
        observed=None
        if observed is None
        else Observed(
            str(observed["id"]), str(observed["revision"]), dict(observed.get("values", {}))
        ),
        reason=tuple(
            Origin(o["file"], int(o["line"]), int(o.get("column", 0)))
            for o in data.get("reason", [])
        ),
        keys=dict(data.get("keys", {})),
        drift=None if data.get("drift") is None else Drift.from_dict(data["drift"]),
    )
