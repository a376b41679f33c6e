"""examples/ci/github/check.yml: its steps, run against an emulator as a runner would.

Stock at or below its reorder point: the report in the job summary, one issue
opened and then updated (never a second one); all stock above it again: the
issue closed; an error: the job fails. ``gh`` is a stand-in that logs its
calls and answers ``issue list`` from a file, as GitHub would.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._workflows import load_workflow, triggers
from .conftest import Runner

FAKE_GH = """\
#!/bin/bash
echo "$*" >> "$GH_LOG"
if [ "$1 $2" = "issue list" ]; then cat "$GH_OPEN"; fi
"""


def fake_gh(tmp: Path) -> dict[str, str]:
    bin_dir = tmp / "fake-bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH, encoding="utf-8")
    gh.chmod(0o755)
    (tmp / "open").write_text("", encoding="utf-8")
    (tmp / "gh.log").write_text("", encoding="utf-8")
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GH_LOG": str(tmp / "gh.log"),
        "GH_OPEN": str(tmp / "open"),
    }


def outputs(runner: Runner) -> dict[str, str]:
    text = Path(runner.base_env["GITHUB_OUTPUT"]).read_text(encoding="utf-8")
    found = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    Path(runner.base_env["GITHUB_OUTPUT"]).write_text("", encoding="utf-8")
    return found


def check_then_issue(runner: Runner, gh: dict[str, str]) -> tuple[int, list[str]]:
    checked = runner.step("check.yml", "check", "check")
    low = outputs(runner).get("low", "")
    if checked.returncode == 0:
        runner.context["steps"] = {"check": {"outputs": {"low": low}}}
        issue = runner.step("check.yml", "check", "issue", **gh)
        assert issue.returncode == 0, issue.stderr
    calls = Path(gh["GH_LOG"]).read_text(encoding="utf-8").splitlines()
    Path(gh["GH_LOG"]).write_text("", encoding="utf-8")
    return checked.returncode, [c for c in calls if not c.startswith("issue list")]


def test_the_check_recipe_keeps_one_reorder_issue(runner: Runner, tmp_path: Path) -> None:
    assert set(triggers(load_workflow("check.yml"))) == {"schedule", "workflow_dispatch"}
    locations = runner.repo / "locations.yaml"
    text = locations.read_text(encoding="utf-8")
    assert "  Outlet Hamburg:\n" in text
    # Every item at the outlet holds 5 units: at a reorder point of 5.
    locations.write_text(
        text.replace("  Outlet Hamburg:\n", "  Outlet Hamburg:\n    reorder_point: 5\n")
    )
    applied = runner.command(
        "inventory-as-code apply . --site production --auto-approve", runner.secrets
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    gh = fake_gh(tmp_path)

    code, calls = check_then_issue(runner, gh)
    assert code == 0  # green: the issue is the signal
    assert "## Stock to reorder on production" in runner.summary
    assert "at or below it." in runner.summary and "| `Outlet Hamburg` | 5 | 5 |" in runner.summary
    assert calls[-1] == (
        "issue create --title Stock to reorder on production --label inventory-reorder "
        "--body-file check.md"
    )
    assert (runner.repo / "check.md").read_text().startswith("<!-- inventory-as-code check -->")

    (tmp_path / "open").write_text("12\n", encoding="utf-8")  # that issue, open
    code, calls = check_then_issue(runner, gh)
    assert calls == ["issue edit 12 --body-file check.md"]

    locations.write_text(
        text.replace("  Outlet Hamburg:\n", "  Outlet Hamburg:\n    reorder_point: 4\n")
    )
    code, calls = check_then_issue(runner, gh)
    assert code == 0 and len(calls) == 1 and calls[0].startswith("issue close 12 --comment")

    locations.write_text(
        text.replace("  Outlet Hamburg:\n", "  Outlet Hamburg:\n    reorder_point: x\n")
    )
    failed = runner.step("check.yml", "check", "check")
    assert failed.returncode == 1
    assert "::error title=Stock check failed::" in failed.stdout
