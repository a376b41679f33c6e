"""plan.yml on a pull request reads only the products the pull request changes.

The repository is a git checkout as GitHub makes it for a pull request: the
merge commit, whose first parent is the base branch (``fetch-depth: 2``).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from typing import Any

from .conftest import Runner, rename_product
from .test_github_e2e import drift_code, merge_and_apply, pull_request_plan


def git(runner: Runner, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", *args],
        cwd=runner.repo,
        check=True,
        capture_output=True,
    )


def raise_beanie_price(runner: Runner) -> None:
    path = runner.repo / "products" / "accessories.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('price: "24.00"', 'price: "26.00"', 1), encoding="utf-8")


def test_a_pull_request_plans_and_applies_only_what_it_changes(
    runner: Runner, wix: Callable[..., Any]
) -> None:
    runner.context["steps"] = {"find-plan": {"outputs": {"pr-number": "7", "run-id": "42"}}}
    pull_request_plan(runner)
    assert merge_and_apply(runner).returncode == 0  # the store now matches the YAML
    git(runner, "init", "-q")
    (runner.repo / ".gitignore").write_text("*.json\n*.md\nreviewed-plan/\n", encoding="utf-8")
    git(runner, "add", "-A")
    git(runner, "commit", "-qm", "base")
    # Drift in a product the pull request does not touch...
    rename_product(wix(), "tote-bag", "Canvas Tote (dashboard)")
    # ...and the pull request's own change.
    raise_beanie_price(runner)
    git(runner, "commit", "-qam", "beanie costs more")

    plan = runner.step("plan.yml", "plan", "plan", GITHUB_EVENT_NAME="pull_request")
    assert plan.returncode == 0, plan.stderr
    assert "Read: only the selected products (1 product(s) changed since HEAD^1)" in plan.stderr
    markdown = (runner.repo / "plan.md").read_text(encoding="utf-8")
    assert "Plan: 0 to create, 3 to update, 0 to delete" in markdown  # the 3 beanie variants
    assert "drift elsewhere in the store is not shown" in markdown
    assert "merino-beanie" in markdown and "tote-bag" not in markdown

    shutil.copy(runner.repo / "plan.json", runner.repo / "reviewed-plan" / "plan.json")
    applied = merge_and_apply(runner)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    client = wix()
    beanie = client.products.get_by_slug("merino-beanie")
    prices = {v["price"]["actualPrice"]["amount"] for v in beanie["variantsInfo"]["variants"]}
    assert prices == {"26.00"} or prices == {"26"}
    # The drift nobody reviewed is left for the drift check.
    assert client.products.get_by_slug("tote-bag")["name"] == "Canvas Tote (dashboard)"
    assert runner.step("drift.yml", "drift", "drift").returncode == 0  # the drift issue says it
    assert drift_code(runner) == "2"


def test_without_a_base_commit_the_plan_reads_the_whole_store(runner: Runner) -> None:
    # A push, or a checkout without the base commit: a full read, and it says so.
    plan = runner.step("plan.yml", "plan", "plan")
    assert plan.returncode == 0, plan.stderr
    assert "::notice title=inventory-as-code::No base commit" in plan.stdout
    assert "Read: the whole store" in plan.stderr
    assert "Plan: 108 to create" in (runner.repo / "plan.md").read_text(encoding="utf-8")
