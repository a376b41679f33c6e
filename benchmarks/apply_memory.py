"""Where ``apply`` holds its memory: peak RSS per phase, in one process.

    python benchmarks/apply_memory.py file PLAN.json.gz PROJECT [--report-json OUT]
    python benchmarks/apply_memory.py dir PROJECT [--report-json OUT]

Runs the real command (``apply FILE --project PROJECT`` or ``apply PROJECT
--auto-approve``) in this process, with its phases wrapped: at each boundary
the kernel's peak RSS (``VmHWM``) is read and reset (``/proc/self/clear_refs``),
so every phase gets its own peak. Against the embedded local store, the
emulator's engine and SQLite run in this process and count too; with
``--site`` (a site of the project's toml, as ``benchmarks/run.py`` writes
one, with ``WIX_API_BASE_URL`` pointing at an ``inventory-as-code emulator
serve`` process) only the tool is measured. The store must be as the plan
expects (an empty one for a first plan).
Linux only. Prints one line per phase: its peak, and the RSS when it ended.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PHASES: list[tuple[str, float, float, float]] = []  # name, peak MB, end MB, seconds
_state: dict[str, object] = {"name": "start-up", "since": time.monotonic()}


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _boundary(next_name: str) -> None:
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    now = time.monotonic()
    since = float(_state["since"])
    PHASES.append((str(_state["name"]), _status("VmHWM"), _status("VmRSS"), now - since))
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    _state["name"] = next_name
    _state["since"] = now


def _phase(module: Any, attr: str, name: str) -> None:
    inner: Callable[..., Any] = getattr(module, attr)

    @functools.wraps(inner)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _boundary(name)
        try:
            return inner(*args, **kwargs)
        finally:
            _boundary(f"after {name}")

    setattr(module, attr, wrapped)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["file", "dir"])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--report-json", type=Path)
    parser.add_argument("--site", help="a site of the project's inventory-as-code.toml")
    args = parser.parse_args()

    from inventory_as_code.apply import executor, readback
    from inventory_as_code.cli import _saved_plan
    from inventory_as_code.cli import apply as apply_cli
    from inventory_as_code.cli import main as cli_main

    _phase(_saved_plan, "read_plan_file", "read_plan_file")
    _phase(_saved_plan, "load_desired", "load YAML")
    _phase(_saved_plan, "replan_for_saved", "fresh plan")
    _phase(_saved_plan, "bound_to", "bind")
    _phase(apply_cli, "make_plan", "plan (apply DIR)")
    _phase(apply_cli, "render_text", "render plan")
    _phase(executor.Executor, "run", "execute")
    _phase(executor, "verify", "read back")
    _phase(apply_cli, "_finish", "report")
    del readback

    if args.mode == "file":
        plan, project = args.paths
        argv = ["apply", str(plan), "--project", str(project)]
    else:
        (project,) = args.paths
        argv = ["apply", str(project), "--auto-approve"]
    if args.report_json:
        argv += ["--report-json", str(args.report_json)]
    if args.site:
        argv += ["--site", args.site]
    sys.argv = ["inventory-as-code", *argv]
    code: object = 0
    try:
        cli_main()
    except SystemExit as exc:
        code = exc.code
    _boundary("end")
    print(f"exit code {code}", file=sys.stderr)
    for name, peak, end, seconds in PHASES:
        print(
            f"{name:<28} peak {peak:8.0f} MB  end {end:8.0f} MB  {seconds:7.1f} s", file=sys.stderr
        )
    print(f"{'overall':<28} peak {max(p for _, p, _, _ in PHASES):8.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
