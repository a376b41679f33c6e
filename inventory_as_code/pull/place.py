"""Where each pulled value is written: in place, or as an override at the narrowest level.

Every value of the model remembers where the YAML writes it (its origin). When
that place belongs to the object alone (a variant's own ``price``, a product's
``name``, a variant's stock entry), the value is replaced there. When it is
shared:

* from ``defaults:`` or a location's ``stock:`` (store-wide): never rewritten
  there, since that would change every other object that inherits it; the
  object gets an explicit override at the narrowest level (the variant's entry
  under ``variants:``, created if absent; a product without options is its own
  variant);
* from the product (a ``price`` or a stock entry shared by its variants):
  rewritten at the product when every variant that inherits it takes the same
  new value, so a price raised for the whole product is one line; otherwise an
  override at each variant that changed;
* from a SKU template: the template is rewritten when every variant that
  follows it changed and their SKUs still follow one template
  (:func:`~.templates.sku_template`); otherwise each variant gets its own ``sku``;
* behind a YAML alias, or inside an anchor an alias repeats: refused, with the
  reason (the edit would change every value that shares it).

The writes are then checked against each file's tree (:func:`~..yamledit.refusal`),
so a value that cannot be written is refused alone and the rest are made.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from inventory_as_code.live.model import LiveStore
from inventory_as_code.model import (
    DesiredState,
    Origin,
    Origins,
    Product,
    StockEntry,
    variant_label,
)
from inventory_as_code.pull.files import Sources
from inventory_as_code.pull.model import NotPulled, PullError, Want
from inventory_as_code.pull.rules import SHORTHANDS
from inventory_as_code.pull.templates import sku_template
from inventory_as_code.yamledit import BOOL, INT, MONEY, TEXT, Node, Scalar, Tree, refusal

Path = tuple[str, ...]

KINDS = {
    "price": MONEY,
    "compare_at_price": MONEY,
    "quantity": INT,
    "preorder.limit": INT,
    "visible": BOOL,
    "in_stock": BOOL,
    "preorder.enabled": BOOL,
}


@dataclass(frozen=True, slots=True)
class Write:
    file: str
    path: Path
    scalar: Scalar


@dataclass(frozen=True, slots=True)
class Placed:
    want: Want
    writes: tuple[Write, ...]
    how: str = ""


@dataclass(frozen=True, slots=True)
class _Shared:
    """A want whose YAML value is written where other objects read it too."""

    want: Want
    origin: Origin
    node: Node
    path: Path
    owner: tuple[str, Path]  # (file, path) of the narrowest level


class Placer:
    def __init__(self, desired: DesiredState, live: LiveStore, sources: Sources) -> None:
        self.desired = desired
        self.live = live
        self.sources = sources
        self.placed: list[Placed] = []
        self.refused: list[NotPulled] = []
        self.aliased: list[Want] = []  # refused as behind an alias (lines told after the edit)

    def run(self, wants: Iterable[Want]) -> tuple[list[Placed], list[NotPulled]]:
        shared: list[_Shared] = []
        for want in wants:
            found = self._place(want)
            if found is not None:
                shared.append(found)
        self._shared(shared)
        placed = []
        for item in self.placed:
            reason = next(
                (
                    why
                    for write in item.writes
                    if (why := refusal(self.sources.tree(write.file), write.path, SHORTHANDS))
                ),
                None,
            )
            if reason is None:
                placed.append(item)
            else:
                self.refused.append(NotPulled(item.want, f"cannot be written: {reason}"))
        return placed, self.refused

    # --- one value ------------------------------------------------------------------

    def _place(self, want: Want) -> _Shared | None:
        if want.kind == "option":
            self._option(want)
            return None
        owner = self._owner(want)
        sub = _subpath(want)
        kind = KINDS.get(want.field, TEXT)
        origin = self._origin(want)
        if origin is None:
            node = self.sources.tree(owner[0]).get((*owner[1], *sub))
            if want.kind == "location" and node is None:
                self._add(want, owner[0], (*owner[1], *sub), Scalar(want.live, kind))
                return None
            if node is None:
                self.refused.append(NotPulled(want, "the YAML does not say where it is written"))
                return None
            origin = Origin(owner[0], node.line, node.column)
        tree = self.sources.tree(origin.file)
        node = tree.at(origin.line, origin.column)
        path = tree.path(node) if node is not None else None
        if node is None or path is None or not all(isinstance(p, str) for p in path):
            raise PullError(
                f"{origin.file} changed since it was loaded (nothing is written at "
                f"{origin.line}:{origin.column} any more); nothing was written. Run pull again."
            )
        path = tuple(str(p) for p in path)
        refused = alias_refusal(want, origin, tree)
        if refused is not None:
            self.refused.append(refused)
            self.aliased.append(want)
            return None
        if path[: len(owner[1])] == owner[1]:
            self._add(want, origin.file, _extend(path, sub), Scalar(want.live, kind, node.style))
            return None
        return _Shared(want, origin, node, path, owner)

    def _add(self, want: Want, file: str, path: Path, scalar: Scalar, how: str = "") -> None:
        self.placed.append(Placed(want, (Write(file, path, scalar),), how))

    def _owner(self, want: Want) -> tuple[str, Path]:
        """The file and path of the narrowest level that holds ``want``'s value."""
        if want.kind == "location":
            location = self.desired.locations[want.location]
            return location.origins["name"].file, ("locations", want.location)
        product = self.desired.products[want.slug]
        file = product.origins["slug"].file
        base: Path = ("products", want.slug)
        if want.kind == "product":
            return file, base
        if product.options:
            base = (*base, "variants", self._variant_key(file, base, want.variant))
        if want.kind == "stock":
            return file, (*base, "stock", want.location)
        return file, base

    def _variant_key(self, file: str, product: Path, key: tuple[str, ...]) -> str:
        """The variant's key as the YAML writes it (``S / Black``), or as it would be written."""
        label = variant_label(key)
        variants = self.sources.tree(file).get((*product, "variants"))
        for key_node, _ in variants.items if variants is not None else ():
            if _spaced(key_node.value) == label:
                return key_node.value
        return label

    def _origin(self, want: Want) -> Origin | None:
        if want.kind == "location" and want.field != "time_zone":
            return None  # an address part: found by its path in the address mapping
        return value_origin(self.desired, want)

    # --- values other objects share -------------------------------------------------

    def _shared(self, shared: list[_Shared]) -> None:
        groups: dict[tuple[Origin, str], list[_Shared]] = defaultdict(list)
        for item in shared:
            groups[(item.origin, item.want.field)].append(item)
        users = _dependents(self.desired, set(groups))
        for (origin, name), items in groups.items():
            first = items[0]
            count = users[(origin, name)]
            level = _level(first.path)
            product_level = level == "product" and all(
                i.path[:2] == ("products", i.want.slug) for i in items
            )
            # A SKU template gives each variant its own SKU: it is checked when it is made.
            same = first.want.field == "sku" or len({repr(i.want.live) for i in items}) == 1
            if (
                product_level
                and same
                and len(items) == count
                and self._whole_product(items, origin, count)
            ):
                continue
            for item in items:
                self._override(item, level, count, origin)

    def _whole_product(self, items: list[_Shared], origin: Origin, count: int) -> bool:
        """Rewrite the product's value itself: every variant that reads it takes the same one."""
        first = items[0]
        want = first.want
        value = want.live
        if want.field == "sku":
            template = self._template(items)
            if template is None:
                return False
            value = template
        scalar = Scalar(value, KINDS.get(want.field, TEXT), first.node.style)
        write = Write(origin.file, _extend(first.path, _subpath(want)), scalar)
        what = "SKU template" if want.field == "sku" else f"{_field_name(want.field)}"
        how = f"the product's {what}, shared by all {count} variants that inherit it"
        for item in items:
            self.placed.append(Placed(item.want, (write,), how))
        return True

    def _template(self, items: list[_Shared]) -> str | None:
        product = self.desired.products[items[0].want.slug]
        skus = [(item.want.variant, str(item.want.live)) for item in items]
        return sku_template([o.name for o in product.options], skus)

    def _override(self, item: _Shared, level: str, count: int, origin: Origin) -> None:
        want = item.want
        file, owner = item.owner
        path = (*owner, *_subpath(want))
        scalar = Scalar(want.live, KINDS.get(want.field, TEXT), item.node.style)
        name = _field_name(want.field)
        if want.field == "sku" and item.node.value != want.yaml:
            source = f"the SKU template {item.node.value} ({origin}) stays"
        elif level == "defaults":
            source = f"the {name} in defaults ({origin}) stays"
        elif level == "location":
            source = f'the {name} of location "{item.path[1]}" ({origin}) stays'
        else:
            source = f"the product's {name} ({origin}) stays"
        objects = "stock item" if want.kind == "stock" else "variant"
        others = count - 1
        plural, verb = ("s", "inherit") if others > 1 else ("", "inherits")
        rest = f" for the {others} other {objects}{plural} that {verb} it" if others else ""
        target = "the variant" if want.variant else "the product"
        self._add(want, file, path, scalar, f"an override at {target}; {source}{rest}")

    # --- options --------------------------------------------------------------------

    def _option(self, want: Want) -> None:
        """A swatch colour: replaced everywhere the YAML writes that choice's colour."""
        option = self.desired.options.get(want.option)
        choice = want.field.split(".", 1)[1]
        if option is None:
            self.refused.append(NotPulled(want, "the option is not in the YAML"))
            return
        places: list[tuple[str, Path]] = []
        name_origin = option.origins.get("name")
        if option.declared and name_origin is not None:
            places.append((name_origin.file, ("options", option.name, "swatches", choice)))
        for slug in option.users:
            product = self.desired.products.get(slug)
            if product is not None:
                places.append(
                    (
                        product.origins["slug"].file,
                        ("products", slug, "options", option.name, "swatches", choice),
                    )
                )
        writes = []
        for file, path in places:
            tree = self.sources.tree(file)
            node = tree.get(path)
            if node is None:
                continue
            why = tree.shared(node)
            if why is not None:
                self.refused.append(NotPulled(want, f"behind a YAML alias: {why}"))
                return
            writes.append(Write(file, path, Scalar(want.live, TEXT, node.style)))
        if not writes:
            self.refused.append(NotPulled(want, "the YAML does not say where it is written"))
            return
        how = f"the option's colour, written in {len(writes)} places" if len(writes) > 1 else ""
        self.placed.append(Placed(want, tuple(writes), how))


