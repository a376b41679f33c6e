"""Auth, site provisioning, catalog version, routing and error shapes."""

from __future__ import annotations

import httpx

from inventory_as_code.emulator import Emulator

from .conftest import KEY, error_code, make_client, ok


def test_missing_authorization_is_401_with_wix_body(emu: Emulator) -> None:
    with make_client(emu, key=None) as c:
        r = c.post("/stores/v3/inventory-items/query", json={})
    assert r.status_code == 401
    body = r.json()
    assert set(body) == {"message", "details"}
    assert body["details"]["applicationError"]["code"] == "UNAUTHENTICATED"
    assert r.headers["x-wix-request-id"]


def test_missing_site_id_is_401(emu: Emulator) -> None:
    with httpx.Client(transport=make_client(emu)._transport, base_url="http://e") as c:
        r = c.get("/stores/v3/provision/version", headers={"Authorization": KEY})
    assert r.status_code == 401


def test_configured_api_key_rejects_other_keys_and_never_echoes_them() -> None:
    emu = Emulator(api_key="right")
    with make_client(emu, key="wrong-secret") as c:
        r = c.get("/stores/v3/provision/version")
    assert r.status_code == 401
    assert "wrong-secret" not in r.text
    assert "wrong-secret" not in str(emu.requests())
    with make_client(emu, key="right") as c:
        assert ok(c.get("/stores/v3/provision/version")) == {"catalogVersion": "V3_CATALOG"}


def test_fresh_site_has_one_default_location_and_no_products(client: httpx.Client) -> None:
    stores = ok(client.post("/stores/v3/locations/query", json={}))
    assert len(stores["storesLocations"]) == 1
    store = stores["storesLocations"][0]
    assert store["defaultLocation"] is True and store["locationType"] == "VIRTUAL"
    assert store["revision"] == "1" and store["createdDate"].endswith("Z")
    wix = ok(client.get(f"/locations/v1/locations/{store['wixLocationId']}"))["location"]
    assert wix["default"] is True and wix["locationTypes"] == ["INVENTORY"]
    assert store["id"] != store["wixLocationId"]
    assert ok(client.post("/stores/v3/products/query", json={}))["products"] == []
    assert ok(client.post("/stores/v3/products/count", json={})) == {"count": 0}
    default = ok(client.get("/stores/v3/locations/default"))["storesLocation"]
    assert default["id"] == store["id"]


def test_sites_are_isolated(emu: Emulator, client: httpx.Client) -> None:
    client.post("/stores/v3/products", json={"product": {"name": "x"}})
    with make_client(emu, site="other") as other:
        a = ok(client.post("/stores/v3/locations/query", json={}))["storesLocations"][0]["id"]
        b = ok(other.post("/stores/v3/locations/query", json={}))["storesLocations"][0]["id"]
    assert a != b


def test_v1_site_gets_428_except_provision_version(emu: Emulator, client: httpx.Client) -> None:
    emu.set_catalog_version("site-1", "V1_CATALOG")
    assert ok(client.get("/stores/v3/provision/version")) == {"catalogVersion": "V1_CATALOG"}
    r = client.post("/stores/v3/inventory-items/query", json={})
    assert r.status_code == 428
    assert r.json()["details"]["applicationError"]["code"]
    # Locations are not a Stores API.
    ok(client.post("/locations/v1/locations/query", json={}))


def test_unknown_path_wrong_method_and_out_of_scope(client: httpx.Client) -> None:
    assert client.get("/stores/v3/nope").status_code == 404
    assert client.put("/stores/v3/inventory-items/query", json={}).status_code == 404
    r = client.post("/stores/v3/bulk/inventory-items/update-by-filter", json={"filter": {}})
    assert r.status_code == 501
    assert r.json()["details"]["applicationError"]["code"] == "NOT_IMPLEMENTED"


def test_malformed_json_is_400(client: httpx.Client) -> None:
    r = client.post(
        "/stores/v3/inventory-items",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400
    assert "validationError" in r.json()["details"]


def test_error_code_helper_reads_validation(client: httpx.Client) -> None:
    r = client.post("/stores/v3/inventory-items", json={"inventoryItem": {}})
    assert r.status_code == 400
    assert error_code(r) == "VALIDATION"
