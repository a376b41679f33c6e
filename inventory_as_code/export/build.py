"""The live store -> project YAML documents (plain dicts), idiomatic and stable.

What makes the output something an operator would commit rather than a dump:

* Shared values move up a level: the price most variants share becomes the
  product's ``price``; a stock value that every variant of every product has
  at a location becomes that location's ``stock``; a value most variants of
  a product share at a location becomes the product's; only the exceptions
  stay on variants. SKUs that follow the choices (``TEE-S-Black``) become a
  template (``TEE-{Size}-{Color}``).
* The store's options (Wix customizations, shared by every product that uses
  them) are declared once, in ``store.yaml``'s ``options:`` block, with all
  their choices and, for a swatch option, the colours; a product only lists
  the choices it uses.
* Which variants exist is written the short way: nothing when all
  combinations exist, ``exclude`` for a few missing, ``combinations: listed``
  otherwise. Stock that does not exist at a location says ``managed: false``.
* Preorder settings never move above the product, because settings are
  inherited field by field and an inherited message or limit would leak
  into variants that have none.
* Everything is sorted (locations by name with the default first, products by
  slug, variants in option order), so exporting twice gives identical files.

Live data the format cannot express is collected as notes, never dropped
silently. The quantity policy is the caller's explicit choice.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from inventory_as_code.live.model import (
    LiveCustomization,
    LiveInventoryItem,
    LiveOption,
    LiveProduct,
    LiveStore,
)
from inventory_as_code.model import name_identity, variant_label

T = TypeVar("T", bound=Hashable)
MAX_QUANTITY = 99999
WIX_DEFAULT_PREORDER_LIMIT = 100000


@dataclass
class ExportDocument:
    store: dict[str, Any]
    products: dict[str, dict[str, Any]]  # slug -> product mapping
    notes: list[str] = field(default_factory=list)


def mode(values: Iterable[T]) -> T | None:
    """The most common value; ties go to the first seen (stable)."""
    counts = Counter(values)
    return max(counts, key=lambda v: counts[v]) if counts else None


def preorder_value(
    item: LiveInventoryItem, shared_message: str | None = None
) -> tuple[tuple[str, Any], ...] | None:
    """Preorder settings that differ from Wix's defaults (and the store-wide message)."""
    p = item.preorder
    fields: list[tuple[str, Any]] = []
    if p.enabled:
        fields.append(("enabled", True))
    if p.message and p.message != shared_message:
        fields.append(("message", p.message))
    if p.limit is not None and p.limit != WIX_DEFAULT_PREORDER_LIMIT:
        fields.append(("limit", p.limit))
    if fields and not p.enabled:
        fields.insert(0, ("enabled", False))
    return tuple(fields) or None


StockValue = tuple[str, Any, Any]  # (tracking, quantity or flag, preorder)


