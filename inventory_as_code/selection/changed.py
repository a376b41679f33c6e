"""``--changed-since REF``: the products whose YAML differs between commit REF and now.

Both sides are the project *as the loader reads it*: the loader's own walk
(:func:`~inventory_as_code.config.files.select_files`) lists the files of the
working tree, and the same walk over the commit (:class:`.gittree.CommitTree`)
lists the files a checkout of REF would have been read as, with the
``[project]`` settings of each side's own ``inventory-as-code.toml``. So
whatever the loader skips (hidden folders, ``node_modules``, virtualenvs, what
git ignores, ``[project] exclude``, files with none of the inventory keys) is
no change on either side, and whatever it reads counts wherever it comes from:
``.YAML`` as ``.yaml``, a file behind a symlink (file or folder, to a hidden
folder too) under the path the walk reads it by. A link added, removed or
retargeted changes what is read under its path; an edit to a link's target
changes every path that leads to it. A file that moves into or out of the
project's files is a change of everything in it.

Each side's file is known by the id git gives its content (the working
tree's files are hashed here, never by ``git diff``, which would run the
repository's clean filters: :mod:`~inventory_as_code.config.gitsafe`). Files
whose content is the same on both sides are not parsed; the others are
outlined (:mod:`.outline`) and compared product by product. A product's model
depends only on its text and on the store-wide blocks (``locations``,
``defaults``, ``prune``, ``moved``, ``options``: every top-level key but
``products``): when one of those reads differently, or
REF's project could not have been read at all, the whole store is planned.
The files are read with the loader's limits: the commit's blobs only after
their size is checked, the working tree's never past the limit.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from inventory_as_code.config.files import select_files
from inventory_as_code.config.problems import Problem, ProblemCollector
from inventory_as_code.config.projectfile import (
    PROJECT_CONFIG,
    ProjectConfigError,
    ProjectSettings,
    project_settings,
    read_project_config,
    settings_from_text,
)
from inventory_as_code.config.source import Unread, decode, is_foreign, read_limited, too_large
from inventory_as_code.selection.gittree import TREE, CommitTree, Node, Objects, git, read_blobs
from inventory_as_code.selection.model import Selection, SelectionError, everything, products
from inventory_as_code.selection.outline import EMPTY, Outline, outline


class _Whole(Exception):
    """Plan the whole store; the message says why."""


@dataclass(frozen=True, slots=True)
class _Version:
    """One file of one side: whether ``include`` named it, and its content's git id.

    ``data``: the content, kept only where the other side differs; ``node``: the
    commit's blob (read later, all in one pass).
    """

    listed: bool
    oid: str
    data: bytes | None = None
    node: Node | None = None


@dataclass(slots=True)
class _Products:
    """The outlines of one side's changed files, merged."""

    texts: dict[str, str] = field(default_factory=dict)
    blocks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # key -> (text, file)
    suspect: set[str] = field(default_factory=set)  # slugs that cannot be compared by text

    def add(self, rel: str, found: Outline) -> None:
        for slug, text in found.products.items():
            if slug in self.texts:  # written in two files: the loader refuses it
                self.suspect.add(slug)
            self.texts[slug] = text
        self.suspect |= found.duplicates
        if found.tangled_products:  # anchors tie the file's products together
            self.suspect |= found.products.keys()
        for key, text in found.blocks.items():
            self.blocks.setdefault(key, []).append((text, rel))


def changed_since(project: Path, ref: str, site: str | None = None) -> Selection:
    """The products whose YAML differs between commit ``ref`` and the working tree.

    ``site``: a site whose overlay (``[sites.NAME] overlay``) is part of its
    YAML: its files count on each side, other sites' overlays never do. So a
    change to one site's overlay selects nothing for the other sites, and a
    change to the base catalogue selects its products for every site.
    """
    root, base, commit = _locate(project, ref)
    try:
        with Objects(root) as objects:
            old, old_toml = _commit_side(root, base, commit, objects, ref, site)
            _check_run_settings(old_toml, project, site, ref)
            algorithm = _object_format(old)
            new = _working_side(project, old, algorithm, site)
            return _compare(old, new, objects, f"since {ref}")
    except _Whole as whole:
        return everything(why=str(whole))


