"""Pull as a property: for any dashboard edits, the next plan is empty and nothing else moved.

Hypothesis draws a few edits of the kinds a merchant makes in the dashboard
(prices, names, SKUs, counts under policy ``set``, in-stock flags, preorder
limits) on a store
whose YAML writes values at every level (defaults, a location, the product,
the variant; flow and block; quoted, single-quoted and plain; shorthands),
with comments everywhere. After ``pull``:

* the plan of the pulled YAML against the store is empty (every edit here is
  one pull takes), and a second pull changes no byte;
* every byte of the old files is still there, in order, but those of the YAML
  values pull replaced (and spaces that gave way so a comment keeps its
  column): everything else pull did is an insertion.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from inventory_as_code.config import load_project
from inventory_as_code.emulator import Emulator
from inventory_as_code.pull.place import value_origin
from inventory_as_code.pull.run import pull_project
from inventory_as_code.workflow import apply_plan, plan_project
from inventory_as_code.yamledit import parse
from tests.clients import emulator_client
from tests.pull.dashboard import Dashboard

SITE = "site-pull"
STORE = """\
locations:
  Main:            # the warehouse
    default: true
  Pop:
    address: {street: Torstraße 1, city: Berlin}
    time_zone: Europe/Berlin
    stock: {managed: false}   # only products that say so
defaults:
  stock:
    policy: set      # counts from the stock take
    quantity: 6      # unless said otherwise
    preorder: {limit: 10}
"""
PRODUCTS = """\
products:
  tee:                         # three sizes
    name: Tee                  # plain name
    options:
      Size: [S, M, L]
    sku: TEE-{Size}
    price: "20.00"             # quoted, shared
    stock:
      Main: {}                 # the default count
      Pop: true                # sold at the pop-up
    variants:
      L: {price: "22.00", stock: {Main: 2}}   # flow
      M:
        stock:
          Main: 4              # block

  mug:
    name: 'Mug'                # single-quoted
    price: 9.5                 # plain
    sku: MUG
    stock: {Main: 7}           # flow shorthand
"""
TEES = ["TEE-S", "TEE-M", "TEE-L"]
EDITS = st.one_of(
    st.tuples(
        st.just("price"),
        st.sampled_from([*TEES, "MUG"]),
        st.sampled_from(["5.00", "9.50", "20.00", "21.00", "22.00"]),
    ),
    st.tuples(
        st.just("rename"),
        st.sampled_from(["tee", "mug"]),
        st.sampled_from(["Tee 2", "yes", "Mug: large", "Tee", "'quoted'"]),
    ),
    st.tuples(st.just("quantity"), st.sampled_from([*TEES, "MUG"]), st.integers(0, 9)),
    st.tuples(st.just("in_stock"), st.sampled_from(TEES), st.booleans()),
    st.tuples(st.just("preorder"), st.sampled_from([*TEES, "MUG"]), st.integers(0, 12)),
    st.tuples(st.just("sku"), st.sampled_from(TEES), st.sampled_from(["X-", "TEE-"])),
)


@st.composite
def edit_lists(draw: st.DrawFn) -> list[tuple[str, str, object]]:
    return draw(st.lists(EDITS, min_size=1, max_size=5))


def _make(edit: Dashboard, skus: dict[str, str], what: str, key: str, value: object) -> None:
    """One dashboard edit; ``skus``: each variant's SKU now (a SKU edit changes it)."""
    sku = skus.get(key, key)
    if what == "price":
        edit.price(sku, str(value))
    elif what == "rename":
        edit.rename(key, str(value))
    elif what == "quantity":
        edit.quantity(sku, "default", int(str(value)))
    elif what == "in_stock":
        edit.items(sku, "Pop", inStock=bool(value))
    elif what == "preorder":
        edit.items(sku, "default", preorderInfo={"limit": int(str(value))})
    else:
        skus[key] = f"{value}{key[4:]}"
        if skus[key] != sku:
            edit.sku(sku, skus[key])


def _only_values_changed(old: str, new: str, allowed: list[range]) -> None:
    """``new`` holds every byte of ``old``, in order, but those in the ``allowed`` spans and
    the spaces before a comment (they give way to a longer value): only insertions else."""
    kept = []
    for index, char in enumerate(old):
        if any(index in span for span in allowed):
            continue
        if char == " " and old[index:].lstrip(" ")[:1] == "#":
            continue
        kept.append((index, char))
    found = 0
    for index, char in kept:
        found = new.find(char, found)
        assert found >= 0, f"{old[index : index + 20]!r} (at {index}) is gone:\n{old}\n->\n{new}"
        found += 1
    comments = [line.split("#", 1)[1] for line in old.splitlines() if "#" in line]
    assert comments == [line.split("#", 1)[1] for line in new.splitlines() if "#" in line]


@contextmanager
def _shop() -> Iterator[tuple[Path, Emulator]]:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "shop"
        project.mkdir()
        (project / "store.yaml").write_text(STORE)
        (project / "products.yaml").write_text(PRODUCTS)
        emulator = Emulator(":memory:")
        try:
            yield project, emulator
        finally:
            emulator.close()


@settings(
    max_examples=int(os.environ.get("PULL_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(edits=edit_lists())
def test_after_pull_the_plan_is_empty_and_only_the_pulled_values_changed(
    edits: list[tuple[str, str, object]],
) -> None:
    note(f"edits: {edits}")
    with _shop() as (project, emulator), emulator_client(emulator, SITE) as client:
        plan, _ = plan_project(client, project, site_id=SITE)
        assert apply_plan(client, plan).exit_code == 0
        skus: dict[str, str] = {}
        for what, key, value in edits:
            _make(Dashboard(client), skus, what, key, value)
        before = {rel: (project / rel).read_text() for rel in ("store.yaml", "products.yaml")}
        desired = load_project(project)
        result, _ = pull_project(client, project, site_id=SITE)
        assert not result.not_pulled, result.not_pulled
        note("\n".join(f"{p.want.address} {p.want.field}: {p.how}" for p in result.pulled))

        plan, _ = plan_project(client, project, site_id=SITE)
        assert plan.in_sync, [(c.address, c.fields) for c in plan.changes]
        again, _ = pull_project(client, project, site_id=SITE)
        assert again.in_sync and not again.edits

        spans: dict[str, list[range]] = {rel: [] for rel in before}
        for item in result.pulled:
            origin = value_origin(desired, item.want)
            assert origin is not None
            tree = parse(before[origin.file])
            node = tree.at(origin.line, origin.column)
            assert node is not None
            spans[origin.file].append(range(tree.text_start(node), node.end))
        for rel, old in before.items():
            _only_values_changed(old, (project / rel).read_text(), spans[rel])