class Exporter:
    def __init__(self, live: LiveStore, policy: str) -> None:
        self.live = live
        self.policy = policy
        self.notes: list[str] = []
        default = live.default_location
        self.locations = sorted(live.locations, key=lambda loc: (not loc.is_default, loc.name))
        self.location_names = {loc.id: loc.name for loc in self.locations}
        self.default_id = default.id if default else None
        self.items_of: dict[str, dict[tuple[str, str], LiveInventoryItem]] = {}
        for (product_id, variant_id, location_id), item in live.inventory.items():
            self.items_of.setdefault(product_id, {})[(variant_id, location_id)] = item
        # A preorder message every item shares goes to defaults once; settings
        # inherit field by field, so this is only safe when *every* item has it.
        messages = {item.preorder.message for item in live.inventory.values()}
        self.shared_message = messages.pop() if len(messages) == 1 else None
        self.declared: set[str] = set()  # options of the store block, by name identity

    def value_of(self, product: LiveProduct, item: LiveInventoryItem) -> StockValue:
        if item.tracking == "quantity":
            quantity = item.quantity or 0
            if not 0 <= quantity <= MAX_QUANTITY:
                self.notes.append(
                    f"{product.slug}: a stock count of {quantity} cannot be written (YAML takes "
                    f"0..{MAX_QUANTITY}); exported as {max(0, min(quantity, MAX_QUANTITY))}."
                )
                quantity = max(0, min(quantity, MAX_QUANTITY))
            return ("quantity", quantity, preorder_value(item, self.shared_message))
        return ("in_stock", bool(item.in_stock), preorder_value(item, self.shared_message))

    def stock_values(self, product: LiveProduct) -> dict[tuple[tuple[str, ...], str], StockValue]:
        """Every stock value of a product, by (variant key, location id)."""
        return {
            (variant.key, location.id): self.value_of(product, item)
            for variant in product.variants
            for location in self.locations
            if (item := self.items_of.get(product.id, {}).get((variant.id, location.id)))
        }

    def run(self) -> ExportDocument:
        products = {slug: p for slug, p in sorted(self.live.products.items())}
        values = {slug: self.stock_values(p) for slug, p in products.items()}
        location_blocks = self._location_blocks(products, values)
        store: dict[str, Any] = {"locations": {}}
        for location in self.locations:
            entry: dict[str, Any] = {"default": True} if location.is_default else {}
            if location.id in location_blocks:
                entry["stock"] = stock_yaml(location_blocks[location.id])
            store["locations"][location.name] = entry
        defaults: dict[str, Any] = {"policy": self.policy}
        if self.shared_message:
            defaults["preorder"] = {"message": self.shared_message}
        store["defaults"] = {"stock": defaults}
        options = self._store_options()
        if options:
            store["options"] = options
        out = {
            slug: self._product(p, values[slug], location_blocks) for slug, p in products.items()
        }
        return ExportDocument(store=store, products=out, notes=self.notes)

    def _location_blocks(
        self, products: dict[str, LiveProduct], values: dict[str, dict[Any, StockValue]]
    ) -> dict[str, StockValue]:
        """A location's own stock value, when every variant of every product has one there."""
        blocks = {}
        for location in self.locations:
            found = [
                values[slug].get((variant.key, location.id))
                for slug, p in products.items()
                for variant in p.variants
            ]
            if not found or any(v is None for v in found):
                continue
            common = mode(v for v in found if v is not None and v[2] is None)
            if common is not None:
                blocks[location.id] = common
        return blocks

    def _product(
        self,
        product: LiveProduct,
        values: dict[tuple[tuple[str, ...], str], StockValue],
        location_blocks: dict[str, StockValue],
    ) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": product.name, "type": product.product_type.lower()}
        if not product.visible:
            doc["visible"] = False
        if product.options:
            doc["options"] = {
                o.name: list(o.choices)
                if name_identity(o.name) in self.declared
                else self._option(product, o)
                for o in product.options
            }
        variants: dict[tuple[str, ...], dict[str, Any]] = {v.key: {} for v in product.variants}
        self._variant_set(product, doc, variants)
        self._skus(product, doc, variants)
        self._prices(product, doc, variants)
        for variant in product.variants:
            # An option-less product's only variant is as visible as the product (Wix
            # couples them), so only variants of products with options say it.
            if product.options and not variant.visible:
                variants[variant.key]["visible"] = False
        self._stock(product, doc, variants, values, location_blocks)
        listed = {
            variant_label(key): settings
            for key, settings in variants.items()
            if settings or doc.get("combinations") == "listed"
        }
        if listed:
            doc["variants"] = {k: (v or None) for k, v in listed.items()}
        return doc

    def _store_options(self) -> dict[str, Any]:
        """The store's options, each declared once with every choice it has."""
        out: dict[str, Any] = {}
        for option in sorted(self.live.options, key=lambda o: (o.name, o.id)):
            if name_identity(option.name) in self.declared:
                self.notes.append(
                    f"the store has two options named {option.name}; only the first is "
                    "declared (merge them in the Wix dashboard: plan refuses to change either)."
                )
                continue
            self.declared.add(name_identity(option.name))
            out[option.name] = self._declared(option)
        return out

    def _declared(self, option: LiveCustomization) -> Any:
        """Text choices as a list; a colour-swatch option as ``{swatches: {choice: colour}}``."""
        colors = option.swatches()
        if not option.is_swatch:
            return list(option.choices)
        if all(colors.values()):
            return {"swatches": dict(colors)}
        self.notes.append(
            f"option {option.name} shows swatches that are not all single colours; written "
            "as a list of choices, so their swatches are left as they are."
        )
        return list(option.choices)

    def _option(self, product: LiveProduct, option: LiveOption) -> Any:
        """Text choices as a list; a colour-swatch option as ``{swatches: {choice: colour}}``."""
        if not option.is_swatch:
            return list(option.choices)
        colors = option.swatches()
        if all(colors.values()) and set(option.choice_types) == {"ONE_COLOR"}:
            return {"swatches": dict(colors)}
        self.notes.append(
            f"{product.slug}: option {option.name} shows swatches that are not all single "
            "colours; written as a list of choices, so their swatches are left as they are."
        )
        return list(option.choices)

    def _variant_set(
        self, product: LiveProduct, doc: dict[str, Any], variants: dict[Any, dict[str, Any]]
    ) -> None:
        if not product.options:
            return
        every = list(itertools.product(*(o.choices for o in product.options)))
        missing = [key for key in every if key not in variants]
        if not missing:
            return
        if len(missing) <= len(variants) // 2:
            doc["exclude"] = [variant_label(k) for k in missing]
        else:
            doc["combinations"] = "listed"

    def _skus(
        self, product: LiveProduct, doc: dict[str, Any], variants: dict[Any, dict[str, Any]]
    ) -> None:
        skus = {v.key: v.sku for v in product.variants}
        if not product.options:
            if skus.get(()):
                doc["sku"] = skus[()]
            return
        template = sku_template(product)
        if template is not None:
            doc["sku"] = template
            return
        for key, sku in skus.items():
            if sku:
                variants[key]["sku"] = sku

    def _prices(
        self, product: LiveProduct, doc: dict[str, Any], variants: dict[Any, dict[str, Any]]
    ) -> None:
        price = mode(v.price for v in product.variants if v.price is not None)
        if price is not None:
            doc["price"] = price
        compare = {v.compare_at_price for v in product.variants}
        shared_compare = len(compare) == 1 and None not in compare
        if shared_compare:
            doc["compare_at_price"] = compare.pop()
        for variant in product.variants:
            if variant.price is not None and variant.price != price:
                variants[variant.key]["price"] = variant.price
            if not shared_compare and variant.compare_at_price is not None:
                variants[variant.key]["compare_at_price"] = variant.compare_at_price

    def _stock(
        self,
        product: LiveProduct,
        doc: dict[str, Any],
        variants: dict[Any, dict[str, Any]],
        values: dict[tuple[tuple[str, ...], str], StockValue],
        location_blocks: dict[str, StockValue],
    ) -> None:
        product_stock: dict[str, Any] = {}
        for location in self.locations:
            here = {v.key: values.get((v.key, location.id)) for v in product.variants}
            present = [v for v in here.values() if v is not None]
            inherited = location_blocks.get(location.id)
            if not present:
                continue  # nothing here: unmanaged, as long as no location block says otherwise
            preorders = {v[2] for v in present}
            candidates = [v for v in present if len(preorders) == 1 or v[2] is None]
            common = mode(candidates) or (*present[0][:2], None)
            if common != inherited:
                product_stock[location.name] = stock_yaml(common)
            effective = common
            for key, value in here.items():
                if value is None:
                    variants[key].setdefault("stock", {})[location.name] = {"managed": False}
                elif value != effective:
                    variants[key].setdefault("stock", {})[location.name] = stock_yaml(value)
        if product_stock:
            doc["stock"] = product_stock


