"""``pull --write-new FILE``: live products and locations the YAML lacks, written into it.

Products are written as ``export`` writes them (the same builders: shared
prices on the product, SKU templates, ``exclude`` or ``combinations: listed``,
stock per location as shorthands), into FILE's ``products:`` block, or a new
FILE. Nothing is factored into the project's own locations or defaults, so a
new product means the same whatever they say (its quantities take the
project's default policy, as any product's do). A location is declared where
the project declares its locations (``locations`` is one block per project),
as ``Name: {}``; in FILE only when the project has no ``locations:`` yet.

FILE must be a file the project reads (inside the project folder, named
``*.yaml``, not hidden, not excluded, not ignored by git): a product written
where the loader does not look would be lost without a word.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from inventory_as_code.config.files import is_yaml_name
from inventory_as_code.config.gitsafe import run_git
from inventory_as_code.config.problems import ProblemCollector
from inventory_as_code.config.projectfile import project_settings
from inventory_as_code.export.build import export_products
from inventory_as_code.export.write import dump
from inventory_as_code.live.model import LiveStore
from inventory_as_code.model import DesiredState
from inventory_as_code.pull.files import Sources
from inventory_as_code.pull.model import PullError
from inventory_as_code.yamledit import Patch, PatchError, apply_patch, parse
from inventory_as_code.yamledit.patch import append_block

HEADER = (
    "# Written from the live store by `inventory-as-code pull --write-new`; edit freely.\n"
    "# The format is described in docs/format.md of inventory-as-code.\n"
)


@dataclass(frozen=True, slots=True)
class NewObjects:
    texts: dict[str, str]  # relative path -> new text
    products: tuple[str, ...]
    locations: tuple[str, ...]
    notes: tuple[str, ...]


def relative_to_project(project: Path, file: Path) -> str:
    """FILE as the loader names it; PullError when it is not inside the project."""
    rel = os.path.relpath(os.path.abspath(file), os.path.abspath(project))
    if rel.startswith("..") or os.path.isabs(rel):
        raise PullError(
            f"--write-new {file}: the file must be inside the project folder {project}."
        )
    return Path(rel).as_posix()


def why_not_read(project: Path, rel: str) -> str | None:
    """Why the project would not read ``rel`` (None: it would), by the loader's rules."""
    parts = rel.split("/")
    if not is_yaml_name(parts[-1]):
        return "its name does not end in .yaml or .yml"
    if any(part.startswith(".") or part == "node_modules" for part in parts):
        return "it is in a hidden folder or node_modules, which the project does not read"
    settings = project_settings(project, ProblemCollector(), ProblemCollector())
    if settings is not None:
        if settings.include is not None and not any(p.matches(rel) for p in settings.include):
            return "[project] include in inventory-as-code.toml does not name it"
        if any(p.matches(rel) for p in settings.exclude):
            return "[project] exclude in inventory-as-code.toml names it"
    try:
        done = run_git(project, "check-ignore", "-q", "--", rel, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None  # no git: nothing is ignored
    if done.returncode == 0:
        return "git ignores it (.gitignore)"
    return None


def new_objects(
    project: Path,
    rel: str,
    desired: DesiredState,
    live: LiveStore,
    slugs: Sequence[str],
    locations: Sequence[str],
    texts: Mapping[str, str],
    sources: Sources,
) -> NewObjects:
    """The texts of the files that change: FILE, and the locations block's file."""
    declared = [name for name, option in desired.options.items() if option.declared]
    docs, notes = export_products(live, slugs, declared_options=declared)
    out: dict[str, str] = {}
    exists = os.path.lexists(project / rel)
    current = texts.get(rel) if rel in texts else (sources.get(rel)[0].text if exists else None)
    new_locations = list(locations)
    locations_file = _locations_file(desired)
    if new_locations and locations_file is not None:
        base = out.get(locations_file, texts.get(locations_file))
        tree = parse(base) if base is not None else sources.tree(locations_file)
        patch: Patch = {"locations": {name: {} for name in new_locations}}
        try:
            out[locations_file] = apply_patch(tree, patch)
        except PatchError as exc:
            raise PullError(
                f"{locations_file}: cannot declare the new locations ({exc})."
            ) from None
        if locations_file == rel:
            current = out[locations_file]
    blocks: list[tuple[str, str]] = []
    if new_locations and locations_file is None:
        blocks.append(("locations", dump({name: {} for name in new_locations})))
    if docs:
        blocks.append(("products", dump(docs)))
    if not blocks:
        return NewObjects(out, tuple(docs), tuple(new_locations), tuple(notes))
    if current is None or not current.strip():
        text = current or HEADER
        for key, block in blocks:
            text += f"{key}:\n" + "".join(
                f"  {line}\n" if line else "\n" for line in block.splitlines()
            )
        out[rel] = text
    else:
        text = current
        for key, block in blocks:
            try:
                text = append_block(parse(text), key, block)
            except PatchError as exc:
                raise PullError(
                    f"--write-new {rel}: cannot add to it ({exc}); name a new file instead."
                ) from None
        out[rel] = text
    return NewObjects(out, tuple(docs), tuple(new_locations), tuple(notes))


def _locations_file(desired: DesiredState) -> str | None:
    for location in desired.locations.values():
        if "name" in location.origins:
            return str(location.origins["name"].file)
    return None
