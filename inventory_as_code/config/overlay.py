"""A site's overlay: YAML that overrides values of the shared catalogue for one site.

``[sites.de] overlay = "sites/de"`` names a folder whose YAML files have the
same keys as the catalogue's (``locations``, ``defaults``, ``options``,
``prune``, ``products``, ``moved``). The site's desired state is the base
catalogue with the overlay merged onto it, before the model is built, so an
overlay's product price is inherited by the variants exactly as the base's
would be, and every rule of the format checks the merged result.

The merge, keyed by name the way Kustomize's strategic merge is:

* A mapping merges onto a mapping key by key, recursively: a product by its
  slug, a location by its name, a variant by its key, stock by location.
  What the overlay does not name stays as the base has it.
* Anything else replaces: a scalar, a list (an option's choices, ``exclude``:
  the overlay's list is the whole list), a mapping where the base has none.
* Stock entries (``L: 5``, ``L: {...}``) merge as the mapping a shorthand
  stands for (``5`` is ``{quantity: 5}``, ``true`` is ``{in_stock: true}``,
  ``preorder: true`` is ``{enabled: true}``); and an overlay entry that sets
  any of ``tracking``, ``quantity``, ``in_stock`` replaces all of those and
  ``managed`` of the base's: giving a site stock somewhere manages it there,
  by the method the overlay says.
* ``$patch: delete`` as an entry's only key removes the entry (a product, a
  variant's settings, a location, an option, a stock entry, a block); the
  base must have it. Removing a location drops the base's stock entries at
  it too.
* ``$patch: replace`` in a mapping makes it replace the base's instead of
  merging onto it.
* ``moved:`` entries are added to the base's.

Within the overlay's own files, the rules of a project hold: each block once,
each product once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.config import schema
from inventory_as_code.config.build import ProjectBuilder
from inventory_as_code.config.context import DocView
from inventory_as_code.config.document import Document, Entry
from inventory_as_code.config.merged_view import MergedView, Placed
from inventory_as_code.config.problems import PathPart, ProblemCollector, format_path
from inventory_as_code.model import Origin

PATCH = "$patch"
DELETE, REPLACE = "delete", "replace"
TRACKING_GROUP = ("tracking", "quantity", "in_stock", "managed")

Path = tuple[PathPart, ...]


@dataclass(slots=True)
class Patches:
    """The ``$patch`` directives of a site's overlay files, taken out of their YAML.

    ``deletes``: entries to remove, by the identity of the overlay's mapping
    they were written in; ``replaces``: overlay mappings that replace. The
    documents are kept so the identities stay valid.
    """

    problems: ProblemCollector
    deletes: dict[int, list[tuple[PathPart, Origin]]] = field(default_factory=dict)
    replaces: set[int] = field(default_factory=set)
    docs: list[Document] = field(default_factory=list)

    def take(self, doc: Document) -> None:
        """Record and remove the directives of ``doc`` (before its schema check)."""
        self.docs.append(doc)
        view = DocView(doc)
        if PATCH in doc.data:
            self._report(view.key_at(doc.data, PATCH), (PATCH,), "a whole file")
            del doc.data[PATCH]
        for key, value in list(doc.data.items()):
            self._walk(view, doc.data, key, value, (key,))

    def _walk(self, view: DocView, parent: Any, key: PathPart, value: Any, path: Path) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict) and PATCH in item:
                    self._report(view.key_at(item, PATCH), (*path, index, PATCH), "a list entry")
                    del item[PATCH]
                self._walk(view, value, index, item, (*path, index))
            return
        if not isinstance(value, dict):
            return
        if PATCH in value:
            directive = value[PATCH]
            where = view.at(value, PATCH)
            if directive == DELETE:
                if len(value) > 1:
                    others = ", ".join(str(k) for k in value if k != PATCH)
                    self.problems.add(
                        where.file,
                        where.line,
                        where.column,
                        format_path((*path, PATCH)),
                        f"$patch: delete removes the entry, but it also gives {others}.",
                        "write $patch: delete alone to remove it, or $patch: replace to replace "
                        "it with the other keys.",
                    )
                    del value[PATCH]
                elif isinstance(parent, dict):
                    self.deletes.setdefault(id(parent), []).append((key, view.key_at(parent, key)))
                    del parent[key]
                    return
            elif directive == REPLACE:
                self.replaces.add(id(value))
                del value[PATCH]
            else:
                self.problems.add(
                    where.file,
                    where.line,
                    where.column,
                    format_path((*path, PATCH)),
                    f"$patch must be delete or replace, not {directive!r}.",
                    "delete removes the entry from the site; replace replaces the base's "
                    "mapping instead of merging onto it.",
                )
                del value[PATCH]
        for child_key, child in list(value.items()):
            self._walk(view, value, child_key, child, (*path, child_key))

    def _report(self, where: Origin, path: Path, what: str) -> None:
        self.problems.add(
            where.file,
            where.line,
            where.column,
            format_path(path),
            f"$patch cannot apply to {what}; it applies to an entry of a mapping.",
            "put $patch: delete or $patch: replace in the entry to remove or replace "
            "(a product, a location, a variant, a stock entry).",
        )


def merge_overlay(
    base: ProjectBuilder, overlay: ProjectBuilder, patches: Patches, folder: str
) -> None:
    """Merge the site's overlay (collected in ``overlay``) onto ``base``, in place.

    Problems (a deletion of something the base does not have) go to the
    base's collector. ``folder``: the overlay's folder, so the base's stock
    at a location the overlay removes is dropped but the overlay's is not.
    """
    _Merge(base, overlay, patches, folder).run()


class _Merge:
    def __init__(
        self, base: ProjectBuilder, overlay: ProjectBuilder, patches: Patches, folder: str
    ) -> None:
        self.base = base
        self.overlay = overlay
        self.patches = patches
        self.folder = folder
        self.problems = base.ctx.problems

    def run(self) -> None:
        base, overlay = self.base, self.overlay
        base_locations = self._location_names()
        for doc in self.patches.docs:
            for section, where in self.patches.deletes.get(id(doc.data), ()):
                if section == "products":
                    base.products.clear()
                elif section in base.sections:
                    del base.sections[section]
                else:
                    self._nothing(where, (section,), "the base catalogue has no such block")
        for section, (view, data) in overlay.sections.items():
            if section == "moved":
                continue
            found = base.sections.get(section)
            if found is None:
                self._check_new(data, (section,))
                base.sections[section] = (view, data)
                continue
            base.sections[section] = self._item(found, (view, data), "", section)
        self._products()
        base.moved.extend(overlay.moved)
        base.files.extend(overlay.files)
        base.ctx.removed_locations = frozenset(base_locations - self._location_names())
        base.ctx.overlay_folder = self.folder

    def _location_names(self) -> set[str]:
        found = self.base.sections.get("locations")
        return set(found[1]) if found is not None and isinstance(found[1], dict) else set()

    def _products(self) -> None:
        base, overlay = self.base, self.overlay
        for doc in self.patches.docs:
            products = doc.data.get("products")
            if not isinstance(products, dict):
                continue
            if id(products) in self.patches.replaces:
                base.products.clear()
            for slug, where in self.patches.deletes.get(id(products), ()):
                if base.products.pop(str(slug), None) is None:
                    self._nothing(where, ("products", slug), "the base catalogue has no product")
        for slug, (view, data) in overlay.products.items():
            found = base.products.get(slug)
            if found is None:
                self._check_new(data, ("products", slug))
                base.products[slug] = (view, data)
                continue
            base.products[slug] = self._item(found, (view, data), "products", slug)

    def _item(
        self, base: tuple[DocView, Any], over: tuple[DocView, Any], group: str, key: str
    ) -> tuple[DocView, Any]:
        """One product (``group`` "products") or store-wide block, merged."""
        base_view, base_data = base
        over_view, over_data = over
        sources = _sources(base_view) + _sources(over_view)
        merged: dict[int, dict[PathPart, Placed]] = {}
        step = _Step(self, merged, sources)
        path: Path = (group, key) if group else (key,)
        # The item's own key: where the base declares it (a slug, a block's name).
        base_top = base_view.doc.data[group] if group else base_view.doc.data
        top_key = _placed(base_view, base_top, key)
        value = step.merge(base_data, over_data, path, top_key)
        if group:
            holder: dict[str, Any] = {key: value}
            merged[id(holder)] = {key: top_key}
            top: dict[str, Any] = {group: holder}
        else:
            top = {key: value}
            merged[id(top)] = {key: top_key}
        return MergedView(over_view.file, top, merged, sources), value

    def _check_new(self, value: Any, path: Path) -> None:
        """Deletions inside what the base does not have delete nothing: say so."""
        if not self.patches.deletes:
            return
        stack: list[tuple[Any, Path]] = [(value, path)]
        while stack:
            container, where = stack.pop()
            if isinstance(container, dict):
                for key, origin in self.patches.deletes.get(id(container), ()):
                    self._nothing(origin, (*where, key), "the base catalogue has no such entry")
                stack.extend((child, (*where, k)) for k, child in container.items())
            elif isinstance(container, list):
                stack.extend((child, (*where, i)) for i, child in enumerate(container))

    def _nothing(self, where: Origin, path: Path, why: str) -> None:
        self.problems.add(
            where.file,
            where.line,
            where.column,
            format_path(path),
            f"$patch: delete removes nothing here: {why} at {format_path(path)}.",
            "correct the name (as the base catalogue writes it), or remove the entry.",
        )


def _sources(view: DocView) -> tuple[DocView, ...]:
    return view.sources if isinstance(view, MergedView) else (view,)


def _placed(view: DocView, container: Any, key: PathPart) -> Placed:
    if isinstance(view, MergedView):
        found = view.find(container, key)
        if found is not None:
            return found
    return view.file, view.entry(container, key)


class _Step:
    """The recursive merge of one item, recording each merged container's positions."""

    def __init__(
        self, merge: _Merge, merged: dict[int, dict[PathPart, Placed]], sources: Iterable[DocView]
    ) -> None:
        self.owner = merge
        self.merged = merged
        self.sources = tuple(sources)

    def where(self, container: Any, key: PathPart) -> Placed:
        cid = id(container)
        own = self.merged.get(cid)
        if own is not None and key in own:
            return own[key]
        for source in self.sources:
            entries = source.table.get(cid)
            if entries is not None and key in entries:
                return source.file, entries[key]
        return "", (1, 1, 1, 1, None)

    def merge(
        self, base: Any, over: Any, path: Path, place: Placed, over_place: Placed | None = None
    ) -> Any:
        """``over`` merged onto ``base``; ``place``/``over_place``: where each was written
        (a shorthand's position stands for the field it abbreviates)."""
        patches = self.owner.patches
        if isinstance(base, dict) and over_place is not None and is_stock_entry(path):
            over = self._expanded(over, True, over_place)  # L: 8 keeps the base's policy at L
        if not isinstance(over, dict) or id(over) in patches.replaces:
            if isinstance(over, dict):
                self.owner._check_new(over, path)
            return over
        entry = is_stock_entry(path)
        if entry or (len(path) >= 2 and path[-1] == "preorder" and in_stock_entry(path)):
            base = self._expanded(base, entry, place)
        if base is None:
            base = {}
        if not isinstance(base, dict):
            self.owner._check_new(over, path)
            return over
        out: dict[PathPart, Any] = {}
        places: dict[PathPart, Placed] = {}
        tracked = entry and any(k in over for k in TRACKING_GROUP[:3])
        for key, value in base.items():
            if tracked and key in TRACKING_GROUP:
                continue  # the overlay chose the tracking: the base's gives way (docstring)
            out[key] = value
            places[key] = self.where(base, key)
        for key, value in over.items():
            if key in out:
                mine = self.merge(out[key], value, (*path, key), places[key], self.where(over, key))
                if mine is value or not isinstance(value, dict):
                    places[key] = self.where(over, key)  # the overlay wrote it whole
                out[key] = mine
            else:
                self.owner._check_new(value, (*path, key))
                out[key] = value
                places[key] = self.where(over, key)
        for key, origin in patches.deletes.get(id(over), ()):
            if key in out:
                del out[key]
                del places[key]
            elif not (tracked and key in TRACKING_GROUP):
                self.owner._nothing(origin, (*path, key), "the base catalogue has no such entry")
        self.merged[id(out)] = places
        return out

    def _expanded(self, value: Any, entry: bool, place: Placed) -> Any:
        """A stock shorthand (or ``preorder: true``) as the mapping it stands for."""
        if isinstance(value, dict) or value is None:
            return value
        if isinstance(value, bool):
            key = "in_stock" if entry else "enabled"
        elif entry and isinstance(value, int):
            key = "quantity"
        else:
            return value
        # Where the shorthand was written: its value's position stands for the field.
        out = {key: value}
        file, found = place
        mark: Entry = (found[2], found[3], found[2], found[3], found[4])
        self.merged[id(out)] = {key: (file, mark)}
        return out