def stock_yaml(value: StockValue) -> Any:
    """A stock value as YAML: the shorthand (20, true) unless preorder needs a mapping."""
    tracking, amount, preorder = value
    if preorder is None:
        return amount
    key = "quantity" if tracking == "quantity" else "in_stock"
    return {key: amount, "preorder": dict(preorder)}


def sku_template(product: LiveProduct) -> str | None:
    """``TEE-{Size}-{Color}`` when every variant's SKU follows its choices that way."""
    names = [o.name for o in product.options]
    first = next((v for v in product.variants if v.sku), None)
    if first is None or any(not v.sku for v in product.variants) or len(product.variants) < 2:
        return None
    template = first.sku or ""
    # Replace the longest choices first so "XL" is not read as "X" + "L".
    for name, choice in sorted(zip(names, first.key, strict=True), key=lambda p: -len(p[1])):
        if not choice or choice not in template:
            return None
        template = template.replace(choice, "{" + name + "}", 1)
    if "{" not in template or re.search(r"\{[^}]*\{", template):
        return None
    for variant in product.variants:
        expected = template
        for name, choice in zip(names, variant.key, strict=True):
            expected = expected.replace("{" + name + "}", choice)
        if expected != variant.sku:
            return None
    return template


def export_store(live: LiveStore, *, policy: str = "initial") -> ExportDocument:
    return Exporter(live, policy).run()


def export_products(
    live: LiveStore, slugs: Iterable[str], *, declared_options: Iterable[str] = ()
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Some live products as YAML mappings, for a project that has its own store settings.

    Nothing is factored into the project's locations or defaults (they are the
    project's), no preorder message is assumed shared, and options the project
    declares (``declared_options``, names) are written as the choices used only.
    Returns the mappings by slug, and the notes (what the format cannot express).
    """
    exporter = Exporter(live, "initial")
    exporter.shared_message = None
    exporter.declared = {name_identity(name) for name in declared_options}
    out = {}
    for slug in sorted(slugs):
        product = live.products[slug]
        out[slug] = exporter._product(product, exporter.stock_values(product), {})
    return out, exporter.notes


__all__ = ["ExportDocument", "export_products", "export_store", "sku_template", "stock_yaml"]
