"""Running the compiled calls against Wix, safely, and checking the result.

The executor walks the batches of :func:`~.calls.compile_plan` in order; the
step modules build each call's body when its turn comes, from the live
object plus the planned fields, filling in the ids of objects created
earlier in the run. Safety rules:

* Every update carries the revision the plan observed. Wix refuses it when
  the object moved since (a sale, an edit); that change is reported
  ``stale`` with what changed, never retried with a fresh revision. Top-ups
  are the exception that keeps its meaning: see :mod:`.steps_stock`.
* Products to update are read first (a few reads per 100 products): to
  check their revision and to carry every live variant along, since Wix
  replaces the variants array whole. Store options (shared by products) are
  written before any product; products that an option change moved on are
  read again after it (:mod:`.steps_options`).
* A write whose answer was lost is never resent blindly (the client
  refuses); the objects are re-read and the outcome settled from what is
  there (:mod:`.check`). Running apply again converges: the next plan starts
  from the live state, and creates are unique (slug; variant+location).
* Something that depends on a failed step (stock of a product that was not
  created) is ``not_attempted``, never sent with a guessed id.
* Afterwards every object written is read back and compared with the plan
  (:mod:`.readback`); differences are reported as inconsistencies (exit 3).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from inventory_as_code.apply import (
    steps_locations,
    steps_moves,
    steps_options,
    steps_products,
    steps_stock,
)
from inventory_as_code.apply.calls import Batch, CallPlan, Step
from inventory_as_code.apply.readback import verify
from inventory_as_code.apply.report import ApplyReport, Inconsistency, Status
from inventory_as_code.apply.run import Run
from inventory_as_code.plan.model import Plan
from inventory_as_code.wix import WixClient
from inventory_as_code.wix._exceptions import WixError

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, Batch], None]  # (done, total, batch about to run)

_HANDLERS: dict[Step, Callable[[Run, Batch], None]] = {
    Step.LOCATION_CREATE: steps_locations.location_create,
    Step.LOCATION_UPDATE: steps_locations.location_update,
    Step.OPTION_CREATE: steps_options.option_create,
    Step.OPTION_UPDATE: steps_options.option_update,
    Step.PRODUCT_CREATE: steps_products.product_create,
    Step.PRODUCT_UPDATE: steps_products.product_update,
    Step.STOCK_CREATE: steps_stock.stock_create,
    Step.STOCK_UPDATE: steps_stock.stock_update,
    Step.STOCK_MOVE: lambda run, batch: steps_moves.move_step(run, batch.changes),
    Step.STOCK_DELETE: steps_stock.stock_delete,
    Step.PRODUCT_DELETE: steps_products.product_delete,
    Step.LOCATION_DELETE: steps_locations.location_delete,
}
# Settling writes whose answer was lost, per step (see the module docstring).
_SETTLERS: dict[Step, Callable[[Run, Batch], None]] = {
    Step.OPTION_CREATE: steps_options.settle_option_creates,
    Step.PRODUCT_CREATE: steps_products.settle_product_creates,
    Step.PRODUCT_UPDATE: steps_products.settle_product_updates,
    Step.STOCK_CREATE: steps_stock.settle_stock,
    Step.STOCK_UPDATE: steps_stock.settle_stock,
}
_LOCATION_STEPS = (Step.LOCATION_CREATE, Step.LOCATION_UPDATE)
_OPTION_STEPS = (Step.OPTION_CREATE, Step.OPTION_UPDATE)


class Executor:
    def __init__(
        self,
        client: WixClient,
        plan: Plan,
        calls: CallPlan,
        *,
        default_location: str | None,
        progress: ProgressCallback | None = None,
        check_after: bool = True,
    ) -> None:
        self.run_state = Run(client, plan, calls, default_location)
        self.progress = progress
        self.check_after = check_after

    def run(self) -> ApplyReport:
        run = self.run_state
        client = run.client
        started = time.monotonic()
        before = client.stats.snapshot().requests
        self._read_location_ids()
        batches = run.calls.batches
        locations_done = options_started = options_done = False
        for index, batch in enumerate(batches):
            if not locations_done and batch.step not in _LOCATION_STEPS:
                steps_locations.after_locations(run)
                locations_done = True
            if not options_started and batch.step is Step.OPTION_UPDATE:
                # Products to update are read (and their revision checked) before an
                # option change moves them on (steps_options).
                if any(b.step is Step.PRODUCT_UPDATE for b in batches):
                    steps_products.read_products_to_update(run)
                options_started = True
            if options_started and not options_done and batch.step not in _OPTION_STEPS:
                steps_options.after_options(run)
                options_done = True
            if self.progress:
                self.progress(index, len(batches), batch)
            try:
                self._run_batch(batch)
            except WixError as exc:
                # A request-level failure: this batch failed, the rest is not attempted.
                run.fail(batch.changes, exc)
                self._not_attempted_rest(index + 1, f"stopped after an error: {exc}")
                break
        if not locations_done:
            steps_locations.after_locations(run)
        if options_started and not options_done:
            steps_options.after_options(run)
        if self.check_after:
            self._check()
        after = client.stats.snapshot().requests
        run.report.calls = {
            name: count - before.get(name, 0)
            for name, count in after.items()
            if count - before.get(name, 0)
        }
        run.report.seconds = time.monotonic() - started
        return run.report

    def _run_batch(self, batch: Batch) -> None:
        run = self.run_state
        resent = run.client.stats.snapshot().resent_writes
        _HANDLERS[batch.step](run, batch)
        lost = any(run.status(c) is Status.UNKNOWN for c in batch.changes)
        settle = _SETTLERS.get(batch.step)
        if settle is not None and (lost or run.client.stats.snapshot().resent_writes > resent):
            settle(run, batch)

    def _read_location_ids(self) -> None:
        """Stock created apart from its product needs its location's stores id."""
        run = self.run_state
        if any(b.step in _LOCATION_STEPS for b in run.calls.batches):
            return  # read once after the location steps instead
        if any(
            c.keys.get("location") not in run.ids.locations
            for b in run.calls.batches
            if b.step is Step.STOCK_CREATE
            for c in b.changes
        ):
            steps_locations.refresh_location_ids(run)

    def _not_attempted_rest(self, start: int, why: str) -> None:
        run = self.run_state
        for batch in run.calls.batches[start:]:
            for change in batch.changes:
                if change.address not in run.report.outcomes:
                    run.set(change, Status.NOT_ATTEMPTED, message=why)

    def _check(self) -> None:
        """Read back what was written; record what differs from the plan."""
        run = self.run_state
        if not any(o.status is Status.APPLIED for o in run.report.outcomes.values()):
            return
        try:
            mismatches = verify(run)
        except WixError as exc:
            logger.warning("could not read back what apply wrote: %s", exc)
            return
        run.report.verified = True
        run.report.inconsistencies = [
            Inconsistency(m.address, m.field, m.expected, m.actual, m.planned, m.remedy)
            for m in mismatches
        ]
