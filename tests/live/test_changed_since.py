"""``plan --changed-since REF``: the products the change touches, and nothing else is read.

A git repository holds the project; each test commits it, edits the working
tree the way a pull request would, and plans with ``changed_since="HEAD"``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def test_a_file_the_project_file_leaves_out_is_a_change_of_its_products(repo: Path) -> None:
    # [project] exclude decides which YAML is read: a new exclusion changes no YAML
    # file, but every product of the excluded file leaves the YAML (under prune, deletions).
    (repo / "inventory-as-code.toml").write_text('[project]\nexclude = ["catalog/part-1.yaml"]\n')
    part_1 = {f"tee-{n:03d}" for n in range(1, COUNT, 2)}
    assert changed_since(repo, "HEAD").slugs == part_1
    git(repo.parent, "add", ".")
    git(repo.parent, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "toml")
    assert changed_since(repo, "HEAD").nothing
    edit(repo / "inventory-as-code.toml", "part-1", "part-0")
    assert changed_since(repo, "HEAD").slugs == {f"tee-{n:03d}" for n in range(COUNT)}
    # Settings that choose no file (a site, a guard rail) change no product.
    git(repo.parent, "checkout", "-q", "--", ".")
    (repo / "inventory-as-code.toml").write_text(
        '[project]\nexclude = ["catalog/part-1.yaml"]\n\n[guard_rails]\nmax_delete_share = 0.5\n'
    )
    assert changed_since(repo, "HEAD").nothing


# --- git: what it may run, how often it runs -----------------------------------------------


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", message)


def test_a_hostile_git_config_runs_no_program(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A downloaded folder brings its .git/config: each setting below names a program
    # that some git command would start (git diff ran the fsmonitor hook and the clean
    # filter). The environment of a git hook points git elsewhere, and config can come
    # from the environment too.
    marker = tmp_path / "ran"
    program = f"touch {marker}.$$; false"
    root = repo.parent
    (root / ".gitattributes").write_text("*.yaml filter=evil diff=evil\n")
    commit_all(root, "attributes")
    for key, value in (
        ("core.fsmonitor", program),
        ("filter.evil.clean", program),
        ("filter.evil.smudge", program),
        ("filter.evil.process", program),
        ("diff.evil.textconv", program),
        ("diff.evil.command", program),
        ("diff.external", program),
        ("core.pager", program),
        ("core.hooksPath", str(tmp_path / "hooks")),
    ):
        git(root, "config", key, value)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("post-index-change", "reference-transaction", "post-checkout"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {marker}.hook\n")
        (hooks / hook).chmod(0o755)
    part = repo / "catalog" / "part-1.yaml"
    edit(part, 'price: "10.00"\n    options', 'price: "11.00"\n    options')
    os.utime(part, (0, 0))  # a stale index entry: git would hash the file (through the filter)
    assert changed_since(repo, "HEAD").slugs == {"tee-001"}
    assert not list(tmp_path.glob("ran*")), "a program from the repository's git config ran"


def test_the_git_variables_of_a_hook_or_a_shell_are_not_obeyed(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pre-commit hook exports GIT_DIR (here: another repository); configuration and
    # programs can come from the environment too.
    marker = tmp_path / "ran"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    git(elsewhere, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(elsewhere / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(elsewhere / ".git" / "index"))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.fsmonitor")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", f"touch {marker}; false")
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", f"touch {marker}; false")
    edit(repo / "catalog" / "part-0.yaml", '"10.00"', '"9.00"')
    assert changed_since(repo, "HEAD").slugs == {"tee-000"}
    assert not marker.exists()


def test_old_versions_are_read_by_one_git_process(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for part in range(2):
        path = repo / "catalog" / f"part-{part}.yaml"
        path.write_text(path.read_text().replace('"10.00"', '"12.00"'))
    for n in range(30):  # thirty more changed files
        (repo / "catalog" / f"single-{n}.yaml").write_text("products:\n" + yaml_product(100 + n))
    commit_all(repo.parent, "thirty files")
    for n in range(30):
        edit(repo / "catalog" / f"single-{n}.yaml", '"10.00"', '"11.00"')
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    class Counting(real_popen):  # type: ignore[misc,valid-type]
        def __init__(self, args: Any, *rest: Any, **options: Any) -> None:
            started.append(list(args))
            super().__init__(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", Counting)
    selection = changed_since(repo, "HEAD~1")
    assert selection.slugs == {f"tee-{n:03d}" for n in [*range(COUNT), *range(100, 130)]}
    assert len(started) <= 6, [c[-3:] for c in started]
    assert sum("cat-file" in command for command in started) == 1


def test_what_a_commit_could_not_have_been_read_as_plans_everything(repo: Path) -> None:
    # A submodule holds no files in the commit; a file over the limit was refused there.
    root = repo.parent
    head = git(root, "rev-parse", "HEAD").strip()
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},shop/vendor")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "submodule")
    git(root, "rm", "-q", "--cached", "shop/vendor")
    commit_all(root, "no submodule")
    selection = changed_since(repo, "HEAD~1")
    assert selection.whole and "at HEAD~1 the project could not be read" in selection.why
    assert "vendor" in selection.why and "submodule" in selection.why

    (repo / "inventory-as-code.toml").write_text("[project]\nmax_file_mib = 1\n")
    (repo / "catalog" / "big.yaml").write_text("products:\n" + "# padding\n" * 120_000)
    commit_all(root, "a big file")
    (repo / "catalog" / "big.yaml").unlink()
    selection = changed_since(repo, "HEAD")
    assert selection.whole and "catalog/big.yaml was larger than 1 MiB" in selection.why
