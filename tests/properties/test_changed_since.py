"""``--changed-since REF`` misses no change: the targeted plan equals the whole plan.

For random git histories of a shop that shares its repository with other
tools, the store is made to match the commit REF (a checkout of REF is
planned and applied), and the working tree, some commits later, is planned
twice: in full, and with ``changed_since=REF``. Since the store holds exactly
REF's YAML, every change of the full plan comes from the history, so the
targeted plan, which sees only the products the selection names, must hold
exactly the full plan's changes: a product the selection missed would be
missing from it. The histories edit prices, add and remove products, rename
``b.yaml`` to ``b.YAML``, add, remove and retarget a file link and a folder
link (to a hidden folder, or to a folder that is read anyway), toggle an
``[project] exclude``, turn ``docker-compose.yml`` from another tool's file
into an inventory file, and keep stale copies of the catalog where the
loader never looks (``node_modules``, a git-ignored folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from inventory_as_code.emulator import Emulator
from inventory_as_code.plan.guard_rails import GuardRailSettings
from inventory_as_code.plan.model import Kind, Plan
from inventory_as_code.selection import changed_since
from inventory_as_code.workflow import apply_plan, plan_project
from tests.plan.helpers import SITE, client_for

NO_SHARES = GuardRailSettings(min_items=10**9)
# Each product lives in one file; where it is read from (if at all) is the history's business.
HOMES = {
    "a0": "a.yaml",
    "a1": "a.yaml",
    "b0": "b",  # b.yaml or b.YAML
    "c0": "sub/c.yml",
    "h0": ".hidden/h.yaml",
    "t0": "vault/t.txt",
    "e0": "ex/e.yaml",
    "d0": "docker-compose.yml",
}
PRICES = ("1.00", "2.00", "3.00")
FOLDER_LINKS = (None, ".hidden", "sub")
FILE_LINKS = (None, "vault/t.txt", "a.yaml", ".hidden/h.yaml")
STORE = "locations:\n  Main: {default: true}\nprune: {products: true}\n"


@dataclass(frozen=True)
class Shop:
    prices: dict[str, str | None]  # None: not in its file
    upper_b: bool = False
    folder_link: str | None = None  # classics -> ...
    file_link: str | None = None  # linked.yaml -> ...
    exclude: bool = False
    compose_products: bool = False
    stale: dict[str, str] = field(default_factory=dict)  # copies of a.yaml's products


START = Shop(
    prices=dict.fromkeys(HOMES, "1.00"),
    upper_b=True,
    folder_link=".hidden",
    file_link="vault/t.txt",
)
STALE = {"a0": "1.00", "a1": "1.00"}


def product(slug: str, price: str) -> str:
    return f'  {slug}:\n    name: {slug.upper()}\n    price: "{price}"\n    sku: {slug.upper()}\n'


def catalog(shop: Shop, slugs: list[str]) -> str:
    texts = [product(s, p) for s in slugs if (p := shop.prices.get(s)) is not None]
    return "products:\n" + "".join(texts) if texts else "products: {}\n"


def write_shop(root: Path, shop: Shop) -> None:
    """Make ``root`` hold exactly ``shop`` (beside .git and the local store)."""
    for entry in root.iterdir():
        if entry.name in (".git", ".inventory-as-code"):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    files = {
        ".gitignore": "ignored/\n.inventory-as-code/\n",
        "store.yaml": STORE,
        "a.yaml": catalog(shop, ["a0", "a1"]),
        "b.YAML" if shop.upper_b else "b.yaml": catalog(shop, ["b0"]),
        "sub/c.yml": catalog(shop, ["c0"]),
        ".hidden/h.yaml": catalog(shop, ["h0"]),
        "vault/t.txt": catalog(shop, ["t0"]),
        "ex/e.yaml": catalog(shop, ["e0"]),
        "docker-compose.yml": catalog(shop, ["d0"])
        if shop.compose_products
        else "services:\n  web: {image: nginx}\n",
        "inventory-as-code.toml": '[project]\nexclude = ["ex"]\n' if shop.exclude else "",
    }
    if shop.stale:
        stale = "products:\n" + "".join(product(s, p) for s, p in shop.stale.items())
        files["node_modules/pkg/a.yaml"] = stale
        files["ignored/a.yaml"] = stale
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    if shop.folder_link:
        os.symlink(shop.folder_link, root / "classics")
    if shop.file_link:
        os.symlink(shop.file_link, root / "linked.yaml")


@st.composite
def shops(draw: st.DrawFn) -> Shop:
    # Mostly present products behind links: where a selection can go wrong.
    return Shop(
        prices={s: draw(st.sampled_from((None, *PRICES, *PRICES))) for s in HOMES},
        upper_b=draw(st.booleans()),
        folder_link=draw(st.sampled_from((*FOLDER_LINKS, ".hidden"))),
        file_link=draw(st.sampled_from((*FILE_LINKS, "vault/t.txt"))),
        exclude=draw(st.booleans()),
        compose_products=draw(st.booleans()),
    )


@st.composite
def edits(draw: st.DrawFn, shop: Shop) -> Shop:
    """``shop`` after one to three edits of a pull request."""
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        what = draw(
            st.sampled_from(
                ("price",) * 4 + ("case", "folder", "file", "exclude", "compose", "stale")
            )
        )
        if what == "price":
            slug = draw(st.sampled_from(sorted(HOMES)))
            price = draw(st.sampled_from((None, *PRICES)))
            shop = replace(shop, prices={**shop.prices, slug: price})
        elif what == "case":
            shop = replace(shop, upper_b=not shop.upper_b)
        elif what == "folder":
            shop = replace(shop, folder_link=draw(st.sampled_from(FOLDER_LINKS)))
        elif what == "file":
            shop = replace(shop, file_link=draw(st.sampled_from(FILE_LINKS)))
        elif what == "exclude":
            shop = replace(shop, exclude=not shop.exclude)
        elif what == "compose":
            shop = replace(shop, compose_products=not shop.compose_products)
        else:
            # The catalog as it was (or any other prices): read by no loader.
            stale = {s: draw(st.sampled_from(PRICES)) for s in ("a0", "a1")}
            shop = replace(shop, stale=stale)
    return shop


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Shop], str]:
    """REF's shop, the shops committed after it, and how the last one is left."""
    states = [draw(shops())]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        states.append(draw(edits(states[-1])))
    return states, draw(st.sampled_from(("committed", "staged", "working tree")))


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def changes(plan: Plan) -> list[Any]:
    return [*plan.changes, *plan.unresolved]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(history=histories())
