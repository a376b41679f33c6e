"""Harness steps for issue 22, part 2: the apply path as cheap as the plan path.

Run by ``run.py`` on the same store and project as the other steps:

* ``apply_target``: a one-product pull request (a price edit, committed),
  planned with ``plan --changed-since HEAD --out``, then applied with
  ``apply FILE --project`` (the saved plan bound to the checked-out YAML).
  The row is the apply; its note gives the plan's calls.
* ``show`` / ``show_json``: ``show`` of the first plan of the catalog
  (``plan-new.json.gz``, every object created), as text and as JSON: the
  peak memory of rendering a large saved plan.
* ``plan_text``: a full plan printed as text (no ``--out``), and
  ``plan_snapshot``: the same with a snapshot of the store on disk (written
  by ``plan --refresh incremental`` just before): every full plan rewrites it.

The edit of ``apply_target`` stays in the YAML (and in the store), so later
steps plan against a store that matches it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from rows import Row

APPLY_STEPS = ("apply_target", "show", "show_json", "plan_text", "plan_snapshot")


def _git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(project), "-c", "user.name=bench", "-c", "user.email=b@e", *args],
        check=True,
        capture_output=True,
    )


def _row(bench: Any, size: int, setting: str, step: str, run: Any, counts: Any) -> Row:
    row = Row(size, setting, step)
    row.calls, row.calls_by_route = sum(counts.values()), counts
    row.wall_s, row.cpu_s, row.peak_mb = run.wall_s, run.cpu_s, run.peak_mb
    if run.rc != 0:
        bench.problem(row, f"exit code {run.rc}: {run.stderr[-600:]}")
    return row


def apply_target_step(
    bench: Any, tool: str, emu: Any, env: dict[str, str], project: Path, case: Path, size: int,
    setting: str,
) -> None:  # fmt: skip
    """Plan a one-product price edit with --changed-since HEAD, then apply the saved plan."""
    if not (project / ".git").exists():
        _git(project, "init", "-q")
        _git(project, "add", ".")
        _git(project, "commit", "-q", "-m", "catalog")
    # The last file's first price: another product than plan_target edits.
    edited_file = sorted((project / "catalog").rglob("*.yaml"))[-1]
    text = edited_file.read_text(encoding="utf-8")
    found = re.search(r'price: "(\d+)\.(\d+)"', text)
    assert found is not None
    edited = f'price: "{int(found.group(1)) + 1}.{found.group(2)}"'
    edited_file.write_text(text[: found.start()] + edited + text[found.end() :], encoding="utf-8")
    saved = case / "plan-one.json"
    plan_cmd = [
        tool, "plan", str(project), *bench.site_args, "--changed-since", "HEAD",
        "--out", str(saved),
    ]  # fmt: skip
    plan_run, plan_counts, _ = bench.measured(emu, plan_cmd, env=env, cwd=case, name="plan_one")
    _git(project, "commit", "-q", "-am", "one price")
    cmd = [
        tool, "apply", str(saved), "--project", str(project), *bench.site_args,
        "--report-json", str(case / "apply-one.json"),
    ]  # fmt: skip
    run, counts, statuses = bench.measured(emu, cmd, env=env, cwd=case, name="apply_target")
    row = _row(bench, size, setting, "apply_target", run, counts)
    row.statuses = statuses
    row.lower_bound = 20
    row.lower_bound_what = "issue 22 goal: at most 20 calls for a one-product plan"
    data = json.loads(saved.read_text(encoding="utf-8"))
    slugs = sorted({c["keys"].get("slug") for c in data["changes"]})
    writes = sum(n for name, n in counts.items() if not name.endswith((".query", ".get", ".count",
                 ".get-version", ".list", ".search-variants", "query-variants")))  # fmt: skip
    row.note = (
        f"{len(data['changes'])} change(s) of {slugs}; {writes} write(s) + "
        f"{row.calls - writes} read(s); the PR plan before it: {sum(plan_counts.values())} "
        f"calls, {plan_run.wall_s:.2f} s"
    )
    if plan_run.rc != 0 or len(slugs) != 1:
        bench.problem(row, f"the one-product plan: {plan_run.stderr[-600:]} {slugs}")
    if run.rc != 0:
        bench.problem(row, f"apply exit code {run.rc}")
    bench.rows.append(row)
    bench.print_row(row)


def show_steps(
    bench: Any, tool: str, emu: Any, env: dict[str, str], case: Path, size: int, setting: str,
    steps: set[str],
) -> None:  # fmt: skip
    """``show`` of the saved first plan, as text and as JSON (stdout to a file)."""
    saved = case / "plan-new.json.gz"
    for step, extra in (("show", []), ("show_json", ["--format", "json"])):
        if step not in steps:
            continue
        cmd = [tool, "show", str(saved), *extra]
        run, counts, _ = bench.measured(emu, cmd, env=env, cwd=case, name=step)
        row = _row(bench, size, setting, step, run, counts)
        out = bench.logs / f"{step}.stdout"
        row.note = f"{out.stat().st_size / 1e6:.0f} MB printed"
        bench.rows.append(row)
        bench.print_row(row)
        out.unlink()  # hundreds of MB


def plan_mode_steps(
    bench: Any, tool: str, emu: Any, env: dict[str, str], project: Path, case: Path, size: int,
    setting: str, steps: set[str],
) -> None:  # fmt: skip
    """A full plan printed as text, without and with a snapshot on disk."""
    state = project / ".inventory-as-code"
    shutil.rmtree(state, ignore_errors=True)
    plain = [tool, "plan", str(project), *bench.site_args]
    if "plan_text" in steps:
        run, counts, _ = bench.measured(emu, plain, env=env, cwd=case, name="plan_text")
        row = _row(bench, size, setting, "plan_text", run, counts)
        row.note = "plan as text to stdout, no snapshot"
        bench.rows.append(row)
        bench.print_row(row)
    if "plan_snapshot" in steps:
        first = [*plain, "--refresh", "incremental"]  # no snapshot yet: reads whole, saves one
        made, _, _ = bench.measured(emu, first, env=env, cwd=case, name="plan_snapshot_first")
        snapshot = sum(f.stat().st_size for f in state.rglob("*") if f.is_file())
        run, counts, _ = bench.measured(emu, plain, env=env, cwd=case, name="plan_snapshot")
        row = _row(bench, size, setting, "plan_snapshot", run, counts)
        row.note = (
            f"plan as text with a snapshot on disk ({snapshot / 1e6:.1f} MB), which it rewrites; "
            f"the run that made it: {made.peak_mb:.0f} MB"
        )
        bench.rows.append(row)
        bench.print_row(row)
    shutil.rmtree(state, ignore_errors=True)
