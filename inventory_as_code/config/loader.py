"""Loading a project folder: the pipeline from files to a DesiredState.

    inventory-as-code.toml [project]: include/exclude, limits (projectfile.py)
      -> the project's files (files.py: hidden, node_modules, virtualenvs and
         what git ignores are skipped; symlinks inside the project followed)
      -> read each file (source.py + yamlevents.py: safe parse, positions,
         limits; files that are plainly not inventory files skipped with a note)
      -> JSON Schema per file (schema.py)
      -> merge files (build.py); for a site with an overlay, its folder's
         files merged onto them (overlay.py)
      -> build the model with the semantic rules (build.py)
      -> warnings: legal but likely wrong (warnings.py)

All stages report into one collector, so one run lists every problem. One
exception to "everything at once": when a file cannot be parsed at all, the
cross-file stage is skipped, because a broken ``locations.yaml`` would
otherwise make every stock entry of every product look wrong; a note says so.

Validation is offline: nothing here touches the network or credentials.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from inventory_as_code._gc import paused_gc
from inventory_as_code.config.build import ProjectBuilder
from inventory_as_code.config.document import Document
from inventory_as_code.config.files import SourceFile, select_files
from inventory_as_code.config.overlay import Patches, check_merged, merge_overlay
from inventory_as_code.config.problems import Problem, ProblemCollector, listing
from inventory_as_code.config.projectfile import (
    PROJECT_CONFIG,
    Overlay,
    ProjectSettings,
    project_settings,
)
from inventory_as_code.config.schema import check_document
from inventory_as_code.config.source import Reader, read_limited
from inventory_as_code.config.warnings import state_warnings
from inventory_as_code.errors import ConfigError
from inventory_as_code.model import DesiredState


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """What validating a project found.

    ``problems`` make it invalid; ``warnings`` are legal but likely wrong
    (``validate --strict`` fails on them); ``notes`` say what was skipped and
    why. ``state`` is the model when there are no problems.
    """

    problems: tuple[Problem, ...]
    state: DesiredState | None
    files: tuple[str, ...]
    warnings: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def check_project(
    path: Path, site: str | None = None, *, texts: Mapping[str, bytes] | None = None
) -> ValidationResult:
    """Validate the project in folder ``path``; never raises for bad input.

    ``site``: a site of ``inventory-as-code.toml`` whose overlay
    (``[sites.NAME] overlay``) is merged onto the base catalogue; a site
    without one, or None, reads the base catalogue alone.
    ``texts``: files of the base catalogue (relative path -> bytes) read as these
    bytes instead of from the disk, and added to the project when it has no such
    file yet: how an edit of the YAML is checked before it is written (``pull``,
    ``fmt``).
    """
    with paused_gc():
        return Catalogue(Path(path), keep=False, texts=texts).check(site)


class Catalogue:
    """A project's base catalogue, read once, and each site's overlay merged onto it.

    ``check(site)`` gives a site's merged result; with ``keep=True`` the base's
    files are parsed once and shared by every site checked (a fleet: the
    documents are only read, never changed, by a check), so it may be called
    from several threads. With ``keep=False`` (one site) nothing is kept: a site
    with no overlay has its products built while later files are read
    (:func:`store_wide_first`), each file's YAML freed once its products are built.
    """

    def __init__(
        self, root: Path, *, keep: bool = True, texts: Mapping[str, bytes] | None = None
    ) -> None:
        self.root = root
        self.keep = keep
        self.texts = texts
        self._lock = threading.Lock()
        self._base: _Base | None = None

    def base(self, site: str | None = None) -> _Base:
        """The base catalogue read; with ``keep=False``, read for ``site``'s check alone."""
        if not self.keep:
            return _read_base(self.root, self.texts, one_site=True, site=site)
        with self._lock:
            if self._base is None:
                self._base = _read_base(self.root, self.texts)
            return self._base

    def base_documents(self) -> list[Document]:
        """The base catalogue's parsed files; ConfigError when it cannot be read whole."""
        base = self.base()
        if len(base.problems) or base.final or base.unreadable:
            raise ConfigError(tuple(base.problems.sorted()))
        return list(base.docs)

    def overlay_of(self, site: str | None) -> Overlay | None:
        settings = self.base().settings
        return settings.overlay(site) if settings is not None else None

    def check(self, site: str | None = None) -> ValidationResult:
        return _Check(self.base(site), site, release=not self.keep).run()


