"""Planning stock: one inventory item per (product, variant, location).

* No live item: create it with the YAML's values (a missing count is 0 and a
  missing flag is false: new stock starts unavailable rather than selling
  what may not exist).
* Tracking method differs: a ``switch_tracking`` change of its own, because
  Wix discards the count (or the flag) and the preorder limit.
* Same method, quantity tracking, by policy:
  ``set`` proposes the YAML number whenever live differs; ``initial``
  proposes nothing (sales own the count; the drift is counted in a note);
  ``at_least`` proposes a raise when live is below the number, never a cut.
* In-stock flag and preorder settings are applied as written.
* A refill (``refill_from``) is never topped up from nothing: its item is
  created with 0 and raised by moving units (:mod:`.refills`).

Every update records the live values it saw (``observed.values``) so apply
can tell a sale that happened after the plan from the plan itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, NamedTuple

from inventory_as_code.live.model import LiveInventoryItem, LiveLocation, LiveProduct, LiveStore
from inventory_as_code.model import DesiredState, Origin, Policy, Product, StockEntry, Tracking
from inventory_as_code.plan.addresses import stock_address
from inventory_as_code.plan.diffing import field_changes
from inventory_as_code.plan.model import Action, Change, Kind, Note, Observed

# Wix's preorder limit for an item that starts counting (shared/wix-api inventory-items-v3).
WIX_DEFAULT_PREORDER_LIMIT = 100_000


def _live_preorder(item: LiveInventoryItem) -> dict[str, Any]:
    return {
        "enabled": item.preorder.enabled,
        "message": item.preorder.message,
        "limit": item.preorder.limit,
        "counter": item.preorder.counter,
    }


def live_values(item: LiveInventoryItem) -> dict[str, Any]:
    """Everything apply compares to detect that an item moved since the plan."""
    values: dict[str, Any] = {"tracking": item.tracking}
    if item.tracking == "quantity":
        values["quantity"] = item.quantity
    else:
        values["in_stock"] = item.in_stock
    values["preorder"] = _live_preorder(item)
    return values


def _observed(item: LiveInventoryItem) -> Observed:
    return Observed(item.id, item.revision, live_values(item))


class _ItemRef(NamedTuple):
    """Which stock entry, and the ids of what exists of it already."""

    slug: str
    key: tuple[str, ...]
    location: str
    policy: str
    product_id: str | None
    variant_id: str | None
    location_id: str | None

    def address(self) -> str:
        return stock_address(self.slug, self.key, self.location)

    def keys(self, item: LiveInventoryItem | None = None) -> dict[str, Any]:
        keys: dict[str, Any] = {
            "slug": self.slug,
            "variant": list(self.key),
            "location": self.location,
            "policy": self.policy,
        }
        if self.product_id and self.variant_id:
            keys.update(product_id=self.product_id, variant_id=self.variant_id)
        if self.location_id:
            keys["location_id"] = self.location_id
        if item is not None:
            keys["inventory_item_id"] = item.id
        return keys


def create_values(entry: StockEntry) -> dict[str, Any]:
    tracking = entry.tracking or (
        Tracking.IN_STOCK
        if entry.in_stock is not None and entry.quantity is None
        else Tracking.QUANTITY
    )
    values: dict[str, Any] = {"tracking": str(tracking)}
    if tracking == Tracking.QUANTITY:
        # A refill's units come from its source (plan.refills), not from nothing.
        quantity = entry.quantity if entry.refill_from is None else None
        values["quantity"] = quantity if quantity is not None else 0
    else:
        values["in_stock"] = bool(entry.in_stock)
    preorder = _preorder_values(entry)
    if preorder:
        values["preorder"] = preorder
    return values


def _preorder_values(entry: StockEntry) -> dict[str, Any]:
    if entry.preorder is None:
        return {}
    return {
        name: getattr(entry.preorder, name)
        for name in ("enabled", "message", "limit")
        if getattr(entry.preorder, name) is not None
    }


def _reason(entry: StockEntry, names: list[str]) -> tuple[Origin, ...]:
    found = {entry.origins[n] for n in names if n in entry.origins}
    if entry.preorder is not None:
        found |= {
            entry.preorder.origins[n.split(".")[1]]
            for n in names
            if n.startswith("preorder.") and n.split(".")[1] in entry.preorder.origins
        }
    return tuple(sorted(found))


def _settled(entry: StockEntry, item: LiveInventoryItem) -> bool:
    """True when :meth:`StockPlanner._plan_item` would find nothing to change (and
    nothing to count) for this existing item: decided without building anything."""
    if entry.preorder is not None or (
        entry.tracking is not None and entry.tracking != item.tracking
    ):
        return False
    if item.tracking == "quantity":
        return entry.quantity is None or item.quantity is None or item.quantity == entry.quantity
    if item.tracking == "in_stock":
        return entry.in_stock is None or item.in_stock == entry.in_stock
    return True


class StockPlanner:
    def __init__(
        self,
        desired: DesiredState,
        live: LiveStore,
        location_of: Mapping[str, LiveLocation | None],
    ) -> None:
        self.desired = desired
        self.live = live
        self.location_of = location_of
        self.initial_drift = 0
        self.unmanaged_items = 0
        self._prune: list[Change] = []
        self._items_of: dict[str, list[LiveInventoryItem]] = defaultdict(list)
        self._location_ids = {
            name: location.id if location is not None else None
            for name, location in location_of.items()
        }
        for item in live.inventory.values():
            self._items_of[item.product_id].append(item)

    def plan_product(self, product: Product, live: LiveProduct | None) -> list[Change]:
        same_options = live is not None and [o.name for o in product.options] == [
            o.name for o in live.options
        ]
        changes = []
        wanted: set[tuple[str, str]] = set()  # (variant id, location id) the YAML manages
        inventory = self.live.inventory
        location_ids = self._location_ids
        for variant in product.variants:
            live_variant = live.variant(variant.key) if live is not None and same_options else None
            # Apply needs every id that exists already (the rest it learns as it
            # creates them): the product's and variant's even where the location is new.
            product_id = live.id if live is not None and live_variant is not None else None
            variant_id = live_variant.id if live_variant is not None else None
            for location_name, entry in variant.stock.items():
                location_id = location_ids.get(location_name)
                item = None
                if product_id and variant_id and location_id:
                    item = inventory.get((product_id, variant_id, location_id))
                    wanted.add((variant_id, location_id))
                    if item is not None and _settled(entry, item):
                        continue  # most items of a settled store: nothing to build
                ref = _ItemRef(
                    product.slug,
                    variant.key,
                    location_name,
                    str(entry.policy),
                    product_id,
                    variant_id,
                    location_id,
                )
                change = self._plan_item(ref, entry, item)
                if change is not None:
                    changes.append(change)
        if live is not None and same_options:
            # With other options every live variant is replaced: its items go with it.
            self._plan_leftovers(product, live, wanted)
        return changes

    def _plan_item(
        self, ref: _ItemRef, entry: StockEntry, item: LiveInventoryItem | None
    ) -> Change | None:
        """The change for one stock entry, or None. Most entries of a settled store
        have none, so addresses, keys and observed values are built only for changes."""
        if item is None:
            address, keys = ref.address(), ref.keys()
            return Change(
                kind=Kind.STOCK,
                action=Action.CREATE,
                address=address,
                before=None,
                after=create_values(entry),
                reason=_reason(entry, ["quantity", "in_stock", "tracking"]),
                keys=keys,
            )
        if entry.tracking is not None and str(entry.tracking) != item.tracking:
            return self._switch(ref.address(), entry, item, _observed(item), ref.keys(item))
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        if item.tracking == "quantity" and entry.quantity is not None and item.quantity is not None:
            differs = item.quantity != entry.quantity
            raise_only = (
                entry.policy == Policy.AT_LEAST
                and entry.refill_from is None  # a refill moves units instead (plan.refills)
                and item.quantity < entry.quantity
            )
            if (entry.policy == Policy.SET and differs) or raise_only:
                before["quantity"], after["quantity"] = item.quantity, entry.quantity
            elif entry.policy == Policy.INITIAL and differs:
                self.initial_drift += 1
        elif (
            item.tracking == "in_stock"
            and entry.in_stock is not None
            and item.in_stock != entry.in_stock
        ):
            before["in_stock"], after["in_stock"] = item.in_stock, entry.in_stock
        if entry.preorder is not None:
            live_preorder = _live_preorder(item)
            for name, value in _preorder_values(entry).items():
                if live_preorder.get(name) != value:
                    before.setdefault("preorder", {})[name] = live_preorder.get(name)
                    after.setdefault("preorder", {})[name] = value
        if before == after:
            return None
        fields = field_changes(before, after)
        return Change(
            kind=Kind.STOCK,
            action=Action.UPDATE,
            address=ref.address(),
            before=before,
            after=after,
            fields=fields,
            observed=_observed(item),
            reason=_reason(entry, [f.field for f in fields]),
            keys=ref.keys(item),
        )

    @staticmethod
    def _switch(
        address: str,
        entry: StockEntry,
        item: LiveInventoryItem,
        observed: Observed,
        keys: dict[str, Any],
    ) -> Change:
        live = live_values(item)
        after = create_values(entry)
        before = {k: v for k, v in live.items() if k != "preorder"}
        # The preorder limit goes with the method: Wix accepts one only with quantity
        # tracking and gives a newly counted item its default limit. Say so in the plan.
        preorder = after.setdefault("preorder", {})
        live_limit = live["preorder"].get("limit")
        if after["tracking"] == "in_stock" and live_limit is not None:
            preorder["limit"] = None
        elif after["tracking"] == "quantity" and live_limit is None and "limit" not in preorder:
            preorder["limit"] = WIX_DEFAULT_PREORDER_LIMIT
        if preorder:
            # Show the preorder settings the switch also changes, next to the method.
            before["preorder"] = {k: live["preorder"].get(k) for k in preorder}
        else:
            del after["preorder"]
        return Change(
            kind=Kind.STOCK,
            action=Action.SWITCH_TRACKING,
            address=address,
            before=before,
            after=after,
            fields=field_changes(before, after),
            observed=observed,
            reason=_reason(entry, ["tracking"]),
            keys=keys,
        )

    def _plan_leftovers(
        self, product: Product, live: LiveProduct, wanted: set[tuple[str, str]]
    ) -> None:
        """Live items of a managed product that the YAML does not mention."""
        managed_locations = {loc.id: name for name, loc in self.location_of.items() if loc}
        key_of = {v.id: v.key for v in live.variants}
        for item in self._items_of.get(live.id, ()):
            if (item.variant_id, item.location_id) in wanted:
                continue
            location_name = managed_locations.get(item.location_id)
            variant_key = key_of.get(item.variant_id)
            if location_name is None or variant_key is None:
                self.unmanaged_items += 1  # at a location (or of a variant) the YAML ignores
                continue
            if product.variant(variant_key) is None:
                # Goes with its variant: deleted by prune.variants, else unmanaged.
                self.unmanaged_items += 0 if self.desired.prune.variants else 1
                continue
            if not self.desired.prune.inventory:
                self.unmanaged_items += 1
                continue
            self._prune.append(
                Change(
                    kind=Kind.STOCK,
                    action=Action.DELETE,
                    address=stock_address(product.slug, variant_key, location_name),
                    before={k: v for k, v in live_values(item).items() if k != "preorder"},
                    after=None,
                    observed=Observed(item.id, item.revision, live_values(item)),
                    reason=tuple(
                        o for k, o in self.desired.prune.origins.items() if k == "inventory"
                    ),
                    keys={
                        "slug": product.slug,
                        "variant": list(variant_key),
                        "location": location_name,
                        "inventory_item_id": item.id,
                    },
                )
            )

    def prune_changes(self) -> list[Change]:
        return self._prune

    def notes(self) -> list[Note]:
        notes = []
        if self.initial_drift:
            notes.append(
                Note(
                    "INITIAL_QUANTITY_DRIFT",
                    f"{self.initial_drift} stock item(s) differ from their YAML quantity but use "
                    "policy initial: sales own those counts, so no change is proposed.",
                )
            )
        if self.unmanaged_items:
            notes.append(
                Note(
                    "UNMANAGED_STOCK",
                    f"{self.unmanaged_items} live stock item(s) of managed products are not in "
                    "the YAML and are left alone.",
                )
            )
        return notes
