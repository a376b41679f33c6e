"""A git commit's files, as the loader's walk would have found them in a checkout of it.

:class:`CommitTree` answers the walk's questions (:class:`~inventory_as_code.config.files.FileTree`)
from the commit instead of the disk: folder listings, where a symlink leads
(the link's text is its blob, resolved component by component the way the
operating system resolves a path, at most 40 links deep), what a path is. A
path that leaves the repository is asked of the disk, as a checkout on this
machine would. A submodule (a gitlink) has no files in the commit, so it is a
folder that cannot be listed: the walk reports it, and the caller plans
everything.

Every object is read by one ``git cat-file --batch`` process
(:class:`Objects`), and only after its size, known from ``git ls-tree -l``,
was checked: a blob is read whole, so a 3 GB file is never asked for.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from subprocess import TimeoutExpired
from typing import IO

from inventory_as_code.config.files import StatLike, TreeEntry
from inventory_as_code.config.gitsafe import run_git, start_git
from inventory_as_code.selection.model import SelectionError

GIT_TIMEOUT = 120
MAX_LINK = 4096  # PATH_MAX: a "symlink" blob longer than that is no path
_MAX_LINKS = 40  # as Linux: more links on one path is a loop

TREE, LINK, GITLINK = 0o040000, 0o120000, 0o160000


@dataclass(frozen=True, slots=True)
class Node:
    """One entry of the commit's tree."""

    mode: int
    oid: str
    size: int  # -1 for a tree or gitlink

    @property
    def st_mode(self) -> int:
        if self.mode == LINK:
            return stat.S_IFLNK | 0o777
        if self.mode in (TREE, GITLINK):
            return stat.S_IFDIR | 0o755
        return stat.S_IFREG | (self.mode & 0o777)

    @property
    def st_size(self) -> int:
        return max(self.size, 0)


