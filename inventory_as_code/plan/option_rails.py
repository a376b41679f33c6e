"""The guard rail of shared options: a change that reaches products the YAML does not manage.

An option is shared by every product that uses it. Renaming it, or renaming
or recolouring one of its choices, changes every such product, also the ones
the YAML does not manage (made in the dashboard, or by another tool). That is
what ``SHARED_OPTION_UNMANAGED`` stops until it is accepted in review
(``[[guard_rails.accept]]`` with ``max`` = the number of those products).
New choices alone change no product, and do not trip it.
"""

from __future__ import annotations

from collections.abc import Iterable

from inventory_as_code.plan.addresses import product_address
from inventory_as_code.plan.model import Change, GuardRail, Kind

CODE = "SHARED_OPTION_UNMANAGED"


def shared_option_rails(changes: Iterable[Change]) -> list[GuardRail]:
    options: list[str] = []
    slugs: set[str] = set()
    for change in changes:
        if change.kind is not Kind.OPTION:
            continue
        reached = set(change.keys.get("unmanaged") or ())
        if reached:
            options.append(str(change.keys.get("option", change.address)))
            slugs |= reached
    if not slugs:
        return []
    return [
        GuardRail(
            CODE,
            f"{len(slugs)} live product(s) the YAML does not manage use option(s) "
            f"{', '.join(sorted(options))} that this plan renames or recolours; they change too.",
            tuple(product_address(s) for s in sorted(slugs)),
        )
    ]
