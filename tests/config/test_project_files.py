"""Which files a project reads, in a real repository: skipped, included, refused, never dropped
without a word."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from inventory_as_code.config import check_project, load_project
from inventory_as_code.config.source import read_document
from inventory_as_code.errors import ConfigError

from .conftest import LOCATIONS

PRODUCT = 'products: {tee: {name: Tee, sku: TEE-1, price: "10.00", stock: {Main warehouse: 3}}}\n'
STORE = LOCATIONS
COMPOSE = "services:\n  web: {image: nginx, ports: ['8080:80']}\nvolumes: {data: {}}\n"
MKDOCS = "site_name: Shop docs\nnav: [index.md]\nmarkdown_extensions: [toc]\n"
WORKFLOW = "name: ci\non: [push]\njobs: {test: {runs-on: ubuntu-latest}}\n"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def git_repo(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "t")
    return root


# --- what a repository root holds ---------------------------------------------------------


def test_a_repository_root_with_other_tools_files_validates(
    project: Callable[..., Path],
) -> None:
    root = project(
        {
            "store.yaml": STORE,
            "products/tees.yaml": PRODUCT,
            "docker-compose.yml": COMPOSE,
            "mkdocs.yml": MKDOCS,
            "ci/pipeline.yaml": WORKFLOW,
            ".github/workflows/ci.yml": WORKFLOW,
            ".gitlab-ci.yml": "stages: [test]\ntest: {script: [pytest]}\n",
            ".pre-commit-config.yaml": "repos: []\n",
            "node_modules/pkg/package.yaml": "name: pkg\n",
            "venv/pyvenv.cfg": "home = /usr/bin\n",
            "venv/lib/site-packages/x/data.yaml": "anything: [\n",
            "tools/env/pyvenv.cfg": "home = /usr/bin\n",
            "tools/env/bad.yml": "{{{\n",
        }
    )
    result = check_project(root)
    assert result.ok, result.problems
    assert result.files == ("products/tees.yaml", "store.yaml")
    skipped = {note.file: note.message for note in result.notes}
    assert set(skipped) == {"ci/pipeline.yaml", "docker-compose.yml", "mkdocs.yml"}
    assert "not an inventory file" in skipped["docker-compose.yml"]
    assert "services" in skipped["docker-compose.yml"]


def test_a_typo_in_a_top_level_key_is_still_an_error_not_a_skip(
    project: Callable[..., Path],
) -> None:
    root = project({"store.yaml": STORE, "products.yaml": PRODUCT.replace("products:", "prodcts:")})
    result = check_project(root)
    assert [p.file for p in result.problems] == ["products.yaml"]
    assert not result.notes


def test_a_file_listed_in_include_is_read_even_if_it_looks_foreign(
    project: Callable[..., Path],
) -> None:
    root = project(
        {
            "inventory-as-code.toml": '[project]\ninclude = ["*.yaml", "docker-compose.yml"]\n',
            "store.yaml": STORE,
            "docker-compose.yml": COMPOSE,
        }
    )
    problems = check_project(root).problems
    assert problems and all(p.file == "docker-compose.yml" for p in problems)
    assert any("services" in p.message for p in problems)


def test_git_ignored_files_are_skipped_and_tracked_ones_read(project: Callable[..., Path]) -> None:
    root = git_repo(
        project(
            {
                "store.yaml": STORE,
                "products.yaml": PRODUCT,
                ".gitignore": "build/\n*.local.yaml\n",
                "build/generated.yaml": "broken: [\n",
                "me.local.yaml": "broken: [\n",
                "kept/forced.local.yaml": "products: {mug: {name: Mug}}\n",
            }
        )
    )
    git(root, "add", "-f", "kept/forced.local.yaml")  # tracked: git does not ignore it
    result = check_project(root)
    assert result.ok, result.problems
    assert result.files == ("kept/forced.local.yaml", "products.yaml", "store.yaml")


def test_a_project_in_a_sub_folder_of_a_repository(project: Callable[..., Path]) -> None:
    repo = git_repo(
        project(
            {
                ".gitignore": "inventory/scratch/\n",
                "inventory/store.yaml": STORE,
                "inventory/scratch/x.yaml": "broken: [\n",
            }
        )
    )
    assert check_project(repo / "inventory").files == ("store.yaml",)


def test_without_git_nothing_is_ignored_and_a_note_says_why(
    project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = git_repo(project({"store.yaml": STORE, ".gitignore": "x.yaml\n", "x.yaml": PRODUCT}))
    monkeypatch.setenv("PATH", "/nonexistent")
    result = check_project(root)
    assert result.files == ("store.yaml", "x.yaml")
    assert any("git could not be asked" in n.message for n in result.notes)


def test_yaml_files_in_any_case_are_read(project: Callable[..., Path]) -> None:
    root = project({"store.YAML": STORE, "products.Yml": PRODUCT})
    assert load_project(root).files == ("products.Yml", "store.YAML")


# --- [project] include / exclude ----------------------------------------------------------


def test_include_and_exclude_choose_the_files(project: Callable[..., Path]) -> None:
    root = project(
        {
            "inventory-as-code.toml": (
                "[project]\n"
                'include = ["inventory/**/*.yaml"]\n'
                'exclude = ["inventory/drafts", "**/*.tmp.yaml"]\n'
            ),
            "inventory/store.yaml": STORE,
            "inventory/products/tees.yaml": PRODUCT,
            "inventory/drafts/new.yaml": "broken: [\n",
            "inventory/products/x.tmp.yaml": "broken: [\n",
            "other.yaml": "broken: [\n",
        }
    )
    result = check_project(root)
    assert result.ok, result.problems
    assert result.files == ("inventory/products/tees.yaml", "inventory/store.yaml")


@pytest.mark.parametrize(
    ("toml", "message", "line"),
    [
        ('[project]\ninclude = ["/etc/*.yaml"]\n', "remove the leading /", 2),
        ('[project]\n\nexclude = ["../shared"]\n', "'..'", 3),
        ('[project]\ninclude = ["products/[ab.yaml"]\n', "no closing ]", 2),
        ('[project]\ninclude = ["prod**/x.yaml"]\n', "whole folder", 2),
        ('[project]\ninclude = "*.yaml"\nexclude = [1]\n', "in quotes", 3),
        ("[project]\ninclud = []\n", 'did you mean "include"', 2),
        ("[project]\nmax_values = -1\n", "above 0", 2),
        ("[project\n", "not valid TOML", 0),
    ],
)
def test_bad_project_settings_are_problems_with_a_line(
    project: Callable[..., Path], toml: str, message: str, line: int
) -> None:
    root = project({"inventory-as-code.toml": toml, "store.yaml": STORE})
    problems = check_project(root).problems
    assert len(problems) == 1, problems
    assert problems[0].file == "inventory-as-code.toml"
    assert message in problems[0].message and problems[0].line == line
    with pytest.raises(ConfigError):
        load_project(root)


def test_a_pattern_that_matches_nothing_and_an_unknown_table_are_warnings(
    project: Callable[..., Path],
) -> None:
    root = project(
        {
            "inventory-as-code.toml": (
                '[projct]\nx = 1\n[project]\ninclude = ["*.yaml", "prodcts"]\n'
            ),
            "store.yaml": STORE,
        }
    )
    result = check_project(root)
    assert result.ok
    assert [(w.line, w.path) for w in result.warnings] == [(1, "projct"), (4, "project.include")]
    assert 'did you mean "project"' in result.warnings[0].message
    assert '"prodcts" matches no YAML file' in result.warnings[1].message


# --- symlinks, unreadable folders, special files ------------------------------------------


def test_symlinks_inside_the_project_are_followed(project: Callable[..., Path]) -> None:
    root = project({"store.yaml": STORE, "shared/tees.yaml": PRODUCT})
    (root / "products").symlink_to(root / "shared")
    (root / "same.yaml").symlink_to(root / "store.yaml")
    result = check_project(root)
    assert result.ok, result.problems
    # shared/tees.yaml is reached twice (directly and through products/): read once.
    assert result.files == ("shared/tees.yaml", "store.yaml")
    assert {n.file for n in result.notes} == {"products/tees.yaml", "same.yaml"}


def test_symlinks_that_leave_the_project_dangle_or_loop_are_problems(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    (root / "inside").mkdir(parents=True)
    (root / "store.yaml").write_text(STORE)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "products.yaml").write_text(PRODUCT)
    (root / "products").symlink_to(outside)
    (root / "secret.yaml").symlink_to(outside / "products.yaml")
    (root / "gone.yaml").symlink_to(root / "missing.yaml")
    (root / "inside" / "loop").symlink_to(root)
    result = check_project(root)
    found = {p.file: p.message for p in result.problems}
    assert set(found) == {"products", "secret.yaml", "gone.yaml", "inside/loop"}
    assert "outside the project folder" in found["products"]
    assert "outside the project folder" in found["secret.yaml"]
    assert "loop" in found["inside/loop"]
    assert result.state is None  # never "OK ... 0 products" with a folder left out


def test_an_unreadable_folder_is_a_problem(
    project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project({"store.yaml": STORE, "products/tees.yaml": PRODUCT})
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if Path(path).name == "products":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    problems = check_project(root).problems
    assert [(p.file, p.message) for p in problems] == [
        ("products", "cannot read the folder: Permission denied.")
    ]


@pytest.mark.timeout(20)
def test_a_fifo_named_yaml_does_not_hang(project: Callable[..., Path]) -> None:
    root = project({"store.yaml": STORE})
    os.mkfifo(root / "products.yaml")
    problems = check_project(root).problems
    assert [p.file for p in problems] == ["products.yaml"]
    assert "not a regular file" in problems[0].message


@pytest.mark.timeout(20)
def test_a_fifo_swapped_in_after_the_walk_does_not_hang(tmp_path: Path) -> None:
    from inventory_as_code.config.problems import ProblemCollector

    os.mkfifo(tmp_path / "late.yaml")
    problems = ProblemCollector()
    done = threading.Event()

    def read() -> None:
        read_document(tmp_path / "late.yaml", "late.yaml", problems)
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(10), "reading a FIFO blocked"
    assert "not a regular file" in problems.sorted()[0].message


# --- limits -------------------------------------------------------------------------------


def test_a_project_over_the_size_limit_is_refused_before_it_is_parsed(
    project: Callable[..., Path],
) -> None:
    root = project({"store.yaml": STORE})
    with (root / "products.yaml").open("wb") as handle:
        handle.truncate(49 * 1024 * 1024)  # sparse: instant, and larger than the 48 MiB limit
    started = time.perf_counter()
    problems = check_project(root).problems
    assert time.perf_counter() - started < 2
    assert len(problems) == 1 and "more than the limit of 48 MiB" in problems[0].message
    assert "max_project_mib" in problems[0].hint


def test_the_limits_can_be_set_in_the_project(project: Callable[..., Path]) -> None:
    many = "products:\n" + "".join(f"  p{i}: {{name: P{i}}}\n" for i in range(200))
    root = project(
        {
            "inventory-as-code.toml": "[project]\nmax_values = 1000\nmax_file_mib = 1\n",
            "a.yaml": many,
            "b.yaml": many.replace("  p", "  q"),
            "0.yaml": "products: {big: {name: " + "x" * (1024 * 1024 + 10) + "}}\n",
        }
    )
    problems = check_project(root).problems
    messages = {(p.file, p.message.split(";")[0]) for p in problems}
    assert ("0.yaml", "the file is larger than 1 MiB, the limit for one file.") in messages
    assert any(
        file == "b.yaml" and "more than 1,000 YAML values" in message for file, message in messages
    )


# --- one broken file among many -----------------------------------------------------------


def test_a_syntax_error_says_that_cross_file_checks_were_skipped(
    project: Callable[..., Path],
) -> None:
    root = project(
        {
            "locations.yaml": "locations:\n  W: {default: true\n",
            "products.yaml": "products:\n  tee: {stock: {Nowhere: 5}}\n",
        }
    )
    result = check_project(root)
    assert [p.file for p in result.problems] == ["locations.yaml"]
    (note,) = result.notes
    assert "cross-file checks" in note.message and "locations.yaml" in note.message


def test_a_missing_folder_is_named_without_a_dot(tmp_path: Path) -> None:
    (problem,) = check_project(tmp_path / "nope").problems
    assert str(problem).startswith(f"the folder {tmp_path / 'nope'} does not exist.")
    assert not (tmp_path / "nope").exists()


# --- look-alike names ---------------------------------------------------------------------


def test_look_alike_warnings_spare_ordinary_accented_names(project: Callable[..., Path]) -> None:
    root = project(
        {
            "store.yaml": (
                "locations:\n"
                "  Kad\u0131k\u00f6y: {default: true}\n"  # Turkish dotless i: Latin, and meant
                "  Café Zürich: {}\n"
                "  Straße 1: {}\n"
                "  Склад Москва: {}\n"  # wholly Cyrillic: what it looks like
            ),
            "products.yaml": (
                "products:\n  tee:\n    name: Tee\n    stock:\n"
                "      {Kad\u0131k\u00f6y: 1, Café Zürich: 1, Straße 1: 1, Склад Москва: 1}\n"
            ),
        }
    )
    result = check_project(root)
    assert result.ok and result.warnings == ()


def test_names_that_differ_only_in_case_space_or_dash_look_alike(
    project: Callable[..., Path],
) -> None:
    root = project(
        {
            "store.yaml": (
                "locations:\n"
                "  Pop-up Berlin: {default: true}\n"
                "  Pop\u2011up\u00a0Berlin: {}\n"  # a non-breaking hyphen and a no-break space
                "  pop-up berlin: {}\n"
            ),
            "products.yaml": (
                "products:\n  tee:\n    name: Tee\n    stock:\n"
                '      {Pop-up Berlin: 1, "Pop\u2011up\u00a0Berlin": 1, pop-up berlin: 1}\n'
            ),
        }
    )
    warnings = check_project(root).warnings
    assert [(w.line, "looks like" in w.message) for w in warnings] == [(3, True), (4, True)]
    assert all('"Pop-up Berlin" (store.yaml:2:3)' in w.message for w in warnings)


def test_asking_git_never_runs_a_program_from_the_repositorys_config(
    project: Callable[..., Path], tmp_path: Path
) -> None:
    root = git_repo(project({"store.yaml": STORE}))
    marker = tmp_path / "ran"
    git(root, "config", "core.fsmonitor", f"touch {marker}; false")
    assert check_project(root).ok
    assert not marker.exists()
