"""``pull``: the store's changes back into the YAML, as the smallest edit that takes them.

    result = pull_project(client, Path("shop"), site_id=..., targets=(...))

1. Load the YAML, read the whole store, plan (:func:`~..workflow.plan_project`);
   keep the differences ``targets`` select (the plan's addresses).
2. Sort them (:mod:`.collect`): values pull takes, values it leaves (with the
   reason), quantities sales own, objects on one side only.
3. Place each value (:mod:`.place`): in place, or an override at the narrowest
   level; refuse what sits behind an alias.
4. Edit each file's text (:mod:`~inventory_as_code.yamledit`): only those
   scalars and keys change.
5. Confirm (:mod:`.verify`): the edited project loads to exactly the model
   expected, and its plan against the same read shows none of the pulled values.
6. Write each changed file atomically, if it is still what was read (:mod:`.files`).

Nothing is written when any step fails, and nothing at all on a dry run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inventory_as_code.config import load_project
from inventory_as_code.live.model import LiveStore
from inventory_as_code.live.place import Refresh
from inventory_as_code.model import DesiredState, Origin
from inventory_as_code.plan.addresses import location_address, product_address
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.targets import select_targets
from inventory_as_code.pull.collect import Found, collect
from inventory_as_code.pull.files import Sources, write_edits
from inventory_as_code.pull.model import FileEdit, NotPulled, Pulled, PullError, PullResult, Want
from inventory_as_code.pull.new_objects import new_objects, why_not_read
from inventory_as_code.pull.place import Placed, Placer, alias_refusal, value_origin
from inventory_as_code.pull.rules import SHORTHANDS
from inventory_as_code.pull.verify import confirm, expected_state
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import plan_project
from inventory_as_code.yamledit import Patch, PatchError, Scalar, apply_patch, parse


def pull_project(
    client: WixClient,
    project: Path,
    *,
    site_id: str,
    targets: tuple[str, ...] = (),
    write_new: str | None = None,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
    metadata: dict[str, Any] | None = None,
    refresh: Refresh = "full",
    store: str = "",
) -> tuple[PullResult, LiveStore]:
    """Pull the store's values into the project's YAML; see the module docstring.

    ``write_new``: a file of the project (relative to it) to write live products
    and locations the YAML lacks into. ``dry_run``: compute and confirm everything,
    write nothing (``result.edits`` holds what would be written).
    """
    if write_new is not None:
        why = why_not_read(project, write_new)
        if why is not None:
            raise PullError(f"--write-new {write_new}: the project would not read it ({why}).")
    desired = load_project(project)
    plan, live = plan_project(
        client,
        project,
        site_id=site_id,
        desired=desired,
        progress=progress,
        metadata=metadata,
        refresh=refresh,
        store=store,
    )
    if targets:
        changes, unresolved = select_targets(
            targets, desired, live, list(plan.changes), list(plan.unresolved)
        )
        plan = Plan(changes=tuple(changes), unresolved=tuple(unresolved))
    return _pull(project, desired, live, plan, targets, write_new, dry_run), live


def _pull(
    project: Path,
    desired: DesiredState,
    live: LiveStore,
    plan: Plan,
    targets: tuple[str, ...],
    write_new: str | None,
    dry_run: bool,
) -> PullResult:
    found = collect(plan, desired, live, targets)
    sources = Sources(project)
    placer = Placer(desired, live, sources)
    placed, refused = placer.run(found.wants)
    texts = _edited_texts(placed, sources)
    new_products: tuple[str, ...] = ()
    new_locations: tuple[str, ...] = ()
    if write_new is not None:
        slugs, names = _one_sided_names(found)
        if slugs or names:
            added = new_objects(project, write_new, desired, live, slugs, names, texts, sources)
            texts.update(added.texts)
            new_products, new_locations = added.products, added.locations
    edits = _file_edits(texts, sources, project)
    pulled_wants = [item.want for item in placed]
    expected = expected_state(desired, pulled_wants)
    edited = desired
    if edits:
        edited, _ = confirm(
            project,
            {edit.rel: edit.after for edit in edits},
            expected,
            live,
            pulled_wants,
            new_products,
            new_locations,
        )
    if not dry_run:
        write_edits(project, edits)
    if placer.aliased and edits:
        refused = _restated(refused, placer.aliased, edited, texts, sources)
    return PullResult(
        pulled=tuple(sorted((_pulled(item, edited) for item in placed), key=_where)),
        not_pulled=tuple(sorted(refused + found.not_pulled, key=_order)),
        sales_owned=tuple(found.sales_owned),
        only_live=tuple(found.only_live),
        only_yaml=tuple(found.only_yaml),
        written_new=_addresses(new_products, new_locations),
        new_file=write_new or "",
        edits=tuple(edits),
        written=not dry_run,
    )


def _restated(
    refused: list[NotPulled],
    aliased: list[Want],
    edited: DesiredState,
    texts: dict[str, str],
    sources: Sources,
) -> list[NotPulled]:
    """Refusals of aliased values, with the lines of the files as pull leaves them."""
    out = [item for item in refused if item.want not in aliased]
    for want in aliased:
        origin = value_origin(edited, want)
        stated = None
        if origin is not None:
            tree = parse(texts[origin.file]) if origin.file in texts else sources.tree(origin.file)
            stated = alias_refusal(want, origin, tree)
        out += [stated] if stated is not None else [i for i in refused if i.want == want]
    return out


def _where(item: Pulled) -> tuple[Origin, str, str]:
    return (item.where, item.want.address, item.want.field)


def _order(item: NotPulled) -> tuple[str, str]:
    return (item.want.address, item.want.field)


def _addresses(products: tuple[str, ...], locations: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(product_address(s) for s in products) + tuple(
        location_address(n) for n in locations
    )


def _one_sided_names(found: Found) -> tuple[list[str], list[str]]:
    slugs: list[str] = []
    names: list[str] = []
    for item in found.only_live:
        kind, _, rest = item.address.partition("[")
        if kind in ("product", "location") and rest.endswith("]") and "][" not in rest:
            name = str(json.loads(rest[:-1]))
            (slugs if kind == "product" else names).append(name)
    return slugs, names


def _edited_texts(placed: list[Placed], sources: Sources) -> dict[str, str]:
    """Each file's text with the placed writes made (one patch per file)."""
    patches: dict[str, Patch] = {}
    for item in placed:
        for write in item.writes:
            patch = patches.setdefault(write.file, {})
            *parents, last = write.path
            for key in parents:
                inner = patch.setdefault(key, {})
                if not isinstance(inner, dict):
                    raise PullError(f"{write.file}: two values would be written at {key}")
                patch = inner
            old = patch.get(last)
            if (
                old is not None
                and old != write.scalar
                and not (isinstance(old, Scalar) and old.value == write.scalar.value)
            ):
                raise PullError(f"{write.file}: two values would be written at {last}")
            patch[last] = write.scalar
    texts = {}
    for file, patch in patches.items():
        try:
            texts[file] = apply_patch(sources.tree(file), patch, SHORTHANDS)
        except PatchError as exc:
            raise PullError(f"{file}: {exc}; nothing was written.") from None
    return texts


def _file_edits(texts: dict[str, str], sources: Sources, project: Path) -> list[FileEdit]:
    edits = []
    for rel in sorted(texts):
        if (project / rel).exists():
            source, _ = sources.get(rel)
            after = source.encode(texts[rel])
            if after != source.raw:
                edits.append(FileEdit(rel, source.raw, after))
        else:
            edits.append(FileEdit(rel, None, texts[rel].encode("utf-8")))
    return edits


def _pulled(item: Placed, edited: DesiredState) -> Pulled:
    origin = value_origin(edited, item.want)
    if origin is None:
        first = item.writes[0]
        origin = Origin(first.file, 0, 0)
    return Pulled(item.want, origin, item.how)


__all__ = ["PullResult", "Want", "pull_project"]
