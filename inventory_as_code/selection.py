"""Which part of the store a plan covers: the whole store, or some products.

A plan of a pull request that changes one price should read one product,
not ten thousand. Two ways to say which:

* ``--target ADDRESS``: each product, variant or stock address names its
  product by slug, so the read covers those products. A location target
  selects that location's stock in *every* product, so it reads everything.
* ``--changed-since REF``: the products whose YAML differs between the git
  commit REF and the working tree. Found from the changed files alone: both
  versions of each changed YAML file are parsed and compared product by
  product, so an untouched catalog costs nothing. A product's model depends
  only on its own YAML and on the store-wide blocks (``locations``,
  ``defaults``, ``prune``, ``moved``); when a changed file holds one of those,
  everything under it may differ, and the whole store is planned.

The selection carries the planner's targets too: planning some products
means keeping exactly their changes, the same ``--target`` filter a user can
write, so a narrowed plan equals the whole plan restricted to its addresses.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from inventory_as_code.config.projectfile import PROJECT_CONFIG
from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.plan.addresses import product_address

STORE_WIDE = ("locations", "defaults", "prune", "moved", "options")
_YAML = (".yaml", ".yml")
_GIT_TIMEOUT = 60
_MAX_FILE = 64 * 1024 * 1024  # as the loader: bigger files are refused there anyway


class SelectionError(InventoryAsCodeError):
    """``--changed-since``: the reference or the repository cannot be read."""


@dataclass(frozen=True, slots=True)
class Selection:
    """``slugs`` None: the whole store; else only these products (maybe none)."""

    slugs: frozenset[str] | None
    targets: tuple[str, ...]
    why: str = ""
    typed: bool = False  # the user's own --target: one that names nothing is refused

    @property
    def whole(self) -> bool:
        return self.slugs is None

    @property
    def nothing(self) -> bool:
        return self.slugs is not None and not self.slugs


def everything(targets: Iterable[str] = (), why: str = "") -> Selection:
    return Selection(None, tuple(targets), why)


def products(slugs: Iterable[str], why: str = "") -> Selection:
    chosen = frozenset(slugs)
    return Selection(chosen, tuple(product_address(s) for s in sorted(chosen)), why)


def target_slug(target: str) -> str | None:
    """The slug a product, variant or stock address starts with; None for anything else."""
    kind, bracket, rest = target.partition("[")
    if kind not in ("product", "variant", "stock") or not bracket:
        return None
    try:
        slug, end = json.JSONDecoder().raw_decode(rest)
    except ValueError:
        return None
    # Only a complete part: a prefix like product["te would match several slugs.
    if not isinstance(slug, str) or not rest[end:].startswith("]"):
        return None
    return slug


def for_targets(targets: Iterable[str]) -> Selection:
    targets = tuple(targets)
    if not targets:
        return everything()
    slugs = [target_slug(t) for t in targets]
    if any(s is None for s in slugs):
        return Selection(None, targets, "a --target that is not a product's reads everything", True)
    return Selection(frozenset(s for s in slugs if s), targets, "--target", typed=True)


# --- --changed-since ---------------------------------------------------------------------


def _git(root: Path, *args: str, binary: bool = False) -> Any:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise SelectionError(f"--changed-since needs git: {exc}") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SelectionError(
            f"git {args[0]} failed: {message[-1] if message else result.returncode}"
        )
    return result.stdout if binary else result.stdout.decode("utf-8", "replace")


def _yaml_paths(listing: bytes, base: PurePosixPath) -> Iterator[str]:
    """Paths (relative to the repository) of project YAML files the loader would read."""
    for raw in listing.split(b"\0"):
        if not raw:
            continue
        path = PurePosixPath(raw.decode("utf-8", "surrogateescape"))
        try:
            inside = path.relative_to(base) if str(base) != "." else path
        except ValueError:
            continue
        if path.suffix in _YAML and not any(p.startswith(".") for p in inside.parts):
            yield str(path)


class _Outline:
    """One version of one file: each product's source text, and the other top-level keys."""

    def __init__(self) -> None:
        self.products: dict[str, str] = {}
        self.blocks: set[str] = set()
        self.aliased = False  # an anchor or alias in products: texts do not tell it all


