"""The state of one apply, shared by the steps: ids learned so far, outcomes, reads.

The step modules (:mod:`.steps_locations`, :mod:`.steps_options`,
:mod:`.steps_products`, :mod:`.steps_stock`) take a :class:`Run` and one
batch; the executor owns the order. Nothing here calls back into the
executor, so the modules form a tree: executor -> steps -> run / bodies /
check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.apply.calls import CallPlan
from inventory_as_code.apply.codes import ALREADY_EXISTS, SKU_TAKEN, is_revision_conflict
from inventory_as_code.apply.moved import refused_revision
from inventory_as_code.apply.report import ApplyReport, Outcome, Status
from inventory_as_code.live.model import LiveProduct
from inventory_as_code.live.normalize import options_from_wix, variant_key
from inventory_as_code.plan.model import Action, Change, Plan
from inventory_as_code.wix import BulkResult, ItemStatus, OutcomeUnknownError, WixClient
from inventory_as_code.wix._exceptions import WixAPIError, WixError


@dataclass
class Ids:
    locations: dict[str, str] = field(default_factory=dict)  # YAML name -> stores location id
    products: dict[str, str] = field(default_factory=dict)  # slug -> product id
    variants: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

    def variant(self, change: Change) -> str | None:
        return self.variants.get((change.keys["slug"], tuple(change.keys["variant"])))


class Run:
    def __init__(
        self, client: WixClient, plan: Plan, calls: CallPlan, default_location: str | None
    ) -> None:
        self.client = client
        self.plan = plan
        self.calls = calls
        self.default_location = default_location
        self.report = ApplyReport(planned_write_calls=calls.total)
        self.ids = Ids()
        # Products to update as read just before writing (live names): the
        # revision check, the base of each body, and "before" for the check.
        self.before_products: dict[str, LiveProduct] = {}
        # Revisions Wix returned for what this run wrote, by object id: a later
        # read-back at another revision means someone changed it since.
        self.written: dict[str, str] = {}
        # Inventory items a move (refill) of this run wrote: the read-back does not compare
        # them with the plan's stock changes, which a move changes on purpose.
        self.moved_items: set[str] = set()
        # Names of the site's business locations, read once before the first create.
        self.location_names: set[str] | None = None
        # Wix locations this run created: YAML name -> Wix location id.
        self.created_locations: dict[str, str] = {}
        # Stores locations as last listed: Wix location id -> (createdDate, stores id).
        self.listed_locations: dict[str, tuple[str, str]] = {}
        # Inventory items this run created apart from their product: address -> id.
        self.created_items: dict[str, str] = {}
        # The site's options (customizations) by name identity, as they are now: read
        # once when a product body needs them, kept current by this run's option writes.
        self.options: dict[str, dict[str, Any]] | None = None
        self.options_read = False
        # Products whose revision this run's own option writes moved on (Wix updates
        # every product of a changed option): slug -> the revision read after them.
        self.own_revisions: dict[str, str] = {}
        for change in plan.changes:
            keys = change.keys
            if "location_id" in keys and "location" in keys:
                self.ids.locations[keys["location"]] = keys["location_id"]
            # A refill's other end: its source may be named by no other change of the plan.
            if "source_location_id" in keys and "source" in keys:
                self.ids.locations[keys["source"]] = keys["source_location_id"]
            if "product_id" in keys:
                self.ids.products[keys["slug"]] = keys["product_id"]
            if "variant_id" in keys:
                self.ids.variants[(keys["slug"], tuple(keys["variant"]))] = keys["variant_id"]

    # --- outcomes ----------------------------------------------------------------------

    def set(self, change: Change, status: Status, code: str = "", message: str = "") -> None:
        self.report.set(Outcome(change.address, change.action, status, code, message))

    def status(self, change: Change) -> Status | None:
        outcome = self.report.outcomes.get(change.address)
        return None if outcome is None else outcome.status

    def fail(self, changes: Sequence[Change], exc: WixError) -> None:
        status = Status.UNKNOWN if isinstance(exc, OutcomeUnknownError) else Status.FAILED
        code = (exc.code if isinstance(exc, WixAPIError) else None) or type(exc).__name__
        for change in changes:
            self.set(change, status, code, str(exc).splitlines()[0])

    def fail_api(self, change: Change, exc: WixAPIError) -> None:
        self.set(change, Status.FAILED, exc.code or str(exc.status), exc.description or exc.message)

    def record_bulk(self, changes: Sequence[Change], result: BulkResult) -> list[bool]:
        """Outcomes of a bulk call, in order; returns which changes were applied."""
        applied = []
        for change, item in zip(changes, result.items, strict=True):
            if item.status is ItemStatus.APPLIED:
                self.set(change, Status.APPLIED)
                if item.item and item.item.get("id") and item.item.get("revision") is not None:
                    self.written[str(item.item["id"])] = str(item.item["revision"])
            elif item.status is ItemStatus.FAILED and item.error is not None:
                if is_revision_conflict(item.error.code, item.error.description):
                    self.set(change, Status.STALE, item.error.code, refused_revision(change))
                elif change.action is Action.CREATE and item.error.code in ALREADY_EXISTS:
                    # The plan saw nothing there: it was created after the plan (or
                    # the plan is being applied a second time). Not ours to touch.
                    self.set(
                        change,
                        Status.STALE,
                        item.error.code,
                        "a SKU of it is held by another product now: created after the plan "
                        "was made; not created"
                        if item.error.code == SKU_TAKEN
                        else "already exists: created after the plan was made",
                    )
                else:
                    self.set(change, Status.FAILED, item.error.code, item.error.description)
            elif item.status is ItemStatus.UNKNOWN:
                self.set(change, Status.UNKNOWN, "OUTCOME_UNKNOWN", "the answer was lost")
            else:
                self.set(change, Status.NOT_ATTEMPTED, message="the run stopped before it")
            applied.append(item.status is ItemStatus.APPLIED)
        return applied

    def refused_as_repeat(self, change: Change) -> bool:
        """Whether the change's refusal may be Wix refusing our own resent write."""
        outcome = self.report.outcomes.get(change.address)
        if outcome is None:
            return False
        if outcome.status is Status.UNKNOWN:
            return True
        if outcome.code in ALREADY_EXISTS:
            return True
        if outcome.status is Status.FAILED:
            return outcome.code == "WixTransportError"  # no answer to any attempt
        return outcome.status is Status.STALE and is_revision_conflict(outcome.code)

    # --- ids -----------------------------------------------------------------------------

    def learn_product(self, slug: str, raw: dict[str, Any]) -> None:
        """Ids of a product and its variants from a Wix answer (create, update, read)."""
        if not raw.get("id"):
            return
        self.ids.products[slug] = raw["id"]
        if raw.get("revision") is not None:
            self.written[str(raw["id"])] = str(raw["revision"])
        options = options_from_wix(raw.get("options") or [])
        for variant in (raw.get("variantsInfo") or {}).get("variants") or []:
            key = variant_key(variant.get("choices") or [], options)
            self.ids.variants[(slug, key)] = variant["id"]
