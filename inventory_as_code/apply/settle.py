"""Settling writes that were sent twice.

A guarded write (revision-guarded update, create of something unique) is
resent by the client when its first answer was lost. If the first attempt was
applied, Wix refuses the second ("already exists", stale revision), and the
run's own write would be reported failed or stale. These methods re-read the
objects and report such a change applied when the live object now holds
exactly what the plan asked for; otherwise the refusal stands.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from inventory_as_code.apply.calls import Batch, Step
from inventory_as_code.apply.codes import ALREADY_EXISTS, is_revision_conflict
from inventory_as_code.apply.report import Status
from inventory_as_code.live.model import LiveInventoryItem, LiveProduct
from inventory_as_code.live.reader import read_inventory_items_of_products, read_products
from inventory_as_code.plan.model import Action, Change, Kind
from inventory_as_code.wix._exceptions import NotFoundError, WixError

if TYPE_CHECKING:
    from inventory_as_code.apply.executor import Executor

logger = logging.getLogger(__name__)


class ResendSettler:
    """Works on the executor's ids and report; see the module docstring."""

    def __init__(self, executor: Executor) -> None:
        self.ex = executor

    def _refused_as_repeat(self, change: Change) -> bool:
        outcome = self.ex.report.outcomes.get(change.address)
        if outcome is None:
            return False
        if outcome.code in ALREADY_EXISTS:
            return True  # a refusal of the resend
        if outcome.status is Status.FAILED:
            return outcome.code == "WixTransportError"  # no answer to any attempt
        return outcome.status is Status.STALE and is_revision_conflict(outcome.code)

    def settle(self, batch: Batch) -> None:
        """A guarded write was sent again after an attempt whose answer was lost.

        When the first attempt was applied, Wix refuses the second one ("already
        exists", stale revision). Those refusals are settled from a re-read, so
        the run's own write is not reported failed or stale: applied when the
        live object now holds exactly what the plan asked for, left as reported
        otherwise.
        """
        try:
            if batch.step is Step.PRODUCT_CREATE:
                self._settle_product_creates(batch)
            elif batch.step is Step.PRODUCT_UPDATE:
                self._settle_product_updates(batch)
            elif batch.step in (Step.STOCK_CREATE, Step.STOCK_UPDATE):
                self._settle_stock(batch)
        except WixError as exc:
            logger.warning("could not re-read after a resent write: %s", exc)

    def _applied_after_resend(self, change: Change) -> None:
        self.ex._set(change, Status.APPLIED, message="answer lost; a re-read shows it applied")

    def _settle_product_creates(self, batch: Batch) -> None:
        for group in batch.groups:
            product_change = next(c for c in group.changes if c.kind is Kind.PRODUCT)
            if not self._refused_as_repeat(product_change):
                continue
            try:
                raw = self.ex.client.products.get_by_slug(group.slug)
            except NotFoundError:
                continue  # not created: the failure stands
            self.ex._learn_product(group.slug, dict(raw))
            stocked = {
                str(item.get("variantId"))
                for item in self.ex.client.inventory.query({"productId": {"$in": [raw["id"]]}})
            }
            self._applied_after_resend(product_change)
            for change in group.changes:
                if change is product_change:
                    continue
                variant_id = self.ex.ids.variants.get((group.slug, tuple(change.keys["variant"])))
                found = variant_id in stocked if change.kind is Kind.STOCK else bool(variant_id)
                if found:
                    self._applied_after_resend(change)

    def _settle_product_updates(self, batch: Batch) -> None:
        refused = [g for g in batch.groups if any(self._refused_as_repeat(c) for c in g.changes)]
        fresh = read_products(self.ex.client, [self.ex.ids.products[g.slug] for g in refused])
        by_slug = {p.slug: p for p in fresh.values()}
        for group in refused:
            live = by_slug.get(group.slug)
            if live is not None and all(_product_holds(c, live) for c in group.changes):
                for change in group.changes:
                    self._applied_after_resend(change)
                self.ex._live_products[group.slug] = live

    def _settle_stock(self, batch: Batch) -> None:
        refused = [c for c in batch.changes if self._refused_as_repeat(c)]
        found = read_inventory_items_of_products(
            self.ex.client, {self.ex.ids.products.get(c.keys["slug"], "") for c in refused}
        )
        items = {(i.variant_id, i.location_id): i for i in found}
        by_id = {i.id: i for i in found}
        for change in refused:
            variant_id = self.ex.ids.variants.get(
                (change.keys["slug"], tuple(change.keys["variant"]))
            )
            location_id = self.ex.ids.locations.get(change.keys["location"])
            if change.observed is not None:
                item = by_id.get(change.observed.id)
            else:
                item = items.get((variant_id or "", location_id or ""))
            if item is not None and _item_holds(change.after or {}, item):
                self._applied_after_resend(change)
                if change.observed is not None:
                    self.ex._stale_items.pop(change.observed.id, None)


def _product_holds(change: Change, live: LiveProduct) -> bool:
    """Whether the live product shows ``change`` applied (fields the plan set)."""
    target: Any = live
    if change.kind is Kind.VARIANT:
        target = live.variant(tuple(change.keys["variant"]))
        if change.action is Action.DELETE:
            return target is None
        if target is None:
            return False
    return all(
        getattr(target, k) == v for k, v in (change.after or {}).items() if hasattr(target, k)
    )


def _item_holds(after: Mapping[str, Any], item: LiveInventoryItem) -> bool:
    """Whether a live inventory item holds the values the plan set."""
    for key in ("tracking", "quantity", "in_stock"):
        if key in after and getattr(item, key) != after[key]:
            return False
    preorder = after.get("preorder") or {}
    return all(getattr(item.preorder, k, None) == v for k, v in preorder.items() if v is not None)
