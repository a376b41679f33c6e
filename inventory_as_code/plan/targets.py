"""``--target``: keep the changes of some objects, and refuse a target that names nothing.

A target that matches no object in the YAML and none in the live store is
almost always a typo; planning it would print "No changes" and exit 0 even
under ``--detailed-exitcode``, so it is refused with a did-you-mean instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from inventory_as_code.config.problems import suggest
from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.live.model import LiveStore
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.addresses import (
    location_address,
    matches_target,
    option_address,
    product_address,
    variant_address,
)
from inventory_as_code.plan.model import Change, Kind, Unresolved


class UnknownTargetError(InventoryAsCodeError):
    """A ``--target`` address that names no object in the YAML or the live store."""

    def __init__(self, message: str, target: str = "") -> None:
        super().__init__(message)
        self.target = target


def known_addresses(desired: DesiredState, live: LiveStore) -> Iterator[str]:
    """Addresses of every location, option, product and variant on either side."""
    for name in desired.locations:
        yield location_address(name)
    for location in live.locations:
        yield location_address(location.name)
    for name in desired.options:
        yield option_address(name)
    for option in live.options:
        yield option_address(option.name)
    for slug, product in desired.products.items():
        yield product_address(slug)
        for variant in product.variants:
            yield variant_address(slug, variant.key)
    for slug, live_product in live.products.items():
        yield product_address(slug)
        for live_variant in live_product.variants:
            yield variant_address(slug, live_variant.key)


def select_targets(
    targets: Iterable[str],
    desired: DesiredState,
    live: LiveStore,
    changes: list[Change],
    unresolved: list[Unresolved],
) -> tuple[list[Change], list[Unresolved]]:
    targets = tuple(targets)
    known = set(known_addresses(desired, live)) | {c.address for c in changes}
    # With a read narrowed to the targeted products (workflow, reads.py), ``live`` and
    # ``desired`` hold every object a target's slug can name, so the same targets are
    # known as with the whole store; only the did-you-mean is made from the whole YAML
    # there (explain_unknown), because a typo's near miss may be any product.
    for target in targets:
        # A blank target (an unset variable in a script) is a prefix of every address.
        if not target.strip() or not any(matches_target(address, target) for address in known):
            raise UnknownTargetError(explain_unknown(target, known), target)
    return (
        [c for c in changes if any(_selects(c, t) for t in targets)],
        [u for u in unresolved if any(matches_target(u.address, t) for t in targets)],
    )


def _selects(change: Change, target: str) -> bool:
    """A change a target names; a product target also takes the options it uses that change
    (a new choice it picks, a rename its variants follow: it cannot be planned without them)."""
    if matches_target(change.address, target):
        return True
    if change.kind is not Kind.OPTION or not target.startswith("product["):
        return False
    users = set(change.keys.get("products") or ()) | set(change.keys.get("users") or ())
    return any(target == product_address(slug) for slug in users)


def explain_unknown(target: str, known: set[str]) -> str:
    if not target.endswith("]") or "[" not in target:
        return (
            f"--target {target!r} is not an address. Write it as the plan shows objects, "
            'e.g. product["organic-tee"], variant["organic-tee"]["S/Black"], option["Color"] or '
            'location["Main warehouse"] (quote it for the shell).'
        )
    kind = target.split("[", 1)[0]
    same_kind = sorted(a for a in known if a.startswith(kind + "["))
    match = suggest(target, same_kind)
    hint = f"; did you mean {match}?" if match else ""
    return (
        f"--target {target} matches nothing in the YAML or the live store{hint} "
        "Nothing was planned."
    )
