"""``--target``: keep the changes of some objects, and refuse a target that names nothing.

A target that matches no object in the YAML and none in the live store is
almost always a typo; planning it would print "No changes" and exit 0 even
under ``--detailed-exitcode``, so it is refused with a did-you-mean instead.
"""

from __future__ import annotations

import itertools
import json
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
    stock_address,
    variant_address,
)
from inventory_as_code.plan.model import Change, Kind, Unresolved


class UnknownTargetError(InventoryAsCodeError):
    """A ``--target`` address that names no object in the YAML or the live store."""

    def __init__(self, message: str, target: str = "") -> None:
        super().__init__(message)
        self.target = target


# The kinds of object an address names, as the plan writes them.
KINDS = ("location", "option", "product", "variant", "stock")


def known_addresses(desired: DesiredState, live: LiveStore) -> Iterator[str]:
    """Addresses of every location, option, product, variant and stock item on either side.

    A generator: a target is usually found among the first few hundred, and the
    stock items of a large store (150,000) are only walked for one that is not.
    """
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
    yield from _stock_addresses(desired, live)


def _stock_addresses(desired: DesiredState, live: LiveStore) -> Iterator[str]:
    for slug, product in desired.products.items():
        for variant in product.variants:
            for location in variant.stock:
                yield stock_address(slug, variant.key, location)
    location_names = {location.id: location.name for location in live.locations}
    products = {
        live_product.id: (slug, {v.id: v.key for v in live_product.variants})
        for slug, live_product in live.products.items()
    }
    for product_id, variant_id, location_id in live.inventory:
        found = products.get(product_id)
        where = location_names.get(location_id)
        if found is None or where is None or variant_id not in found[1]:
            continue
        yield stock_address(found[0], found[1][variant_id], where)


def select_targets(
    targets: Iterable[str],
    desired: DesiredState,
    live: LiveStore,
    changes: list[Change],
    unresolved: list[Unresolved],
) -> tuple[list[Change], list[Unresolved]]:
    targets = tuple(targets)
    # With a read narrowed to the targeted products (workflow, reads.py), ``live`` and
    # ``desired`` hold every object a target's slug can name, so the same targets are
    # known as with the whole store; only the did-you-mean is made from the whole YAML
    # there (explain_unknown), because a typo's near miss may be any product.
    for target in targets:
        addresses = itertools.chain((c.address for c in changes), known_addresses(desired, live))
        # A blank target (an unset variable in a script) is a prefix of every address.
        if not target.strip() or not any(matches_target(a, target) for a in addresses):
            known = set(known_addresses(desired, live)) | {c.address for c in changes}
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
    """Why a target names nothing, with the nearest address of the same kind of object.

    Uniform for every kind: a typo in any part (``product["organic-te"]``), the
    kind misspelt (``products[...]``), quotes left out (``product[organic-tee]``),
    or a bare name (``organic-tee``, ``Pop-up Berlin``) for the address it names.
    """
    if not target.endswith("]") or "[" not in target:
        match = _named(target, known)
        hint = f"; did you mean {match}?" if match else "."
        return (
            f"--target {target!r} is not an address{hint} Write it as the plan shows objects, "
            'e.g. product["organic-tee"], variant["organic-tee"]["S/Black"], option["Color"] or '
            'location["Main warehouse"] (quote it for the shell).'
        )
    kind, rest = target.split("[", 1)
    if kind not in KINDS:
        kind = suggest(kind, KINDS) or kind
    same_kind = sorted(a for a in known if a.startswith(kind + "["))
    match = suggest(f"{kind}[{rest}", same_kind)
    hint = f"; did you mean {match}?" if match else "."
    return (
        f"--target {target} matches nothing in the YAML or the live store{hint} "
        "Nothing was planned."
    )


def _named(name: str, known: set[str]) -> str | None:
    """The address of a product, location or option called (nearly) ``name``."""
    by_name: dict[str, str] = {}
    for address in sorted(known):
        kind, _, rest = address.partition("[")
        if kind in ("product", "location", "option") and rest.count("][") == 0:
            by_name.setdefault(json.loads(rest[:-1]), address)
    match = suggest(name.strip(), by_name) if name.strip() else None
    return by_name[match] if match is not None else None
