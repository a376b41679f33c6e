"""Apply steps for locations: create, update (type, rename, address), archive.

Wix keeps no location names unique, so before creating one the live names
are checked (one read per apply): a location created after the plan, or by
an earlier apply of the same plan, is reported stale instead of doubled.
An apply running at the same moment can pass the same check: right after
the creates, :mod:`.location_twins` finds such a twin and settles on one.

A new Wix location shows up as a Stores (inventory) location a moment later
(Wix is eventually consistent there), and stock can only be written to a
Stores location id: after the location steps the run waits, bounded, until
every new location is listed, and stock at one that never appears is not
attempted.
"""

from __future__ import annotations

import logging

from inventory_as_code.apply.bodies_locations import location_create_body, location_update_body
from inventory_as_code.apply.calls import Batch
from inventory_as_code.apply.location_twins import LOCATION_EXISTS, settle_created
from inventory_as_code.apply.moved import location_moved, refused_revision
from inventory_as_code.apply.report import Status
from inventory_as_code.apply.run import Run
from inventory_as_code.live.normalize import location_from_wix
from inventory_as_code.plan.model import Action, Change, Kind
from inventory_as_code.wix import OutcomeUnknownError
from inventory_as_code.wix._exceptions import LocationNotReadyError, WixAPIError

logger = logging.getLogger(__name__)

# How long to wait for a new location to be listed as an inventory location
# (Wix documents no bound; a few seconds is what eventual consistency means).
WAIT_SECONDS = 30.0


def location_create(run: Run, batch: Batch) -> None:
    (change,) = batch.changes
    if change.keys["location"] in _existing_names(run):
        run.set(
            change,
            Status.STALE,
            LOCATION_EXISTS,
            "a location with this name exists now: created after the plan was made",
        )
        return
    try:
        created = run.client.locations.create(location_create_body(change.after or {}))  # type: ignore[arg-type]
        run.set(change, Status.APPLIED)
        if created.get("id"):
            run.created_locations[change.keys["location"]] = str(created["id"])
            if created.get("revision") is not None:
                run.written[str(created["id"])] = str(created["revision"])
    except OutcomeUnknownError as exc:
        # Settled by the stores-locations read after the location steps.
        run.set(change, Status.UNKNOWN, "OUTCOME_UNKNOWN", _why_unknown(exc))
    except WixAPIError as exc:
        run.fail_api(change, exc)


def _why_unknown(exc: OutcomeUnknownError) -> str:
    """A 5xx is an answer: "answer lost" would send the reader after the network."""
    cause = exc.__cause__
    if isinstance(cause, WixAPIError):
        return f"Wix answered HTTP {cause.status}" + (f" {cause.code}" if cause.code else "")
    return "answer lost"


def _existing_names(run: Run) -> set[str]:
    """Names of the site's live business locations (one read per apply)."""
    if run.location_names is None:
        run.location_names = {
            str(loc.get("name")) for loc in run.client.locations.query() if not loc.get("archived")
        }
    return run.location_names


def location_update(run: Run, batch: Batch) -> None:
    """Add the INVENTORY type, and/or replace the object with the planned fields."""
    (change,) = batch.changes
    assert change.observed is not None
    location_id = change.keys["wix_location_id"]
    fields = {f.field.split(".")[0] for f in change.fields}
    try:
        if "location_types" in fields:
            run.client.locations.add_type(location_id, "INVENTORY")
        if fields - {"location_types"}:
            live = dict(run.client.locations.get(location_id))
            # add-type above moves the revision on: compare with the plan's only otherwise.
            if "location_types" not in fields and str(live.get("revision")) != str(
                change.observed.revision
            ):
                run.set(
                    change,
                    Status.STALE,
                    "REVISION_MISMATCH",
                    location_moved(change, live),
                )
                return
            updated = run.client.locations.update(location_update_body(live, change.after or {}))  # type: ignore[arg-type]
            if updated.get("revision") is not None:
                run.written[location_id] = str(updated["revision"])
        run.set(change, Status.APPLIED)
    except OutcomeUnknownError:
        run.set(change, Status.UNKNOWN, "OUTCOME_UNKNOWN", "the answer was lost")
    except WixAPIError as exc:
        if exc.status == 409:
            run.set(change, Status.STALE, exc.code or "REVISION_MISMATCH", refused_revision(change))
        else:
            run.fail_api(change, exc)


