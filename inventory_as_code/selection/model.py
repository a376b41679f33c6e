"""Which part of the store a plan covers: the whole store, or some products.

A plan of a pull request that changes one price should read one product,
not ten thousand. Two ways to say which:

* ``--target ADDRESS``: each product, variant or stock address names its
  product by slug, so the read covers those products. A location target
  selects that location's stock in *every* product, so it reads everything.
* ``--changed-since REF``: the products whose YAML differs between the git
  commit REF and the working tree, on the files the loader reads on each
  side (:mod:`.changed`). A product's model depends only on its own YAML and
  on the store-wide blocks (``locations``, ``defaults``, ``prune``,
  ``moved``, ``options``); when one of those reads differently, everything
  under it may differ, and the whole store is planned.

The selection carries the planner's targets too: planning some products
means keeping exactly their changes, the same ``--target`` filter a user can
write, so a narrowed plan equals the whole plan restricted to its addresses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.plan.addresses import product_address


class SelectionError(InventoryAsCodeError):
    """``--changed-since``: the reference or the repository cannot be read."""


@dataclass(frozen=True, slots=True)
class Selection:
    """``slugs`` None: the whole store; else only these products (maybe none)."""

    slugs: frozenset[str] | None
    targets: tuple[str, ...]
    why: str = ""
    typed: bool = False  # the user's own --target: one that names nothing is refused
    # Locations and options are planned too (a saved plan's): read even with no product.
    store: bool = False

    @property
    def whole(self) -> bool:
        return self.slugs is None

    @property
    def nothing(self) -> bool:
        return self.slugs is not None and not self.slugs and not self.store


def everything(targets: Iterable[str] = (), why: str = "") -> Selection:
    return Selection(None, tuple(targets), why)


def products(slugs: Iterable[str], why: str = "") -> Selection:
    chosen = frozenset(slugs)
    return Selection(chosen, tuple(product_address(s) for s in sorted(chosen)), why)


def target_slug(target: str) -> str | None:
    """The slug a product, variant or stock address starts with; None for anything else."""
    kind, bracket, rest = target.partition("[")
    if kind not in ("product", "variant", "stock") or not bracket:
        return None
    try:
        slug, end = json.JSONDecoder().raw_decode(rest)
    except ValueError:
        return None
    # Only a complete part: a prefix like product["te would match several slugs.
    if not isinstance(slug, str) or not rest[end:].startswith("]"):
        return None
    return slug


def for_targets(targets: Iterable[str]) -> Selection:
    targets = tuple(targets)
    if not targets:
        return everything()
    slugs = [target_slug(t) for t in targets]
    if any(s is None for s in slugs):
        return Selection(None, targets, "a --target that is not a product's reads everything", True)
    return Selection(frozenset(s for s in slugs if s), targets, "--target", typed=True)
