"""``plan --changed-since REF``: the products the change touches, and nothing else is read.

A git repository holds the project; each test commits it, edits the working
tree the way a pull request would, and plans with ``changed_since="HEAD"``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from inventory_as_code.emulator import Emulator
from inventory_as_code.selection import SelectionError, changed_since
from inventory_as_code.workflow import plan_project
from tests.live.test_targeted import LOCATIONS, seed_product, yaml_product
from tests.plan.helpers import SITE, client_for

COUNT = 40


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shop = root / "shop"
    (shop / "catalog").mkdir(parents=True)
    (shop / "locations.yaml").write_text(LOCATIONS)
    for part in range(2):
        products = "".join(yaml_product(n) for n in range(part, COUNT, 2))
        (shop / "catalog" / f"part-{part}.yaml").write_text("products:\n" + products)
    (root / "README.md").write_text("inventory\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "start")
    return shop


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(id_seed=23)
    emu.seed(
        {"locations": [{"name": "Outlet"}], "products": [seed_product(n) for n in range(COUNT)]},
        site_id=SITE,
    )
    yield emu
    emu.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_one_changed_product_is_all_that_is_read_and_planned(
    repo: Path, emulator: Emulator
) -> None:
    edit(
        repo / "catalog" / "part-1.yaml",
        'price: "10.00"\n    options',
        'price: "11.00"\n    options',
    )
    (repo.parent / "README.md").write_text("changed, not YAML\n")
    assert changed_since(repo, "HEAD").slugs == {"tee-001"}
    before = emulator.counts()
    plan, live = plan_project(client_for(emulator), repo, site_id=SITE, changed_since="HEAD")
    made = {k: v - before.get(k, 0) for k, v in emulator.counts().items() if v - before.get(k, 0)}
    # + 1 page of the site's options (customizations).
    assert sum(made.values()) == 7, made
    assert {c.address for c in plan.changes} == {
        'variant["tee-001"]["S"]',
        'variant["tee-001"]["M"]',
        'variant["tee-001"]["L"]',
    }
    assert plan.metadata["read"]["mode"] == "targeted"
    assert [n.code for n in plan.notes if n.code == "CHANGED_SINCE"] == ["CHANGED_SINCE"]
    assert list(live.products) == ["tee-001"]


def test_nothing_changed_reads_nothing(repo: Path, emulator: Emulator) -> None:
    before = emulator.counts()
    plan, _ = plan_project(client_for(emulator), repo, site_id=SITE, changed_since="HEAD")
    made = {k: v - before.get(k, 0) for k, v in emulator.counts().items() if v - before.get(k, 0)}
    assert made == {"catalog.get-version": 1}
    assert plan.empty
    assert any("Nothing to plan" in n.message for n in plan.notes)


def test_store_wide_settings_changed_plan_everything(repo: Path, emulator: Emulator) -> None:
    edit(repo / "locations.yaml", "stock: {policy: set}", "stock: {policy: at_least}")
    selection = changed_since(repo, "HEAD")
    assert selection.whole and "locations" in selection.why
    plan, live = plan_project(client_for(emulator), repo, site_id=SITE, changed_since="HEAD")
    assert plan.metadata["read"]["mode"] == "full"
    assert len(live.products) == COUNT
    assert any("Planned the whole store" in n.message for n in plan.notes)


def test_new_moved_deleted_and_anchored_products(repo: Path) -> None:
    # A new file (not yet committed), a product moved between files unchanged, a
    # product deleted, and a file whose products share an anchor.
    (repo / "catalog" / "new.yaml").write_text("products:\n" + yaml_product(99))
    part0 = repo / "catalog" / "part-0.yaml"
    part1 = repo / "catalog" / "part-1.yaml"
    moving = yaml_product(2)
    edit(part0, moving, "")
    part1.write_text(part1.read_text() + moving)
    edit(part0, yaml_product(4), "")
    assert changed_since(repo, "HEAD").slugs == {"tee-099", "tee-004"}
    anchored = 'products:\n  a: &base\n    name: A\n    price: "1.00"\n  b: *base\n'
    (repo / "catalog" / "anchors.yaml").write_text(anchored)
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "more")
    edit(repo / "catalog" / "anchors.yaml", '"1.00"', '"2.00"')
    assert changed_since(repo, "HEAD").slugs == {"a", "b"}


def test_hidden_files_and_unknown_refs(repo: Path) -> None:
    hidden = repo / ".inventory-as-code"
    hidden.mkdir()
    (hidden / "x.yaml").write_text("products: {ghost: {}}\n")
    assert changed_since(repo, "HEAD").nothing
    with pytest.raises(SelectionError, match="no-such-branch: not a commit in"):
        changed_since(repo, "no-such-branch")
    with pytest.raises(SelectionError, match="not a commit"):
        changed_since(repo, "--output=x")


def test_a_product_gone_from_the_yaml_and_the_store_is_not_a_typo(
    repo: Path, emulator: Emulator
) -> None:
    edit(repo / "catalog" / "part-0.yaml", yaml_product(6), "")
    emulator.seed({}, site_id=SITE)
    client = client_for(emulator)
    live_tee = client.products.get_by_slug("tee-006")
    client.products.delete(live_tee["id"])
    plan, _ = plan_project(client, repo, site_id=SITE, changed_since="HEAD")
    assert plan.empty


def test_a_changed_project_file_plans_everything(repo: Path) -> None:
    # [project] exclude decides which YAML is read: a new exclusion (under prune,
    # deletions) changes no YAML file, so only the project file tells.
    (repo / "inventory-as-code.toml").write_text('[project]\nexclude = ["catalog/part-1.yaml"]\n')
    selection = changed_since(repo, "HEAD")
    assert selection.whole and "inventory-as-code.toml" in selection.why
    git(repo.parent, "add", ".")
    git(repo.parent, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "toml")
    assert changed_since(repo, "HEAD").nothing
    edit(repo / "inventory-as-code.toml", "part-1", "part-0")
    assert changed_since(repo, "HEAD").whole
