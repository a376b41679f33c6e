"""Two applies at once both created a location: settle on one, archive our own copy.

Wix keeps no location names unique, and no Wix API we use offers a lock or a
compare-and-set that would stop two creates of one name (see
docs/reliability.md, "Overlapping applies"). The check before creating
(:mod:`.steps_locations`) closes most of the window; this closes the rest,
right after this run's location creates and before any stock is written:

1. One read of the Wix locations: is any other live inventory location named
   like one this run created?
2. If so, every such location must be listed in Stores Locations (Wix lists
   a new one a moment later; bounded wait) to learn its ``createdDate``.
3. The oldest (``createdDate``, then id) is kept: every creator decides the
   same, because a creator that saw only its own location created it before
   any other (its re-read came after its create, and another create it did
   not see landed later). So exactly one apply keeps its location and the
   others settle on it.
4. A run whose own location is not the oldest archives it when it is
   provably its own (the id came back from its create) and empty (one
   inventory read: nothing was written there), and writes its stock to the
   kept one. The change is reported ``stale`` ``LOCATION_EXISTS`` with both
   ids. Archiving is permanent: the archived copy stays in Wix's archive,
   holding nothing.
5. Anything else (a copy that holds stock, a location whose create answer
   was lost so which copy is ours is unknown, one Wix does not list in time)
   is left as it is: the read-back after apply and the next plan report the
   duplicate with the fix (never moved or archived silently).

Unconfirmed in the Wix docs: that Stores Locations' ``createdDate`` orders
the creation of their Wix locations (the emulator stamps the create). If two
copies were ordered otherwise, both would be kept and reported as above.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from inventory_as_code.apply.report import Status
from inventory_as_code.apply.run import Run
from inventory_as_code.live.normalize import business_location_from_wix
from inventory_as_code.plan.model import Change
from inventory_as_code.wix._exceptions import LocationNotReadyError, WixAPIError, WixError
from inventory_as_code.wix._types import Location

logger = logging.getLogger(__name__)

LOCATION_EXISTS = "LOCATION_EXISTS"


def inventory_twins(locations: Iterable[Location], names: set[str]) -> dict[str, list[str]]:
    """Wix ids of the live (not archived) inventory locations of each of ``names``."""
    found: dict[str, list[str]] = defaultdict(list)
    for raw in locations:
        business = business_location_from_wix(raw)
        live = not business.archived and "INVENTORY" in business.location_types
        if live and business.name in names:
            found[business.name].append(business.id)
    return found


def settle_created(run: Run, created: dict[str, Change], *, timeout: float) -> None:
    """Locations this run created (YAML name -> change): keep one per name, see above."""
    if not created:
        return
    try:
        twins = inventory_twins(run.client.locations.query(), set(created))
    except WixError as exc:
        # Not fatal: the read-back looks again, and the next plan shows any twin.
        logger.warning("could not look for locations created twice: %s", exc)
        return
    for name, change in created.items():
        own = run.created_locations.get(name)
        others = [wix_id for wix_id in twins.get(name, []) if wix_id != own]
        if own is None or not others:
            continue
        try:
            _settle(run, change, name, own, others, timeout)
        except WixError as exc:
            logger.warning("could not settle the locations named %r: %s", name, exc)


def _settle(
    run: Run, change: Change, name: str, own: str, others: list[str], timeout: float
) -> None:
    listed: dict[str, tuple[str, str]] = {}  # Wix id -> (createdDate, stores id)
    for wix_id in [own, *others]:
        if wix_id not in run.listed_locations:
            try:
                stores = run.client.locations.wait_for_stores_location(wix_id, timeout=timeout)
            except LocationNotReadyError:
                logger.warning("location %s is not listed yet: cannot tell which is older", wix_id)
                return  # kept as it is; the read-back reports the duplicate
            run.listed_locations[wix_id] = (
                str(stores.get("createdDate") or ""),
                str(stores["id"]),
            )
        listed[wix_id] = run.listed_locations[wix_id]
    keep = min(listed, key=lambda wix_id: listed[wix_id])
    kept_stores_id = listed[keep][1]
    run.ids.locations[name] = kept_stores_id
    if keep == own:
        return  # ours is the oldest: the others' creators archive theirs
    own_stores_id = listed[own][1]
    if next(iter(run.client.inventory.query_pages({"locationId": own_stores_id}, limit=1)), []):
        run.set(
            change,
            Status.APPLIED,
            "DUPLICATE",
            f"created, but an older location of this name exists (stores id {kept_stores_id}) "
            f"and this copy (Wix id {own}) already holds stock, so it was left as it is; "
            "stock is written to the older one. Plan again to see both and how to merge them.",
        )
        return
    try:
        run.client.locations.archive(own)
    except WixAPIError as exc:
        if "ARCHIVED" not in (exc.code or ""):  # a resend of an archive that took
            run.set(
                change,
                Status.APPLIED,
                "DUPLICATE",
                f"created at the same time as another location of this name (stores id "
                f"{kept_stores_id}); archiving this copy (Wix id {own}) failed: "
                f"{exc.code or exc.status}. Archive it in the Wix dashboard.",
            )
            return
    run.set(
        change,
        Status.STALE,
        LOCATION_EXISTS,
        f"created at the same time by another apply or app: kept the older location "
        f"(stores id {kept_stores_id}); this apply's copy (Wix id {own}), still empty, "
        "was archived (Wix keeps archived locations; archiving is permanent)",
    )
