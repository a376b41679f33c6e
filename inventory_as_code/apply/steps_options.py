"""Apply steps for store options (Wix customizations): create, rename, choices.

An option is shared by every product that uses it, so its changes are made
once, on the option, through the Customizations API (bodies:
:mod:`.bodies_options`), before any product is written:

* new options: Bulk Create Customizations (never resent: Wix declares no
  error for a second option of a name; a lost answer is settled by reading
  the options by name);
* a rename: Update Customization with the revision the plan observed (stale
  if the option moved since);
* renamed or recoloured choices: the option is read, its revision checked
  against the plan's (or this run's rename), and Set Customization Choices
  sends every choice it has, changed only where the plan says, plus the new
  ones; new choices alone go by Add Customization Choices.

Wix updates every product of a changed option, and may move their revision
on (undocumented; the emulator does): products this run updates are read
before the option steps (the executor does that), and those that use a
changed option and had not moved since the plan are read again after them,
so their update carries the revision the option write left
(:func:`after_options`). A change made by someone else in between is not
told apart from the option write's: a window of a few calls.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from inventory_as_code.apply.bodies_options import (
    added_choices,
    option_create_body,
    set_choices_body,
)
from inventory_as_code.apply.calls import Batch, Step
from inventory_as_code.apply.codes import CHOICE_EXISTS, is_revision_conflict
from inventory_as_code.apply.report import Status
from inventory_as_code.apply.run import Run
from inventory_as_code.live.reader import read_products
from inventory_as_code.model import name_identity
from inventory_as_code.plan.model import Change, Kind
from inventory_as_code.wix import OutcomeUnknownError
from inventory_as_code.wix._exceptions import WixAPIError, WixError

logger = logging.getLogger(__name__)


def site_options(run: Run, needed: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """The site's options by name identity: what this run wrote, and when an option
    ``needed`` is not among them, every option of the site (read once)."""
    if run.options is None:
        run.options = {}
    missing = any(name_identity(n) not in run.options for n in needed)
    if missing and not run.options_read:
        for raw in run.client.customizations.query():
            run.options.setdefault(name_identity(str(raw.get("name"))), dict(raw))
        run.options_read = True
    return run.options


def _learn(run: Run, raw: dict[str, Any]) -> None:
    options = site_options(run)
    for key, known in list(options.items()):
        if known.get("id") == raw.get("id"):
            del options[key]  # a rename: the option goes under its new name
    options[name_identity(str(raw.get("name")))] = raw
    if raw.get("id") and raw.get("revision") is not None:
        run.written[str(raw["id"])] = str(raw["revision"])


def option_create(run: Run, batch: Batch) -> None:
    result = run.client.customizations.bulk_create([option_create_body(c) for c in batch.changes])
    run.record_bulk(batch.changes, result)
    for item in result.items:
        if item.ok and item.item:
            _learn(run, dict(item.item))


def settle_option_creates(run: Run, batch: Batch) -> None:
    """Creates whose answer was lost: an option of that name now is this run's."""
    lost = [c for c in batch.changes if run.status(c) is Status.UNKNOWN]
    if not lost:
        return
    try:
        names = [str((c.after or {}).get("name")) for c in lost]
        found = {
            name_identity(str(raw.get("name"))): dict(raw)
            for raw in run.client.customizations.query({"name": {"$in": names}})
        }
    except WixError as exc:
        logger.warning("could not re-read options after a lost answer: %s", exc)
        return
    for change in lost:
        raw = found.get(name_identity(str((change.after or {}).get("name"))))
        if raw is not None:
            _learn(run, raw)
            run.set(change, Status.APPLIED, message="answer lost; a re-read shows it applied")
        else:
            run.set(change, Status.FAILED, "NOT_CREATED", "not found after a re-read")


def option_update(run: Run, batch: Batch) -> None:
    (change,) = batch.changes
    assert change.observed is not None
    option_id = str(change.keys["option_id"])
    edits = change.keys.get("edits") or {}
    revision = change.observed.revision
    try:
        current: dict[str, Any] | None = None
        if edits.get("name"):
            current = dict(run.client.customizations.rename(option_id, revision, edits["name"]))
            _learn(run, current)
            revision = str(current.get("revision", revision))
        if edits.get("choices") or edits.get("colors"):
            current = dict(run.client.customizations.get(option_id))
            if str(current.get("revision")) != revision:
                run.set(
                    change,
                    Status.STALE,
                    "REVISION_MISMATCH",
                    f"the option changed since the plan (revision {revision} -> "
                    f"{current.get('revision')})",
                )
                return
            current = dict(
                run.client.customizations.set_choices(option_id, set_choices_body(change, current))
            )
            _learn(run, current)
        elif change.keys.get("added"):
            base = current or {"customizationRenderType": _render(change)}
            current = dict(
                run.client.customizations.add_choices(option_id, added_choices(change, base))
            )
            _learn(run, current)
        run.set(change, Status.APPLIED)
    except OutcomeUnknownError:
        # Settled by the read-back (and the next plan, which starts from the live state).
        run.set(change, Status.UNKNOWN, "OUTCOME_UNKNOWN", "the answer was lost")
    except WixAPIError as exc:
        if is_revision_conflict(exc.code or "", exc.description or exc.message):
            run.set(change, Status.STALE, exc.code or "REVISION_MISMATCH", "changed since the plan")
        elif exc.code == CHOICE_EXISTS:
            # Add Choices takes no revision: two applies adding one choice race, and the
            # second is told the name is taken. Not ours to add twice (issue 18.3).
            run.set(
                change,
                Status.STALE,
                exc.code,
                "a choice of that name was added to the option since the plan (by another "
                "apply or app); not added twice. Plan again to check its colour.",
            )
        else:
            run.fail_api(change, exc)


def _render(change: Change) -> str:
    swatch = (change.before or {}).get("render_type") == "swatches"
    return "SWATCH_CHOICES" if swatch else "TEXT_CHOICES"


# --- products around the option steps ---------------------------------------------------


def after_options(run: Run) -> None:
    """Read again the products to update that use an option this run changed."""
    changed = {
        str(c.keys.get("option_id"))
        for b in run.calls.batches
        if b.step is Step.OPTION_UPDATE
        for c in b.changes
        if run.status(c) in (Status.APPLIED, Status.UNKNOWN)
    }
    observed = {
        c.keys["slug"]: c.observed.revision
        for c in run.plan.changes
        if c.kind in (Kind.PRODUCT, Kind.VARIANT) and c.observed is not None
    }
    # Only products that had not moved since the plan: a stale one stays stale.
    touched = {
        slug: product
        for slug, product in run.before_products.items()
        if any(o.id in changed for o in product.options) and product.revision == observed.get(slug)
    }
    if not touched:
        return
    try:
        fresh = read_products(run.client, [p.id for p in touched.values()])
    except WixError as exc:
        logger.warning("could not re-read products after the option changes: %s", exc)
        return
    for slug, before in touched.items():
        now = fresh.get(before.id)
        if now is None:
            continue
        run.before_products[slug] = now
        if now.revision != before.revision:
            run.own_revisions[slug] = now.revision