def is_stock_entry(path: Path) -> bool:
    """A stock entry: a value under ``stock:`` at any level (``defaults.stock`` and
    ``locations.L.stock`` are entries themselves)."""
    n = len(path)
    if not n or path[0] not in ("defaults", "locations", "products"):
        return False
    if path[0] == "defaults":
        return path == ("defaults", "stock")
    if path[0] == "locations":
        return n == 3 and path[2] == "stock"
    return (n == 4 and path[2] == "stock") or (
        n == 6 and path[2] == "variants" and path[4] == "stock"
    )


def in_stock_entry(path: Path) -> bool:
    return is_stock_entry(path[:-1])


def check_merged(builder: ProjectBuilder, problems: ProblemCollector) -> None:
    """The schema on what merging made: two valid halves can make too much (a 7th option)."""
    for section, (view, data) in builder.sections.items():
        if isinstance(view, MergedView):
            schema.check_merged(section, None, data, _where(view), problems)
    for slug, (view, data) in builder.products.items():
        if isinstance(view, MergedView):
            schema.check_merged("products", slug, data, _where(view), problems)


def _where(view: MergedView) -> schema.Where:
    def where(path: Sequence[PathPart], key: bool) -> tuple[str, int, int]:
        file, line, column = view.file, 1, 1
        container: Any = view.doc.data
        for part in path:
            found = view.find(container, part)
            if found is None:
                break
            file, entry = found
            line, column = (entry[0], entry[1]) if key else (entry[2], entry[3])
            try:
                container = container[part]
            except (KeyError, IndexError, TypeError):
                break
        return file, line, column

    return where
