"""Which files of a folder are the project's: the walk, and the rules it follows.

A project usually lives in a repository that holds other things, so the walk
skips, without a word:

* hidden files and folders (``.git``, ``.github``, ``.inventory-as-code``, ...);
* ``node_modules`` and virtualenvs (any folder holding ``pyvenv.cfg``);
* what git ignores, asked of git itself (``git ls-files --others --ignored
  --exclude-standard --directory``) when the folder is in a git work tree, so
  the rules are exactly git's (nested ``.gitignore``, ``.git/info/exclude``,
  the global excludes file; a tracked file is never ignored). Without git,
  nothing is left out on these grounds: a checkout without ``.git`` (a CI
  tarball) holds only committed files, which git would not ignore either, so
  pattern-matching ``.gitignore`` there would drop tracked files git keeps.
* what ``[project] exclude`` names, and, when ``[project] include`` is set,
  what it does not name;
* the sites' overlay folders (``[sites.NAME] overlay``): their files are
  never the base catalogue's. Walked on their own (``folder=``), an overlay's
  files are all its YAML files under these same rules, except ``[project]
  include`` and ``exclude``: naming the folder in the toml is what includes it.

It reads every remaining file whose name ends in ``.yaml``/``.yml`` in any case.
Everything else that could drop a file is a problem or a note, never silence:

* a symlink (file or folder) is followed when its target is inside the
  project folder; one that leaves the project, dangles or loops is a problem.
  Leaving the project is refused because a pull request could otherwise make
  CI read (and quote in its errors) any file of the runner;
* a folder that cannot be listed is a problem naming it;
* a ``*.yaml`` that is not a regular file (a FIFO, socket or device) is a
  problem: reading one could block forever;
* a file reached twice (a symlink to a file that is read anyway) is read
  once, with a note.

The walk asks its questions (list a folder, follow a link, where does a path
really lead) of a :class:`FileTree`: the disk for the loader, or a git commit
for ``--changed-since`` (:mod:`inventory_as_code.selection.gittree`), so the
files a commit's checkout would have been read as are found by these same
rules. In a commit every file is tracked, and git ignores no tracked file, so
there the ``.gitignore`` step leaves nothing out.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from inventory_as_code.config.gitsafe import run_git
from inventory_as_code.config.problems import ProblemCollector
from inventory_as_code.config.projectfile import PROJECT_CONFIG, ProjectSettings

YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_FOLDERS = ("node_modules",)
GIT_TIMEOUT = 30.0


class StatLike(Protocol):
    @property
    def st_mode(self) -> int: ...

    @property
    def st_size(self) -> int: ...


class TreeEntry(Protocol):
    """One entry of a folder listing (an :class:`os.DirEntry` on disk)."""

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> str: ...

    def is_symlink(self) -> bool: ...

    def stat(self, *, follow_symlinks: bool = True) -> StatLike: ...


class FileTree(Protocol):
    """What the walk asks of a tree of files; paths are absolute, in the OS's form."""

    def scandir(self, path: str) -> Sequence[TreeEntry]:
        """The entries of a folder, in any order; OSError when it cannot be listed."""
        ...

    def stat(self, path: str) -> StatLike:
        """The file ``path`` leads to, links followed; OSError when there is none."""
        ...

    def realpath(self, path: str) -> str: ...

    def exists(self, path: str) -> bool: ...


class DiskTree:
    """The files on disk."""

    def scandir(self, path: str) -> Sequence[TreeEntry]:
        with os.scandir(path) as listing:
            return list(listing)

    def stat(self, path: str) -> StatLike:
        return os.stat(path)

    def realpath(self, path: str) -> str:
        return os.path.realpath(path)

    def exists(self, path: str) -> bool:
        return os.path.exists(path)


