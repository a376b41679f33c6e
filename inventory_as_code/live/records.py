"""Typed Wix pages (:mod:`.wire`) -> the live model, compactly.

The same rules as the dict-based :mod:`.normalize` (which apply's small reads
use, keeping ``raw``), applied to the decoded records of the whole-store and
targeted reads, which keep no Wix JSON:

* ids, revisions, choice and option names are interned, so the 150,000 stock
  items of a 10,000-product store share one string per product, variant and
  location id instead of holding three copies each;
* identical preorder records are shared (most items have the same one);
* variants arrive on their own pages, possibly before their product: each
  becomes a small :class:`VariantRow` until :func:`join_products` puts it on its
  product (in the product's option order), or finds that the read-only
  variants lag behind the product and asks for a consistent read instead.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from inventory_as_code.live import wire
from inventory_as_code.live.model import (
    LiveInventoryItem,
    LiveOption,
    LivePreorder,
    LiveProduct,
    LiveVariant,
    VariantKey,
)
from inventory_as_code.live.normalize import color_code, money

intern = sys.intern


def _text(value: str | None, default: str = "") -> str:
    return intern(value) if value else default


class ProductHead(NamedTuple):
    """A product as Query Products returns it: everything but its variants."""

    id: str
    slug: str
    name: str
    revision: str
    product_type: str
    visible: bool
    options: tuple[LiveOption, ...]
    variant_count: int | None
    updated: str = ""


class ChoiceRef(NamedTuple):
    option_name: str | None
    choice_name: str | None
    option_id: str | None
    choice_id: str | None


class VariantRow(NamedTuple):
    """A read-only variant waiting for its product."""

    product_id: str
    product_revision: str
    id: str
    sku: str | None
    price: str | None
    compare_at_price: str | None
    visible: bool
    choices: tuple[ChoiceRef, ...]


def options_of(raw: Sequence[wire.Option] | None) -> tuple[LiveOption, ...]:
    options = []
    for option in raw or ():
        choices = option.choicesSettings.choices if option.choicesSettings else []
        options.append(
            LiveOption(
                id=_text(option.id) or None,
                name=_text(option.name),
                choices=tuple(_text(c.name) for c in choices),
                render_type=_text(option.optionRenderType, "TEXT_CHOICES"),
                choice_ids=tuple(_text(c.choiceId) for c in choices),
                choice_types=tuple(_text(c.choiceType, "CHOICE_TEXT") for c in choices),
                choice_colors=tuple(color_code(c.colorCode) for c in choices),
            )
        )
    return tuple(options)


def product_head(raw: wire.Product) -> ProductHead:
    return ProductHead(
        id=intern(raw.id),
        slug=_text(raw.slug),
        name=raw.name or "",
        revision=_text(raw.revision),
        product_type=_text(raw.productType, "PHYSICAL"),
        visible=raw.visible is not False,
        options=options_of(raw.options),
        variant_count=raw.variantSummary.variantCount if raw.variantSummary else None,
        updated=raw.updatedDate or "",
    )


def variant_row(raw: wire.Variant) -> VariantRow | None:
    data = raw.productData
    if data is None or not data.productId:
        return None  # not attributable to a product: nothing can use it
    price = raw.price
    actual = price.actualPrice.amount if price and price.actualPrice else None
    compare = price.compareAtPrice.amount if price and price.compareAtPrice else None
    choices = []
    for choice in raw.optionChoices or ():
        names, ids = choice.optionChoiceNames, choice.optionChoiceIds
        choices.append(
            ChoiceRef(
                _text(names.optionName) or None if names else None,
                _text(names.choiceName) or None if names else None,
                _text(ids.optionId) or None if ids else None,
                _text(ids.choiceId) or None if ids else None,
            )
        )
    return VariantRow(
        product_id=intern(data.productId),
        product_revision=_text(data.revision),
        id=intern(raw.variantId or raw.id or ""),
        sku=raw.sku,
        price=money(actual),
        compare_at_price=money(compare),
        visible=raw.visible is not False,
        choices=tuple(choices),
    )


def _key(choices: Sequence[ChoiceRef], options: Sequence[LiveOption]) -> VariantKey:
    """Choice names in the product's option order (by id, else the names: see normalize)."""
    by_option: dict[str, str] = {}
    for ref in choices:
        option_name, choice_name = _names_from_ids(ref, options)
        if option_name is None or choice_name is None:
            option_name, choice_name = ref.option_name, ref.choice_name
        if option_name is not None and choice_name is not None:
            by_option[option_name] = choice_name
    return tuple(by_option.get(option.name, "") for option in options)


