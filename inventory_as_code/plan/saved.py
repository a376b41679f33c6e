"""Saved plans (``plan --out FILE``, ``apply FILE``, ``show FILE``).

A saved plan is the JSON rendering plus where and from what it was made: the
site id (never a credential), the time and the git commit of the project when
there is one. Its ``checksum`` covers everything else: a plain SHA-256, which
catches accidents (a truncated download, a hand edit) but not an attacker,
who can recompute it. So nothing in the file is trusted with the store:

* which site, base URL and credentials are used comes from the command line
  and the checked-out project, never from the plan's metadata;
* ``apply`` plans again from the checked-out YAML and executes only the saved
  changes that plan also makes (:mod:`.binding`): an edited plan is refused.

Stores that want more set a secret key in ``INVENTORY_AS_CODE_PLAN_KEY``
for both ``plan`` and ``apply``: ``plan --out`` then writes an HMAC-SHA256
signature (``hmac-sha256:...``) in place of the checksum, and a reader with
the key refuses a plan that is unsigned or signed with another key.

The file is the JSON of ``plan --format json`` without indentation, written
change by change (:mod:`.plan_json`). A name ending in ``.gz`` gets it
gzip-compressed (a first plan of 10,000 products: about 73 MB plain, a few MB
compressed); the reader tells the two apart by gzip's magic bytes, whatever
the name, and reads files of earlier versions (indented JSON) alike.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import json
import os
import re
import stat
import subprocess
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from inventory_as_code import __version__
from inventory_as_code.config.gitsafe import run_git
from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.plan.model import FORMAT_VERSION, Plan, canonical, checksum
from inventory_as_code.plan.plan_json import SIGNED, buffered, plan_json_chunks
from inventory_as_code.plan.plan_shape import PlanShapeError, check_plan_document

PLAN_KEY_ENV = "INVENTORY_AS_CODE_PLAN_KEY"
GZIP_MAGIC = b"\x1f\x8b"
# zlib's default: within a few percent of level 9 on plans, and much faster.
GZIP_LEVEL = 6
# A first plan of 20,000 products is about 150 MB of JSON; a gzip bomb must not
# take the machine's memory before it is refused.
MAX_PLAN_BYTES = 1 << 30


class PlanFileError(InventoryAsCodeError):
    """A saved plan cannot be used: unreadable, edited, badly signed, or for another site."""


def git_commit(project: Path) -> str | None:
    try:  # with the settings and environment every git command of the tool gets
        result = run_git(project, "rev-parse", "HEAD", timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.decode("ascii", "replace").strip()
    return commit if result.returncode == 0 and commit else None


def plan_metadata(project: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    # No project path: apply finds the project on its own command line, and a
    # path in a file someone else may write would only invite reading it.
    metadata: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        # Which release made it (`inventory-as-code --version`): a plan reviewed with one
        # version and applied with another is worth knowing about when they disagree.
        "tool_version": __version__,
    }
    commit = git_commit(project)
    if commit:
        metadata["git_commit"] = commit
    metadata.update(extra or {})
    return metadata


def plan_key(env: Mapping[str, str] | None = None) -> bytes | None:
    """The signing key from ``INVENTORY_AS_CODE_PLAN_KEY`` (None when unset or blank)."""
    env = os.environ if env is None else env
    # A pasted secret often ends in a newline; both sides strip it alike.
    value = env.get(PLAN_KEY_ENV, "").strip()
    return value.encode("utf-8") if value else None


def sign(body: Mapping[str, Any], key: bytes) -> str:
    return SIGNED + hmac.new(key, canonical(body), hashlib.sha256).hexdigest()


def is_signed(data: Mapping[str, Any]) -> bool:
    return str(data.get("checksum", "")).startswith(SIGNED)


def compressed(path: Path) -> bool:
    """Whether ``plan --out`` writes this file gzip-compressed (by its name)."""
    return path.name.endswith(".gz")


def write_plan_file(plan: Plan, path: Path, key: bytes | None = None) -> None:
    """Write the plan change by change; a ``.gz`` name gets it gzip-compressed.

    An error half-way (the disk is full) removes the file rather than leave
    a plan cut short.
    """
    chunks = plan_json_chunks(
        plan, lambda value: json.dumps(value, separators=(",", ":")), indent=None, key=key
    )
    raw = path.open("wb")
    try:
        with raw:
            target: BinaryIO | gzip.GzipFile = raw
            if compressed(path):
                # No name and no time in the header: the same plan, the same bytes.
                target = gzip.GzipFile(
                    filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0
                )
            with io.TextIOWrapper(target, encoding="utf-8", newline="\n") as text:
                for chunk in buffered(chunks):
                    text.write(chunk)
                text.write("\n")
    except BaseException:
        path.unlink(missing_ok=True)
        raise


_PLAN_START = re.compile(rb'\A\s*\{\s*"format_version"\s*:')


def is_plan_head(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a saved plan (plain or gzip), of any version.

    ``plan --out`` replaces a file only when it is one: a mistyped name must
    not turn a YAML file of the project into a plan.
    """
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 256)
        except zlib.error:
            return False
    return _PLAN_START.match(head) is not None