@dataclass(slots=True)
class _Base:
    """The base catalogue's files, read and checked against the schema."""

    root: Path
    settings: ProjectSettings | None
    problems: ProblemCollector
    warnings: ProblemCollector
    notes: ProblemCollector
    files: list[str]
    docs: list[Document]
    unreadable: list[str]
    reader: Reader | None
    # When set, nothing more can be checked (no folder, no settings, no files).
    final: bool = False
    # Read for one site with no overlay: the products built while the files were read
    # (``docs`` stays empty), and the problems of building them, reported once every
    # file could be read.
    builder: ProjectBuilder | None = None
    deferred: ProblemCollector | None = None


def _read_base(
    root: Path,
    texts: Mapping[str, bytes] | None = None,
    *,
    one_site: bool = False,
    site: str | None = None,
) -> _Base:
    """``one_site``: read for the check of ``site`` alone (None: the base catalogue);
    otherwise the documents are kept for the checks of any number of sites."""
    problems = ProblemCollector()
    warnings = ProblemCollector(one_per_position=False)
    notes = ProblemCollector(one_per_position=False)
    base = _Base(root, None, problems, warnings, notes, [], [], [], None, True)
    if not root.exists():
        problems.add("", 0, 0, "", f"the folder {root} does not exist.", "check the path.")
        return base
    if not root.is_dir():
        problems.add(
            "",
            0,
            0,
            "",
            f"{root} is a file; validate takes the project folder.",
            "pass the folder that holds the project's YAML files (all of them are read together).",
        )
        return base
    settings = project_settings(root, problems, warnings)
    if settings is None:
        return base
    base.settings = settings
    sources = select_files(root, settings, problems, notes)
    if texts:
        known = {source.rel for source in sources}
        sources += [
            SourceFile(rel, str(root / rel), listed=True) for rel in texts if rel not in known
        ]
        sources.sort(key=lambda source: source.rel)
    for pattern in settings.include or ():
        if not any(pattern.matches(source.rel) for source in sources):
            warnings.add(
                PROJECT_CONFIG,
                pattern.line,
                pattern.column,
                "project.include",
                f'the pattern "{pattern.text}" matches no YAML file.',
                "correct the pattern or remove it.",
            )
    reader = Reader(settings.limits, problems, notes, texts)
    base.reader = reader
    store_wide = len(sources)
    listed = {source.rel: index for index, source in enumerate(sources)}
    if one_site and settings.overlay(site) is None:
        base.deferred = ProblemCollector()
        base.builder = ProjectBuilder(problems, base.deferred)
        sources, store_wide = store_wide_first(sources, settings.limits.max_file_bytes, texts)
    for index, (rel, doc) in enumerate(reader.documents(sources)):
        base.files.append(rel)
        if doc is None:
            base.unreadable.append(rel)
            continue
        check_document(doc, problems)
        if base.builder is None:
            base.docs.append(doc)
            continue
        base.builder.add(doc)
        del doc
        if index + 1 >= store_wide and not base.unreadable:
            base.builder.build_pending()  # frees this file's YAML with its products
    # Named in the project's file order, not the order they were read in.
    base.files.sort(key=lambda rel: listed.get(rel, len(listed)))
    base.unreadable.sort(key=lambda rel: listed.get(rel, len(listed)))
    if not base.files and not len(problems):
        problems.add(
            "",
            0,
            0,
            "",
            f"no inventory YAML files in {root} (hidden folders, node_modules, virtualenvs "
            "and what git ignores are skipped).",
            "run validate in the folder that holds the project's YAML files, or pass that "
            "folder; inventory-as-code.toml [project] include says which files to read.",
        )
        return base
    base.final = False
    return base