def location_delete(run: Run, batch: Batch) -> None:
    (change,) = batch.changes
    assert change.observed is not None
    try:
        run.client.locations.archive(change.observed.id)
        run.set(change, Status.APPLIED)
    except WixAPIError as exc:
        run.fail_api(change, exc)


def refresh_location_ids(run: Run) -> set[str]:
    """Learn stores location ids by name (one read); returns the names listed.

    Ids the plan gave (the locations it observed) stand; of two locations
    with one name the oldest is taken, as the planner does
    (:mod:`inventory_as_code.plan.duplicates`).
    """
    listed = set()
    oldest: dict[str, tuple[str, str]] = {}  # name -> (createdDate, id)
    for raw in run.client.locations.query_stores():
        location = location_from_wix(raw)
        if location.wix_location_id:
            run.listed_locations[location.wix_location_id] = (location.created, location.id)
        if location.is_default and run.default_location:
            run.ids.locations[run.default_location] = location.id
        age = (location.created, location.id)
        if location.name not in oldest or age < oldest[location.name]:
            oldest[location.name] = age
        listed.add(location.name)
    for name, (_, location_id) in oldest.items():
        run.ids.locations.setdefault(name, location_id)
    return listed


def after_locations(run: Run) -> None:
    """Learn the stores ids of new inventory locations, waiting for Wix to list them.

    Settles creates whose answer was lost from the same reads, and locations
    created twice by applies at once (:mod:`.location_twins`). Renamed
    locations keep their stores id, known from the plan.
    """
    touched = [
        c
        for c in run.plan.changes
        if c.kind is Kind.LOCATION and c.action in (Action.CREATE, Action.UPDATE)
    ]
    if not touched:
        return
    refresh_location_ids(run)
    created: dict[str, Change] = {}
    for change in touched:
        name = change.keys["location"]
        if "stores_location_id" in change.keys:
            run.ids.locations[name] = change.keys["stores_location_id"]
        wix_id = run.created_locations.get(name) or change.keys.get("wix_location_id")
        status = run.status(change)
        if status is Status.UNKNOWN:
            why = run.report.outcomes[change.address].message or "answer lost"
            if name in run.ids.locations:
                run.set(change, Status.APPLIED, message=f"{why}; found after a re-read")
            else:
                run.set(
                    change,
                    Status.FAILED,
                    "NOT_CREATED",
                    f"{why}; not found after a re-read, so it was not created",
                )
            continue
        if status is not Status.APPLIED or not wix_id:
            continue
        if change.action is Action.CREATE and name in run.created_locations:
            created[name] = change
            if wix_id in run.listed_locations:
                run.ids.locations[name] = run.listed_locations[wix_id][1]
                continue
        if name in run.ids.locations and name not in created:
            continue
        try:
            listed = run.client.locations.wait_for_stores_location(wix_id, timeout=WAIT_SECONDS)
        except LocationNotReadyError:
            created.pop(name, None)
            run.set(
                change,
                Status.APPLIED,
                "NOT_LISTED_YET",
                f"written, but Wix did not list it as an inventory location within "
                f"{WAIT_SECONDS:.0f} s, so its stock was not written: plan and apply again later",
            )
            continue
        run.ids.locations[name] = str(listed["id"])
        run.listed_locations[wix_id] = (str(listed.get("createdDate") or ""), str(listed["id"]))
    settle_created(run, created, timeout=WAIT_SECONDS)


def _becomes_inventory(change: Change) -> bool:
    """A change after which the location must be listed as a stores location."""
    if change.action is Action.CREATE:
        return True
    return any(f.field == "location_types" for f in change.fields) or any(
        f.field == "name" for f in change.fields
    )