def _gunzip(packed: bytes, path: Path) -> bytes:
    """Decompress, refusing more than :data:`MAX_PLAN_BYTES` (a plan file is untrusted input)."""
    with gzip.GzipFile(fileobj=io.BytesIO(packed), mode="rb") as stream:
        raw = stream.read(MAX_PLAN_BYTES + 1)
    if len(raw) > MAX_PLAN_BYTES:
        raise PlanFileError(
            f"{path}: the compressed plan unpacks to more than {MAX_PLAN_BYTES // 2**30} GiB; "
            "no plan is that large. Make a new plan with plan --out."
        )
    return raw


def open_regular(path: Path) -> BinaryIO:
    """A regular file of at most MAX_PLAN_BYTES, open for reading; a FIFO or device is refused.

    Opened without blocking: opening a FIFO for reading would otherwise wait
    for a writer forever.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise PlanFileError(f"{path}: not a saved plan ({exc.strerror})") from None
    handle = os.fdopen(fd, "rb")
    info = os.fstat(handle.fileno())
    problem = ""
    if not stat.S_ISREG(info.st_mode):
        problem = "not a regular file"
    elif info.st_size > MAX_PLAN_BYTES:
        problem = f"larger than {MAX_PLAN_BYTES // 2**30} GiB"
    if problem:
        handle.close()
        raise PlanFileError(f"{path}: not a saved plan ({problem})")
    return handle


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_PLAN_BYTES (see :func:`open_regular`)."""
    with open_regular(path) as handle:
        return handle.read(MAX_PLAN_BYTES + 1)


def _load(path: Path) -> Any:
    raw = _read_regular(path)
    if raw.startswith(GZIP_MAGIC):
        try:
            raw = _gunzip(raw, path)
        except (OSError, EOFError, zlib.error) as exc:
            # A changed or cut compressed file fails gzip's own CRC or framing.
            raise PlanFileError(
                f"{path}: damaged compressed plan ({exc}): it was changed or cut short after "
                "it was made. Make a new plan with plan --out and review it."
            ) from None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFileError(f"{path}: not a saved plan: {_not_json(path, exc)}") from None
    except RecursionError:
        raise PlanFileError(
            f"{path}: not a saved plan: its JSON is nested thousands of levels deep."
        ) from None


def _not_json(path: Path, exc: ValueError) -> str:
    """Why the file is not a plan, and what the user may have meant."""
    if isinstance(exc, json.JSONDecodeError):
        what = f"it is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    else:
        what = "it is not UTF-8 text"
    if path.suffix.lower() in (".yaml", ".yml"):
        return (
            f"{what}. A saved plan is the file `plan --out FILE` writes; to apply the YAML "
            f"of a project, pass its folder: inventory-as-code apply {path.parent}"
        )
    return f"{what}. A saved plan is the file `plan --out FILE` writes."


def read_plan_file(path: Path, key: bytes | None = None) -> tuple[Plan, dict[str, Any]]:
    """The plan and its raw JSON, after checking the checksum (or, with a key, the signature).

    A signed plan read without the key is returned unchecked: the caller says
    so (:func:`is_signed`). Apply still executes only what the checked-out
    YAML produces, so that is safe, only less strict.
    """
    data = checked_document(path, key)
    try:
        return Plan.from_dict(data), data
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise malformed(path, exc) from None


def checked_document(path: Path, key: bytes | None = None) -> dict[str, Any]:
    """The file's JSON, read whole, after the checks of :func:`read_plan_file`."""
    data = _load(path)
    check_version(path, data)
    try:
        # Before the checksum: an attacker can recompute it, and nothing below may crash.
        check_plan_document(data)
    except PlanShapeError as exc:
        raise shape_refusal(path, exc) from None
    check_seal(path, data.get("checksum", ""), key, lambda with_key: _seal_of(data, with_key))
    return dict(data)


def _seal_of(data: Mapping[str, Any], key: bytes | None) -> str:
    return checksum(data) if key is None else sign(data, key)


# The checks and refusals below are shared with the reader of big plans (:mod:`.saved_stream`),
# which computes the same seal change by change.


def check_version(path: Path, data: Any) -> None:
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise PlanFileError(
            f"{path}: not a saved plan of this version (format_version "
            f"{data.get('format_version') if isinstance(data, dict) else '?'}, "
            f"expected {FORMAT_VERSION}); make a new one with plan --out"
        )


def shape_refusal(path: Path, exc: PlanShapeError) -> PlanFileError:
    return PlanFileError(
        f"{path}: malformed plan ({exc}); the tool never writes that. Make a new plan "
        "with plan --out."
    )


def malformed(path: Path, exc: Exception) -> PlanFileError:
    return PlanFileError(f"{path}: malformed plan ({exc})")


def check_seal(
    path: Path, found: Any, key: bytes | None, expected: Callable[[bytes | None], str]
) -> None:
    """``found`` is the file's ``checksum``; ``expected(key)`` the signature with a key, the
    checksum with None, of what the file holds."""
    seal = str(found)
    if seal.startswith(SIGNED):
        if key is not None and not hmac.compare_digest(seal, expected(key)):
            raise PlanFileError(
                f"{path}: bad signature: the plan was changed after it was made, or signed "
                f"with another key than the one in {PLAN_KEY_ENV}. Make a new plan with "
                "plan --out and review it."
            )
    elif key is not None:
        raise PlanFileError(
            f"{path}: the plan is not signed, but {PLAN_KEY_ENV} is set, so only signed plans "
            f"are accepted. Make the plan with the same {PLAN_KEY_ENV} set."
        )
    elif seal != expected(None):
        raise PlanFileError(
            f"{path}: checksum mismatch: the plan was changed after it was made. "
            "Make a new plan with plan --out and review it."
        )
