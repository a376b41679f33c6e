"""A small shop on an in-process emulator, with knobs for faults, timeouts and time.

``make_shop(...)`` builds a :class:`FaultShop` whose client retries fast
(``base_delay=0.001``). ``virtual_time=True`` gives the client and the
emulator one shared fake clock: the client's sleeps advance it, so waits of
a minute (429 with Retry-After, the emulator's one-minute rate window) take
no real time.
"""

from __future__ import annotations

import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from inventory_as_code.apply.report import ApplyReport, Status
from inventory_as_code.emulator import Emulator, EmulatorTransport, FaultConfig
from inventory_as_code.plan.model import Plan
from inventory_as_code.wix import Adjustment, RetryPolicy, WixClient
from inventory_as_code.workflow import apply_plan, plan_project

SITE = "site-faults"
FAST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.01, throttle_delay=0.01)

# Two locations, a product with two variants (policy set) and one with a floor (at_least).
STORE = """
locations:
  Main: {default: true}
  Outlet: {}
defaults:
  stock: {policy: set}
products:
  tee:
    name: Tee
    options: {Size: [S, M]}
    sku: TEE-{Size}
    price: "20.00"
    stock:
      Main: 10
      Outlet: 3
  mug:
    name: Mug
    sku: MUG
    price: "9.50"
    stock:
      Main: {quantity: 8, policy: at_least}
"""
# After STORE: counts up, a price, a tracking switch at the outlet.
EDITED = (
    STORE.replace("Main: 10", "Main: 14")
    .replace('price: "20.00"', 'price: "22.00"')
    .replace("Outlet: 3", "Outlet: {in_stock: true}")
)
STORE_STOCK = {
    ("MUG", "Online store"): 8,
    ("TEE-M", "Online store"): 10,
    ("TEE-M", "Outlet"): 3,
    ("TEE-S", "Online store"): 10,
    ("TEE-S", "Outlet"): 3,
}
# EDITED applied after the mug was sold down to 3 (its floor of 8 tops it up).
EDITED_STOCK = {
    ("MUG", "Online store"): 8,
    ("TEE-M", "Online store"): 14,
    ("TEE-M", "Outlet"): True,
    ("TEE-S", "Online store"): 14,
    ("TEE-S", "Outlet"): True,
}


class VirtualTime:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0.0
        self.slept = 0.0

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += max(seconds, 0.0)
            self.slept += max(seconds, 0.0)

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def datetime(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=self.monotonic())


@dataclass
class FaultShop:
    emulator: Emulator
    client: WixClient
    project: Path
    time: VirtualTime | None = None

    def write(self, text: str) -> None:
        (self.project / "store.yaml").write_text(textwrap.dedent(text), encoding="utf-8")

    def plan(self) -> Plan:
        plan, _ = plan_project(self.client, self.project, site_id=SITE)
        return plan

    def apply(self, plan: Plan | None = None, **kwargs: Any) -> ApplyReport:
        return apply_plan(self.client, plan or self.plan(), **kwargs)

    def fail(self, *rules: str) -> None:
        for rule in rules:
            self.emulator.add_fault(rule)

    def heal(self) -> None:
        self.emulator.set_faults(None)

    def stock(self) -> dict[tuple[str, str], int | bool]:
        """Live stock as {(sku, location name): quantity or in-stock flag}; duplicates fail."""
        names = {loc["id"]: loc["name"] for loc in self.client.locations.query_stores()}
        out: dict[tuple[str, str], int | bool] = {}
        for item in self.client.inventory.query():
            key = (item["product"]["variantSku"], names[item["locationId"]])
            assert key not in out, f"two inventory items for {key}"
            out[key] = item["quantity"] if "quantity" in item else item["inStock"]
        return out

    def item(self, sku: str, location: str) -> dict[str, Any]:
        names = {loc["id"]: loc["name"] for loc in self.client.locations.query_stores()}
        return next(
            i
            for i in self.client.inventory.query()
            if i["product"]["variantSku"] == sku and names[i["locationId"]] == location
        )

    def sell(self, sku: str, location: str, units: int) -> None:
        """A sale made in Wix, straight on the emulator."""
        item = self.item(sku, location)
        result = self.client.inventory.bulk_decrement(
            [Adjustment(units, inventory_item_id=item["id"])], reason="ORDER"
        )
        assert result.ok

    def location_names(self) -> list[str]:
        return sorted(loc["name"] for loc in self.client.locations.query())

    def product_slugs(self) -> list[str]:
        return sorted(p["slug"] for p in self.client.products.query())

    def converge(self) -> ApplyReport:
        """Heal, apply again, and check the plan after it is empty."""
        self.heal()
        report = self.apply()
        assert report.exit_code == 0, report.to_dict()["outcomes"]
        assert self.plan().empty
        return report

    def assert_no_duplicates(self) -> None:
        assert self.location_names() == ["Online store", "Outlet"]
        assert self.product_slugs() == ["mug", "tee"]
        self.stock()  # raises on two items for one variant and location


def statuses(report: ApplyReport) -> dict[str, str]:
    """Every change that did not simply apply: {address: status}."""
    return {
        o.address: o.status.value
        for o in report.outcomes.values()
        if o.status is not Status.APPLIED
    }


def codes(report: ApplyReport) -> dict[str, str]:
    return {o.address: o.code for o in report.outcomes.values() if o.code}


MakeShop = Callable[..., FaultShop]


@pytest.fixture
def make_shop(tmp_path: Path) -> Iterator[MakeShop]:
    made: list[FaultShop] = []

    def make(
        *,
        timeout: float = 30.0,
        faults: FaultConfig | None = None,
        requests_per_minute: float = 1_000_000,
        retry: RetryPolicy = FAST_RETRY,
        virtual_time: bool = False,
        text: str = STORE,
    ) -> FaultShop:
        clock = VirtualTime() if virtual_time else None
        emulator = Emulator(
            id_seed=7, faults=faults, clock=clock.datetime if clock is not None else None
        )
        extra: dict[str, Any] = (
            {"sleep": clock.sleep, "clock": clock.monotonic} if clock is not None else {}
        )
        client = WixClient(
            api_key="faults-key",
            site_id=SITE,
            base_url="http://localhost",
            transport=EmulatorTransport(emulator),
            timeout=timeout,
            requests_per_minute=requests_per_minute,
            retry=retry,
            **extra,
        )
        project = tmp_path / f"project{len(made)}"
        project.mkdir()
        shop = FaultShop(emulator, client, project, clock)
        shop.write(text)
        made.append(shop)
        return shop

    yield make
    for shop in made:
        shop.client.close()
        shop.emulator.close()


@pytest.fixture
def shop(make_shop: MakeShop) -> FaultShop:
    return make_shop()
