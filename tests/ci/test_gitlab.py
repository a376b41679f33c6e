"""The GitLab pipeline and the pre-commit hook, run against an emulator on a loopback socket."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml

from ._runner import INSTALL_LINE
from ._workflows import GITLAB_FILE, REPO, TOOL, command_lines, run_bash
from .conftest import Runner, rename_product

MARKER = "<!-- inventory-as-code plan -->"


def pipeline() -> dict[str, Any]:
    data = yaml.safe_load(GITLAB_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def rule_ifs(job: dict[str, Any]) -> list[str]:
    return [rule["if"] for rule in job["rules"]]


def test_pipeline_structure() -> None:
    ci = pipeline()
    assert ci["stages"] == ["validate", "plan", "apply"]
    # Not -slim: git is how the tool skips what git ignores and plans only what changed.
    assert ci["default"]["image"] == "python:3.11-bookworm"
    assert ci["default"]["before_script"] == [INSTALL_LINE]

    merge_request = '$CI_PIPELINE_SOURCE == "merge_request_event"'
    from_fork = f"{merge_request} && $CI_PROJECT_ID != $CI_MERGE_REQUEST_PROJECT_ID"
    assert merge_request in rule_ifs(ci["validate"])
    assert ci["plan"]["rules"][0] == {"if": from_fork, "when": "never"}
    assert rule_ifs(ci["plan"]) == [from_fork, merge_request]
    assert rule_ifs(ci["plan-from-fork"]) == [from_fork]
    assert ci["plan"]["needs"] == []  # runs, and notes "no plan", when validate fails
    assert set(ci["plan"]["artifacts"]["paths"]) == {"plan.json", "plan.md"}
    # Only when the inventory changes, as the GitHub recipes.
    changes = ci[".inventory-changes"]
    for job in ("validate", "plan", "plan-from-fork", "apply"):
        assert all(rule.get("changes", changes) == changes for rule in ci[job]["rules"]), job
        assert any(rule.get("changes") == changes for rule in ci[job]["rules"]), job
    assert "**/inventory-as-code.toml" in changes and ".gitlab-ci.yml" in changes

    apply = ci["apply"]
    assert rule_ifs(apply) == [
        '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE != "schedule"'
    ]
    assert apply["resource_group"] == "inventory-as-code-production"
    assert apply["interruptible"] is False
    assert apply["environment"]["name"] == "production"
    assert "report.json" in apply["artifacts"]["paths"]
    assert apply["artifacts"]["when"] == "always"

    assert rule_ifs(ci["drift"]) == ['$CI_PIPELINE_SOURCE == "schedule"']
    assert "--detailed-exitcode --explain-drift" in "\n".join(ci["drift"]["script"])
    assert ci["drift"]["variables"]["GIT_DEPTH"] == "0"  # the causes need the whole history


def test_every_gitlab_command_names_its_site() -> None:
    lines = [
        line
        for job in pipeline().values()
        if isinstance(job, dict)
        for entry in job.get("script", [])
        for line in command_lines(entry)
    ]
    assert len(lines) == 5
    for line in lines:
        if not line.startswith(f"{TOOL} validate"):
            assert "--site production" in line, line


def gitlab_env(runner: Runner) -> dict[str, str]:
    variables = {k: v for k, v in pipeline()["variables"].items() if k == "INVENTORY_DIR"}
    return {
        **runner.base_env,
        **variables,
        "GITLAB_CI": "true",
        "CI_COMMIT_REF_NAME": "main",
        "WIX_PROD_API_KEY": runner.secrets["WIX_PROD_API_KEY"],
        "WIX_PROD_SITE_ID": runner.secrets["WIX_PROD_SITE_ID"],
    }


def run_job(runner: Runner, job: str, *, only_tool_lines: bool = False) -> Any:
    script = pipeline()[job]["script"]
    if only_tool_lines:  # the plan job's note needs GitLab (see test_scripts.py)
        script = [line for entry in script for line in command_lines(entry)]
    return run_bash("\n".join(script), gitlab_env(runner), runner.repo)


def test_merge_request_then_default_branch_then_drift(
    runner: Runner, wix: Callable[..., Any]
) -> None:
    validate = run_job(runner, "validate")
    assert validate.returncode == 0, validate.stdout
    plan = run_job(runner, "plan", only_tool_lines=True)
    assert plan.returncode == 0, plan.stderr
    assert (runner.repo / "plan.md").read_text().startswith(MARKER)
    assert json.loads((runner.repo / "plan.json").read_text())["changes"]

    apply = run_job(runner, "apply")
    assert apply.returncode == 0, apply.stdout + apply.stderr
    assert "Applied." in apply.stdout
    assert json.loads((runner.repo / "report.json").read_text())["exit_code"] == 0

    assert run_job(runner, "drift").returncode == 0
    rename_product(wix(), "fjord-hoodie", "Fjord Hoodie (dashboard)")
    drift = run_job(runner, "drift")
    assert drift.returncode == 2
    assert "ERROR: drift on production" in drift.stdout
    report = (runner.repo / "drift.md").read_text()
    assert "Fjord Hoodie (dashboard)" in report
    assert "Why the store and the YAML differ (drift), with the remedy" in report

    # The default branch re-applies: a fresh plan inside the resource group.
    again = run_job(runner, "apply")
    assert again.returncode == 0, again.stdout + again.stderr
    assert run_job(runner, "drift").returncode == 0

    # A merge request deletes a product under a strict rail: the job posts its note (the
    # note script is stood in for), then fails on exit 4.
    toml = runner.repo / "inventory-as-code.toml"
    strict = toml.read_text().replace(
        "[sites.production.guard_rails]\n", "[sites.production.guard_rails]\nmax_deletes = 0\n"
    )
    assert strict != toml.read_text()
    toml.write_text(strict)
    locations = runner.repo / "locations.yaml"
    locations.write_text(locations.read_text().replace("prune:\n", "prune:\n  products: true\n"))
    (runner.repo / "products" / "hoodies.yaml").unlink()
    script = [entry for entry in pipeline()["plan"]["script"] if "python3 - <<'PY'" not in entry]
    tripped = run_bash("\n".join(script), gitlab_env(runner), runner.repo)
    assert tripped.returncode == 1, tripped.stdout + tripped.stderr
    assert "ERROR: guard rails tripped: apply would refuse this plan" in tripped.stdout
    assert (runner.repo / "plan.md").read_text().startswith(MARKER)  # the note's text was made
    drift = run_job(runner, "drift")
    assert drift.returncode == 4 and "and applying the YAML would trip a guard rail" in drift.stdout


def test_pre_commit_hook_runs_validate(runner: Runner) -> None:
    hook = validate_hook()
    # pre-commit runs `entry` plus the config's args (here none: the current folder).
    env = {k: v for k, v in runner.base_env.items() if not k.startswith("WIX_")}
    ok = run_bash(hook["entry"], env, runner.repo)
    assert ok.returncode == 0 and ok.stdout.splitlines()[-1].startswith("OK:")
    hoodies = runner.repo / "products" / "hoodies.yaml"
    hoodies.write_text(hoodies.read_text().replace("type: physical", "type: solid"))
    broken = run_bash(hook["entry"], env, runner.repo)
    assert broken.returncode == 1
    assert "products/hoodies.yaml:" in broken.stdout


def validate_hook() -> dict[str, str]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook: dict[str, str] = next(h for h in hooks if h["id"] == "inventory-as-code-validate")
    return hook
