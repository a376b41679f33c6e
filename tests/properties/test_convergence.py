"""For random desired/live pairs, one apply reaches the desired state: the next plan is empty.

The live starting state is made by applying another random project to the
emulator first (and selling some stock in between), so it is a store this
tool could have produced, then edited in Wix.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.wix import Adjustment, RetryPolicy, WixClient
from inventory_as_code.workflow import apply_plan, plan_project

SITE = "site-props"
LOCATIONS = ["Main", "Outlet", "Pop-up"]
# The type is fixed per slug: it cannot change once a product exists.
SLUGS = {"tee": "physical", "mug": "physical", "ebook": "digital"}

quantities = st.integers(min_value=0, max_value=40)


@st.composite
def stock_entry(draw: st.DrawFn, product_type: str) -> Any:
    kind = draw(st.sampled_from(["count", "full", "flag"]))
    if kind == "count":
        return draw(quantities)
    if kind == "flag":
        return draw(st.booleans())
    entry: dict[str, Any] = {
        "quantity": draw(quantities),
        "policy": draw(st.sampled_from(["set", "initial", "at_least"])),
    }
    if product_type == "physical" and draw(st.booleans()):
        entry["preorder"] = {"enabled": draw(st.booleans()), "limit": draw(quantities)}
    return entry


@st.composite
def projects(draw: st.DrawFn) -> dict[str, Any]:
    locations = LOCATIONS[: draw(st.integers(min_value=1, max_value=3))]
    slugs = draw(st.lists(st.sampled_from(sorted(SLUGS)), min_size=1, max_size=3, unique=True))
    products: dict[str, Any] = {}
    for slug in sorted(slugs):
        product_type = SLUGS[slug]
        product: dict[str, Any] = {
            "name": slug.title(),
            "type": product_type,
            "price": f"{draw(st.integers(min_value=1, max_value=99))}.00",
        }
        sizes = draw(st.lists(st.sampled_from(["S", "M", "L"]), max_size=3, unique=True))
        if sizes:
            product["options"] = {"Size": sizes}
            product["sku"] = slug.upper() + "-{Size}"
        else:
            product["sku"] = slug.upper()
        stocked = draw(st.lists(st.sampled_from(locations), max_size=len(locations), unique=True))
        if stocked:
            product["stock"] = {loc: draw(stock_entry(product_type)) for loc in stocked}
        if sizes and stocked and draw(st.booleans()):
            product["variants"] = {
                sizes[0]: {"stock": {stocked[0]: draw(stock_entry(product_type))}}
            }
        products[slug] = product
    document: dict[str, Any] = {
        "locations": {loc: ({"default": True} if loc == "Main" else None) for loc in locations},
        "products": products,
    }
    if draw(st.booleans()):
        document["defaults"] = {
            "stock": {"policy": draw(st.sampled_from(["set", "initial", "at_least"]))}
        }
    return document


def write(project: Path, document: dict[str, Any]) -> None:
    for old in project.glob("*.yaml"):
        old.unlink()
    # Locations in one file, each product in its own: a project of several files.
    (project / "store.yaml").write_text(yaml.safe_dump({"locations": document["locations"]}))
    if "defaults" in document:
        (project / "defaults.yaml").write_text(yaml.safe_dump({"defaults": document["defaults"]}))
    for slug, product in document["products"].items():
        (project / f"{slug}.yaml").write_text(yaml.safe_dump({"products": {slug: product}}))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(live=projects(), desired=projects(), sold=st.integers(min_value=0, max_value=5))
def test_apply_then_plan_is_empty(live: dict[str, Any], desired: dict[str, Any], sold: int) -> None:
    emulator = Emulator(id_seed=1)
    client = WixClient(
        api_key="props-key",
        site_id=SITE,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
        requests_per_minute=1_000_000,
        retry=RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.001),
    )
    with tempfile.TemporaryDirectory() as folder, client:
        project = Path(folder)
        write(project, live)
        seeded = apply_plan(client, plan_project(client, project, site_id=SITE)[0])
        assert seeded.exit_code == 0, seeded.to_dict()["outcomes"]
        # Sales in Wix since: every counted item loses up to `sold` units.
        counted = [i for i in client.inventory.query() if i.get("quantity")]
        if sold and counted:
            client.inventory.bulk_decrement(
                [Adjustment(min(sold, i["quantity"]), inventory_item_id=i["id"]) for i in counted]
            )
        write(project, desired)
        plan, _ = plan_project(client, project, site_id=SITE)
        report = apply_plan(client, plan)
        assert report.exit_code == 0, report.to_dict()["outcomes"]
        after, _ = plan_project(client, project, site_id=SITE)
        assert after.empty, [(c.address, c.action.value, c.before, c.after) for c in after.changes]
    emulator.close()
