"""The CI recipes and the pre-commit hook in a real repository root.

A repository that keeps its inventory at the root also holds other tools'
YAML (docker-compose, mkdocs, CI files), a virtualenv, node_modules and
git-ignored build output. The workflows' own steps and the hook must plan
exactly what the inventory says, as in a clean folder.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from ._workflows import REPO, run_bash
from .conftest import Runner
from .test_github_e2e import MARKER
from .test_gitlab import run_job

CLUTTER = {
    "docker-compose.yml": "services:\n  shop: {image: 'nginx:1.27', ports: ['8080:80']}\n",
    "mkdocs.yml": "site_name: Shop docs\nnav: [index.md]\ntheme: {name: material}\n",
    ".github/workflows/tests.yml": "name: tests\non: [push]\njobs: {t: {runs-on: x}}\n",
    ".gitlab-ci.yml": "stages: [test]\ntest: {script: [make]}\n",
    ".pre-commit-config.yaml": "repos: []\n",
    "docs/config.yaml": "theme: dark\n",
    "venv/pyvenv.cfg": "home = /usr/bin\n",
    "venv/lib/python3.11/site-packages/pkg/data.yaml": "not: [inventory\n",
    "node_modules/some-pkg/config.yml": "{{{ broken\n",
    "build/generated.yaml": "products: {ghost: {name: 'From a build'}}\n",
    ".gitignore": "build/\n.inventory-as-code/\n",
}


@pytest.fixture
def cluttered(runner: Runner) -> Runner:
    for name, text in CLUTTER.items():
        path = runner.repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=runner.repo, check=True, capture_output=True)
    return runner


def test_the_plan_workflow_works_in_a_repository_root(cluttered: Runner) -> None:
    validate = cluttered.step("plan.yml", "plan", "validate")
    assert validate.returncode == 0, validate.stdout
    lines = validate.stdout.splitlines()
    assert lines[-1].startswith("OK: 4 files, 3 locations, 5 products")
    assert not [line for line in lines if line.startswith("::error")]
    notices = [line for line in lines if line.startswith("::notice")]
    assert {re.search(r"file=([^,]+)", n).group(1) for n in notices} == {  # type: ignore[union-attr]
        "docker-compose.yml",
        "docs/config.yaml",
        "mkdocs.yml",
    }
    plan = cluttered.step("plan.yml", "plan", "plan")
    assert plan.returncode == 0, plan.stderr
    markdown = (cluttered.repo / "plan.md").read_text(encoding="utf-8")
    assert markdown.startswith(MARKER)
    assert "Plan: 108 to create" in markdown and "ghost" not in markdown


def test_the_gitlab_jobs_work_in_a_repository_root(cluttered: Runner) -> None:
    validate = run_job(cluttered, "validate")
    assert validate.returncode == 0, validate.stdout
    plan = run_job(cluttered, "plan", only_tool_lines=True)
    assert plan.returncode == 0, plan.stderr
    assert "ghost" not in (cluttered.repo / "plan.md").read_text()


def test_the_pre_commit_hook_works_in_a_repository_root(cluttered: Runner) -> None:
    hook = validate_hook()
    env = {k: v for k, v in cluttered.base_env.items() if not k.startswith("WIX_")}
    result = run_bash(hook["entry"], env, cluttered.repo)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("OK: 4 files")


def test_the_fmt_hook_formats_the_inventory_and_nothing_else_in_a_repository_root(
    cluttered: Runner,
) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "inventory-as-code-fmt")
    env = {k: v for k, v in cluttered.base_env.items() if not k.startswith("WIX_")}
    compose = "services:\n    shop:   \n        image: nginx\n"
    (cluttered.repo / "docker-compose.yml").write_text(compose)
    store = next(cluttered.repo.glob("locations.y*ml"))
    indented = store.read_text().replace("\n  ", "\n    ")
    store.write_text(indented)
    result = run_bash(hook["entry"], env, cluttered.repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{store.name}\n"
    assert store.read_text() == indented.replace("\n    ", "\n  ")
    assert (cluttered.repo / "docker-compose.yml").read_text() == compose


def test_the_hook_runs_for_every_file_that_can_change_the_project() -> None:
    hook = validate_hook()
    files = re.compile(hook["files"])  # pre-commit matches with re.search
    for name in ("store.yaml", "products/tees.yml", "products/Tees.YAML", "inventory-as-code.toml"):
        assert files.search(name), name
    for name in ("README.md", "setup.cfg", "notes.yaml.txt"):
        assert not files.search(name), name
    assert hook["pass_filenames"] is False


def test_the_ci_examples_say_how_to_choose_the_files() -> None:
    docs = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "[project]" in docs and "include" in docs
    assert Path(REPO / "examples" / "ci" / "inventory-as-code.toml").read_text().count("[project]")


def validate_hook() -> dict[str, str]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook: dict[str, str] = next(h for h in hooks if h["id"] == "inventory-as-code-validate")
    return hook
