"""``reorder_point``: the stock level at or below which an item wants reordering.

It is the shop's threshold, not something Wix keeps: ``plan`` warns about
stock at or below it and ``inventory-as-code check`` reports it (exit 2). It
never changes a plan, and never makes an item managed (unlike a ``stock``
block): it applies to the stock the YAML manages, with quantity tracking.

Three levels, the most specific winning; within a level, a value for the
location wins over the value for every location::

    locations:
      Main warehouse: {default: true, reorder_point: 10}   # every item there
    products:
      organic-cotton-tee:
        reorder_point: 5                                    # every variant, every location
        # or per location: reorder_point: {Main warehouse: 8, Outlet Hamburg: 2}
        variants:
          M/Black: {reorder_point: {Main warehouse: 20}}    # one variant
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from inventory_as_code.config.context import Context, DocView
from inventory_as_code.config.problems import PathPart, did_you_mean
from inventory_as_code.config.stock import MAX_QUANTITY
from inventory_as_code.model import FrozenMap, Origin, StockEntry

KEY = "reorder_point"
# location name (None: every location) -> (reorder point, where it is written)
Points = dict[str | None, tuple[int, Origin]]


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_QUANTITY else None


def read_points(
    ctx: Context, view: DocView, data: Any, path: Sequence[PathPart], *, per_location: bool
) -> Points:
    """The ``reorder_point`` of a product, variant (``per_location``) or location block.

    A wrong type or range is the schema's to report; an unknown location is reported here.
    """
    if not isinstance(data, dict) or KEY not in data:
        return {}
    raw = data[KEY]
    single = _number(raw)
    if single is not None:
        return {None: (single, view.at(data, KEY))}
    if not per_location or not isinstance(raw, dict):
        return {}
    points: Points = {}
    known = ctx.location_names
    for location, value in raw.items():
        number = _number(value)
        if number is None:
            continue
        if location not in known:
            ctx.report(
                view.key_at(raw, location),
                (*path, KEY, location),
                f'unknown location "{location}"{did_you_mean(str(location), known, inline=True)}.',
                "name a location declared under locations:.",
            )
            continue
        points[location] = (number, view.at(raw, location))
    return points


def with_points(
    stock: Mapping[str, StockEntry],
    variant: Points,
    product: Points,
    locations: Mapping[str, tuple[int, Origin]],
) -> dict[str, StockEntry]:
    """``stock`` with each quantity-tracked entry's reorder point set (the others as they are)."""
    out = dict(stock)
    for location, entry in stock.items():
        found = (
            variant.get(location)
            or variant.get(None)
            or product.get(location)
            or product.get(None)
            or locations.get(location)
        )
        if found is None or (entry.tracking is not None and entry.tracking.value != "quantity"):
            continue
        origins = FrozenMap({**entry.origins, KEY: found[1]})
        out[location] = replace(entry, reorder_point=found[0], origins=origins)
    return out
