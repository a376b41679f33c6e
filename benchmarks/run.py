"""The benchmark harness: the tool against an emulator server, step by step, measured.

    python benchmarks/run.py --sizes 100,2000,10000 --settings fast,realistic --profile \
        --out benchmarks/results.json --markdown docs/benchmarks.md \
        --findings benchmarks/findings.md

About 25 minutes on 2 cores (fast ~10, realistic ~15). Runs can also be split
and reported together: ``--include earlier.json`` (repeatable) adds an earlier
run's rows, ``--report-only`` runs nothing and only writes the report.

For every size (products x 5 variants x 3 locations) and setting:

1. ``benchmarks/gen_catalog.py`` writes the YAML project (default location
   policy ``set``, the two others ``at_least``).
2. The emulator runs as its own process (``inventory-as-code emulator serve``),
   so the tool's CPU time and memory are measured apart from the emulator's.
   ``fast``: no latency, no rate limit, and the tool's client-side limiter
   (180/min by default) lifted through a site in ``inventory-as-code.toml``.
   ``realistic``: ``--latency-ms 150 --rate-limit 200`` and the tool at its
   default client rate (180/min).
3. Steps, each the real CLI in a fresh process (GNU ``time`` gives its own CPU
   time and peak RSS; wall time around it):
   ``first_apply`` (apply of ``plan --out`` against an empty site),
   ``plan_nochange``, ``plan_10`` (after 10% of the stock quantities in the
   YAML went up by 1-9), ``apply_10`` (that saved plan), ``export``.
   API calls come from the emulator's request log (cleared before each step)
   and are cross-checked with the tool's own count.
4. Lower bounds. Reads (plan, export), as in the docstring of
   ``inventory_as_code/live/reader.py``: ceil(P/100) + ceil(V/1000) +
   ceil(I/1000) + ceil(L/100) + ceil(O/100) (the store's options) + 1 (Wix
   business locations) + 1 (catalog version check), each paged read at
   least one call. Writes (apply): the
   ``lower_bound`` of ``inventory_as_code.apply.calls`` on the saved plan.
   Realistic: the time floor the rate limit sets for them, calls / 200 per minute.
5. Baseline (``benchmarks/baseline.py``): a generic Terraform-style provider on
   an identical copy of the store (its own emulator process), same steps.
   Runs up to a call cap; beyond it the full figure is computed from the
   measured per-call cost (fast) or the rate-limit floor (realistic) and marked
   ``computed``. Its first apply is always computed (1 call per location,
   per product, per inventory item outside the default location).
6. Client-side floor (``benchmarks/floor.py``): the same pages with a bare
   httpx loop; plan CPU and wall are reported as ratios to it.
7. ``plan_drift`` (``benchmarks/drift_step.py``), last since it changes the
   store and the YAML: ``plan --explain-drift`` against a plain plan of the
   same drifted store, measured side by side.

Writes the results as JSON and a Markdown report (machine, command, date).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import apply_steps  # noqa: E402
import drift_step  # noqa: E402
import gen_catalog  # noqa: E402
import read_steps  # noqa: E402
from rows import Row  # noqa: E402

from inventory_as_code.apply.calls import (  # noqa: E402
    compile_from_metadata,
    lower_bound_from_metadata,
)
from inventory_as_code.plan.model import Plan  # noqa: E402

VENV_BIN = Path(sys.executable).parent
TOOL = str(VENV_BIN / "inventory-as-code")
PYTHON = sys.executable
STEPS = (
    "first_apply",
    "plan_new",
    "plan_nochange",
    "validate",
    "plan_incremental",
    "plan_target",
    "plan_10",
    "apply_10",
    "export",
    "plan_drift",
    *apply_steps.APPLY_STEPS,
)
SETTINGS = {
    "fast": {"latency_ms": 0.0, "rate_limit": None},
    "realistic": {"latency_ms": 150.0, "rate_limit": 200},
}
WIX_RATE_PER_MIN = 200
VARIANTS, LOCATIONS = 5, 3
FAST_SITE = """[sites.bench]
api_key_env = "WIX_API_KEY"
site_id_env = "WIX_SITE_ID"
requests_per_minute = 100000000
"""
READ_RE = re.compile(
    r"Read (\d+) location\(s\), (\d+) product\(s\), (\d+) variant\(s\), "
    r"(\d+) stock item\(s\) in (\d+) API call\(s\)"
)


# --- measuring a child process ----------------------------------------------------------


@dataclass
class Run:
    cmd: list[str]
    rc: int
    wall_s: float
    cpu_s: float
    peak_mb: float
    stdout: str
    stderr: str


def run_measured(
    cmd: list[str], *, env: dict[str, str], cwd: Path, timeout: float, log_dir: Path, name: str
) -> Run:
    """Run ``cmd`` under GNU time: its own user+sys CPU and peak RSS; wall time around it.

    Not ``wait4`` on a child of this process: Linux folds the RSS of the forked
    copy of the harness (which holds big plans in memory) into the child's peak
    across exec. ``/usr/bin/time`` is small, so the command it forks starts clean.
    """
    out_path, err_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    usage_path = log_dir / f"{name}.time"
    timed = ["/usr/bin/time", "-o", str(usage_path), "-f", "%e %U %S %M", *cmd]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            timed, env=env, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait(timeout=30)
        wall = time.perf_counter() - started
    fields = usage_path.read_text(encoding="utf-8").strip().splitlines()[-1].split()
    _, user, system, max_kb = (float(x) for x in fields[-4:])
    return Run(
        cmd=cmd,
        rc=rc,
        wall_s=wall,
        cpu_s=user + system,
        peak_mb=max_kb / 1024.0,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
    )


# --- the emulator process -----------------------------------------------------------------


class EmulatorProcess:
    """``inventory-as-code emulator serve`` on a free loopback port, in its own process."""

    def __init__(self, db: Path, setting: dict[str, Any], log: Path) -> None:
        cmd = [TOOL, "emulator", "serve", "--port", "0", "--db", str(db)]
        if setting["latency_ms"]:
            cmd += ["--latency-ms", str(setting["latency_ms"])]
        if setting["rate_limit"]:
            cmd += ["--rate-limit", str(setting["rate_limit"])]
        self.setting = setting
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            cmd,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
        )
        self.url = ""
        deadline = time.monotonic() + 30
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode()
            if not line:
                break
            found = re.search(r"listening on (http://\S+)", line)
            if found:
                self.url = found.group(1)
                break
        if not self.url:
            self.stop()
            raise RuntimeError(f"the emulator did not start: {cmd}")
        # Drain the rest of its stdout so it never blocks on a full pipe.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.admin = httpx.Client(base_url=self.url, timeout=120)

    def clear_log(self) -> None:
        self.admin.delete("/_emulator/requests").raise_for_status()

    def reset_rate_window(self) -> None:
        """Re-send the same faults: the emulator restarts its one-minute window."""
        body = {
            "latencyMs": self.setting["latency_ms"],
            "rateLimitPerMinute": self.setting["rate_limit"],
        }
        self.admin.put("/_emulator/faults", json=body).raise_for_status()

    def counts(self) -> dict[str, int]:
        return dict(self.admin.get("/_emulator/counts").json()["counts"])

    def statuses(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for entry in self.admin.get("/_emulator/requests").json()["requests"]:
            key = str(entry.get("status"))
            out[key] = out.get(key, 0) + 1
        return out

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.admin.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


@contextlib.contextmanager
def emulator(db: Path, setting: dict[str, Any], log: Path) -> Iterator[EmulatorProcess]:
    emu = EmulatorProcess(db, setting, log)
    try:
        yield emu
    finally:
        emu.stop()


# --- the work -------------------------------------------------------------------------------


def change_ten_percent(project: Path, seed: int = 7) -> int:
    """Raise 10% of all stock quantities in the YAML by 1-9; returns how many."""
    files = sorted((project / "catalog").rglob("*.yaml"))
    stock = re.compile(r"stock: \{([^}]*)\}")
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    slots = []  # (file, match index, entry index)
    for path, text in texts.items():
        for m_index, match in enumerate(stock.finditer(text)):
            for e_index, _ in enumerate(match.group(1).split(", ")):
                slots.append((path, m_index, e_index))
    rng = random.Random(seed)
    chosen = rng.sample(range(len(slots)), k=len(slots) // 10)
    by_file: dict[Path, set[tuple[int, int]]] = {}
    for index in chosen:
        path, m_index, e_index = slots[index]
        by_file.setdefault(path, set()).add((m_index, e_index))
    for path, picks in by_file.items():
        counter = iter(range(1 << 30))

        def bump(
            match: re.Match[str],
            picks: set[tuple[int, int]] = picks,
            counter: Iterator[int] = counter,
        ) -> str:
            m_index = next(counter)
            entries = match.group(1).split(", ")
            for e_index, entry in enumerate(entries):
                if (m_index, e_index) in picks:
                    name, value = entry.rsplit(": ", 1)
                    entries[e_index] = f"{name}: {int(value) + rng.randint(1, 9)}"
            return "stock: {" + ", ".join(entries) + "}"

        path.write_text(stock.sub(bump, texts[path]), encoding="utf-8")
    return len(chosen)


def read_lower_bound(
    locations: int, products: int, variants: int, items: int, options: int = 1
) -> int:
    """The reader's pages (the store's options too: the generated catalog has one, Size)."""
    pages = [(products, 100), (variants, 1000), (items, 1000), (locations, 100), (options, 100)]
    return sum(max(1, math.ceil(n / size)) for n, size in pages) + 1 + 1


def plan_write_bound(plan_file: Path) -> tuple[int, int]:
    data = read_steps.plan_json(plan_file)
    plan = Plan.from_dict(data)
    return lower_bound_from_metadata(plan), compile_from_metadata(plan).total


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.rows: list[Row] = []
        self.problems: list[str] = []
        self.profile: dict[str, Any] | None = None
        self.site_args: list[str] = []
        self.last_write = time.monotonic()

    def env_for(self, emu: EmulatorProcess, site: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env.update(
            WIX_API_BASE_URL=emu.url, WIX_API_KEY="bench-key", WIX_SITE_ID=site, NO_COLOR="1"
        )
        return env

    def problem(self, row: Row, message: str) -> None:
        row.ok = False
        row.note = (row.note + "; " if row.note else "") + message
        self.problems.append(f"{row.size} {row.setting} {row.step}: {message}")
        print(f"  PROBLEM: {message}", flush=True)

    def measured(
        self, emu: EmulatorProcess, cmd: list[str], *, env: dict[str, str], cwd: Path, name: str
    ) -> tuple[Run, dict[str, int], dict[str, int]]:
        emu.clear_log()
        if emu.setting["rate_limit"]:
            emu.reset_rate_window()
        run = run_measured(
            cmd, env=env, cwd=cwd, timeout=self.args.timeout, log_dir=self.logs, name=name
        )
        counts = emu.counts()
        statuses = emu.statuses() if emu.setting["rate_limit"] else {}
        return run, counts, statuses

    # One size in one setting: all steps, the tool and the baseline side by side.
    def run_case(self, size: int, setting_name: str) -> None:
        setting = SETTINGS[setting_name]
        realistic = setting_name == "realistic"
        case = self.work / f"{size}-{setting_name}"
        case.mkdir(parents=True)
        self.logs = case / "logs"
        self.logs.mkdir()
        project = case / "project"
        gen_catalog.generate(project, size, VARIANTS, LOCATIONS, files=20, seed=1)
        site = f"bench-{size}-{setting_name}"
        # The tool's client keeps under 180 requests/min by default. In the fast setting
        # that limiter would be what is measured, so the tool talks to a named site
        # without it; realistic keeps the default, as a user would.
        site_args: list[str] = []
        if not realistic:
            for folder in (project, case):
                (folder / "inventory-as-code.toml").write_text(FAST_SITE, encoding="utf-8")
            site_args = ["--site", "bench"]
        self.site_args = site_args
        steps = set(self.args.steps)
        cap = self.args.baseline_cap_realistic if realistic else self.args.baseline_cap_fast
        print(f"== {size} products, {setting_name}", flush=True)
        with emulator(case / "tool.db", setting, case / "emulator.log") as emu:
            env = self.env_for(emu, site)
            tool = [TOOL]

            # first apply: plan a new catalog against an empty site, apply the saved plan.
            # Saved compressed, as a catalog this size should be (docs/plan-and-apply.md).
            new_plan = case / "plan-new.json.gz"
            prep, prep_counts, _ = self.measured(
                emu,
                [
                    *tool,
                    "plan",
                    str(project),
                    *site_args,
                    "--format",
                    "json",
                    "--out",
                    str(new_plan),
                ],
                env=env,
                cwd=case,
                name="plan-new",
            )
            if prep.rc != 0:
                raise RuntimeError(f"plan of the new catalog failed: {prep.stderr[-2000:]}")
            if "plan_new" in steps:
                new_row = read_steps.plan_new_row(size, setting_name, prep, prep_counts, new_plan)
                self.rows.append(new_row)
                self.print_row(new_row)
            row = Row(size, setting_name, "first_apply")
            bound, compiled = plan_write_bound(new_plan)
            run, counts, statuses = self.measured(
                emu,
                [
                    *tool,
                    "apply",
                    str(new_plan),
                    "--project",
                    str(project),
                    *site_args,
                    "--report-json",
                    str(case / "apply-new.json"),
                ],
                env=env,
                cwd=case,
                name="first_apply",
            )
            self.fill_apply(row, run, counts, statuses, case / "apply-new.json", bound, compiled)
            self.last_write = time.monotonic()
            new_data = read_steps.plan_json(new_plan)
            creates = new_data["changes"]
            n_products = sum(1 for c in creates if c["kind"] == "product")
            n_locations = sum(1 for c in creates if c["kind"] == "location")
            default = new_data["metadata"].get("default_location")
            n_items_elsewhere = sum(
                1
                for c in creates
                if c["kind"] == "stock" and (c.get("keys") or {}).get("location") != default
            )
            row.baseline_calls = n_locations + n_products + n_items_elsewhere
            row.baseline_computed = True
            row.baseline_note = "computed: 1 call per location, product, non-default item"
            if "first_apply" in steps:
                self.rows.append(row)
            self.print_row(row)
            apply_steps.show_steps(self, TOOL, emu, env, case, size, setting_name, steps)

            # The baseline gets an identical copy of the store, in its own emulator process.
            base_db = case / "baseline.db"
            with (
                contextlib.closing(sqlite3.connect(case / "tool.db")) as src,
                contextlib.closing(sqlite3.connect(base_db)) as dst,
            ):
                src.backup(dst)
            with emulator(base_db, setting, case / "emulator-baseline.log") as bemu:
                benv = self.env_for(bemu, site)
                per_call_wall: list[float] = []

                def baseline(step_row: Row, args: list[str], full_calls: int, name: str) -> None:
                    if self.args.no_baseline:
                        return
                    rpm = "180" if realistic else "1e9"
                    cmd = [PYTHON, str(HERE / "baseline.py"), *args, "--cap", str(cap)]
                    cmd += ["--requests-per-minute", rpm]
                    brun, bcounts, _ = self.measured(bemu, cmd, env=benv, cwd=case, name=name)
                    if brun.rc != 0:
                        self.problem(step_row, f"baseline failed: {brun.stderr[-500:]}")
                        return
                    result = json.loads(brun.stdout.strip().splitlines()[-1])
                    made = sum(bcounts.values())
                    if made != result["calls"]:
                        step_row.baseline_note += (
                            f" (emulator saw {made}, baseline {result['calls']})"
                        )
                    # A capped plan finds only some of the changes, so an apply of its
                    # list writes fewer than the full count: scale that one up too.
                    if result["capped"] or made < full_calls:
                        step_row.baseline_calls = full_calls
                        step_row.baseline_computed = True
                        if realistic:
                            step_row.baseline_wall_s = full_calls * 60.0 / WIX_RATE_PER_MIN
                            step_row.baseline_note = (
                                f"ran {made} calls ({brun.wall_s:.1f} s), then computed: "
                                f"rate-limit floor of {full_calls} calls"
                            )
                        elif made == 0 and per_call_wall:
                            # The capped plan found no changes to write: use the
                            # per-call cost its reads measured on the same store.
                            step_row.baseline_wall_s = full_calls * per_call_wall[-1]
                            step_row.baseline_note = (
                                f"capped plan left nothing to write; computed: {full_calls} "
                                f"calls at the plan's {per_call_wall[-1] * 1000:.2f} ms per call"
                            )
                        else:
                            scale = full_calls / max(made, 1)
                            step_row.baseline_wall_s = brun.wall_s * scale
                            step_row.baseline_cpu_s = brun.cpu_s * scale
                            step_row.baseline_note = (
                                f"ran {made} calls in {brun.wall_s:.1f} s "
                                f"(CPU {brun.cpu_s:.1f} s), then computed per call "
                                f"for {full_calls}"
                            )
                        if made:
                            per_call_wall.append(brun.wall_s / made)
                    else:
                        step_row.baseline_calls = made
                        step_row.baseline_wall_s = brun.wall_s
                        step_row.baseline_cpu_s = brun.cpu_s
                        step_row.baseline_note = f"measured; {result['changes']} changed item(s)"
                        per_call_wall.append(brun.wall_s / max(made, 1))

                # plan, nothing changed
                live_counts = self.plan_step(
                    emu,
                    env,
                    project,
                    case,
                    size,
                    setting_name,
                    "plan_nochange",
                    expect_empty=True,
                    baseline=baseline,
                    record="plan_nochange" in steps,
                )
                for step_name, run_step in (
                    ("validate", read_steps.validate_step),
                    ("plan_incremental", read_steps.incremental_step),
                    ("plan_target", read_steps.target_step),
                ):
                    if step_name in steps:
                        run_step(self, TOOL, emu, env, project, case, size, setting_name)
                apply_steps.plan_mode_steps(
                    self, TOOL, emu, env, project, case, size, setting_name, steps
                )
                if "apply_target" in steps:
                    apply_steps.apply_target_step(
                        self, TOOL, emu, env, project, case, size, setting_name
                    )
                # fill the computed first-apply baseline now that a per-call cost is known
                fa = next(
                    (
                        r
                        for r in self.rows
                        if r.size == size and r.setting == setting_name and r.step == "first_apply"
                    ),
                    None,
                )
                if fa is not None and fa.baseline_calls:
                    if realistic:
                        fa.baseline_wall_s = fa.baseline_calls * 60.0 / WIX_RATE_PER_MIN
                    elif per_call_wall:
                        fa.baseline_wall_s = fa.baseline_calls * per_call_wall[0]

                changed = change_ten_percent(project)
                print(f"  changed {changed} stock quantities in the YAML", flush=True)
                saved10 = case / "plan-10.json"
                self.plan_step(
                    emu,
                    env,
                    project,
                    case,
                    size,
                    setting_name,
                    "plan_10",
                    expect_empty=False,
                    baseline=baseline,
                    record="plan_10" in steps,
                    out=saved10,
                    expected_changes=changed,
                    baseline_out=case / "baseline-changes.json",
                )
                row = Row(size, setting_name, "apply_10")
                bound, compiled = plan_write_bound(saved10)
                run, counts, statuses = self.measured(
                    emu,
                    [
                        *tool,
                        "apply",
                        str(saved10),
                        "--project",
                        str(project),
                        *site_args,
                        "--report-json",
                        str(case / "apply-10.json"),
                    ],
                    env=env,
                    cwd=case,
                    name="apply_10",
                )
                self.fill_apply(row, run, counts, statuses, case / "apply-10.json", bound, compiled)
                if realistic:
                    row.baseline_calls = changed
                    row.baseline_computed = True
                    row.baseline_wall_s = changed * 60.0 / WIX_RATE_PER_MIN
                    row.baseline_note = "computed: 1 PATCH per changed item at 200/min"
                else:
                    baseline(
                        row, ["apply", str(case / "baseline-changes.json")], changed, "b-apply_10"
                    )
                if "apply_10" in steps:
                    self.rows.append(row)
                self.print_row(row)

                if not realistic or self.args.verify_realistic:
                    self.plan_step(
                        emu,
                        env,
                        project,
                        case,
                        size,
                        setting_name,
                        "plan_after_apply",
                        expect_empty=True,
                        baseline=None,
                        record=False,
                    )
                if "export" in steps:
                    self.export_step(emu, env, case, size, setting_name, live_counts)
                if self.args.profile and not realistic and size == max(self.args.sizes):
                    self.run_profile(env, project, case)
                if "plan_drift" in steps:  # last: it changes the store and the YAML
                    drift_step.drift_step(
                        self, TOOL, emu, env, project, case, size, setting_name, change_ten_percent
                    )

    def fill_apply(
        self,
        row: Row,
        run: Run,
        counts: dict[str, int],
        statuses: dict[str, int],
        report: Path,
        bound: int,
        compiled: int,
    ) -> None:
        row.calls = sum(counts.values())
        row.calls_by_route = counts
        row.statuses = statuses
        row.wall_s, row.cpu_s, row.peak_mb = run.wall_s, run.cpu_s, run.peak_mb
        row.lower_bound = bound
        row.lower_bound_what = "writes (apply.calls.lower_bound)"
        if row.setting == "realistic":
            row.rate_floor_s = bound * 60.0 / WIX_RATE_PER_MIN
        if run.rc != 0:
            self.problem(row, f"apply exit code {run.rc}: {run.stderr[-500:]}")
        if report.exists():
            data = json.loads(report.read_text(encoding="utf-8"))
            row.tool_calls = data.get("total_calls")
            writes = sum(
                n
                for name, n in counts.items()
                if not name.endswith((".query", ".get", ".get-version", ".list"))
            )
            reads = row.calls - writes
            row.note = (
                f"{writes} write(s) + {reads} read(s); compiled {compiled}; "
                f"report {data.get('total_calls')} (+1 catalog version check)"
            )
            if writes != bound:
                self.problem(row, f"write calls {writes} != lower bound {bound}")
            failed = [
                o
                for o in data.get("outcomes", data.get("changes", []))
                if isinstance(o, dict) and o.get("status") not in (None, "applied")
            ]
            if failed:
                self.problem(row, f"{len(failed)} change(s) not applied")

    def plan_step(
        self,
        emu: EmulatorProcess,
        env: dict[str, str],
        project: Path,
        case: Path,
        size: int,
        setting: str,
        step: str,
        *,
        expect_empty: bool,
        baseline: Any,
        record: bool,
        out: Path | None = None,
        expected_changes: int | None = None,
        baseline_out: Path | None = None,
    ) -> tuple[int, int, int, int]:
        row = Row(size, setting, step)
        out = out or case / f"{step}.json"
        cmd = [TOOL, "plan", str(project), *self.site_args, "--format", "json", "--out", str(out)]
        run, counts, statuses = self.measured(emu, cmd, env=env, cwd=case, name=step)
        row.calls, row.calls_by_route, row.statuses = sum(counts.values()), counts, statuses
        row.wall_s, row.cpu_s, row.peak_mb = run.wall_s, run.cpu_s, run.peak_mb
        found = READ_RE.search(run.stderr)
        if run.rc != 0 or not found:
            self.problem(row, f"plan exit code {run.rc}: {run.stderr[-800:]}")
            self.rows.append(row)
            return (0, 0, 0, 0)
        locations, products, variants, items, tool_reads = map(int, found.groups())
        row.tool_calls = tool_reads + 1  # the tool's count leaves out the catalog version check
        row.lower_bound = read_lower_bound(locations, products, variants, items)
        row.lower_bound_what = "reads (reader formula + 1 business + 1 version)"
        if setting == "realistic":
            row.rate_floor_s = row.lower_bound * 60.0 / WIX_RATE_PER_MIN
        data = json.loads(out.read_text(encoding="utf-8"))
        summary = data["summary"]
        n_changes = len(data["changes"])
        row.note = f"plan: {n_changes} change(s) {summary}"
        if row.tool_calls != row.calls:
            self.problem(row, f"tool counts {row.tool_calls} calls, emulator saw {row.calls}")
        if row.calls != row.lower_bound:
            self.problem(row, f"read calls {row.calls} != lower bound {row.lower_bound}")
        if expect_empty and n_changes:
            self.problem(row, f"expected 'No changes.', got {n_changes} change(s)")
        if expected_changes is not None and n_changes != expected_changes:
            self.problem(row, f"expected {expected_changes} change(s), got {n_changes}")
        if step == "plan_nochange":
            self.floor_step(emu, env, case, row, project)
        if baseline is not None:
            full = 1 + math.ceil(products / 100) + products + math.ceil(items / 1000) + items
            args = ["plan", str(project)]
            if baseline_out is not None:
                args += ["--out", str(baseline_out)]
            baseline(row, args, full, f"b-{step}")
        if record:
            self.rows.append(row)
        self.print_row(row)
        return (locations, products, variants, items)

    def floor_step(
        self, emu: EmulatorProcess, env: dict[str, str], case: Path, row: Row, project: Path
    ) -> None:
        """The floor of issue 22: the same pages (orjson) and the same YAML (CSafeLoader)."""
        cmd = [PYTHON, str(HERE / "floor.py"), "--yaml", str(project)]
        run, counts, _ = self.measured(emu, cmd, env=env, cwd=case, name="floor")
        if run.rc != 0:
            self.problem(row, f"floor failed: {run.stderr[-500:]}")
            return
        row.floor_wall_s, row.floor_cpu_s = run.wall_s, run.cpu_s
        loop = json.loads(run.stdout.strip().splitlines()[-1])
        row.note += (
            f"; floor (pages decoded with {loop['decoder']}, YAML with CSafeLoader): "
            f"{sum(counts.values())} pages, {run.cpu_s:.2f} s CPU ({loop['loop_cpu_s']} s the "
            f"pages, {loop['yaml_cpu_s']} s the YAML), {run.peak_mb:.0f} MB"
        )
        pages, _, _ = self.measured(
            emu, [PYTHON, str(HERE / "floor.py")], env=env, cwd=case, name="floor-pages"
        )
        if pages.rc == 0:
            row.note += f"; the pages alone (issue 13's floor): {pages.cpu_s:.2f} s CPU"

    def export_step(
        self,
        emu: EmulatorProcess,
        env: dict[str, str],
        case: Path,
        size: int,
        setting: str,
        live: tuple[int, int, int, int],
    ) -> None:
        row = Row(size, setting, "export")
        out = case / "exported"
        cmd = [TOOL, "export", "--out", str(out), "--policy", "set", "--force", *self.site_args]
        run, counts, statuses = self.measured(emu, cmd, env=env, cwd=case, name="export")
        row.calls, row.calls_by_route, row.statuses = sum(counts.values()), counts, statuses
        row.wall_s, row.cpu_s, row.peak_mb = run.wall_s, run.cpu_s, run.peak_mb
        row.lower_bound = read_lower_bound(*live)
        row.lower_bound_what = "reads (reader formula + 1 business + 1 version)"
        if setting == "realistic":
            row.rate_floor_s = row.lower_bound * 60.0 / WIX_RATE_PER_MIN
        found = re.search(r"(\d+) API call\(s\)", run.stdout)
        row.tool_calls = int(found.group(1)) if found else None
        if run.rc != 0:
            self.problem(row, f"export exit code {run.rc}: {run.stderr[-800:]}")
        if "shows no changes" not in run.stdout:
            self.problem(row, "export round trip was not clean: " + run.stdout[-800:])
        if row.tool_calls != row.calls:
            self.problem(row, f"export reports {row.tool_calls} calls, emulator saw {row.calls}")
        if row.calls != row.lower_bound:
            self.problem(row, f"read calls {row.calls} != lower bound {row.lower_bound}")
        row.baseline_note = "n/a (a generic provider has no export)"
        self.rows.append(row)
        self.print_row(row)

    def run_profile(self, env: dict[str, str], project: Path, case: Path) -> None:
        prof = case / "plan.prof"
        cmd = [
            PYTHON,
            "-m",
            "cProfile",
            "-o",
            str(prof),
            "-m",
            "inventory_as_code",
            "plan",
            str(project),
            *self.site_args,
            "--format",
            "json",
            "--out",
            str(case / "plan-prof.json"),
        ]
        run = run_measured(
            cmd, env=env, cwd=case, timeout=self.args.timeout, log_dir=self.logs, name="profile"
        )
        if run.rc != 0:
            self.problems.append(f"profile run failed: {run.stderr[-500:]}")
            return
        self.profile = {
            "size": max(self.args.sizes),
            "wall_s": run.wall_s,
            "cpu_s": run.cpu_s,
            "top": profile_top(prof),
        }

    @staticmethod
    def print_row(row: Row) -> None:
        print("  " + " | ".join(table_cells(row)), flush=True)


def profile_top(prof: Path, limit: int = 25) -> list[dict[str, Any]]:
    import pstats

    stats = pstats.Stats(str(prof))
    rows = []
    for (filename, line, func), (_, ncalls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "inventory_as_code" not in filename:
            continue
        short = filename[filename.index("inventory_as_code") :]
        rows.append(
            {
                "function": f"{short}:{line}({func})",
                "calls": ncalls,
                "tottime_s": round(tottime, 3),
                "cumtime_s": round(cumtime, 3),
            }
        )
    rows.sort(key=lambda r: -r["cumtime_s"])
    return rows[:limit]


# --- reporting ------------------------------------------------------------------------------

HEADER = [
    "size",
    "setting",
    "step",
    "calls",
    "lower bound",
    "wall s",
    "rate floor s",
    "CPU s",
    "peak MB",
    "baseline calls",
    "baseline wall s",
    "calls ratio",
    "wall ratio",
]


def fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def table_cells(row: Row) -> list[str]:
    star = "*" if row.baseline_computed else ""
    calls_ratio = (
        f"{row.baseline_calls / row.calls:,.0f}x" if row.baseline_calls and row.calls else ""
    )
    wall_ratio = (
        f"{row.baseline_wall_s / row.wall_s:,.1f}x{star}"
        if row.baseline_wall_s and row.wall_s
        else ""
    )
    return [
        f"{row.size:,}",
        row.setting,
        row.step + ("" if row.ok else " (!)"),
        "" if row.calls is None else f"{row.calls:,}",
        "" if row.lower_bound is None else f"{row.lower_bound:,}",
        fmt(row.wall_s),
        fmt(row.rate_floor_s, 1),
        fmt(row.cpu_s),
        fmt(row.peak_mb, 0),
        "" if row.baseline_calls is None else f"{row.baseline_calls:,}{star}",
        fmt(row.baseline_wall_s, 1) + star if row.baseline_wall_s else "",
        calls_ratio,
        wall_ratio,
    ]


def floor_table(rows: list[Row]) -> list[str]:
    lines = [
        "| size | setting | plan wall s | floor wall s | wall ratio | plan CPU s "
        "| floor CPU s | CPU ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.step == "plan_nochange" and r.floor_cpu_s:
            lines.append(
                f"| {r.size:,} | {r.setting} | {fmt(r.wall_s)} | {fmt(r.floor_wall_s)} | "
                f"{r.wall_s / r.floor_wall_s:.2f}x | {fmt(r.cpu_s)} | {fmt(r.floor_cpu_s)} | "
                f"{r.cpu_s / r.floor_cpu_s:.2f}x |"
            )
    return lines


def sh(cmd: str) -> str:
    try:
        return subprocess.run(
            cmd, shell=True, capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except subprocess.SubprocessError:
        return "?"


def machine() -> dict[str, str]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": sh("nproc"),
        "memory": sh("free -h | awk '/^Mem:/ {print $2}'"),
        "free_h": sh("free -h"),
        "python": platform.python_version(),
        "cpu": cpu,
        "platform": platform.platform(),
        "date": sh("date"),
    }


def markdown(results: dict[str, Any]) -> str:
    rows = [Row(**r) for r in results["rows"]]
    m = results["machine"]
    out = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/run.py` (the harness; its docstring explains every",
        "measurement). Numbers below come from the runs listed; rerun to refresh.",
        "",
        f"- Report written: {m['date']}",
        f"- Machine: {m['nproc']} CPU(s) ({m['cpu']}), {m['memory']} RAM, "
        f"Python {m['python']}, {m['platform']}",
        "- Command(s), in order (each run's figures are in the one table below):",
        *[
            f"  - `{run['command']}` ({run['date']}, took {run['duration_s'] / 60:.1f} min, "
            f"code at {run.get('commit', '?')})"
            for run in results["runs"]
        ],
        *(
            [f"- Report assembled with: `{results['report_command']}`"]
            if results.get("report_command")
            else []
        ),
        "",
        "Store: N products x 5 variants x 3 locations (N x 15 inventory items), generated",
        "by `benchmarks/gen_catalog.py`; default location policy `set`, the other two",
        "`at_least`. `plan_10` raises 10% of all quantities by 1-9, so a third of the",
        "changes are `set` (bulk update) and two thirds `at_least` (bulk increment).",
        "",
        "Settings: **fast** = emulator without latency or rate limit, and the tool's own",
        "client-side limiter lifted (a site in `inventory-as-code.toml` with",
        "`requests_per_minute = 100000000`): our own cost;",
        "**realistic** = emulator with 150 ms latency per request and a 200/min rate limit,",
        "the tool at its default 180/min (what a user waits for). The emulator runs in its",
        "own process; CPU s and peak MB are the tool process alone (GNU `time`).",
        "",
        "Columns: *calls* from the emulator's request log; *lower bound*: for plan and",
        "export the reads ceil(P/100)+ceil(V/1000)+ceil(I/1000)+ceil(L/100)+1 business",
        "locations +1 catalog version; for apply the write calls",
        "`inventory_as_code.apply.calls.lower_bound` gives for the plan (apply also makes",
        "reads, broken down in the notes). *rate floor s* = lower bound / 200 per minute.",
        "*baseline*: a generic Terraform-style provider (`benchmarks/baseline.py`: one Get",
        "per product and per inventory item, one PATCH per changed item, parallelism 10) on",
        "an identical copy of the store. `*` = computed (see notes), not measured in full.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    out += ["| " + " | ".join(table_cells(r)) + " |" for r in rows]
    out += [
        "",
        "## Client-side floor",
        "",
        "`benchmarks/floor.py` fetches and JSON-parses the same pages with a bare",
        "sequential httpx loop (process start-up included, as for the tool), each page",
        "decoded and let go, the garbage collector paused and frozen as the tool does it",
        "(a fair floor; the first version kept every page with the collector running and",
        "spent half its CPU in collections: its figure is in the notes, 'as before').",
        "",
    ]
    out += floor_table(rows)
    out += [
        "",
        "## Ratios (each row measured in one run)",
        "",
        "Tool CPU against the fair floor (`benchmarks/floor.py`: the same pages, decoded with",
        "`json.loads` and let go, the collector paused and frozen as the tool does it);",
        "`plan --changed-since HEAD` of a one-product price edit, and `plan --refresh",
        "incremental` of the unchanged store (second run, from the first run's snapshot),",
        "against `plan_nochange` (a full read) of the same run.",
        "",
        *read_steps.ratio_table(rows),
    ]
    drift = drift_step.drift_table(rows)
    if len(drift) > 2:
        out += [
            "",
            "## Drift explained: `plan --explain-drift` against a plain plan",
            "",
            "`plan_drift` (`benchmarks/drift_step.py`): the store after 1% of the default",
            "location's items sold a unit and the YAML after 10% of all quantities were raised",
            "and committed, in a repository of 202 commits (one blame per catalog file follows",
            "them all); the plain `plan` and `plan --explain-drift` of that same store and",
            "project, twice each, alternating, the faster run of each kept. Issue 20.3's",
            "budget: the explained plan within 1.5x of the plain one.",
            "",
            *drift,
        ]
    if results.get("findings"):
        out += ["", results["findings"].rstrip()]
    out += ["", "## Targets (checked by the harness)", "", *results.get("targets", [])]
    out += ["", "## Issue 13 goals", "", *read_steps.goals(rows)]
    out += ["", "## Notes per row", ""]
    for r in rows:
        out.append(
            f"- {r.size:,} {r.setting} {r.step}: {r.note}"
            + (f"; baseline: {r.baseline_note}" if r.baseline_note else "")
            + (f"; HTTP statuses {r.statuses}" if r.statuses else "")
        )
    if results.get("problems"):
        out += ["", "## Problems found", ""] + [f"- {p}" for p in results["problems"]]
    prof = results.get("profile")
    if prof:
        out += [
            "",
            "## Where the time goes",
            "",
            f"cProfile of `plan` on the {prof['size']:,}-product store, fast setting "
            f"({prof['wall_s']:.1f} s wall under the profiler, {prof['cpu_s']:.1f} s CPU). "
            "Our own modules, by cumulative time:",
            "",
            "| function | calls | own s | cumulative s |",
            "|---|---|---|---|",
        ]
        out += [
            f"| `{p['function']}` | {p['calls']} | {p['tottime_s']} | {p['cumtime_s']} |"
            for p in prof["top"]
        ]
    return "\n".join(out) + "\n"


def check_targets(rows: list[Row], problems: list[str]) -> list[str]:
    lines = []
    measured = [r for r in rows if r.calls is not None and r.lower_bound is not None]
    reads = [r for r in measured if r.step != "first_apply" and r.step != "apply_10"]
    bad = [r for r in reads if r.calls != r.lower_bound]
    lines.append(
        f"- Reads equal the lower bound: {len(reads) - len(bad)} of {len(reads)} plan/export "
        "rows"
        + (
            ": misses "
            + ", ".join(f"{r.size} {r.setting} {r.step} {r.calls} vs {r.lower_bound}" for r in bad)
            if bad
            else "."
        )
    )
    for r in measured:
        if r.step in ("first_apply", "apply_10"):
            writes = sum(
                n
                for name, n in r.calls_by_route.items()
                if not name.endswith((".query", ".get", ".get-version", ".list"))
            )
            lines.append(
                f"- {r.size:,} {r.setting} {r.step}: {writes} write calls vs lower "
                f"bound {r.lower_bound}, plus {r.calls - writes} read(s)."
            )
    for r in rows:
        if (
            r.setting == "fast"
            and r.step == "plan_nochange"
            and r.size == max(x.size for x in rows)
        ):
            lines.append(
                f"- Plan of the {r.size:,}-product store, fast: {fmt(r.wall_s)} s wall "
                f"(target < 30 s), {fmt(r.peak_mb, 0)} MB peak (target < 1024 MB)."
            )
        if r.step == "plan_nochange" and r.floor_cpu_s:
            lines.append(
                f"- {r.size:,} {r.setting}: plan CPU {fmt(r.cpu_s)} s = "
                f"{r.cpu_s / r.floor_cpu_s:.2f}x the floor's {fmt(r.floor_cpu_s)} s "
                "(target <= 3x)."
            )
    return lines


def previous_runs(results: dict[str, Any]) -> list[dict[str, Any]]:
    return results.get("runs") or [
        {
            "command": results["command"],
            "date": results["machine"]["date"],
            "duration_s": results["duration_s"],
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="100,2000,10000", type=lambda s: [int(x) for x in s.split(",")]
    )
    parser.add_argument(
        "--settings", default="fast,realistic", type=lambda s: [x for x in s.split(",") if x]
    )
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        type=lambda s: [x for x in s.split(",") if x],
        help="steps to report (first apply and the 10%% edit always run)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--markdown", type=Path, help="write the report here too")
    parser.add_argument("--work", type=Path, help="keep the stores and logs here")
    parser.add_argument(
        "--baseline-cap-fast",
        type=int,
        default=10_000,
        help="calls the baseline may make per step, fast setting",
    )
    parser.add_argument(
        "--baseline-cap-realistic",
        type=int,
        default=60,
        help="calls the baseline may make per step, realistic setting",
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--verify-realistic",
        action="store_true",
        help="also re-plan after apply in the realistic setting",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile plan of the largest store (fast setting)"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="per step, seconds")
    parser.add_argument(
        "--include",
        type=Path,
        action="append",
        default=[],
        help="results JSON of an earlier run to report together with this one",
    )
    parser.add_argument(
        "--findings",
        type=Path,
        help="Markdown written by people about these figures, put into the report",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="run nothing; write the report of the --include results",
    )
    args = parser.parse_args()
    if args.report_only:
        args.sizes, args.settings = [], []
    for name in args.settings:
        if name not in SETTINGS:
            parser.error(f"unknown setting {name!r}")
    started = time.perf_counter()
    command = "python benchmarks/run.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    work = args.work or Path(tempfile.mkdtemp(prefix="iac-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args, work)
    try:
        for setting in args.settings:
            for size in args.sizes:
                try:
                    bench.run_case(size, setting)
                except Exception as exc:  # one failed case must not lose the others
                    bench.problems.append(f"{size} {setting}: {type(exc).__name__}: {exc}")
                    print(f"  FAILED: {exc}", flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    earlier = [json.loads(p.read_text(encoding="utf-8")) for p in args.include]
    rows = [Row(**r) for e in earlier for r in e["rows"]] + bench.rows
    profile = bench.profile or next((e["profile"] for e in earlier if e.get("profile")), None)
    this_run = {
        "command": command,
        "commit": sh(f"git -C {shlex.quote(str(REPO))} rev-parse --short HEAD")
        + sh(
            f"git -C {shlex.quote(str(REPO))} status --porcelain -- inventory_as_code"
            " | grep -q . && echo ' (+ uncommitted changes in inventory_as_code/)'"
        ),
        "date": sh("date"),
        "duration_s": time.perf_counter() - started,
    }
    results = {
        "runs": [run for e in earlier for run in previous_runs(e)]
        + ([] if args.report_only else [this_run]),
        "command": command,
        "machine": machine(),
        "duration_s": time.perf_counter() - started,
        "rows": [asdict(r) for r in rows],
        "problems": [p for e in earlier for p in e.get("problems", [])] + bench.problems,
        "profile": profile,
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    if args.report_only:
        results["report_command"] = command
    results["targets"] = check_targets(rows, results["problems"])
    if args.findings:
        results["findings"] = args.findings.read_text(encoding="utf-8")
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    text = markdown(results)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
