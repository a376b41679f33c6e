"""plan.yml and apply.yml run whole, job by job, as GitHub runs them (see _runner.py).

The repository is a git checkout as GitHub makes it for a pull request: the
merge commit, whose first parent is the base branch. Which pull requests are
planned, what a fork or Dependabot sees, and the path from the plan comment
to the applied store are all decided by the workflows' own YAML here: job and
step ``if:``, outputs between jobs, and artifacts between runs.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ._expressions import condition
from ._runner import JobRun, JobRunner, Scenario
from ._workflows import REPO, load_workflow, triggers
from .conftest import Runner

MARKER = "<!-- inventory-as-code plan -->"
REPOSITORY = "nordlicht/inventory"
APP_FILE = "app/main.py"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def merge_commit(runner: Runner, *, base: list[str], change: Callable[[Path], None]) -> None:
    """HEAD is a merge commit whose first parent (the base branch) holds ``base`` only."""
    repo = runner.repo
    (repo / APP_FILE).parent.mkdir(exist_ok=True)
    (repo / APP_FILE).write_text("print('shop')\n", encoding="utf-8")
    (repo / ".gitignore").write_text(".inventory-as-code/\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".gitignore", APP_FILE, *base)
    git(repo, "commit", "-qm", "base")
    change(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "merge")


def add_everything(repo: Path) -> None:
    pass  # the working tree already holds the whole inventory


def edit_app(repo: Path) -> None:
    (repo / APP_FILE).write_text("print('shop, faster')\n", encoding="utf-8")


def pull_request(head_repo: str | None = REPOSITORY) -> dict[str, Any]:
    head: dict[str, Any] = {
        "sha": "head-sha",
        "repo": {"full_name": head_repo} if head_repo else None,
    }
    return {"pull_request": {"number": 7, "head": head}}


def pushed_paths_match_apply(repo: Path) -> bool:
    """Whether apply.yml's `paths:` let the push of HEAD (from HEAD^1) start it."""
    paths = triggers(load_workflow("apply.yml"))["push"]["paths"]
    changed = git(
        repo, "diff", "--name-only", "HEAD^1", "HEAD", "--", *(f":(glob){p}" for p in paths)
    )
    return bool(changed.strip())


def plan_pull_request(
    runner: Runner, artifacts: Path, scenario: Scenario
) -> tuple[JobRun, JobRun, JobRunner]:
    jobs = JobRunner(runner, artifacts, scenario)
    changes = jobs.run("plan.yml", "changes")
    assert changes.result == "success", changes.log
    scenario.needs = {"changes": {"result": changes.result, "outputs": changes.outputs}}
    return changes, jobs.run("plan.yml", "plan"), jobs


COMMENTS = {"listComments": [], "createComment": {"id": 99}, "updateComment": {}}
MERGED = {
    "number": 7,
    "merged_at": "2026-12-01T00:00:00Z",
    "merge_commit_sha": "merge-sha",
    "head": {"sha": "head-sha"},
}


def apply_after_merge(runner: Runner, artifacts: Path, *, artifact: bool) -> Any:
    run = {
        "id": 42,
        "created_at": "2026-12-01T00:00:00Z",
        "status": "completed",
        "conclusion": "success",
        "html_url": "https://github.com/runs/42",
    }
    api = {
        "listPulls": [MERGED],
        "listWorkflowRuns": [run],
        "listArtifacts": {
            "artifacts": [{"name": "plan-production", "expired": False}] if artifact else []
        },
    }
    scenario = Scenario("push", {"after": "merge-sha"}, run_id="50", api=api)
    return JobRunner(runner, artifacts, scenario).run("apply.yml", "apply")


@pytest.fixture
def bookshop(runner: Runner) -> Runner:
    """The runner's repository holding the smaller example store (24 objects to create)."""
    for path in runner.repo.iterdir():
        if path.name != "inventory-as-code.toml":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copytree(REPO / "examples" / "corner-bookshop", runner.repo, dirs_exist_ok=True)
    # The emulator needs no pacing; Wix's rate limit is tested elsewhere.
    toml = runner.repo / "inventory-as-code.toml"
    fast = toml.read_text().replace("requests_per_minute = 150", "requests_per_minute = 60000")
    assert fast != toml.read_text()
    toml.write_text(fast)
    return runner


def test_an_inventory_pull_request_is_planned_commented_and_applied_after_the_merge(
    bookshop: Runner, tmp_path: Path, wix: Callable[..., Any]
) -> None:
    runner = bookshop
    merge_commit(runner, base=["inventory-as-code.toml"], change=add_everything)
    artifacts = tmp_path / "artifacts"
    scenario = Scenario("pull_request", pull_request(), api=COMMENTS)
    changes, plan, jobs = plan_pull_request(runner, artifacts, scenario)
    assert changes.outputs == {"plan": "true"}
    assert "books.yaml" in changes.step("decide").stdout

    assert plan.result == "success", plan.log
    outcomes = {s.id: s.outcome for s in plan.steps if s.id}
    assert outcomes == {
        "install": "success",
        "validate": "success",
        "plan": "success",
        "comment": "success",
        "rails": "skipped",  # no rail tripped
    }
    (posted,) = [c for c in jobs.calls if c["name"] == "createComment"]
    assert posted["params"]["body"].startswith(MARKER)
    assert "Plan: 24 to create" in posted["params"]["body"]
    saved = artifacts / "42" / "plan-production"
    assert sorted(p.name for p in saved.iterdir()) == ["plan.json", "plan.md"]

    assert pushed_paths_match_apply(runner.repo)
    applied = apply_after_merge(runner, artifacts, artifact=True)
    assert applied.result == "success", applied.log
    assert applied.step("find-plan").outputs == {"run-id": "42", "pr-number": "7"}
    assert "Applied the reviewed plan of pull request #7 to production." in runner.summary
    assert applied.step("residual").outcome == "success"
    assert "::warning" not in applied.step("residual").stdout
    slugs = {p["slug"] for p in wix().products.query()}
    assert {"a-wizard-of-earthsea", "the-dispossessed", "signed-first-edition-dune"} <= slugs


