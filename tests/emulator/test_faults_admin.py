"""Faults, rate limits, the admin surface, seeding and persistence."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from inventory_as_code.emulator import Emulator, FaultConfig, FaultRule, load_seed_file

from .conftest import SITE, Clock, create_product, make_client, ok

COUNT = "/stores/v3/inventory-items/count"


def test_injected_503_then_success(emu: Emulator, client: httpx.Client) -> None:
    emu.add_fault("POST /stores/v3/inventory-items/*:503:times=2")
    assert client.post(COUNT, json={}).status_code == 503
    r = client.post(COUNT, json={})
    assert r.status_code == 503 and r.json()["details"]["applicationError"]["code"]
    assert ok(client.post(COUNT, json={})) == {"count": 0}
    faults = [e["fault"] for e in emu.requests()]
    assert faults == ["status:503", "status:503", None]


def test_nth_occurrence(emu: Emulator, client: httpx.Client) -> None:
    emu.add_fault(
        FaultRule(path="/stores/v3/inventory-items/count", action="status", status=500, nth=2)
    )
    assert [client.post(COUNT, json={}).status_code for _ in range(3)] == [200, 500, 200]


def test_drop_before_vs_drop_after(emu: Emulator, client: httpx.Client) -> None:
    body = {
        "product": {
            "name": "Mug",
            "productType": "PHYSICAL",
            "physicalProperties": {},
            "variantsInfo": {"variants": [{"price": {"actualPrice": {"amount": "1"}}}]},
        }
    }
    emu.add_fault("POST /stores/v3/products:drop-before")
    with pytest.raises(httpx.ConnectError):
        client.post("/stores/v3/products", json=body)
    assert ok(client.post("/stores/v3/products/count", json={}))["count"] == 0
    emu.add_fault("POST /stores/v3/products:drop-after")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/stores/v3/products", json=body)
    # The write happened although the client never got the answer.
    assert ok(client.post("/stores/v3/products/count", json={}))["count"] == 1
    assert [e["fault"] for e in emu.requests() if e["route"] == "products.create"] == [
        "drop-before",
        "drop-after",
    ]


def test_delay_beyond_read_timeout_raises_read_timeout_after_applying(emu: Emulator) -> None:
    emu.add_fault("POST /stores/v3/products:delay=30")
    started = time.monotonic()
    with make_client(emu) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.post(
                "/stores/v3/products",
                json={
                    "product": {
                        "name": "x",
                        "productType": "DIGITAL",
                        "variantsInfo": {"variants": [{"price": {"actualPrice": {"amount": "1"}}}]},
                    }
                },
                timeout=2,
            )
        assert time.monotonic() - started < 2
        assert ok(client.post("/stores/v3/products/count", json={}))["count"] == 1


def test_latency(clock: Clock) -> None:
    emu = Emulator(clock=clock, faults=FaultConfig(latency_ms=50))
    with make_client(emu) as client:
        started = time.monotonic()
        ok(client.get("/stores/v3/provision/version"))
        assert time.monotonic() - started >= 0.05
        ok(client.get("/_emulator/health"))  # admin is never delayed or faulted


def test_rate_limit_429_per_site(clock: Clock) -> None:
    emu = Emulator(clock=clock, faults=FaultConfig(rate_limit_per_minute=3, retry_after=True))
    with make_client(emu) as a, make_client(emu, site="other") as b:
        assert [a.post(COUNT, json={}).status_code for _ in range(4)] == [200, 200, 200, 429]
        r = a.post(COUNT, json={})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert b.post(COUNT, json={}).status_code == 200  # per site
        clock.advance(61)
        assert a.post(COUNT, json={}).status_code == 200


def test_admin_surface(emu: Emulator, client: httpx.Client) -> None:
    create_product(client)
    client.post("/stores/v3/bulk/inventory-items/delete", json={"inventoryItemIds": ["a", "b"]})
    log = ok(client.get("/_emulator/requests"))["requests"]
    assert [e["route"] for e in log] == ["products.create", "inventory-items.bulk-delete"]
    assert log[1]["items"] == 2 and log[1]["siteId"] == SITE and log[1]["status"] == 200
    assert "test-key" not in str(log)
    assert ok(client.get("/_emulator/counts"))["counts"] == {
        "products.create": 1,
        "inventory-items.bulk-delete": 1,
    }
    ok(client.delete("/_emulator/requests"))
    assert ok(client.get("/_emulator/requests"))["requests"] == []

    faults = ok(
        client.put("/_emulator/faults", json={"latencyMs": 0, "rules": ["GET /stores/v3/*:500"]})
    )
    assert faults["rules"][0]["status"] == 500
    assert client.get("/stores/v3/provision/version").status_code == 500
    ok(client.delete("/_emulator/faults"))
    assert ok(client.get("/_emulator/faults"))["rules"] == []

    ok(
        client.post(
            f"/_emulator/sites/{SITE}/catalog-version",
            json={"catalogVersion": "STORES_NOT_INSTALLED"},
        )
    )
    assert client.post("/stores/v3/products/query", json={}).status_code == 428

    summary = ok(
        client.post(
            "/_emulator/seed",
            json={
                "siteId": "seeded",
                "locations": [{"name": "Depot"}],
                "products": [
                    {
                        "name": "Cup",
                        "productType": "PHYSICAL",
                        "physicalProperties": {},
                        "variantsInfo": {
                            "variants": [
                                {
                                    "price": {"actualPrice": {"amount": "2"}},
                                    "inventoryItem": {"quantity": 1},
                                    "inventoryItems": [{"location": "Depot", "inStock": True}],
                                }
                            ]
                        },
                    }
                ],
            },
        )
    )
    assert summary == {"siteId": "seeded", "locations": 2, "products": 1, "inventoryItems": 2}
    with make_client(emu, site="seeded") as seeded:
        assert ok(seeded.post(COUNT, json={}))["count"] == 2
        p = ok(seeded.post("/stores/v3/products/query", json={}))["products"][0]
        assert p["inventory"]["availabilityStatus"] == "IN_STOCK"

    ok(client.post("/_emulator/reset"))
    assert ok(client.get("/_emulator/requests"))["requests"] == []
    with make_client(emu, site="seeded") as seeded:
        assert ok(seeded.post(COUNT, json={}))["count"] == 0
    assert client.get("/_emulator/nope").status_code == 404


def test_persistence_across_instances(tmp_path: Path) -> None:
    db = tmp_path / "emu.db"
    first = Emulator(db)
    with make_client(first) as client:
        p = create_product(client)
    first.close()
    second = Emulator(db)
    with make_client(second) as client:
        again = ok(client.get(f"/stores/v3/products/{p['id']}"))["product"]
        assert again["revision"] == "1" and again["name"] == p["name"]
        # Keyset paging continues to work with the persisted sequence numbers.
        p2 = create_product(client, name="Second")
        ids = [x["id"] for x in ok(client.post("/stores/v3/products/query", json={}))["products"]]
        assert ids == [p2["id"], p["id"]]
    second.close()


def test_a_schema_1_database_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    first = Emulator(db)
    first.seed({"siteId": SITE, "locations": [{"name": "Warehouse"}]})
    first.close()
    # What schema 1 looked like: stores locations had no `due` column.
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE stores_locations DROP COLUMN due")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    conn.commit()
    conn.close()
    second = Emulator(db)
    with make_client(second) as client:
        stores = ok(client.post("/stores/v3/locations/query", json={}))["storesLocations"]
        assert {s["name"] for s in stores} == {"Online store", "Warehouse"}
    second.close()


def test_seed_file_yaml_and_rule_parsing(tmp_path: Path) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text("siteId: s\nproducts: []\nlocations:\n  - name: Depot\n    default: true\n")
    doc = load_seed_file(path)
    emu = Emulator()
    emu.seed(doc)
    with make_client(emu, site="s") as client:
        stores = ok(
            client.post(
                "/stores/v3/locations/query", json={"query": {"filter": {"defaultLocation": True}}}
            )
        )
        assert [s["name"] for s in stores["storesLocations"]] == ["Depot"]
    rule = FaultRule.parse("PATCH /stores/v3/products/*:drop-after:nth=2,times=inf,site=s")
    assert (rule.method, rule.action, rule.nth, rule.times, rule.site_id) == (
        "PATCH",
        "drop-after",
        2,
        None,
        "s",
    )
    with pytest.raises(ValueError):
        FaultRule.parse("/x:explode")
