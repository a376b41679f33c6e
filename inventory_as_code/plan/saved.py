"""Saved plans (``plan --out FILE``, ``apply FILE``).

A saved plan is the JSON rendering plus where and from what it was made:
the site id (never a credential), the time, the git commit of the project
when there is one, and a checksum over everything else, so ``apply`` can
refuse a plan that was edited or made for another site.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.plan.model import FORMAT_VERSION, Plan, checksum


class PlanFileError(InventoryAsCodeError):
    """A saved plan cannot be used: unreadable, edited, or made for another site."""


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
    metadata: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "project": str(project),
    }
    commit = git_commit(project)
    if commit:
        metadata["git_commit"] = commit
    metadata.update(extra or {})
    return metadata


def write_plan_file(plan: Plan, path: Path) -> None:
    path.write_text(json.dumps(plan.to_dict(), indent=1, sort_keys=False) + "\n", encoding="utf-8")


def read_plan_file(path: Path) -> tuple[Plan, dict[str, Any]]:
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
    if data.get("checksum") != checksum(data):
        raise PlanFileError(
            f"{path}: checksum mismatch: the plan was changed after it was made. "
            "Make a new plan with plan --out and review it."
        )
    try:
        return Plan.from_dict(data), data
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanFileError(f"{path}: malformed plan ({exc})") from None
