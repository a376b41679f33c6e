"""The plan is a contract, as a property: apply changes exactly what the plan says.

Hypothesis draws a store (YAML, plus a product made "in the dashboard" with
colour swatches) and a sequence of edits to the YAML: prices, compare-at
prices, visibility, choices and swatch colours, tracking methods, preorder,
quantities under every policy, refills (units moved from another location),
locations with addresses, renames of slugs, options, choices and locations,
and prune. For each edit: plan, snapshot the
live store through the REST API, apply, snapshot again. The difference
between the snapshots must be exactly what the plan's changes say, field by
field (:mod:`inventory_as_code.acceptance.contract`), apply must exit 0 (its own
read-back found nothing), and the next plan must have nothing to apply.
Options are shared: the tee and the dashboard product use the same Color and
Size, so a rename or recolour planned for one reaches the other, and the
snapshots (which hold the store's options too) must show exactly that.

Wix's eventual consistency is on. The bounded profile (a few dozen examples)
runs in the normal suite; ``CONTRACT_EXAMPLES=500 pytest
tests/properties/test_contract.py --hypothesis-show-statistics`` runs a longer
one and shows how often each edit made a plan (the events).
"""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from inventory_as_code.acceptance.contract import problems_against_plan, snapshot
from inventory_as_code.emulator import Emulator, FaultConfig
from inventory_as_code.errors import ConfigError
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.wix import RetryPolicy
from inventory_as_code.workflow import apply_plan, plan_project
from tests.apply.test_contract_cases import SWATCH_TEE
from tests.clients import emulator_client
from tests.clock import LAG, SharedClock

SITE = "site-contract"
EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "25"))
PRICES = st.sampled_from(["5.00", "9.99", "12.50", "20.00"])
QUANTITIES = st.integers(min_value=0, max_value=30)
COLORS = st.sampled_from(["#000000", "#1E5AA8", "#C0392B", "#2E8B57"])
ADDRESSES = st.fixed_dictionaries(
    {"street": st.sampled_from(["Torstraße 109", "Main St 1"]), "city": st.just("Berlin")},
    optional={"postal_code": st.just("10119"), "country": st.just("DE")},
)


@st.composite
def stock_value(draw: st.DrawFn, digital: bool) -> Any:
    kind = draw(st.sampled_from(["count", "flag", "full"]))
    if kind == "count":
        return draw(QUANTITIES)
    if kind == "flag":
        return draw(st.booleans())
    entry: dict[str, Any] = {
        "quantity": draw(QUANTITIES),
        "policy": draw(st.sampled_from(["set", "initial", "at_least"])),
    }
    if not digital and draw(st.booleans()):
        entry["preorder"] = {
            "enabled": draw(st.booleans()),
            "limit": draw(QUANTITIES),
            "message": draw(st.sampled_from(["Soon", "Ships in March"])),
        }
    return entry


@st.composite
def stores(draw: st.DrawFn) -> dict[str, Any]:
    locations: dict[str, Any] = {"Main": {"default": True}}
    if draw(st.booleans()):
        locations["Outlet"] = {"address": draw(ADDRESSES), "time_zone": "Europe/Berlin"}
    products: dict[str, Any] = {}
    for slug, digital in (("tee", False), ("mug", False), ("ebook", True)):
        if slug != "tee" and not draw(st.booleans()):
            continue  # the tee, with options (and maybe swatches), is always there
        product: dict[str, Any] = {
            "name": slug.title(),
            "type": "digital" if digital else "physical",
            "price": draw(PRICES),
        }
        if draw(st.booleans()):
            product["visible"] = False
        if slug == "tee":
            product["options"] = {"Size": ["S", "M"]}
            if draw(st.booleans()):
                product["options"]["Color"] = {"swatches": {"Black": draw(COLORS)}}
                product["sku"] = "TEE-{Size}-{Color}"
            else:
                product["sku"] = "TEE-{Size}"
        else:
            product["sku"] = slug.upper()
        product["stock"] = {
            loc: draw(stock_value(digital)) for loc in locations if draw(st.booleans())
        }
        products[slug] = product
    return {"locations": locations, "products": products}


EDITS = [
    "price",
    "compare_at",
    "visible",
    "variant_visible",
    "add_choice",
    "remove_choice",
    "swatch",
    "tracking",
    "preorder",
    "quantity",
    "location",
    "address",
    "rename_slug",
    "rename_choice",
    "rename_option",
    "rename_location",
    "adopt_dashboard_product",
    "prune",
    "refill",
]


