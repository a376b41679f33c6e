"""Read-only variants (paging, lag) and locations (Wix + Stores projection)."""

from __future__ import annotations

from typing import Any

import httpx

from inventory_as_code.emulator import Emulator, FaultConfig

from .conftest import Clock, create_product, error_code, make_client, ok
from .test_query import _all_pages, _seed


def test_read_only_variants_paging(emu: Emulator, client: httpx.Client) -> None:
    _seed(emu, 450, sizes=5)
    first = {"query": {"cursorPaging": {"limit": 1000}}}
    pages = _all_pages(client, "/stores/v3/products/query-variants", first, "query", "variants")
    assert [len(p) for p in pages] == [1000, 1000, 250]
    variants = [v for p in pages for v in p]
    assert len({(v["productData"]["productId"], v["variantId"]) for v in variants}) == 2250
    v = variants[0]
    assert set(v["productData"]) >= {
        "productId",
        "name",
        "productType",
        "slug",
        "visible",
        "revision",
        "handle",
    }
    assert v["optionChoices"][0]["optionChoiceNames"]["optionName"] == "Size"
    assert v["inventoryStatus"] == {
        "inStock": False,
        "preorderEnabled": False,
    }  # quantity (0+0)%7 == 0
    pid = v["productData"]["productId"]
    res = ok(
        client.post(
            "/stores/v3/products/query-variants",
            json={"query": {"filter": {"productData.productId": {"$in": [pid]}}}},
        )
    )
    assert len(res["variants"]) == 5 and res["pagingMetadata"]["hasNext"] is False
    res = ok(
        client.post(
            "/stores/v3/products/search-variants",
            json={"search": {"search": {"expression": "Product 00001", "mode": "AND"}}},
        )
    )
    assert {x["productData"]["name"] for x in res["variants"]} == {"Product 00001"}
    assert (
        client.post(
            "/stores/v3/products/query-variants", json={"query": {"cursorPaging": {"limit": 1001}}}
        ).status_code
        == 400
    )


def test_read_only_variants_lag(clock: Clock) -> None:
    emu = Emulator(clock=clock, faults=FaultConfig(variants_lag_s=30))
    with make_client(emu) as client:
        p = create_product(client)

        def view() -> list[dict[str, Any]]:
            return ok(client.post("/stores/v3/products/query-variants", json={}))["variants"]  # type: ignore[no-any-return]

        assert view() == []  # new product not visible yet
        clock.advance(31)
        assert [v["productData"]["revision"] for v in view()] == ["1", "1"]
        patch = {"product": {"id": p["id"], "revision": "1", "name": "Renamed"}}
        ok(client.patch(f"/stores/v3/products/{p['id']}", json=patch))
        assert {v["productData"]["name"] for v in view()} == {"Linen Apron"}  # previous state
        clock.advance(31)
        assert {(v["productData"]["name"], v["productData"]["revision"]) for v in view()} == {
            ("Renamed", "2")
        }
        ok(client.delete(f"/stores/v3/products/{p['id']}"))
        assert len(view()) == 2
        clock.advance(31)
        assert view() == []
    emu.close()


def _new_location(client: httpx.Client, **extra: Any) -> dict[str, Any]:
    body = {
        "location": {
            "name": "Rotterdam warehouse",
            "address": {"country": "NL", "city": "Rotterdam"},
            "timeZone": "Europe/Amsterdam",
            **extra,
        }
    }
    return ok(client.post("/locations/v1/locations", json=body))["location"]  # type: ignore[no-any-return]


def _stores(client: httpx.Client) -> list[dict[str, Any]]:
    return ok(client.post("/stores/v3/locations/query", json={}))["storesLocations"]  # type: ignore[no-any-return]


