"""``fmt``: a project's YAML files in the canonical layout, proven to mean the same first.

    format_project(root) -> FormatResult   reads and checks; writes nothing
    write_formatted(result) -> [WriteFailure] atomic replacement, file by file
    unified_diff(file) -> str                 what `fmt --diff` prints

The layout itself is :mod:`~inventory_as_code.config.canonical`. Before
anything is written, three checks, each of which refuses the whole run
(:class:`FormatRefused`, nothing written) when it fails:

* each formatted file parses to the same YAML events as before (the same
  keys, values, styles, anchors and tags, in the same order): only layout
  changed;
* formatting the formatted text again changes nothing (idempotent);
* the whole project, loaded with the formatted texts in place of the files,
  gives the same desired-state model as before (positions aside).

Only the files the loader reads are touched (the project's ``include`` and
``exclude``, never another tool's YAML), and a project with problems is not
formatted: there is no model to compare with.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from inventory_as_code._atomic import replace_file
from inventory_as_code.config.canonical import CannotFormat, canonical
from inventory_as_code.config.files import select_files
from inventory_as_code.config.loader import check_project
from inventory_as_code.config.problems import ProblemCollector, listing
from inventory_as_code.config.projectfile import project_settings
from inventory_as_code.config.source import Unread, read_limited
from inventory_as_code.errors import ConfigError, InventoryAsCodeError

_UTF8_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


class FormatRefused(InventoryAsCodeError):
    """Formatting would change what the project means (a bug of fmt): nothing is written."""


@dataclass(frozen=True, slots=True)
class Reformatted:
    """A file whose layout is not canonical: its bytes now and formatted."""

    rel: str
    real: Path  # links resolved: the file that is replaced
    before: bytes
    after: bytes


@dataclass(frozen=True, slots=True)
class LeftAlone:
    """A file of the project that fmt does not format, and why."""

    rel: str
    reason: str


@dataclass(frozen=True, slots=True)
class FormatResult:
    files: int  # the project's files
    changed: tuple[Reformatted, ...]
    left_alone: tuple[LeftAlone, ...]


@dataclass(frozen=True, slots=True)
class WriteFailure:
    rel: str
    reason: str


def format_project(root: Path) -> FormatResult:
    """Every file of the project at ``root`` that fmt would change; writes nothing.

    Raises :class:`ConfigError` when the project has problems, and
    :class:`FormatRefused` when a check of the module doc fails.
    """
    loaded = check_project(root)
    if loaded.problems:
        raise ConfigError(loaded.problems)
    read = set(loaded.files)
    changed: list[Reformatted] = []
    left: list[LeftAlone] = []
    seen: set[str] = set()
    limits, sources = _sources(root)
    for source in sources:
        if source.rel not in read or source.real in seen:
            continue  # another tool's YAML, skipped by the loader; a second link to a file
        seen.add(source.real)
        raw = read_limited(source.path, limits)
        if isinstance(raw, Unread):
            left.append(LeftAlone(source.rel, raw.message))
            continue
        outcome = _format_file(source.rel, raw)
        if isinstance(outcome, LeftAlone):
            left.append(outcome)
        elif outcome != raw:
            changed.append(Reformatted(source.rel, Path(source.real), raw, outcome))
    if changed:
        _same_model(root, loaded.state, changed)
    return FormatResult(len(loaded.files), tuple(changed), tuple(left))


def _sources(root: Path) -> tuple[int, list[Any]]:
    problems, notes = ProblemCollector(), ProblemCollector(one_per_position=False)
    settings = project_settings(root, problems, ProblemCollector(one_per_position=False))
    if settings is None:  # check_project reported it already
        return 0, []
    return settings.limits.max_file_bytes, select_files(root, settings, problems, notes)


def _format_file(rel: str, raw: bytes) -> bytes | LeftAlone:
    if raw.startswith(_WIDE_BOMS):
        return LeftAlone(rel, "fmt formats UTF-8 files only; this one is UTF-16 or UTF-32")
    bom = raw.startswith(_UTF8_BOM)
    text = raw[len(_UTF8_BOM) if bom else 0 :].decode("utf-8")
    try:
        formatted = canonical(text)
    except CannotFormat as exc:
        return LeftAlone(rel, str(exc))
    if formatted == text:
        return raw
    if canonical(formatted) != formatted:
        raise FormatRefused(
            f"{rel}: formatting it twice gives two different texts; nothing was written. "
            "This is a bug of fmt: please report it with the file."
        )
    if _events(formatted) != _events(text):
        raise FormatRefused(
            f"{rel}: the formatted file would not mean the same as the file; nothing was "
            "written. This is a bug of fmt: please report it with the file."
        )
    return (_UTF8_BOM if bom else b"") + formatted.encode("utf-8")


def _events(text: str) -> list[tuple[Any, ...]]:
    """The YAML parser's events without their positions: what the text means to YAML."""
    return [
        (
            type(event).__name__,
            getattr(event, "anchor", None),
            getattr(event, "tag", None),
            getattr(event, "implicit", None),
            getattr(event, "value", None),
            getattr(event, "style", None),
            getattr(event, "flow_style", None),
        )
        for event in yaml.parse(text, Loader=yaml.CSafeLoader)
    ]


def _same_model(root: Path, before: object, changed: list[Reformatted]) -> None:
    after = check_project(root, texts={f.rel: f.after for f in changed})
    if after.problems or after.state != before:
        names = listing([f.rel for f in changed], 5)
        raise FormatRefused(
            f"the formatted project would not give the same model as the project ({names}); "
            "nothing was written. This is a bug of fmt: please report it with the files."
        )


def write_formatted(result: FormatResult) -> list[WriteFailure]:
    """Replace each changed file atomically (a temporary file renamed over it).

    A file that changed since :func:`format_project` read it is left alone and
    reported, as is one that cannot be written; the others are written.
    """
    failures = []
    for file in result.changed:
        try:
            current = file.real.read_bytes()
        except OSError as exc:
            failures.append(WriteFailure(file.rel, f"cannot read it again ({exc.strerror})"))
            continue
        if current != file.before:
            failures.append(WriteFailure(file.rel, "it changed while fmt ran; run fmt again"))
            continue
        try:
            replace_file(file.real, file.after, suffix=".fmt")
        except OSError as exc:
            failures.append(WriteFailure(file.rel, f"cannot write it ({exc.strerror or exc})"))
    return failures


def unified_diff(file: Reformatted) -> str:
    """The change as ``diff -u`` shows it (``a/`` and ``b/`` names, as git does)."""
    before = file.before.decode("utf-8-sig").split("\n")
    after = file.after.decode("utf-8-sig").split("\n")
    lines = difflib.unified_diff(
        [line + "\n" for line in before[:-1]] + ([before[-1]] if before[-1] else []),
        [line + "\n" for line in after[:-1]] + ([after[-1]] if after[-1] else []),
        f"a/{file.rel}",
        f"b/{file.rel}",
    )
    out = []
    for line in lines:
        # A carriage return is shown as git shows it with colours off: as ^M.
        line = line.replace("\r\n", "^M\n")
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
