"""Reading the live store: the fewest calls, and the lag fallback."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from inventory_as_code.emulator import Emulator, EmulatorTransport, FaultConfig
from inventory_as_code.live import lagging, read_live_store
from inventory_as_code.wix import WixClient
from tests.clock import SharedClock

SITE = "site-live"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(id_seed=3)
    yield emu
    emu.close()


def client_for(emulator: Emulator) -> WixClient:
    return WixClient(
        api_key="k",
        site_id=SITE,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
        requests_per_minute=1_000_000,
    )


def apparel(
    slug: str, sizes: list[str], colors: list[str], extra_location: str | None
) -> dict[str, Any]:
    def option(name: str, choices: list[str]) -> dict[str, Any]:
        return {
            "name": name,
            "optionRenderType": "TEXT_CHOICES",
            "choicesSettings": {
                "choices": [{"choiceType": "CHOICE_TEXT", "name": c} for c in choices]
            },
        }

    variants = []
    for size in sizes:
        for color in colors:
            variant: dict[str, Any] = {
                "sku": f"{slug}-{size}-{color}".upper(),
                "price": {"actualPrice": {"amount": "25"}},
                "physicalProperties": {},
                # Wix may list choices in any order; the key must follow the options.
                "choices": [
                    {
                        "optionChoiceNames": {
                            "optionName": "Color",
                            "choiceName": color,
                            "renderType": "TEXT_CHOICES",
                        }
                    },
                    {
                        "optionChoiceNames": {
                            "optionName": "Size",
                            "choiceName": size,
                            "renderType": "TEXT_CHOICES",
                        }
                    },
                ],
                "inventoryItem": {"quantity": 4},
            }
            if extra_location:
                variant["inventoryItems"] = [{"location": extra_location, "inStock": True}]
            variants.append(variant)
    return {
        "name": slug.title(),
        "slug": slug,
        "productType": "PHYSICAL",
        "physicalProperties": {},
        "options": [option("Size", sizes), option("Color", colors)],
        "variantsInfo": {"variants": variants},
    }


def test_reads_normalise_keys_prices_and_tracking(emulator: Emulator) -> None:
    emulator.seed(
        {
            "locations": [{"name": "Pop-up Berlin"}],
            "products": [apparel("tee", ["S", "M"], ["Black"], "Pop-up Berlin")],
        },
        site_id=SITE,
    )
    store = read_live_store(client_for(emulator))
    tee = store.products["tee"]
    assert [o.name for o in tee.options] == ["Size", "Color"]
    assert [v.key for v in tee.variants] == [("M", "Black"), ("S", "Black")]
    assert {v.price for v in tee.variants} == {"25.00"}
    default = store.default_location
    popup = store.location_named("Pop-up Berlin")
    assert default is not None and popup is not None and not popup.is_default
    small = tee.variant(("S", "Black"))
    assert small is not None
    at_default = store.inventory[(tee.id, small.id, default.id)]
    assert (at_default.tracking, at_default.quantity, at_default.in_stock) == ("quantity", 4, None)
    at_popup = store.inventory[(tee.id, small.id, popup.id)]
    assert (at_popup.tracking, at_popup.quantity, at_popup.in_stock) == ("in_stock", None, True)


def test_read_calls_match_the_page_formula(emulator: Emulator) -> None:
    products = [
        apparel(f"p{n:04d}", ["S", "M", "L", "XL", "XXL"], ["Black"], "Warehouse")
        for n in range(2000)
    ]
    emulator.seed({"locations": [{"name": "Warehouse"}], "products": products}, site_id=SITE)
    client = client_for(emulator)
    store = read_live_store(client)
    p, v, i, loc = 2000, 10_000, 20_000, 2
    assert (len(store.products), sum(len(x.variants) for x in store.products.values())) == (p, v)
    assert len(store.inventory) == i
    lower_bound = (
        math.ceil(p / 100) + math.ceil(v / 1000) + math.ceil(i / 1000) + math.ceil(loc / 100)
    )
    assert store.stats is not None
    # + 1 Wix business locations page, + 1 page of the site's options (customizations);
    # no fallback reads on a settled store.
    assert store.stats.calls == lower_bound + 1 + 1
    assert store.stats.fallback_product_reads == 0


def test_lagging_variants_fall_back_to_get_product_for_exactly_those(emulator: Emulator) -> None:
    emulator.seed(
        {"products": [apparel(f"old{n}", ["S"], ["Red"], None) for n in range(3)]}, site_id=SITE
    )
    client = client_for(emulator)
    emulator.set_faults(FaultConfig(variants_lag_s=3600))
    # A product created now, and one changed now, are not yet in the variants view.
    client.products.create_with_inventory(apparel("fresh", ["S", "M"], ["Blue"], None))  # type: ignore[arg-type]
    old = client.products.get_by_slug("old0")
    client.products.update({"id": old["id"], "revision": old["revision"], "name": "Renamed"})
    emulator.clear_requests()

    store = read_live_store(client)
    assert store.stats is not None
    assert store.stats.fallback_product_reads == 2
    gets = [r for r in emulator.requests() if r["route"] == "products.get"]
    assert len(gets) == 2
    assert [v.key for v in store.products["fresh"].variants] == [("M", "Blue"), ("S", "Blue")]
    assert store.products["old0"].name == "Renamed"
    assert len(store.products["old1"].variants) == 1


def renamed_store(emulator: Emulator, clock: SharedClock, count: int) -> WixClient:
    """``count`` products, each renamed (and ``p0`` repriced) just now, under a 1.5 s lag."""
    emulator.seed(
        {"products": [apparel(f"p{n}", ["S"], ["Red"], None) for n in range(count)]}, site_id=SITE
    )
    client = client_for(emulator)
    emulator.set_faults(FaultConfig(variants_lag_s=1.5))
    for n in range(count):
        product = client.products.get_by_slug(f"p{n}")
        change: dict[str, Any] = {"id": product["id"], "revision": product["revision"]}
        change["name"] = f"Renamed {n}"
        if n == 0:
            variant = product["variantsInfo"]["variants"][0]
            variant["price"] = {"actualPrice": {"amount": "31"}}
            change["variantsInfo"] = product["variantsInfo"]
            change["options"] = product["options"]
        client.products.update(change)
    emulator.clear_requests()
    return client


def test_renamed_products_whose_variants_catch_up_cost_no_get_product(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = SharedClock()
    emulator = Emulator(id_seed=3, clock=clock)
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        clock.sleep(seconds)

    monkeypatch.setattr(lagging, "wait_for_projection", wait)
    client = renamed_store(emulator, clock, 30)

    store = read_live_store(client)
    routes = [r["route"] for r in emulator.requests()]
    assert "products.get" not in routes
    assert store.stats is not None and store.stats.fallback_product_reads == 0
    # The bulk second looks: at once, after 1 s (still behind), after 2 s more (caught up).
    assert waits == [1.0, 2.0]
    assert {store.products[f"p{n}"].name for n in range(30)} == {f"Renamed {n}" for n in range(30)}
    # The rows trusted are those of the current revision: p0's new price is read.
    assert store.products["p0"].variants[0].price == "31.00"
    emulator.close()


def test_variants_that_never_catch_up_fall_back_to_get_product_after_bounded_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = SharedClock()
    emulator = Emulator(id_seed=3, clock=clock)
    waits: list[float] = []
    monkeypatch.setattr(lagging, "wait_for_projection", waits.append)  # no time passes
    client = renamed_store(emulator, clock, 12)

    store = read_live_store(client)
    gets = [r for r in emulator.requests() if r["route"] == "products.get"]
    assert len(gets) == 12
    assert waits == [1.0, 2.0]
    assert store.stats is not None and store.stats.fallback_product_reads == 12
    assert store.products["p0"].variants[0].price == "31.00"
    emulator.close()


def test_a_single_lagging_product_goes_straight_to_get_product(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One product: a second look costs as much as the Get Product it might save.
    clock = SharedClock()
    emulator = Emulator(id_seed=3, clock=clock)
    monkeypatch.setattr(lagging, "wait_for_projection", clock.sleep)
    client = renamed_store(emulator, clock, 1)
    read_live_store(client)
    routes = [r["route"] for r in emulator.requests()]
    assert routes.count("products.get") == 1
    assert routes.count("read-only-variants.query") == 1  # the full read's page only
    emulator.close()