def alias_refusal(want: Want, origin: Origin, tree: Tree) -> NotPulled | None:
    """The refusal of a value the YAML writes behind an alias (None when it is not)."""
    node = tree.at(origin.line, origin.column)
    why = tree.shared(node) if node is not None else None
    if why is None:
        return None
    return NotPulled(
        want,
        f"the YAML value ({origin}) is behind a YAML alias: {why}; editing it would change "
        "every value that shares it. Edit it by hand",
    )


def value_origin(desired: DesiredState, want: Want) -> Origin | None:
    """Where the YAML writes the value ``want`` names (its origin in the model)."""
    origins: Origins | None = None
    name = want.field
    if want.kind == "location":
        origins = desired.locations[want.location].origins
        name = "time_zone" if want.field == "time_zone" else "address"
    elif want.kind == "option":
        option = desired.options.get(want.option)
        origins = option.origins if option is not None else None
        name = "swatch:" + want.field.split(".", 1)[1]
    elif want.slug in desired.products:
        product: Product = desired.products[want.slug]
        variant = product.variant(want.variant)
        entry = variant.stock.get(want.location) if variant is not None else None
        if want.kind == "product":
            origins = product.origins
        elif want.kind == "variant" and variant is not None:
            origins = variant.origins
        elif isinstance(entry, StockEntry) and want.field.startswith("preorder."):
            origins = entry.preorder.origins if entry.preorder is not None else None
            name = want.field[9:]
        elif isinstance(entry, StockEntry):
            origins = entry.origins
    if origins is None or name not in origins:
        return None
    return origins[name]


