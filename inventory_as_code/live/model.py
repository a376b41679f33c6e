"""The live store as read from Wix, normalised for diffing.

Wix JSON is turned into these frozen types once, right after reading, so the
planner compares plain values on both sides: prices as canonical decimal
strings, variants keyed by their choice names in option order, inventory
items keyed by (product, variant, location). Every object keeps its Wix id
and the revision it was read at, so a plan can record what it observed and
``apply`` can refuse to overwrite anything that moved since.

``raw`` keeps the Wix JSON of products and variants where apply needs it:
when a product's variants are updated, Wix needs the whole array back,
including the fields this tool does not manage, and those are carried along
from ``raw``. The whole-store read for planning leaves ``raw`` empty (the
planner never looks at it), which is most of what reading a large store used
to cost in memory.

Stock items, the bulk of a store (15 per product in a typical catalog), are
``msgspec`` structs with ``gc=False``: they hold only strings, numbers and
their preorder record, so they can never be part of a reference cycle, and
the garbage collector neither tracks nor scans them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

from inventory_as_code.live.move_records import MoveRecord
from inventory_as_code.model import Address, FrozenMap

Tracking = Literal["quantity", "in_stock"]
VariantKey = tuple[str, ...]  # choice names in the product's option order; () = default variant

# Shared by every object read without its Wix JSON (a new dict each would cost
# 64 bytes and a tracked object per variant).
NO_RAW: Mapping[str, Any] = FrozenMap()


@dataclass(frozen=True, slots=True)
class LiveLocation:
    id: str  # stores location id: what inventory items point at
    name: str
    is_default: bool
    revision: str
    wix_location_id: str | None = None
    # Stores Locations' ``createdDate`` (ISO-8601 UTC): of two locations with one name,
    # the older is the one the YAML means (see plan/locations.py).
    created: str = ""
    # ``updatedDate`` (ISO-8601 UTC, "" when Wix gave none): evidence for explaining drift.
    updated: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class LiveBusinessLocation:
    """A Wix location (Locations API): every inventory location is one, with its address.

    ``raw`` is the whole Wix object: Wix's Update Location replaces the object
    whole (PUT), so a rename or an address change sends it back with only the
    planned fields changed.
    """

    id: str
    name: str
    revision: str
    archived: bool
    location_types: tuple[str, ...]
    address: Address | None = None
    time_zone: str | None = None
    raw: Mapping[str, Any] = field(default=NO_RAW, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class LiveOption:
    """An option as Wix has it: render type, and per choice its id, type and colour.

    ``raw`` is the Wix JSON of the option: an update resends each kept choice
    as it was read (type, colour, media), changed only where the plan says.
    """

    id: str | None
    name: str
    choices: tuple[str, ...]
    render_type: str = "TEXT_CHOICES"
    choice_ids: tuple[str, ...] = ()
    choice_types: tuple[str, ...] = ()
    choice_colors: tuple[str | None, ...] = ()
    raw: Mapping[str, Any] = field(default=NO_RAW, compare=False, repr=False)

    @property
    def is_swatch(self) -> bool:
        return self.render_type == "SWATCH_CHOICES"

    def swatches(self) -> dict[str, str | None]:
        """Choice -> canonical colour code (None where a choice has none)."""
        return dict(zip(self.choices, self.choice_colors, strict=False))


@dataclass(frozen=True, slots=True)
class LiveCustomization:
    """An option as the site holds it (a Wix customization), shared by the products using it.

    Every choice the option has, used by a product or not: a product shows
    only its own. ``raw`` is the Wix JSON (apply resends the choices from it).
    """

    id: str
    name: str
    revision: str
    render_type: str
    choices: tuple[str, ...]
    choice_ids: tuple[str, ...]
    choice_colors: tuple[str | None, ...]
    updated: str = ""
    raw: Mapping[str, Any] = field(default=NO_RAW, compare=False, repr=False)

    @property
    def is_swatch(self) -> bool:
        return self.render_type == "SWATCH_CHOICES"

    def swatches(self) -> dict[str, str | None]:
        """Choice -> canonical colour code (None where a choice has none)."""
        return dict(zip(self.choices, self.choice_colors, strict=False))


@dataclass(frozen=True, slots=True)
class LiveVariant:
    id: str
    key: VariantKey
    sku: str | None
    price: str | None
    compare_at_price: str | None
    visible: bool
    raw: Mapping[str, Any] = field(default=NO_RAW, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class LiveProduct:
    id: str
    slug: str
    name: str
    revision: str
    product_type: str
    visible: bool
    options: tuple[LiveOption, ...]
    variants: tuple[LiveVariant, ...]
    raw: Mapping[str, Any] = field(default=NO_RAW, compare=False, repr=False)
    # ``updatedDate``: moves with every write to the product, its variants included
    # (a variant has no date of its own). Evidence for explaining drift (drift/).
    updated: str = field(default="", compare=False)

    def variant(self, key: VariantKey) -> LiveVariant | None:
        for variant in self.variants:
            if variant.key == key:
                return variant
        return None


class LivePreorder(msgspec.Struct, frozen=True, gc=False):
    enabled: bool
    message: str | None
    limit: int | None
    counter: int


class LiveInventoryItem(msgspec.Struct, frozen=True, gc=False):
    id: str
    revision: str
    product_id: str
    variant_id: str
    location_id: str
    tracking: Tracking
    quantity: int | None
    in_stock: bool | None
    preorder: LivePreorder
    # ``updatedDate``: the string Wix sent (already decoded with the page, so keeping it
    # costs a reference); evidence for explaining drift (drift/).
    updated: str = ""


ReadMode = Literal["full", "targeted", "incremental"]


@dataclass(frozen=True, slots=True)
class ReadStats:
    """What reading the store cost, and which read it was, for the plan's report.

    ``mode``: ``full`` read everything; ``targeted`` read only some products
    (``--target``, ``--changed-since``); ``incremental`` refreshed a saved
    snapshot with what changed since. ``detail`` says why, in a sentence
    (e.g. why a snapshot could not be used).
    """

    calls: int
    calls_by_endpoint: Mapping[str, int]
    fallback_product_reads: int
    seconds: float
    mode: ReadMode = "full"
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ReadScope:
    """What a narrowed read covered; ``LiveStore.scope`` is None after a whole-store read.

    ``slugs``: the products asked for (by slug, before renames); the store
    holds those that exist, plus any other product that owns one of their
    SKUs (so SKU clashes are still found), with their variants; stock items
    only of ``stock_of`` (product ids). ``unread_managed_items`` and
    ``unread_managed_variants`` stand in for the stock items and variants of
    the products not read, for the guard rails' shares: one per stock entry
    (variant) the YAML gives them, what a settled store holds.
    ``store_products``: every product of the store, counted (Count Products)
    when the plan may delete products; None when not counted.
    """

    slugs: frozenset[str]
    stock_of: frozenset[str] = frozenset()
    unread_managed_items: int = 0
    unread_managed_variants: int = 0
    store_products: int | None = None


@dataclass(frozen=True, slots=True)
class LiveStore:
    locations: tuple[LiveLocation, ...]
    business_locations: tuple[LiveBusinessLocation, ...]
    products: Mapping[str, LiveProduct]  # by slug
    inventory: Mapping[tuple[str, str, str], LiveInventoryItem]  # (product, variant, location) ids
    stats: ReadStats | None = None
    scope: ReadScope | None = None  # None: the whole store was read
    # The site's options (customizations), every one: a few, so always read whole.
    options: tuple[LiveCustomization, ...] = ()
    # Customization id -> {slug: product id} of the products using it, for options
    # whose users were read apart from the products (a narrowed read): see users_of.
    option_users: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Moves a refill announced and has not finished (live.move_records): read only
    # when the YAML has refill rules, always fresh (never from a snapshot).
    move_records: tuple[MoveRecord, ...] = ()
    move_records_read: bool = False

    @property
    def default_location(self) -> LiveLocation | None:
        return next((loc for loc in self.locations if loc.is_default), None)

    def location_named(self, name: str) -> LiveLocation | None:
        """The oldest location of that name (``locations`` is sorted by name, then age)."""
        return next((loc for loc in self.locations if loc.name == name), None)

    def users_of(self, option_id: str) -> dict[str, str]:
        """Every product that uses an option, as far as the read went: slug -> product id."""
        found = dict(self.option_users.get(option_id, {}))
        for slug, product in self.products.items():
            if any(o.id == option_id for o in product.options):
                found[slug] = product.id
        return dict(sorted(found.items()))
