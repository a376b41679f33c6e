"""SQLite storage for the emulator.

Design: one table per entity kind, every row keyed by ``site_id`` so one
emulator serves any number of sites. Each row keeps the entity's JSON document
in ``doc`` plus the few key columns that lookups, uniqueness rules and keyset
paging need. ``seq`` (AUTOINCREMENT, never reused) is the creation order and
the last component of every paging key, so walking a 150,000-row table page by
page is one index range scan per page (linear overall), never OFFSET.

The connection is shared by all threads behind one lock held by the engine;
each request runs in one transaction (rolled back when the handler raises),
and bulk handlers wrap each item in a SAVEPOINT so a failed item leaves no
partial writes while the others commit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
    site_id TEXT PRIMARY KEY, catalog_version TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS wix_locations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, id TEXT NOT NULL,
    doc TEXT NOT NULL, UNIQUE (site_id, id));
CREATE TABLE IF NOT EXISTS stores_locations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, id TEXT NOT NULL,
    wix_location_id TEXT NOT NULL, active INTEGER NOT NULL, due REAL NOT NULL DEFAULT 0,
    doc TEXT NOT NULL,
    UNIQUE (site_id, id), UNIQUE (site_id, wix_location_id));
CREATE TABLE IF NOT EXISTS customizations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, id TEXT NOT NULL,
    name_key TEXT NOT NULL DEFAULT '', type TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL DEFAULT '', doc TEXT NOT NULL, UNIQUE (site_id, id));
CREATE TABLE IF NOT EXISTS products (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, id TEXT NOT NULL,
    slug TEXT NOT NULL, handle TEXT NOT NULL, name TEXT NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL, doc TEXT NOT NULL,
    UNIQUE (site_id, id), UNIQUE (site_id, slug));
CREATE INDEX IF NOT EXISTS products_created ON products (site_id, created, seq);
CREATE INDEX IF NOT EXISTS products_updated ON products (site_id, updated, seq);
CREATE INDEX IF NOT EXISTS products_site_seq ON products (site_id, seq);
CREATE TABLE IF NOT EXISTS variants (
    site_id TEXT NOT NULL, variant_id TEXT NOT NULL, product_id TEXT NOT NULL,
    sku TEXT, barcode TEXT, PRIMARY KEY (site_id, variant_id));
CREATE INDEX IF NOT EXISTS variants_sku ON variants (site_id, sku);
CREATE INDEX IF NOT EXISTS variants_barcode ON variants (site_id, barcode);
CREATE INDEX IF NOT EXISTS variants_product ON variants (site_id, product_id);
CREATE TABLE IF NOT EXISTS inventory (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, id TEXT NOT NULL,
    product_id TEXT NOT NULL, variant_id TEXT NOT NULL, location_id TEXT NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL, doc TEXT NOT NULL,
    UNIQUE (site_id, id), UNIQUE (site_id, variant_id, location_id));
CREATE INDEX IF NOT EXISTS inventory_site_seq ON inventory (site_id, seq);
CREATE INDEX IF NOT EXISTS inventory_product ON inventory (site_id, product_id, seq);
CREATE INDEX IF NOT EXISTS inventory_location ON inventory (site_id, location_id, seq);
CREATE INDEX IF NOT EXISTS inventory_created ON inventory (site_id, created, seq);
CREATE INDEX IF NOT EXISTS inventory_updated ON inventory (site_id, updated, seq);
CREATE TABLE IF NOT EXISTS ro_variants (
    seq INTEGER PRIMARY KEY, site_id TEXT NOT NULL, product_id TEXT NOT NULL,
    variant_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ro_variants_site_seq ON ro_variants (site_id, seq);
CREATE INDEX IF NOT EXISTS ro_variants_product ON ro_variants (site_id, product_id);
CREATE TABLE IF NOT EXISTS ro_pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, product_id TEXT NOT NULL,
    product_seq INTEGER NOT NULL, due REAL NOT NULL, snapshot TEXT);
CREATE INDEX IF NOT EXISTS ro_pending_due ON ro_pending (site_id, due);
"""

_TABLES = (
    "sites",
    "wix_locations",
    "stores_locations",
    "customizations",
    "products",
    "variants",
    "inventory",
    "ro_variants",
    "ro_pending",
)


def connect(db_path: str | os.PathLike[str]) -> sqlite3.Connection:
    path = os.fspath(db_path)
    # isolation_level=None: we issue BEGIN/COMMIT ourselves (one per request).
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    if path != ":memory:":
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(_SCHEMA)
    row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    if row is not None and int(row[0]) == 1:
        # 1 -> 2: stores locations got the time they appear (eventual consistency).
        conn.execute("ALTER TABLE stores_locations ADD COLUMN due REAL NOT NULL DEFAULT 0")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
        row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    if row is not None and int(row[0]) == 2:
        # 2 -> 3: options became site-wide customizations shared by products.
        from inventory_as_code.emulator._migrate import shared_options

        with transaction(conn):
            shared_options(conn)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION),))
        row = None
    if row is None:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    elif int(row[0]) != SCHEMA_VERSION:
        raise RuntimeError(
            f"emulator database {path} has schema {row[0]}, expected {SCHEMA_VERSION}"
        )
    # Created here, not in _SCHEMA: a schema-2 table gets the column in the migration.
    conn.execute(
        "CREATE INDEX IF NOT EXISTS customizations_name ON customizations (site_id, name_key)"
    )
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextlib.contextmanager
def savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("SAVEPOINT item")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO item")
        conn.execute("RELEASE item")
        raise
    conn.execute("RELEASE item")


def wipe(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        for table in _TABLES:
            conn.execute(f"DELETE FROM {table}")
