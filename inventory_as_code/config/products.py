"""Building one :class:`~inventory_as_code.model.Product` from its YAML mapping.

Per product: read the options, decide which variants exist (every
combination, minus ``exclude``, or only the listed ones), then give each
variant its SKU (its own, or the product's template filled in), prices
(variant over product) and its stock at every declared location (the four
inheritance levels, see :mod:`~inventory_as_code.config.stock`).

Stock is resolved once per (product, location) and shared by every variant
that adds nothing of its own there, which keeps a 50,000-variant catalog fast.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from inventory_as_code.config.context import Context, DocView
from inventory_as_code.config.options import read_options, read_swatches
from inventory_as_code.config.problems import PathPart, did_you_mean, listing
from inventory_as_code.config.reorder import read_points, with_points
from inventory_as_code.config.stock import (
    MAX_QUANTITY,
    PRODUCT,
    VARIANT,
    Layer,
    Place,
    merge,
    parse_block,
    resolve,
    shorthand_base,
    shorthand_entry,
)
from inventory_as_code.config.store_options import StoreOptions
from inventory_as_code.config.variants import (
    MAX_SKU,
    MAX_VARIANTS,
    OptionSpec,
    SkuTemplate,
    VariantKeyError,
    all_combinations,
    combination_count,
    order_key,
    parse_variant_key,
)
from inventory_as_code.model import (
    FrozenMap,
    Option,
    Origin,
    Product,
    ProductType,
    StockEntry,
    Tracking,
    Variant,
    variant_label,
)

Path = tuple[PathPart, ...]


# A variant's SKU, where it is written and the variant's path: registered with the
# context after every product is built (see ProjectBuilder.build).
SkuEntry = tuple[str, Origin, tuple[PathPart, ...]]


class ProductBuilder:
    def __init__(self, ctx: Context, store_options: StoreOptions | None = None) -> None:
        self.ctx = ctx
        self.skus: list[SkuEntry] = []  # of the product built last
        # Every product's options are definitions of the store's (shared) options.
        self.store_options = store_options

    def build(self, view: DocView, slug: str, data: Any) -> Product | None:
        self.skus = []
        if not isinstance(data, dict):
            return None  # the schema reported it
        path: Path = ("products", slug)
        origins: dict[str, Origin] = {"slug": view.key_at(view.doc.data["products"], slug)}
        name = view.text(data, "name") if "name" in data else None
        if name is not None and not 1 <= len(name) <= 80:
            name = None
        product_type = (
            ProductType(data["type"]) if data.get("type") in ("physical", "digital") else None
        )
        visible = data["visible"] if isinstance(data.get("visible"), bool) else None
        for field_name, value in (("name", name), ("type", product_type), ("visible", visible)):
            if value is not None:
                origins[field_name] = view.at(data, field_name)
        options = read_options(self.ctx, view, data, path)
        if options is None:
            return None
        swatches = {
            o.name: read_swatches(self.ctx, view, data["options"][o.name], path, o.name)
            for o in options
        }
        if self.store_options is not None and options:
            self.store_options.add_product(view, slug, data["options"], options, swatches)
        keys = self._variant_keys(view, data, path, options)
        if keys is None:
            return None
        variants = self._variants(view, slug, data, path, options, keys, product_type)
        return Product(
            slug=slug,
            name=name,
            product_type=product_type,
            visible=visible,
            options=tuple(
                Option(
                    o.name,
                    o.choices,
                    swatches[o.name],
                    FrozenMap({"name": view.key_at(data["options"], o.name)}),
                )
                for o in options
            ),
            variants=tuple(variants),
            origins=FrozenMap(origins),
        )

    def _variant_keys(
        self, view: DocView, data: dict[str, Any], path: Path, options: list[OptionSpec]
    ) -> list[tuple[tuple[str, ...], str | None]] | None:
        """(key, the YAML key under variants or None) for every variant, in option order."""
        report = self.ctx.report
        listed_raw: dict[str, Any] = (
            data["variants"] if isinstance(data.get("variants"), dict) else {}
        )
        exclude_raw: list[Any] = data["exclude"] if isinstance(data.get("exclude"), list) else []
        listed_mode = data.get("combinations") == "listed"
        if not options:
            for field_name in ("variants", "exclude", "combinations"):
                if field_name in data:
                    report(
                        view.key_at(data, field_name),
                        (*path, field_name),
                        f"{field_name} given, but the product has no options, "
                        "so it has exactly one "
                        "variant.",
                        "put sku, price and stock on the product itself, or add options.",
                    )
            return [((), None)]
        listed: dict[tuple[str, ...], str] = {}
        for raw_key in listed_raw:
            key = self._parse(view, listed_raw, raw_key, options, (*path, "variants", raw_key))
            if key is None:
                continue
            if key in listed:
                report(
                    view.key_at(listed_raw, raw_key),
                    (*path, "variants", raw_key),
                    f'"{raw_key}" is the same variant as "{listed[key]}".',
                    "merge the two entries into one.",
                )
                continue
            listed[key] = raw_key
        excluded: set[tuple[str, ...]] = set()
        for index, raw_key in enumerate(exclude_raw):
            if isinstance(raw_key, str):
                key = self._parse(view, exclude_raw, index, options, (*path, "exclude", index))
                if key is not None:
                    excluded.add(key)
        if listed_mode:
            if "exclude" in data:
                report(
                    view.key_at(data, "exclude"),
                    (*path, "exclude"),
                    "exclude has no effect with combinations: listed.",
                    "remove exclude; with combinations: listed only the keys under variants exist.",
                )
            if not listed:
                report(
                    view.at(data, "combinations"),
                    (*path, "combinations"),
                    "combinations: listed, but no variants are listed.",
                    "list the variants that exist under variants:, or use combinations: all.",
                )
                return None
            order = order_key(options)
            keys = sorted(listed, key=(lambda k: order[k]) if order else (lambda k: k))
            return [(key, listed[key]) for key in keys]
        total = combination_count(options) - len(excluded)
        if total > MAX_VARIANTS:
            counts = " x ".join(str(len(o.choices)) for o in options)
            report(
                view.key_at(data, "options"),
                (*path, "options"),
                f"these options make {total:,} variants ({counts}); Wix allows at most "
                f"{MAX_VARIANTS} per product.",
                "remove choices, split the product, or use combinations: listed.",
            )
            return None
        for key, raw_key in listed.items():
            if key in excluded:
                report(
                    view.key_at(listed_raw, raw_key),
                    (*path, "variants", raw_key),
                    f'variant "{raw_key}" is also in exclude, so it would not exist.',
                    "remove it from exclude or from variants.",
                )
        keys = [key for key in all_combinations(options) if key not in excluded]
        if not keys:
            report(
                view.key_at(data, "exclude"),
                (*path, "exclude"),
                "every combination is excluded, so the product would have no variants.",
                "remove entries from exclude.",
            )
            return None
        return [(key, listed.get(key)) for key in keys]

    def _parse(
        self, view: DocView, container: Any, slot: PathPart, options: list[OptionSpec], path: Path
    ) -> tuple[str, ...] | None:
        text = slot if isinstance(container, dict) else container[slot]
        assert isinstance(text, str)
        try:
            return parse_variant_key(text, options)
        except VariantKeyError as exc:
            where = (
                view.key_at(container, slot)
                if isinstance(container, dict)
                else view.at(container, slot)
            )
            self.ctx.report(where, path, exc.message, exc.hint)
            return None

    def _stock_layers(
        self,
        view: DocView,
        container: Any,
        level: int,
        path: Path,
        quantities: dict[str, tuple[int, Origin, Origin]] | None = None,
    ) -> dict[str, Layer]:
        """Layers by location name from a ``stock:`` mapping (unknown locations reported).

        With ``quantities``, a plain quantity (``L: 5``) goes there instead, as
        (quantity, its origin, the origin of its key), for :func:`shorthand_entry`.
        """
        stock = container.get("stock") if isinstance(container, dict) else None
        if not isinstance(stock, dict):
            return {}
        layers: dict[str, Layer] = {}
        known = self.ctx.location_names
        location_layers = self.ctx.location_layers
        for location, value in stock.items():
            if location not in location_layers:
                if location in self.ctx.removed_locations and not self._in_overlay(
                    view, stock, location
                ):
                    continue  # the site's overlay removed the location, and its stock with it
                declared = (
                    f"declared locations are {listing(known)}"
                    if known
                    else "no locations are declared"
                )
                self.ctx.report(
                    view.key_at(stock, location),
                    (*path, "stock", location),
                    f'unknown location "{location}"{did_you_mean(location, known, inline=True)}; '
                    f"{declared}.",
                    "correct the name, or add the location under locations:.",
                )
                continue
            if quantities is not None and type(value) is int and 0 <= value <= MAX_QUANTITY:
                quantities[location] = (value, *view.origins(stock, location))
                continue
            layers[location] = parse_block(
                stock,
                location,
                level,
                view.at,
                view.key_at,
                self.ctx.report,
                (*path, "stock", location),
            )
        return layers

    def _in_overlay(self, view: DocView, stock: dict[str, Any], location: str) -> bool:
        folder = self.ctx.overlay_folder
        return bool(folder) and view.key_at(stock, location).file.startswith(folder + "/")

    def _variants(
        self,
        view: DocView,
        slug: str,
        data: dict[str, Any],
        path: Path,
        options: list[OptionSpec],
        keys: list[tuple[tuple[str, ...], str | None]],
        product_type: ProductType | None,
    ) -> list[Variant]:
        ctx = self.ctx
        digital = None if product_type is None else product_type is ProductType.DIGITAL
        template = self._template(view, data, path, options, len(keys))
        price = ctx.money(view, data, "price", (*path, "price"))
        compare = ctx.money(view, data, "compare_at_price", (*path, "compare_at_price"))
        product_layers = self._stock_layers(view, data, PRODUCT, path)
        product_points = read_points(ctx, view, data, path, per_location=True)
        reorder = bool(product_points or ctx.location_reorder)
        bases = {
            name: merge(ctx.defaults_layer, ctx.location_layers[name], product_layers.get(name))
            for name in ctx.location_names
        }
        shorthand_bases = {name: shorthand_base(base) for name, base in bases.items()}
        shared: dict[str, StockEntry | None] = {}
        listed: dict[str, Any] = data["variants"] if isinstance(data.get("variants"), dict) else {}
        # The product's own price origins are the same for every variant: found once.
        price_origin = view.at(data, "price") if price is not None else None
        compare_origin = view.at(data, "compare_at_price") if compare is not None else None
        out: list[Variant] = []
        for key, raw_key in keys:
            vdata = listed.get(raw_key) if raw_key is not None else None
            vpath: Path = (*path, "variants", raw_key) if raw_key is not None else path
            label = variant_label(key)
            origins: dict[str, Origin] = {}
            sku = self._sku(view, data, vdata, key, template, vpath, origins)
            v_price, v_compare = price, compare
            if price_origin is not None:
                origins["price"] = price_origin
            if compare_origin is not None:
                origins["compare_at_price"] = compare_origin
            visible = None
            if isinstance(vdata, dict):
                if "price" in vdata:
                    v_price = ctx.money(view, vdata, "price", (*vpath, "price"))
                    origins["price"] = view.at(vdata, "price")
                if "compare_at_price" in vdata:
                    v_compare = ctx.money(
                        view, vdata, "compare_at_price", (*vpath, "compare_at_price")
                    )
                    origins["compare_at_price"] = view.at(vdata, "compare_at_price")
                if isinstance(vdata.get("visible"), bool):
                    visible = vdata["visible"]
                    origins["visible"] = view.at(vdata, "visible")
            if (
                v_price is not None
                and v_compare is not None
                and Decimal(v_compare) < Decimal(v_price)
            ):
                ctx.report(
                    origins["compare_at_price"],
                    (*vpath, "compare_at_price"),
                    f"compare-at price {v_compare}{f' of variant {label}' if key else ''} is below "
                    f"the price {v_price}.",
                    "the compare-at price is the old, higher price; raise it or remove it.",
                )
            quantities: dict[str, tuple[int, Origin, Origin]] = {}
            variant_layers = (
                self._stock_layers(view, vdata, VARIANT, vpath, quantities) if vdata else {}
            )
            stock: dict[str, StockEntry] = {}
            for location in ctx.location_names:
                layer = variant_layers.get(location)
                quantity = quantities.get(location) if quantities else None
                if quantity is not None:
                    shorthand = shorthand_bases[location]
                    if shorthand is not None:  # the common case, without merging layers
                        stock[location] = shorthand_entry(*quantity, *shorthand)
                        continue
                    layer = {
                        "managed": (True, quantity[2], VARIANT),
                        "quantity": (quantity[0], quantity[1], VARIANT),
                        "tracking": (Tracking.QUANTITY, quantity[1], VARIANT),
                    }
                if layer is None:
                    if location not in shared:
                        place = Place(slug, label if key else "", location, path)
                        shared[location] = resolve(bases[location], digital, place, ctx.report)
                    entry = shared[location]
                else:
                    place = Place(slug, label if key else "", location, vpath)
                    entry = resolve(merge(bases[location], layer), digital, place, ctx.report)
                if entry is not None:
                    stock[location] = entry
            variant_points = (
                read_points(ctx, view, vdata, vpath, per_location=True) if vdata else {}
            )
            if reorder or variant_points:
                stock = with_points(stock, variant_points, product_points, ctx.location_reorder)
            if sku is not None:
                self.skus.append((sku, origins["sku"], vpath))
            out.append(
                Variant(key, sku, v_price, v_compare, visible, FrozenMap(stock), FrozenMap(origins))
            )
        return out

    def _template(
        self, view: DocView, data: dict[str, Any], path: Path, options: list[OptionSpec], count: int
    ) -> SkuTemplate | None:
        text = view.text(data, "sku") if "sku" in data else None
        if not text:
            return None
        template = SkuTemplate(text, options)
        problems = template.problems(count)
        for message, hint in problems:
            self.ctx.report(view.at(data, "sku"), (*path, "sku"), message, hint)
        return None if problems else template

    def _sku(
        self,
        view: DocView,
        data: dict[str, Any],
        vdata: Any,
        key: tuple[str, ...],
        template: SkuTemplate | None,
        vpath: Path,
        origins: dict[str, Origin],
    ) -> str | None:
        if isinstance(vdata, dict) and "sku" in vdata:
            sku = view.text(vdata, "sku")
            if sku is None or not 1 <= len(sku) <= MAX_SKU:
                return None  # the schema reported it
            origins["sku"] = view.at(vdata, "sku")
            return sku
        if template is None:
            return None
        sku = template.fill(key)
        origins["sku"] = view.at(data, "sku")
        if not 1 <= len(sku) <= MAX_SKU:
            self.ctx.report(
                origins["sku"],
                (*vpath, "sku"),
                f'the SKU of variant {variant_label(key)} would be "{sku}", {len(sku)} characters; '
                f"Wix allows at most {MAX_SKU}.",
                "shorten the template or the choice names, or give the variant its own sku.",
            )
            return None
        return sku
