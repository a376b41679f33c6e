"""The Wix client against the emulator: in process, and over a real loopback socket.

The emulator enforces Wix's page and bulk limits with 400s, so a client that
split work wrongly would fail here, not just count wrongly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from inventory_as_code.emulator import Emulator, EmulatorTransport, FaultConfig, serve
from inventory_as_code.wix import (
    Adjustment,
    ConflictError,
    ItemStatus,
    OutcomeUnknownError,
    RetryPolicy,
    WixClient,
)
from tests.clock import LAG, SharedClock

SITE = "site-client-tests"
FAST_RETRY = RetryPolicy(max_attempts=5, base_delay=0.001, max_delay=0.01, throttle_delay=0.01)


@pytest.fixture
def clock() -> SharedClock:
    return SharedClock()


@pytest.fixture
def emulator(clock: SharedClock) -> Iterator[Emulator]:
    # Wix's eventual consistency is on: the client must not count on reading
    # its own writes through Read-Only Variants or Stores Locations at once.
    lags = FaultConfig(variants_lag_s=LAG, locations_lag_s=LAG)
    emu = Emulator(id_seed=7, faults=lags, clock=clock)
    yield emu
    emu.close()


@pytest.fixture(params=["in-process", "socket"])
def client(
    request: pytest.FixtureRequest, emulator: Emulator, clock: SharedClock
) -> Iterator[WixClient]:
    if request.param == "in-process":
        c = WixClient(
            api_key="test-key",
            site_id=SITE,
            base_url="http://localhost",
            transport=EmulatorTransport(emulator),
            requests_per_minute=100_000,
            retry=FAST_RETRY,
            sleep=clock.sleep,
        )
        yield c
        c.close()
        return
    server = serve(emulator, port=0)
    try:
        c = WixClient(
            api_key="test-key",
            site_id=SITE,
            base_url=server.url,
            requests_per_minute=100_000,
            retry=FAST_RETRY,
            sleep=clock.sleep,
        )
        yield c
        c.close()
    finally:
        server.shutdown()


def seed_products(emulator: Emulator, count: int, variants: int = 1) -> None:
    sizes = [f"S{n}" for n in range(variants)]
    products = []
    for p in range(count):
        product: dict[str, Any] = {
            "name": f"Product {p}",
            "slug": f"product-{p}",
            "productType": "PHYSICAL",
            "physicalProperties": {},
        }
        if variants > 1:
            product["options"] = [
                {
                    "name": "Size",
                    "optionRenderType": "TEXT_CHOICES",
                    "choicesSettings": {
                        "choices": [{"choiceType": "CHOICE_TEXT", "name": s} for s in sizes]
                    },
                }
            ]
        product["variantsInfo"] = {
            "variants": [
                {
                    "sku": f"SKU-{p}-{v}",
                    "price": {"actualPrice": {"amount": "10.00"}},
                    "physicalProperties": {},
                    "choices": []
                    if variants == 1
                    else [
                        {
                            "optionChoiceNames": {
                                "optionName": "Size",
                                "choiceName": sizes[v],
                                "renderType": "TEXT_CHOICES",
                            }
                        }
                    ],
                    "inventoryItem": {"quantity": 5},
                }
                for v in range(variants)
            ]
        }
        products.append(product)
    emulator.seed({"products": products}, site_id=SITE)


def requests_to(emulator: Emulator, path_suffix: str) -> list[dict[str, Any]]:
    return [r for r in emulator.requests() if str(r["path"]).endswith(path_suffix)]


def test_catalog_version_and_fresh_store(client: WixClient) -> None:
    assert client.catalog.version() == "V3_CATALOG"
    locations = list(client.locations.query_stores())
    assert [loc.get("defaultLocation") for loc in locations] == [True]
    assert list(client.products.query()) == []


def test_paging_across_many_pages_reads_everything_once(
    client: WixClient, emulator: Emulator
) -> None:
    seed_products(emulator, 250, variants=10)  # 2,500 variants and inventory items
    emulator.clear_requests()
    items = list(client.inventory.query())
    assert len(items) == 2500
    assert len({i["id"] for i in items}) == 2500
    assert len(requests_to(emulator, "/inventory-items/query")) == 3

    products = list(client.products.query())
    assert len(products) == 250
    assert len(requests_to(emulator, "/products/query")) == 3

    variants = list(client.variants.query())
    assert len(variants) == 2500
    assert len(requests_to(emulator, "/products/query-variants")) == 3


def test_bulk_create_update_and_increment_split_at_the_limits(
    client: WixClient, emulator: Emulator
) -> None:
    seed_products(emulator, 130, variants=10)  # 1,300 variants, items at the default location
    location = client.locations.create(
        {
            "name": "Rotterdam warehouse",
            "address": {"country": "NL"},
            "timeZone": "Europe/Amsterdam",
            "locationTypes": ["INVENTORY"],
        }
    )
    # Stores Locations lists it only after a while: the client waits for it.
    assert location["name"] not in {s["name"] for s in client.locations.query_stores()}
    store = client.locations.wait_for_stores_location(location["id"])
    stores = {s["name"]: s["id"] for s in client.locations.query_stores()}
    assert stores[location["name"]] == store["id"]
    variants = list(client.variants.query())
    emulator.clear_requests()

    created = client.inventory.bulk_create(
        [
            {
                "productId": v["productData"]["productId"],
                "variantId": v["variantId"],
                "locationId": stores["Rotterdam warehouse"],
                "quantity": 3,
            }
            for v in variants
        ],
        return_entity=True,
    )
    assert created.ok, created.failed[:3]
    assert created.calls == 2
    assert [r["items"] for r in requests_to(emulator, "/inventory-items/create")] == [1000, 300]

    items = [i for i in client.inventory.query({"locationId": stores["Rotterdam warehouse"]})]
    updated = client.inventory.bulk_update(
        [{"id": i["id"], "revision": i["revision"], "quantity": 9} for i in items]
    )
    assert updated.ok and updated.calls == 2

    incremented = client.inventory.bulk_increment(
        [Adjustment(2, inventory_item_id=i["id"]) for i in items]
    )
    assert incremented.ok and incremented.calls == 5  # ceil(1300 / 300)
    quantities = {
        i["quantity"] for i in client.inventory.query({"locationId": stores["Rotterdam warehouse"]})
    }
    assert quantities == {11}


def test_products_bulk_create_respects_product_and_variant_limits(
    client: WixClient, emulator: Emulator
) -> None:
    def product(n: int, variants: int) -> dict[str, Any]:
        # Wix takes at most 100 choices per option: 300 variants need two options.
        cuts = [f"C{v}" for v in range(min(variants, 20))]
        grinds = [f"G{g}" for g in range(variants // len(cuts))]
        options = [("Cut", cuts)] + ([("Grind", grinds)] if len(grinds) > 1 else [])
        combos: list[list[tuple[str, str]]] = [[]]
        for name, choices in options:
            combos = [[*c, (name, choice)] for c in combos for choice in choices]
        return {
            "name": f"Bulk {n}",
            "slug": f"bulk-{n}",
            "productType": "PHYSICAL",
            "physicalProperties": {},
            "options": [
                {
                    "name": name,
                    "optionRenderType": "TEXT_CHOICES",
                    "choicesSettings": {
                        "choices": [{"choiceType": "CHOICE_TEXT", "name": c} for c in choices]
                    },
                }
                for name, choices in options
            ],
            "variantsInfo": {
                "variants": [
                    {
                        "price": {"actualPrice": {"amount": "5"}},
                        "physicalProperties": {},
                        "choices": [
                            {
                                "optionChoiceNames": {
                                    "optionName": name,
                                    "choiceName": choice,
                                    "renderType": "TEXT_CHOICES",
                                }
                            }
                            for name, choice in combo
                        ],
                        "inventoryItem": {"quantity": 1},
                    }
                    for combo in combos
                ]
            },
        }

    products = [product(n, 2) for n in range(120)] + [product(200 + n, 300) for n in range(4)]
    result = client.products.bulk_create(products, with_inventory=True)  # type: ignore[arg-type]
    assert result.ok, result.failed[:3]
    # 100 x 2 variants | 20 x 2 + 3 x 300 = 940 | 1 x 300
    assert result.calls == 3
    assert sum(1 for _ in client.products.query()) == 124
    assert sum(1 for _ in client.inventory.query()) == 120 * 2 + 4 * 300


def test_per_item_failures_are_surfaced(client: WixClient, emulator: Emulator) -> None:
    seed_products(emulator, 3)
    items = list(client.inventory.query())
    duplicate = {k: items[0][k] for k in ("productId", "variantId", "locationId")}
    result = client.inventory.bulk_create([{**duplicate, "quantity": 1}])  # type: ignore[list-item]
    assert not result.ok
    assert result.items[0].status is ItemStatus.FAILED
    assert result.items[0].error is not None
    assert result.items[0].error.code == "ITEM_ALREADY_EXISTS"

    stale = client.inventory.bulk_update(
        [
            {"id": items[1]["id"], "revision": items[1]["revision"], "quantity": 1},
            {"id": items[2]["id"], "revision": "999", "quantity": 1},
        ]
    )
    assert [r.status for r in stale.items] == [ItemStatus.APPLIED, ItemStatus.FAILED]


def test_stale_revision_on_single_update_is_409(client: WixClient, emulator: Emulator) -> None:
    seed_products(emulator, 1)
    item = next(client.inventory.query())
    client.inventory.update({"id": item["id"], "revision": item["revision"], "quantity": 2})
    with pytest.raises(ConflictError) as info:
        client.inventory.update({"id": item["id"], "revision": item["revision"], "quantity": 3})
    assert info.value.is_stale_revision
    assert client.inventory.get(item["id"])["quantity"] == 2


def test_injected_429_and_5xx_are_retried_to_success(client: WixClient, emulator: Emulator) -> None:
    seed_products(emulator, 5)
    emulator.add_fault("POST /stores/v3/inventory-items/query:429:times=2")
    # Rules are consulted in order; this one first sees the third request.
    emulator.add_fault("POST /stores/v3/inventory-items/query:503")
    assert len(list(client.inventory.query())) == 5
    statuses = [r["status"] for r in requests_to(emulator, "/inventory-items/query")]
    assert statuses == [429, 429, 503, 200]
    assert client.stats.snapshot().retries == 3


def test_increment_with_unknown_outcome_is_not_resent(
    client: WixClient, emulator: Emulator
) -> None:
    seed_products(emulator, 1)
    item = next(client.inventory.query())
    emulator.add_fault("POST /stores/v3/bulk/inventory-items/increment:drop-after")
    result = client.inventory.bulk_increment([Adjustment(4, inventory_item_id=item["id"])])
    assert isinstance(result.error, OutcomeUnknownError)
    assert result.items[0].status is ItemStatus.UNKNOWN
    # Sent once, applied once: the caller re-reads to learn what happened.
    assert len(requests_to(emulator, "/inventory-items/increment")) == 1
    assert client.inventory.get(item["id"])["quantity"] == 9


def test_increment_dropped_before_arrival(
    client: WixClient, emulator: Emulator, request: pytest.FixtureRequest
) -> None:
    seed_products(emulator, 1)
    item = next(client.inventory.query())
    emulator.add_fault("POST /stores/v3/bulk/inventory-items/increment:drop-before")
    result = client.inventory.bulk_increment([Adjustment(4, inventory_item_id=item["id"])])
    if "socket" in request.node.callspec.id:
        # Over a socket a closed connection looks the same whether or not the
        # server applied the request: the client must not guess.
        assert result.items[0].status is ItemStatus.UNKNOWN
        assert client.inventory.get(item["id"])["quantity"] == 5
    else:
        # In process the transport knows the request never arrived: safe to resend.
        assert result.ok
        assert client.inventory.get(item["id"])["quantity"] == 9


def test_guarded_update_timed_out_after_applying_is_retried_and_reports_the_conflict(
    client: WixClient, emulator: Emulator
) -> None:
    seed_products(emulator, 1)
    item = next(client.inventory.query())
    emulator.add_fault("PATCH /stores/v3/inventory-items/*:drop-after")
    # First attempt applied (revision moved), the resend finds a stale revision.
    with pytest.raises(ConflictError):
        client.inventory.update({"id": item["id"], "revision": item["revision"], "quantity": 1})
    assert client.inventory.get(item["id"])["quantity"] == 1
