"""Where ``validate`` spends its time, phase by phase, in one process.

Reads the project the way ``check_project`` does (collector paused), timing
parse (``Reader.documents``), schema (``check_document``), build
(``ProjectBuilder.build``) and warnings (``state_warnings``) separately; best
of ``--repeat`` runs, CPU seconds (``time.process_time``).

    python benchmarks/gen_catalog.py --products 10000 --variants 5 --locations 3 \
        --files 20 --out /tmp/ys10k
    python benchmarks/validate_phases.py /tmp/ys10k --repeat 3
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from inventory_as_code._gc import paused_gc
from inventory_as_code.config.build import ProjectBuilder
from inventory_as_code.config.files import select_files
from inventory_as_code.config.problems import ProblemCollector
from inventory_as_code.config.projectfile import project_settings
from inventory_as_code.config.schema import check_document
from inventory_as_code.config.source import Reader
from inventory_as_code.config.warnings import state_warnings


def one_run(root: Path) -> dict[str, float]:
    problems = ProblemCollector()
    notes = ProblemCollector(one_per_position=False)
    settings = project_settings(root, problems, notes)
    assert settings is not None
    sources = select_files(root, settings, problems, notes)
    reader = Reader(settings.limits, problems, notes)
    builder = ProjectBuilder(problems)
    clock = time.process_time
    times = {"parse": 0.0, "schema": 0.0, "build": 0.0, "warnings": 0.0}
    with paused_gc():
        started = clock()
        docs = []
        for _rel, doc in reader.documents(sources):
            assert doc is not None
            docs.append(doc)
        times["parse"] = clock() - started
        started = clock()
        for doc in docs:
            check_document(doc, problems)
        times["schema"] = clock() - started
        for doc in docs:
            builder.add(doc)
        started = clock()
        state = builder.build()
        times["build"] = clock() - started
        started = clock()
        list(state_warnings(state))
        times["warnings"] = clock() - started
    assert not len(problems), problems.sorted()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.project) for _ in range(args.repeat)]
    best = {phase: round(min(run[phase] for run in runs), 3) for phase in runs[0]}
    best["total"] = round(sum(best.values()), 3)
    print(json.dumps(best))


if __name__ == "__main__":
    main()
