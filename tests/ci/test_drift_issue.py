"""drift.yml: the classified report goes into ONE issue, opened, updated and closed.

The github-script step runs under node with fake ``github``/``context``/``core``
objects, as actions/github-script passes them (_github_script.py); the
``drift`` step that writes ``drift.md`` and the ``code`` output runs against
an emulator in test_github_e2e.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._github_script import run_script
from ._workflows import find_step

MARKER = "<!-- inventory-as-code drift: production -->"
LABEL = "inventory-as-code-drift"
REPORT = "<!-- inventory-as-code plan -->\n**Why the store and the YAML differ**: 1 store changed\n"

CONTEXT = {
    "repo": {"owner": "nordlicht", "repo": "inventory"},
    "sha": "main-sha",
    "runId": 77,
    "serverUrl": "https://github.com",
    "payload": {},
}


def issue_step(
    tmp_path: Path, code: str, responses: dict[str, Any], report: str = REPORT
) -> dict[str, Any]:
    step = find_step("drift.yml", "drift", "issue")
    env = {key: str(value) for key, value in step.step["env"].items()}
    assert env["DRIFT_CODE"] == "${{ steps.drift.outputs.code }}"
    env.update(DRIFT_CODE=code, GITHUB_REF_NAME="main")
    (tmp_path / "drift.md").write_text(report, encoding="utf-8")
    return run_script(tmp_path, step.step["with"]["script"], CONTEXT, responses, env)


def writes(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(c["name"], c["params"]) for c in result["calls"] if c["name"] not in ("listForRepo",)]


def test_the_first_drift_opens_the_issue_with_its_label(tmp_path: Path) -> None:
    human = {"number": 3, "body": "drift? see the dashboard", "labels": [LABEL]}
    result = issue_step(
        tmp_path,
        "2",
        {
            "listForRepo": [human],
            "getLabel": {"status": 404},
            "createLabel": {},
            "create": {"number": 12},
        },
    )
    (listed,) = [c["params"] for c in result["calls"] if c["name"] == "listForRepo"]
    assert listed["labels"] == LABEL and listed["state"] == "open"
    names = [name for name, _ in writes(result)]
    assert names == ["getLabel", "createLabel", "create"]  # the label first, then the issue
    created = writes(result)[-1][1]
    assert created["title"] == "Drift on production" and created["labels"] == [LABEL]
    assert created["body"].startswith(MARKER + "\n" + REPORT)
    assert "run 77" in created["body"] and "main-sha" in created["body"]
    assert result["outputs"] == {"issue": "12"}


def test_a_later_drift_updates_the_same_issue(tmp_path: Path) -> None:
    open_issues = [
        {"number": 9, "body": f"{MARKER}\nolder report", "labels": [LABEL]},
        {"number": 4, "body": f"{MARKER}\nthe first report", "labels": [LABEL]},
        {"number": 5, "body": "mentions it", "pull_request": {}, "labels": [LABEL]},
    ]
    result = issue_step(tmp_path, "4", {"listForRepo": open_issues, "update": {}})
    ((name, params),) = writes(result)
    assert name == "update" and params["issue_number"] == 4  # the oldest one, never a new one
    assert params["title"] == "Drift on production: undoing it trips a guard rail"
    assert params["body"].startswith(MARKER + "\n" + REPORT)
    assert "state" not in params


def test_no_drift_closes_the_issue_with_a_comment(tmp_path: Path) -> None:
    open_issues = [{"number": 4, "body": f"{MARKER}\nreport", "labels": [LABEL]}]
    result = issue_step(
        tmp_path, "0", {"listForRepo": open_issues, "createComment": {}, "update": {}}
    )
    (comment, close) = writes(result)
    assert comment[0] == "createComment" and comment[1]["issue_number"] == 4
    assert "No drift any more" in comment[1]["body"]
    assert close == (
        "update",
        {
            "owner": "nordlicht",
            "repo": "inventory",
            "issue_number": 4,
            "state": "closed",
            "state_reason": "completed",
        },
    )


def test_no_drift_and_no_issue_writes_nothing(tmp_path: Path) -> None:
    result = issue_step(tmp_path, "0", {"listForRepo": []})
    assert writes(result) == [] and result["outputs"] == {}


def test_a_report_too_long_for_an_issue_is_cut_with_a_pointer(tmp_path: Path) -> None:
    report = REPORT + "x" * 70_000
    result = issue_step(
        tmp_path, "2", {"listForRepo": [], "getLabel": {}, "create": {"number": 1}}, report
    )
    body = writes(result)[-1][1]["body"]
    assert len(body) < 65_536 and "job summary" in body and body.startswith(MARKER)