def _outline(data: bytes | None) -> _Outline | None:
    """Outline a file from the YAML parser's events (no values built, no aliases expanded)."""
    outline = _Outline()
    if data is None:
        return outline
    if len(data) > _MAX_FILE:
        return None
    try:
        text = data.decode("utf-8-sig")
        events = list(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    nodes = [e for e in events if isinstance(e, yaml.NodeEvent | yaml.CollectionEndEvent)]
    if not nodes:
        return outline  # an empty file
    if (
        not isinstance(nodes[0], yaml.MappingStartEvent)
        or len([e for e in events if isinstance(e, yaml.DocumentStartEvent)]) != 1
    ):
        return None  # not one mapping: the loader reports it
    position = 1
    while position < len(nodes) - 1:
        key = nodes[position]
        if not isinstance(key, yaml.ScalarEvent):
            return None
        start = position + 1
        position = _skip(nodes, start)
        if key.value != "products":
            outline.blocks.add(key.value)
            continue
        if isinstance(nodes[start], yaml.MappingStartEvent):
            _products(nodes[start + 1 : position - 1], text, outline)
    return outline


def _skip(nodes: list[Any], start: int) -> int:
    """The index just after the node that starts at ``start``."""
    depth = 0
    position = start
    while True:
        event = nodes[position]
        position += 1
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if depth == 0:
            return position


def _products(nodes: list[Any], text: str, outline: _Outline) -> None:
    position = 0
    while position < len(nodes):
        key = nodes[position]
        after = _skip(nodes, position + 1)
        value = nodes[position + 1 : after]
        if any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) for e in value):
            outline.aliased = True
        slug = key.value if isinstance(key, yaml.ScalarEvent) else None
        if slug is not None:
            # The parser ends a block mapping where the next key starts: without the
            # trailing blank space, a product reads the same wherever it stands.
            start, end = value[0].start_mark.index, value[-1].end_mark.index
            outline.products[slug] = text[start:end].rstrip()
        position = after


def changed_since(project: Path, ref: str) -> Selection:
    """The products whose YAML differs between commit ``ref`` and the working tree."""
    try:
        root = Path(_git(project, "rev-parse", "--show-toplevel").strip())
    except SelectionError as exc:
        if "not a git repository" not in str(exc):
            raise
        raise SelectionError(
            f"--changed-since compares with a git commit, but {project} is not in a git "
            "repository. Plan without it (the whole store), or with --target."
        ) from None
    try:
        base = PurePosixPath(project.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        raise SelectionError(f"{project} is not inside the git repository {root}") from None
    if ref.startswith("-"):  # never an option to git
        raise SelectionError(f"--changed-since {ref}: not a commit")
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
    except SelectionError:
        raise SelectionError(
            f"--changed-since {ref}: not a commit in {root} (in CI, fetch enough history: "
            "actions/checkout with fetch-depth: 2 for HEAD^1)"
        ) from None
    spec = ["--", str(base)]
    diff = _git(root, "diff", "--name-only", "--no-renames", "-z", commit, *spec, binary=True)
    new_files = _git(root, "ls-files", "--others", "--exclude-standard", "-z", *spec, binary=True)
    settings = str(base / PROJECT_CONFIG) if str(base) != "." else PROJECT_CONFIG
    if settings.encode() in (diff + b"\0" + new_files).split(b"\0"):
        # It says which files are read ([project] include/exclude), and holds
        # the rails and their acceptances: any product may be affected.
        return everything(why=f"{PROJECT_CONFIG} changed since {ref}: planning everything")
    changed = {*_yaml_paths(diff, base), *_yaml_paths(new_files, base)}
    label = f"since {ref}"
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    slugs: set[str] = set()
    for path in sorted(changed):
        old = _outline(_show(root, commit, path))
        new_file = root / path
        new = _outline(new_file.read_bytes() if new_file.is_file() else None)
        if old is None or new is None:
            return everything(why=f"{path} changed {label} and does not parse: planning everything")
        if old.blocks or new.blocks:
            blocks = ", ".join(sorted(old.blocks | new.blocks))
            return everything(
                why=f"{path} changed {label} and holds store-wide settings ({blocks}): "
                "planning everything"
            )
        if old.aliased or new.aliased:
            # Anchors tie products together: count every product of the file as changed.
            slugs |= old.products.keys() | new.products.keys()
        before.update(old.products)
        after.update(new.products)
    slugs |= {s for s in before.keys() | after.keys() if before.get(s) != after.get(s)}
    return products(slugs, f"{len(slugs)} product(s) changed {label}")


def _show(root: Path, commit: str, path: str) -> bytes | None:
    """A file as it was at ``commit`` (None when it did not exist)."""
    listed = _git(root, "ls-tree", "-z", "--name-only", commit, "--", path, binary=True)
    if not listed.strip(b"\0"):
        return None
    content: bytes = _git(root, "cat-file", "blob", f"{commit}:{path}", binary=True)
    return content
