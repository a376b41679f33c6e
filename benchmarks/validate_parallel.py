"""Would ``validate`` gain from parsing files in parallel processes? Measured, not assumed.

Issue 22 asks for ``validate`` of 10,000 products in under 1.2 s on two
cores. This measures, in CPU seconds (the machine is shared, so wall time is
computed from CPU, see below):

* one process, as ``validate`` runs now: start-up (``python -c`` importing the
  loader), parse, schema, build, warnings (as ``validate_phases.py``);
* what a worker would have to send back: the parsed documents (with their
  positions) or the built products, pickled and unpickled;
* two forked workers (``multiprocessing``, fork: no second start-up) that
  each parse, check and build half of the product files after the parent
  has read the store-wide ones, sending their products back pickled; the
  CPU of each process is taken from ``resource.getrusage``.

The wall time on an idle two-core machine is then at least: the parent's
serial CPU (start-up, store-wide files, unpickling, cross-file checks,
warnings) plus the longer worker's CPU. Printed as JSON.

    python benchmarks/validate_parallel.py /tmp/ys10k --repeat 3
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from validate_phases import one_run

from inventory_as_code._gc import paused_gc
from inventory_as_code.config.build import ProjectBuilder
from inventory_as_code.config.files import select_files
from inventory_as_code.config.loader import store_wide_first
from inventory_as_code.config.problems import ProblemCollector
from inventory_as_code.config.projectfile import project_settings
from inventory_as_code.config.schema import check_document
from inventory_as_code.config.source import Reader
from inventory_as_code.config.warnings import state_warnings


def startup_cpu() -> float:
    """CPU of a fresh interpreter that imports what ``validate`` imports."""
    code = "import inventory_as_code.cli.validate, inventory_as_code.config.loader"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _setup(root: Path) -> tuple[Any, list[Any], int]:
    problems = ProblemCollector()
    notes = ProblemCollector(one_per_position=False)
    settings = project_settings(root, problems, notes)
    assert settings is not None
    sources = select_files(root, settings, problems, notes)
    ordered, store_wide = store_wide_first(sources, settings.limits.max_file_bytes)
    return settings, ordered, store_wide


def pickling(root: Path) -> dict[str, float]:
    """What sending the parsed documents, or the built products, between processes costs."""
    settings, ordered, _ = _setup(root)
    problems = ProblemCollector()
    reader = Reader(settings.limits, problems, ProblemCollector(one_per_position=False))
    with paused_gc():
        docs = [doc for _, doc in reader.documents(ordered)]
        clock = time.process_time
        started = clock()
        blob = pickle.dumps(docs, pickle.HIGHEST_PROTOCOL)
        out = {"documents_pickle_s": clock() - started, "documents_mb": len(blob) / 1e6}
        started = clock()
        pickle.loads(blob)
        out["documents_unpickle_s"] = clock() - started
        del blob
        builder = ProjectBuilder(problems)
        for doc in docs:
            builder.add(doc)
        del docs
        state = builder.build()
        products = dict(state.products)
        started = clock()
        blob = pickle.dumps(products, pickle.HIGHEST_PROTOCOL)
        out["products_pickle_s"] = clock() - started
        out["products_mb"] = len(blob) / 1e6
        started = clock()
        pickle.loads(blob)
        out["products_unpickle_s"] = clock() - started
    return {k: round(v, 3) for k, v in out.items()}


# --- two workers ----------------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _worker(files: list[Any]) -> tuple[bytes, float, float]:
    """Parse, check and build some product files (the store-wide ones are in the parent's
    builder, inherited by fork); the products pickled, this task's CPU, and the pickling's."""
    settings, builder = _STATE["settings"], _STATE["builder"]
    clock = time.process_time  # of this process (a fork starts at 0): read at both ends
    started = clock()
    problems = ProblemCollector()
    reader = Reader(settings.limits, problems, ProblemCollector(one_per_position=False))
    with paused_gc():
        for _, doc in reader.documents(files):
            check_document(doc, problems)
            builder.add(doc)
            builder.build_pending()
        pickled = clock()
        blob = pickle.dumps(dict(builder._built), pickle.HIGHEST_PROTOCOL)
    return blob, clock() - started, clock() - pickled


def two_workers(root: Path) -> dict[str, float]:
    clock = time.process_time
    started = clock()
    settings, ordered, store_wide = _setup(root)
    problems = ProblemCollector()
    reader = Reader(settings.limits, problems, ProblemCollector(one_per_position=False))
    builder = ProjectBuilder(problems)
    with paused_gc():
        for _, doc in reader.documents(ordered[:store_wide]):
            check_document(doc, problems)
            builder.add(doc)
        builder.build_pending()
    rest = ordered[store_wide:]
    halves = [rest[0::2], rest[1::2]]
    _STATE.update(settings=settings, builder=builder)
    before_fork = clock() - started
    wall = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.map(_worker, halves, chunksize=1)
    wall = time.perf_counter() - wall
    started = clock()
    with paused_gc():
        for blob, _, _ in results:
            builder._built.update(pickle.loads(blob))
        unpickled = clock() - started
        state = builder.build()
        list(state_warnings(state))
    after = clock() - started
    assert len(state.products) > 0 and not len(problems), problems.sorted()
    workers = [cpu for _, cpu, _ in results]
    return {
        "workers_pickle_s": [round(p, 3) for _, _, p in results],
        "parent_unpickle_s": round(unpickled, 3),
        "parent_before_fork_s": round(before_fork, 3),
        "workers_cpu_s": [round(w, 3) for w in workers],
        "parent_after_s": round(after, 3),
        "pool_wall_s": round(wall, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    serial = [one_run(args.project) for _ in range(args.repeat)]
    best = {phase: round(min(run[phase] for run in serial), 3) for phase in serial[0]}
    start = min(startup_cpu() for _ in range(args.repeat))
    pickled = min(
        (pickling(args.project) for _ in range(args.repeat)), key=lambda r: sum(r.values())
    )
    runs = [two_workers(args.project) for _ in range(args.repeat)]
    parallel = min(runs, key=lambda r: r["parent_before_fork_s"] + max(r["workers_cpu_s"]))
    one_process = start + sum(best.values())
    idle_wall = (
        start
        + parallel["parent_before_fork_s"]
        + max(parallel["workers_cpu_s"])
        + parallel["parent_after_s"]
    )
    total_cpu = (
        start
        + parallel["parent_before_fork_s"]
        + sum(parallel["workers_cpu_s"])
        + parallel["parent_after_s"]
    )
    print(
        json.dumps(
            {
                "startup_cpu_s": round(start, 3),
                "one_process_phases_cpu_s": best,
                "one_process_cpu_s": round(one_process, 3),
                "pickling": pickled,
                "two_workers": parallel,
                "two_workers_total_cpu_s": round(total_cpu, 3),
                "idle_two_core_wall_s_at_least": round(idle_wall, 3),
                "speed_up": round(one_process / idle_wall, 2),
                "parallel_efficiency": round(one_process / (2 * idle_wall), 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
