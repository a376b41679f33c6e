"""A plan that reads only its targets equals the whole plan restricted to those targets.

For random stores (made by applying a random project, then selling some
stock) and a random other project, and for random ``--target`` lists, the
plan built from a read narrowed to the targeted products (what
``plan --target`` does) has exactly the changes and unresolved differences
of the plan built from the whole store with the same targets, which is the
whole plan filtered to those addresses. Refusals agree too: a narrowed plan
refuses only what the whole plan refuses, and every refusal of the whole
plan about a targeted product is raised by the narrowed one as well.

The guard rails' share checks are set out of reach here (they count the
managed stock of the whole store, which a narrowed read estimates); a test
of their own is in ``tests/live/test_targeted.py``.
"""

from __future__ import annotations

import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from inventory_as_code.config import load_project
from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.live import read_live_store
from inventory_as_code.plan.addresses import matches_target
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.plan.guard_rails import GuardRailSettings
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.planner import PlanOptions, build_plan
from inventory_as_code.plan.targets import UnknownTargetError
from inventory_as_code.wix import Adjustment, RetryPolicy, WixClient
from inventory_as_code.workflow import apply_plan, plan_project
from tests.properties.test_convergence import SITE, projects, write

NO_SHARES = GuardRailSettings(min_items=10**9)
TEE = {"name": "Tee", "type": "physical", "price": "1.00", "sku": "TEE"}
MUG = {"name": "Mug", "type": "physical", "price": "1.00", "sku": "MUG"}
SIZES = ["S", "M", "L"]


def target_lists(slugs: list[str]) -> st.SearchStrategy[tuple[str, ...]]:
    """1-3 addresses, mostly of products that exist on one side (``nosuch`` for typos)."""
    slug = st.sampled_from([*slugs, "nosuch"])
    one = st.one_of(
        slug.map(lambda s: f'product["{s}"]'),
        st.tuples(slug, st.sampled_from([*SIZES, "(default)"])).map(
            lambda p: f'variant["{p[0]}"]["{p[1]}"]'
        ),
        st.tuples(
            slug,
            st.sampled_from([*SIZES, "(default)"]),
            st.sampled_from(["Main", "Outlet", "Pop-up"]),
        ).map(lambda p: f'stock["{p[0]}"]["{p[1]}"]["{p[2]}"]'),
    )
    return st.lists(one, min_size=1, max_size=3, unique=True).map(tuple)


@st.composite
def desired_projects(draw: st.DrawFn) -> dict[str, Any]:
    document = draw(projects())
    products = document["products"]
    if "tee" not in products and draw(st.integers(min_value=0, max_value=3)):
        # A rename: the live "tee" is "tshirt" in this YAML.
        document["moved"] = [{"product": {"from": "tee", "to": "tshirt"}}]
        products["tshirt"] = {"name": "Tshirt", "type": "physical", "price": "9.00"}
        if draw(st.booleans()):
            products["tshirt"]["options"] = {"Size": ["S", "M"]}
            products["tshirt"]["sku"] = "TEE-{Size}"
    used = {str(p.get("sku", "")).split("-")[0] for p in products.values()}
    absent = [s.upper() for s in ("tee", "mug", "ebook") if s.upper() not in used]
    for slug in list(products):
        if absent and draw(st.integers(min_value=0, max_value=4)) == 0:
            # Borrow the SKUs of a product only the store has: a clash the plan refuses.
            other = absent.pop(draw(st.integers(min_value=0, max_value=len(absent) - 1)))
            sku = products[slug].get("sku", "")
            products[slug]["sku"] = other + sku[sku.find("-") :] if "-" in sku else other
    if draw(st.booleans()):
        document["prune"] = {
            kind: draw(st.booleans()) for kind in ("products", "variants", "inventory")
        }
    return document


def write_desired(project: Path, document: dict[str, Any]) -> None:
    write(project, document)
    for block in ("moved", "prune"):
        if block in document:
            (project / f"{block}.yaml").write_text(yaml.safe_dump({block: document[block]}))


def whole_read_plan(client: WixClient, project: Path, targets: tuple[str, ...]) -> Plan:
    options = PlanOptions(guard_rails=NO_SHARES, targets=targets, site=SITE)
    return build_plan(load_project(project), read_live_store(client), options)


def outcome(run: Any) -> tuple[str, Any]:
    try:
        plan = run()
    except PlanRefused as exc:
        return "refused", {str(r) for r in exc.refusals}
    except UnknownTargetError as exc:
        # Refused alike; the did-you-mean may differ (the whole plan suggests from its
        # changes too, the narrowed one from the whole YAML).
        return "unknown", exc.target
    return "plan", (
        [c for c in plan.changes],
        [u for u in plan.unresolved],
        [r for r in plan.guard_rails],
    )