def _locate(project: Path, ref: str) -> tuple[Path, str, str]:
    """The repository's root, the project folder in it, and the commit ``ref`` names."""
    try:
        top = git(project, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape")
    except SelectionError as exc:
        if "not a git repository" not in str(exc):
            raise
        raise SelectionError(
            f"--changed-since compares with a git commit, but {project} is not in a git "
            "repository. Plan without it (the whole store), or with --target."
        ) from None
    root = Path(os.path.realpath(top.strip()))
    try:
        base = PurePosixPath(*Path(os.path.realpath(project)).relative_to(root).parts).as_posix()
    except ValueError:
        raise SelectionError(f"{project} is not inside the git repository {root}") from None
    if ref.startswith("-"):  # never an option to git
        raise SelectionError(f"--changed-since {ref}: not a commit")
    try:
        verified = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except SelectionError:
        raise SelectionError(
            f"--changed-since {ref}: not a commit in {root} (in CI, fetch enough history: "
            "actions/checkout with fetch-depth: 2 for HEAD^1)"
        ) from None
    return root, base, verified.decode("ascii").strip()


def _first(problems: ProblemCollector) -> str:
    found: list[Problem] = list(problems.sorted())
    first = found[0]
    return f"{first.file}: {first.message}" if first.file else first.message


def _commit_side(
    root: Path, base: str, commit: str, objects: Objects, ref: str, site: str | None
) -> tuple[dict[str, _Version], str]:
    """The files a checkout of ``commit`` is read as (relative path -> version), and
    its ``inventory-as-code.toml``."""
    tree = CommitTree(str(root), commit, base, objects)
    folder = tree.nodes.get("" if base == "." else base)
    if folder is None or folder.mode != TREE:
        raise _Whole(f"the project folder did not exist at {ref}: planning everything")
    path = str(root) if base == "." else os.path.join(str(root), *base.split("/"))
    problems, quiet = ProblemCollector(), ProblemCollector(one_per_position=False)
    toml = _commit_toml(tree, path, objects, ref)
    settings = settings_from_text(toml, problems, quiet)
    if settings is None:
        raise _Whole(f"at {ref}, {PROJECT_CONFIG} could not be used: planning everything")
    # Every file of a commit is tracked, and git ignores no tracked file.
    files = select_files(Path(path), settings, problems, quiet, tree=tree, ignored=frozenset())
    overlay = settings.overlay(site)
    if overlay is not None:
        files += select_files(
            Path(path),
            settings,
            problems,
            quiet,
            tree=tree,
            ignored=frozenset(),
            folder=overlay.folder,
        )
    if len(problems):
        raise _Whole(
            f"at {ref} the project could not be read ({_first(problems)}): planning everything"
        )
    versions: dict[str, _Version] = {}
    limits = settings.limits
    total = 0
    for source in files:
        node = tree.blob(source.real)
        if node is None:  # pragma: no cover - the walk returns regular files of the commit
            raise _Whole(f"at {ref}, {source.rel} is not a file of the commit: planning everything")
        if node.size > limits.max_file_bytes:
            raise _Whole(
                f"at {ref}, {source.rel} was larger than {limits.max_file_bytes // 2**20} MiB, "
                "the limit for one file: planning everything"
            )
        total += node.size
        versions[source.rel] = _Version(source.listed, node.oid, node=node)
    if total > limits.max_project_bytes:
        raise _Whole(f"at {ref} the project was over its size limit: planning everything")
    return versions, toml


# The keys of a [sites.NAME] table that say which Wix site it is: another site is
# another store, planned whole (the overlay folder is compared through its files).
_SITE_IDENTITY = ("site_id", "site_id_env", "base_url", "base_url_env", "local")


def _check_run_settings(old_text: str, project: Path, site: str | None, ref: str) -> None:
    """Which Wix site ``site`` is decides a plan as much as the YAML: pointed at
    another store (``site_id``, ``local``, ...), the site is planned whole, even
    when no YAML changed."""
    if site is None:
        return
    try:
        _, new_text = read_project_config(project)
        old, new = tomllib.loads(old_text), tomllib.loads(new_text)
    except (ProjectConfigError, tomllib.TOMLDecodeError):
        raise _Whole(f"{PROJECT_CONFIG} could not be read: planning everything") from None
    if _identity(old, site) != _identity(new, site):
        raise _Whole(
            f"[sites.{site}] of {PROJECT_CONFIG} names another Wix site than at {ref}: "
            "planning everything"
        )


def _identity(data: Mapping[str, object], site: str) -> tuple[object, ...]:
    sites = data.get("sites")
    table = sites.get(site) if isinstance(sites, dict) else None
    if not isinstance(table, dict):
        return ()
    return tuple(table.get(key) for key in _SITE_IDENTITY)


def _commit_toml(tree: CommitTree, folder: str, objects: Objects, ref: str) -> str:
    """``inventory-as-code.toml`` as the commit holds it ("" when there is none)."""
    path = os.path.join(folder, PROJECT_CONFIG)
    try:
        info = tree.stat(path)
    except OSError:
        return ""
    if not stat.S_ISREG(info.st_mode):
        return ""  # as the loader: a toml that is no file is no toml
    limit = ProjectSettings().limits.max_file_bytes
    real = tree.realpath(path)
    node = tree.blob(real)
    raw: bytes | Unread | None
    if node is None:  # a link out of the repository: read it where it leads, as a checkout
        raw = read_limited(real, limit)
    else:
        raw = objects.read(node.oid) if node.size <= limit else too_large(limit)
    try:
        if isinstance(raw, bytes):
            return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    raise _Whole(f"at {ref}, {PROJECT_CONFIG} could not be read: planning everything")


def _object_format(old: Mapping[str, _Version]) -> str:
    """The hash git names blobs with in this repository (the length of its ids tells)."""
    for version in old.values():
        return "sha256" if len(version.oid) == 64 else "sha1"
    return "sha1"


def _blob_id(data: bytes, algorithm: str) -> str:
    digest = hashlib.new(algorithm, b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def _working_side(
    project: Path, old: Mapping[str, _Version], algorithm: str, site: str | None
) -> dict[str, _Version]:
    """The files the loader reads now, each with its content's git id."""
    problems = ProblemCollector()
    quiet = ProblemCollector(one_per_position=False)
    settings = project_settings(project, problems, quiet)
    files = select_files(project, settings, problems, quiet) if settings is not None else []
    overlay = settings.overlay(site) if settings is not None else None
    if settings is not None and overlay is not None:
        files += select_files(project, settings, problems, quiet, folder=overlay.folder)
    why = "the project has problems (validate lists them): planning everything"
    if settings is None or len(problems):
        raise _Whole(why)
    limits = settings.limits
    versions: dict[str, _Version] = {}
    total = 0
    for source in files:
        raw = read_limited(source.path, limits.max_file_bytes)
        if isinstance(raw, Unread):
            raise _Whole(why)
        total += len(raw)
        if total > limits.max_project_bytes:
            raise _Whole(why)
        oid = _blob_id(raw, algorithm)
        before = old.get(source.rel)
        same = before is not None and before.oid == oid and before.listed == source.listed
        versions[source.rel] = _Version(source.listed, oid, None if same else raw)
    return versions


def _compare(
    old: Mapping[str, _Version], new: Mapping[str, _Version], objects: Objects, label: str
) -> Selection:
    changed = [
        rel
        for rel in sorted(old.keys() | new.keys())
        if rel not in old
        or rel not in new
        or (old[rel].oid, old[rel].listed) != (new[rel].oid, new[rel].listed)
    ]
    contents = read_blobs(objects, [v.node for rel in changed if (v := old.get(rel)) and v.node])
    before, after = _Products(), _Products()
    for rel in changed:
        for version, side in ((old.get(rel), before), (new.get(rel), after)):
            if version is None:
                continue
            data = version.data if version.node is None else contents.get(version.oid)
            if data is None:
                raise _Whole(f"{rel}: git does not have its content {label}: planning everything")
            found = _as_loader_reads(rel, version, data)
            if found.broken:
                raise _Whole(f"{rel} changed {label} and does not parse: planning everything")
            if found.tangled_blocks and found.blocks:
                raise _Whole(
                    f"{rel} changed {label} and its store-wide settings use anchors: "
                    "planning everything"
                )
            side.add(rel, found)
    _check_blocks(before, after, label)
    slugs = before.suspect | after.suspect
    slugs |= {
        s
        for s in before.texts.keys() | after.texts.keys()
        if before.texts.get(s) != after.texts.get(s)
    }
    return products(slugs, f"{len(slugs)} product(s) changed {label}")


def _as_loader_reads(rel: str, version: _Version, data: bytes) -> Outline:
    """The outline of a file as the loader takes it: EMPTY when it is not an inventory file."""
    text = decode(data, rel, ProblemCollector())
    if text is None:
        return Outline(broken=True)
    found = outline(text)
    if not version.listed and is_foreign(found.top_keys):
        return EMPTY  # skipped by the loader, with a note
    return found


def _check_blocks(before: _Products, after: _Products, label: str) -> None:
    """Whole store when a store-wide block reads differently (wherever it is written)."""
    differ = sorted(
        key
        for key in before.blocks.keys() | after.blocks.keys()
        if sorted(t for t, _ in before.blocks.get(key, ()))
        != sorted(t for t, _ in after.blocks.get(key, ()))
    )
    if differ:
        files = sorted(
            {f for key in differ for side in (before, after) for _, f in side.blocks.get(key, ())}
        )
        raise _Whole(
            f"the store-wide settings ({', '.join(differ)}) changed {label} "
            f"(in {', '.join(files)}): planning everything"
        )
