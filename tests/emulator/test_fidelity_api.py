"""Locations, read-only variants, eventual consistency and edge faults as Wix declares them.

Issue 14: REST address names, declared query fields of Read-Only Variants,
a new inventory location lagging behind Stores Locations, HTML 429s, and the
admin API and CLI that switch these on.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from inventory_as_code.emulator import Emulator, FaultConfig
from inventory_as_code.emulator.cli import emulator_group

from .conftest import Clock, create_product, make_client, ok

ADDRESS = {
    "country": "NL",
    "city": "Rotterdam",
    "formattedAddress": "Kade 1, Rotterdam",
    "geocode": {"latitude": 51.9, "longitude": 4.5},
}


def _create_location(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"name": "Rotterdam warehouse", "timeZone": "Europe/Amsterdam", **fields}
    return ok(client.post("/locations/v1/locations", json={"location": body}))["location"]  # type: ignore[no-any-return]


def _stores(client: httpx.Client) -> list[dict[str, Any]]:
    return ok(client.post("/stores/v3/locations/query", json={}))["storesLocations"]  # type: ignore[no-any-return]


def test_location_address_keeps_rest_names_and_drops_sdk_names(client: httpx.Client) -> None:
    sdk_names = {"formatted": "Kade 1", "location": {"latitude": 1, "longitude": 2}}
    loc = _create_location(client, address={**ADDRESS, **sdk_names}, colour="blue")
    for got in (loc, ok(client.get(f"/locations/v1/locations/{loc['id']}"))["location"]):
        assert got["address"] == ADDRESS
        assert "colour" not in got
    # PUT replaces the whole location: SDK names are lost there too.
    put = {**loc, "address": {"country": "NL", "formatted": "Kade 2"}}
    updated = ok(client.put(f"/locations/v1/locations/{loc['id']}", json={"location": put}))
    assert updated["location"]["address"] == {"country": "NL"}


def test_seeded_default_location_uses_rest_address_names(client: httpx.Client) -> None:
    default = _stores(client)[0]
    wix = ok(client.get(f"/locations/v1/locations/{default['wixLocationId']}"))["location"]
    assert "formattedAddress" in wix["address"] and "formatted" not in wix["address"]


def test_new_inventory_location_appears_in_stores_locations_after_a_lag(clock: Clock) -> None:
    emu = Emulator(clock=clock, faults=FaultConfig(locations_lag_s=5))
    with make_client(emu) as client:
        created = _create_location(client, address=ADDRESS, locationTypes=["INVENTORY"])
        assert [s["name"] for s in _stores(client)] == ["Online store"]
        clock.advance(6)
        store = next(s for s in _stores(client) if s["wixLocationId"] == created["id"])
        assert ok(client.get(f"/stores/v3/locations/{store['id']}"))["storesLocation"] == store

        # Add Type lags the same way; until then inventory cannot be written there.
        plain = _create_location(client, name="Shop", address=ADDRESS)
        ok(
            client.patch(
                f"/locations/v1/locations/{plain['id']}/add-type",
                json={"locationType": "INVENTORY"},
            )
        )
        assert {s["name"] for s in _stores(client)} == {"Online store", "Rotterdam warehouse"}
        clock.advance(6)
        assert {s["name"] for s in _stores(client)} == {
            "Online store",
            "Rotterdam warehouse",
            "Shop",
        }
    emu.close()


def test_locations_lag_is_off_by_default(client: httpx.Client) -> None:
    _create_location(client, address=ADDRESS, locationTypes=["INVENTORY"])
    assert len(_stores(client)) == 2


def test_admin_api_sets_both_lags(emu: Emulator, client: httpx.Client, clock: Clock) -> None:
    config = {"variantsLagSeconds": 10, "locationsLagSeconds": 10}
    got = ok(client.put("/_emulator/faults", json=config))
    assert (got["variantsLagSeconds"], got["locationsLagSeconds"]) == (10, 10)
    create_product(client)
    _create_location(client, address=ADDRESS, locationTypes=["INVENTORY"])
    assert ok(client.post("/stores/v3/products/query-variants", json={}))["variants"] == []
    assert len(_stores(client)) == 1
    clock.advance(11)
    assert len(ok(client.post("/stores/v3/products/query-variants", json={}))["variants"]) == 2
    assert len(_stores(client)) == 2


def test_serve_accepts_both_lags_and_html_429s() -> None:
    result = CliRunner().invoke(emulator_group, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--variants-lag", "--locations-lag", "--rate-limit-html"):
        assert option in result.output


@pytest.mark.parametrize(
    ("filter_", "ok_"),
    [
        ({"productData.productId": "p"}, True),
        ({"variantId": {"$in": ["v"]}}, True),
        ({"id": {"$exists": True}}, True),
        ({"sku": "MUG-1"}, False),
        ({"productData.name": "Mug"}, False),
        ({"visible": True}, False),
    ],
)
def test_query_variants_accepts_only_declared_filter_fields(
    client: httpx.Client, filter_: dict[str, Any], ok_: bool
) -> None:
    r = client.post("/stores/v3/products/query-variants", json={"query": {"filter": filter_}})
    if ok_:
        assert r.status_code == 200, r.text
    else:
        assert r.status_code == 400
        assert f"Field '{next(iter(filter_))}' is not declared as filterable" in r.text


def test_variants_sort_and_search_fields(client: httpx.Client) -> None:
    create_product(client)
    by_sku = [{"fieldName": "sku", "order": "ASC"}]
    r = client.post("/stores/v3/products/query-variants", json={"query": {"sort": by_sku}})
    assert r.status_code == 400 and "not declared as sortable" in r.text
    by_variant = [{"fieldName": "variantId", "order": "DESC"}]
    page = ok(
        client.post("/stores/v3/products/query-variants", json={"query": {"sort": by_variant}})
    )
    ids = [v["variantId"] for v in page["variants"]]
    assert ids == sorted(ids, reverse=True)
    # Search declares a wider set: sku is filterable there, product revision is not.
    found = ok(
        client.post(
            "/stores/v3/products/search-variants",
            json={"search": {"filter": {"sku": "LINEN-APRON-Small"}, "sort": by_sku}},
        )
    )
    assert [v["sku"] for v in found["variants"]] == ["LINEN-APRON-Small"]
    r = client.post(
        "/stores/v3/products/search-variants",
        json={"search": {"filter": {"productData.revision": "1"}}},
    )
    assert r.status_code == 400


def test_429_with_an_html_body(emu: Emulator, client: httpx.Client) -> None:
    emu.add_fault("POST /stores/v3/products/query:429:html")
    r = client.post("/stores/v3/products/query", json={})
    assert r.status_code == 429
    assert r.headers["content-type"].startswith("text/html")
    assert r.text.lstrip().startswith("<!DOCTYPE html>")
    assert ok(client.post("/stores/v3/products/query", json={}))["products"] == []


def test_rate_limit_can_answer_with_html(clock: Clock) -> None:
    emu = Emulator(clock=clock, faults=FaultConfig(rate_limit_per_minute=1, rate_limit_html=True))
    with make_client(emu) as client:
        assert client.get("/stores/v3/provision/version").status_code == 200
        r = client.get("/stores/v3/provision/version")
        assert r.status_code == 429 and "<html>" in r.text
    emu.close()
