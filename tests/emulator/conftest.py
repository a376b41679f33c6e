"""Fixtures for the emulator tests: an in-memory emulator with a controllable
clock, and plain httpx clients bound to it through EmulatorTransport."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from inventory_as_code.emulator import Emulator, EmulatorTransport

SITE = "site-1"
KEY = "test-key"
BASE = "http://emulator.local"


class Clock:
    """A settable clock; every call returns the current value plus 1 ms so
    timestamps are strictly increasing like real time."""

    def __init__(self) -> None:
        self.now = datetime(2025, 5, 12, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emu(clock: Clock) -> Iterator[Emulator]:
    emulator = Emulator(clock=clock, id_seed=42)
    yield emulator
    emulator.close()


def make_client(emu: Emulator, site: str = SITE, key: str | None = KEY) -> httpx.Client:
    headers = {"wix-site-id": site}
    if key is not None:
        headers["Authorization"] = key
    return httpx.Client(transport=EmulatorTransport(emu), base_url=BASE, headers=headers)


@pytest.fixture
def client(emu: Emulator) -> Iterator[httpx.Client]:
    with make_client(emu) as c:
        yield c


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def product_body(
    name: str = "Linen Apron",
    sizes: tuple[str, ...] = ("Small", "Large"),
    *,
    sku_prefix: str | None = None,
    price: str = "24.00",
    inventory: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Create Product body with one Size option (or none when sizes is empty)."""
    prefix = sku_prefix or name.upper().replace(" ", "-")
    variants = []
    for size in sizes or ("",):
        variant: dict[str, Any] = {
            "price": {"actualPrice": {"amount": price}},
            "sku": f"{prefix}-{size or 'ONE'}",
        }
        variant["choices"] = (
            [
                {
                    "optionChoiceNames": {
                        "optionName": "Size",
                        "choiceName": size,
                        "renderType": "TEXT_CHOICES",
                    }
                }
            ]
            if size
            else []
        )
        variant["physicalProperties"] = {"weight": 0.3}
        if inventory is not None:
            variant["inventoryItem"] = dict(inventory)
        variants.append(variant)
    body: dict[str, Any] = {
        "name": name,
        "productType": "PHYSICAL",
        "physicalProperties": {},
        "variantsInfo": {"variants": variants},
    }
    if sizes:
        body["options"] = [
            {
                "name": "Size",
                "optionRenderType": "TEXT_CHOICES",
                "choicesSettings": {
                    "choices": [{"choiceType": "CHOICE_TEXT", "name": s} for s in sizes]
                },
            }
        ]
    return body


def create_product(client: httpx.Client, **kwargs: Any) -> dict[str, Any]:
    body = {"product": product_body(**kwargs), "fields": ["VARIANT_OPTION_CHOICE_NAMES"]}
    return ok(client.post("/stores/v3/products", json=body))["product"]  # type: ignore[no-any-return]


def default_location(client: httpx.Client) -> str:
    found = ok(
        client.post(
            "/stores/v3/locations/query", json={"query": {"filter": {"defaultLocation": True}}}
        )
    )
    return str(found["storesLocations"][0]["id"])


def error_code(response: httpx.Response) -> str:
    details = response.json()["details"]
    if "applicationError" in details:
        return str(details["applicationError"]["code"])
    return str(details["validationError"]["fieldViolations"][0].get("ruleName", "VALIDATION"))
