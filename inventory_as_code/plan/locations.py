"""Planning locations: create, enable, rename, update, archive.

Identity is the name, except for the store's default location, which the
YAML's ``default: true`` location means whatever it is called in Wix. Wix
keeps no names unique: of two live locations with one name the oldest is
managed and the other is shown as unresolved (:mod:`.duplicates`). A live
location renamed by ``moved:`` arrives here under its YAML name already (see
:mod:`.renames`) and gets a ``name`` field change.

Only what the YAML says is managed: an address or a time zone the YAML does
not give is left as it is. Wix's location objects are replaced whole on
update, so apply sends the live object back with just these fields changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inventory_as_code.live.model import LiveBusinessLocation, LiveLocation, LiveStore
from inventory_as_code.model import Address, DesiredState, Location, Origin
from inventory_as_code.plan.addresses import location_address
from inventory_as_code.plan.diffing import field_changes
from inventory_as_code.plan.duplicates import location_duplicate, location_twins
from inventory_as_code.plan.model import Action, Change, Kind, Note, Observed, Unresolved

_ADDRESS_FIELDS = ("street", "city", "postal_code", "subdivision", "country")


def address_values(address: Address | None) -> dict[str, str]:
    """An address as plan values: only the parts that are set."""
    if address is None:
        return {}
    return {k: v for k in _ADDRESS_FIELDS if (v := getattr(address, k)) is not None}


def _origins(location: Location, names: list[str]) -> tuple[Origin, ...]:
    return tuple(sorted({location.origins[n] for n in names if n in location.origins}))


def _managed_values(
    location: Location, business: LiveBusinessLocation | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(live, desired) values of the fields the YAML manages on an existing location."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if location.address is not None:
        before["address"] = address_values(business.address if business else None)
        after["address"] = address_values(location.address)
    if location.time_zone is not None:
        before["time_zone"] = business.time_zone if business else None
        after["time_zone"] = location.time_zone
    return before, after


class LocationPlanner:
    def __init__(
        self, desired: DesiredState, live: LiveStore, renamed_from: Mapping[str, str]
    ) -> None:
        self.desired = desired
        self.live = live
        self.renamed_from = renamed_from  # YAML name -> live name, for renamed locations
        self.changes: list[Change] = []
        self.notes: list[Note] = []
        self.unresolved: list[Unresolved] = []
        self.location_of: dict[str, LiveLocation | None] = {}
        self._business = {b.id: b for b in live.business_locations}

    def run(self) -> None:
        live_default = self.live.default_location
        claimed: set[str] = set()
        for name, location in self.desired.locations.items():
            if location.is_default and live_default is not None:
                self.location_of[name] = live_default
                claimed.add(live_default.id)
                if live_default.name != name and name not in self.renamed_from:
                    self.notes.append(
                        Note(
                            "DEFAULT_LOCATION_ALIAS",
                            f'YAML location "{name}" is the store\'s default location, '
                            f'named "{live_default.name}" in Wix.',
                            location_address(name),
                        )
                    )
                self._plan_existing(location, live_default)
                continue
            # The live locations are sorted oldest first within a name: with two of one
            # name, the oldest is the one every apply settles on (apply/location_twins.py).
            match = next(
                (
                    loc
                    for loc in self.live.locations
                    if loc.name == name and loc.id not in claimed and not loc.is_default
                ),
                None,
            )
            self.location_of[name] = match
            if match is not None:
                claimed.add(match.id)
                twins = location_twins(self.live, name, match)
                if twins:
                    # Neither planned for nor pruned: the merchant decides (plan/duplicates.py).
                    claimed.update(t.stores_id for t in twins if t.stores_id)
                    self.unresolved.append(location_duplicate(self.live, name, match, twins))
                self._plan_existing(location, match)
            else:
                self.changes.append(self._create_or_enable(location))
        self._plan_unmanaged(claimed)

    def _plan_existing(self, location: Location, live: LiveLocation) -> None:
        business = self._business.get(live.wix_location_id or "")
        before, after = _managed_values(location, business)
        old_name = self.renamed_from.get(location.name)
        if old_name is not None:
            before["name"], after["name"] = old_name, location.name
        fields = field_changes(before, after)
        if not fields:
            return
        if business is None:
            # Only a Wix location can be renamed or moved; a stores location without
            # one (never seen on a real site) cannot be updated: say so, change nothing.
            self.unresolved += [
                Unresolved(
                    location_address(location.name),
                    f.field,
                    f.before,
                    f.after,
                    "Wix lists no business location behind this inventory location, so "
                    "it cannot be updated; change it in the Wix dashboard.",
                )
                for f in fields
            ]
            return
        self.changes.append(
            Change(
                kind=Kind.LOCATION,
                action=Action.UPDATE,
                address=location_address(location.name),
                before=before,
                after=after,
                fields=fields,
                observed=Observed(business.id, business.revision),
                reason=_origins(location, ["name", "address", "time_zone"]),
                keys={
                    "location": location.name,
                    "wix_location_id": business.id,
                    "stores_location_id": live.id,
                },
            )
        )

    def _create_or_enable(self, location: Location) -> Change:
        address = location_address(location.name)
        business = next(
            (b for b in self.live.business_locations if b.name == location.name and not b.archived),
            None,
        )
        if business is not None:
            # The business location exists but does not hold inventory yet.
            before, after = _managed_values(location, business)
            before["location_types"] = sorted(business.location_types)
            after["location_types"] = sorted({*business.location_types, "INVENTORY"})
            return Change(
                kind=Kind.LOCATION,
                action=Action.UPDATE,
                address=address,
                before=before,
                after=after,
                fields=field_changes(before, after),
                observed=Observed(business.id, business.revision),
                reason=_origins(location, ["name"]),
                keys={"location": location.name, "wix_location_id": business.id},
            )
        values: dict[str, Any] = {"name": location.name}
        if location.address is not None:
            values["address"] = address_values(location.address)
        if location.time_zone is not None:
            values["time_zone"] = location.time_zone
        return Change(
            kind=Kind.LOCATION,
            action=Action.CREATE,
            address=address,
            before=None,
            after=values,
            reason=_origins(location, ["name"]),
            keys={"location": location.name},
        )

    def _plan_unmanaged(self, claimed: set[str]) -> None:
        prune = self.desired.prune
        unmanaged = [
            loc for loc in self.live.locations if loc.id not in claimed and not loc.is_default
        ]
        if prune.locations:
            for loc in unmanaged:
                self.changes.append(
                    Change(
                        kind=Kind.LOCATION,
                        action=Action.DELETE,
                        address=location_address(loc.name),
                        before={"name": loc.name},
                        after=None,
                        observed=Observed(loc.wix_location_id or loc.id, loc.revision),
                        reason=tuple(o for k, o in prune.origins.items() if k == "locations"),
                        keys={"location": loc.name, "stores_location_id": loc.id},
                    )
                )
        elif unmanaged:
            names = [loc.name for loc in unmanaged]
            self.notes.append(
                Note(
                    "UNMANAGED_LOCATIONS",
                    f"{len(names)} live location(s) not in the YAML are left alone: "
                    + ", ".join(names[:5])
                    + (" ..." if len(names) > 5 else ""),
                )
            )
