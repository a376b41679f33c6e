"""Assembling the whole project: merging files, then building the model.

Files are merged as one document. ``locations``, ``defaults``, ``prune`` and
``options`` describe the store as a whole, so each may appear in one file only (a second
block is reported with both places); products are spread freely over files,
and a slug defined twice is reported with both places.

Building happens in dependency order: locations first (stock refers to them
by name), then store defaults and location-level stock, the store-level
options, then the products (whose options are definitions of the store's:
:mod:`.store_options`). The
builders read only values the schema accepted, so the order of checks never
turns a mistake into a crash.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from inventory_as_code.config.context import Context, DocView
from inventory_as_code.config.document import Document
from inventory_as_code.config.moves import check_moves, read_moves
from inventory_as_code.config.problems import ProblemCollector, did_you_mean
from inventory_as_code.config.products import ProductBuilder, SkuEntry
from inventory_as_code.config.refills import check_refills
from inventory_as_code.config.reorder import read_points
from inventory_as_code.config.stock import DEFAULTS, LOCATION, parse_block
from inventory_as_code.config.store_options import StoreOptions
from inventory_as_code.model import (
    Address,
    DesiredState,
    FrozenMap,
    Location,
    Origin,
    Product,
    Prune,
)

SECTIONS = ("locations", "defaults", "prune", "options")


@cache
def _time_zones() -> frozenset[str]:
    try:
        return frozenset(zoneinfo.available_timezones())
    except Exception:  # pragma: no cover - no tz database on this machine: skip the check
        return frozenset()


class ProjectBuilder:
    """Collects documents with :meth:`add`, then builds the model with :meth:`build`.

    Products can be built before the last file is read (:meth:`build_pending`),
    once every file that may hold a store-wide block has been added: the loader
    reads those first (:func:`.loader.store_wide_first`), so each product file's
    YAML and positions are freed as soon as its products are built, instead of
    every file's staying alive until the last one is parsed. Problems found
    while building go to ``deferred`` when given: the loader drops them when a
    file could not be read (every product would look wrong).
    """

    def __init__(
        self, problems: ProblemCollector, deferred: ProblemCollector | None = None
    ) -> None:
        self.ctx = Context(problems)
        self._problems = problems
        self._deferred = deferred if deferred is not None else problems
        self.files: list[str] = []
        self.sections: dict[str, tuple[DocView, Any]] = {}
        # A second locations block is an error, but its names are still known to the
        # products, so one misplaced block does not make every stock entry look wrong.
        self.extra_locations: list[tuple[DocView, Any]] = []
        self.products: dict[str, tuple[DocView, Any]] = {}
        self.moved: list[tuple[DocView, list[Any]]] = []
        # Once building has begun: the store-wide parts, and what was built so far.
        self._builder: ProductBuilder | None = None
        self._locations_built: dict[str, Location] = {}
        self._store_options: StoreOptions | None = None
        self._built: dict[str, Product] = {}
        self._skus: dict[str, list[SkuEntry]] = {}
        self._built_at: dict[str, Origin] = {}  # where each built product was defined

    def add(self, doc: Document) -> None:
        building, self.ctx.problems = self.ctx.problems, self._problems
        try:
            self._add(doc)
        finally:
            self.ctx.problems = building

    def _add(self, doc: Document) -> None:
        self.files.append(doc.file)
        view = DocView(doc)
        for section in SECTIONS:
            if section not in doc.data:
                continue
            if self._builder is not None:
                raise RuntimeError(f"{doc.file}: a {section} block after products were built")
            if section in self.sections:
                first = self.sections[section][0]
                self.ctx.report(
                    view.key_at(doc.data, section),
                    (section,),
                    f"{section} is already defined in {first.key_at(first.doc.data, section)}; "
                    f"a project has one {section} block.",
                    "move these entries into that block and remove this one.",
                )
                if section == "locations":
                    self.extra_locations.append((view, doc.data[section]))
                continue
            self.sections[section] = (view, doc.data[section])
        if isinstance(doc.data.get("moved"), list):
            self.moved.append((view, doc.data["moved"]))
        products = doc.data.get("products")
        if not isinstance(products, dict):
            return
        for slug, data in products.items():
            if slug in self.products or slug in self._built_at:
                if slug in self.products:
                    first_view = self.products[slug][0]
                    where = first_view.key_at(first_view.doc.data["products"], slug)
                else:
                    where = self._built_at[slug]
                self.ctx.report(
                    view.key_at(products, slug),
                    ("products", slug),
                    f'product "{slug}" is already defined in {where}.',
                    "slugs are unique in a store: rename one of them or remove the duplicate.",
                )
                continue
            self.products[slug] = (view, data)

    def build_pending(self) -> None:
        """Build the products added so far; every store-wide block must be in by now."""
        self.ctx.problems = self._deferred
        if self._builder is None:
            self._locations_built = self._locations()
            self._defaults()
            self._store_options = StoreOptions(self.ctx)
            if "options" in self.sections:
                self._store_options.declare(*self.sections["options"])
            self._builder = ProductBuilder(self.ctx, self._store_options)
        builder = self._builder
        # File by file, dropping each product's YAML once built: a file's values and
        # positions (most of the memory a large catalog takes while it loads) are
        # freed with its last product, not after the whole catalog is built.
        while self.products:
            slug = next(iter(self.products))
            view, data = self.products.pop(slug)
            self._built_at[slug] = view.key_at(view.doc.data["products"], slug)
            product = builder.build(view, slug, data)
            del view, data
            self._skus[slug] = builder.skus
            if product is not None:
                self._built[slug] = product

    def build(self) -> DesiredState:
        self.build_pending()
        assert self._store_options is not None
        locations, store_options = self._locations_built, self._store_options
        products, skus = self._built, self._skus
        # SKUs in slug order, as before: it decides which variant a clash names first.
        for slug in sorted(skus):
            for sku, origin, path in skus[slug]:
                self.ctx.register_sku(sku, origin, path)
        check_refills(self.ctx, locations, products)
        options = store_options.build()
        moves = check_moves(self.ctx, read_moves(self.moved), locations, products, options)
        return DesiredState(
            locations=FrozenMap({name: locations[name] for name in sorted(locations)}),
            products=FrozenMap({slug: products[slug] for slug in sorted(products)}),
            prune=self._prune(),
            options=options,
            moves=moves,
            files=tuple(self.files),
        )

    def _locations(self) -> dict[str, Location]:
        ctx = self.ctx
        if "locations" not in self.sections:
            return {}
        out: dict[str, Location] = {}
        defaults: list[str] = []
        for view, block in [self.sections["locations"], *self.extra_locations]:
            if isinstance(block, dict):
                self._location_block(view, block, out, defaults)
        ctx.location_names = sorted(out)
        view = self.sections["locations"][0]
        if out and not defaults:
            ctx.report(
                view.key_at(view.doc.data, "locations"),
                ("locations",),
                "no location is marked as the store's default location.",
                "add default: true to the location Wix created with the store "
                "(the one online orders take stock from).",
            )
        return out

    def _location_block(
        self, view: DocView, block: dict[str, Any], out: dict[str, Location], defaults: list[str]
    ) -> None:
        ctx = self.ctx
        for name, data in block.items():
            if not 1 <= len(name) <= 150 or not isinstance(data, (dict, type(None))):
                continue
            data = data or {}
            path = ("locations", name)
            if name in out:
                ctx.report(
                    view.key_at(block, name),
                    path,
                    f'location "{name}" is already declared in {out[name].origins["name"]}.',
                    "declare each location once.",
                )
                continue
            origins = {"name": view.key_at(block, name)}
            is_default = data.get("default") is True
            if "default" in data:
                origins["is_default"] = view.at(data, "default")
            if is_default:
                defaults.append(name)
                if len(defaults) > 1:
                    ctx.report(
                        view.at(data, "default"),
                        (*path, "default"),
                        f'"{defaults[0]}" is already the default location; '
                        "a store has exactly one.",
                        "keep default: true on one location only.",
                    )
            time_zone = data.get("time_zone") if isinstance(data.get("time_zone"), str) else None
            if time_zone is not None:
                origins["time_zone"] = view.at(data, "time_zone")
                zones = _time_zones()
                if zones and time_zone not in zones:
                    ctx.report(
                        origins["time_zone"],
                        (*path, "time_zone"),
                        f'unknown time zone "{time_zone}"{did_you_mean(time_zone, zones)}',
                        "use an IANA time zone name such as Europe/Berlin or America/New_York.",
                    )
                    time_zone = None
            points = read_points(ctx, view, data, path, per_location=False)
            if None in points:
                ctx.location_reorder[name] = points[None]
            address = self._address(view, data)
            if address is not None:
                origins["address"] = view.at(data, "address")
            ctx.location_layers[name] = (
                parse_block(
                    data, "stock", LOCATION, view.at, view.key_at, ctx.report, (*path, "stock")
                )
                if "stock" in data
                else {}
            )
            out[name] = Location(name, is_default, address, time_zone, FrozenMap(origins))

    @staticmethod
    def _address(view: DocView, data: dict[str, Any]) -> Address | None:
        raw = data.get("address")
        if not isinstance(raw, dict):
            return None
        fields = {}
        for name in ("street", "city", "postal_code", "subdivision", "country"):
            fields[name] = view.text(raw, name) if name in raw else None
        return Address(**fields)

    def _defaults(self) -> None:
        if "defaults" not in self.sections:
            return
        view, block = self.sections["defaults"]
        if isinstance(block, dict) and isinstance(block.get("stock"), dict):
            self.ctx.defaults_layer = parse_block(
                block,
                "stock",
                DEFAULTS,
                view.at,
                view.key_at,
                self.ctx.report,
                ("defaults", "stock"),
            )

    def _prune(self) -> Prune:
        if "prune" not in self.sections:
            return Prune()
        view, block = self.sections["prune"]
        if not isinstance(block, dict):
            return Prune()
        values: dict[str, bool] = {}
        origins: dict[str, Origin] = {}
        for kind in ("locations", "products", "variants", "inventory"):
            if isinstance(block.get(kind), bool):
                values[kind] = block[kind]
                origins[kind] = view.at(block, kind)
        return Prune(**values, origins=FrozenMap(origins))
