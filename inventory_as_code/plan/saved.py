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
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.plan.model import FORMAT_VERSION, Plan, canonical, checksum

PLAN_KEY_ENV = "INVENTORY_AS_CODE_PLAN_KEY"
SIGNED = "hmac-sha256:"


class PlanFileError(InventoryAsCodeError):
    """A saved plan cannot be used: unreadable, edited, badly signed, or for another site."""


def git_commit(project: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None


def plan_metadata(project: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    # No project path: apply finds the project on its own command line, and a
    # path in a file someone else may write would only invite reading it.
    metadata: dict[str, Any] = {"created_at": datetime.now(UTC).isoformat(timespec="seconds")}
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


def write_plan_file(plan: Plan, path: Path, key: bytes | None = None) -> None:
    body = plan.to_dict()
    if key is not None:
        body["checksum"] = sign(body, key)
    path.write_text(json.dumps(body, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def read_plan_file(path: Path, key: bytes | None = None) -> tuple[Plan, dict[str, Any]]:
    """The plan and its raw JSON, after checking the checksum (or, with a key, the signature).

    A signed plan read without the key is returned unchecked: the caller says
    so (:func:`is_signed`). Apply still executes only what the checked-out
    YAML produces, so that is safe, only less strict.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFileError(f"{path}: not a saved plan ({exc})") from None
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise PlanFileError(
            f"{path}: not a saved plan of this version (format_version "
            f"{data.get('format_version') if isinstance(data, dict) else '?'}, "
            f"expected {FORMAT_VERSION}); make a new one with plan --out"
        )
    seal = str(data.get("checksum", ""))
    if seal.startswith(SIGNED):
        if key is not None and not hmac.compare_digest(seal, sign(data, key)):
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
    elif seal != checksum(data):
        raise PlanFileError(
            f"{path}: checksum mismatch: the plan was changed after it was made. "
            "Make a new plan with plan --out and review it."
        )
    try:
        return Plan.from_dict(data), data
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PlanFileError(f"{path}: malformed plan ({exc})") from None
