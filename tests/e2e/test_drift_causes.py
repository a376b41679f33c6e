"""``plan --explain-drift``: each difference's cause, through the real command, in a real git
repository.

A shop's history, with dates the test controls: the YAML committed ten days
ago and applied nine days ago (the embedded store written at that moment),
then, five days ago, edits in the store (a price, a sale of a `set` count),
then four days ago a commit of YAML edits that nobody applied, and today an
edit of the working tree not committed yet. Each difference then has one
known cause, and the plan names it with its remedy, in text, Markdown and
JSON. The same plan in a shallow clone and in a folder without git says
``unknown`` where git cannot date the line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from inventory_as_code.emulator import Emulator
from inventory_as_code.site import LOCAL_DIR, LOCAL_SITE_ID
from inventory_as_code.wix import Adjustment, WixClient
from inventory_as_code.workflow import apply_plan, plan_project
from tests.clients import emulator_client
from tests.e2e.cli import REPO, run_cli, write_project

SCHEMA = json.loads((REPO / "inventory_as_code/schemas/plan.schema.json").read_text())
# The dates of the story docs/plan-and-apply.md tells (fixed, so the commits' ids and the
# output are the same on every run, and the docs' quoted output is checked as it stands).
COMMITTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
APPLIED = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
DASHBOARD = datetime(2026, 11, 24, 14, 2, tzinfo=UTC)
EDITED = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)

STORE = """\
locations:
  Shop floor: {default: true}
defaults:
  stock: {policy: set}
"""

BOOKS = """\
products:
  dune:
    name: Dune
    type: physical
    price: "10.00"
    sku: BK-DUNE
    stock: {Shop floor: 10}
  emma:
    name: Emma
    type: physical
    price: "8.00"
    sku: BK-EMMA
    stock: {Shop floor: 5}
  hamlet:
    name: Hamlet
    type: physical
    price: "7.00"
    sku: BK-HAMLET
    stock: {Shop floor: 3}
  ulysses:
    name: Ulysses
    type: physical
    price: "12.00"
    sku: BK-ULYSSES
    stock: {Shop floor: 2}
"""


def git(root: Path, *args: str, when: datetime | None = None) -> str:
    """The test's own git, with the dates it chooses (never the tool's git)."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e")
    # No user or system config (a signing key, a hook): the same commit ids everywhere.
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit(root: Path, message: str, when: datetime) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, when=when)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


class Store:
    """The project's embedded local store, written at a moment the test chooses."""

    def __init__(self, project: Path, when: datetime) -> None:
        self.emulator = Emulator(project / LOCAL_DIR / "local.db", clock=lambda: when)
        self.client: WixClient = emulator_client(self.emulator, LOCAL_SITE_ID)

    def close(self) -> None:
        self.client.close()
        self.emulator.close()


def at(project: Path, when: datetime) -> Store:
    (project / LOCAL_DIR).mkdir(exist_ok=True)
    (project / LOCAL_DIR / ".gitignore").write_text("*\n")
    return Store(project, when)


def apply_at(project: Path, when: datetime) -> None:
    store = at(project, when)
    try:
        plan, _ = plan_project(store.client, project, site_id=LOCAL_SITE_ID)
        assert apply_plan(store.client, plan).exit_code == 0
    finally:
        store.close()


