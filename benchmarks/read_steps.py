"""Harness steps for issue 13: what a plan reads, and how much of the machine it takes.

Run by ``run.py`` after ``plan_nochange`` on the same store and project:

* ``plan_new``: the first plan of the catalog into the empty store (the plan
  that ``first_apply`` applies), with the size of its saved plan;
* ``validate``: ``inventory-as-code validate`` of the project (no network);
* ``plan_incremental``: ``plan --refresh incremental`` twice on the unchanged
  store; the first reads in full and saves the snapshot (reported in the
  notes), the second is the row: the snapshot refreshed with what changed;
* ``plan_target``: a pull request that changes one product's price, planned
  with ``plan --changed-since HEAD`` (the project is a git repository).

Each row is compared with ``plan_nochange`` of the same run (calls, wall,
CPU), so the ratios in the report are measured side by side.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from rows import Row

READ_LINE = re.compile(r"Read: (.*)")
QUIET_S = 125.0  # incremental.MARGIN (2 min) and a few seconds


def plan_json(path: Path) -> Any:
    """A saved plan's JSON; a ``.gz`` name is gzip-compressed (as ``plan --out`` writes it)."""
    raw = path.read_bytes()
    return json.loads(gzip.decompress(raw) if path.name.endswith(".gz") else raw)


def plan_new_row(size: int, setting: str, run: Any, counts: dict[str, int], plan_file: Path) -> Row:
    row = Row(size, setting, "plan_new")
    row.calls, row.calls_by_route = sum(counts.values()), counts
    row.wall_s, row.cpu_s, row.peak_mb = run.wall_s, run.cpu_s, run.peak_mb
    data = plan_json(plan_file)
    row.note = (
        f"saved plan {plan_file.stat().st_size / 1e6:.1f} MB, {len(data['changes'])} change(s)"
    )
    return row


def _plan_row(bench: Any, size: int, setting: str, step: str, run: Any, counts: Any) -> Row:
    row = Row(size, setting, step)
    row.calls, row.calls_by_route = sum(counts.values()), counts
    row.wall_s, row.cpu_s, row.peak_mb = run.wall_s, run.cpu_s, run.peak_mb
    found = READ_LINE.search(run.stderr)
    row.note = found.group(1) if found else ""
    if run.rc != 0:
        bench.problem(row, f"exit code {run.rc}: {run.stderr[-600:]}")
    return row


def validate_step(
    bench: Any,
    tool: str,
    emu: Any,
    env: dict[str, str],
    project: Path,
    case: Path,
    size: int,
    setting: str,
) -> None:
    run, counts, _ = bench.measured(
        emu, [tool, "validate", str(project)], env=env, cwd=case, name="validate"
    )
    row = Row(size, setting, "validate", calls=sum(counts.values()))
    row.wall_s, row.cpu_s, row.peak_mb = run.wall_s, run.cpu_s, run.peak_mb
    row.note = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    if run.rc != 0:
        bench.problem(row, f"validate exit code {run.rc}: {run.stderr[-600:]}")
    bench.rows.append(row)
    bench.print_row(row)


def incremental_step(
    bench: Any,
    tool: str,
    emu: Any,
    env: dict[str, str],
    project: Path,
    case: Path,
    size: int,
    setting: str,
) -> None:
    # A refresh re-reads whatever changed in the 2 minutes before the last read
    # (live/incremental.py MARGIN); a store that was just created is all "changed".
    # Measure the common case, a store quiet for a while: wait out the margin.
    waited = max(0.0, QUIET_S - (time.monotonic() - bench.last_write))
    time.sleep(waited)
    shutil.rmtree(project / ".inventory-as-code", ignore_errors=True)
    cmd = [
        tool,
        "plan",
        str(project),
        *bench.site_args,
        "--format",
        "json",
        "--refresh",
        "incremental",
        "--out",
        str(case / "plan-incremental.json"),
    ]
    first, first_counts, _ = bench.measured(emu, cmd, env=env, cwd=case, name="plan_incr_first")
    run, counts, statuses = bench.measured(emu, cmd, env=env, cwd=case, name="plan_incremental")
    row = _plan_row(bench, size, setting, "plan_incremental", run, counts)
    row.statuses = statuses
    row.lower_bound = 7
    row.lower_bound_what = "version, 2 locations, products/items changed since + 2 counts"
    first_row = _plan_row(bench, size, setting, "plan_incr_first", first, first_counts)
    row.note = (
        f"{row.note}; the first run (full read, saves the snapshot): {first_row.calls} calls, "
        f"{first.wall_s:.2f} s, {first.cpu_s:.2f} s CPU, {first.peak_mb:.0f} MB; "
        f"waited {waited:.0f} s for the store to be quiet for {QUIET_S:.0f} s"
    )
    data = json.loads((case / "plan-incremental.json").read_text(encoding="utf-8"))
    if data["changes"]:
        bench.problem(row, f"expected no changes, got {len(data['changes'])}")
    if (data["metadata"].get("read") or {}).get("mode") != "incremental":
        bench.problem(row, f"not incremental: {data['metadata'].get('read')}")
    bench.rows.append(row)
    bench.print_row(row)
    shutil.rmtree(project / ".inventory-as-code", ignore_errors=True)


def _git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(project), "-c", "user.name=bench", "-c", "user.email=b@e", *args],
        check=True,
        capture_output=True,
    )


