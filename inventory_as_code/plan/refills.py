"""Planning refills: units moved into the stock that sells (``refill_from``).

``Main: {at_least: 10, refill_from: Warehouse}`` keeps Main at 10 or more by
moving units out of Warehouse, never below Warehouse's own floor (its
``at_least`` quantity, else 0). Where the plain ``at_least`` policy tops an
item up from nothing, a refill moves what is there: the stock planner
proposes no top-up for it (and creates the item with 0), and this module
plans one change per move, with both halves::

    refill["tee"]["S/Black"]["Main"]   Main 4 -> 10 (+6) from Warehouse 30 -> 24

* Each destination takes at most what its source holds above the source's
  floor; several destinations of one source (Main and Outlet from Warehouse)
  are served in the order of their names. When the source runs short the
  move is partial and says so (``shortfall``); when it has nothing to give,
  there is no change, only a note.
* An item that does not exist yet counts with the quantity it is created
  with, and one that switches from ``in_stock`` to a count with the count it
  switches to (apply writes stock before it moves: the move is in the same
  apply, so a second plan is empty).
* A move in the store's move records (a move left half-done, or one another
  apply is making now: :mod:`.pending_moves`) comes first: the pair gets the
  change that finishes (or clears) it, and no new move until the next plan.
* A record whose items the read does not hold (a plan narrowed to some
  products) is named in a note, never dropped silently.

``after`` holds the rule (``at_least``, ``refill_from``, ``source_floor``)
next to the quantities the move leads to; a saved plan is bound to a fresh
one by the rule (plan.binding), because apply recomputes the units from the
counts it reads just before writing, as top-ups do: a sale at either end
during review never makes a move overshoot or undershoot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from inventory_as_code.live.model import LiveInventoryItem, LiveLocation, LiveStore
from inventory_as_code.model import DesiredState, Policy, StockEntry, variant_label
from inventory_as_code.plan.addresses import refill_address
from inventory_as_code.plan.model import Action, Change, FieldChange, Kind, Note, Observed
from inventory_as_code.plan.pending_moves import CLEAR, GIVE, WAIT, Resolution, resolve
from inventory_as_code.plan.stock import create_values, live_values

# The keys of `after` that say what the YAML asks; the rest follow from the counts.
RULE_KEYS = ("at_least", "refill_from", "source_floor")


def source_floor(entry: StockEntry) -> int:
    """What a source keeps: its own at_least floor, else nothing."""
    if entry.policy is Policy.AT_LEAST and entry.quantity is not None:
        return entry.quantity
    return 0


def _count(item: LiveInventoryItem | None, entry: StockEntry) -> int | None:
    """An item's count for a move: the live one, or, for an item this plan creates or
    switches to quantity tracking (apply writes both before it moves), the count the
    stock planner gives it; None when it does not count (in_stock, and no switch)."""
    switched = item is not None and entry.tracking is not None and entry.tracking != item.tracking
    if item is None or switched:
        return create_values(entry).get("quantity")
    if item.tracking != "quantity" or item.quantity is None:
        return None
    return item.quantity


class RefillPlanner:
    def __init__(
        self,
        desired: DesiredState,
        live: LiveStore,
        location_of: Mapping[str, LiveLocation | None],
    ) -> None:
        self.desired = desired
        self.live = live
        self.location_ids = {n: loc.id if loc else None for n, loc in location_of.items()}
        self.changes: list[Change] = []
        self.notes: list[Note] = []
        self._short: list[str] = []
        self._waiting: list[str] = []
        self._uncertain: list[str] = []
        items = {i.id: i for i in live.inventory.values()} if live.move_records else {}
        self._items = items
        self._resolutions: dict[str, list[Resolution]] = defaultdict(list)
        for record in live.move_records:
            resolution = resolve(record, items)
            for item_id in (record.source_item, record.destination_item):
                self._resolutions[item_id].append(resolution)
        self._handled: set[str] = set()

    def run(self) -> RefillPlanner:
        for slug, product in self.desired.products.items():
            live = self.live.products.get(slug)
            same = live is not None and [o.name for o in product.options] == [
                o.name for o in live.options
            ]
            for variant in product.variants:
                refills = [(n, e) for n, e in variant.stock.items() if e.refill_from]
                if not refills:
                    continue
                live_variant = live.variant(variant.key) if live is not None and same else None
                ids = (live.id, live_variant.id) if live and live_variant else None
                taken: dict[str, int] = defaultdict(int)  # units already given out per source
                for name, entry in sorted(refills):
                    self._plan_one(slug, variant.key, variant.stock, name, entry, ids, taken)
        self._leftover_records()
        self._add_notes()
        return self

    # --- one destination --------------------------------------------------------------

    def _item(self, ids: tuple[str, str] | None, location: str) -> LiveInventoryItem | None:
        location_id = self.location_ids.get(location)
        if ids is None or location_id is None:
            return None
        return self.live.inventory.get((ids[0], ids[1], location_id))

    def _plan_one(
        self,
        slug: str,
        key: tuple[str, ...],
        stock: Mapping[str, StockEntry],
        name: str,
        entry: StockEntry,
        ids: tuple[str, str] | None,
        taken: dict[str, int],
    ) -> None:
        source = str(entry.refill_from)
        source_entry = stock.get(source)
        if source_entry is None or entry.quantity is None:
            return  # refused by validation (config.refills)
        destination, origin = self._item(ids, name), self._item(ids, source)
        where = f"{slug} {variant_label(key)}" if key else slug
        pending = self._pending(destination, origin)
        if pending:
            self._resume(slug, key, name, source, entry, destination, origin, ids, pending)
            return
        have, held = _count(destination, entry), _count(origin, source_entry)
        if have is None or held is None:
            return  # an end tracks in_stock and the YAML does not switch it (validation)
        floor, keep = entry.quantity, source_floor(source_entry)
        need = floor - have
        if need <= 0:
            return
        held -= taken[source]  # what earlier moves of this variant leave there
        spare = max(0, held - keep)
        units = min(need, spare)
        if units < need:
            self._short.append(
                f'{where}: "{name}" needs {need}, "{source}" has {spare} above its floor '
                f"of {keep} ({held} held)"
            )
        if units <= 0:
            return
        taken[source] += units
        keys = self._keys(slug, key, name, source, destination, origin, ids)
        self.changes.append(
            move_change(
                refill_address(slug, key, name), entry, keep, destination, keys, have, held, units
            )
        )

    def _keys(
        self,
        slug: str,
        key: tuple[str, ...],
        name: str,
        source: str,
        destination: LiveInventoryItem | None,
        origin: LiveInventoryItem | None,
        ids: tuple[str, str] | None,
    ) -> dict[str, Any]:
        keys: dict[str, Any] = {"slug": slug, "variant": list(key), "location": name}
        keys["source"] = source
        if ids is not None:
            keys.update(product_id=ids[0], variant_id=ids[1])
        for field, location in (("location_id", name), ("source_location_id", source)):
            if self.location_ids.get(location):
                keys[field] = self.location_ids[location]
        if destination is not None:
            keys["inventory_item_id"] = destination.id
        if origin is not None:
            keys["source_item_id"] = origin.id
            keys["source_revision"] = origin.revision
        return keys

    # --- moves in the records ---------------------------------------------------------

    def _pending(
        self, destination: LiveInventoryItem | None, origin: LiveInventoryItem | None
    ) -> list[Resolution]:
        found: dict[str, Resolution] = {}
        for item in (destination, origin):
            if item is not None:
                for resolution in self._resolutions.get(item.id, ()):
                    found[resolution.record.id] = resolution
        return [found[k] for k in sorted(found)]

    def _resume(
        self,
        slug: str,
        key: tuple[str, ...],
        name: str,
        source: str,
        entry: StockEntry,
        destination: LiveInventoryItem | None,
        origin: LiveInventoryItem | None,
        ids: tuple[str, str] | None,
        pending: list[Resolution],
    ) -> None:
        self._handled.update(r.record.id for r in pending)
        where = f"{slug} {variant_label(key)}" if key else slug
        acting = [r for r in pending if r.action != WAIT]
        for r in pending:
            if r.action == WAIT:
                self._waiting.append(f'{where} into "{name}": {r.why}')
            if r.uncertain:
                self._uncertain.append(f'{where} into "{name}": {r.why}')
        if not acting:
            return
        have = destination.quantity if destination is not None else None
        held = origin.quantity if origin is not None else None
        change = resume_change(
            refill_address(slug, key, name),
            acting,
            have,
            held,
            self._keys(slug, key, name, source, destination, origin, ids),
            tuple(sorted({o for k, o in entry.origins.items() if k == "refill_from"})),
        )
        self.changes.append(change)

    def _leftover_records(self) -> None:
        """Records of pairs the YAML has no refill for (any more), or the read did not hold."""
        for record in self.live.move_records:
            if record.id in self._handled:
                continue
            destination = self._items.get(record.destination_item)
            address = self._address_of(destination)
            if address is None:
                self.notes.append(
                    Note(
                        "MOVE_RECORD_UNREAD",
                        f"a move of {record.units} unit(s) recorded in the store "
                        f"(record {record.id}) concerns items this plan did not read; plan the "
                        "whole store to finish it.",
                    )
                )
                continue
            resolution = resolve(record, self._items)
            if resolution.action == WAIT:
                self._waiting.append(f"{address}: {resolution.why}")
                continue
            origin = self._items.get(record.source_item)
            self.changes.append(
                resume_change(
                    address,
                    [resolution],
                    destination.quantity if destination is not None else None,
                    origin.quantity if origin is not None else None,
                    {"inventory_item_id": record.destination_item},
                    (),
                )
            )

    def _address_of(self, item: LiveInventoryItem | None) -> str | None:
        if item is None:
            return None
        names = {loc_id: n for n, loc_id in self.location_ids.items() if loc_id}
        for slug, product in self.live.products.items():
            if product.id == item.product_id:
                variant = next((v for v in product.variants if v.id == item.variant_id), None)
                location = names.get(item.location_id)
                if variant is not None and location is not None:
                    return refill_address(slug, variant.key, location)
        return None

    def _add_notes(self) -> None:
        if self._short:
            self.notes.append(
                Note(
                    "REFILL_SHORT",
                    f"{len(self._short)} refill(s) cannot reach their floor, the source has too "
                    "little above its own: "
                    + "; ".join(self._short[:5])
                    + (f"; and {len(self._short) - 5} more" if len(self._short) > 5 else "")
                    + ".",
                )
            )
        if self._waiting:
            self.notes.append(
                Note(
                    "MOVE_IN_PROGRESS",
                    f"{len(self._waiting)} move(s) are being made by another apply; this plan "
                    "moves nothing more there: " + "; ".join(self._waiting[:5]) + ".",
                )
            )
        for text in self._uncertain:
            self.notes.append(Note("MOVE_UNCERTAIN", text + "."))


def move_change(
    address: str,
    entry: StockEntry,
    keep: int,
    destination: LiveInventoryItem | None,
    keys: Mapping[str, Any],
    have: int,
    held: int,
    units: int,
) -> Change:
    """One move, both halves: ``have -> have+units`` here, ``held -> held-units`` there."""
    floor = int(entry.quantity or 0)
    after: dict[str, Any] = {
        "quantity": have + units,
        "source_quantity": held - units,
        "units": units,
        "at_least": floor,
        "refill_from": entry.refill_from,
        "source_floor": keep,
    }
    if have + units < floor:
        after["shortfall"] = floor - have - units
    return Change(
        kind=Kind.MOVE,
        action=Action.UPDATE,
        address=address,
        before={"quantity": have, "source_quantity": held},
        after=after,
        fields=(
            FieldChange("quantity", have, have + units),
            FieldChange("source_quantity", held, held - units),
        ),
        observed=None
        if destination is None
        else Observed(destination.id, destination.revision, live_values(destination)),
        reason=tuple(
            sorted({o for k, o in entry.origins.items() if k in ("refill_from", "quantity")})
        ),
        keys=dict(keys),
    )


def resume_change(
    address: str,
    resolutions: list[Resolution],
    have: int | None,
    held: int | None,
    keys: Mapping[str, Any],
    reason: tuple[Any, ...],
) -> Change:
    """Finish (or clear the record of) moves left half-done: one change per destination."""
    owed = sum(r.owed for r in resolutions)
    records = [{**r.record.to_dict(), "action": r.action, "why": r.why} for r in resolutions]
    before: dict[str, Any] = {"quantity": have, "source_quantity": held}
    after: dict[str, Any] = {
        "quantity": None if have is None else have + owed,
        "source_quantity": held,
        "units": owed,
        "resume": [{"record": r.record.id, "action": r.action} for r in resolutions],
    }
    fields = (FieldChange("quantity", have, after["quantity"]),) if owed else ()
    return Change(
        kind=Kind.MOVE,
        action=Action.UPDATE,
        address=address,
        before=before,
        after=after,
        fields=fields,
        reason=tuple(reason),
        keys={**keys, "records": records},
    )


__all__ = [
    "CLEAR",
    "GIVE",
    "RULE_KEYS",
    "RefillPlanner",
    "move_change",
    "resume_change",
    "source_floor",
]
