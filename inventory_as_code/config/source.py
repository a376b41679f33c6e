"""Finding and reading a project's YAML files, never raising on bad input.

Why not ``yaml.safe_load``: it forgets where values came from, silently keeps
the last of two duplicate keys, and expands aliases without limit. Here each
file is read as bytes (size-limited, binary and non-UTF-8 files reported),
parsed by libyaml's C parser, and turned into plain values with positions by
:mod:`~inventory_as_code.config.yamlevents`. Syntax errors become problems
with a position and a fix (tabs get their own message, since YAML forbids
them for indentation). libyaml itself refuses nesting deeper than 1000 levels.

Project layout: every ``*.yaml``/``*.yml`` under the folder, recursively and
sorted, skipping hidden files and folders (``.git``, ``.inventory-as-code``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import yaml

from inventory_as_code.config.document import Document
from inventory_as_code.config.problems import ProblemCollector
from inventory_as_code.config.yamlevents import EventBuilder

MAX_FILE_BYTES = 64 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")


def discover(root: Path) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` under ``root``, sorted, skipping hidden files and folders."""
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                found.append(Path(folder, name))
    return found


def read_document(path: Path, rel: str, problems: ProblemCollector) -> Document | None:
    """Parse one file; on any problem, report it and return None (never raise)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        problems.add(rel, 0, 0, "", f"cannot read the file: {exc.strerror or exc}.")
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.add(
            rel,
            0,
            0,
            "",
            f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB.",
            "split the catalog into several files (for example one per product line).",
        )
        return None
    text = _decode(raw, rel, problems)
    if text is None:
        return None
    loader = yaml.CSafeLoader(text)
    try:
        return EventBuilder(rel, problems).run(loader)
    except yaml.MarkedYAMLError as exc:
        _syntax_problem(exc, text, rel, problems)
        return None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        problems.add(
            rel,
            line,
            column,
            "",
            f"unprintable character {exc.character!r} in the file.",
            "remove control characters; YAML files must be plain text.",
        )
        return None
    except yaml.YAMLError as exc:
        problems.add(rel, 0, 0, "", f"not valid YAML: {exc}.")
        return None
    finally:
        loader.dispose()


def _decode(raw: bytes, rel: str, problems: ProblemCollector) -> str | None:
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                break
    if b"\x00" in raw:
        problems.add(
            rel,
            0,
            0,
            "",
            "this is a binary file, not YAML text.",
            "remove it from the project folder or rename it so it does not end in .yaml/.yml.",
        )
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.add(
            rel,
            line,
            column,
            "",
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}).",
            "save the file as UTF-8.",
        )
        return None


def _syntax_problem(
    exc: yaml.MarkedYAMLError, text: str, rel: str, problems: ProblemCollector
) -> None:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = exc.problem or "invalid YAML"
    lines = text.split("\n", line)
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""  # the mark may be at EOF
    indentation = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
    if "\t" in indentation or source_line[column - 1 : column] == "\t":
        problems.add(
            rel,
            line,
            column,
            "",
            "a tab character is used for indentation; YAML allows only spaces.",
            "replace the tabs with spaces (set your editor to insert spaces).",
        )
    elif "expected a single document" in (exc.context or ""):
        problems.add(
            rel,
            line,
            column,
            "",
            "the file holds more than one YAML document (a second ---).",
            "keep one document per file; put the rest in another file of the project.",
        )
    else:
        context = f" ({exc.context})" if exc.context else ""
        problems.add(
            rel,
            line,
            column,
            "",
            f"YAML syntax error: {problem}{context}.",
            "check the indentation, quotes and colons around this position.",
        )


def iter_documents(root: Path, problems: ProblemCollector) -> Iterator[tuple[str, Document | None]]:
    """Yield ``(relative path, document or None)`` for every YAML file of the project."""
    for path in discover(root):
        rel = path.relative_to(root).as_posix()
        yield rel, read_document(path, rel, problems)