def test_location_with_inventory_type_appears_in_stores_locations(client: httpx.Client) -> None:
    loc = _new_location(client)
    assert loc["default"] is False and loc["archived"] is False and loc["revision"] == "1"
    assert len(_stores(client)) == 1
    added = ok(
        client.patch(
            f"/locations/v1/locations/{loc['id']}/add-type", json={"locationType": "INVENTORY"}
        )
    )["location"]
    assert added["locationTypes"] == ["INVENTORY"] and added["revision"] == "2"
    stores = _stores(client)
    assert len(stores) == 2
    store = next(s for s in stores if s["wixLocationId"] == loc["id"])
    assert (
        store["locationType"] == "PHYSICAL"
        and store["defaultLocation"] is False
        and store["id"] != loc["id"]
    )
    # Inventory can live there; by-variant calls must use the stores id.
    p = create_product(client)
    item = {
        "productId": p["id"],
        "variantId": p["variantsInfo"]["variants"][0]["id"],
        "quantity": 2,
        "locationId": store["id"],
    }
    ok(client.post("/stores/v3/inventory-items", json={"inventoryItem": item}))
    bad = dict(item, locationId=loc["id"])
    assert client.post("/stores/v3/inventory-items", json={"inventoryItem": bad}).status_code == 404
    removed = ok(
        client.patch(
            f"/locations/v1/locations/{loc['id']}/remove-location-type",
            json={"locationType": "INVENTORY"},
        )
    )
    assert removed["location"]["locationTypes"] == []
    assert len(_stores(client)) == 1
    again = ok(
        client.patch(
            f"/locations/v1/locations/{loc['id']}/add-location-type",
            json={"locationType": "INVENTORY"},
        )
    )
    assert again["location"]["revision"] == "4"
    assert any(s["id"] == store["id"] for s in _stores(client))  # stable stores id


def test_update_set_default_archive(client: httpx.Client) -> None:
    default_wix = _stores(client)[0]["wixLocationId"]
    r = client.post(f"/locations/v1/locations/{default_wix}/archive", json={})
    assert r.status_code == 400 and error_code(r) == "CANNOT_ARCHIVE_DEFAULT"
    loc = _new_location(client, locationTypes=["INVENTORY"])
    put = {"location": {**loc, "name": "Renamed", "revision": "1"}}
    updated = ok(client.put(f"/locations/v1/locations/{loc['id']}", json=put))["location"]
    assert updated["name"] == "Renamed" and updated["revision"] == "2"
    assert client.put(f"/locations/v1/locations/{loc['id']}", json=put).status_code == 409
    assert any(s["name"] == "Renamed" for s in _stores(client))
    assert (
        client.post("/locations/v1/locations", json={"location": {"name": "x"}}).status_code == 400
    )
    # Move the default, then the old default can be archived.
    new_default = ok(client.post(f"/locations/v1/locations/{loc['id']}/set-default", json={}))[
        "location"
    ]
    assert new_default["default"] is True
    stores = {s["wixLocationId"]: s for s in _stores(client)}
    assert (
        stores[loc["id"]]["defaultLocation"] is True
        and stores[default_wix]["defaultLocation"] is False
    )
    archived = ok(client.post(f"/locations/v1/locations/{default_wix}/archive", json={}))[
        "location"
    ]
    assert archived["archived"] is True
    assert [s["wixLocationId"] for s in _stores(client)] == [loc["id"]]
    put = {"location": {**archived}}
    r = client.put(f"/locations/v1/locations/{default_wix}", json=put)
    assert r.status_code == 400 and error_code(r) == "CANNOT_PERFORM_ACTION_ON_ARCHIVED_LOCATION"
    listed = ok(client.get("/locations/v1/locations"))["locations"]
    assert [x["id"] for x in listed] == [loc["id"]]
    listed = ok(client.get("/locations/v1/locations", params={"includeArchived": "true"}))[
        "locations"
    ]
    assert len(listed) == 2
    queried = ok(
        client.post(
            "/locations/v1/locations/query",
            json={"query": {"filter": {"archived": False}, "paging": {"limit": 10}}},
        )
    )
    assert [x["id"] for x in queried["locations"]] == [loc["id"]]