def dashboard_edits(project: Path) -> None:
    """Five days ago, in the store: Dune's and Emma's prices, and two copies of Hamlet sold."""
    store = at(project, DASHBOARD)
    try:
        for slug, price in (("dune", "11.00"), ("emma", "9.00")):
            product = store.client.products.get_by_slug(slug)
            variant = product["variantsInfo"]["variants"][0]
            variant["price"] = {"actualPrice": {"amount": price}}
            store.client.products.update(
                {
                    "id": product["id"],
                    "revision": product["revision"],
                    "options": product.get("options") or [],
                    "variantsInfo": {"variants": [variant]},
                }
            )
        (item,) = [
            i for i in store.client.inventory.query() if i["product"]["variantSku"] == "BK-HAMLET"
        ]
        store.client.inventory.bulk_decrement([Adjustment(2, inventory_item_id=item["id"])])
    finally:
        store.close()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The repository, at the end of the story (see the module docstring)."""
    root = tmp_path_factory.mktemp("drift") / "repo"
    project = write_project(root / "shop", {"store.yaml": STORE, "books.yaml": BOOKS})
    git(root, "init", "-q")
    commit(root, "the catalog", COMMITTED)
    apply_at(project, APPLIED)
    dashboard_edits(project)
    books = project / "books.yaml"
    edit(books, "name: Emma", "name: Emma (Penguin)")  # Emma: both (price in the store)
    edit(books, "name: Ulysses", "name: Ulysses (annotated)")  # not applied
    commit(root, "new titles", EDITED)
    edit(books, 'price: "7.00"', 'price: "7.50"')  # Hamlet's price: not committed yet
    yield project


def documented(doc: str, first: str) -> list[str]:
    """The lines of the fenced block of ``docs/DOC`` whose first line starts with ``first``."""
    blocks: list[list[str]] = []
    inside: list[str] | None = None
    fence = ""  # the opening fence's backticks: a block quoting a block has more of them
    for line in (REPO / "docs" / doc).read_text(encoding="utf-8").splitlines():
        if inside is None:
            if line.startswith("```"):
                inside, fence = [], line[: len(line) - len(line.lstrip("`"))]
        elif line == fence:
            blocks.append(inside)
            inside = None
        else:
            inside.append(line)
    found = [b for b in blocks if b and b[0].startswith(first)]
    assert len(found) == 1, f"docs/{doc}: no single block opens with {first!r}"
    return found[0]


def in_order(excerpt: list[str], output: str) -> None:
    """Each line of ``excerpt`` is a whole line of ``output``, in the same order."""
    lines = output.splitlines()
    at = 0
    for line in excerpt:
        assert line in lines[at:], f"{line!r} is not in the output (in this order):\n{output}"
        at = lines.index(line, at) + 1


def plan_json(project: Path, *args: str, code: int = 0) -> dict[str, Any]:
    ran = run_cli("plan", project, "--explain-drift", "--format", "json", *args)
    assert ran.code == code, ran
    data: dict[str, Any] = json.loads(ran.out)
    return data


def causes(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["address"]: c["drift"] for c in data["changes"]}


def day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def test_each_difference_names_its_cause_and_remedy(shop: Path) -> None:
    # --detailed-exitcode keeps its meaning: 2 for any difference, whatever its cause.
    data = plan_json(shop, "--detailed-exitcode", code=2)
    Draft202012Validator(SCHEMA).validate(data)  # the fields are part of the documented JSON
    assert data["metadata"]["drift"]["history"] == "full"
    found = causes(data)
    head = git(shop.parent, "rev-parse", "HEAD").strip()
    # A dashboard edit after the last YAML commit: the store changed.
    dune = found['variant["dune"]["(default)"]']
    assert dune["cause"] == "store" and dune["remedy"] == ["pull", "apply"]
    assert dune["explanation"] == f"store changed on {day(DASHBOARD)}"
    assert dune["store_updated"].startswith(DASHBOARD.strftime("%Y-%m-%dT%H:%M:%S"))
    # A sale of a `set` count: the store changed, likely a sale; pull takes the count.
    hamlet = found['stock["hamlet"]["(default)"]["Shop floor"]']
    assert hamlet["cause"] == "store" and hamlet["likely_sale"] is True
    assert hamlet["explanation"] == f"store changed on {day(DASHBOARD)}, likely a sale"
    assert hamlet["remedy"] == ["pull"]
    # docs/plan-and-apply.md shows this very object.
    example = json.loads("{" + "\n".join(documented("plan-and-apply.md", '"drift": {')) + "}")
    assert example == {"drift": hamlet}
    # A commit after the store last changed: the YAML changed and was not applied.
    ulysses = found['product["ulysses"]']
    assert ulysses == {
        "cause": "yaml",
        "explanation": f"YAML changed in {head[:7]} on {day(EDITED)} and not applied",
        "remedy": ["apply"],
        "store_updated": ulysses["store_updated"],
        "yaml_commit": head,
        "yaml_committed": EDITED.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "likely_sale": False,
    }
    assert ulysses["store_updated"].startswith(APPLIED.strftime("%Y-%m-%dT%H:%M:%S"))
    # Emma: its price changed in the store, its name in an unapplied commit.
    emma = {k: v for k, v in found.items() if '"emma"' in k}
    assert {d["cause"] for d in emma.values()} == {"store", "yaml"}
    # Hamlet's price edited in the working tree.
    assert found['variant["hamlet"]["(default)"]']["cause"] == "uncommitted"
    assert found['variant["hamlet"]["(default)"]']["explanation"] == "YAML changed, not committed"


def test_one_change_with_lines_on_both_sides_is_both(shop: Path) -> None:
    books = shop / "books.yaml"
    # Emma's name and price on one line of a flow mapping would be one change with one
    # line; a variant change with two lines is the case: price (store) and sku (YAML).
    text = books.read_text()
    try:
        edit(books, "sku: BK-EMMA", "sku: BK-EMMA-2")
        commit(shop.parent, "a new sku for Emma", EDITED + timedelta(hours=1))
        found = causes(plan_json(shop, "--target", 'product["emma"]'))
    finally:
        books.write_text(text)
        git(shop.parent, "reset", "-q", "--hard", "HEAD~1")
        edit(books, 'price: "7.00"', 'price: "7.50"')
    emma = found['variant["emma"]["(default)"]']
    assert emma["cause"] == "both"
    both = f"both: store changed on {day(DASHBOARD)}; YAML changed in"
    assert emma["explanation"].startswith(both)
    assert emma["remedy"] == ["pull", "apply"]


def test_the_text_and_the_markdown_say_it_too(shop: Path, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    ran = run_cli("plan", shop, "--explain-drift", "--out", saved)
    assert ran.code == 0, ran
    # The output docs/plan-and-apply.md shows, all of it but the lines about the read, and
    # the line of it docs/format.md quotes.
    _, elided, *output = documented("plan-and-apply.md", "$ inventory-as-code plan shop")
    assert elided == "..."
    report = ran.out[ran.out.index("Why the store") : ran.out.index("Saved the plan to")]
    assert report == "\n".join(output) + "\n"
    in_order(documented("format.md", '  ~ stock["hamlet"]'), ran.out)
    shown = run_cli("show", saved)  # a saved plan keeps the causes
    assert shown.code == 0, shown
    assert ran.out.split("Why the store")[1].split("\n\n")[0] in shown.out
    hamlet = 'stock["hamlet"]["(default)"]["Shop floor"]'
    assert "Why the store and the YAML differ (drift), with the remedy:" in ran.out
    assert (
        f"  ~ {hamlet}: store changed on {day(DASHBOARD)}, likely a sale "
        f"-> pull --target '{hamlet}'\n" in ran.out
    )
    assert '  ~ product["ulysses"]: YAML changed in ' in ran.out
    assert "-> commit, then apply\n" in ran.out
    markdown = run_cli("plan", shop, "--explain-drift", "--format", "markdown")
    assert markdown.code == 0, markdown
    assert (
        "**Why the store and the YAML differ (drift), with the remedy**: 3 store changed "
        "(1 likely sale), 2 YAML changed and not applied, 1 YAML not committed.\n" in markdown.out
    )
    assert f"\n! {hamlet}: store changed on {day(DASHBOARD)}, likely a sale" in markdown.out
    # docs/ci.md's excerpt of the drift issue.
    in_order(documented("ci.md", "**Why the store"), markdown.out)
    # Without the flag, nothing of it: a pull request's plan is not a drift report.
    plain = run_cli("plan", shop, "--format", "json")
    assert all("drift" not in c for c in json.loads(plain.out)["changes"])


def test_a_shallow_clone_or_no_git_says_unknown(shop: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{shop.parent}", str(shallow))
    shutil.copytree(shop / LOCAL_DIR, shallow / "shop" / LOCAL_DIR)
    shutil.copy(shop / "books.yaml", shallow / "shop" / "books.yaml")  # the uncommitted edit
    found = causes(plan_json(shallow / "shop"))
    # The commit of four days ago is all there is (CI's default checkout): every line
    # may be older than it, so none can be dated against the store's edits before it.
    dune = found['variant["dune"]["(default)"]']
    assert dune["cause"] == "unknown"
    assert "shallow clone" in dune["explanation"] and "fetch-depth: 0" in dune["explanation"]
    assert found['product["ulysses"]']["cause"] == "unknown"
    assert found['variant["hamlet"]["(default)"]']["cause"] == "uncommitted"
    text = run_cli("plan", shallow / "shop", "--explain-drift")
    assert "The git history here is a shallow clone" in text.out

    bare = shutil.copytree(shop, tmp_path / "no-git")
    found = causes(plan_json(bare))
    assert {d["cause"] for d in found.values()} == {"unknown"}
    hamlet = found['stock["hamlet"]["(default)"]["Shop floor"]']
    assert hamlet["explanation"] == (
        "unknown: the project is not in a git repository; likely a sale"
    )
    assert hamlet["likely_sale"] is True
