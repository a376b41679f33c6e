"""Two `inventory-as-code apply` commands at once against one emulator server.

An emulator on loopback with 200 ms per request, as a real site answers,
and a gate that makes the overlap certain instead of a matter of timing:
each apply's first location create is held until every apply has sent its
own. Each apply reads the store (and checks the location names) before it
creates, so when the gate opens every apply has seen the store without
the others' objects, exactly the race a local apply beside a CI apply runs.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from inventory_as_code.emulator import (
    Emulator,
    EmulatorResponse,
    EmulatorServer,
    FaultConfig,
    serve,
)
from inventory_as_code.live import read_live_store
from inventory_as_code.model import variant_label
from inventory_as_code.wix import WixClient

SITE = "overlap-site"
LATENCY_MS = 200
LOCATION_CREATE = ("POST", "/locations/v1/locations")

# A site entry with a rate no test waits for: the 200 ms per request are the point.
TOML = """
[sites.shop]
api_key_env = "WIX_API_KEY"
site_id_env = "WIX_SITE_ID"
requests_per_minute = 100000
"""


class GatedEmulator(Emulator):
    """Holds location creates until ``parties`` of them are waiting, then lets them all in."""

    def __init__(self, parties: int = 2) -> None:
        super().__init__(id_seed=18)
        self.gate = threading.Barrier(parties, timeout=30)
        self.armed = False

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> EmulatorResponse:
        if self.armed and (method.upper(), target.partition("?")[0]) == LOCATION_CREATE:
            # Broken: an apply that never creates; let the other one go on.
            with contextlib.suppress(threading.BrokenBarrierError):
                self.gate.wait()
        return super().handle(method, target, headers, body)

    def race(self) -> None:
        """From now on: 200 ms per request, and location creates meet at the gate."""
        self.set_faults(FaultConfig(latency_ms=LATENCY_MS))
        self.armed = True

    def calm(self) -> None:
        self.armed = False
        self.set_faults(None)


@contextmanager
def gated_server(parties: int = 2) -> Iterator[tuple[GatedEmulator, EmulatorServer]]:
    emulator = GatedEmulator(parties)
    server = serve(emulator)
    try:
        yield emulator, server
    finally:
        server.shutdown()
        emulator.close()


def env_for(server: EmulatorServer) -> dict[str, str]:
    return {"WIX_API_BASE_URL": server.url, "WIX_API_KEY": "k", "WIX_SITE_ID": SITE}


def client_for(server: EmulatorServer) -> WixClient:
    return WixClient(
        api_key="dashboard", site_id=SITE, base_url=server.url, requests_per_minute=1e6
    )


def write_toml(project: Path) -> None:
    (project / "inventory-as-code.toml").write_text(TOML)


# --- what the store holds -----------------------------------------------------------


def live_location_names(client: WixClient) -> Counter[str]:
    """Names of the Wix locations that are not archived, with how often each occurs."""
    return Counter(str(loc["name"]) for loc in client.locations.query() if not loc.get("archived"))


def archived_location_names(client: WixClient) -> Counter[str]:
    return Counter(str(loc["name"]) for loc in client.locations.query() if loc.get("archived"))


def item_places(client: WixClient) -> Counter[tuple[str, str]]:
    """(variant id, location id) of every inventory item, with how often each occurs."""
    return Counter((str(i["variantId"]), str(i["locationId"])) for i in client.inventory.query())


def store_state(client: WixClient) -> dict[str, Any]:
    """Everything a shopper or the merchant would see, without ids and dates."""
    live = read_live_store(client)
    names = {loc.id: loc.name for loc in live.locations}
    business = sorted(
        (b.name, json.dumps(b.raw.get("address"), sort_keys=True), b.time_zone, b.location_types)
        for b in live.business_locations
        if not b.archived
    )
    products = {
        slug: {
            "name": p.name,
            "visible": p.visible,
            "type": p.product_type,
            "options": [(o.name, o.choices, o.render_type) for o in p.options],
            "variants": sorted(
                (variant_label(v.key), v.sku, v.price, v.compare_at_price, v.visible)
                for v in p.variants
            ),
        }
        for slug, p in live.products.items()
    }
    by_id = {p.id: p for p in live.products.values()}
    stock = {}
    for item in live.inventory.values():
        product = by_id[item.product_id]
        variant = next(v for v in product.variants if v.id == item.variant_id)
        key = (product.slug, variant_label(variant.key), names[item.location_id])
        stock[key] = (item.tracking, item.quantity, item.in_stock, item.preorder)
    return {"locations": business, "products": products, "stock": dict(sorted(stock.items()))}


def report(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def statuses(data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """{address: (status, code)} of an apply's --report-json."""
    return {o["address"]: (o["status"], o.get("code", "")) for o in data["outcomes"]}