def test_a_pull_request_that_changes_only_the_app_is_not_planned(
    runner: Runner, tmp_path: Path
) -> None:
    merge_commit(runner, base=["."], change=edit_app)
    scenario = Scenario("pull_request", pull_request())
    changes, plan, _ = plan_pull_request(runner, tmp_path / "artifacts", scenario)
    assert changes.outputs == {"plan": "false"}
    assert "nothing to plan" in runner.summary
    # Skipped by its `if:`: a required check "plan (production)" counts it as passed.
    assert plan.result == "skipped"
    assert not pushed_paths_match_apply(runner.repo)  # and its merge starts no apply


@pytest.mark.parametrize(
    ("head_repo", "actor", "secrets", "reason"),
    [
        ("someone/inventory", "someone", True, "it comes from the fork someone/inventory"),
        (None, "someone", True, "it comes from the fork (deleted)"),
        (REPOSITORY, "dependabot[bot]", False, "Dependabot opened it"),
    ],
)
def test_a_pull_request_without_secrets_gets_a_skipped_plan_and_says_why(
    runner: Runner,
    tmp_path: Path,
    wix: Callable[..., Any],
    head_repo: str | None,
    actor: str,
    secrets: bool,
    reason: str,
) -> None:
    if not secrets:
        runner.secrets.update(WIX_PROD_API_KEY="", WIX_PROD_SITE_ID="")
    merge_commit(runner, base=["inventory-as-code.toml"], change=add_everything)
    artifacts = tmp_path / "artifacts"
    scenario = Scenario("pull_request", pull_request(head_repo), actor=actor)
    changes, plan, _ = plan_pull_request(runner, artifacts, scenario)

    assert changes.result == "success"  # not a red run...
    assert changes.outputs == {"plan": "false"}
    notice = changes.step("decide").stdout
    assert (
        "::notice title=Not planned: no secrets::This pull request changes the inventory" in notice
    )
    assert reason in notice
    assert "### inventory-as-code: not planned" in runner.summary and reason in runner.summary
    assert plan.result == "skipped"  # ...but a skipped check, with the reason above

    # Merged anyway: apply finds no plan and applies nothing, saying why.
    applied = apply_after_merge(runner, artifacts, artifact=False)
    assert applied.result == "failure"
    assert "was not planned (it came from a fork" in applied.step("find-plan").stdout
    assert applied.step("apply").outcome == "skipped"
    assert list(wix().products.query()) == []


def test_dependabot_with_its_own_secrets_is_planned(runner: Runner, tmp_path: Path) -> None:
    merge_commit(runner, base=["inventory-as-code.toml"], change=add_everything)
    scenario = Scenario("pull_request", pull_request(), actor="dependabot[bot]")
    jobs = JobRunner(runner, tmp_path / "artifacts", scenario)
    assert jobs.run("plan.yml", "changes").outputs == {"plan": "true"}


def test_without_a_base_commit_the_pull_request_is_planned(runner: Runner, tmp_path: Path) -> None:
    git(runner.repo, "init", "-q")
    git(runner.repo, "add", "-A")
    git(runner.repo, "commit", "-qm", "only commit")  # no HEAD^1
    jobs = JobRunner(runner, tmp_path / "artifacts", Scenario("pull_request", pull_request()))
    changes = jobs.run("plan.yml", "changes")
    assert changes.outputs == {"plan": "true"}
    assert "No base commit to compare with" in changes.step("decide").stdout


@pytest.mark.parametrize(
    ("result", "plan", "runs"),
    [
        ("success", "true", True),
        ("success", "false", False),
        ("failure", None, True),  # a broken gate never lets a change through unplanned
        ("cancelled", None, True),
    ],
)
def test_the_plan_job_runs_unless_the_gate_said_no(
    result: str, plan: str | None, runs: bool
) -> None:
    job = load_workflow("plan.yml")["jobs"]["plan"]
    outputs = {} if plan is None else {"plan": plan}
    context = {"needs": {"changes": {"result": result, "outputs": outputs}}}
    functions = {"cancelled": lambda: False, "success": lambda: result == "success"}
    assert condition(job["if"], context, functions) is runs


def test_the_gate_and_apply_read_the_same_paths() -> None:
    plan = load_workflow("plan.yml")
    patterns = [line for line in plan["env"]["INVENTORY_PATHS"].splitlines() if line.strip()]
    assert patterns == triggers(load_workflow("apply.yml"))["push"]["paths"]
    assert "pull_request" in triggers(plan) and "paths" not in (
        triggers(plan)["pull_request"] or {}
    )
