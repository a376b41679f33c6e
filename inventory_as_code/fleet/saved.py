"""Saved plans of several sites: a folder with one plan file per site and an index.

``plan --all-sites --out plans`` writes::

    plans/fleet-plans.json   which sites this run planned, and each one's file
    plans/de.json            the plan of site de: a saved plan like any other
    plans/fr.json            (`show plans/fr.json`, `apply plans/fr.json --site fr`)

One file per site, not one file of the fleet: each is the saved plan that
``apply FILE`` already binds to the checked-out YAML and to the store's own
ids, so ``apply plans --all-sites`` binds each site's part exactly the way
``apply FILE --site NAME`` does (the relabel and edited-plan refusals
included), and a shard's folder is its own artifact. The index says which
files belong to the run, so a plan file left over from an earlier run (a
site planned then, untouched now) is never applied. Nothing in it is trusted
beyond that: a site's file must still bind to that site.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inventory_as_code.errors import InventoryAsCodeError

INDEX = "fleet-plans.json"
INDEX_KIND = "inventory-as-code fleet plans"
INDEX_VERSION = 1
MAX_INDEX_BYTES = 16 * 1024 * 1024
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class PlansFolderError(InventoryAsCodeError):
    """The folder of saved plans cannot be written or read."""


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """A site of the run: its outcome when planned, and its plan file ('' when none)."""

    outcome: str
    file: str = ""


def plan_file_name(site: str) -> str:
    """``de.json``; a name that is not safe as a file name gets a hash (and stays apart)."""
    if _SAFE.fullmatch(site) and site.lower() != INDEX.removesuffix(".json"):
        return f"{site}.json"
    return "site-" + hashlib.sha256(site.encode("utf-8")).hexdigest()[:16] + ".json"


def has_index(folder: Path) -> bool:
    return (folder / INDEX).is_file()


def prepare_folder(folder: Path) -> dict[str, IndexEntry]:
    """Check ``--out DIR`` before planning: a new folder, an empty one or one of ours.

    Returns the entries of the folder's earlier index (whose files the new
    run replaces or removes).
    """
    if os.path.lexists(folder) and not folder.is_dir():
        raise PlansFolderError(
            f"--out {folder}: with --all-sites, --out names a folder (one plan file per "
            "site), and this is a file. Choose a folder; nothing was planned."
        )
    if not folder.exists():
        if not folder.parent.is_dir():
            raise PlansFolderError(
                f"--out {folder}: the folder {folder.parent} does not exist; nothing was planned."
            )
        return {}
    if has_index(folder):
        return read_index(folder)[1]
    if any(folder.iterdir()):
        raise PlansFolderError(
            f"--out {folder}: the folder holds files and no {INDEX}, so it is not a folder of "
            "fleet plans; --out replaces nothing else. Choose a new or empty folder; nothing "
            "was planned."
        )
    return {}


def write_index(
    folder: Path, entries: dict[str, IndexEntry], shards: list[str], earlier: dict[str, IndexEntry]
) -> None:
    """Write the index of this run, and remove the plan files only the earlier run had."""
    keep = {entry.file for entry in entries.values() if entry.file}
    for entry in earlier.values():
        if entry.file and entry.file not in keep:
            (folder / entry.file).unlink(missing_ok=True)
    body = {
        "kind": INDEX_KIND,
        "version": INDEX_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "shards": shards,
        "sites": {
            name: {"outcome": entry.outcome, **({"file": entry.file} if entry.file else {})}
            for name, entry in sorted(entries.items())
        },
    }
    (folder / INDEX).write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def read_index(folder: Path) -> tuple[list[str], dict[str, IndexEntry]]:
    """The shards and sites of a folder's index; PlansFolderError when it is not one."""
    path = folder / INDEX
    try:
        if path.stat().st_size > MAX_INDEX_BYTES:
            raise PlansFolderError(f"{path}: too large for an index of plans.")
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlansFolderError(f"{path}: cannot be read as an index of plans ({exc}).") from None
    if not isinstance(data, dict) or data.get("kind") != INDEX_KIND:
        raise PlansFolderError(f"{path} is not an index of fleet plans.")
    if data.get("version") != INDEX_VERSION:
        raise PlansFolderError(
            f"{path} is an index of version {data.get('version')!r}; this inventory-as-code "
            f"reads version {INDEX_VERSION}."
        )
    sites = data.get("sites")
    if not isinstance(sites, dict):
        raise PlansFolderError(f"{path}: sites must be a mapping of site name to its plan.")
    entries: dict[str, IndexEntry] = {}
    for name, raw in sites.items():
        if not isinstance(raw, dict) or not isinstance(raw.get("outcome"), str):
            raise PlansFolderError(f"{path}: the entry of site {name!r} is not readable.")
        file = raw.get("file", "")
        # Only a file beside the index: never a path that leads elsewhere.
        if not isinstance(file, str) or (
            file and (file != os.path.basename(file) or file == INDEX)
        ):
            raise PlansFolderError(f"{path}: site {name!r} names {file!r}, not a file of {folder}.")
        entries[str(name)] = IndexEntry(raw["outcome"], file)
    shards = [s for s in data.get("shards") or [] if isinstance(s, str)]
    return shards, entries
