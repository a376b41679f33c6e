"""Something of the same identity created in the window between apply's check and its create.

Apply checks the live location names just before creating a location, but
another apply or app can create one of the same name between that check and
the create (Wix keeps no location names unique). These tests make the other
app act exactly then, through the transport, and check what apply does about
the twin: the older one is kept; our own copy is archived only when it is
provably ours and empty; anything else is reported with the fix, never moved.
Products and stock items need no such window: Wix refuses a second slug, a
second item for one variant and location, and a SKU another product holds.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from inventory_as_code.apply.report import ApplyReport
from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.plan.model import Action, Kind, Plan
from inventory_as_code.workflow import apply_plan, plan_project
from tests.clients import emulator_client
from tests.faults.conftest import codes, statuses

SITE = "site-twins"
BEFORE = """
locations:
  Main: {default: true}
products:
  tee:
    name: Tee
    options: {Size: [S, M]}
    sku: TEE-{Size}
    price: "20.00"
    stock: {Main: 5}
"""
AFTER = BEFORE.replace(
    "  Main: {default: true}\n", "  Main: {default: true}\n  Popup: {}\n"
).replace("stock: {Main: 5}", "stock: {Main: 5, Popup: 3}")
POPUP = 'location["Popup"]'


class OtherApp(httpx.BaseTransport):
    """Passes requests to the emulator; around our location create, another app acts."""

    def __init__(self, emulator: Emulator, *, before: bool, stocks_ours: bool = False) -> None:
        self.inner = EmulatorTransport(emulator)
        self.app = emulator_client(emulator, SITE)
        self.before = before
        self.stocks_ours = stocks_ours
        self.theirs: str | None = None  # their stores location id

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        ours = request.method == "POST" and request.url.path == "/locations/v1/locations"
        if ours and self.before and self.theirs is None:
            self.theirs = self._popup(units=7)
        response = self.inner.handle_request(request)
        if ours and not self.before and self.theirs is None:
            self.theirs = self._popup(units=7)
        if ours and self.stocks_ours:
            response.read()
            mine = self.app.locations.wait_for_stores_location(response.json()["location"]["id"])
            self._stock(str(mine["id"]), "TEE-M", 1)
        return response

    def _popup(self, units: int) -> str:
        wix = self.app.locations.create(
            {
                "name": "Popup",
                "address": {"country": "DE", "formattedAddress": "Berlin"},
                "timeZone": "Europe/Berlin",
                "locationTypes": ["INVENTORY"],
            }
        )
        stores_id = str(self.app.locations.wait_for_stores_location(str(wix["id"]))["id"])
        self._stock(stores_id, "TEE-S", units)
        return stores_id

    def _stock(self, location_id: str, sku: str, units: int) -> None:
        tee = self.app.products.get_by_slug("tee")
        variant = next(v for v in tee["variantsInfo"]["variants"] if v["sku"] == sku)
        self.app.inventory.create(
            {
                "productId": tee["id"],
                "variantId": variant["id"],
                "locationId": location_id,
                "quantity": units,
            }
        )


class Shop:
    def __init__(self, emulator: Emulator, project: Path) -> None:
        self.emulator = emulator
        self.project = project
        self.slept: list[float] = []
        self.client = emulator_client(emulator, SITE)

    def write(self, text: str) -> None:
        (self.project / "store.yaml").write_text(textwrap.dedent(text))

    def plan(self) -> Plan:
        return plan_project(self.client, self.project, site_id=SITE)[0]

    def apply_with(self, other: OtherApp) -> ApplyReport:
        plan = self.plan()
        with emulator_client(self.emulator, SITE, transport=other, sleep=self.slept.append) as c:
            return apply_plan(c, plan)

    def popups(self) -> dict[str, bool]:
        """Wix id -> archived, of every location named Popup."""
        return {
            str(loc["id"]): bool(loc.get("archived"))
            for loc in self.client.locations.query()
            if loc["name"] == "Popup"
        }

    def units_at(self, stores_id: str) -> list[int]:
        return sorted(
            int(i["quantity"])
            for i in self.client.inventory.query()
            if i["locationId"] == stores_id
        )

    def stores_id(self, wix_id: str) -> str:
        return str(self.client.locations.wait_for_stores_location(wix_id)["id"])


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    emulator = Emulator(id_seed=11)
    made = Shop(emulator, tmp_path)
    made.write(BEFORE)
    assert apply_plan(made.client, made.plan()).exit_code == 0
    made.write(AFTER)
    yield made
    made.client.close()
    emulator.close()


def test_a_twin_made_just_before_ours_is_kept_and_our_empty_copy_archived(shop: Shop) -> None:
    other = OtherApp(shop.emulator, before=True)
    report = shop.apply_with(other)
    assert other.theirs is not None
    assert statuses(report) == {POPUP: "stale", 'stock["tee"]["S"]["Popup"]': "stale"}
    assert codes(report) == {
        POPUP: "LOCATION_EXISTS",
        'stock["tee"]["S"]["Popup"]': "ITEM_ALREADY_EXISTS",
    }
    assert "still empty, was archived" in report.outcomes[POPUP].message
    assert report.exit_code == 3 and report.inconsistencies == []
    # Theirs is older: it stays, with their 7 units and our medium tee; ours is archived.
    assert sorted(shop.popups().values()) == [False, True]
    assert shop.units_at(other.theirs) == [3, 7]
    assert shop.plan().in_sync


def test_a_twin_made_just_after_ours_is_reported_and_left_alone(shop: Shop) -> None:
    other = OtherApp(shop.emulator, before=False)
    report = shop.apply_with(other)
    assert other.theirs is not None
    assert statuses(report) == {}  # ours is older: we keep it and write our stock there
    (ours,) = [w for w in shop.popups() if shop.stores_id(w) != other.theirs]
    assert shop.units_at(shop.stores_id(ours)) == [3, 3]
    assert shop.units_at(other.theirs) == [7]  # theirs: not ours to archive, nor its stock
    # The read-back looked twice (another apply may be archiving its copy), then reported.
    assert shop.slept == [2.0]
    (twin,) = report.inconsistencies
    assert (twin.address, twin.field, twin.expected, twin.actual) == (POPUP, "count", 1, 2)
    assert "archive the other (archiving is permanent)" in twin.remedy
    assert report.exit_code == 3
    # The next plan shows it, unresolved, even with prune: it never archives a twin itself.
    shop.write(AFTER + "prune: {locations: true}\n")
    plan = shop.plan()
    assert not [c for c in plan.changes if c.kind is Kind.LOCATION and c.action is Action.DELETE]
    assert [(u.address, u.field, u.live, u.desired) for u in plan.unresolved] == [
        (POPUP, "count", 2, 1)
    ]
    assert not plan.in_sync


def test_our_copy_is_not_archived_once_it_holds_stock(shop: Shop) -> None:
    other = OtherApp(shop.emulator, before=True, stocks_ours=True)
    report = shop.apply_with(other)
    outcome = report.outcomes[POPUP]
    assert (outcome.status.value, outcome.code) == ("applied", "DUPLICATE")
    assert "already holds stock, so it was left as it is" in outcome.message
    assert sorted(shop.popups().values()) == [False, False]
    assert [i.field for i in report.inconsistencies] == ["count"]
    assert report.exit_code == 3


PLAN_A_CAP = (
    BEFORE
    + """
  cap:
    name: Cap
    sku: CAP-1
    price: "12.00"
    stock: {Main: 2}
"""
)


def test_a_sku_another_product_took_since_the_plan_is_stale_not_failed(shop: Shop) -> None:
    shop.write(PLAN_A_CAP)
    plan = shop.plan()
    # Another app creates a hat with the cap's SKU after the plan.
    shop.client.products.create(
        {
            "name": "Hat",
            "slug": "hat",
            "productType": "PHYSICAL",
            "physicalProperties": {},
            "variantsInfo": {
                "variants": [
                    {
                        "price": {"actualPrice": {"amount": "5.00"}},
                        "sku": "CAP-1",
                        "physicalProperties": {},
                    }
                ]
            },
        }
    )
    report = apply_plan(shop.client, plan)
    cap = report.outcomes['product["cap"]']
    assert (cap.status.value, cap.code) == ("stale", "SKU_ALREADY_EXIST_ERROR")
    assert cap.message.startswith("a SKU of it is held by another product now")
    assert report.exit_code == 4
    assert sorted(p["slug"] for p in shop.client.products.query()) == ["hat", "tee"]
