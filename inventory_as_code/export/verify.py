"""Export, then prove it: load the written project and plan it against what was read.

The plan of a faithful export is empty. Whatever it still shows is live data
the format could not express, and is reported, with the notes collected
while building, instead of being dropped silently. No extra API call is
made: the plan runs against the live store already in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inventory_as_code import docs_url
from inventory_as_code._gc import paused_gc
from inventory_as_code.config import load_project
from inventory_as_code.config.loader import Catalogue
from inventory_as_code.errors import ConfigError
from inventory_as_code.export.build import export_store
from inventory_as_code.export.overlay import base_tree, overlay_of
from inventory_as_code.export.write import ExportError, write_export
from inventory_as_code.live import LiveStore, read_live_store
from inventory_as_code.plan.planner import build_plan
from inventory_as_code.plan.render_text import format_field_change
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import require_catalog_v3


def overlay_header() -> str:
    return (
        "# A site's differences from the shared catalogue, written by\n"
        "# `inventory-as-code export --site NAME --as-overlay`; edit freely.\n"
        f"# The rules: {docs_url('format.md')}, section Sites and overlays.\n"
    )


@dataclass(frozen=True, slots=True)
class ExportResult:
    files: list[str]
    products: int
    variants: int
    stock_items: int
    locations: int
    notes: list[str]
    residual: list[str]
    calls: int


def export_project(
    client: WixClient,
    out: Path,
    *,
    policy: str = "initial",
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> ExportResult:
    require_catalog_v3(client)
    with paused_gc():
        live = read_live_store(client, progress=progress)
        doc = export_store(live, policy=policy)
        files = write_export(doc, out, force=force)
        residual = _round_trip(out, live)
    return ExportResult(
        files=files,
        products=len(live.products),
        variants=sum(len(p.variants) for p in live.products.values()),
        stock_items=len(live.inventory),
        locations=len(live.locations),
        notes=doc.notes,
        residual=residual,
        calls=client.stats.total,
    )


def export_overlay(
    client: WixClient,
    project: Path,
    site: str,
    *,
    policy: str = "initial",
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> ExportResult:
    """The site's live store as its differences from ``project``'s catalogue
    (:mod:`.overlay`), written to the site's overlay folder, then proven: the
    catalogue with the overlay planned against what was read."""
    catalogue = Catalogue(project)
    overlay = catalogue.overlay_of(site)
    if overlay is None:
        raise ExportError(
            f'site {site} has no overlay folder: add overlay = "sites/{site}" to '
            f"[sites.{site}] in inventory-as-code.toml, then export again."
        )
    docs = catalogue.base_documents()  # the base must be readable before anything is read
    require_catalog_v3(client)
    with paused_gc():
        live = read_live_store(client, progress=progress)
        doc = overlay_of(base_tree(docs), export_store(live, policy=policy))
        del docs
        files = write_export(doc, project / overlay.folder, force=force, top=overlay_header())
        residual = _round_trip(project, live, site)
    return ExportResult(
        files=[f"{overlay.folder}/{name}" for name in files],
        products=len(live.products),
        variants=sum(len(p.variants) for p in live.products.values()),
        stock_items=len(live.inventory),
        locations=len(live.locations),
        notes=doc.notes,
        residual=residual,
        calls=client.stats.total,
    )


def _round_trip(out: Path, live: LiveStore, site: str | None = None) -> list[str]:
    """What a plan of the written files against ``live`` would still change."""
    try:
        desired = load_project(out, site)
    except ConfigError as exc:
        return [f"{p}" for p in exc.problems]
    residual = []
    for change in build_plan(desired, live).changes:
        detail = "; ".join(f"{f.field}: {format_field_change(f)}" for f in change.fields)
        residual.append(
            f"{change.action.value} {change.address}" + (f" ({detail})" if detail else "")
        )
    return residual
