"""The API glue in the workflows, run against stand-ins for GitHub and GitLab.

The github-script steps run under node with fake ``github``/``context``/``core``
objects (as actions/github-script passes them); the GitLab note script runs
against a fake GitLab API on a loopback socket.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from ._github_script import run_script
from ._workflows import GITLAB_FILE, TIMEOUT, find_step

MARKER = "<!-- inventory-as-code plan -->"

CONTEXT = {
    "repo": {"owner": "nordlicht", "repo": "inventory"},
    "sha": "merge-sha",
    "runId": 1234,
    "serverUrl": "https://github.com",
    "payload": {"pull_request": {"number": 7, "head": {"sha": "head-sha"}}},
}


def run_github_script(
    tmp_path: Path,
    workflow: str,
    job: str,
    step_id: str,
    responses: dict[str, Any],
    env: dict[str, str],
) -> dict[str, Any]:
    step = find_step(workflow, job, step_id)
    return run_script(tmp_path, step.step["with"]["script"], CONTEXT, responses, env)


# --- plan.yml: one comment, found by its marker ---------------------------------------------


def comment(tmp_path: Path, existing: list[dict[str, Any]], outcome: str = "success") -> Any:
    responses = {"listComments": existing, "createComment": {"id": 99}, "updateComment": {}}
    return run_github_script(
        tmp_path, "plan.yml", "plan", "comment", responses, {"PLAN_OUTCOME": outcome}
    )


def test_the_first_plan_creates_the_comment(tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text(f"{MARKER}\n### plan\n\n**Plan: 1 to create**\n")
    result = comment(tmp_path, [{"id": 1, "user": {"type": "User"}, "body": "LGTM"}])
    (call,) = [c for c in result["calls"] if c["name"] != "listComments"]
    assert call["name"] == "createComment"
    assert call["params"]["issue_number"] == 7
    body = call["params"]["body"]
    assert body.startswith(MARKER) and "Plan: 1 to create" in body and "head-sha" in body


def test_a_later_plan_updates_the_bots_comment_only(tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text(f"{MARKER}\n**Plan: 2 to update**\n")
    existing = [
        {"id": 1, "user": {"type": "User"}, "body": f"{MARKER}\nquoted by a human"},
        {"id": 5, "user": {"type": "Bot"}, "body": f"{MARKER}\nold plan"},
    ]
    result = comment(tmp_path, existing)
    (call,) = [c for c in result["calls"] if c["name"] != "listComments"]
    assert call["name"] == "updateComment" and call["params"]["comment_id"] == 5
    assert "Plan: 2 to update" in call["params"]["body"]


def test_a_failed_plan_replaces_the_old_comment_with_a_warning(tmp_path: Path) -> None:
    existing = [{"id": 5, "user": {"type": "Bot"}, "body": f"{MARKER}\nold plan"}]
    result = comment(tmp_path, existing, outcome="failure")
    body = result["calls"][-1]["params"]["body"]
    assert body.startswith(MARKER) and "No plan" in body and "old plan" not in body


def test_a_huge_plan_is_cut_to_fit_a_comment(tmp_path: Path) -> None:
    details = "<details>\n```diff\n" + "+ x\n" * 40_000 + "```\n</details>\n"
    (tmp_path / "plan.md").write_text(f"{MARKER}\n**Plan: 40000 to create**\n\n{details}")
    body = comment(tmp_path, [])["calls"][-1]["params"]["body"]
    assert len(body) < 65_536 and "Plan: 40000 to create" in body and "too long" in body


# --- apply.yml: which run's artifact is the reviewed plan -------------------------------------

PR = {
    "number": 7,
    "merged_at": "2025-01-02T00:00:00Z",
    "merge_commit_sha": "merge-sha",
    "head": {"sha": "head-sha"},
}


def run_of(run_id: int, created: str, conclusion: str) -> dict[str, Any]:
    return {
        "id": run_id,
        "created_at": created,
        "status": "completed",
        "conclusion": conclusion,
        "html_url": f"https://github.com/runs/{run_id}",
    }


def find_plan(tmp_path: Path, **responses: Any) -> Any:
    env = {"PLAN_WORKFLOW": "plan.yml", "PLAN_ARTIFACT": "plan-production"}
    return run_github_script(tmp_path, "apply.yml", "apply", "find-plan", responses, env)


def test_the_last_successful_plan_run_of_the_merged_pull_request_is_chosen(
    tmp_path: Path,
) -> None:
    result = find_plan(
        tmp_path,
        listPulls=[PR],
        listWorkflowRuns=[
            run_of(10, "2025-01-01T10:00:00Z", "success"),
            run_of(12, "2025-01-01T12:00:00Z", "failure"),
            run_of(11, "2025-01-01T11:00:00Z", "success"),
        ],
        listArtifacts={"artifacts": [{"name": "plan-production", "expired": False}]},
    )
    assert result["failed"] is None
    assert result["outputs"] == {"run-id": "11", "pr-number": "7"}
    assert any(log.startswith("warning:") for log in result["logs"])
    runs_call = next(c for c in result["calls"] if c["name"] == "listWorkflowRuns")
    assert runs_call["params"]["head_sha"] == "head-sha"
    assert runs_call["params"]["workflow_id"] == "plan.yml"
    assert runs_call["params"]["event"] == "pull_request"


def test_a_direct_push_has_no_reviewed_plan(tmp_path: Path) -> None:
    result = find_plan(tmp_path, listPulls=[])
    assert "not merged from a pull request" in result["failed"]
    assert result["outputs"] == {}


def test_no_successful_plan_means_nothing_is_applied(tmp_path: Path) -> None:
    result = find_plan(
        tmp_path, listPulls=[PR], listWorkflowRuns=[run_of(12, "2025-01-01T12:00:00Z", "failure")]
    )
    assert "No successful plan.yml run" in result["failed"] and result["outputs"] == {}


def test_an_expired_artifact_means_nothing_is_applied(tmp_path: Path) -> None:
    result = find_plan(
        tmp_path,
        listPulls=[PR],
        listWorkflowRuns=[run_of(10, "2025-01-01T10:00:00Z", "success")],
        listArtifacts={"artifacts": [{"name": "plan-production", "expired": True}]},
    )
    assert "plan-production" in result["failed"] and result["outputs"] == {}


# --- GitLab: the merge-request note -----------------------------------------------------------


class FakeGitLab(BaseHTTPRequestHandler):
    notes: list[dict[str, Any]]
    requests: list[tuple[str, str, str | None]]

    def _reply(self, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.requests.append(("GET", self.path, self.headers.get("PRIVATE-TOKEN")))  # type: ignore[attr-defined]
        page = int(re.search(r"[?&]page=(\d+)", self.path).group(1))  # type: ignore[union-attr]
        self._reply(self.server.notes if page == 1 else [])  # type: ignore[attr-defined]

    def _write(self) -> None:
        data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.command, self.path, data["body"]))  # type: ignore[attr-defined]
        if self.command == "POST":
            self.server.notes.append({"id": 31, "body": data["body"]})  # type: ignore[attr-defined]
        self._reply({"id": 31})

    do_POST = do_PUT = _write

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def gitlab() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitLab)
    server.notes = [{"id": 3, "body": "Looks good"}]  # type: ignore[attr-defined]
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def note_script() -> str:
    # after_script: it runs whether the plan job passed or failed.
    script = yaml.safe_load(GITLAB_FILE.read_text(encoding="utf-8"))["plan"]["after_script"]
    (note,) = [entry for entry in script if "python3 - <<'PY'" in entry]
    return str(note)


def gitlab_env(gitlab: ThreadingHTTPServer, **extra: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "CI_API_V4_URL": f"http://127.0.0.1:{gitlab.server_address[1]}/api/v4",
        "CI_PROJECT_ID": "17",
        "CI_MERGE_REQUEST_IID": "4",
        "CI_COMMIT_SHA": "abc123",
        "CI_JOB_URL": "https://gitlab.example/job/1",
        "CI_JOB_STATUS": "success",
        "INVENTORY_BOT_TOKEN": "glpat-test",
        **extra,
    }


def post_note(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", note_script()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_gitlab_posts_one_note_and_updates_it(tmp_path: Path, gitlab: ThreadingHTTPServer) -> None:
    env = gitlab_env(gitlab)
    (tmp_path / "plan.md").write_text(f"{MARKER}\n**Plan: 1 to create**\n")
    (tmp_path / "plan.exit").write_text("2\n")
    for _ in range(2):
        post_note(tmp_path, env)
    writes = [r for r in gitlab.requests if r[0] != "GET"]  # type: ignore[attr-defined]
    assert [(m, p) for m, p, _ in writes] == [
        ("POST", "/api/v4/projects/17/merge_requests/4/notes"),
        ("PUT", "/api/v4/projects/17/merge_requests/4/notes/31"),
    ]
    assert all(body and body.startswith(MARKER) and "abc123" in body for _, _, body in writes)
    reads = [r for r in gitlab.requests if r[0] == "GET"]  # type: ignore[attr-defined]
    assert reads and all(token == "glpat-test" for _, _, token in reads)


@pytest.mark.parametrize("exit_code", ["1", None])  # plan failed; validate failed before it
def test_a_failed_plan_replaces_the_gitlab_note_with_a_warning(
    tmp_path: Path, gitlab: ThreadingHTTPServer, exit_code: str | None
) -> None:
    gitlab.notes.append({"id": 31, "body": f"{MARKER}\n**Plan: 1 to create** (old)"})  # type: ignore[attr-defined]
    (tmp_path / "plan.md").write_text("half a plan")
    if exit_code is not None:
        (tmp_path / "plan.exit").write_text(exit_code)
    post_note(tmp_path, gitlab_env(gitlab, CI_JOB_STATUS="failed"))
    (write,) = [r for r in gitlab.requests if r[0] != "GET"]  # type: ignore[attr-defined]
    method, path, body = write
    assert (method, path) == ("PUT", "/api/v4/projects/17/merge_requests/4/notes/31")
    assert body.startswith(MARKER) and "No plan: validation or planning failed" in body
    assert "old" not in body and "half a plan" not in body


def test_a_cancelled_plan_or_a_missing_token_leaves_the_gitlab_note(
    tmp_path: Path, gitlab: ThreadingHTTPServer
) -> None:
    (tmp_path / "plan.exit").write_text("1")
    post_note(tmp_path, gitlab_env(gitlab, CI_JOB_STATUS="canceled"))
    quiet = post_note(tmp_path, gitlab_env(gitlab, INVENTORY_BOT_TOKEN=""))
    assert "No INVENTORY_BOT_TOKEN" in quiet.stdout
    assert gitlab.requests == []  # type: ignore[attr-defined]
