"""`plan --changed-since` through the real command: it selects exactly what the loader reads
(issue 18, section 2).

The corner bookshop lives at the root of a git repository, as a shop's own
repository would hold it, next to other tools' files: its books split over a
plain file, a ``.YAML`` file, a file reached through a symlink, and a folder
link to a hidden folder; a ``docker-compose.yml``; a draft excluded in
``inventory-as-code.toml``. It is applied to its embedded local store and
committed; each test then edits the working tree as a pull request would and
plans with ``--changed-since HEAD``. On a7233e5 each of these plans was wrong:
"No changes" for a real change, or a read of the whole store for none.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.cli import BASE_ENV, EXAMPLES, REPO, Ran, assert_no_crash, command, run_cli

BOOKS = (EXAMPLES / "corner-bookshop" / "books.yaml").read_text()


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def product_text(slug: str) -> str:
    """A product's block of books.yaml, with a products: header."""
    start = BOOKS.index(f"  {slug}:\n")
    end = BOOKS.find("\n\n", start)
    return "products:\n" + BOOKS[start : end if end >= 0 else None].rstrip() + "\n"


def without(text: str, *slugs: str) -> str:
    for slug in slugs:
        block = product_text(slug)[len("products:\n") :]
        assert block in text
        text = text.replace(block, "")
    return text


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shop = tmp_path_factory.mktemp("applied") / "shop"
    shutil.copytree(EXAMPLES / "corner-bookshop", shop)
    (shop / "books.yaml").write_text(
        without(BOOKS, "the-left-hand-of-darkness", "the-dispossessed")
    )
    (shop / "merchandise.yaml").rename(shop / "merchandise.YAML")
    (shop / ".classics").mkdir()
    (shop / ".classics" / "left-hand.yaml").write_text(product_text("the-left-hand-of-darkness"))
    os.symlink(".classics", shop / "classics")
    (shop / "vault").mkdir()
    (shop / "vault" / "dispossessed.inventory").write_text(product_text("the-dispossessed"))
    os.symlink("vault/dispossessed.inventory", shop / "dispossessed.yaml")
    (shop / "docker-compose.yml").write_text("services:\n  web: {image: 'nginx:1.27'}\n")
    (shop / "inventory-as-code.toml").write_text('[project]\nexclude = ["drafts"]\n')
    (shop / "drafts").mkdir()
    (shop / "drafts" / "next-season.yaml").write_text("locations:\n  Pop-up: {}\n")
    (shop / ".gitignore").write_text(".inventory-as-code/\n")
    ran = run_cli("apply", shop, "--auto-approve")
    assert ran.code == 0, ran
    assert "(7 item(s))" in ran.err, ran  # every product, wherever it is written
    git(shop, "init", "-q")
    git(shop, "add", "-A")
    git(shop, "commit", "-qm", "the shop as applied")
    return shop


