"""A local Wix-compatible emulator of the Wix Stores Catalog V3 and Locations APIs.

Written from the API reference in ``shared/wix-api`` (never from the project's
Wix client) so a client bug cannot hide behind the same bug here. One engine,
:class:`Emulator`, reachable three ways: ``Emulator.handle()`` in Python,
:class:`EmulatorTransport` for ``httpx.Client(transport=...)`` in process, and
:func:`serve` over a loopback socket (``inventory-as-code emulator serve``).

Module map (private modules are underscored):

* ``_engine``: request pipeline (auth, rate limit, faults, transaction, log)
* ``_routes``: route table (method + path -> stable route name and handler)
* ``_declared``: the field sets Wix declares; undeclared input fields are dropped
* ``_inventory`` / ``_inventory_model`` / ``_inventory_rows``: Inventory Items V3
  (handlers, item rules, rows seen by variant/product); ``_adjust``: bulk
  increment/decrement (all-or-nothing, 428)
* ``_products`` / ``_product_query`` / ``_product_model`` / ``_product_variants`` /
  ``_product_options`` / ``_product_render``: Products V3 (write handlers, query/
  search/count, input rules, variants, options/choices/swatches, derived output)
* ``_customizations`` / ``_customization_api``: Customizations V3 (the site's
  options, shared by the products that use them; rules, side effects on
  products, handlers)
* ``_catalog``: product rows and the variant index shared by the above
* ``_variants``: Read-Only Variants V3 (lagging projection)
* ``_locations``: sites, Wix Locations; ``_stores_locations``: Stores Locations V3
  (lagging projection)
* ``_filters`` / ``_paging``: query language, cursors, keyset paging
* ``_faults``: fault rules, rate limiter, consistency lags; ``_admin``: ``/_emulator`` API
* ``_bulk``: per-item bulk results; ``_errors``: Wix error bodies
* ``_context``: request context, GET ``.r``/flattened decoding; ``_util``: helpers
* ``_seed``: seed documents; ``_db``: SQLite schema and transactions;
  ``_migrate``: schema 2 -> 3 (per-product options become shared ones)
* ``transport`` / ``server`` / ``cli``: the three public ways in (the server
  refuses foreign ``Host``/``Origin`` headers)

What it models and what it does not: ``docs`` (emulator section) and the
module docstrings; every guess is marked "unconfirmed in the Wix docs".
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inventory_as_code.emulator._engine import Emulator, EmulatorResponse
    from inventory_as_code.emulator._faults import FaultConfig, FaultRule
    from inventory_as_code.emulator._seed import load_seed_file
    from inventory_as_code.emulator.server import EmulatorServer, serve
    from inventory_as_code.emulator.transport import EmulatorTransport

# Exported lazily (PEP 562): the CLI imports this package to register the
# `emulator` command, and only the commands that run an emulator load it.
_EXPORTS = {
    "Emulator": "_engine",
    "EmulatorResponse": "_engine",
    "FaultConfig": "_faults",
    "FaultRule": "_faults",
    "load_seed_file": "_seed",
    "EmulatorServer": "server",
    "serve": "server",
    "EmulatorTransport": "transport",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module = importlib.import_module(f"inventory_as_code.emulator.{_EXPORTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Emulator",
    "EmulatorResponse",
    "EmulatorServer",
    "EmulatorTransport",
    "FaultConfig",
    "FaultRule",
    "load_seed_file",
    "serve",
]
