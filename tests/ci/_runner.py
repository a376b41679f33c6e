"""A whole job of an example workflow, run step by step as GitHub's runner runs it.

`act` needs Docker; this runs the same YAML without it. The job's ``if:`` and
each step's ``if:`` are evaluated (:mod:`._expressions`, with ``success()``
and friends over the steps so far); ``run:`` steps run under bash with the
workflow, job and step ``env:`` merged and substituted, each with its own
``GITHUB_OUTPUT`` file, so ``steps.<id>.outputs`` and ``outcome`` are what
later steps see; a failed step skips the steps that do not ask for
``always()``/``failure()``/``!cancelled()``, and fails the job. Job outputs
are computed from ``outputs:``.

``uses:`` steps get stand-ins: checkout and setup-python check their inputs
(the repository and this interpreter stand in for them); the install step is
checked to pin this release (the tool under test is already on PATH); the
cache is empty; artifacts live in one folder per run id, so a later job
(apply.yml) downloads what an earlier one (plan.yml) uploaded; github-script
runs under node with a fake ``github`` client answering from the test's
scenario.
"""

from __future__ import annotations

import glob
import json
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inventory_as_code import __version__

from ._expressions import as_text, condition
from ._expressions import evaluate as evaluate_expression
from ._github_script import HARNESS
from ._workflows import TIMEOUT, load_workflow, run_bash, substitute
from .conftest import Runner

INSTALL_LINE = f'pip install "inventory-as-code=={__version__}"'


@dataclass
class StepRun:
    id: str
    name: str
    outcome: str  # success, failure, skipped
    outputs: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""


@dataclass
class JobRun:
    job_id: str
    result: str  # success, failure, skipped
    steps: list[StepRun]
    outputs: dict[str, str]

    def step(self, step_id: str) -> StepRun:
        return next(s for s in self.steps if s.id == step_id)

    @property
    def log(self) -> str:
        return "\n".join(
            f"[{s.id or s.name}: {s.outcome}]\n{s.stdout}{s.stderr}" for s in self.steps
        )


@dataclass
class Scenario:
    """What GitHub would hold for this run: the event, other jobs, API answers, artifacts."""

    event_name: str
    event: dict[str, Any]
    repository: str = "nordlicht/inventory"
    actor: str = "octocat"
    run_id: str = "42"
    needs: dict[str, Any] = field(default_factory=dict)
    api: dict[str, Any] = field(default_factory=dict)  # github-script answers, by call


def _read_outputs(path: Path) -> dict[str, str]:
    """``key=value`` lines and ``key<<DELIM`` blocks, as the runner reads GITHUB_OUTPUT."""
    outputs: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            outputs[key] = "\n".join(lines[index + 1 : end])
            index = end + 1
            continue
        if "=" in line:
            key, value = line.split("=", 1)
            outputs[key] = value
        index += 1
    return outputs


