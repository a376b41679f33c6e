"""``inventory-as-code emulator serve``: the emulator as a local HTTP server.

Export: ``emulator_group`` (a click group named ``emulator``); the main CLI
registers it. Exit codes: 0 on Ctrl-C, 2 on bad options (click's usage
errors), 1 when the server cannot start.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import click

# The engine is imported when the command runs: every other command of the
# CLI loads this module to register the group, and should not pay for it.
from inventory_as_code.emulator._faults import FaultConfig, FaultRule

logger = logging.getLogger(__name__)


def _rules(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> list[FaultRule]:
    try:
        return [FaultRule.parse(v) for v in values]
    except ValueError as err:
        raise click.BadParameter(str(err)) from err


@click.group("emulator")
def emulator_group() -> None:
    """Local Wix-compatible emulator (Stores Catalog V3 + Locations).

    \b
    Example:
      inventory-as-code emulator serve --port 8765 --db shop.db
    """


@emulator_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0 = any free port).",
)
@click.option(
    "--db",
    "db_path",
    default=":memory:",
    show_default=True,
    help="SQLite file (state survives restarts).",
)
@click.option(
    "--latency-ms",
    default=0.0,
    type=click.FloatRange(min=0),
    help="Latency added to every API request.",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1),
    default=None,
    help="Requests per minute per site (Wix: 200); 429 beyond.",
)
@click.option(
    "--retry-after/--no-retry-after", default=False, help="Send Retry-After on 429 answers."
)
@click.option(
    "--fail",
    "rules",
    multiple=True,
    callback=_rules,
    metavar="RULE",
    help="Fault rule '[METHOD ]PATH_GLOB:ACTION[:nth=N,times=N|inf,site=ID]'; "
    "ACTION = status code | drop-before | drop-after | delay=SECONDS. Repeatable.",
)
@click.option(
    "--rate-limit-html/--no-rate-limit-html",
    default=False,
    help="Answer 429s with an HTML body, as Wix's edge sometimes does.",
)
@click.option(
    "--variants-lag",
    default=0.0,
    type=click.FloatRange(min=0),
    help="Seconds the read-only variants view lags.",
)
@click.option(
    "--locations-lag",
    default=0.0,
    type=click.FloatRange(min=0),
    help="Seconds a new inventory location takes to appear in Stores Locations.",
)
@click.option(
    "--seed",
    "seed_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Seed file (JSON/YAML).",
)
@click.option(
    "--api-key", default=None, help="Accept only this Authorization value (default: any non-empty)."
)
def serve_command(
    host: str,
    port: int,
    db_path: str,
    latency_ms: float,
    rate_limit: int | None,
    retry_after: bool,
    rules: list[FaultRule],
    rate_limit_html: bool,
    variants_lag: float,
    locations_lag: float,
    seed_file: str | None,
    api_key: str | None,
) -> None:
    """Serve the emulator over HTTP on a loopback address until Ctrl-C.

    Point the tool (or the Wix JS SDK, or curl) at it with WIX_API_BASE_URL.
    Faults make it behave like a bad day at Wix.

    \b
    Examples:
      inventory-as-code emulator serve --port 8765 --db shop.db
      inventory-as-code emulator serve --rate-limit 200 --latency-ms 150 \\
          --fail 'POST /stores/v3/bulk/*:503:times=2' --variants-lag 5 --locations-lag 3
    """
    from inventory_as_code.emulator._engine import Emulator
    from inventory_as_code.emulator._errors import ApiError
    from inventory_as_code.emulator._seed import load_seed_file
    from inventory_as_code.emulator.server import EmulatorServer, is_loopback

    if not is_loopback(host):
        raise click.BadParameter(f"{host!r} is not a loopback address", param_hint="--host")
    faults = FaultConfig(
        latency_ms=latency_ms,
        rate_limit_per_minute=rate_limit,
        retry_after=retry_after,
        rate_limit_html=rate_limit_html,
        variants_lag_s=variants_lag,
        locations_lag_s=locations_lag,
        rules=rules,
    )
    try:
        emulator = Emulator(db_path, faults=faults, api_key=api_key)
    except sqlite3.Error as err:  # a folder that does not exist, a file that is not a database
        raise click.ClickException(
            f"--db {db_path}: cannot open it as a database ({err})"
        ) from None
    try:
        if seed_file:
            try:
                summary = emulator.seed(load_seed_file(seed_file))
            except (OSError, ValueError, ApiError) as err:  # ApiError: Wix would refuse it
                raise ValueError(f"--seed {seed_file}: {err}") from err
            click.echo(
                f"Seeded site {summary['siteId']}: {summary['products']} products, "
                f"{summary['inventoryItems']} inventory items"
            )
        server = EmulatorServer(emulator, host, port)
    except (OSError, ValueError) as err:
        emulator.close()
        raise click.ClickException(str(err)) from err
    click.echo(f"Wix emulator listening on {server.url}")
    click.echo("Use these environment variables:")
    click.echo(f"  export WIX_API_BASE_URL={server.url}")
    click.echo(f"  export WIX_API_KEY={api_key or 'anything'}")
    click.echo("  export WIX_SITE_ID=emulated-site   # any id; a new id is a fresh store")
    click.echo("Press Ctrl-C to stop.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("\nStopping the emulator.")
    finally:
        server.shutdown()
        emulator.close()


@emulator_group.command("dashboard")
@click.argument(
    "project", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@click.option(
    "--price", "prices", nargs=2, multiple=True, metavar="SKU AMOUNT", help="Set a price."
)
@click.option(
    "--rename", "names", nargs=2, multiple=True, metavar="SLUG NAME", help="Rename a product."
)
@click.option(
    "--quantity",
    "quantities",
    nargs=3,
    multiple=True,
    metavar="SKU LOCATION N",
    help="Set a stock count (LOCATION: the store's name of it, or 'default').",
)
def dashboard_command(
    project: Path,
    prices: tuple[tuple[str, str], ...],
    names: tuple[tuple[str, str], ...],
    quantities: tuple[tuple[str, str, str], ...],
) -> None:
    """Edit PROJECT's embedded local store as a merchant edits a store in the Wix dashboard.

    Each edit is one API write with a new revision: afterwards `plan` shows
    the difference and `pull` takes it into the YAML. Repeatable options.

    \b
    Example:
      inventory-as-code emulator dashboard my-shop --price NL-TEE-M-White 27.50
    """
    from inventory_as_code.emulator._engine import Emulator
    from inventory_as_code.emulator.dashboard import Dashboard, DashboardError
    from inventory_as_code.site import LOCAL_DIR, LOCAL_SITE_ID

    database = project / LOCAL_DIR / "local.db"
    if not database.is_file():
        raise click.ClickException(
            f"{project} has no embedded local store yet ({database}); apply the project first."
        )
    for _, _, count in quantities:
        if not count.isdigit():
            raise click.BadParameter(f"{count!r} is not a whole number", param_hint="--quantity")
    emulator = Emulator(str(database))
    try:
        dashboard = Dashboard(emulator, LOCAL_SITE_ID)
        for sku, amount in prices:
            dashboard.set_price(sku, amount)
        for slug, name in names:
            dashboard.rename(slug, name)
        for sku, location, count in quantities:
            dashboard.set_quantity(sku, location, int(count))
    except DashboardError as err:
        raise click.ClickException(str(err)) from None
    finally:
        emulator.close()
    edits = len(prices) + len(names) + len(quantities)
    click.echo(f"Made {edits} edit(s) in the store of {project}, as the Wix dashboard would.")