def target_step(
    bench: Any,
    tool: str,
    emu: Any,
    env: dict[str, str],
    project: Path,
    case: Path,
    size: int,
    setting: str,
) -> None:
    """A one-product pull request: a price edit, planned with --changed-since HEAD."""
    if not (project / ".git").exists():
        _git(project, "init", "-q")
        _git(project, "add", ".")
        _git(project, "commit", "-q", "-m", "catalog")
    first = sorted((project / "catalog").rglob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8")
    found = re.search(r'price: "(\d+)\.(\d+)"', text)
    assert found is not None
    edited = f'price: "{int(found.group(1)) + 1}.{found.group(2)}"'
    first.write_text(text[: found.start()] + edited + text[found.end() :], encoding="utf-8")
    try:
        cmd = [
            tool,
            "plan",
            str(project),
            *bench.site_args,
            "--format",
            "json",
            "--changed-since",
            "HEAD",
            "--out",
            str(case / "plan-target.json"),
        ]
        run, counts, statuses = bench.measured(emu, cmd, env=env, cwd=case, name="plan_target")
    finally:
        first.write_text(text, encoding="utf-8")
    row = _plan_row(bench, size, setting, "plan_target", run, counts)
    row.statuses = statuses
    row.lower_bound = 6
    row.lower_bound_what = "version, 2 locations, the product, its variants, its stock"
    data = json.loads((case / "plan-target.json").read_text(encoding="utf-8"))
    slugs = {c["keys"].get("slug") for c in data["changes"]}
    row.note += f"; {len(data['changes'])} change(s) of {sorted(slugs)}"
    if len(slugs) != 1 or not data["changes"]:
        bench.problem(row, f"expected the changes of one product, got {sorted(slugs)}")
    bench.rows.append(row)
    bench.print_row(row)


# --- the report ---------------------------------------------------------------------------


def _find(rows: list[Row], size: int, setting: str, step: str) -> Row | None:
    return next((r for r in rows if (r.size, r.setting, r.step) == (size, setting, step)), None)


def _pair(other: Row | None, full: Row) -> str:
    if other is None or not other.calls or not other.wall_s or not full.calls or not full.wall_s:
        return ""
    return (
        f"{other.calls} / {full.calls} = {other.calls / full.calls:.3f}, "
        f"{other.wall_s:.2f} / {full.wall_s:.2f} s = {other.wall_s / full.wall_s:.3f}"
    )


def ratio_table(rows: list[Row]) -> list[str]:
    lines = [
        "| size | setting | tool CPU / fair floor CPU | targeted / full: calls, wall "
        "| incremental / full: calls, wall | peak MB: full, targeted, incremental |",
        "|---|---|---|---|---|---|",
    ]
    for full in rows:
        if full.step != "plan_nochange" or not full.calls or not full.wall_s:
            continue
        target = _find(rows, full.size, full.setting, "plan_target")
        incr = _find(rows, full.size, full.setting, "plan_incremental")
        cpu = (
            f"{full.cpu_s:.2f} / {full.floor_cpu_s:.2f} = {full.cpu_s / full.floor_cpu_s:.2f}x"
            if full.cpu_s and full.floor_cpu_s
            else ""
        )
        peaks = ", ".join(
            f"{r.peak_mb:.0f}" if r and r.peak_mb else "-" for r in (full, target, incr)
        )
        lines.append(
            f"| {full.size:,} | {full.setting} | {cpu} | {_pair(target, full)} "
            f"| {_pair(incr, full)} | {peaks} |"
        )
    return lines


def goals(rows: list[Row]) -> list[str]:
    """Issue 13's goals, checked against the rows of this report."""
    out = []
    for r in rows:
        where = f"{r.size:,} {r.setting}"
        if r.step == "plan_nochange" and r.setting == "fast" and r.peak_mb:
            budget = 300 if r.size <= 10_000 else 600 if r.size <= 20_000 else None
            if budget:
                out.append(f"- {where} plan: peak {r.peak_mb:.0f} MB (goal <= {budget} MB).")
            if r.cpu_s and r.floor_cpu_s:
                ratio = r.cpu_s / r.floor_cpu_s
                out.append(
                    f"- {where} plan: CPU {r.cpu_s:.2f} s = {ratio:.2f}x the fair "
                    f"floor's {r.floor_cpu_s:.2f} s (goal <= 1.5x)."
                )
        if r.step == "plan_new" and r.setting == "fast" and r.peak_mb:
            out.append(
                f"- {where} first plan into an empty store: peak {r.peak_mb:.0f} MB "
                f"(goal <= 500 MB at 10,000), {r.note} (goal <= 20 MB)."
            )
        if r.step == "validate" and r.wall_s:
            out.append(
                f"- {where} validate: {r.wall_s:.2f} s wall, {r.cpu_s:.2f} s CPU "
                "(goal < 2 s at 10,000)."
            )
        if r.step == "plan_target" and r.wall_s:
            out.append(
                f"- {where} one-product pull request plan: {r.calls} calls, "
                f"{r.wall_s:.2f} s (goal <= 10 calls and <= 5 s, realistic setting)."
            )
        if r.step == "plan_incremental" and r.calls is not None:
            out.append(
                f"- {where} incremental plan of the unchanged store: {r.calls} calls "
                f"(goal <= 10), {r.wall_s:.2f} s."
            )
    return out
