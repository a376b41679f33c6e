"""The structure of the example CI files: triggers, permissions, queues, secrets."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from inventory_as_code.site import load_guard_rails, load_sites

from ._runner import INSTALL_LINE
from ._workflows import (
    CI_DIR,
    GITHUB_DIR,
    GITLAB_FILE,
    GITLAB_FLEET_FILE,
    REPO,
    TOML_FILE,
    TOOL,
    WORKFLOWS,
    command_lines,
    find_step,
    load_workflow,
    logical_lines,
    steps,
    triggers,
)
from ._workflows import load_sites as toml_sites
from .test_github_e2e import EXECUTED_STEPS

SECRET_REF = re.compile(r"secrets(\.[A-Za-z_]\w*|\[[^\]]+\])")
CREDENTIAL_VARS = {"SITE_API_KEY", "SITE_ID_VALUE", "ALL_SECRETS", "exports"} | {
    site[key] for site in toml_sites().values() for key in ("api_key_env", "site_id_env")
}
PRINTERS = re.compile(r"\b(echo|printf|cat|tee|env|printenv|declare -p|export -p)\b")


def all_yaml_text() -> dict[str, str]:
    files = {name: (GITHUB_DIR / name).read_text(encoding="utf-8") for name in WORKFLOWS}
    files[".gitlab-ci.yml"] = GITLAB_FILE.read_text(encoding="utf-8")
    return files


def test_the_example_folder_holds_exactly_the_four_workflows() -> None:
    assert sorted(p.name for p in GITHUB_DIR.iterdir()) == sorted(WORKFLOWS)


@pytest.mark.parametrize("name", WORKFLOWS)
def test_workflow_parses_with_jobs_and_steps(name: str) -> None:
    workflow = load_workflow(name)
    assert workflow["name"].startswith("inventory-as-code")
    assert workflow["jobs"]
    for job_id, job in workflow["jobs"].items():
        assert job["runs-on"] == "ubuntu-latest", job_id
        assert job.get("timeout-minutes"), f"{name}: job {job_id} has no timeout"
        for step in job["steps"]:
            assert ("run" in step) != ("uses" in step), step
            if "uses" in step:
                # owner/repo[/path]@vN: actions/cache/restore is a sub-action of actions/cache
                assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)?@v\d+", step["uses"]), step["uses"]
    assert workflow["defaults"]["run"]["shell"] == "bash"


def test_triggers() -> None:
    # Every pull request starts plan.yml (its first job decides whether to plan: see
    # test_github_jobs.py); only a merge that changes the inventory starts apply.yml.
    assert triggers(load_workflow("plan.yml")) == {"pull_request": None}
    apply = triggers(load_workflow("apply.yml"))
    assert set(apply) == {"push"} and apply["push"]["branches"] == ["main"]
    assert "**/inventory-as-code.toml" in apply["push"]["paths"]
    assert set(triggers(load_workflow("drift.yml"))) == {"schedule", "workflow_dispatch"}
    assert triggers(load_workflow("drift.yml"))["schedule"][0]["cron"]
    fleet = triggers(load_workflow("fleet.yml"))
    assert "pull_request" in fleet and fleet["push"] == {"branches": ["main"]}


def test_permissions_are_least_privilege() -> None:
    expected = {
        "plan.yml": {"contents": "read"},
        "apply.yml": {"contents": "read", "actions": "read", "pull-requests": "read"},
        "drift.yml": {"contents": "read", "issues": "write"},
        "fleet.yml": {"contents": "read", "pull-requests": "write"},
    }
    # Only the job that comments may write to pull requests (not the job that decides).
    widened = {("plan.yml", "plan"): {"contents": "read", "pull-requests": "write"}}
    for name, permissions in expected.items():
        workflow = load_workflow(name)
        assert workflow["permissions"] == permissions, name
        for job_id, job in workflow["jobs"].items():
            assert job.get("permissions") == widened.get((name, job_id)), (name, job_id)


def test_concurrency_groups_per_site() -> None:
    plan = load_workflow("plan.yml")["concurrency"]
    assert "production" in plan["group"]
    assert "github.event.pull_request.number" in plan["group"]
    assert plan["cancel-in-progress"] is True

    apply = load_workflow("apply.yml")["concurrency"]
    assert apply == {"group": "inventory-as-code-apply-production", "cancel-in-progress": False}

    drift = load_workflow("drift.yml")["concurrency"]
    assert drift["group"] != apply["group"]  # a waiting apply is never replaced by a check

    fleet = load_workflow("fleet.yml")["jobs"]
    assert fleet["apply"]["concurrency"] == {
        # one queue per shard of N: the same sites, whichever run starts it
        "group": "inventory-as-code-fleet-apply-${{ matrix.shard }}-of-"
        "${{ needs.shards.outputs.count }}",
        "cancel-in-progress": False,
    }
    assert "matrix.shard" in fleet["plan"]["concurrency"]["group"]
    assert "apply" not in fleet["plan"]["concurrency"]["group"]


def test_apply_runs_in_the_production_environment_and_fleet_is_bounded() -> None:
    assert load_workflow("apply.yml")["jobs"]["apply"]["environment"] == "production"
    fleet = load_workflow("fleet.yml")["jobs"]
    for job_id in ("plan", "apply"):
        strategy = fleet[job_id]["strategy"]
        assert 1 <= strategy["max-parallel"] <= 8
        assert strategy["fail-fast"] is False
        assert strategy["matrix"]["shard"] == "${{ fromJSON(needs.shards.outputs.matrix) }}"
        assert fleet[job_id]["needs"] == "shards"
        assert fleet[job_id]["env"]["SHARD"] == (
            "${{ matrix.shard }}/${{ needs.shards.outputs.count }}"
        )
    # The comment combines every shard's report, also when one failed.
    assert fleet["comment"]["needs"] == ["shards", "plan"]
    assert fleet["comment"]["if"].startswith("${{ !cancelled()")
    assert fleet["apply"]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert fleet["apply"]["environment"] == "fleet"


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_workflow_installs_python_311_and_this_release(name: str) -> None:
    """Each job that runs the tool installs the release this repository is (init rewrites
    the line to the user's own installation; a release raises __version__ and these)."""
    for job_id, job in load_workflow(name)["jobs"].items():
        runs_tool = any(command_lines(s.get("run", "")) for s in job["steps"])
        if not runs_tool:
            continue
        uses = [s.get("uses", "") for s in job["steps"]]
        assert uses[0].startswith("actions/checkout@") or job_id == "apply", job_id
        python = [s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
        assert python and python[0]["with"]["python-version"] == "3.11", job_id
        installs = [s for s in job["steps"] if "pip install" in s.get("run", "")]
        assert [s["run"] for s in installs] == [INSTALL_LINE], job_id
    text = (GITHUB_DIR / name).read_text(encoding="utf-8")
    assert 'see docs/ci.md, "Installing the tool in CI"' in text


def test_plan_workflow_comments_uploads_and_annotates() -> None:
    job = load_workflow("plan.yml")["jobs"]["plan"]
    by_id = {s.get("id"): s for s in job["steps"]}
    assert "--format github" in by_id["validate"]["run"]
    plan = command_lines(by_id["plan"]["run"])
    assert plan == [
        'inventory-as-code plan "$INVENTORY_DIR" --site production '
        '${since:+--changed-since "$since"} --refresh incremental --format markdown '
        "--max-length 65000 --detailed-exitcode --out plan.json > plan.md || code=$?",
        "inventory-as-code show plan.json --format markdown --max-length 300000 "
        '>> "$GITHUB_STEP_SUMMARY"',
    ]
    # A tripped rail fails the check, as the last step: after the comment and the upload.
    rails = job["steps"][-1]
    assert rails["id"] == "rails" and rails["if"] == "steps.plan.outputs.rails == 'tripped'"
    assert "::error title=Guard rail tripped::" in rails["run"]
    assert "[[guard_rails.accept]]" in rails["run"] and rails["run"].rstrip().endswith("exit 1")
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload"))
    assert upload["with"]["name"] == "${{ env.PLAN_ARTIFACT }}"
    assert "plan.json" in upload["with"]["path"]
    comment = by_id["comment"]
    assert comment["uses"].startswith("actions/github-script@")
    assert comment["with"]["github-token"] == "${{ secrets.GITHUB_TOKEN }}"
    assert "<!-- inventory-as-code plan -->" in comment["with"]["script"]
    assert comment["if"].startswith("${{ !cancelled()")


def test_apply_workflow_downloads_the_reviewed_plan() -> None:
    workflow = load_workflow("apply.yml")
    job = workflow["jobs"]["apply"]
    by_id = {s.get("id"): s for s in job["steps"]}
    assert next(iter(by_id)) == "once"  # before anything else
    assert workflow["env"]["PLAN_WORKFLOW"] == "plan.yml"
    assert workflow["env"]["PLAN_ARTIFACT"] == load_workflow("plan.yml")["env"]["PLAN_ARTIFACT"]
    download = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/download"))
    assert download["with"]["run-id"] == "${{ steps.find-plan.outputs.run-id }}"
    assert download["with"]["github-token"] == "${{ github.token }}"
    assert command_lines(by_id["apply"]["run"]) == [
        "inventory-as-code apply reviewed-plan/plan.json --site production "
        '--project "$INVENTORY_DIR" --report-json report.json || code=$?'
    ]
    assert "--force" not in (GITHUB_DIR / "apply.yml").read_text().replace("--force by hand", "")
    report = next(s for s in job["steps"] if "apply-report-production" in str(s.get("with")))
    assert "always()" in report["if"]


def test_drift_uses_the_detailed_exit_code_and_the_job_summary() -> None:
    script = find_step("drift.yml", "drift", "drift").script
    assert command_lines(script)[0].startswith(
        'inventory-as-code plan "$INVENTORY_DIR" --site production --refresh "$refresh" '
        "--format markdown --detailed-exitcode"
    )
    assert "$GITHUB_STEP_SUMMARY" in script


def test_every_step_with_a_tool_command_is_run_by_the_end_to_end_tests() -> None:
    found = set()
    for name in WORKFLOWS:
        for step in steps(name):
            lines = command_lines(step.script)
            if lines:
                assert step.id, f"{name}: a step running {lines[0]!r} needs an id"
                found.add((name, step.job_id, step.id))
    assert found == EXECUTED_STEPS


def test_every_tool_command_names_its_site_in_ci() -> None:
    """CI=true refuses the embedded store: every command that talks to Wix passes --site."""
    for name in WORKFLOWS:
        for step in steps(name):
            for line in command_lines(step.script):
                if line.startswith((f"{TOOL} plan", f"{TOOL} apply")):
                    assert "--site " in line or '--all-sites --shard "$SHARD"' in line, line
                    assert "--auto-approve" not in line and "--force" not in line, line


def _all_command_lines() -> list[str]:
    lines = [line for name in WORKFLOWS for s in steps(name) for line in command_lines(s.script)]
    gitlab = yaml.safe_load(GITLAB_FILE.read_text())
    for job in gitlab.values():
        if isinstance(job, dict):
            lines += [line for entry in job.get("script", []) for line in command_lines(entry)]
    return lines


def test_every_plan_for_review_fails_on_a_guard_rail_and_every_apply_names_its_project() -> None:
    """Plans for review exit 4 on a rail apply would refuse (the scripts turn it into a failed
    check); saved plans are applied against the checked-out folder given with --project."""
    review_steps = [
        find_step("plan.yml", "plan", "plan").script,
        find_step("fleet.yml", "plan", "plan").script,
        "\n".join(yaml.safe_load(GITLAB_FILE.read_text())["plan"]["script"]),
    ]
    for script in review_steps:
        (line,) = [line for line in command_lines(script) if line.startswith(f"{TOOL} plan")]
        assert "--detailed-exitcode" in line and line.endswith("|| code=$?"), line
        assert '4) echo "rails=tripped"' in script or '"$code" = 4' in script
    applying = [line for line in _all_command_lines() if line.startswith(f"{TOOL} apply")]
    assert len(applying) == 3  # apply.yml, fleet.yml, GitLab
    for line in applying:
        assert '--project "$INVENTORY_DIR"' in line, line


# --- secrets -------------------------------------------------------------------------------


def _env_blocks(workflow: dict[str, Any]) -> list[dict[str, str]]:
    blocks = [workflow.get("env") or {}]
    for job in workflow["jobs"].values():
        blocks.append(job.get("env") or {})
        blocks += [s.get("env") or {} for s in job["steps"]]
    return blocks


@pytest.mark.parametrize("name", WORKFLOWS)
def test_secrets_are_only_mapped_into_env_under_the_toml_names(name: str) -> None:
    workflow = load_workflow(name)
    names = {site[k] for site in toml_sites().values() for k in ("api_key_env", "site_id_env")}
    for block in _env_blocks(workflow):
        for key, value in block.items():
            if key == "HAVE_SECRETS":
                # Only whether they are set, as true/false: never a value.
                assert re.fullmatch(
                    r"\$\{\{ secrets\.\w+ != '' && secrets\.\w+ != '' \}\}", value
                ), value
                continue
            for match in SECRET_REF.finditer(str(value)):
                ref = match.group(1)
                if ref.startswith("."):
                    # secrets.NAME lands in the variable NAME that the toml names (or
                    # the optional key that signs saved plans and snapshots)
                    assert ref[1:] == key, (key, value)
                    assert key in names or key == "INVENTORY_AS_CODE_PLAN_KEY", (key, value)
                else:
                    assert ref in ("[matrix.site.api_key_env]", "[matrix.site.site_id_env]")
                    assert key in ("SITE_API_KEY", "SITE_ID_VALUE")
    for step in steps(name):
        assert not SECRET_REF.search(step.script), f"{name}: secrets used inside a script"
        for key, value in (step.step.get("with") or {}).items():
            if SECRET_REF.search(str(value)):
                assert key == "github-token", (name, key)


def _script_texts() -> list[tuple[str, str]]:
    out = [(f"{name}:{s.job_id}:{s.id}", s.script) for name in WORKFLOWS for s in steps(name)]
    gitlab = yaml.safe_load(GITLAB_FILE.read_text())
    for job_id, job in gitlab.items():
        if isinstance(job, dict):
            for key in ("before_script", "script"):
                out += [(f"gitlab:{job_id}", line) for line in job.get(key, [])]
    return out


@pytest.mark.parametrize(("where", "script"), _script_texts())
def test_scripts_never_print_credentials(where: str, script: str) -> None:
    assert "set -x" not in script and "set -o xtrace" not in script, where
    for line in logical_lines(script):
        used = {
            var
            for var in CREDENTIAL_VARS | {"INVENTORY_BOT_TOKEN"}
            if re.search(rf"\$\{{?{var}\b", line)
        }
        if not used:
            continue
        assert not PRINTERS.search(line), f"{where}: {line!r} may print a credential"
        # fleet.yml: the export lines of its shard's sites, made by a script of its own
        exported = line == 'eval "$exports"'
        assert line.startswith("export ") or exported, f"{where}: {line!r} uses a credential"


def test_fleet_exports_its_shards_credentials_and_drops_the_other_secrets_first() -> None:
    for job_id in ("plan", "apply"):
        step = next(s for s in steps("fleet.yml") if s.job_id == job_id and s.id == job_id)
        assert step.step["env"]["ALL_SECRETS"] == "${{ toJSON(secrets) }}"
        lines = logical_lines(step.script)
        unset = lines.index("unset exports ALL_SECRETS")
        assert lines[unset - 1] == 'eval "$exports"'
        first_tool = next(i for i, line in enumerate(lines) if line.startswith(TOOL))
        assert unset < first_tool  # the tool never sees the other sites' secrets
        assert "select(sites, parse_shard(" in step.script  # only the shard's own sites
    for name in WORKFLOWS:
        text = (GITHUB_DIR / name).read_text(encoding="utf-8")
        assert text.count("toJSON(secrets)") == (2 if name == "fleet.yml" else 0), name


# --- the toml, pre-commit, docs --------------------------------------------------------------


def test_the_toml_defines_staging_and_production_for_the_tool() -> None:
    data = tomllib.loads(TOML_FILE.read_text(encoding="utf-8"))
    assert set(data["sites"]) == {"staging", "production"}
    sites = load_sites(CI_DIR)  # the tool's own reader accepts it
    for name, site in sites.items():
        assert site.api_key_env.endswith("_API_KEY") and site.site_id_env.endswith("_SITE_ID")
        assert site.requests_per_minute is not None and site.requests_per_minute < 200, name
    assert set(data["guard_rails"]) <= {
        "max_touched_share",
        "max_out_of_stock_share",
        "max_delete_share",
        "max_deletes",
        "min_items",
    }
    assert load_guard_rails(CI_DIR, sites["production"]).max_touched_share == 0.3
    assert load_guard_rails(CI_DIR, sites["staging"]).max_touched_share == 0.5


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [(h["id"], h["entry"]) for h in hooks] == [
        ("inventory-as-code-validate", "inventory-as-code validate"),
        ("inventory-as-code-fmt", "inventory-as-code fmt"),
    ]
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert re.search(hook["files"], "products/tees.yaml")
        assert re.search(hook["files"], "locations.yml")
        assert not re.search(hook["files"], "README.md")


def test_docs_show_a_pre_commit_config_that_uses_the_hook() -> None:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n# \.pre-commit-config\.yaml\n(.*?)```", text, re.S)
    assert blocks, "docs/ci.md has no .pre-commit-config.yaml snippet"
    config = yaml.safe_load(blocks[0])
    (repo,) = config["repos"]
    assert repo["rev"] and "inventory-as-code" in repo["repo"]
    (hook,) = repo["hooks"]
    assert hook["id"] == "inventory-as-code-validate"


def test_docs_link_every_example_file() -> None:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    for path in [
        *(f"examples/ci/github/{n}" for n in WORKFLOWS),
        "examples/ci/gitlab/.gitlab-ci.yml",
        "examples/ci/gitlab/fleet.gitlab-ci.yml",
        "examples/ci/inventory-as-code.toml",
        ".pre-commit-hooks.yaml",
    ]:
        assert path in text, path
        assert (REPO / Path(path)).exists(), path


def test_the_gitlab_fleet_shards_by_node_index_and_applies_saved_plans() -> None:
    ci = yaml.safe_load(GITLAB_FLEET_FILE.read_text(encoding="utf-8"))
    assert ci["stages"] == ["validate", "plan", "report", "apply"]
    assert ci["plan"]["parallel"] == ci["apply"]["parallel"]  # the same N in both
    assert ci["note"]["needs"] == ["plan"]
    assert ci["apply"]["interruptible"] is False
    assert "$CI_NODE_INDEX" in ci["apply"]["resource_group"]
    lines = [
        line
        for job in ci.values()
        if isinstance(job, dict)
        for entry in job.get("script", [])
        for line in command_lines(entry)
    ]
    for line in lines:
        if line.startswith((f"{TOOL} plan", f"{TOOL} apply")):
            assert '--all-sites --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"' in line, line
    plan_lines = command_lines("\n".join(ci["plan"]["script"]))
    (review,) = [line for line in plan_lines if line.startswith(f"{TOOL} plan")]
    assert "--detailed-exitcode" in review and review.endswith("|| code=$?")
    (applying,) = [line for line in lines if line.startswith(f"{TOOL} apply")]
    assert applying.startswith(f'{TOOL} apply "plans-$CI_NODE_INDEX" --all-sites')
    assert '--project "$INVENTORY_DIR"' in applying
