"""Replace a file of the user's project whole or not at all (``fmt``, ``pull``).

The new bytes go to a temporary file beside the target, are flushed to disk,
take the target's permissions and are renamed over it: a reader, an editor or
a crash sees the old file or the new one, never half of each.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes, *, suffix: str) -> None:
    """Write ``data`` as ``path`` atomically; OSError when it cannot be (nothing changed).

    A link inside the project is replaced where it leads (the project's file is
    the link's target). A new file gets the permissions the umask gives.
    ``suffix`` names the temporary file after the command writing it.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # the rename itself, made durable where possible
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