DISK = DiskTree()


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to read: where it is, whether ``[project] include`` named it, where it leads.

    ``path``: where to open it (the project folder joined with ``rel``); ``real``:
    the path with every link resolved (two names of one file share it).
    """

    rel: str
    path: str
    listed: bool
    real: str = ""


def is_yaml_name(name: str) -> bool:
    return name.lower().endswith(YAML_SUFFIXES)


def select_files(
    root: Path,
    settings: ProjectSettings,
    problems: ProblemCollector,
    notes: ProblemCollector,
    *,
    tree: FileTree = DISK,
    ignored: frozenset[str] | None = None,
    folder: str | None = None,
) -> list[SourceFile]:
    """The project's files, sorted by path (see the module docstring for the rules).

    ``ignored``: the paths git ignores; asked of git when None. ``folder``: a
    site's overlay folder (relative to ``root``) to list instead of the base
    catalogue; paths stay relative to ``root``.
    """
    walk = _Walk(root, settings, problems, notes, tree, ignored, folder)
    walk.run()
    return walk.result()


class _Walk:
    def __init__(
        self,
        root: Path,
        settings: ProjectSettings,
        problems: ProblemCollector,
        notes: ProblemCollector,
        tree: FileTree,
        ignored: frozenset[str] | None,
        folder: str | None = None,
    ) -> None:
        self.root = root
        self.tree = tree
        self.real_root = tree.realpath(str(root))
        self.folder = folder
        # Overlay folders, by name and where they really lead: never walked as the base's.
        overlays = {o.folder for o in settings.overlays} - {folder}
        self.overlay_names = frozenset(overlays)
        self.overlay_reals = frozenset(
            tree.realpath(os.path.join(str(root), *name.split("/"))) for name in overlays
        )
        self.settings_overlays = settings.overlays
        if folder is not None:
            settings = replace(settings, include=None, exclude=())
        self.settings = settings
        self.problems = problems
        self.notes = notes
        self.ignored = git_ignored(root, notes) if ignored is None else ignored
        # real path -> (rel, reached through a symlink)
        self.found: dict[str, tuple[str, bool]] = {}
        self.duplicates: list[tuple[str, str]] = []

    def run(self) -> None:
        if self.folder is None:
            self._folder(str(self.root), self.real_root, "", {self.real_root}, False)
            return
        self._overlay(self.folder)

    def _overlay(self, folder: str) -> None:
        """Walk an overlay folder, which must be a folder inside the project."""
        path = os.path.join(str(self.root), *folder.split("/"))
        try:
            info = self.tree.stat(path)
        except OSError:
            info = None
        real = self.tree.realpath(path)
        named = next((o for o in self.settings_overlays if o.folder == folder), None)
        line, column = (named.line, named.column) if named else (0, 0)
        where = f"sites.{named.site}.overlay" if named else ""
        if info is None or not stat.S_ISDIR(info.st_mode):
            what = "does not exist" if info is None else "is not a folder"
            self.problems.add(
                PROJECT_CONFIG,
                line,
                column,
                where,
                f'the overlay folder "{folder}" {what}.',
                "create the folder and put the site's YAML in it, or correct the folder here.",
            )
            return
        if not self._inside(real) or real == self.real_root:
            self.problems.add(
                PROJECT_CONFIG,
                line,
                column,
                where,
                f'the overlay folder "{folder}" leads to {real}, outside the project folder.',
                "make the overlay a real folder inside the project.",
            )
            return
        self._folder(path, real, folder + "/", {self.real_root, real}, path != real)

    def _inside(self, real: str) -> bool:
        return real == self.real_root or real.startswith(self.real_root.rstrip(os.sep) + os.sep)

    def _excluded(self, rel: str) -> bool:
        return any(p.matches(rel) for p in self.settings.exclude)

    def _folder(
        self, path: str, real: str, prefix: str, ancestors: set[str], via_link: bool
    ) -> None:
        """The entries of a folder; ``real``: its path with every link resolved."""
        try:
            entries = sorted(self.tree.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            self.problems.add(
                prefix.rstrip("/") or ".",
                0,
                0,
                "",
                f"cannot read the folder: {exc.strerror or exc}.",
                "make it readable, or exclude it in inventory-as-code.toml "
                "([project] exclude); a folder is never skipped silently.",
            )
            return
        for entry in entries:
            name = entry.name
            rel = prefix + name
            if name.startswith(".") or rel in self.ignored or rel + "/" in self.ignored:
                continue
            if self._excluded(rel):
                continue
            self._entry(entry, rel, real, ancestors, via_link)

    def _entry(
        self, entry: TreeEntry, rel: str, folder: str, ancestors: set[str], via_link: bool
    ) -> None:
        tree = self.tree
        is_link = entry.is_symlink()
        try:
            info = tree.stat(entry.path) if is_link else entry.stat(follow_symlinks=False)
        except OSError as exc:
            if is_yaml_name(entry.name):
                self._problem(rel, _unreadable(entry.path, is_link, exc))
            elif is_link:
                self.notes.add(rel, 0, 0, "", "skipped: a symlink whose target does not exist.")
            return
        # Below a folder's real path, only a link needs resolving (it saves a system call
        # per folder of the path, per file).
        real = tree.realpath(entry.path) if is_link else os.path.join(folder, entry.name)
        if is_link and not self._inside(real):
            if stat.S_ISDIR(info.st_mode) or is_yaml_name(entry.name):
                self._problem(
                    rel,
                    f"is a symlink to {real}, outside the project folder; it is not followed.",
                    "move the files into the project folder, or exclude the link in "
                    "inventory-as-code.toml ([project] exclude).",
                )
            return
        if stat.S_ISDIR(info.st_mode):
            if entry.name in SKIPPED_FOLDERS or tree.exists(os.path.join(entry.path, "pyvenv.cfg")):
                return
            if self.overlay_names and (rel in self.overlay_names or real in self.overlay_reals):
                return  # a site's overlay: read with that site only
            if real in ancestors:
                self._problem(rel, "is a symlink to a folder that contains it (a loop).")
                return
            self._folder(entry.path, real, rel + "/", ancestors | {real}, via_link or is_link)
            return
        if not is_yaml_name(entry.name):
            return
        if not stat.S_ISREG(info.st_mode):
            self._problem(
                rel,
                "is not a regular file (a FIFO, socket or device); it is not read.",
                "remove it from the project folder, or exclude it in inventory-as-code.toml.",
            )
            return
        linked = via_link or is_link
        first = self.found.get(real)
        if first is None:
            self.found[real] = (rel, linked)
        elif first[1] and not linked:  # prefer the path without a symlink
            self.duplicates.append((first[0], rel))
            self.found[real] = (rel, linked)
        else:
            self.duplicates.append((rel, first[0]))

    def _problem(self, rel: str, message: str, hint: str = "") -> None:
        self.problems.add(
            rel,
            0,
            0,
            "",
            message,
            hint
            or "replace the link with the file, or exclude it in inventory-as-code.toml "
            "([project] exclude).",
        )

    def result(self) -> list[SourceFile]:
        for skipped, kept in self.duplicates:
            self.notes.add(skipped, 0, 0, "", f"skipped: the same file as {kept}, which is read.")
        include = self.settings.include
        out = []
        root = str(self.root)
        for real, (rel, _) in self.found.items():
            if include is not None and not any(p.matches(rel) for p in include):
                continue
            out.append(SourceFile(rel, os.path.join(root, rel), include is not None, real))
        out.sort(key=lambda f: f.rel)
        return out


def git_ignored(root: Path, notes: ProblemCollector) -> frozenset[str]:
    """Paths under ``root`` that git ignores (folders end with ``/``); empty without git."""
    if not _in_git_work_tree(Path(root)):
        return frozenset()
    try:
        # A .git/config that came with a downloaded folder must not run a program (gitsafe).
        done = run_git(
            root,
            "ls-files",
            "-z",
            "--others",
            "--ignored",
            "--exclude-standard",
            "--directory",
            timeout=GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        reason = "git is not installed" if isinstance(exc, FileNotFoundError) else str(exc)
        _git_note(notes, reason)
        return frozenset()
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
        _git_note(notes, error[0] if error else f"git exited with {done.returncode}")
        return frozenset()
    paths = frozenset(p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p)
    if "./" in paths:  # the project folder itself is ignored: git's rules cannot pick files in it
        notes.add(
            "",
            0,
            0,
            "",
            "git ignores the project folder itself, so .gitignore rules are not applied to it.",
        )
        return frozenset()
    return paths


def _in_git_work_tree(root: Path) -> bool:
    folder = Path(os.path.abspath(root))
    return any((candidate / ".git").exists() for candidate in (folder, *folder.parents))


def _git_note(notes: ProblemCollector, reason: str) -> None:
    notes.add(
        "",
        0,
        0,
        "",
        f"the project is in a git work tree, but git could not be asked what it ignores "
        f"({reason}); files .gitignore excludes are read too.",
        "install git, or list the project's files in inventory-as-code.toml ([project] include).",
    )


def _unreadable(path: str, is_link: bool, exc: OSError) -> str:
    """Why a YAML file cannot be read; for a link, what it points at."""
    if is_link and exc.errno == errno.ENOENT:
        try:
            return f"is a symlink to {os.readlink(path)}, which does not exist."
        except OSError:  # gone since: as any unreadable file
            pass
    if is_link and exc.errno == errno.ELOOP:
        return "is a symlink that loops (it leads back to itself)."
    return f"cannot be read: {exc.strerror or exc}."
