"""Planning from a refreshed snapshot gives the plan a full read gives, through any history.

A random store (a random project applied) is planned once with
``--refresh incremental`` (a full read that saves the snapshot); then a random
history happens in Wix, step by step, with time passing: products renamed
and created in the dashboard, stock sold, counts and preorders edited,
products and stock items deleted, whole projects applied. After every step
the incremental plan (which refreshes and re-saves the snapshot) must rest on
exactly the store a full read returns, and so equal the plan built from it.

That alone passes when every read falls back to a full read (a snapshot that
never verifies, a clock that makes every one too old): the comparison is
then of a full read with itself. So each plan must also have used the read it
should: the snapshot, refreshed, after every step that deleted nothing; a
full read only because the counts revealed a deletion.
"""

from __future__ import annotations

import tempfile
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_as_code.config import load_project
from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.live import LiveStore, read_live_store, snapshot
from inventory_as_code.plan.planner import PlanOptions, build_plan
from inventory_as_code.wix import Adjustment, RetryPolicy, WixClient
from inventory_as_code.workflow import apply_plan, plan_project
from tests.clock import SharedClock
from tests.plan.helpers import product
from tests.properties.test_convergence import SITE, projects, write

STEPS = ("rename", "sell", "delete_product", "delete_item", "dashboard", "create", "apply")


def step(client: WixClient, project: Path, name: str, data: st.DataObject) -> None:
    products = list(client.products.query())
    items = list(client.inventory.query())
    if name == "rename" and products:
        chosen = data.draw(st.sampled_from(products))
        client.products.update(
            {"id": chosen["id"], "revision": chosen["revision"], "name": "Renamed in Wix"}
        )
    elif name == "sell":
        counted = [i for i in items if i.get("quantity")]
        if counted:
            chosen = data.draw(
                st.lists(st.sampled_from(counted), max_size=3, unique_by=lambda i: i["id"])
            )
            client.inventory.bulk_decrement(
                [Adjustment(1, inventory_item_id=i["id"]) for i in chosen]
            )
    elif name == "delete_product" and products:
        client.products.delete(data.draw(st.sampled_from(products))["id"])
    elif name == "delete_item" and items:
        client.inventory.bulk_delete([data.draw(st.sampled_from(items))["id"]])
    elif name == "dashboard" and items:
        chosen = data.draw(st.sampled_from(items))
        change: dict[str, Any] = {"id": chosen["id"], "revision": chosen["revision"]}
        if data.draw(st.booleans()):
            change["quantity"] = data.draw(st.integers(min_value=0, max_value=40))
        else:
            change["inStock"] = data.draw(st.booleans())
        client.inventory.bulk_update([change])
    elif name == "create":
        slug = f"extra-{data.draw(st.integers(min_value=0, max_value=3))}"
        if not any(p["slug"] == slug for p in products):
            client.products.create(  # type: ignore[arg-type]
                product(slug, variants={"": {"sku": slug.upper()}})
            )
    elif name == "apply":
        write(project, data.draw(projects()))
        report = apply_plan(client, plan_project(client, project, site_id=SITE)[0])
        assert report.exit_code == 0, report.to_dict()["outcomes"]


def full_read(client: WixClient, project: Path) -> tuple[LiveStore, Any]:
    live = read_live_store(client)
    plan = build_plan(load_project(project), live, PlanOptions(site=SITE))
    return live, (plan.changes, plan.unresolved, plan.notes, plan.guard_rails)


@pytest.fixture(autouse=True)
def _no_real_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "now", _CLOCK)


_CLOCK = SharedClock()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(
    start=projects(),
    desired=projects(),
    history=st.lists(st.sampled_from(STEPS), min_size=1, max_size=6),
    data=st.data(),
)
def test_incremental_plans_equal_full_plans(
    start: dict[str, Any], desired: dict[str, Any], history: list[str], data: st.DataObject
) -> None:
    emulator = Emulator(id_seed=1, clock=_CLOCK)
    client = WixClient(
        api_key="props-key",
        site_id=SITE,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
        requests_per_minute=1_000_000,
        retry=RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.001),
    )
    modes = []
    with tempfile.TemporaryDirectory() as folder, client, closing(emulator):
        project = Path(folder)
        write(project, start)
        seeded = apply_plan(client, plan_project(client, project, site_id=SITE)[0])
        assert seeded.exit_code == 0, seeded.to_dict()["outcomes"]
        write(project, desired)
        _CLOCK.skew += timedelta(minutes=data.draw(st.integers(min_value=0, max_value=30)))
        _, first = plan_project(client, project, site_id=SITE, refresh="incremental")
        assert first.stats is not None and first.stats.mode == "full"
        assert "no snapshot of this site yet; snapshot saved" in first.stats.detail
        now = ids(client)
        for name in history:
            _CLOCK.skew += timedelta(minutes=data.draw(st.integers(min_value=0, max_value=20)))
            before = now  # plans only read: the store is as the last step left it
            step(client, project, name, data)
            now = ids(client)
            deleted = any(was - still for was, still in zip(before, now, strict=True))
            if name == "apply":
                write(project, desired)
            plan, live = plan_project(client, project, site_id=SITE, refresh="incremental")
            assert live.stats is not None
            modes.append(live.stats.mode)
            if live.stats.mode == "full":
                # Only a deletion (which no date shows) may send it back to a full read.
                assert deleted, (name, live.stats.detail)
                assert "do not add up" in live.stats.detail, (name, live.stats.detail)
            else:
                assert live.stats.mode == "incremental", live.stats
            whole, expected = full_read(client, project)
            # The refreshed store is the store (stock items, products, variants: every field)...
            assert dict(live.inventory) == dict(whole.inventory), (name, live.stats.detail)
            assert live.products == whole.products, (name, live.stats.detail)
            # ... so the plan is the plan.
            assert (plan.changes, plan.unresolved, plan.notes, plan.guard_rails) == expected
    assert len(modes) == len(history)


def ids(client: WixClient) -> tuple[set[str], set[str]]:
    """The ids of the store's products and stock items."""
    products = {p["id"] for p in client.products.query()}
    return products, {i["id"] for i in client.inventory.query()}
