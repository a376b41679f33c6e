"""A saved plan, bound to the checked-out YAML and the live store when it is applied.

Whoever can write a saved plan can also recompute its checksum, so ``apply
FILE`` takes nothing from the file on trust. It plans again from the
checked-out YAML against the live store (the *fresh* plan) and lines the two
plans up by address and action:

* the same ``after`` on both sides (for a move, the same rule: its units
  follow from the counts when it is made, plan.refills): executed as the fresh plan has it (its
  ids, keys and the live values bodies are built from) but with the revision
  the *saved* change observed, so an object that moved since the review (a
  sale) is still refused as stale, and with the saved ``before``, so the
  report says what moved since the values the reviewers read;
* in the saved plan only: not executed, reported stale (it was applied
  already, or the YAML or the store no longer call for it);
* a different ``after``, a revision guard on one side only, or a change
  listed twice: the file does not say what the YAML says (it was edited, or
  the YAML or store changed since), and nothing at all is executed;
* in the fresh plan only: not executed, since nobody reviewed it; the next
  plan shows it.

A saved change whose ids (of the product, variant, location, item it was
planned against) are not those the store holds at its address was made
against another store: a plan made for staging and relabelled to
production, whose revisions (small counters) may well coincide with
production's. Any such change refuses the whole plan (:attr:`Binding.foreign`).

An edited plan (a quantity set to 999, a change added, a plan relabelled to
another site) so earns a refusal or nothing, with or without a fresh
checksum. (A relabelled plan that only creates new objects, or whose ids
were all removed, holds nothing of its store to check; what it can still
make is what the checked-out YAML makes on this site anyway. Signed plans,
``INVENTORY_AS_CODE_PLAN_KEY``, refuse it outright.) Guard rails are
checked again on what will be executed, with the acceptances of the
checked-out project (:func:`rails_for`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.live.model import LiveStore
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.guard_rails import GuardRailSettings, check_guard_rails
from inventory_as_code.plan.model import Action, Change, GuardRail, Plan
from inventory_as_code.plan.renames import apply_moves
from inventory_as_code.plan.saved_digest import (
    SavedChange,
    SavedPlan,
    bound_after,
    ids_of,
    normal,
)

SHOWN_DIFFERENCES = 5
# The name site.resolve_site gives a site chosen by WIX_API_KEY/WIX_SITE_ID, not by --site.
ENV_SITE = "env"


class SavedPlanRefused(InventoryAsCodeError):
    """A saved plan is not applied (nothing is sent): made elsewhere, edited, or stale."""


@dataclass(frozen=True, slots=True)
class Difference:
    """A saved change that the fresh plan makes differently."""

    address: str
    action: Action
    detail: str

    def __str__(self) -> str:
        return f"{self.address} ({self.action.value}): {self.detail}"


@dataclass(frozen=True, slots=True)
class Binding:
    changes: tuple[Change, ...]  # to execute
    skipped: tuple[SavedChange, ...]  # saved changes the fresh plan does not make
    differences: tuple[Difference, ...]  # when any: execute nothing
    unreviewed: tuple[Change, ...]  # fresh changes the saved plan does not hold
    # Saved changes that observed other objects than the store holds at their
    # address: a plan of another store, relabelled. When any: execute nothing.
    foreign: tuple[Difference, ...] = ()


def bind(saved: SavedPlan, fresh: Plan) -> Binding:
    fresh_by_key = {(c.address, c.action): c for c in fresh.changes}
    seen: set[tuple[str, Action]] = set()
    changes: list[Change] = []
    skipped: list[SavedChange] = []
    differences: list[Difference] = []
    foreign: list[Difference] = []
    for change in saved.changes:
        key = (change.address, change.action)
        if key in seen:
            differences.append(Difference(change.address, change.action, "listed twice"))
            continue
        seen.add(key)
        now = fresh_by_key.get(key)
        other = _other_object(change, now) if now is not None else None
        if other is not None:
            foreign.append(Difference(change.address, change.action, other))
        if now is None:
            skipped.append(change)
        elif change.bound != normal(bound_after(now)):
            differences.append(
                Difference(
                    change.address, change.action, _describe(change.after_value(), now.after)
                )
            )
        elif (change.revision is None) != (now.observed is None):
            differences.append(
                Difference(
                    change.address,
                    change.action,
                    "the plan "
                    + ("has no" if change.revision is None else "has a")
                    + " revision to check, the YAML now "
                    + ("has one" if now.observed is not None else "has none"),
                )
            )
        elif now.observed is not None and change.revision is not None:
            # The saved `before` is what the reviewers read: a stale change is explained
            # against it ("quantity 4 -> 2 since the plan"), not against the fresh read,
            # which already holds the sale. Bodies are built from the fresh observed values.
            changes.append(
                replace(
                    now,
                    before=change.before,
                    observed=replace(now.observed, revision=change.revision),
                )
            )
        else:
            changes.append(now)
    changes.sort(key=lambda c: c.sort_key)
    unreviewed = tuple(c for c in fresh.changes if (c.address, c.action) not in seen)
    return Binding(tuple(changes), tuple(skipped), tuple(differences), unreviewed, tuple(foreign))


def _other_object(saved: SavedChange, fresh: Change) -> str | None:
    """How the saved change's object differs from the one at its address now, if it does.

    Ids are the store's own: a plan made against another site holds that
    site's ids, and revisions (small counters) may well coincide. An id the
    saved change lacks is not compared (the object did not exist then).
    """
    now = ids_of(fresh)
    for name, was in saved.ids:
        if name in now and str(was) != str(now[name]):
            return f"{name} {_short(was, 40)} in the plan, {_short(now[name], 40)} in the store"
    return None


def rails_for(
    changes: Iterable[Change],
    desired: DesiredState,
    live: LiveStore,
    settings: GuardRailSettings,
) -> tuple[GuardRail, ...]:
    """The guard rails of exactly these changes, as the planner checks them."""
    renamed = apply_moves(desired, live).live  # the planner checks against YAML names
    return tuple(check_guard_rails(list(changes), renamed, desired, settings))


def executable_plan(fresh: Plan, binding: Binding, rails: Iterable[GuardRail]) -> Plan:
    """What apply executes: the bound changes, with the fresh plan's metadata."""
    return replace(
        fresh, changes=binding.changes, guard_rails=tuple(rails), notes=(), unresolved=()
    )