class _Check:
    """One site's check: the base's findings, the overlay's files, the merged model."""

    def __init__(self, base: _Base, site: str | None, *, release: bool = False) -> None:
        self.base = base
        self.site = site
        # The base is this check's alone: let the builder free each file as it goes.
        self.release = release
        self.problems = ProblemCollector()
        self.warnings = ProblemCollector(one_per_position=False)
        self.notes = ProblemCollector(one_per_position=False)
        for mine, theirs in (
            (self.problems, base.problems),
            (self.warnings, base.warnings),
            (self.notes, base.notes),
        ):
            mine.extend(theirs)
        self.files = list(base.files)
        self.unreadable = list(base.unreadable)

    def result(self, state: DesiredState | None = None) -> ValidationResult:
        found = tuple(self.problems.sorted())
        return ValidationResult(
            found,
            None if found else state,
            tuple(self.files),
            tuple(self.warnings.sorted()),
            tuple(self.notes.sorted()),
        )

    def run(self) -> ValidationResult:
        base = self.base
        if base.final or base.settings is None or base.reader is None:
            return self.result()
        overlay = base.settings.overlay(self.site)
        over_builder: ProjectBuilder | None = None
        patches = Patches(self.problems)
        if overlay is not None:
            over_builder = ProjectBuilder(self.problems)
            sources = select_files(
                base.root, base.settings, self.problems, self.notes, folder=overlay.folder
            )
            # The overlay's files count toward the project's limits with the base's.
            reader = Reader(base.settings.limits, self.problems, self.notes)
            reader.budget.used = base.reader.budget.used
            for rel, doc in reader.documents(sources):
                self.files.append(rel)
                if doc is None:
                    self.unreadable.append(rel)
                    continue
                patches.take(doc)
                check_document(doc, self.problems)
                over_builder.add(doc)
        if self.unreadable or base.reader.budget.exhausted:
            if len(self.files) > len(self.unreadable):
                self.notes.add(
                    "",
                    0,
                    0,
                    "",
                    "cross-file checks (unknown locations, slugs and SKUs used twice, the "
                    "default location, ...) and the checks of each product were skipped, "
                    f"because {listing(self.unreadable, 3)} could not be read.",
                    "fix the problems above, then validate again.",
                )
            return self.result()
        if base.builder is not None and base.deferred is not None:
            state = base.builder.build()
            base.builder = None
            self.problems.extend(base.deferred)
            # As the project lists them (self.files), not in the order they were read.
            position = {rel: index for index, rel in enumerate(self.files)}
            files = sorted(state.files, key=lambda rel: position.get(rel, len(position)))
            state = replace(state, files=tuple(files))
        else:
            builder = ProjectBuilder(self.problems)
            for doc in base.docs:
                builder.add(doc)
            if self.release:
                base.docs.clear()
            if over_builder is not None and overlay is not None:
                merge_overlay(builder, over_builder, patches, overlay.folder)
                check_merged(builder, self.problems)
            del over_builder
            state = builder.build()
        for warning in state_warnings(state):
            self.warnings.add(
                warning.file,
                warning.line,
                warning.column,
                warning.path,
                warning.message,
                warning.hint,
            )
        return self.result(state)


# A line that starts at column 0 and is not `products:` (nor blank, a comment or
# indented): the file may hold a store-wide block, or anything else at its top.
_MAYBE_STORE_WIDE = re.compile(rb"^(?!\Z|[ #\r\n]|products:[ \t]*(?:#[^\r\n]*)?\r?$)", re.M)


def store_wide_first(
    sources: list[SourceFile], limit: int, texts: Mapping[str, bytes] | None = None
) -> tuple[list[SourceFile], int]:
    """The files in reading order, those that may hold store-wide blocks first, and how many.

    Products are built while the other files are read (``ProjectBuilder``),
    which needs every ``locations``, ``defaults``, ``prune`` and ``options``
    block first. A file counts as products only when each of its top-level
    lines is ``products:``: any other (a block, flow style, a BOM, a
    continuation at column 0) puts it first, which is always safe.
    """
    first: list[SourceFile] = []
    rest: list[SourceFile] = []
    for source in sources:
        raw = (
            texts[source.rel] if texts and source.rel in texts else read_limited(source.path, limit)
        )
        if isinstance(raw, bytes) and _MAYBE_STORE_WIDE.search(raw) is None:
            rest.append(source)
        else:
            first.append(source)  # or unreadable: the reader reports it
    return [*first, *rest], len(first)


def state_of(result: ValidationResult) -> DesiredState:
    """The model of a check, with its notes; ConfigError when it has problems."""
    if result.state is None:
        raise ConfigError(result.problems)
    notes = tuple(f"{n.file}: {n.message}" if n.file else n.message for n in result.notes)
    return replace(result.state, notes=notes) if notes else result.state


def validate_project(path: Path) -> list[Problem]:
    """Every problem in the project at ``path`` (empty when valid)."""
    return list(check_project(path).problems)


def load_project(
    path: Path, site: str | None = None, *, texts: Mapping[str, bytes] | None = None
) -> DesiredState:
    """The desired state of the project at ``path`` (``site``, ``texts``: see
    :func:`check_project`).

    Raises :class:`~inventory_as_code.errors.ConfigError` carrying every problem.
    """
    return state_of(check_project(path, site, texts=texts))
