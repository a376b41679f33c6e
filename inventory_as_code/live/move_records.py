"""Move records: what a refill is about to write, kept in the store itself.

A refill moves units between two inventory items, and Wix has no transaction
across two items (nor a transfer endpoint): a move is a revision-guarded
update of the source (the decrement) and then one of the destination (the
increment). Whoever runs the next plan or apply, on any machine, must see a
move that was interrupted between the two, so the record of a move lives in
the store, next to the items, not in a file of the machine that wrote it.

The one kind of object the tool may write that no shopper ever sees, that
needs no permission beyond the catalog ones it holds, that carries text and
a revision, and that can be deleted without a trace, is a **customization**
of type ``MODIFIER`` assigned to no product (Customizations V3: a modifier
is shown only on the products it is assigned to). A move record is one such
modifier, rendered ``FREE_TEXT``, for the few seconds between announcing a
move and finishing it:

* ``freeTextInput.title`` (immutable, up to 100 characters): the source
  item's id, the destination item's id, the units and a token telling this
  record apart from any other:
  ``"<source id> <destination id> <units> <token>"``;
* ``name`` (up to 50 characters, changed only by a revision-guarded Update
  Customization): ``"inventory-as-code move <state> <revision> <quantity>"``,
  the write in flight: ``take`` (the source is being set to ``quantity``
  under ``revision``) or ``give`` (the source was taken; the destination is
  being set to ``quantity`` under ``revision``); or ``owe 0 0``: the source
  was taken and the destination's write failed, as its apply knew for sure
  (Wix refused it), so the units are owed whatever the destination does next.

The record's own revision serialises everyone who acts on it: only the apply
whose guarded rename lands may write the next half.
"""

from __future__ import annotations

import enum
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inventory_as_code.wix import WixClient

PREFIX = "inventory-as-code move"
NAME_LIMIT = 50  # Customization.name maxLength
TITLE_LIMIT = 100  # FreeTextSettings.title maxLength
# A record this recent may belong to an apply that is still running: it is left to
# that apply (its units count as on their way) rather than finished by another one.
IN_FLIGHT_SECONDS = 600.0
MODIFIER = "MODIFIER"
FREE_TEXT = "FREE_TEXT"
RECORDS_FILTER: dict[str, Any] = {
    "customizationType": MODIFIER,
    "customizationRenderType": FREE_TEXT,
    "name": {"$startsWith": PREFIX},
}


class MoveState(enum.Enum):
    TAKE = "take"  # the source's write is (maybe) in flight
    GIVE = "give"  # the source is taken; the destination's write is (maybe) in flight
    OWE = "owe"  # the source is taken; the destination's write failed (its apply knew)


@dataclass(frozen=True, slots=True)
class MoveRecord:
    """A move record as read from the store (see the module docstring)."""

    id: str
    revision: str
    state: MoveState
    guard: str  # the revision the write in flight is guarded by
    quantity: int  # the quantity that write sets
    source_item: str
    destination_item: str
    units: int
    token: str
    updated: str = ""  # updatedDate
    age_s: float = 0.0  # how long ago it was last written, as the reader's clock says
    created: str = ""  # createdDate: of two records on one item, the older goes first

    @property
    def order(self) -> tuple[str, str]:
        """The order every apply agrees on: creation, then id."""
        return (self.created, self.id)

    @property
    def in_flight(self) -> bool:
        return self.age_s < IN_FLIGHT_SECONDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "revision": self.revision,
            "state": self.state.value,
            "guard": self.guard,
            "quantity": self.quantity,
            "source_item": self.source_item,
            "destination_item": self.destination_item,
            "units": self.units,
            "token": self.token,
            "updated": self.updated,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MoveRecord:
        return cls(
            str(data["id"]),
            str(data["revision"]),
            MoveState(data["state"]),
            str(data["guard"]),
            int(data["quantity"]),
            str(data["source_item"]),
            str(data["destination_item"]),
            int(data["units"]),
            str(data["token"]),
            str(data.get("updated", "")),
        )


def new_token() -> str:
    return secrets.token_hex(4)


def record_name(state: MoveState, guard: str, quantity: int) -> str:
    name = f"{PREFIX} {state.value} {guard} {quantity}"
    if len(name) > NAME_LIMIT:  # a revision of 20 digits: never seen; refused, not cut
        raise ValueError(f"a move record name would be {len(name)} characters: {name}")
    return name


def record_title(source_item: str, destination_item: str, units: int, token: str) -> str:
    title = f"{source_item} {destination_item} {units} {token}"
    if len(title) > TITLE_LIMIT:
        raise ValueError(f"a move record title would be {len(title)} characters")
    return title


def new_record_body(
    source_item: str,
    destination_item: str,
    units: int,
    token: str,
    guard: str,
    quantity: int,
) -> dict[str, Any]:
    """Create Customization: a modifier no product uses, holding a move about to start."""
    return {
        "name": record_name(MoveState.TAKE, guard, quantity),
        "customizationType": MODIFIER,
        "customizationRenderType": FREE_TEXT,
        "freeTextInput": {
            "title": record_title(source_item, destination_item, units, token),
            "minCharCount": 0,
            "maxCharCount": 1,
        },
    }


def parse_record(raw: Mapping[str, Any], now: float | None = None) -> MoveRecord | None:
    """A move record, or None for any customization that is not one (left alone)."""
    if raw.get("customizationType") != MODIFIER:
        return None
    name = str(raw.get("name") or "")
    title = str((raw.get("freeTextInput") or {}).get("title") or "")
    if not name.startswith(PREFIX + " "):
        return None
    head = name[len(PREFIX) + 1 :].split(" ")
    body = title.split(" ")
    if len(head) != 3 or len(body) != 4:
        return None
    try:
        state = MoveState(head[0])
        quantity, units = int(head[2]), int(body[2])
    except ValueError:
        return None
    updated = str(raw.get("updatedDate") or "")
    return MoveRecord(
        id=str(raw.get("id") or ""),
        revision=str(raw.get("revision") or ""),
        state=state,
        guard=head[1],
        quantity=quantity,
        source_item=body[0],
        destination_item=body[1],
        units=units,
        token=body[3],
        updated=updated,
        age_s=_age(updated, time.time() if now is None else now),
        created=str(raw.get("createdDate") or ""),
    )


def _age(updated: str, now: float) -> float:
    try:
        stamp = datetime.fromisoformat(updated.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return IN_FLIGHT_SECONDS  # no date: old enough to be finished
    return max(0.0, now - stamp)


def read_move_records(client: WixClient) -> tuple[MoveRecord, ...]:
    """Every move record of the site (one query page in practice: records are few)."""
    found = (parse_record(raw) for raw in client.customizations.query(RECORDS_FILTER))
    return tuple(sorted((r for r in found if r is not None), key=lambda r: r.id))
