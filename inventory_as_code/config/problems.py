"""Problems found in the desired state, and the collector that gathers them.

Validation never stops at the first problem: every stage (reading YAML,
the JSON Schema, the semantic rules) adds to one :class:`ProblemCollector`, and
the loader raises a single :class:`~inventory_as_code.errors.ConfigError` with
all of them. A person must be able to act on each problem alone, so each one
says where (file, line, column, and the path inside the document), what is
wrong, and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath

PathPart = str | int


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the desired state.

    ``file`` is relative to the project folder (empty when the problem is about
    the folder itself); ``line`` and ``column`` are 1-based (0 when unknown);
    ``path`` locates the value inside the document, e.g.
    ``products.organic-tee.variants.S/Black.price``.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}"
        parts = [part for part in (where, self.path, self.message) if part]
        text = ": ".join(parts)
        return f"{text} Fix: {self.hint}" if self.hint else text

    def under(self, folder: PurePath) -> Problem:
        """The same problem with its file named from ``folder`` (see ``Origin.under``)."""
        if not self.file:
            return self
        return replace(self, file=str(folder / self.file))


def format_path(parts: Iterable[PathPart]) -> str:
    """Dotted path for messages; list indexes as ``[2]``, keys containing dots quoted."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        shown = f'"{part}"' if "." in part or not part else part
        text += f".{shown}" if text else shown
    return text


def quote(value: object, limit: int = 40) -> str:
    """A value as shown inside a message: strings quoted, long values shortened."""
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 5] + "...." + text[-1]
    return text


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt word, or None (difflib, case-insensitive)."""
    import difflib

    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered:
        return lowered[word.lower()]
    found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[found[0]] if found else None


def did_you_mean(word: str, candidates: Iterable[str], *, inline: bool = False) -> str:
    """``'; did you mean "x"?'`` (``' (did you mean "x"?)'`` with inline) or an empty string."""
    match = suggest(word, candidates)
    if match is None:
        return ""
    return f' (did you mean "{match}"?)' if inline else f'; did you mean "{match}"?'


def listing(names: Sequence[str], limit: int = 12) -> str:
    """``A, B, C`` (shortened for long lists) for "choices are ..." messages."""
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


class ProblemCollector:
    """Accumulates problems; keeps one per source position.

    Several stages may notice the same bad value (the schema and a semantic
    rule both reject a negative price); the first report at a position wins,
    so each mistake is reported once and stages can be written independently.
    """

    def __init__(self, *, one_per_position: bool = True) -> None:
        self._problems: list[Problem] = []
        self._positions: set[tuple[str, int, int]] = set()
        # Warnings keep several at one place (a name can look alike AND mix scripts).
        self._one_per_position = one_per_position

    def add(
        self, file: str, line: int, column: int, path: str, message: str, hint: str = ""
    ) -> None:
        if line and self._one_per_position:
            position = (file, line, column)
            if position in self._positions:
                return
            self._positions.add(position)
        self._problems.append(Problem(file, line, column, path, message, hint))

    def extend(self, other: ProblemCollector) -> None:
        """Add every problem of ``other`` (a collector kept apart for one file)."""
        for problem in other._problems:
            self.add(
                problem.file,
                problem.line,
                problem.column,
                problem.path,
                problem.message,
                problem.hint,
            )

    def __len__(self) -> int:
        return len(self._problems)

    def sorted(self) -> list[Problem]:
        return sorted(self._problems)
