"""A small shop with refill rules, on an in-process emulator, and what its stock holds."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from inventory_as_code.apply.report import ApplyReport
from inventory_as_code.emulator import Emulator
from inventory_as_code.live.move_records import read_move_records
from inventory_as_code.plan.model import Plan
from inventory_as_code.wix import Adjustment, WixClient
from inventory_as_code.workflow import apply_plan, plan_project
from tests.clients import emulator_client

SITE = "refill-site"

STORE = """
locations:
  Main: {default: true}
  Warehouse: {}
products:
  tee:
    name: Tee
    sku: TEE
    price: "10.00"
    stock:
      Main: {at_least: 10, refill_from: Warehouse}
      Warehouse: {policy: initial, quantity: 30}
"""


def names(client: WixClient) -> dict[str, str]:
    """Stores location id -> the YAML's name ("Online store" is the YAML's Main)."""
    found = {str(loc["id"]): str(loc["name"]) for loc in client.locations.query_stores()}
    return {k: "Main" if v == "Online store" else v for k, v in found.items()}


def units(client: WixClient, sku: str = "TEE") -> dict[str, int]:
    """Units of one SKU per location."""
    where = names(client)
    return {
        where[str(i["locationId"])]: int(i["quantity"])
        for i in client.inventory.query()
        if i["product"]["variantSku"] == sku
    }


def sell(client: WixClient, location: str, count: int, sku: str = "TEE") -> None:
    """``count`` units sold at ``location`` (a checkout there, or a POS)."""
    where = names(client)
    (item,) = [
        i
        for i in client.inventory.query()
        if i["product"]["variantSku"] == sku and where[str(i["locationId"])] == location
    ]
    client.inventory.bulk_decrement([Adjustment(count, inventory_item_id=str(item["id"]))])


@dataclass
class Shop:
    emulator: Emulator
    client: WixClient
    project: Path

    def write(self, text: str) -> None:
        (self.project / "store.yaml").write_text(textwrap.dedent(text))

    def plan(self) -> Plan:
        return plan_project(self.client, self.project, site_id=SITE)[0]

    def apply(self, plan: Plan | None = None) -> ApplyReport:
        return apply_plan(self.client, plan if plan is not None else self.plan())

    def units(self, sku: str = "TEE") -> dict[str, int]:
        return units(self.client, sku)

    def sell(self, location: str, count: int, sku: str = "TEE") -> None:
        sell(self.client, location, count, sku)

    def records(self) -> int:
        return len(read_move_records(self.client))


@contextmanager
def shop(tmp_path: Path, text: str = STORE, **emulator_options: object) -> Iterator[Shop]:
    emulator = Emulator(id_seed=20, **emulator_options)  # type: ignore[arg-type]
    project = tmp_path / "shop"
    project.mkdir()
    (project / "store.yaml").write_text(textwrap.dedent(text))
    try:
        with emulator_client(emulator, SITE) as client:
            yield Shop(emulator, client, project)
    finally:
        emulator.close()
