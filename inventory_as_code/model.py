"""The desired-state model: plain, frozen, comparable data.

Both sides of a plan are expressed in these types: the YAML loader
(:mod:`inventory_as_code.config`) builds them from the user's files, and the
live reader builds them from Wix's answers. The planner then diffs two values
of the same shape (normalise first, diff second).

Conventions every consumer can rely on:

* ``None`` in a field means "the YAML does not manage this": leave the live
  value as it is. It never means "clear it".
* ``origins`` maps a field name to the :class:`Origin` (file, line, column) of
  the YAML value that decided it, so a plan can say *why* it changes something.
  A field decided by a built-in default has no entry. ``origins`` is excluded
  from equality and hashing, so a desired object equals a live one with the
  same values.
* Collections are tuples or :class:`FrozenMap`, always in a deterministic
  order: locations and products by name/slug, options as written, variants in
  option order (the order of the cartesian product of the choices).
* Money is a canonical decimal string, see :func:`normalize_money`; use it on
  Wix's amounts too so ``"24.00"`` and YAML ``24`` compare equal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import PurePath
from typing import Any, TypeVar

import msgspec

K = TypeVar("K")
V = TypeVar("V")

MAX_MONEY = Decimal("999999999.99")
"""Wix's largest amount (``FixedMonetaryAmount``)."""


# Maps this small keep their keys in a tuple shared by every map with the same
# keys (a stock entry's origins, a variant's stock by location): 150,000 stock
# entries then cost a tuple of values each instead of a dict (~100 bytes less).
_SMALL = 8
_SHARED_KEYS: dict[tuple[Any, ...], tuple[Any, ...]] = {}


class FrozenMap(Mapping[K, V]):
    """An immutable, hashable mapping that keeps insertion order."""

    __slots__ = ("_hash", "_index", "_keys", "_values")

    def __init__(self, items: Mapping[K, V] | None = None) -> None:
        data = dict(items or {})
        self._hash: int | None = None
        if len(data) <= _SMALL:
            keys = tuple(data)
            self._keys: tuple[K, ...] = _SHARED_KEYS.setdefault(keys, keys)
            self._values: tuple[V, ...] = tuple(data.values())
            self._index: dict[K, V] | None = None
        else:
            self._keys, self._values, self._index = (), (), data

    def __getitem__(self, key: K) -> V:
        if self._index is not None:
            return self._index[key]
        try:
            return self._values[self._keys.index(key)]
        except ValueError:
            raise KeyError(key) from None

    def __contains__(self, key: object) -> bool:
        return key in (self._index if self._index is not None else self._keys)

    def get(self, key: K, default: Any = None) -> Any:
        if self._index is not None:
            return self._index.get(key, default)
        try:
            return self._values[self._keys.index(key)]
        except ValueError:
            return default

    def __iter__(self) -> Iterator[K]:
        return iter(self._index if self._index is not None else self._keys)

    def __len__(self) -> int:
        return len(self._index) if self._index is not None else len(self._keys)

    def _dict(self) -> dict[K, V]:
        if self._index is not None:
            return dict(self._index)
        return dict(zip(self._keys, self._values, strict=True))

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._dict().items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if (
            isinstance(other, FrozenMap)
            and other._keys is self._keys
            and self._index is None
            and other._index is None
        ):
            return self._values == other._values  # the common case: the same shared keys
        if isinstance(other, Mapping):
            return self._dict() == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._dict()!r})"


class Tracking(StrEnum):
    """How Wix tracks a variant's stock at a location (a oneof in Wix)."""

    QUANTITY = "quantity"  # exact count; preorder limits allowed
    IN_STOCK = "in_stock"  # available yes/no, no count


class Policy(StrEnum):
    """Who owns an inventory item's quantity once it exists."""

    SET = "set"  # the YAML number is authoritative
    INITIAL = "initial"  # the YAML number is used only when the item is created
    AT_LEAST = "at_least"  # raise live stock to the number, never lower it


DEFAULT_POLICY = Policy.INITIAL
"""Policy used when no YAML level sets one: it never overwrites counts that
sales changed, which is the safe choice for a store taking orders."""


class ProductType(StrEnum):
    PHYSICAL = "physical"
    DIGITAL = "digital"


class Origin(msgspec.Struct, frozen=True, order=True, gc=False):
    """Where a value was written: file relative to the project, 1-based line and column.

    A struct the collector does not track: a 10,000-product catalog has 440,000
    of them, none can be part of a cycle, and each is 16 bytes smaller this way.
    """

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def under(self, folder: PurePath) -> Origin:
        """The same position named from ``folder`` (the project as the user typed it).

        The one way to copy an origin: printers call this, never a generic
        ``replace``, so a change of representation cannot reach them.
        """
        if not self.file:
            return self
        return Origin(str(folder / self.file), self.line, self.column)


