"""What checking a saved plan's shape costs next to reading it (plan/plan_shape.py).

`show` and `apply FILE` check every member of a plan file before anything reads
it. This times that check against the two steps it sits between, json.loads of
the file's text and Plan.from_dict, on a plan of CHANGES changes: the changes of
a first plan of examples/apparel-multi-location (locations, products, variants,
stock with preorder), repeated. Best of --repeat runs, CPU time of this process.

    python benchmarks/plan_shape.py --changes 210000
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from inventory_as_code.cli import main
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.plan_shape import check_plan_document

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "apparel-multi-location"


def first_plan() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "shop"
        shutil.copytree(EXAMPLE, project)
        out = Path(folder) / "plan.json"
        result = CliRunner().invoke(main, ["plan", str(project), "--out", str(out)])
        assert result.exit_code == 0, result.output
        return json.loads(out.read_text())  # type: ignore[no-any-return]


def best(step: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        step()
        times.append(time.process_time() - started)
    return min(times)


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=210_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plan = first_plan()
    sample = plan["changes"]
    plan["changes"] = [sample[i % len(sample)] for i in range(args.changes)]
    text = json.dumps(plan, separators=(",", ":"))
    loaded = json.loads(text)
    loads = best(lambda: json.loads(text), args.repeat)
    shape = best(lambda: check_plan_document(loaded), args.repeat)
    build = best(lambda: Plan.from_dict(loaded), args.repeat)
    print(
        f"{args.changes} changes, {len(text) / 1e6:.0f} MB of JSON: json.loads {loads:.2f} s, "
        f"shape check {shape:.2f} s, Plan.from_dict {build:.2f} s (CPU, best of {args.repeat})"
    )


if __name__ == "__main__":
    main_()
