"""`inventory-as-code status`: which store, and what is in it.

Names come from the live store, which anyone with dashboard access can edit:
they are printed through :func:`~inventory_as_code._terminal.safe_text`, and
the JSON through :func:`~inventory_as_code._terminal.safe_json`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from inventory_as_code._terminal import safe_json, safe_text
from inventory_as_code.cli._common import handle_errors, make_console, site_option
from inventory_as_code.cli._progress import read_progress
from inventory_as_code.live import LiveStore, read_live_store
from inventory_as_code.site import Target, connect
from inventory_as_code.wix import WixClient

V3 = "V3_CATALOG"


@click.command("status")
@click.argument(
    "project", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@site_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools (the same facts).",
)
@handle_errors
def status_command(project: Path, site: str | None, fmt: str) -> None:
    """Show which store the tool talks to and count what is in it.

    Reads the whole store the way `plan` does (paged bulk reads) and reports
    the API calls it took. A quick way to check credentials. Exit code 1 when
    the site cannot be planned (not on Wix Stores Catalog V3).

    \b
    Examples:
      WIX_API_KEY=... WIX_SITE_ID=... inventory-as-code status
      inventory-as-code status --site production --format json
    """
    out = make_console()
    client, target = connect(project, site)
    with client:
        if fmt == "text":
            out.print(f"Using {safe_text(target.description)}.")
        version = client.catalog.version()
        if version != V3:
            if fmt == "json":
                click.echo(safe_json(_report(target, version, None, client), indent=2))
            else:
                out.print(f"Catalog: {safe_text(version)}")
                out.print(
                    "inventory-as-code needs a site on Wix Stores Catalog V3; "
                    "this site cannot be planned or applied."
                )
            raise SystemExit(1)
        with read_progress(make_console(stderr=True)) as progress:
            store = read_live_store(client, progress=progress)
    if fmt == "json":
        click.echo(safe_json(_report(target, version, store, client), indent=2))
        return
    out.print(f"Catalog: {version}")
    default = store.default_location
    variants = sum(len(p.variants) for p in store.products.values())
    out.print(
        f"Locations: {len(store.locations)}"
        + (f" (default: {safe_text(default.name)})" if default else " (no default location!)")
    )
    totals = location_totals(store)
    for location in store.locations:
        items, units, flags = totals.get(location.id, (0, 0, 0))
        out.print(
            f"  - {safe_text(location.name)}"
            + ("  [default]" if location.is_default else "")
            + f"  {items} item(s), {units} unit(s)"
            + (f", {flags} tracked in stock only" if flags else "")
        )
    out.print(
        f"Products: {len(store.products)}   Variants: {variants}   "
        f"Options: {len(store.options)}   Inventory items: {len(store.inventory)}"
    )
    stats = client.stats.snapshot()
    by_endpoint = ", ".join(f"{name} {count}" for name, count in stats.requests.items())
    out.print(f"API calls: {stats.total} ({by_endpoint})")


def location_totals(store: LiveStore) -> dict[str, tuple[int, int, int]]:
    """Per location id: inventory items, units held (quantity tracking) and items that
    track in stock only (no count). Units can move between locations (refills): these say
    where they are."""
    totals: dict[str, list[int]] = {}
    for item in store.inventory.values():
        counts = totals.setdefault(item.location_id, [0, 0, 0])
        counts[0] += 1
        if item.tracking == "quantity":
            counts[1] += item.quantity or 0
        else:
            counts[2] += 1
    return {k: (v[0], v[1], v[2]) for k, v in totals.items()}


def _report(
    target: Target, version: str, store: LiveStore | None, client: WixClient
) -> dict[str, Any]:
    stats = client.stats.snapshot()
    report: dict[str, Any] = {
        "site": {
            "name": target.name,
            "id": target.site_id,
            "embedded": target.embedded,
            "description": target.description,
        },
        "catalog_version": version,
        "plannable": version == V3,
    }
    if store is not None:
        totals = location_totals(store)
        report["locations"] = [
            {
                "name": location.name,
                "default": location.is_default,
                "items": totals.get(location.id, (0, 0, 0))[0],
                "units": totals.get(location.id, (0, 0, 0))[1],
                "in_stock_items": totals.get(location.id, (0, 0, 0))[2],
            }
            for location in store.locations
        ]
        report["counts"] = {
            "locations": len(store.locations),
            "products": len(store.products),
            "variants": sum(len(p.variants) for p in store.products.values()),
            "options": len(store.options),
            "inventory_items": len(store.inventory),
            "units": sum(t[1] for t in location_totals(store).values()),
        }
    report["api_calls"] = {"total": stats.total, "by_endpoint": dict(stats.requests)}
    return report