Origins = FrozenMap[str, Origin]
NO_ORIGINS: Origins = FrozenMap()


@dataclass(frozen=True, slots=True)
class Preorder:
    """Preorder settings of one inventory item; ``None`` fields are left as they are."""

    enabled: bool | None = None
    message: str | None = None
    limit: int | None = None
    origins: Origins = field(default=NO_ORIGINS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class StockEntry:
    """Desired stock of one variant at one location (one Wix inventory item).

    Only the member of the tracking oneof that matches ``tracking`` is set:
    ``quantity`` with ``Tracking.QUANTITY``, ``in_stock`` with
    ``Tracking.IN_STOCK``. ``tracking=None`` leaves the live method alone.
    ``policy`` governs ``quantity`` only; ``in_stock`` and ``preorder`` are
    always applied as written. ``refill_from`` (with policy ``at_least``)
    names the location whose units raise this item to its floor: stock is
    moved from there instead of added from nothing. When a value is ``None`` and Wix needs one
    (creating an item, switching the method), use 0 / ``False``: new stock
    starts unavailable rather than selling what may not exist.
    """

    tracking: Tracking | None = None
    quantity: int | None = None
    in_stock: bool | None = None
    policy: Policy = DEFAULT_POLICY
    preorder: Preorder | None = None
    origins: Origins = field(default=NO_ORIGINS, compare=False, repr=False)
    # The shop's threshold for warnings (config.reorder); never written to Wix.
    reorder_point: int | None = None
    refill_from: str | None = None


@dataclass(frozen=True, slots=True)
class Variant:
    """One combination of choices (``key`` in option order; ``()`` is the default variant)."""

    key: tuple[str, ...]
    sku: str | None = None
    price: str | None = None
    compare_at_price: str | None = None
    visible: bool | None = None
    stock: FrozenMap[str, StockEntry] = field(default_factory=FrozenMap)
    origins: Origins = field(default=NO_ORIGINS, compare=False, repr=False)

    @property
    def label(self) -> str:
        """The key as written in YAML (``S/Black``), or ``(default)``."""
        return variant_label(self.key)


@dataclass(frozen=True, slots=True)
class Option:
    """An option and its choices in display order.

    ``swatches`` is set for a colour-swatch option (Wix ``SWATCH_CHOICES``): each
    choice's colour code, canonical ``#RRGGBB`` upper case. ``None`` means a
    text option, or, for an option that is a swatch option live, "keep the live
    colours" (the YAML then manages only the names).
    """

    name: str
    choices: tuple[str, ...]
    swatches: FrozenMap[str, str] | None = None
    origins: Origins = field(default=NO_ORIGINS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class StoreOption:
    """An option of the store (a Wix customization), shared by every product that uses it.

    Declared once in the store-level ``options:`` block, or written inline by
    the products that use it; either way one option per name, as Wix compares
    names (:func:`name_identity`). ``choices`` are every choice the YAML names
    for it, in order (the block's first, then the products' as they are read).
    ``swatches`` holds the colours the YAML gives (a colour-swatch option); a
    choice without one keeps its live colour. ``None``: a text option, or a
    live swatch option whose colours the YAML leaves alone. ``declared``: the
    block declares it, so products only pick its choices. ``users``: slugs of
    the YAML's products that use it. ``origins``: ``name``, and ``choice:X`` /
    ``swatch:X`` for where choice X and its colour are written first.
    """

    name: str
    choices: tuple[str, ...]
    swatches: FrozenMap[str, str] | None = None
    declared: bool = False
    users: tuple[str, ...] = ()
    origins: Origins = field(default=NO_ORIGINS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Product:
    """A product, identified by its slug. ``variants`` lists every variant that must exist."""

    slug: str
    name: str | None = None
    product_type: ProductType | None = None
    visible: bool | None = None
    options: tuple[Option, ...] = ()
    variants: tuple[Variant, ...] = ()
    origins: Origins = field(default=NO_ORIGINS, compare=False, repr=False)

    def variant(self, key: tuple[str, ...]) -> Variant | None:
        for variant in self.variants:
            if variant.key == key:
                return variant
        return None


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    subdivision: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Location:
    """An inventory location, identified by name. Exactly one is the store default."""

    name: str
    is_default: bool = False
    address: Address | None = None
    time_zone: str | None = None
    origins: Origins = field(default=NO_ORIGINS, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Prune:
    """Which kinds of live objects the YAML does not mention should be deleted."""

    locations: bool = False
    products: bool = False
    variants: bool = False
    inventory: bool = False
    origins: Origins = field(default=NO_ORIGINS, compare=False, repr=False)


class MoveKind(StrEnum):
    PRODUCT = "product"
    LOCATION = "location"
    OPTION = "option"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class Move:
    """A rename the YAML declares (``moved:``), in the spirit of Terraform's moved blocks.

    ``old`` is the live name, ``new`` the name in the YAML. Option and choice
    renames are store-wide (an option is shared by the products using it): a
    choice move names its option (its name in the YAML). ``product`` is set
    only when the entry was written in the older per-product form, which means
    the same store-wide rename (``validate`` warns and shows the new form).
    """

    kind: MoveKind
    old: str
    new: str
    product: str | None = None
    option: str | None = None
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class DesiredState:
    """Everything a project's YAML files ask for."""

    locations: FrozenMap[str, Location] = field(default_factory=FrozenMap)
    products: FrozenMap[str, Product] = field(default_factory=FrozenMap)
    prune: Prune = field(default_factory=Prune)
    # The store's options by name: declared in the options block or written inline.
    options: FrozenMap[str, StoreOption] = field(default_factory=FrozenMap)
    moves: tuple[Move, ...] = ()
    files: tuple[str, ...] = field(default=(), compare=False)
    # What loading said besides problems (e.g. a file skipped as another tool's),
    # so a plan can say it too: a reviewer must see what was not read.
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def default_location(self) -> Location | None:
        return next((loc for loc in self.locations.values() if loc.is_default), None)

    @property
    def variant_count(self) -> int:
        return sum(len(product.variants) for product in self.products.values())

    @property
    def has_refills(self) -> bool:
        """Whether any stock entry refills from another location (``refill_from``)."""
        return any(
            entry.refill_from is not None
            for product in self.products.values()
            for variant in product.variants
            for entry in variant.stock.values()
        )

    @property
    def stock_entry_count(self) -> int:
        return sum(
            len(variant.stock) for product in self.products.values() for variant in product.variants
        )


def name_identity(name: str) -> str:
    """How Wix tells option and choice names apart: without regard to case.

    Wix generates each option's and choice's read-only ``key`` from its name,
    lower-cased, and refuses two choices with the same key
    (``DUPLICATE_VARIANT_OPTION_CHOICE``): "Whole bean" and "Whole Bean" are one
    choice to Wix.
    """
    return name.lower()


def variant_label(key: tuple[str, ...]) -> str:
    return "/".join(key) if key else "(default)"


def normalize_money(value: str | int | float | Decimal) -> str:
    """Return the canonical text of an amount: at least 2 and at most 3 decimals.

    ``24`` -> ``"24.00"``, ``"24.5"`` -> ``"24.50"``, ``"19.990"`` -> ``"19.99"``,
    ``"0.125"`` -> ``"0.125"``. Raises :class:`ValueError` (with a message fit
    for a user) for negative amounts, more than 3 decimals, amounts above
    999999999.99, and anything that is not a plain decimal number. Floats are
    read through ``repr`` (shortest round-trip text); the YAML loader passes
    the source text instead so ``19.99`` is never seen as a binary float.
    """
    if isinstance(value, bool):
        raise ValueError("an amount must be a number, not true/false")
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, Decimal):
        text = format(value, "f")
    else:
        text = str(value).strip()
    if text.startswith("-"):
        raise ValueError(f'"{text}" is negative; amounts start at 0')
    # Only plain decimals: no exponents, signs, currency symbols or separators,
    # which Decimal() would partly accept but Wix would not.
    body = text.replace(".", "", 1)
    if not body.isascii() or not body.isdigit() or text.startswith(".") or text.endswith("."):
        raise ValueError(f'"{text}" is not a plain decimal amount like 24.90')
    try:
        amount = Decimal(text)
    except InvalidOperation:  # pragma: no cover - guarded by the digit check above
        raise ValueError(f'"{text}" is not a plain decimal amount like 24.90') from None
    amount = amount.normalize() if amount else Decimal(0)
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)  # finite after the digit check
    if exponent < -3:
        raise ValueError(f'"{text}" has more than 3 decimals')
    if amount > MAX_MONEY:
        raise ValueError(f'"{text}" is above the largest amount Wix accepts (999999999.99)')
    return f"{amount:.3f}" if exponent == -3 else f"{amount:.2f}"


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def normalize_color(value: str) -> str:
    """Return the canonical form of a colour code: ``#RRGGBB`` (or ``#RRGGBBAA``), upper case.

    Accepts the CSS hex forms Wix documents for ``colorCode`` (``#RGB``,
    ``#RGBA``, ``#RRGGBB``, ``#RRGGBBAA``) so ``#fff``, ``#FFF`` and ``#ffffff``
    compare equal on both sides of a plan. Raises :class:`ValueError` with a
    message fit for a user otherwise.
    """
    text = value.strip()
    digits = text[1:]
    if not text.startswith("#") or len(digits) not in (3, 4, 6, 8) or set(digits) - _HEX_DIGITS:
        raise ValueError(f'"{value}" is not a colour code like "#1E5AA8"')
    if len(digits) in (3, 4):
        digits = "".join(d * 2 for d in digits)
    return "#" + digits.upper()