def _subpath(want: Want) -> Path:
    if want.kind == "location" and want.field.startswith("address."):
        return ("address", want.field[8:])
    return tuple(want.field.split("."))


def _extend(path: Path, sub: Path) -> Path:
    """The full path of the field ``sub`` at the value written at ``path``.

    ``path`` may end where a shorthand stands for the field (``stock.Main`` for
    ``quantity``, ``preorder`` for ``preorder.enabled``).
    """
    for size in range(len(sub), 0, -1):
        if path[-size:] == sub[:size]:
            return (*path, *sub[size:])
    return (*path, *sub)


def _level(path: Path) -> str:
    if path[:1] == ("defaults",):
        return "defaults"
    if path[:1] == ("locations",):
        return "location"
    if path[:1] == ("products",):
        return "product"
    return "other"


def _spaced(text: str) -> str:
    return re.sub(r"\s*/\s*", "/", text.strip())


def _field_name(name: str) -> str:
    return name.replace("_", " ").replace(".", " ")


def _dependents(
    desired: DesiredState, wanted: set[tuple[Origin, str]]
) -> Counter[tuple[Origin, str]]:
    """How many objects read each (origin, field): the objects a rewrite there would change."""
    counts: Counter[tuple[Origin, str]] = Counter()
    if not wanted:
        return counts
    names = {name for _, name in wanted}
    for product in desired.products.values():
        _count_product(product, names, wanted, counts)
    return counts


def _count_product(
    product: Product,
    names: set[str],
    wanted: set[tuple[Origin, str]],
    counts: Counter[tuple[Origin, str]],
) -> None:
    for variant in product.variants:
        for name in names & {"sku", "price", "compare_at_price", "visible"}:
            origin = variant.origins.get(name)
            if (origin, name) in wanted:
                counts[(origin, name)] += 1
        for entry in variant.stock.values():
            for name in names & {"quantity", "in_stock"}:
                origin = entry.origins.get(name)
                if (origin, name) in wanted:
                    counts[(origin, name)] += 1
            if entry.preorder is not None:
                for key, origin in entry.preorder.origins.items():
                    if (origin, f"preorder.{key}") in wanted:
                        counts[(origin, f"preorder.{key}")] += 1