def _names_from_ids(ref: ChoiceRef, options: Sequence[LiveOption]) -> tuple[str | None, str | None]:
    for option in options:
        if option.id == ref.option_id:
            for name, choice_id in zip(option.choices, option.choice_ids, strict=False):
                if choice_id == ref.choice_id:
                    return option.name, name
    return None, None


def lags(head: ProductHead, rows: Sequence[VariantRow]) -> bool:
    """True when the read-only variants do not (yet) show this revision of the product."""
    if not rows:
        return True  # every product has at least one variant
    if any(row.product_revision != head.revision for row in rows):
        return True
    return head.variant_count is not None and head.variant_count != len(rows)


def product_of(head: ProductHead, rows: Sequence[VariantRow]) -> LiveProduct:
    variants = [
        LiveVariant(
            id=row.id,
            key=_key(row.choices, head.options),
            sku=row.sku,
            price=row.price,
            compare_at_price=row.compare_at_price,
            visible=row.visible,
        )
        for row in rows
    ]
    return LiveProduct(
        id=head.id,
        slug=head.slug,
        name=head.name,
        revision=head.revision,
        product_type=head.product_type,
        visible=head.visible,
        options=head.options,
        variants=tuple(sorted(variants, key=lambda v: v.key)),
        updated=head.updated,
    )


def group_rows(rows: Iterable[VariantRow]) -> dict[str, list[VariantRow]]:
    out: dict[str, list[VariantRow]] = defaultdict(list)
    for row in rows:
        out[row.product_id].append(row)
    return out


def join_products(
    heads: Iterable[ProductHead], rows_of: dict[str, list[VariantRow]]
) -> tuple[dict[str, LiveProduct], list[ProductHead]]:
    """Products by slug with their variants, and the heads of those whose variants lag."""
    products: dict[str, LiveProduct] = {}
    stale: list[ProductHead] = []
    for head in heads:
        rows = rows_of.pop(head.id, [])
        if lags(head, rows):
            stale.append(head)
            continue
        products[head.slug] = product_of(head, rows)
    return products, stale


class ItemMaker:
    """Inventory items from their records, sharing equal preorder settings."""

    def __init__(self) -> None:
        self._preorders: dict[tuple[bool, str | None, int | None, int], LivePreorder] = {}

    def __call__(self, raw: wire.Item) -> LiveInventoryItem:
        tracks_quantity = raw.quantity is not None or bool(raw.trackQuantity)
        pre = raw.preorderInfo
        enabled = bool(pre.enabled) if pre else False
        message = pre.message if pre else None
        limit = pre.limit if pre and tracks_quantity else None
        counter = (pre.counter or 0) if pre else 0
        shape = (enabled, message, limit, counter)
        preorder = self._preorders.get(shape)
        if preorder is None:
            preorder = self._preorders[shape] = LivePreorder(enabled, message, limit, counter)
        return LiveInventoryItem(
            id=raw.id,
            revision=_text(raw.revision),
            product_id=_text(raw.productId),
            variant_id=_text(raw.variantId),
            location_id=_text(raw.locationId),
            tracking="quantity" if tracks_quantity else "in_stock",
            quantity=(raw.quantity or 0) if tracks_quantity else None,
            in_stock=None if tracks_quantity else bool(raw.inStock),
            preorder=preorder,
            updated=raw.updatedDate or "",
        )