SIZE_EDITS = ("add_choice", "remove_choice", "rename_choice", "rename_option")


def edit(doc: dict[str, Any], what: str, data: st.DataObject) -> dict[str, Any]:
    """``doc`` with one edit applied (or unchanged where the edit does not fit)."""
    doc = copy.deepcopy(doc)
    products: dict[str, Any] = doc["products"]
    # Each edit picks among the products it fits, so few draws are wasted.
    needs = {
        "variant_visible": lambda p: bool(p.get("options")),
        "swatch": lambda p: "Color" in (p.get("options") or {}),
    }
    fits = needs.get(what, lambda p: "Size" in (p.get("options") or {}))
    if what not in needs and what not in SIZE_EDITS:
        fits = lambda p: True  # noqa: E731
    slugs = sorted(s for s, p in products.items() if fits(p))
    slug = data.draw(st.sampled_from(slugs)) if slugs else None
    product = products.get(slug) if slug else None
    moved: list[Any] = doc.setdefault("moved", [])
    if what == "price" and product:
        product["price"] = data.draw(PRICES)
    elif what == "compare_at" and product:
        product["compare_at_price"] = "99.00" if "compare_at_price" not in product else "98.00"
    elif what == "visible" and product:
        product["visible"] = not product.get("visible", True)
    elif what == "variant_visible" and product and product.get("options"):
        choice = _choices(product["options"][next(iter(product["options"]))])[0]
        key = "/".join([choice, *(_choices(v)[0] for v in list(product["options"].values())[1:])])
        product.setdefault("variants", {})[key] = {"visible": data.draw(st.booleans())}
    elif what == "add_choice" and product and "Size" in (product.get("options") or {}):
        sizes = product["options"]["Size"]
        new = next((s for s in ("L", "XL", "XXL") if s not in sizes), None)
        if new:
            sizes.append(new)
    elif (
        what == "remove_choice"
        and product
        and len((product.get("options") or {}).get("Size", [])) > 1
    ):
        product["options"]["Size"].pop()
        product.get("variants", {}).clear()
    elif what == "swatch" and product and "Color" in (product.get("options") or {}):
        color = product["options"]["Color"]
        if isinstance(color, list):
            # A dashboard swatch option written as a list: manage its colours now.
            product["options"]["Color"] = {"swatches": {c: data.draw(COLORS) for c in color}}
            return doc
        swatches = color["swatches"]
        if data.draw(st.booleans()):
            swatches[next(iter(swatches))] = data.draw(COLORS)
        elif "Red" not in swatches:
            swatches["Red"] = "#C0392B"
    elif what in ("tracking", "preorder", "quantity") and product:
        location = data.draw(st.sampled_from(sorted(doc["locations"])))
        digital = product.get("type") == "digital"
        product.setdefault("stock", {})[location] = data.draw(stock_value(digital))
    elif (
        what == "location"
        and "Outlet" not in doc["locations"]
        and "Outlet Hamburg" not in doc["locations"]
    ):
        doc["locations"]["Outlet"] = {"address": data.draw(ADDRESSES)}
    elif what == "address":
        name = next((n for n in doc["locations"] if n != "Main"), None)
        if name:
            doc["locations"][name]["address"] = data.draw(ADDRESSES)
    elif what == "rename_slug" and product and not slug.endswith("-2"):
        products[f"{slug}-2"] = products.pop(slug)
        moved.append({"product": {"from": slug, "to": f"{slug}-2"}})
    elif what == "rename_choice" and product and "Size" in (product.get("options") or {}):
        sizes = product["options"]["Size"]
        old = sizes[0]
        sizes[0] = old.lower() if old.isupper() else old.upper()
        product.get("variants", {}).clear()
        moved.append({"choice": {"product": slug, "option": "Size", "from": old, "to": sizes[0]}})
    elif what == "rename_option" and product and "Size" in (product.get("options") or {}):
        product["options"] = {
            ("Fit" if k == "Size" else k): v for k, v in product["options"].items()
        }
        product["sku"] = product["sku"].replace("{Size}", "{Fit}")
        product.get("variants", {}).clear()
        moved.append({"option": {"product": slug, "from": "Size", "to": "Fit"}})
    elif what == "rename_location" and "Outlet" in doc["locations"]:
        doc["locations"]["Outlet Hamburg"] = doc["locations"].pop("Outlet")
        for p in products.values():
            if "Outlet" in (p.get("stock") or {}):
                p["stock"]["Outlet Hamburg"] = p["stock"].pop("Outlet")
        moved.append({"location": {"from": "Outlet", "to": "Outlet Hamburg"}})
        for p in products.values():
            for entry in (p.get("stock") or {}).values():
                if isinstance(entry, dict) and entry.get("refill_from") == "Outlet":
                    entry["refill_from"] = "Outlet Hamburg"
    elif what == "adopt_dashboard_product" and "dashboard-tee" not in products:
        products["dashboard-tee"] = {
            "options": {"Color": ["Black", "Blue"], "Size": ["M", "L"]},
            "sku": "DT-{Color}-{Size}",
            "price": "20.00",
        }
    elif what == "refill" and product and product.get("type") != "digital":
        # Main kept at a floor with units moved from the other location, which holds some.
        source = next((n for n in doc["locations"] if n != "Main"), None)
        if source is None:
            source = "Outlet"
            doc["locations"][source] = {"address": data.draw(ADDRESSES)}
        stock = product.setdefault("stock", {})
        stock[source] = {"quantity": data.draw(QUANTITIES), "policy": "initial"}
        stock["Main"] = {"at_least": data.draw(st.integers(1, 30)), "refill_from": source}
    elif what == "prune" and slug:
        doc["prune"] = {"products": True, "variants": data.draw(st.booleans())}
        if data.draw(st.booleans()):
            del products[slug]
    if not moved:
        del doc["moved"]
    return doc


