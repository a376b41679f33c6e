"""The loader's walk over a git commit finds what it finds in a checkout of that commit.

``--changed-since`` lists the files REF's project was read as by running the
loader's own walk over :class:`CommitTree`; here a tree full of the walk's
hard cases is committed, and the walk over the commit must give the same
files (path, real path, listed), problems and notes as the walk over the disk.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from inventory_as_code.config.files import select_files
from inventory_as_code.config.patterns import compile_pattern
from inventory_as_code.config.problems import ProblemCollector
from inventory_as_code.config.projectfile import ProjectSettings
from inventory_as_code.selection.gittree import CommitTree, Objects

PRODUCTS = "products: {}\n"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def walk(
    project: Path, settings: ProjectSettings, tree: CommitTree | None = None
) -> tuple[list[tuple[str, str, bool]], list[str], list[str]]:
    problems, notes = ProblemCollector(), ProblemCollector(one_per_position=False)
    if tree is None:
        files = select_files(project, settings, problems, notes, ignored=frozenset())
    else:
        files = select_files(project, settings, problems, notes, tree=tree, ignored=frozenset())
    return (
        [(f.rel, f.real, f.listed) for f in files],
        [f"{p.file}: {p.message}" for p in problems.sorted()],
        [f"{n.file}: {n.message}" for n in notes.sorted()],
    )


@pytest.mark.parametrize(
    "settings",
    [
        ProjectSettings(),
        ProjectSettings(
            include=(compile_pattern("**/*.yaml"), compile_pattern("linked")),
            exclude=(compile_pattern("sub/skip*"),),
        ),
    ],
    ids=["default", "include-exclude"],
)
def test_the_walk_over_a_commit_equals_the_walk_over_its_checkout(
    tmp_path: Path, settings: ProjectSettings
) -> None:
    root = Path(os.path.realpath(tmp_path)) / "repo"
    shop = root / "shop"
    for name in (
        "a.yaml",
        "b.YAML",
        "c.Yml",
        "sub/d.yaml",
        "sub/skip-me.yaml",
        ".hidden/h.yaml",
        "node_modules/x/n.yaml",
        "venv/lib/v.yaml",
        "vault/t.txt",
        "deep/er/still/e.yaml",
    ):
        (shop / name).parent.mkdir(parents=True, exist_ok=True)
        (shop / name).write_text(PRODUCTS)
    (shop / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (root / "other").mkdir()
    (root / "other" / "o.yaml").write_text(PRODUCTS)
    links = {
        "shop/linked": ".hidden",  # a folder link to a hidden folder: read through it
        "shop/again": "sub",  # a folder read twice: once, with notes
        "shop/l.yaml": "vault/t.txt",  # a file read only through its link
        "shop/dup.yaml": "a.yaml",  # a file read anyway: a note
        "shop/out.yaml": "../other/o.yaml",  # leaves the project: a problem
        "shop/outdir": "../other",  # a folder outside the project: a problem
        "shop/back.yaml": "../shop/sub/d.yaml",  # leaves and comes back: followed
        "other/into": "../shop/deep",  # outside, leading back in
        "shop/via": "../other/into/er",  # ...and a link through it: inside
        "shop/gone.yaml": "missing.yaml",  # dangles, named .yaml: a problem
        "shop/gone": "missing",  # dangles: a note
        "shop/loop.yaml": "loop.yaml",  # a loop: a problem
        "shop/sub/up": "..",  # a folder containing itself: a problem
        "shop/abs.yaml": str(shop / "c.Yml"),  # an absolute link inside the project
    }
    for name, target in links.items():
        os.symlink(target, root / name)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "tree")
    commit = git(root, "rev-parse", "HEAD")
    on_disk = walk(shop, settings)
    assert on_disk[0] and on_disk[1] and on_disk[2]  # the cases are all there
    with Objects(root) as objects:
        in_commit = walk(shop, settings, CommitTree(str(root), commit, "shop", objects))
    assert in_commit == on_disk
