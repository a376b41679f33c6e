"""Loading a project folder: the pipeline from files to a DesiredState.

    inventory-as-code.toml [project]: include/exclude, limits (projectfile.py)
      -> the project's files (files.py: hidden, node_modules, virtualenvs and
         what git ignores are skipped; symlinks inside the project followed)
      -> read each file (source.py + yamlevents.py: safe parse, positions,
         limits; files that are plainly not inventory files skipped with a note)
      -> JSON Schema per file (schema.py)
      -> merge files and build the model with the semantic rules (build.py)
      -> warnings: legal but likely wrong (warnings.py)

All stages report into one collector, so one run lists every problem. One
exception to "everything at once": when a file cannot be parsed at all, the
cross-file stage is skipped, because a broken ``locations.yaml`` would
otherwise make every stock entry of every product look wrong; a note says so.

Validation is offline: nothing here touches the network or credentials.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from inventory_as_code._gc import paused_gc
from inventory_as_code.config.build import ProjectBuilder
from inventory_as_code.config.files import select_files
from inventory_as_code.config.problems import Problem, ProblemCollector, listing
from inventory_as_code.config.projectfile import PROJECT_CONFIG, project_settings
from inventory_as_code.config.schema import check_document
from inventory_as_code.config.source import Reader
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


def check_project(path: Path, *, replaced: Mapping[str, bytes] | None = None) -> ValidationResult:
    """Validate the project in folder ``path``; never raises for bad input.

    ``replaced``: the bytes of some files (by path relative to ``path``) to read
    instead of what the disk holds.
    """
    with paused_gc():
        return _Check(Path(path), replaced).run()


class _Check:
    def __init__(self, root: Path, replaced: Mapping[str, bytes] | None = None) -> None:
        self.root = root
        self.replaced = replaced
        self.problems = ProblemCollector()
        self.warnings = ProblemCollector(one_per_position=False)
        self.notes = ProblemCollector(one_per_position=False)
        self.files: list[str] = []

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
        root = self.root
        if not root.exists():
            self.problems.add("", 0, 0, "", f"the folder {root} does not exist.", "check the path.")
            return self.result()
        if not root.is_dir():
            self.problems.add(
                "",
                0,
                0,
                "",
                f"{root} is a file; validate takes the project folder.",
                "pass the folder that holds the project's YAML files (all of them are read "
                "together).",
            )
            return self.result()
        settings = project_settings(root, self.problems, self.warnings)
        if settings is None:
            return self.result()
        sources = select_files(root, settings, self.problems, self.notes)
        for pattern in settings.include or ():
            if not any(pattern.matches(source.rel) for source in sources):
                self.warnings.add(
                    PROJECT_CONFIG,
                    pattern.line,
                    pattern.column,
                    "project.include",
                    f'the pattern "{pattern.text}" matches no YAML file.',
                    "correct the pattern or remove it.",
                )
        builder = ProjectBuilder(self.problems)
        unreadable: list[str] = []
        reader = Reader(settings.limits, self.problems, self.notes, self.replaced)
        for rel, doc in reader.documents(sources):
            self.files.append(rel)
            if doc is None:
                unreadable.append(rel)
                continue
            check_document(doc, self.problems)
            builder.add(doc)
        if not self.files and not len(self.problems):
            self.problems.add(
                "",
                0,
                0,
                "",
                f"no inventory YAML files in {root} (hidden folders, node_modules, virtualenvs "
                "and what git ignores are skipped).",
                "run validate in the folder that holds the project's YAML files, or pass that "
                "folder; inventory-as-code.toml [project] include says which files to read.",
            )
            return self.result()
        if unreadable or reader.budget.exhausted:
            if len(self.files) > len(unreadable):
                self.notes.add(
                    "",
                    0,
                    0,
                    "",
                    "cross-file checks (unknown locations, slugs and SKUs used twice, the "
                    "default location, ...) and the checks of each product were skipped, "
                    f"because {listing(unreadable, 3)} could not be read.",
                    "fix the problems above, then validate again.",
                )
            return self.result()
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


def validate_project(path: Path) -> list[Problem]:
    """Every problem in the project at ``path`` (empty when valid)."""
    return list(check_project(path).problems)


def load_project(path: Path) -> DesiredState:
    """The desired state of the project at ``path``.

    Raises :class:`~inventory_as_code.errors.ConfigError` carrying every problem.
    """
    result = check_project(path)
    if result.state is None:
        raise ConfigError(result.problems)
    notes = tuple(f"{n.file}: {n.message}" if n.file else n.message for n in result.notes)
    return replace(result.state, notes=notes) if notes else result.state