class JobRunner:
    def __init__(self, runner: Runner, artifacts: Path, scenario: Scenario) -> None:
        self.runner = runner
        self.artifacts = artifacts
        self.scenario = scenario
        self.step_count = 0
        self.calls: list[dict[str, Any]] = []  # the last github-script step's API calls

    def context(self, workflow: Mapping[str, Any], steps: Mapping[str, Any]) -> dict[str, Any]:
        s = self.scenario
        github = {
            "event_name": s.event_name,
            "event": s.event,
            "repository": s.repository,
            "actor": s.actor,
            "run_id": s.run_id,
            "run_attempt": "1",
            "ref_name": "main",
            "token": "gh-token",
            "workspace": str(self.runner.repo),
        }
        env = {k: as_text(v) for k, v in (workflow.get("env") or {}).items()}
        return {
            "github": github,
            "secrets": {**self.runner.secrets, "GITHUB_TOKEN": "gh-token"},
            "env": env,
            "steps": steps,
            "needs": s.needs,
            "runner": {"temp": self.runner.base_env["RUNNER_TEMP"]},
            "vars": {},
            **{k: v for k, v in self.runner.context.items() if k != "steps"},
        }

    def run(self, workflow_name: str, job_id: str) -> JobRun:
        workflow = load_workflow(workflow_name)
        job = workflow["jobs"][job_id]
        steps: dict[str, Any] = {}
        ran: list[StepRun] = []
        base = self.context(workflow, steps)
        if not condition(job.get("if"), base, self._functions(ran)):
            return JobRun(job_id, "skipped", [], {})
        for step in job["steps"]:
            context = self.context(workflow, steps)
            name = str(step.get("name") or step.get("uses") or step.get("run", ""))[:60]
            if not condition(step.get("if"), context, self._functions(ran)):
                result = StepRun(str(step.get("id", "")), name, "skipped")
            elif "uses" in step:
                result = self._action(step, context, name)
            else:
                result = self._script(workflow, job, step, context, name)
            ran.append(result)
            if result.id:
                steps[result.id] = {"outcome": result.outcome, "outputs": result.outputs}
        failed = any(s.outcome == "failure" for s in ran)
        context = self.context(workflow, steps)
        outputs = {
            key: as_text(self._substituted(str(value), context))
            for key, value in (job.get("outputs") or {}).items()
        }
        return JobRun(job_id, "failure" if failed else "success", ran, outputs)

    def _functions(self, ran: list[StepRun]) -> dict[str, Any]:
        failed = any(s.outcome == "failure" for s in ran)
        repo = self.runner.repo
        return {
            "success": lambda: not failed,
            "failure": lambda: failed,
            "cancelled": lambda: False,
            "always": lambda: True,
            "hashFiles": lambda *patterns: (
                "hash" if any(glob.glob(str(repo / p)) for p in patterns) else ""
            ),
        }

    def _substituted(self, text: str, context: Mapping[str, Any]) -> Any:
        match = re.fullmatch(r"\$\{\{(.*)\}\}", text.strip(), re.S)
        if match:
            return evaluate_expression(match.group(1), context, self._functions([]))
        return substitute(text, context)

    def _env(
        self,
        workflow: Mapping[str, Any],
        job: Mapping[str, Any],
        step: Mapping[str, Any],
        steps: Mapping[str, Any],
    ) -> dict[str, str]:
        merged: dict[str, str] = {}
        for level in (workflow.get("env"), job.get("env"), step.get("env")):
            for key, value in (level or {}).items():
                context = self.context(workflow, steps)
                context["env"] = {**context["env"], **merged}
                merged[key] = as_text(self._substituted(str(value), context))
        return merged

    def _script(
        self,
        workflow: Mapping[str, Any],
        job: Mapping[str, Any],
        step: Mapping[str, Any],
        context: Mapping[str, Any],
        name: str,
    ) -> StepRun:
        step_id = str(step.get("id", ""))
        script = str(step["run"])
        if step_id == "install":
            # The tool under test is on PATH already; the recipe must pin this release.
            assert script.strip() == INSTALL_LINE, script
            return StepRun(step_id, name, "success")
        assert "${{" not in script, f"{name}: expressions belong in env:, not in the script"
        self.step_count += 1
        output = Path(self.runner.base_env["RUNNER_TEMP"]) / f"output-{self.step_count}"
        output.write_text("", encoding="utf-8")
        env = {**self.runner.base_env, **self._env(workflow, job, step, context["steps"])}
        env["GITHUB_OUTPUT"] = str(output)
        result = run_bash(script, env, self.runner.repo)
        self.runner.assert_no_key_in(result.stdout, result.stderr, self.runner.summary)
        return StepRun(
            step_id,
            name,
            "success" if result.returncode == 0 else "failure",
            _read_outputs(output),
            result.stdout,
            result.stderr,
        )

    # --- uses: -------------------------------------------------------------------------------

    def _action(self, step: Mapping[str, Any], context: Mapping[str, Any], name: str) -> StepRun:
        action = str(step["uses"]).split("@", 1)[0]
        inputs = {
            k: as_text(self._substituted(v, context) if isinstance(v, str) else v)
            for k, v in (step.get("with") or {}).items()
        }
        step_id = str(step.get("id", ""))
        if action == "actions/checkout":
            assert inputs.get("persist-credentials") == "false", name
        elif action == "actions/setup-python":
            assert inputs["python-version"] == "3.11"
        elif action == "actions/cache/restore":
            pass  # nothing cached: the plan reads the whole store
        elif action == "actions/upload-artifact":
            return self._upload(step_id, name, inputs)
        elif action == "actions/download-artifact":
            return self._download(step_id, name, inputs)
        elif action == "actions/github-script":
            env = {
                k: as_text(self._substituted(str(v), context))
                for k, v in (step.get("env") or {}).items()
            }
            return self._github_script(step_id, name, inputs["script"], env, context)
        else:
            raise AssertionError(f"no stand-in for {action}")
        return StepRun(step_id, name, "success")

    def _upload(self, step_id: str, name: str, inputs: Mapping[str, str]) -> StepRun:
        target = self.artifacts / self.scenario.run_id / inputs["name"]
        files = [
            path
            for pattern in inputs["path"].split()
            for path in map(Path, glob.glob(str(self.runner.repo / pattern)))
        ]
        if not files:
            outcome = "failure" if inputs.get("if-no-files-found") == "error" else "success"
            return StepRun(step_id, name, outcome, stderr="no files to upload")
        target.mkdir(parents=True, exist_ok=True)
        for path in files:
            shutil.copy(path, target / path.name)
        return StepRun(step_id, name, "success")

    def _download(self, step_id: str, name: str, inputs: Mapping[str, str]) -> StepRun:
        source = self.artifacts / inputs["run-id"] / inputs["name"]
        if not source.is_dir():
            return StepRun(step_id, name, "failure", stderr=f"no artifact {source}")
        assert inputs.get("github-token"), "another run's artifact needs a token"
        shutil.copytree(source, self.runner.repo / inputs["path"], dirs_exist_ok=True)
        return StepRun(step_id, name, "success")

    def _github_script(
        self,
        step_id: str,
        name: str,
        script: str,
        env: Mapping[str, str],
        context: Mapping[str, Any],
    ) -> StepRun:
        node = shutil.which("node")
        assert node, "node is needed to run github-script steps"
        work = Path(self.runner.base_env["RUNNER_TEMP"]) / f"script-{step_id}"
        work.mkdir(exist_ok=True)
        (work / "script.js").write_text(script, encoding="utf-8")
        (work / "harness.js").write_text(HARNESS, encoding="utf-8")
        github = context["github"]
        owner, repo = self.scenario.repository.split("/")
        script_context = {
            "repo": {"owner": owner, "repo": repo},
            "sha": self.scenario.event.get("after", "merge-sha"),
            "runId": int(self.scenario.run_id),
            "serverUrl": "https://github.com",
            "payload": github["event"],
        }
        scenario = {"context": script_context, "responses": self.scenario.api}
        (work / "scenario.json").write_text(json.dumps(scenario), encoding="utf-8")
        workflow_env = dict(context["env"])
        result = subprocess.run(
            [node, str(work / "harness.js"), str(work / "script.js"), str(work / "scenario.json")],
            cwd=self.runner.repo,
            env={"PATH": "/usr/bin:/bin", **workflow_env, **env},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        self.calls = answer["calls"]
        outcome = "failure" if answer["failed"] else "success"
        return StepRun(
            step_id,
            name,
            outcome,
            {k: str(v) for k, v in answer["outputs"].items()},
            stdout="\n".join(answer["logs"])
            + (f"\n{answer['failed']}" if answer["failed"] else ""),
        )
