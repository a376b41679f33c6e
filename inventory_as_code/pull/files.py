"""The project's files as pull reads and writes them.

Each file pull edits is read once (:class:`Sources`), and written only if it
still holds those bytes: a file changed on disk since (an editor saving, a
``git checkout``) is not overwritten. A write is atomic: the new bytes go to a
temporary file in the same folder, are flushed to the disk, and replace the
file by a rename, so a crash leaves the old file or the new one, never half
of one. The file keeps its permissions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from inventory_as_code._atomic import replace_file
from inventory_as_code.config.projectfile import Limits
from inventory_as_code.config.source import Unread, read_limited
from inventory_as_code.pull.model import FileEdit, PullError
from inventory_as_code.yamledit import SourceText, Tree, TreeError, decode_source, parse


class Sources:
    """The files of one project that pull looks into, each read and parsed once."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self._read: dict[str, tuple[SourceText, Tree]] = {}

    def get(self, rel: str) -> tuple[SourceText, Tree]:
        if rel not in self._read:
            raw = read_limited(self.project / rel, Limits().max_file_bytes)
            if isinstance(raw, Unread):
                raise PullError(f"{self.project / rel}: {raw.message}")
            try:
                source = decode_source(raw)
                self._read[rel] = (source, parse(source.text))
            except TreeError as exc:
                raise PullError(f"{self.project / rel}: {exc}; nothing was written.") from None
        return self._read[rel]

    def tree(self, rel: str) -> Tree:
        return self.get(rel)[1]


def write_edits(project: Path, edits: Sequence[FileEdit]) -> None:
    """Write every edit that changes a file, each atomically; first check that none changed.

    Raises :class:`PullError` naming the file when one changed on disk since it was
    read: nothing is written then (a file that changes between that check and its
    own rename is named too, with the files already written).
    """
    changing = [edit for edit in edits if edit.before != edit.after]
    for edit in changing:
        _check_unchanged(project, edit)
    done: list[str] = []
    for edit in changing:
        try:
            _check_unchanged(project, edit)
            _write_atomic(project / edit.rel, edit.after)
        except PullError as exc:
            if done:  # never a half-applied pull without saying exactly what was written
                raise PullError(f"{exc} Already written: {', '.join(done)}.") from None
            raise
        done.append(edit.rel)


def _check_unchanged(project: Path, edit: FileEdit) -> None:
    path = project / edit.rel
    if edit.before is None:
        if os.path.lexists(path):
            raise PullError(f"{path} was created while pull ran; nothing was written.")
        return
    try:
        now = path.read_bytes()
    except OSError as exc:
        raise PullError(
            f"{path}: cannot read it again ({exc.strerror}); nothing was written."
        ) from None
    if now != edit.before:
        raise PullError(
            f"{path} changed on disk since pull read it; nothing was written. Run pull again."
        )


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        replace_file(path, data, suffix=".pull")
    except OSError as exc:
        raise PullError(
            f"{path}: cannot write it ({exc.strerror or exc}); it was not changed."
        ) from None