# The cases of issue 18, each a history a7233e5 got wrong ("No changes").
@example(
    history=([START, replace(START, prices={**START.prices, "a0": "2.00"}, stale=STALE)], "staged")
).via("an old copy in node_modules")
@example(history=([START, replace(START, prices={**START.prices, "b0": "3.00"})], "committed")).via(
    "an edit to b.YAML"
)
@example(
    history=([START, replace(START, prices={**START.prices, "t0": "3.00"})], "working tree")
).via("an edit to the target of a .yaml link")
@example(
    history=([START, replace(START, prices={**START.prices, "h0": "3.00"})], "working tree")
).via("an edit in a hidden folder behind a folder link")
@example(history=([START, replace(START, folder_link="sub")], "committed")).via(
    "a folder link retargeted: its products leave the YAML"
)
def test_a_changed_since_plan_equals_the_whole_plan(history: tuple[list[Shop], str]) -> None:
    states, left = history
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "shop"
        root.mkdir()
        git(root, "init", "-q")
        for number, state in enumerate(states):
            write_shop(root, state)
            last = number == len(states) - 1
            if not last or left != "working tree":
                git(root, "add", "-A")
            if not last or left == "committed":
                git(root, "commit", "-q", "--allow-empty", "-m", f"state {number}")
            if number == 0:
                ref = git(root, "rev-parse", "HEAD")
        checkout = Path(folder) / "ref"
        git(root, "worktree", "add", "-q", "--detach", str(checkout), ref)

        emulator = Emulator(id_seed=5)
        client = client_for(emulator)
        with client, closing(emulator):
            seeded = plan_project(client, checkout, site_id=SITE, guard_rails=NO_SHARES)[0]
            assert apply_plan(client, seeded).exit_code == 0
            full = plan_project(client, root, site_id=SITE, guard_rails=NO_SHARES)[0]
            selection = changed_since(root, ref)
            targeted = plan_project(
                client, root, site_id=SITE, guard_rails=NO_SHARES, changed_since=ref
            )[0]
        changed = {
            str(c.keys["slug"]) for c in full.changes if c.kind in (Kind.PRODUCT, Kind.VARIANT)
        }
        event("whole store" if selection.whole else "narrowed")
        event("full plan has changes" if changed else "full plan is empty")
        if not selection.whole:
            assert changed <= (selection.slugs or set()), selection.why
        assert changes(targeted) == changes(full)