@pytest.fixture
def shop(applied: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "shop"
    shutil.copytree(applied, copy, symlinks=True)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def plan(shop: Path) -> Ran:
    ran = run_cli("plan", shop, "--changed-since", "HEAD", "--detailed-exitcode")
    assert ran.code in (0, 2), ran
    return ran


def read_line(ran: Ran) -> str:
    lines = [line for line in ran.err.splitlines() if line.startswith("Read: ")]
    assert len(lines) == 1, ran
    return lines[0]


def test_an_old_copy_in_node_modules_does_not_hide_the_price_change(shop: Path) -> None:
    # A vendored copy of the old catalog (a package's fixtures, say): the loader skips
    # node_modules; the selection took its old text for the new one.
    (shop / "node_modules" / "shop-fixtures").mkdir(parents=True)
    shutil.copy(shop / "books.yaml", shop / "node_modules" / "shop-fixtures" / "books.yaml")
    edit(shop / "books.yaml", 'price: "2400.00"', 'price: "0.01"')
    ran = plan(shop)
    assert ran.code == 2, ran
    assert 'price: "2400.00" -> "0.01"' in ran.out, ran
    assert read_line(ran) == ("Read: only the selected products (1 product(s) changed since HEAD).")


def test_an_edit_to_a_file_with_an_upper_case_extension(shop: Path) -> None:
    edit(shop / "merchandise.YAML", 'price: "25.00"', 'price: "30.00"')
    ran = plan(shop)
    assert ran.code == 2, ran
    assert 'product["gift-card-25"]' in ran.out and '"25.00" -> "30.00"' in ran.out, ran


def test_an_edit_to_the_target_of_a_yaml_symlink(shop: Path) -> None:
    edit(shop / "vault" / "dispossessed.inventory", "{Shop floor: 0}", "{Shop floor: 6}")
    ran = plan(shop)
    assert ran.code == 2, ran
    assert 'product["the-dispossessed"]  quantity: 0 -> 6 (+6) at Shop floor' in ran.out, ran


def test_an_edit_in_a_hidden_folder_read_through_a_folder_link(shop: Path) -> None:
    edit(shop / ".classics" / "left-hand.yaml", 'price: "14.99"', 'price: "16.99"')
    ran = plan(shop)
    assert ran.code == 2, ran
    assert 'product["the-left-hand-of-darkness"]' in ran.out, ran
    assert '"14.99" -> "16.99"' in ran.out, ran


def test_files_the_loader_does_not_read_select_nothing(shop: Path) -> None:
    # Another tool's YAML and an excluded draft (both with keys that are not products)
    # made every pull request read the whole store.
    edit(shop / "docker-compose.yml", "nginx:1.27", "nginx:1.28")
    edit(shop / "drafts" / "next-season.yaml", "Pop-up: {}", "Pop-up: {}\n  Market stall: {}")
    ran = plan(shop)
    assert ran.code == 0, ran
    assert "No changes." in ran.out, ran
    assert read_line(ran) == ("Read: only the selected products (0 product(s) changed since HEAD).")


def test_a_retargeted_folder_link_is_a_change_of_what_it_read(shop: Path) -> None:
    # The link now leads to a folder without the book: the book leaves the YAML
    # (unmanaged, not deleted: no prune), and the plan reads it, not the whole store.
    (shop / ".archive").mkdir()
    os.unlink(shop / "classics")
    os.symlink(".archive", shop / "classics")
    (shop / ".archive" / "left-hand.yaml").write_text(
        product_text("the-left-hand-of-darkness").replace('"14.99"', '"11.99"')
    )
    ran = plan(shop)
    assert ran.code == 2, ran
    assert '"14.99" -> "11.99"' in ran.out, ran
    assert read_line(ran) == ("Read: only the selected products (1 product(s) changed since HEAD).")


def test_a_link_to_a_huge_file_is_not_read_whole(shop: Path) -> None:
    # A pull request commits a link to a 3 GB file: the loader refuses it unread (it is
    # over the size limit); the selection used to read it whole, and crashed.
    (shop / "backups").mkdir()
    with (shop / "backups" / "catalog.img").open("wb") as image:
        image.truncate(3 * 2**30)  # sparse: no disk space
    os.symlink("backups/catalog.img", shop / "restore.yaml")
    git(shop, "add", "restore.yaml")
    git(shop, "commit", "-qm", "restore the catalog")
    limit = 2**30  # address space: the old read of 3 GB fails, the tool itself needs ~300 MB

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    args = ("plan", str(shop), "--changed-since", "HEAD~1")
    done = subprocess.run(
        [command(), *args],
        env={k: v for k, v in {**os.environ, **BASE_ENV, "PYTHONPATH": str(REPO)}.items() if v},
        preexec_fn=cap,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    ran = Ran(args, done.returncode, done.stdout, done.stderr)
    assert_no_crash(ran)
    assert ran.code == 1, ran
    assert "the project's YAML files hold 3072.0 MiB, more than the limit of 48 MiB" in ran.err, ran
