"""Running the compiled calls against Wix, safely.

The executor walks the batches of :func:`compile_plan` in order and builds
each call's body only when its turn comes, filling in the ids of objects
created earlier in the run. Safety rules:

* Every update carries the revision the plan observed. Wix refuses it when
  the object moved since (a sale, an edit); that change is reported
  ``stale`` with what changed, never retried with a fresh revision.
* Top-ups (increments) carry no revision, so the items are read first and
  those that moved since the plan are reported stale instead.
* Products to update are read first (a few reads per 100 products): to
  check their revision and to carry every live variant along, since Wix
  replaces the variants array whole.
* A write whose answer was lost is never resent blindly (the client
  refuses); the objects are re-read and the outcome settled from what is
  there. Running apply again converges: the next plan starts from the live
  state, and creates are unique (slug; variant+location) so nothing doubles.
* Something that depends on a failed step (stock of a product that was not
  created) is ``not_attempted``, never sent with a guessed id.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from inventory_as_code.apply.bodies import (
    location_body,
    product_create_body,
    product_update_body,
    stock_body,
)
from inventory_as_code.apply.calls import Batch, CallPlan, Step
from inventory_as_code.apply.codes import ALREADY_EXISTS, is_revision_conflict
from inventory_as_code.apply.report import ApplyReport, Outcome, Status
from inventory_as_code.apply.settle import ResendSettler
from inventory_as_code.live.model import LiveInventoryItem, LiveProduct
from inventory_as_code.live.normalize import (
    location_from_wix,
    options_from_wix,
    variant_key,
)
from inventory_as_code.live.reader import read_inventory_items, read_products
from inventory_as_code.plan.model import Action, Change, Kind, Plan
from inventory_as_code.wix import Adjustment, BulkResult, ItemStatus, OutcomeUnknownError, WixClient
from inventory_as_code.wix._exceptions import WixAPIError, WixError

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, Batch], None]  # (done, total, batch about to run)


@dataclass
class _Ids:
    locations: dict[str, str]  # YAML location name -> stores location id
    products: dict[str, str]  # slug -> product id
    variants: dict[tuple[str, tuple[str, ...]], str]  # (slug, key) -> variant id


class Executor:
    def __init__(
        self,
        client: WixClient,
        plan: Plan,
        calls: CallPlan,
        *,
        default_location: str | None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.client = client
        self.plan = plan
        self.calls = calls
        self.default_location = default_location
        self.progress = progress
        self.report = ApplyReport(planned_write_calls=calls.total)
        self.ids = _Ids({}, {}, {})
        self._live_products: dict[str, LiveProduct] = {}
        self._products_read = False  # products to update are read once, before the first
        self._stale_items: dict[str, Change] = {}
        self._location_names: set[str] | None = None
        self._before_increments: dict[str, LiveInventoryItem] | None = None
        self._settler = ResendSettler(self)
        for change in plan.changes:
            keys = change.keys
            if "location_id" in keys and "location" in keys:
                self.ids.locations[keys["location"]] = keys["location_id"]
            if "product_id" in keys:
                self.ids.products[keys["slug"]] = keys["product_id"]
            if "variant_id" in keys:
                self.ids.variants[(keys["slug"], tuple(keys["variant"]))] = keys["variant_id"]

    # --- the run ---------------------------------------------------------------------

    def run(self) -> ApplyReport:
        started = time.monotonic()
        before = self.client.stats.snapshot().requests
        self._read_default_location()
        total = len(self.calls.batches)
        locations_done = False
        for index, batch in enumerate(self.calls.batches):
            if not locations_done and batch.step not in (
                Step.LOCATION_CREATE,
                Step.LOCATION_ENABLE,
            ):
                self._after_locations()
                locations_done = True
            if batch.step is Step.PRODUCT_UPDATE and not self._products_read:
                self._read_products_to_update()
            if self.progress:
                self.progress(index, total, batch)
            try:
                self._run_batch(batch)
            except WixError as exc:
                # A request-level failure: this batch failed, the rest is not attempted.
                self._fail(batch.changes, exc)
                self._not_attempted_rest(index + 1, f"stopped after an error: {exc}")
                break
        if not locations_done:
            self._after_locations()
        self._explain_stale()
        after = self.client.stats.snapshot().requests
        self.report.calls = {
            name: count - before.get(name, 0)
            for name, count in after.items()
            if count - before.get(name, 0)
        }
        self.report.seconds = time.monotonic() - started
        return self.report

    def _run_batch(self, batch: Batch) -> None:
        handler = {
            Step.LOCATION_CREATE: self._location_create,
            Step.LOCATION_ENABLE: self._location_enable,
            Step.PRODUCT_CREATE: self._product_create,
            Step.PRODUCT_UPDATE: self._product_update,
            Step.STOCK_CREATE: self._stock_create,
            Step.STOCK_UPDATE: self._stock_update,
            Step.STOCK_INCREMENT: self._stock_increment,
            Step.STOCK_DELETE: self._stock_delete,
            Step.PRODUCT_DELETE: self._product_delete,
            Step.LOCATION_DELETE: self._location_delete,
        }[batch.step]
        resent = self.client.stats.snapshot().resent_writes
        handler(batch)
        if self.client.stats.snapshot().resent_writes > resent:
            self._settler.settle(batch)

    # --- outcomes ----------------------------------------------------------------------

    def _set(self, change: Change, status: Status, code: str = "", message: str = "") -> None:
        self.report.set(Outcome(change.address, change.action, status, code, message))

    def _fail(self, changes: Sequence[Change], exc: WixError) -> None:
        status = Status.UNKNOWN if isinstance(exc, OutcomeUnknownError) else Status.FAILED
        code = (exc.code if isinstance(exc, WixAPIError) else None) or type(exc).__name__
        for change in changes:
            self._set(change, status, code, str(exc).splitlines()[0])

    def _not_attempted_rest(self, start: int, why: str) -> None:
        for batch in self.calls.batches[start:]:
            for change in batch.changes:
                if change.address not in self.report.outcomes:
                    self._set(change, Status.NOT_ATTEMPTED, message=why)

    def _record_bulk(self, changes: Sequence[Change], result: BulkResult) -> list[bool]:
        """Outcomes of a bulk call, in order; returns which changes were applied."""
        applied = []
        for change, item in zip(changes, result.items, strict=True):
            if item.status is ItemStatus.APPLIED:
                self._set(change, Status.APPLIED)
            elif item.status is ItemStatus.FAILED and item.error is not None:
                if is_revision_conflict(item.error.code, item.error.description):
                    self._set(change, Status.STALE, item.error.code, "changed since the plan")
                    if change.kind is Kind.STOCK and change.observed is not None:
                        self._stale_items[change.observed.id] = change
                elif change.action is Action.CREATE and item.error.code in ALREADY_EXISTS:
                    # The plan saw nothing there: it was created after the plan (or
                    # the plan is being applied a second time). Not ours to touch.
                    self._set(
                        change,
                        Status.STALE,
                        item.error.code,
                        "already exists: created after the plan was made",
                    )
                else:
                    self._set(change, Status.FAILED, item.error.code, item.error.description)
            elif item.status is ItemStatus.UNKNOWN:
                self._set(change, Status.UNKNOWN, "OUTCOME_UNKNOWN", "the answer was lost")
            else:
                self._set(change, Status.NOT_ATTEMPTED, message="the run stopped before it")
            applied.append(item.status is ItemStatus.APPLIED)
        return applied

    # --- locations ---------------------------------------------------------------------

    def _read_default_location(self) -> None:
        """Stock created apart from its product needs its location's id."""
        if any(
            c.kind is Kind.LOCATION and c.action.value in ("create", "update")
            for c in self.plan.changes
        ):
            return  # read once after the location steps instead
        # Stock of a new product carries no location id in the plan: any
        # location it goes to that is not known yet is looked up (one read).
        if any(
            c.keys.get("location") not in self.ids.locations
            for b in self.calls.batches
            if b.step is Step.STOCK_CREATE
            for c in b.changes
        ):
            self._refresh_locations()

    def _refresh_locations(self) -> None:
        by_name = {}
        for raw in self.client.locations.query_stores():
            location = location_from_wix(raw)
            if location.is_default and self.default_location:
                self.ids.locations[self.default_location] = location.id
            by_name[location.name] = location.id
        for name, location_id in by_name.items():
            self.ids.locations.setdefault(name, location_id)

    def _location_create(self, batch: Batch) -> None:
        (change,) = batch.changes
        # Wix does not keep location names unique, so a location created after
        # the plan (or by an earlier apply of the same plan) would be doubled.
        if change.keys["location"] in self._existing_location_names():
            self._set(
                change,
                Status.STALE,
                "LOCATION_EXISTS",
                "a location with this name exists now: created after the plan was made",
            )
            return
        try:
            self.client.locations.create(location_body(change))  # type: ignore[arg-type]
            self._set(change, Status.APPLIED)
        except OutcomeUnknownError:
            # Settled by the stores-locations read after the location steps.
            self._set(change, Status.UNKNOWN, "OUTCOME_UNKNOWN", "the answer was lost")
        except WixAPIError as exc:
            self._set(
                change, Status.FAILED, exc.code or str(exc.status), exc.description or exc.message
            )

    def _existing_location_names(self) -> set[str]:
        """Names of the site's live business locations (one read per apply)."""
        if self._location_names is None:
            self._location_names = {
                str(loc.get("name"))
                for loc in self.client.locations.query()
                if not loc.get("archived")
            }
        return self._location_names

    def _location_enable(self, batch: Batch) -> None:
        (change,) = batch.changes
        try:
            self.client.locations.add_type(change.keys["wix_location_id"], "INVENTORY")
            self._set(change, Status.APPLIED)
        except WixAPIError as exc:
            self._set(
                change, Status.FAILED, exc.code or str(exc.status), exc.description or exc.message
            )

    def _after_locations(self) -> None:
        """Learn the stores ids of new locations; settle creates whose answer was lost."""
        touched = [
            c
            for c in self.plan.changes
            if c.kind is Kind.LOCATION and c.action.value in ("create", "update")
        ]
        if not touched:
            return
        self._refresh_locations()
        for change in touched:
            outcome = self.report.outcomes.get(change.address)
            name = change.keys["location"]
            if outcome is not None and outcome.status is Status.UNKNOWN:
                if name in self.ids.locations:
                    self._set(change, Status.APPLIED, message="answer lost; found after a re-read")
                else:
                    self._set(
                        change,
                        Status.FAILED,
                        "NOT_CREATED",
                        "answer lost; not found after a re-read",
                    )

    def _location_delete(self, batch: Batch) -> None:
        (change,) = batch.changes
        assert change.observed is not None
        try:
            self.client.locations.archive(change.observed.id)
            self._set(change, Status.APPLIED)
        except WixAPIError as exc:
            self._set(
                change, Status.FAILED, exc.code or str(exc.status), exc.description or exc.message
            )

    # --- products ----------------------------------------------------------------------

    def _product_create(self, batch: Batch) -> None:
        bodies = [
            product_create_body(g.slug, g.changes, self.default_location) for g in batch.groups
        ]
        result = self.client.products.bulk_create(
            bodies,  # type: ignore[arg-type]
            with_inventory=True,
            return_entity=True,
            fields=("VARIANT_OPTION_CHOICE_NAMES",),
        )
        # Default-location items are numbered across the whole request in the
        # order of the variants that carry one (unconfirmed in the Wix docs;
        # the emulator does so). A wrong guess only mislabels a failure, and
        # the next plan shows any item that is missing.
        positions: dict[tuple[str, tuple[str, ...]], int] = {}
        for group, body in zip(batch.groups, bodies, strict=True):
            keys = [tuple(c.keys["variant"]) for c in group.changes if c.kind is Kind.VARIANT]
            for key, variant in zip(keys, body["variantsInfo"]["variants"], strict=True):
                if "inventoryItem" in variant:
                    positions[(group.slug, key)] = len(positions)
        failures = self._inventory_failures(result)
        for group, item in zip(batch.groups, result.items, strict=True):
            product_change = next(c for c in group.changes if c.kind is Kind.PRODUCT)
            if item.status is not ItemStatus.APPLIED:
                self._record_bulk([product_change], _single(result, item))
                for change in group.changes:
                    if change is not product_change:
                        self._set(
                            change, Status.NOT_ATTEMPTED, message="its product was not created"
                        )
                continue
            self._set(product_change, Status.APPLIED)
            self._learn_product(group.slug, item.item or {})
            for change in group.changes:
                if change.kind is Kind.VARIANT:
                    self._set(change, Status.APPLIED)
                elif change.kind is Kind.STOCK:
                    failure = failures.get(
                        positions.get((group.slug, tuple(change.keys["variant"])), -1)
                    )
                    if failure:
                        self._set(change, Status.FAILED, *failure)
                    else:
                        self._set(change, Status.APPLIED)

    @staticmethod
    def _inventory_failures(result: BulkResult) -> dict[int, tuple[str, str]]:
        """Failed default-location items of a products-with-inventory call, by position."""
        failures: dict[int, tuple[str, str]] = {}
        for extra in result.extras:
            for position, raw in enumerate(extra.get("results") or []):
                meta = raw.get("itemMetadata") or {}
                if meta.get("success") is False:
                    error = meta.get("error") or {}
                    index = int(meta.get("originalIndex", position))
                    failures[index] = (
                        str(error.get("code", "")),
                        str(error.get("description", "")),
                    )
        return failures

    def _learn_product(self, slug: str, raw: dict[str, Any]) -> None:
        if not raw.get("id"):
            return
        self.ids.products[slug] = raw["id"]
        options = options_from_wix(raw.get("options") or [])
        for variant in (raw.get("variantsInfo") or {}).get("variants") or []:
            key = variant_key(variant.get("choices") or [], options)
            self.ids.variants[(slug, key)] = variant["id"]

    def _read_products_to_update(self) -> None:
        wanted = {
            g.slug: self.ids.products[g.slug]
            for b in self.calls.batches
            if b.step is Step.PRODUCT_UPDATE
            for g in b.groups
            if g.slug in self.ids.products
        }
        fresh = read_products(self.client, wanted.values())
        self._live_products = {p.slug: p for p in fresh.values()}
        self._products_read = True

    def _product_update(self, batch: Batch) -> None:
        entries, groups = [], []
        for group in batch.groups:
            live = self._live_products.get(group.slug)
            observed = next((c.observed for c in group.changes if c.observed), None)
            if live is None:
                for change in group.changes:
                    self._set(change, Status.FAILED, "NOT_FOUND", "the product no longer exists")
                continue
            if observed is not None and live.revision != observed.revision:
                for change in group.changes:
                    self._set(
                        change,
                        Status.STALE,
                        "REVISION_MISMATCH",
                        f"the product changed since the plan (revision {observed.revision} -> "
                        f"{live.revision})",
                    )
                continue
            entries.append(product_update_body(group.changes, live))
            groups.append(group)
        if not entries:
            return
        result = self.client.products.bulk_update(
            entries,  # type: ignore[arg-type]
            return_entity=True,
            fields=("VARIANT_OPTION_CHOICE_NAMES",),
        )
        for group, item in zip(groups, result.items, strict=True):
            applied = self._record_bulk(
                list(group.changes), _single_for_all(result, item, len(group.changes))
            )
            if all(applied):
                self._learn_product(group.slug, item.item or {})

    def _product_delete(self, batch: Batch) -> None:
        ids = [c.keys["product_id"] for c in batch.changes]
        self._record_bulk(batch.changes, self.client.products.bulk_delete(ids))

    # --- stock -------------------------------------------------------------------------

    def _stock_create(self, batch: Batch) -> None:
        bodies, sendable = [], []
        for change in batch.changes:
            keys = change.keys
            product_id = self.ids.products.get(keys["slug"])
            variant_id = self.ids.variants.get((keys["slug"], tuple(keys["variant"])))
            location_id = self.ids.locations.get(keys["location"])
            missing = [
                what
                for what, value in (
                    ("product", product_id),
                    ("variant", variant_id),
                    ("location", location_id),
                )
                if not value
            ]
            if missing:
                self._set(
                    change,
                    Status.NOT_ATTEMPTED,
                    message=f"its {' and '.join(missing)} does not exist (not created in this run)",
                )
                continue
            body = {"productId": product_id, "variantId": variant_id, "locationId": location_id}
            body.update(stock_body(change.after or {}))
            bodies.append(body)
            sendable.append(change)
        if bodies:
            self._record_bulk(sendable, self.client.inventory.bulk_create(bodies))  # type: ignore[arg-type]

    def _stock_update(self, batch: Batch) -> None:
        bodies = []
        for change in batch.changes:
            assert change.observed is not None
            body = {"id": change.observed.id, "revision": change.observed.revision}
            values = dict(change.after or {})
            if "tracking" not in values:
                values["tracking"] = change.observed.values.get("tracking")
            body.update(stock_body(values))
            bodies.append(body)
        self._record_bulk(batch.changes, self.client.inventory.bulk_update(bodies))  # type: ignore[arg-type]

    def _increment_targets(self) -> dict[str, LiveInventoryItem]:
        """Every item to top up, read once before the first increment (1 read per 1,000)."""
        if self._before_increments is None:
            self._before_increments = read_inventory_items(
                self.client,
                (
                    c.observed.id
                    for b in self.calls.batches
                    if b.step is Step.STOCK_INCREMENT
                    for c in b.changes
                    if c.observed is not None
                ),
            )
        return self._before_increments

    def _stock_increment(self, batch: Batch) -> None:
        observed = {c.observed.id: c for c in batch.changes if c.observed is not None}
        live = self._increment_targets()
        adjustments, sendable = [], []
        for item_id, change in observed.items():
            current = live.get(item_id)
            assert change.observed is not None
            if current is None:
                self._set(change, Status.FAILED, "NOT_FOUND", "the inventory item no longer exists")
            elif current.revision != change.observed.revision:
                self._set(
                    change,
                    Status.STALE,
                    "REVISION_MISMATCH",
                    _moved(change, current.quantity, current.in_stock),
                )
            else:
                delta = int((change.after or {})["quantity"]) - int(current.quantity or 0)
                adjustments.append(Adjustment(delta, inventory_item_id=item_id))
                sendable.append(change)
        if not adjustments:
            return
        result = self.client.inventory.bulk_increment(adjustments)
        self._record_bulk(sendable, result)
        unknown = [
            c for c, r in zip(sendable, result.items, strict=True) if r.status is ItemStatus.UNKNOWN
        ]
        if unknown:
            self._settle_increments(unknown)

    def _settle_increments(self, changes: list[Change]) -> None:
        """An increment whose answer was lost: re-read and look, never resend."""
        items = read_inventory_items(self.client, (c.observed.id for c in changes if c.observed))
        for change in changes:
            assert change.observed is not None
            current = items.get(change.observed.id)
            target = (change.after or {}).get("quantity")
            before = change.observed.values.get("quantity")
            if current is not None and current.quantity == target:
                self._set(
                    change, Status.APPLIED, message="answer lost; the re-read shows it applied"
                )
            elif current is not None and current.quantity == before:
                self._set(
                    change,
                    Status.FAILED,
                    "NOT_APPLIED",
                    "answer lost; the re-read shows it was not applied",
                )
            else:
                self._set(
                    change,
                    Status.UNKNOWN,
                    "OUTCOME_UNKNOWN",
                    "answer lost and the item changed since",
                )

    def _stock_delete(self, batch: Batch) -> None:
        ids = [c.keys["inventory_item_id"] for c in batch.changes]
        self._record_bulk(batch.changes, self.client.inventory.bulk_delete(ids))

    def _explain_stale(self) -> None:
        """Say what moved for stale stock updates (one read per 100 products)."""
        if not self._stale_items:
            return
        try:
            current = read_inventory_items(self.client, self._stale_items)
        except WixError as exc:
            logger.warning("could not re-read stale items: %s", exc)
            return
        for item_id, change in self._stale_items.items():
            item = current.get(item_id)
            if item is not None and change.observed is not None:
                message = _moved(change, item.quantity, item.in_stock)
                self._set(change, Status.STALE, "REVISION_MISMATCH", message)


def _moved(change: Change, quantity: int | None, in_stock: bool | None) -> str:
    """What happened to a stale item since the plan, for the report."""
    assert change.observed is not None
    seen = dict(change.observed.values or {})
    wanted = dict(change.after or {})
    if quantity is not None and wanted.get("quantity") == quantity != seen.get("quantity"):
        return f"already at the planned quantity {quantity} (applied earlier?)"
    if "quantity" in seen and quantity is not None and seen["quantity"] != quantity:
        was = seen["quantity"]
        return f"changed since the plan: quantity {was} -> {quantity} ({quantity - was:+d}); kept"
    if "in_stock" in seen and in_stock is not None and seen["in_stock"] != in_stock:
        return f"changed since the plan: in stock {seen['in_stock']} -> {in_stock}; kept"
    return "changed since the plan (another field); kept"


def _single(result: BulkResult, item: Any) -> BulkResult:
    return BulkResult(items=(item,), calls=result.calls)


def _single_for_all(result: BulkResult, item: Any, count: int) -> BulkResult:
    return BulkResult(items=(item,) * count, calls=result.calls)
