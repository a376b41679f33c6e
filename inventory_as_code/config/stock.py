"""Stock settings at four levels, and how they combine into one StockEntry.

The same block shape is accepted at every level (lowest to highest precedence):

0. ``defaults.stock``                               store-wide
1. ``locations.<L>.stock``                          every variant at location L
2. ``products.<slug>.stock.<L>``                    every variant of a product at L
3. ``products.<slug>.variants.<key>.stock.<L>``     one variant at L

A block is a mapping (``tracking``, ``quantity``, ``in_stock``, ``policy``,
``preorder``, ``managed``, ``at_least``, ``refill_from``) or a shorthand: a
number means ``{quantity: n}``, a boolean ``{in_stock: b}``. Each field is
inherited separately: the most specific level that sets it wins, and its
origin (file, line, column) travels with the value so a plan can cite the line.

Rules that are not plain inheritance:

* Whether a variant is managed at L at all: a block at level 1-3 for L makes it
  managed unless the most specific such block says ``managed: false``. Store
  defaults alone never manage anything, so adding a default policy cannot
  create inventory items all over the store.
* The tracking method comes from the most specific level that sets
  ``tracking``, ``quantity`` or ``in_stock`` (a quantity implies quantity
  tracking). Only the matching value is kept.
* A preorder limit needs quantity tracking. A limit inherited from a less
  specific level than the in-stock tracking is dropped (the specific choice
  wins); a limit at the same or a more specific level is a contradiction and
  is reported, as is a limit where no level chooses a tracking method.
* Digital products cannot be preordered: reported when a product or variant
  enables it, ignored when only inherited.
* ``at_least: n`` is ``{quantity: n, policy: at_least}`` written as one key
  (so it cannot be given with either of them). ``refill_from`` is inherited
  like any field; whether it fits (a floor, a known source with quantity
  tracking, no cycle) is checked once the whole project is built
  (:mod:`.refills`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from inventory_as_code.config.problems import PathPart
from inventory_as_code.model import (
    DEFAULT_POLICY,
    FrozenMap,
    Origin,
    Policy,
    Preorder,
    StockEntry,
    Tracking,
)

DEFAULTS, LOCATION, PRODUCT, VARIANT = 0, 1, 2, 3
LEVEL_NAMES = ("store defaults", "location", "product", "variant")
MAX_QUANTITY = 99999
MAX_PREORDER_LIMIT = 100000

# field name -> (value, origin, level)
Layer = dict[str, tuple[Any, Origin, int]]
# (origin, path, message, hint): where and what to report
Report = Callable[[Origin, Sequence[PathPart], str, str], None]
# (container, key) -> origin of the value there
Locate = Callable[[Any, Any], Origin]
LocateKey = Callable[[Any, Any], Origin]


def _int(value: Any, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if 0 <= value <= high else None


def parse_block(
    container: Any,
    key: Any,
    level: int,
    locate: Locate,
    locate_key: LocateKey,
    report: Report,
    path: tuple[PathPart, ...],
) -> Layer:
    """Read the stock block at ``container[key]`` into a layer (ignoring invalid values,
    which the schema already reported)."""
    block = container[key]
    here = locate(container, key)
    layer: Layer = {}
    if level != DEFAULTS:
        layer["managed"] = (True, locate_key(container, key), level)
    if isinstance(block, bool):
        layer["in_stock"] = (block, here, level)
        layer["tracking"] = (Tracking.IN_STOCK, here, level)
        return layer
    if isinstance(block, (int, float)):
        quantity = _int(block, MAX_QUANTITY)
        if quantity is not None:
            layer["quantity"] = (quantity, here, level)
            layer["tracking"] = (Tracking.QUANTITY, here, level)
        return layer
    if not isinstance(block, dict):
        return layer
    if isinstance(block.get("managed"), bool) and level != DEFAULTS:
        layer["managed"] = (block["managed"], locate(block, "managed"), level)
    tracking = block.get("tracking")
    if tracking in ("quantity", "in_stock"):
        layer["tracking"] = (Tracking(tracking), locate(block, "tracking"), level)
    if block.get("policy") in ("set", "initial", "at_least"):
        layer["policy"] = (Policy(block["policy"]), locate(block, "policy"), level)
    quantity = _int(block.get("quantity"), MAX_QUANTITY)
    floor = _int(block.get("at_least"), MAX_QUANTITY)
    if floor is not None:
        clash = next((k for k in ("quantity", "policy") if k in block), None)
        if clash is not None:
            report(
                locate(block, "at_least"),
                (*path, "at_least"),
                f"both at_least and {clash} are given; at_least: N means quantity N with "
                "policy at_least.",
                f"keep at_least: {floor}, or write quantity and policy instead.",
            )
        else:
            quantity = floor
            layer["policy"] = (Policy.AT_LEAST, locate(block, "at_least"), level)
    source = block.get("refill_from")
    if isinstance(source, str) and source:
        layer["refill_from"] = (source, locate(block, "refill_from"), level)
    in_stock = block.get("in_stock")
    if quantity is not None and isinstance(in_stock, bool):
        report(
            locate(block, "in_stock"),
            (*path, "in_stock"),
            "both quantity and in_stock are given; a variant tracks one or the other.",
            "keep quantity (exact count) or in_stock (available yes/no), not both.",
        )
        in_stock = None
    for name, value, method in (
        ("quantity", quantity, Tracking.QUANTITY),
        ("in_stock", in_stock if isinstance(in_stock, bool) else None, Tracking.IN_STOCK),
    ):
        if value is None:
            continue
        origin = locate(block, "at_least" if name == "quantity" and "at_least" in block else name)
        if "tracking" in layer and layer["tracking"][0] is not method:
            report(
                origin,
                (*path, name),
                f"{name} is given, but this block says tracking: {layer['tracking'][0].value}.",
                f"remove {name}, or change tracking to {method.value}.",
            )
            continue
        layer[name] = (value, origin, level)
        layer.setdefault("tracking", (method, origin, level))
    _parse_preorder(block, level, locate, layer)
    return layer


def _parse_preorder(block: dict[str, Any], level: int, locate: Locate, layer: Layer) -> None:
    preorder = block.get("preorder")
    if isinstance(preorder, bool):
        layer["preorder.enabled"] = (preorder, locate(block, "preorder"), level)
        return
    if not isinstance(preorder, dict):
        return
    if isinstance(preorder.get("enabled"), bool):
        layer["preorder.enabled"] = (preorder["enabled"], locate(preorder, "enabled"), level)
    message = preorder.get("message")
    if isinstance(message, str) and 1 <= len(message) <= 250:
        layer["preorder.message"] = (message, locate(preorder, "message"), level)
    limit = _int(preorder.get("limit"), MAX_PREORDER_LIMIT)
    if limit is not None:
        layer["preorder.limit"] = (limit, locate(preorder, "limit"), level)


def merge(*layers: Layer | None) -> Layer:
    """Combine layers from least to most specific; later fields win."""
    out: Layer = {}
    for layer in layers:
        if layer:
            out.update(layer)
    return out


class Place(NamedTuple):
    """Which stock entry is resolved, for messages only (so built into text only then).

    ``base`` is the path of the variant (or of the product, for an entry that
    every variant without its own block shares); ``label`` is empty for a
    product without options.
    """

    slug: str
    label: str
    location: str
    base: tuple[PathPart, ...]

    @property
    def where(self) -> str:
        variant = f" {self.label}" if self.label else ""
        return f'{self.slug}{variant} at "{self.location}"'

    @property
    def path(self) -> tuple[PathPart, ...]:
        return (*self.base, "stock", self.location)


def resolve(
    merged: Layer,
    digital: bool | None,
    place: Place,
    report: Report,
) -> StockEntry | None:
    """The effective entry of one variant at one location, or None when not managed.

    ``place`` names the variant and location for messages and the affected
    stock entry (a problem is reported at the origin of the value that causes
    it, which may be a less specific level); ``digital`` is the product's type
    (None when the YAML does not say).
    """
    managed = merged.get("managed")
    if managed is None or not managed[0]:
        return None
    origins: dict[str, Origin] = {"managed": managed[1]}
    tracking_item = merged.get("tracking")
    tracking: Tracking | None = tracking_item[0] if tracking_item else None
    quantity = in_stock = None
    if tracking_item is not None:
        origins["tracking"] = tracking_item[1]
        value_name = "quantity" if tracking is Tracking.QUANTITY else "in_stock"
        value_item = merged.get(value_name)
        if value_item is not None:
            origins[value_name] = value_item[1]
            if tracking is Tracking.QUANTITY:
                quantity = value_item[0]
            else:
                in_stock = value_item[0]
    policy_item = merged.get("policy")
    policy = policy_item[0] if policy_item else DEFAULT_POLICY
    if policy_item:
        origins["policy"] = policy_item[1]
    preorder = _resolve_preorder(merged, tracking_item, digital, place, report)
    refill = merged.get("refill_from")
    if refill is not None:
        origins["refill_from"] = refill[1]
    return StockEntry(
        tracking,
        quantity,
        in_stock,
        policy,
        preorder,
        FrozenMap(origins),
        refill_from=refill[0] if refill is not None else None,
    )


def shorthand_base(base: Layer) -> tuple[Policy, Origin | None] | None:
    """What a variant's ``L: <quantity>`` shorthand takes from the levels below it at L.

    That shorthand sets managed, tracking and quantity at the most specific
    level, so the entry depends on the merged lower levels only through the
    policy, and through preorder settings (whose problems name the variant)
    and a refill source. None when there are such: then :func:`resolve` decides.
    """
    if (
        "preorder.enabled" in base
        or "preorder.message" in base
        or "preorder.limit" in base
        or "refill_from" in base
    ):
        return None
    policy = base.get("policy")
    return (policy[0], policy[1]) if policy else (DEFAULT_POLICY, None)


def shorthand_entry(
    quantity: int, here: Origin, key_origin: Origin, policy: Policy, policy_origin: Origin | None
) -> StockEntry:
    """``resolve(merge(base, parse_block(...)))`` for a ``L: <quantity>`` shorthand, where
    ``(policy, policy_origin) == shorthand_base(base)``: 150,000 of them in a large catalog."""
    origins = {"managed": key_origin, "tracking": here, "quantity": here}
    if policy_origin is not None:
        origins["policy"] = policy_origin
    return StockEntry(Tracking.QUANTITY, quantity, None, policy, None, FrozenMap(origins))


def _resolve_preorder(
    merged: Layer,
    tracking_item: tuple[Any, Origin, int] | None,
    digital: bool | None,
    place: Place,
    report: Report,
) -> Preorder | None:
    enabled = merged.get("preorder.enabled")
    message = merged.get("preorder.message")
    limit = merged.get("preorder.limit")
    if enabled is None and message is None and limit is None:
        return None  # most entries: no preorder settings at any level
    where, path = place.where, place.path
    if limit is not None:
        if tracking_item is None:
            report(
                limit[1],
                path,
                f"a preorder limit needs quantity tracking, but no tracking is set for {where}.",
                "add tracking: quantity (or a quantity) to this block or a less specific one.",
            )
            limit = None
        elif tracking_item[0] is Tracking.IN_STOCK:
            if limit[2] >= tracking_item[2]:
                report(
                    limit[1],
                    path,
                    f"a preorder limit needs quantity tracking, but {where} tracks in_stock "
                    f"(set at {tracking_item[1]}).",
                    "remove the limit, or track a quantity there.",
                )
            limit = None  # an inherited limit gives way to the more specific in_stock choice
    if enabled is not None and enabled[0] and digital:
        if enabled[2] >= PRODUCT:
            report(
                enabled[1],
                path,
                f"preorder is enabled for {where}, but the product is digital; Wix does not "
                "allow preorder on digital products.",
                "remove preorder here, or make the product physical.",
            )
        enabled = None
    if enabled is None and message is None and limit is None:
        return None
    origins = {
        name: item[1]
        for name, item in (("enabled", enabled), ("message", message), ("limit", limit))
        if item is not None
    }
    return Preorder(
        enabled[0] if enabled else None,
        message[0] if message else None,
        limit[0] if limit else None,
        FrozenMap(origins),
    )
