"""Loading a project folder: the pipeline from files to a DesiredState.

    discover *.yaml/*.yml (sorted, hidden folders skipped)
      -> read each file (source.py + yamlevents.py: safe parse, positions, guards)
      -> JSON Schema per file (schema.py)
      -> merge files and build the model with the semantic rules (build.py)

All stages report into one collector, so one run lists every problem. One
exception to "everything at once": when a file cannot be parsed at all, the
cross-file stage is skipped, because a broken ``locations.yaml`` would
otherwise make every stock entry of every product look wrong.

Validation is offline: nothing here touches the network or credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inventory_as_code._gc import paused_gc
from inventory_as_code.config.build import ProjectBuilder
from inventory_as_code.config.problems import Problem, ProblemCollector
from inventory_as_code.config.schema import check_document
from inventory_as_code.config.source import iter_documents
from inventory_as_code.errors import ConfigError
from inventory_as_code.model import DesiredState


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """What validating a project found: the problems, and the model when there are none."""

    problems: tuple[Problem, ...]
    state: DesiredState | None
    files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_project(path: Path) -> ValidationResult:
    """Validate the project in folder ``path``; never raises for bad input."""
    with paused_gc():
        return _check(Path(path))


def _check(path: Path) -> ValidationResult:
    problems = ProblemCollector()
    root = Path(path)
    if not root.exists():
        problems.add("", 0, 0, "", f"the folder {root} does not exist.", "check the path.")
        return ValidationResult(tuple(problems.sorted()), None, ())
    if not root.is_dir():
        problems.add(
            "",
            0,
            0,
            "",
            f"{root} is a file; validate takes the project folder.",
            "pass the folder that holds the project's YAML files (all of them are read together).",
        )
        return ValidationResult(tuple(problems.sorted()), None, ())
    builder = ProjectBuilder(problems)
    files: list[str] = []
    unreadable = False
    for rel, doc in iter_documents(root, problems):
        files.append(rel)
        if doc is None:
            unreadable = True
            continue
        check_document(doc, problems)
        builder.add(doc)
    if not files:
        problems.add(
            "",
            0,
            0,
            "",
            f"no .yaml or .yml files in {root} (hidden folders are skipped).",
            "run validate in the folder that holds the project's YAML files, or pass that folder.",
        )
        return ValidationResult(tuple(problems.sorted()), None, ())
    state = None if unreadable else builder.build()
    found = tuple(problems.sorted())
    return ValidationResult(found, None if found else state, tuple(files))


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
    return result.state
