"""Every CI recipe passes the linters a careful user would run on it.

GitHub workflows: jactionlint (actionlint's checks, shipped as a binary in
its wheel; `--profile correctness` is exactly actionlint's set) with
shellcheck on PATH, so every `run:` block is shellchecked too. The workflows
of issue 21 (plan, apply, release, and what `init` writes) also pass the
default profile's security rules. GitLab: shellcheck on each job's script as
the runner assembles it, and the note script compiles.

Both linters come from the lint extra (pyproject.toml), pinned, which `.ci/run`
installs when it can: on a machine without them these tests are skipped and
name what is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from inventory_as_code.cli._install_source import InstallSource
from inventory_as_code.cli.init import template

from ._workflows import GITHUB_DIR, GITLAB_FILE, REPO, TIMEOUT

BIN = Path(sys.executable).parent
RELEASE = REPO / ".github" / "workflows" / "release.yml"
# Tags, not commit SHAs: what users copy and Dependabot keeps current (docs/ci.md).
IGNORED_RULES = ("unpinned-uses",)


def tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (pip install -e '.[lint]'): the recipes go unlinted")
    return str(found)


def lint(*files: Path, profile: str | None = None) -> list[dict[str, Any]]:
    """jactionlint's findings, with shellcheck found on PATH next to it."""
    command = [tool("jactionlint"), "--format", "json", "--no-online"]
    shellcheck = Path(tool("shellcheck")).parent  # without it run: blocks go unchecked, silently
    command += ["--profile", profile] if profile else []
    for rule in IGNORED_RULES:
        command += ["--ignore", rule]
    env = {"PATH": f"{shellcheck}:/usr/bin:/bin", "HOME": str(files[0].parent)}
    done = subprocess.run(
        [*command, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env=env,
    )
    assert done.returncode in (0, 1), done.stderr
    findings = json.loads(done.stdout or "[]")
    assert isinstance(findings, list)
    return findings


def shown(findings: list[dict[str, Any]]) -> str:
    return "\n".join(f"{f['filepath']}:{f['line']}: [{f['id']}] {f['message']}" for f in findings)


def test_the_linter_and_shellcheck_are_live(tmp_path: Path) -> None:
    """A workflow with known mistakes gets findings, or every other test here proves nothing."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "name: bad\non: pull_request\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    timeout-minutes: 5\n    if: github.actor == 'x' && ${{ true }}\n    steps:\n"
        "      - run: echo $UNQUOTED\n",
        encoding="utf-8",
    )
    ids = {f["id"] for f in lint(bad, profile="correctness")}
    assert {"if-always-true", "shellcheck"} <= ids, ids


def test_every_github_recipe_passes_actionlint_and_shellcheck() -> None:
    files = [*sorted(GITHUB_DIR.glob("*.yml")), RELEASE]
    findings = lint(*files, profile="correctness")
    assert not findings, shown(findings)


def test_the_plan_apply_and_release_workflows_pass_the_security_rules() -> None:
    files = [GITHUB_DIR / "plan.yml", GITHUB_DIR / "apply.yml", RELEASE]
    findings = lint(*files)
    assert not findings, shown(findings)


@pytest.mark.parametrize(
    "source",
    [
        InstallSource("inventory-as-code @ git+https://example.com/shop/iac@" + "a" * 40, "x"),
        InstallSource(None, "an editable install of the folder /home/me/iac", "warn"),
    ],
    ids=["vcs", "fill-in"],
)
def test_the_workflows_init_writes_pass_the_linters(tmp_path: Path, source: InstallSource) -> None:
    written = []
    for name in ("plan.yml", "apply.yml"):
        path = tmp_path / name
        path.write_text(template(f"github/{name}", source), encoding="utf-8")
        written.append(path)
    findings = lint(*written)
    assert not findings, shown(findings)


def _gitlab_scripts() -> list[tuple[str, str]]:
    pipeline = yaml.safe_load(GITLAB_FILE.read_text(encoding="utf-8"))
    default_before = pipeline["default"].get("before_script", [])
    scripts = []
    for name, job in pipeline.items():
        if not isinstance(job, dict) or "script" not in job:
            continue
        # As the runner runs them: before_script and script in one shell.
        before = job.get("before_script", default_before)
        scripts.append((name, "\n".join([*before, *job["script"]])))
        if job.get("after_script"):
            scripts.append((f"{name} (after_script)", "\n".join(job["after_script"])))
    return scripts


@pytest.mark.parametrize(
    ("job", "script"), [pytest.param(job, script, id=job) for job, script in _gitlab_scripts()]
)
def test_every_gitlab_script_passes_shellcheck(job: str, script: str) -> None:
    done = subprocess.run(
        [tool("shellcheck"), "--shell=bash", "--severity=info", "-"],
        input=script,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{job}:\n{done.stdout}{done.stderr}"


def test_the_gitlab_note_script_compiles() -> None:
    pipeline = yaml.safe_load(GITLAB_FILE.read_text(encoding="utf-8"))
    (entry,) = [e for e in pipeline["plan"]["after_script"] if "python3 - <<'PY'" in e]
    body = entry.split("<<'PY'\n", 1)[1].rsplit("PY", 1)[0]
    compile(body, ".gitlab-ci.yml:plan:after_script", "exec")