def git(root: Path, *args: str) -> bytes:
    """Run a git plumbing command; its stdout. SelectionError when it fails."""
    try:
        done = run_git(root, *args, timeout=GIT_TIMEOUT)
    except (OSError, TimeoutExpired) as exc:
        raise SelectionError(f"--changed-since needs git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SelectionError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


class Objects:
    """Blobs of the repository, all through one ``git cat-file --batch`` process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            self._process = start_git(root, "cat-file", "--batch")
        except OSError as exc:
            raise SelectionError(f"--changed-since needs git: {exc}") from None

    def __enter__(self) -> Objects:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        process = self._process
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):  # a broken pipe: the process is gone
                    stream.close()
        try:
            process.wait(timeout=5)
        except TimeoutExpired:
            process.kill()
            process.wait()

    def read(self, oid: str) -> bytes | None:
        """One object's content (None when the repository does not have it)."""
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(oid.encode("ascii") + b"\n")
            stdin.flush()
        except OSError as exc:
            raise SelectionError(f"git cat-file stopped: {exc}") from None
        return _answer(stdout, oid)

    def read_many(self, oids: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
        """The contents of ``oids``, in order; the requests are written while the answers
        are read, so the pipe never waits on a round trip per object."""
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        failed: list[BaseException] = []

        def write() -> None:
            try:
                for oid in oids:
                    stdin.write(oid.encode("ascii") + b"\n")
                stdin.flush()
            except (OSError, ValueError) as exc:  # the process died: the reader says so
                failed.append(exc)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        done = False
        try:
            for oid in oids:
                yield oid, _answer(stdout, oid)
            done = True
        finally:
            if not done:  # the writer may wait on a pipe nobody reads any more
                self._process.kill()
            writer.join()
        if failed:
            raise SelectionError(f"git cat-file stopped: {failed[0]}")


def _answer(stdout: IO[bytes], oid: str) -> bytes | None:
    header = stdout.readline()
    if not header:
        raise SelectionError(f"git cat-file stopped before {oid}")
    parts = header.split()
    if len(parts) == 2 and parts[1] == b"missing":
        return None
    if len(parts) != 3:
        raise SelectionError(f"git cat-file: unexpected answer {header[:80]!r}")
    size = int(parts[2])
    content = stdout.read(size)
    stdout.read(1)  # the newline after the content
    if len(content) != size:
        raise SelectionError(f"git cat-file stopped in {oid}")
    return content


def parse_listing(listing: bytes) -> Iterator[tuple[str, Node]]:
    """``git ls-tree -z -l`` records: (path, node)."""
    for record in listing.split(b"\0"):
        if not record:
            continue
        info, _, raw_path = record.partition(b"\t")
        mode, _kind, oid, size = info.split()
        yield (
            os.fsdecode(raw_path),
            Node(int(mode, 8), oid.decode("ascii"), -1 if size == b"-" else int(size)),
        )


class _Entry:
    """A folder entry, as :class:`os.DirEntry` shows it."""

    __slots__ = ("name", "node", "path")

    def __init__(self, name: str, path: str, node: Node) -> None:
        self.name = name
        self.path = path
        self.node = node

    def is_symlink(self) -> bool:
        return self.node.mode == LINK

    def stat(self, *, follow_symlinks: bool = True) -> StatLike:
        assert not follow_symlinks  # the walk follows links through CommitTree.stat
        return self.node


class CommitTree:
    """The files of ``commit`` under ``base`` (a folder of the repository at ``root``).

    ``root`` is the repository's real path; paths are absolute, as on disk.
    """

    def __init__(self, root: str, commit: str, base: str, objects: Objects) -> None:
        self.root = root
        self.commit = commit
        self.objects = objects
        self._prefix = root.rstrip(os.sep) + os.sep
        self._resolved: dict[str, tuple[str, StatLike | None]] = {}
        self.nodes: dict[str, Node] = {"": Node(TREE, "", -1)}
        self.children: dict[str, list[str]] = {}
        self._listed: set[str] = set()  # folders whose entries are all in self.nodes
        spec = ["--", base] if base != "." else []
        self._add(git(Path(root), "ls-tree", "-r", "-t", "-l", "-z", "--full-tree", commit, *spec))
        # Folders listed in full: base and those below it (git names base's parents too).
        under = "" if base == "." else base + "/"
        self._listed.update(
            p for p, n in self.nodes.items() if n.mode == TREE and (p + "/").startswith(under)
        )
        if base == ".":
            self._listed.add("")
        self._links: dict[str, str | None] = {}

    def _add(self, listing: bytes) -> None:
        for path, node in parse_listing(listing):
            if path in self.nodes:  # a folder listed again (where a link leads): known
                continue
            self.nodes[path] = node
            parent = path.rpartition("/")[0]
            self.children.setdefault(parent, []).append(path)

    # --- paths ------------------------------------------------------------------------

    def repo_path(self, path: str) -> str | None:
        """``path`` relative to the repository ('' for its root); None outside it."""
        if path == self.root:
            return ""
        if not path.startswith(self._prefix):
            return None
        rel = path[len(self._prefix) :]
        return rel.replace(os.sep, "/") if os.sep != "/" else rel

    def node(self, rel: str) -> Node | None:
        """The entry at ``rel`` (its parents known to be folders of the commit)."""
        if rel in self.nodes:
            return self.nodes[rel]
        parent = rel.rpartition("/")[0]
        if parent not in self._listed:
            self._list(parent)
        return self.nodes.get(rel)

    def _list(self, folder: str) -> None:
        """Entries of a folder outside ``base`` (where a link leads), asked when needed."""
        self._listed.add(folder)
        spec = f"{folder}/" if folder else "."
        self._add(
            git(Path(self.root), "ls-tree", "-l", "-z", "--full-tree", self.commit, "--", spec)
        )

    def link_text(self, rel: str, node: Node) -> str | None:
        if rel not in self._links:
            text = None
            if 0 <= node.size <= MAX_LINK:
                content = self.objects.read(node.oid)
                text = os.fsdecode(content) if content is not None else None
            self._links[rel] = text
        return self._links[rel]

    def _resolve(self, path: str) -> tuple[str, StatLike | None]:
        """Follow every link of ``path``: the real path, and what is there (None: nothing).

        Raises OSError(ELOOP) on a loop, as the system does.
        """
        found = self._resolved.get(path)
        if found is None:
            found = self._resolved[path] = self._follow(path)
        return found

    def _follow(self, path: str) -> tuple[str, StatLike | None]:
        rel = self.repo_path(path)
        here: StatLike | None
        if rel is not None:  # the repository's root is a real path: start there
            resolved, here = self.root, self.nodes[""]
            parts = rel.split("/") if rel else []
        else:
            parts = path.split(os.sep)
            resolved = os.sep  # the paths of the walk are absolute
            here = self._lookup(resolved)[1]
        parts.reverse()
        links = 0
        while parts:
            name = parts.pop()
            if name in ("", "."):
                continue
            if name == "..":
                resolved = os.path.dirname(resolved) or resolved
                here = self._lookup(resolved)[1]  # a real path: no link on it
                continue
            if here is None or not stat.S_ISDIR(here.st_mode):
                return os.path.join(resolved, name, *reversed(parts)), None  # nothing below
            candidate = os.path.join(resolved, name)
            target, found = self._lookup(candidate)
            if found is None:
                return os.path.join(candidate, *reversed(parts)), None
            if target is None:
                resolved, here = candidate, found
                continue
            links += 1
            if links > _MAX_LINKS:
                raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)
            if os.path.isabs(target):
                resolved = os.sep
                here = self._lookup(resolved)[1]
            parts.extend(reversed(target.split(os.sep)))
        return resolved, here

    def _lookup(self, path: str) -> tuple[str | None, StatLike | None]:
        """(link text if ``path`` is a link, else None; what is there, unfollowed)."""
        rel = self.repo_path(path)
        if rel is None:  # outside the repository: the disk, as a checkout here would see it
            try:
                info = os.lstat(path)
            except OSError:
                return None, None
            return (os.readlink(path) if stat.S_ISLNK(info.st_mode) else None), info
        node = self.node(rel)
        if node is None:
            return None, None
        if node.mode == LINK:
            text = self.link_text(rel, node)
            if text is None:
                return None, None
            return text, node
        return None, node

    # --- the walk's questions ---------------------------------------------------------

    def realpath(self, path: str) -> str:
        try:
            return self._resolve(path)[0]
        except OSError:
            return path

    def stat(self, path: str) -> StatLike:
        found = self._resolve(path)[1]
        if found is None:
            raise OSError(errno.ENOENT, os.strerror(errno.ENOENT), path)
        return found

    def exists(self, path: str) -> bool:
        try:
            self.stat(path)
        except OSError:
            return False
        return True

    def scandir(self, path: str) -> Sequence[TreeEntry]:
        resolved, found = self._resolve(path)
        rel = self.repo_path(resolved)
        if rel is None:
            raise OSError(errno.EXDEV, "outside the repository", path)
        if isinstance(found, Node) and found.mode == GITLINK:
            raise OSError(errno.EIO, "a git submodule, whose files the commit does not hold")
        if not isinstance(found, Node) or found.mode != TREE:
            raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)
        if rel not in self._listed:
            self._list(rel)
        return [
            _Entry(
                child.rpartition("/")[2],
                os.path.join(path, child.rpartition("/")[2]),
                self.nodes[child],
            )
            for child in self.children.get(rel, ())
        ]

    def blob(self, real: str) -> Node | None:
        """The regular file at a real path (as the walk gives it), or None."""
        rel = self.repo_path(real)
        node = self.nodes.get(rel) if rel is not None else None
        return node if node is not None and node.mode not in (TREE, LINK, GITLINK) else None


def read_blobs(objects: Objects, nodes: Iterable[Node]) -> dict[str, bytes | None]:
    """Each blob's content, by object id, in one pass of the batch process."""
    oids = list(dict.fromkeys(node.oid for node in nodes))
    return dict(objects.read_many(oids))
