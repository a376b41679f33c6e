"""`inventory-as-code status`: which store, and what is in it."""

from __future__ import annotations

from pathlib import Path

import click

from inventory_as_code.cli._common import handle_errors, make_console, site_option
from inventory_as_code.live import read_live_store
from inventory_as_code.site import connect


@click.command("status")
@click.argument(
    "project", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@site_option
@handle_errors
def status_command(project: Path, site: str | None) -> None:
    """Show which store the tool talks to and count what is in it.

    Reads the whole store the way `plan` does (paged bulk reads) and reports
    the API calls it took. A quick way to check credentials.

    \b
    Example:
      WIX_API_KEY=... WIX_SITE_ID=... inventory-as-code status
    """
    out = make_console()
    client, target = connect(project, site)
    with client:
        out.print(f"Using {target.description}.")
        version = client.catalog.version()
        out.print(f"Catalog: {version}")
        if version != "V3_CATALOG":
            out.print(
                "inventory-as-code needs a site on Wix Stores Catalog V3; "
                "this site cannot be planned or applied."
            )
            raise SystemExit(1)
        store = read_live_store(client)
    default = store.default_location
    variants = sum(len(p.variants) for p in store.products.values())
    out.print(
        f"Locations: {len(store.locations)}"
        + (f" (default: {default.name})" if default else " (no default location!)")
    )
    for location in store.locations:
        out.print(f"  - {location.name}" + ("  [default]" if location.is_default else ""))
    out.print(
        f"Products: {len(store.products)}   Variants: {variants}   "
        f"Inventory items: {len(store.inventory)}"
    )
    stats = client.stats.snapshot()
    by_endpoint = ", ".join(f"{name} {count}" for name, count in stats.requests.items())
    out.print(f"API calls: {stats.total} ({by_endpoint})")
