"""Reading a project's YAML files, never raising on bad input.

Why not ``yaml.safe_load``: it forgets where values came from, silently keeps
the last of two duplicate keys, and expands aliases without limit. Here each
file is read as bytes (size-limited, binary and non-UTF-8 files reported),
parsed by libyaml's C parser, and turned into plain values with positions by
:mod:`~inventory_as_code.config.yamlevents`. Syntax errors become problems
with a position and a fix (tabs get their own message, since YAML forbids
them for indentation). libyaml itself refuses nesting deeper than 1000 levels.

Which files are read is decided in :mod:`~inventory_as_code.config.files`.
A file is opened without blocking and must be a regular file when opened, so a
FIFO swapped in after the walk cannot hang a run either.

Files that are plainly not the project's: in a repository root, a
``docker-compose.yml`` or ``mkdocs.yml`` is YAML too. A file whose top level
is a mapping with keys, none of which is ``locations``, ``defaults``,
``options``, ``products``, ``prune`` or ``moved`` nor a near miss of one (``product:``, ``Prune:``),
is skipped with a note instead of read, unless ``[project] include`` names it
(the project then said it is its own). A near miss stays an error, so a typo
never makes a file of products vanish.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from inventory_as_code.config.document import Document
from inventory_as_code.config.files import SourceFile
from inventory_as_code.config.problems import ProblemCollector, listing, suggest
from inventory_as_code.config.projectfile import Limits
from inventory_as_code.config.schema import load_schema
from inventory_as_code.config.yamlevents import Budget, EventBuilder

# The keys the desired-state schema knows at the top of a file (one list, in the schema).
TOP_LEVEL_KEYS = tuple(load_schema()["properties"])


class Reader:
    """Reads the files of one project against one :class:`Limits`."""

    def __init__(
        self,
        limits: Limits,
        problems: ProblemCollector,
        notes: ProblemCollector,
        texts: Mapping[str, bytes] | None = None,
    ) -> None:
        self.limits = limits
        self.problems = problems
        self.notes = notes
        self.budget = Budget(limits.max_values)
        self.bytes_read = 0
        # Files read from these bytes instead of the disk (by relative path): an edit checked
        # before it is written (`pull`), the project as `fmt` would leave it.
        self.texts = texts or {}

    def documents(self, files: Sequence[SourceFile]) -> Iterator[tuple[str, Document | None]]:
        """``(relative path, document or None)`` for every file that is the project's.

        Stops, with one problem, when the project is over its limits: what was
        read so far is reported, nothing more is loaded.
        """
        total = _total_size(files)
        if total > self.limits.max_project_bytes:
            self.problems.add(
                "",
                0,
                0,
                "",
                f"the project's YAML files hold {total / 2**20:.1f} MiB, more than the limit of "
                f"{self.limits.max_project_bytes // 2**20} MiB; nothing was loaded.",
                "check that only the inventory files are read ([project] include/exclude in "
                "inventory-as-code.toml); for a larger catalog raise [project] max_project_mib.",
            )
            return
        for source in files:
            doc, foreign = self._read(source)
            if foreign is not None:
                self.notes.add(
                    source.rel,
                    0,
                    0,
                    "",
                    f"skipped: not an inventory file (top-level keys {foreign}; an inventory "
                    f"file has {', '.join(TOP_LEVEL_KEYS)}).",
                    "to read it anyway, list it in inventory-as-code.toml: [project] include.",
                )
                continue
            yield source.rel, doc
            if self.budget.exhausted:
                return

    def _read(self, source: SourceFile) -> tuple[Document | None, str | None]:
        raw = self._bytes(source)
        if raw is None:
            return None, None
        text = decode(raw, source.rel, self.problems)
        if text is None:
            return None, None
        own = ProblemCollector()  # kept apart until we know the file is the project's
        builder = EventBuilder(source.rel, own, self.budget)
        doc = _parse(builder, text, source.rel, own)
        if not source.listed and is_foreign(builder.top_keys):
            self.budget.refund(builder.spent)
            return None, listing(builder.top_keys, 4)
        self.problems.extend(own)
        return doc, None

    def _bytes(self, source: SourceFile) -> bytes | None:
        if source.rel in self.texts:
            return self.texts[source.rel]
        raw = read_limited(source.path, self.limits.max_file_bytes)
        if isinstance(raw, Unread):
            self.problems.add(source.rel, 0, 0, "", raw.message, raw.hint)
            return None
        return raw


@dataclass(frozen=True, slots=True)
class Unread:
    """Why a file was not read (a problem of the loader)."""

    message: str
    hint: str = ""


NOT_REGULAR = Unread(
    "is not a regular file (a FIFO, socket or device); it is not read.",
    "remove it from the project folder, or exclude it in inventory-as-code.toml.",
)


def too_large(limit: int) -> Unread:
    return Unread(
        f"the file is larger than {limit // 2**20} MiB, the limit for one file.",
        "split the catalog into several files (for example one per product line), "
        "or raise [project] max_file_mib in inventory-as-code.toml.",
    )


def read_limited(path: Path | str, limit: int) -> bytes | Unread:
    """The bytes of a regular file of at most ``limit`` bytes; never more than that is read.

    Opened without blocking, and checked to be a regular file once open, so a
    FIFO or device (swapped in after the walk, too) cannot hang the run.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return Unread(f"cannot read the file: {exc.strerror or exc}.")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return NOT_REGULAR
        if info.st_size > limit:
            return too_large(limit)
        chunks = []
        left = limit + 1
        while left > 0:  # the size fstat said, then on to the end (the file may grow)
            want = min(left, max(info.st_size + 1, 1 << 16))
            chunk = os.read(fd, want)
            chunks.append(chunk)
            left -= len(chunk)
            if len(chunk) < want:  # the end of a regular file
                break
        raw = b"".join(chunks)
    except OSError as exc:
        return Unread(f"cannot read the file: {exc.strerror or exc}.")
    finally:
        os.close(fd)
    if len(raw) > limit:  # it grew since fstat
        return too_large(limit)
    return raw


def _total_size(files: Sequence[SourceFile]) -> int:
    total = 0
    for source in files:
        with contextlib.suppress(OSError):  # reported when the file is read
            total += os.stat(source.path).st_size
    return total


def is_foreign(top_keys: Sequence[str]) -> bool:
    """Keys, none of them ours or a near miss of ours (see the module docstring)."""
    if not top_keys:
        return False
    return not any(
        key in TOP_LEVEL_KEYS or suggest(key, TOP_LEVEL_KEYS) is not None for key in top_keys
    )


def _parse(
    builder: EventBuilder, text: str, rel: str, problems: ProblemCollector
) -> Document | None:
    loader = yaml.CSafeLoader(text)
    try:
        return builder.run(loader)
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


def decode(raw: bytes, rel: str, problems: ProblemCollector) -> str | None:
    """The text of a file, as the loader decodes it (BOMs, UTF-8); None with a problem."""
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


def read_document(path: Path, rel: str, problems: ProblemCollector) -> Document | None:
    """Parse one file with the default limits; on any problem, report it and return None."""
    reader = Reader(Limits(), problems, ProblemCollector())
    doc, _ = reader._read(SourceFile(rel, str(path), listed=True))
    return doc
