"""The secret that signs incremental snapshots, and where it comes from.

A snapshot lives in the project's ``.inventory-as-code/`` folder, which
whoever can write the project can write too (a cloned repository, a shared
folder, a CI cache). A checksum they can recompute proves nothing, and no
rule can tell a forged snapshot from a true one without reading what it
stands for (the point of it is not to read that). So a snapshot is signed
(HMAC-SHA256) with a secret its writer has and such a person does not, and
a snapshot that does not verify is never used:

1. ``INVENTORY_AS_CODE_PLAN_KEY``, when set: the secret saved plans are
   signed with. CI jobs that share it share snapshots (a scheduled job on
   the default branch writes, pull-request plans read); a fork's pull
   request gets no secrets, so it can neither use nor forge one.
2. Otherwise a random key of this user, made on first use and kept outside
   every project: ``$XDG_STATE_HOME/inventory-as-code/snapshot.key``
   (``~/.local/state/...`` by default), readable by its owner only.
3. Neither (no home to keep a key in): snapshots are neither used nor saved,
   and the plan says why.

The key never leaves this module but as an HMAC key: it is not in the
snapshot, nor in any message.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PLAN_KEY_ENV = "INVENTORY_AS_CODE_PLAN_KEY"  # the same variable as plan.saved.PLAN_KEY_ENV
KEY_FILE = Path("inventory-as-code") / "snapshot.key"
_DOMAIN = b"inventory-as-code snapshot v2"  # a snapshot tag is never a plan signature


class KeyUnavailable(Exception):
    """No secret to sign snapshots with; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class SnapshotKey:
    secret: bytes
    source: str  # for messages: where the key comes from, never the key

    def sign(self, data: bytes) -> bytes:
        return hmac.new(self._mac_key(), data, hashlib.sha256).digest()

    def signer(self) -> hmac.HMAC:
        """An HMAC to feed piece by piece: its digest is :meth:`sign` of the pieces joined."""
        return hmac.new(self._mac_key(), digestmod=hashlib.sha256)

    def verifies(self, data: bytes, tag: bytes) -> bool:
        return hmac.compare_digest(self.sign(data), tag)

    @property
    def key_id(self) -> bytes:
        """Names the key in a snapshot, so "another key" and "edited" are told apart."""
        return hmac.new(self._mac_key(), b"key id", hashlib.sha256).digest()[:8]

    def _mac_key(self) -> bytes:
        return hmac.new(self.secret, _DOMAIN, hashlib.sha256).digest()

    def __repr__(self) -> str:
        return f"SnapshotKey(source={self.source!r})"


def snapshot_key(env: Mapping[str, str] | None = None) -> SnapshotKey:
    """The key to sign and check snapshots with; KeyUnavailable when there is none."""
    env = os.environ if env is None else env
    shared = env.get(PLAN_KEY_ENV, "").strip()  # stripped as plan.saved.plan_key does
    if shared:
        return SnapshotKey(shared.encode("utf-8"), PLAN_KEY_ENV)
    path = key_path(env)
    try:
        return SnapshotKey(_read_or_make(path), str(path))
    except OSError as exc:
        raise KeyUnavailable(
            f"no key to sign snapshots with ({path}: {exc.strerror or exc}); set "
            f"{PLAN_KEY_ENV}, or let this user keep a key there"
        ) from None


def key_path(env: Mapping[str, str]) -> Path:
    state = env.get("XDG_STATE_HOME", "")
    base = Path(state) if state and Path(state).is_absolute() else Path.home() / ".local" / "state"
    return base / KEY_FILE


def _read_or_make(path: Path) -> bytes:
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)  # never replaces a key another process made meanwhile
    finally:
        temp.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "r") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "not a regular file")
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
            # Another user who can read it can forge snapshots; who can write it, replace it.
            raise OSError(0, "not this user's alone (chmod 600 it, or delete it for a new one)")
        secret = handle.read(200).strip()
    if len(secret) < 32:
        raise OSError(0, "too short to be a key (delete it for a new one)")
    return secret.encode("ascii", "replace")