def _short(value: Any, limit: int = 60) -> str:
    text = normal(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(saved: Any, fresh: Any) -> str:
    if isinstance(saved, dict) and isinstance(fresh, dict):
        keys = sorted(set(saved) | set(fresh), key=str)
        parts = [
            f"{key}: plan {_short(saved.get(key))}, YAML now {_short(fresh.get(key))}"
            for key in keys
            if normal(saved.get(key)) != normal(fresh.get(key))
        ]
        more = f"; and {len(parts) - 3} more field(s)" if len(parts) > 3 else ""
        return "; ".join(parts[:3]) + more
    return f"plan {_short(saved)}, YAML now {_short(fresh)}"


def check_made_for(saved: SavedPlan, source: str, site_id: str, site_name: str) -> None:
    """Refuse a plan whose site id, or the site name it was made with, is not this run's.

    ``source`` names the file in the message; ``site_id``/``site_name``: the
    site this run talks to (from the command line and project, never the plan).
    """
    if saved.site != site_id:
        raise SavedPlanRefused(
            f"{source} was made for site {saved.site!r}, but this run talks to "
            f"{site_id!r}. Plan again against this site."
        )
    made_with = saved.metadata.get("site_name")
    if (
        isinstance(made_with, str)
        and ENV_SITE not in (made_with, site_name)
        and made_with != site_name
    ):
        raise SavedPlanRefused(
            f"{source} was made with --site {made_with!r}, but it names site "
            f"{saved.site!r} and this run talks to {site_name!r} ({site_id}): "
            "it was relabelled. Nothing was applied. Plan again against this site."
        )


def bound_to(
    saved: SavedPlan,
    fresh: Plan,
    desired: DesiredState,
    live: LiveStore,
    settings: GuardRailSettings,
    *,
    source: str,
    project: str,
    site_id: str,
    site_name: str,
) -> tuple[Plan, Binding]:
    """What apply executes of ``saved``, bound to ``fresh``; SavedPlanRefused when nothing may be.

    The plan returned carries the guard rails of exactly what it executes.
    """
    binding = bind(saved, fresh)
    if binding.foreign:
        raise SavedPlanRefused(_made_elsewhere(source, saved, site_id, site_name, binding))
    if binding.differences:
        shown = [f"  {d}" for d in binding.differences[:SHOWN_DIFFERENCES]]
        more = len(binding.differences) - len(shown)
        raise SavedPlanRefused(
            f"{source} does not hold what the checked-out YAML ({project}) plans against the "
            f"store now; nothing was applied. {len(binding.differences)} difference(s):\n"
            + "\n".join(shown)
            + (f"\n  ... and {more} more" if more > 0 else "")
            + "\nThe plan was edited after it was made, or the YAML or the store changed "
            "since. Plan again from the checked-out project and review that plan."
        )
    plan = executable_plan(fresh, binding, rails_for(binding.changes, desired, live, settings))
    return plan, binding


def binding_notes(binding: Binding) -> list[str]:
    """What a person applying a bound plan must be told: what is not sent, and why."""
    notes = []
    if binding.skipped:
        notes.append(
            f"{len(binding.skipped)} change(s) of the saved plan are not made by a plan of the "
            "checked-out YAML now (applied already, or the YAML or the store changed); they are "
            "not sent and are reported stale."
        )
    if binding.unreviewed:
        notes.append(
            f"{len(binding.unreviewed)} change(s) the checked-out YAML plans now for the objects "
            "of the saved plan are not in it: not applied (nobody reviewed them). Plan again to "
            "apply them."
        )
    return notes


def _made_elsewhere(
    source: str, saved: SavedPlan, site_id: str, site_name: str, binding: Binding
) -> str:
    shown = [f"  {d}" for d in binding.foreign[:SHOWN_DIFFERENCES]]
    more = len(binding.foreign) - len(shown)
    claimed = saved.metadata.get("site_name")
    named = f"site {saved.site!r}" + (f" ({claimed})" if isinstance(claimed, str) else "")
    return (
        f"{source} says it was made for {named}, but it was planned against another site: "
        f"{len(binding.foreign)} of its changes observed objects that site {site_id!r} "
        f"({site_name}) does not hold at their addresses:\n"
        + "\n".join(shown)
        + (f"\n  ... and {more} more" if more > 0 else "")
        + f"\nA plan made for one site and relabelled is not applied to another: nothing was "
        f"applied. Plan again against {site_name!r} and review that plan. (If the objects "
        "were deleted and created again since the plan, the same: plan again.)"
    )