def _choices(option: Any) -> list[str]:
    return list(option["swatches"]) if isinstance(option, dict) else list(option)


def write(project: Path, doc: dict[str, Any]) -> None:
    for old in project.glob("*.yaml"):
        old.unlink()
    (project / "store.yaml").write_text(
        yaml.safe_dump({k: v for k, v in doc.items() if k != "products"}, sort_keys=False)
    )
    for slug, product in doc["products"].items():
        (project / f"{slug}.yaml").write_text(
            yaml.safe_dump({"products": {slug: product}}, sort_keys=False)
        )


@pytest.mark.timeout(120 + EXAMPLES)  # about 0.3 s an example; longer runs get more time
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    store=stores(), edits=st.lists(st.sampled_from(EDITS), min_size=1, max_size=4), data=st.data()
)
def test_apply_changes_exactly_what_the_plan_says(
    store: dict[str, Any], edits: list[str], data: st.DataObject
) -> None:
    clock = SharedClock()
    emulator = Emulator(
        id_seed=3, faults=FaultConfig(variants_lag_s=LAG, locations_lag_s=LAG), clock=clock
    )
    emulator.seed({"products": [SWATCH_TEE]}, site_id=SITE)
    client = emulator_client(
        emulator, SITE, retry=RetryPolicy(max_attempts=2, base_delay=0.001), sleep=clock.sleep
    )
    with tempfile.TemporaryDirectory() as folder, client:
        project = Path(folder)
        doc = store
        for what in ["(the store itself)", *edits]:
            candidate = doc if what == "(the store itself)" else edit(doc, what, data)
            write(project, candidate)
            try:
                plan, _ = plan_project(client, project, site_id=SITE)
            except (ConfigError, PlanRefused) as exc:
                # An edit the tool refuses before anything is written is fine; the
                # contract is about plans that are made. Put the YAML back. The store
                # itself is drawn valid: were it refused, nothing at all would be checked.
                assert what != "(the store itself)", str(exc)
                note(f"{what}: refused: {str(exc)[:300]}")
                event(f"refused: {what}")
                write(project, doc)
                continue
            doc = candidate
            note(f"{what}: {[(c.action.value, c.address) for c in plan.changes]}")
            event(f"planned: {what}" + ("" if plan.changes else " (no changes)"))
            for change in plan.changes:
                # The tee and the dashboard tee share Color and Size (options are the store's):
                # a rename or recolour on one reaches the other, which the snapshots must show.
                if change.kind.value == "option" and len(change.keys.get("products") or ()) > 1:
                    event(f"shared option changed: {what}")
            before = snapshot(client)
            report = apply_plan(client, plan)
            after = snapshot(client)
            assert report.exit_code == 0, (what, report.to_dict())
            problems = problems_against_plan(plan, before, after)
            assert not problems, (what, problems)
            again, _ = plan_project(client, project, site_id=SITE)
            assert again.empty, (what, [(c.address, c.before, c.after) for c in again.changes])
    emulator.close()
