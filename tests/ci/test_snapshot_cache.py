"""The incremental snapshot in the GitHub recipes: saved on the default branch, used if signed.

drift.yml (schedule or a manual run, on the default branch) reads the whole
store and saves the snapshot in the Actions cache; plan.yml restores it and
never saves. GitHub scopes a cache entry to the branch that saved it: the
default branch's entries are restorable by every pull request, a pull
request's own saves only by that pull request. The tool adds the rest: a
snapshot is used only when it verifies with INVENTORY_AS_CODE_PLAN_KEY, a
secret that pull requests from forks never get.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from inventory_as_code.live.snapshot import FOLDER

from ._workflows import GITLAB_FILE, WORKFLOWS, find_step, load_workflow, triggers
from .conftest import Runner

SNAPSHOTS = "${{ env.INVENTORY_DIR }}/.inventory-as-code/snapshot-*.bin"
KEY_PREFIX = "inventory-snapshot-production-"


def cache_steps(name: str) -> Iterator[dict[str, Any]]:
    for job in load_workflow(name)["jobs"].values():
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/cache"):
                yield step


def test_only_the_scheduled_drift_check_on_the_default_branch_saves_the_snapshot() -> None:
    saving = {
        name: [s for s in cache_steps(name) if not s["uses"].startswith("actions/cache/restore@")]
        for name in WORKFLOWS
    }
    assert {name for name, found in saving.items() if found} == {"drift.yml"}
    assert not {"pull_request", "pull_request_target"} & set(triggers(load_workflow("drift.yml")))
    (save,) = saving["drift.yml"]
    assert save["uses"] == "actions/cache/save@v4"
    assert "github.ref_name == github.event.repository.default_branch" in save["if"]
    assert save["with"]["path"] == SNAPSHOTS
    assert save["with"]["key"] == KEY_PREFIX + "${{ github.run_id }}"  # entries are immutable
    # The pull request's plan and the drift check restore the newest entry, never save.
    for name in ("plan.yml", "drift.yml"):
        (restore,) = [s for s in cache_steps(name) if s["uses"].startswith("actions/cache/restore")]
        assert restore["with"]["path"] == SNAPSHOTS
        assert restore["with"]["restore-keys"] == KEY_PREFIX
    # The key that signs and verifies it is mapped where snapshots are read or written.
    for step in (find_step("plan.yml", "plan", "plan"), find_step("drift.yml", "drift", "drift")):
        assert step.step["env"]["INVENTORY_AS_CODE_PLAN_KEY"] == (
            "${{ secrets.INVENTORY_AS_CODE_PLAN_KEY }}"
        )
    # GitLab's recipe caches pip only: merge requests share no snapshot there.
    paths = _gitlab_cache_paths()
    assert paths == [".cache/pip"]


def _cache_paths(job: dict[str, Any]) -> list[str]:
    cache = job.get("cache") or {}
    entries = cache if isinstance(cache, list) else [cache]
    return [str(p) for c in entries if isinstance(c, dict) for p in c.get("paths", [])]


def _gitlab_cache_paths() -> list[str]:
    """Every cache path of the GitLab recipe (``default:`` and the jobs)."""
    config = yaml.safe_load(GITLAB_FILE.read_text())
    return [p for job in config.values() if isinstance(job, dict) for p in _cache_paths(job)]


def test_a_pull_request_plan_refreshes_the_drift_checks_snapshot(runner: Runner) -> None:
    drift = runner.step("drift.yml", "drift", "drift")  # the store is empty: drift (2)
    outputs = Path(runner.base_env["GITHUB_OUTPUT"]).read_text(encoding="utf-8")
    assert drift.returncode == 0 and "code=2" in outputs, drift.stderr
    assert "full read: no snapshot of this site yet; snapshot saved" in drift.stderr
    # The cache restored in the pull request's job (the harness keeps the folder as it is).
    plan = runner.step("plan.yml", "plan", "plan")  # no base commit: the whole store
    assert plan.returncode == 0, plan.stderr
    assert "Read: the saved snapshot, refreshed with what changed since" in plan.stderr

    # A poisoned cache entry (the file edited): a full read, and the log says why. (Signed
    # with another secret, or by a fork's runner with none: tests/live/test_snapshot_signing.py.)
    (path,) = (runner.repo / FOLDER).glob("snapshot-*.bin")
    data = bytearray(path.read_bytes())
    data[-3] ^= 1
    path.write_bytes(bytes(data))
    plan = runner.step("plan.yml", "plan", "plan")
    assert "Read: the whole store (full read: the snapshot was changed after it was written" in (
        plan.stderr
    )
