"""`inventory-as-code export`: write the live store as a project, then prove the round trip."""

from __future__ import annotations

from pathlib import Path

import click

from inventory_as_code.cli._common import fail, handle_errors, make_console, site_option
from inventory_as_code.cli._progress import read_progress
from inventory_as_code.export.verify import export_overlay, export_project
from inventory_as_code.site import connect


@click.command("export")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the project to (store.yaml and products). Default: the current folder.",
)
@click.option(
    "--as-overlay",
    is_flag=True,
    help="With --site NAME of this project: write only the site's differences from the "
    "project's catalogue, into the site's overlay folder ([sites.NAME] overlay).",
)
@click.option(
    "--policy",
    type=click.Choice(["initial", "set", "at_least"]),
    default="initial",
    show_default=True,
    help=(
        "Quantity policy written into defaults. initial: later sales are not changes (safe); "
        "set: the exported counts become authoritative."
    ),
)
@click.option("--force", is_flag=True, help="Replace the exported files in a folder that has YAML.")
@site_option
@handle_errors
def export_command(
    out: Path | None, as_overlay: bool, policy: str, force: bool, site: str | None
) -> None:
    """Write the live store as YAML in this project's format, for adoption.

    Locations, products with options and variants, stock per location with
    tracking method and preorder settings. After writing, the files are
    loaded and planned against what was read: the result must be "No
    changes.", and anything the format could not express is listed.

    \b
    Examples:
      WIX_API_KEY=... WIX_SITE_ID=... inventory-as-code export --out my-store
      inventory-as-code export --site production --out . --policy set
      inventory-as-code export --site fr --as-overlay      # sites/fr: what fr does otherwise
    """
    out_console = make_console()
    if as_overlay and (site is None or out is not None):
        fail(
            "--as-overlay writes a site's differences from this project's catalogue into the "
            "site's overlay folder: give --site NAME (a site of inventory-as-code.toml with "
            "overlay = ...) and no --out."
        )
    # The site (and the embedded store) belong to the project you run from.
    client, target = connect(Path("."), site)
    with client:
        out_console.print(f"Using {target.description}.")
        with read_progress(make_console(stderr=True)) as progress:
            if as_overlay:
                assert site is not None
                result = export_overlay(
                    client, Path("."), site, policy=policy, force=force, progress=progress
                )
                out = Path(".")
            else:
                out = out or Path(".")
                result = export_project(client, out, policy=policy, force=force, progress=progress)
    out_console.print(
        f"Wrote {len(result.files)} file(s) to {out}: {result.products} product(s), "
        f"{result.variants} variant(s), {result.stock_items} stock item(s), "
        f"{result.locations} location(s); policy {policy}. {result.calls} API call(s)."
    )
    for note in result.notes:
        out_console.print(f"  note: {note}")
    if result.residual:
        out_console.print(
            f"Round trip: {len(result.residual)} difference(s) the format cannot express; "
            "a plan would show them:"
        )
        for line in result.residual[:20]:
            out_console.print(f"  {line}")
    else:
        out_console.print(
            "Round trip: a plan of the exported files against this store shows no changes."
        )