def about(refusal: str, targets: tuple[str, ...]) -> bool:
    """Whether a refusal's subject (the object whose change is refused) is a targeted product.

    A refusal reads ``[file:line:col: ]ADDRESS: message``, or names a ``moved``
    entry ``moved product OLD -> NEW``; a product named only in the message (the
    owner of a SKU another product wants) is not its subject.
    """
    slugs = {t.split('"')[1] for t in targets}
    head = refusal.split("\n", 1)[0]
    if " moved product " in f" {head}" or head.startswith("moved product "):
        names = head.split("moved product ", 1)[1].split(":", 1)[0].split(" -> ")
        return bool(slugs & {n.strip() for n in names})
    for part in head.split(": "):
        if part.split("[", 1)[0] in ("product", "variant", "stock") and '["' in part:
            return part.split('"')[1] in slugs
    return False


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    live=projects(),
    desired=desired_projects(),
    sold=st.integers(min_value=0, max_value=5),
    data=st.data(),
)
# Always: a renamed product targeted by its new slug, and a new SKU held by a live
# product the YAML does not manage (the narrowed read must find both).
@example(
    live={"locations": {"Main": {"default": True}}, "products": {"tee": TEE, "mug": MUG}},
    desired={
        "locations": {"Main": {"default": True}},
        "products": {"mug": MUG, "tshirt": {"name": "Tshirt", "price": "9.00"}},
        "moved": [{"product": {"from": "tee", "to": "tshirt"}}],
    },
    sold=0,
    data=None,
).via("the rename case")
@example(
    live={"locations": {"Main": {"default": True}}, "products": {"tee": TEE}},
    desired={"locations": {"Main": {"default": True}}, "products": {"mug": {**MUG, "sku": "TEE"}}},
    sold=0,
    data=None,
).via("the SKU owner case")
@example(
    live={"locations": {"Main": {"default": True}}, "products": {"tee": TEE, "mug": MUG}},
    desired={
        "locations": {"Main": {"default": True}},
        "products": {"tee": {**TEE, "sku": "TEE2"}, "mug": {**MUG, "sku": "TEE"}},
        "prune": {"products": True},
    },
    sold=0,
    data=None,
).via("a managed owner under prune gives its SKU away: it is not deleted")
def test_a_targeted_plan_equals_the_whole_plan_restricted(
    live: dict[str, Any], desired: dict[str, Any], sold: int, data: st.DataObject | None
) -> None:
    if data is None:  # an explicit example: target the product that matters in it
        named = sorted(set(desired["products"]) - {"tee"})[-1]
        targets: tuple[str, ...] = (f'product["{named}"]',)
    else:
        slugs = sorted({*live["products"], *desired["products"]})
        targets = data.draw(target_lists(slugs), label="targets")
    emulator = Emulator(id_seed=1)
    client = WixClient(
        api_key="props-key",
        site_id=SITE,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
        requests_per_minute=1_000_000,
        retry=RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.001),
    )
    with tempfile.TemporaryDirectory() as folder, client, closing(emulator):
        project = Path(folder)
        write(project, live)
        seeded = apply_plan(client, plan_project(client, project, site_id=SITE)[0])
        assert seeded.exit_code == 0, seeded.to_dict()["outcomes"]
        counted = [i for i in client.inventory.query() if i.get("quantity")]
        if sold and counted:
            client.inventory.bulk_decrement(
                [Adjustment(min(sold, i["quantity"]), inventory_item_id=i["id"]) for i in counted]
            )
        write_desired(project, desired)
        whole_kind, whole = outcome(lambda: whole_read_plan(client, project, targets))
        before = emulator.counts()
        narrow_kind, narrow = outcome(
            lambda: plan_project(
                client, project, site_id=SITE, targets=targets, guard_rails=NO_SHARES
            )[0]
        )
        reads = {k: v - before.get(k, 0) for k, v in emulator.counts().items()}
    # Never the whole stock: one query for the targeted products, one more for the live
    # products they are renamed from.
    assert reads.get("inventory-items.query", 0) <= 2, reads
    if whole_kind == "refused" and narrow_kind != "refused":
        assert not any(about(r, targets) for r in whole), (whole, targets)
        return
    assert narrow_kind == whole_kind, (whole, narrow)
    if narrow_kind == "refused":
        assert narrow <= whole
        assert {r for r in whole if about(r, targets)} <= narrow
        return
    assert narrow == whole
    if narrow_kind == "plan":
        changes = narrow[0]
        assert all(any(_selected(c, t) for t in targets) for c in changes), changes


def _selected(change: Any, target: str) -> bool:
    """A change of the target; or of a store option a targeted product uses (it cannot be
    planned without it: a choice it picks, a rename its variants follow)."""
    if matches_target(change.address, target):
        return True
    users = {*(change.keys.get("products") or ()), *(change.keys.get("users") or ())}
    return change.kind.value == "option" and any(target == f'product["{s}"]' for s in users)
