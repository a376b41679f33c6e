"""Harness step for issue 20.3: what ``plan --explain-drift`` costs on top of a plain plan.

Run by ``run.py`` at the end of a case (it changes the store and the YAML):

1. the project becomes a git repository (if ``plan_target`` did not make it one
   already) and everything is committed with a date three days back, so the
   store (applied minutes ago) is newer than every YAML line; then a history
   of :data:`HISTORY` commits, each inserting a comment line somewhere in one
   of the catalog's files (nothing to plan, but ``git blame`` must follow
   every one of them, as in a repository used for months);
2. drift in the store: 1% of the stock items at the default location (policy
   ``set``) sell one unit, through the Wix API of the emulator, as a checkout
   would ("store changed, likely a sale");
3. drift in the YAML: 10% of all quantities raised (``change_ten_percent``)
   and committed an hour ahead of now, after every store change ("YAML
   changed and not applied");
4. ``plan --format json --out`` and the same with ``--explain-drift``, twice
   each, alternating; each row keeps the faster of its two runs. The plain
   plan is the floor of the row (``floor_wall_s``/``floor_cpu_s``): the ratio
   is measured side by side on the same store and project.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rows import Row

from inventory_as_code.wix import Adjustment, WixClient

HOUR = 3600
SALES_SHARE = 0.01
HISTORY = 200


def _git(project: Path, *args: str, at: float | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@e"}
    env.update(GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="b@e")
    if at is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{int(at)} +0000"
    subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)


def _commit(project: Path, message: str, at: float) -> None:
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "--allow-empty", "-m", message, at=at)


def _history(project: Path, since: float) -> None:
    """``HISTORY`` commits of one comment line each, in the catalog's files."""
    files = sorted((project / "catalog").rglob("*.yaml"))
    rng = random.Random(5)
    for k in range(HISTORY):
        path = rng.choice(files)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines.insert(rng.randrange(1, len(lines)), f"# restock note {k}\n")
        path.write_text("".join(lines), encoding="utf-8")
        _git(project, "commit", "-q", "-am", f"note {k}", at=since + 60 * (k + 1))


def _sell(emu: Any, site: str) -> int:
    """One unit sold of 1% of the default location's items that have stock."""
    client = WixClient(
        api_key="bench", site_id=site, base_url=emu.url, requests_per_minute=1_000_000
    )
    try:
        default = next(
            loc["id"] for loc in client.locations.query_stores() if loc.get("defaultLocation")
        )
        items = [
            i
            for i in client.inventory.query()
            if i.get("locationId") == default and (i.get("quantity") or 0) > 0
        ]
        chosen = items[:: max(1, round(1 / SALES_SHARE))]
        client.inventory.bulk_decrement(
            [Adjustment(1, inventory_item_id=i["id"]) for i in chosen], reason="ORDER"
        )
        return len(chosen)
    finally:
        client.close()


def drift_step(
    bench: Any,
    tool: str,
    emu: Any,
    env: dict[str, str],
    project: Path,
    case: Path,
    size: int,
    setting: str,
    change_ten_percent: Any,
) -> None:
    now = time.time()
    if not (project / ".git").exists():
        _git(project, "init", "-q")
    _commit(project, "the catalog, as applied", now - 3 * 24 * HOUR)
    _history(project, now - 3 * 24 * HOUR)
    sold = _sell(emu, env["WIX_SITE_ID"])
    raised = change_ten_percent(project, seed=11)
    _commit(project, "stock raised, not applied", time.time() + HOUR)
    base = [tool, "plan", str(project), *bench.site_args, "--format", "json"]
    runs: dict[str, list[Any]] = {"plain": [], "explained": []}
    for _ in (1, 2):
        for name, extra in (("plain", []), ("explained", ["--explain-drift"])):
            out = case / f"plan-drift-{name}.json"
            run, counts, _ = bench.measured(
                emu, [*base, "--out", str(out), *extra], env=env, cwd=case, name=f"drift_{name}"
            )
            runs[name].append((run, counts))
    plain, _ = min(runs["plain"], key=lambda r: r[0].wall_s)
    explained, counts = min(runs["explained"], key=lambda r: r[0].wall_s)
    row = Row(size, setting, "plan_drift")
    row.calls, row.calls_by_route = sum(counts.values()), counts
    row.wall_s, row.cpu_s, row.peak_mb = explained.wall_s, explained.cpu_s, explained.peak_mb
    row.floor_wall_s, row.floor_cpu_s = plain.wall_s, plain.cpu_s
    for name, run in (("plain", plain), ("explained", explained)):
        if run.rc != 0:
            bench.problem(row, f"{name} plan exit code {run.rc}: {run.stderr[-600:]}")
    data = json.loads((case / "plan-drift-explained.json").read_text(encoding="utf-8"))
    causes = Counter(c["drift"]["cause"] for c in data["changes"])
    sales = sum(1 for c in data["changes"] if c["drift"]["likely_sale"])
    row.note = (
        f"{len(data['changes'])} change(s): {sold} sold in the store, {raised} raised in the "
        f"YAML, {HISTORY + 2} commits; causes {dict(sorted(causes.items()))}, "
        f"{sales} likely sale(s); history {data['metadata']['drift']['history']}; "
        f"plain plan {plain.wall_s:.2f} s wall, "
        f"{plain.cpu_s:.2f} s CPU, {plain.peak_mb:.0f} MB; runs (wall s) plain "
        f"{[round(r.wall_s, 2) for r, _ in runs['plain']]}, explained "
        f"{[round(r.wall_s, 2) for r, _ in runs['explained']]}"
    )
    if causes.get("unknown"):
        bench.problem(row, f"{causes['unknown']} change(s) of unknown cause")
    bench.rows.append(row)
    bench.print_row(row)


def drift_table(rows: list[Row]) -> list[str]:
    """Plain plan against ``plan --explain-drift``, measured in the same run."""
    lines = [
        "| size | setting | changes | plain plan wall s, CPU s | --explain-drift wall s, CPU s "
        "| wall ratio | CPU ratio | peak MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.step != "plan_drift" or not (r.wall_s and r.floor_wall_s and r.cpu_s):
            continue
        changes = r.note.split(" change(s)")[0]
        lines.append(
            f"| {r.size:,} | {r.setting} | {changes} | {r.floor_wall_s:.2f}, "
            f"{r.floor_cpu_s or 0:.2f} | {r.wall_s:.2f}, {r.cpu_s:.2f} | "
            f"{r.wall_s / r.floor_wall_s:.2f}x | {r.cpu_s / (r.floor_cpu_s or r.cpu_s):.2f}x "
            f"| {r.peak_mb or 0:.0f} |"
        )
    return lines
