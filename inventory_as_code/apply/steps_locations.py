"""Apply steps for locations: create, update (type, rename, address), archive.

Wix keeps no location names unique, so before creating one the live names
are checked (one read per apply): a location created after the plan, or by
an earlier apply of the same plan, is reported stale instead of doubled.

A new Wix location shows up as a Stores (inventory) location a moment later
(Wix is eventually consistent there), and stock can only be written to a
Stores location id: after the location steps the run waits, bounded, until
every new location is listed, and stock at one that never appears is not
attempted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from inventory_as_code.apply.bodies_locations import location_create_body, location_update_body
from inventory_as_code.apply.calls import Batch
from inventory_as_code.apply.report import Status
from inventory_as_code.apply.run import Run
from inventory_as_code.live.normalize import location_from_wix
from inventory_as_code.plan.model import Action, Change, Kind
from inventory_as_code.wix import OutcomeUnknownError
from inventory_as_code.wix._exceptions import WixAPIError

logger = logging.getLogger(__name__)

# How long to wait for new locations to be listed as inventory locations:
# delays between reads, about 30 s in all (Wix documents no bound).
STORES_LOCATION_WAITS = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0, 14.0)


def location_create(run: Run, batch: Batch) -> None:
    (change,) = batch.changes
    if change.keys["location"] in _existing_names(run):
        run.set(
            change,
            Status.STALE,
            "LOCATION_EXISTS",
            "a location with this name exists now: created after the plan was made",
        )
        return
    try:
        created = run.client.locations.create(location_create_body(change.after or {}))  # type: ignore[arg-type]
        run.set(change, Status.APPLIED)
        if created.get("id") and created.get("revision") is not None:
            run.written[str(created["id"])] = str(created["revision"])
    except OutcomeUnknownError:
        # Settled by the stores-locations read after the location steps.
        run.set(change, Status.UNKNOWN, "OUTCOME_UNKNOWN", "the answer was lost")
    except WixAPIError as exc:
        run.fail_api(change, exc)


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
                    "the location changed since the plan; kept as it is",
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
            run.set(change, Status.STALE, exc.code or "REVISION_MISMATCH", "changed since the plan")
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
    """Learn stores location ids by name (one read); returns the names listed."""
    listed = set()
    for raw in run.client.locations.query_stores():
        location = location_from_wix(raw)
        if location.is_default and run.default_location:
            run.ids.locations[run.default_location] = location.id
        run.ids.locations[location.name] = location.id
        listed.add(location.name)
    return listed


def after_locations(run: Run, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Learn the stores ids of new locations, waiting for them; settle lost creates."""
    touched = [
        c
        for c in run.plan.changes
        if c.kind is Kind.LOCATION and c.action in (Action.CREATE, Action.UPDATE)
    ]
    if not touched:
        return
    expected = {
        c.keys["location"]
        for c in touched
        if run.status(c) in (Status.APPLIED, Status.UNKNOWN) and _becomes_inventory(c)
    }
    listed = refresh_location_ids(run)
    for delay in STORES_LOCATION_WAITS:
        if expected <= listed:
            break
        logger.info("waiting %.1f s for %d new location(s) to be listed", delay, len(expected))
        sleep(delay)
        listed = refresh_location_ids(run)
    for change in touched:
        name = change.keys["location"]
        if run.status(change) is Status.UNKNOWN:
            if name in listed:
                run.set(change, Status.APPLIED, message="answer lost; found after a re-read")
            else:
                run.set(
                    change, Status.FAILED, "NOT_CREATED", "answer lost; not found after a re-read"
                )
        elif run.status(change) is Status.APPLIED and name in expected - listed:
            run.set(
                change,
                Status.APPLIED,
                "NOT_LISTED_YET",
                "created, but Wix did not list it as an inventory location within ~30 s; "
                "its stock was not written: run plan and apply again in a minute",
            )


def _becomes_inventory(change: Change) -> bool:
    """A change after which the location must be listed as a stores location."""
    if change.action is Action.CREATE:
        return True
    return any(f.field == "location_types" for f in change.fields) or any(
        f.field == "name" for f in change.fields
    )
