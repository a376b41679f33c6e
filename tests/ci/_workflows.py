"""Read the example CI files and run their steps the way a runner would.

A GitHub Actions ``run:`` step runs under ``shell: bash`` as
``bash --noprofile --norc -eo pipefail FILE``, with the workflow, job and step
``env:`` merged and every ``${{ ... }}`` expression substituted first. The
helpers here do the same with a small expression evaluator that knows only
property paths and ``secrets[...]``-style indexing: an expression it does not
know fails the test instead of being run half-substituted.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._expressions import as_text
from ._expressions import evaluate as evaluate_expression

REPO = Path(__file__).resolve().parents[2]
CI_DIR = REPO / "examples" / "ci"
GITHUB_DIR = CI_DIR / "github"
GITLAB_FILE = CI_DIR / "gitlab" / ".gitlab-ci.yml"
GITLAB_FLEET_FILE = CI_DIR / "gitlab" / "fleet.gitlab-ci.yml"
TOML_FILE = CI_DIR / "inventory-as-code.toml"
WORKFLOWS = ("plan.yml", "apply.yml", "drift.yml", "fleet.yml", "check.yml")
TOOL = "inventory-as-code"
TIMEOUT = 60  # seconds, for every subprocess

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_PATH = re.compile(r"^[A-Za-z_][\w-]*(?:\.[\w-]+|\[[^\]]+\])*$")
_PART = re.compile(r"\.?([\w-]+)|\[([^\]]+)\]")
_TO_JSON = re.compile(r"^toJSON\(\s*(.*?)\s*\)$")


def load_workflow(name: str) -> dict[str, Any]:
    data = yaml.safe_load((GITHUB_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(workflow: Mapping[Any, Any]) -> dict[str, Any]:
    """The ``on:`` table. YAML 1.1 (PyYAML) reads the bare key ``on`` as True."""
    raw = workflow.get("on", workflow.get(True))
    if isinstance(raw, str):
        return {raw: None}
    if isinstance(raw, list):
        return dict.fromkeys(raw)
    assert isinstance(raw, dict), raw
    return raw


def load_sites() -> dict[str, dict[str, Any]]:
    with TOML_FILE.open("rb") as f:
        sites = tomllib.load(f)["sites"]
    assert isinstance(sites, dict)
    return sites


def fake_secrets() -> dict[str, str]:
    """A value for every credential variable the toml names (the emulator accepts any key),
    and the optional secret that signs saved plans and snapshots."""
    out = {"INVENTORY_AS_CODE_PLAN_KEY": "ci-plan-and-snapshot-key"}
    for name, site in load_sites().items():
        out[site["api_key_env"]] = f"key-for-{name}"
        out[site["site_id_env"]] = f"{name}-site-id"
    return out


def evaluate(expression: str, context: Mapping[str, Any]) -> str:
    """``a.b-c.d``, ``a[b.c]`` and ``toJSON(a.b)`` against nested dicts, strictly (a missing
    key is an error); operators and literals with GitHub's rules (:mod:`._expressions`)."""
    wrapped = _TO_JSON.match(expression)
    if wrapped:
        return json.dumps(_lookup(wrapped.group(1), context))
    found = _lookup(expression, context)
    return found if isinstance(found, str) else str(found)


def _lookup(expression: str, context: Mapping[str, Any]) -> Any:
    if not _PATH.match(expression):
        return as_text(evaluate_expression(expression, context))
    value: Any = context
    for name, index in _PART.findall(expression):
        key = name or evaluate(index, context)
        if not isinstance(value, Mapping) or key not in value:
            raise KeyError(f"${{{{ {expression} }}}}: no {key!r} in the test's context")
        value = value[key]
    return value


def substitute(text: str, context: Mapping[str, Any]) -> str:
    return _EXPR.sub(lambda m: evaluate(m.group(1), context), text)


@dataclass(frozen=True)
class Step:
    workflow: str
    job_id: str
    job: Mapping[str, Any]
    step: Mapping[str, Any]

    @property
    def id(self) -> str:
        return str(self.step.get("id", ""))

    @property
    def script(self) -> str:
        return str(self.step.get("run", ""))


def steps(name: str) -> Iterator[Step]:
    workflow = load_workflow(name)
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield Step(name, job_id, job, step)


def find_step(name: str, job_id: str, step_id: str) -> Step:
    for step in steps(name):
        if step.job_id == job_id and step.id == step_id:
            return step
    raise LookupError(f"{name}: no step {step_id!r} in job {job_id!r}")


def logical_lines(script: str) -> list[str]:
    """Script lines with backslash continuations joined."""
    out: list[str] = []
    pending = ""
    for line in script.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        out.append((pending + line).strip())
        pending = ""
    return out


def command_lines(script: str) -> list[str]:
    return [line for line in logical_lines(script) if line.startswith(TOOL + " ")]


def step_env(step: Step, context: Mapping[str, Any]) -> dict[str, str]:
    """The ``env:`` of workflow, job and step, merged and substituted."""
    workflow = load_workflow(step.workflow)
    merged: dict[str, Any] = {}
    for level in (workflow.get("env"), step.job.get("env"), step.step.get("env")):
        merged.update(level or {})
    env: dict[str, str] = {}
    for key, value in merged.items():
        ctx = {**context, "env": {**context.get("env", {}), **env}}
        env[key] = substitute(str(value), ctx)
    return env


def tool_path() -> str:
    """PATH with the directory of this interpreter's ``inventory-as-code`` first."""
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / TOOL).exists(), f"no {TOOL} next to {sys.executable}"
    return f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"


def runner_env(tmp: Path, base_url: str) -> dict[str, str]:
    """What a CI runner provides, pointed at the emulator; no Wix credentials yet."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WIX_", "GITHUB_", "CI_", "INVENTORY_"))
    }
    files = tmp / "runner"
    files.mkdir(exist_ok=True)
    env.update(
        PATH=tool_path(),
        CI="true",
        GITHUB_ACTIONS="true",
        NO_COLOR="1",
        WIX_API_BASE_URL=base_url,
        GITHUB_OUTPUT=str(files / "output"),
        GITHUB_STEP_SUMMARY=str(files / "summary.md"),
        GITHUB_ENV=str(files / "env"),
        GITHUB_REF_NAME="main",
        GITHUB_RUN_ATTEMPT="1",
        RUNNER_TEMP=str(files),
    )
    for name in ("output", "summary.md", "env"):
        (files / name).write_text("", encoding="utf-8")
    return env


def run_bash(
    script: str, env: Mapping[str, str], cwd: Path, *, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run a script as GitHub's ``shell: bash`` does (and GitLab's bash runner: -e)."""
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_command(line: str, env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """One extracted command line; ``|| code=$?`` lines report the command's code."""
    return run_bash(f'code=0\n{line}\nexit "$code"\n', env, cwd)
