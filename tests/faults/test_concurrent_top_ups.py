"""Two or three applies of the same top-up plan at once never top up twice.

CI concurrency groups are not a guarantee: someone may apply from a laptop
while CI applies the same merge. With a realistic 200 ms per request, each
apply reads the items before the others write. Top-ups are revision-guarded
updates to the floor, so whichever lands first wins and the others find the
floor reached; a blind increment would have added the top-up once per apply.
"""

from __future__ import annotations

import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from inventory_as_code.emulator import Emulator, FaultConfig
from inventory_as_code.wix import Adjustment, WixClient
from inventory_as_code.workflow import apply_plan, plan_project
from tests.clients import emulator_client

SITE = "site-concurrent"
SIZES = [f"S{n}" for n in range(10)]
PRODUCTS = 5  # x 10 sizes = 50 items


def client_for(emulator: Emulator) -> WixClient:
    return emulator_client(emulator, SITE)


def project_text() -> str:
    products = "".join(
        f"""
  tee-{p}:
    name: Tee {p}
    options: {{Size: [{", ".join(SIZES)}]}}
    sku: T{p}-{{Size}}
    price: "10.00"
    stock: {{Online store: {{quantity: 10, policy: at_least}}}}
"""
        for p in range(PRODUCTS)
    )
    return "locations:\n  Online store: {default: true}\nproducts:" + products


def test_concurrent_applies_of_one_top_up_plan_top_up_once() -> None:
    emulator = Emulator(id_seed=5)
    with tempfile.TemporaryDirectory() as folder, client_for(emulator) as client:
        project = Path(folder)
        (project / "store.yaml").write_text(textwrap.dedent(project_text()))
        assert apply_plan(client, plan_project(client, project, site_id=SITE)[0]).exit_code == 0
        items = list(client.inventory.query())
        client.inventory.bulk_decrement([Adjustment(6, inventory_item_id=i["id"]) for i in items])
        plan, _ = plan_project(client, project, site_id=SITE)
        assert len(plan.changes) == 50  # every item 4 -> 10

        emulator.set_faults(FaultConfig(latency_ms=200))
        clients = [client_for(emulator) for _ in range(3)]
        with ThreadPoolExecutor(max_workers=3) as pool:
            reports = list(pool.map(lambda c: apply_plan(c, plan), clients))
        for c in clients:
            c.close()
        emulator.set_faults(None)

        assert [r.exit_code for r in reports] == [0, 0, 0], [r.to_dict() for r in reports]
        quantities = sorted({i["quantity"] for i in client.inventory.query()})
        assert quantities == [10]  # not 16 or 22
        codes = [r.outcomes[c.address].code for r in reports for c in plan.changes]
        assert codes.count("") == 50  # each top-up was written by exactly one apply
        assert plan_project(client, project, site_id=SITE)[0].in_sync
    emulator.close()
