"""A small shop with refill rules, on an in-process emulator, and what its stock holds."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from inventory_as_code.apply.report import ApplyReport
from inventory_as_code.emulator import Emulator, EmulatorResponse
from inventory_as_code.live.move_records import new_record_body, read_move_records
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


class Meddling(Emulator):
    """An emulator where something happens just before the nth write to a path: a sale
    between the halves of a move, another apply reaching the same record."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.actions: dict[tuple[str, int], Callable[[], None]] = {}
        self.watched: set[str] = set()
        self.writes: Counter[str] = Counter()  # writes to each watched path since ``before``

    def before(self, actions: Mapping[tuple[str, int], Callable[[], None]]) -> None:
        """Run ``actions[(path, n)]`` just before the nth write to ``path`` from now on."""
        self.actions, self.writes = dict(actions), Counter()
        self.watched = {path for path, _ in actions}

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> EmulatorResponse:
        path = target.partition("?")[0]
        if method.upper() != "GET" and path in self.watched:
            self.writes[path] += 1
            action = self.actions.pop((path, self.writes[path]), None)
            if action is not None:
                action()
        return super().handle(method, target, headers, body)


@dataclass
class Shop:
    emulator: Meddling
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

    def half_done(self, units: int) -> None:
        """A move from Warehouse to Main killed between its halves, as the protocol leaves
        it: announced (``take``), the source taken, never given."""
        items = {str(i["locationId"]): i for i in self.client.inventory.query()}
        where = {name: location for location, name in names(self.client).items()}
        source, destination = items[where["Warehouse"]], items[where["Main"]]
        after = int(source["quantity"]) - units
        revision = str(source["revision"])
        body = new_record_body(
            str(source["id"]), str(destination["id"]), units, "feed0001", revision, after
        )
        self.client.customizations.bulk_create([body])
        self.client.inventory.bulk_update(
            [{"id": source["id"], "revision": revision, "quantity": after}]
        )


@contextmanager
def shop(tmp_path: Path, text: str = STORE, **emulator_options: object) -> Iterator[Shop]:
    emulator = Meddling(id_seed=20, **emulator_options)
    project = tmp_path / "shop"
    project.mkdir()
    (project / "store.yaml").write_text(textwrap.dedent(text))
    try:
        with emulator_client(emulator, SITE) as client:
            yield Shop(emulator, client, project)
    finally:
        emulator.close()
