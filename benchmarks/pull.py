"""What ``pull`` costs next to ``plan`` on a generated catalog (CPU and wall, in process).

Generates a catalog (``gen_catalog.py``: N products x 5 variants x 3
locations), applies it to an in-memory emulator, makes a few dashboard edits
(prices of the first variants: overrides at the variant), then times, each
in the same process and against the same store:

* ``plan``: ``plan_project`` (load the YAML, read the store, plan);
* ``pull --diff``: ``pull_project(dry_run=True)``: the same, plus placing the
  values, editing the files' text, and the confirmation (load the edited
  project again, plan it again).

    python benchmarks/pull.py --products 2000 --edits 20 --work /tmp/bench-pull
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_catalog import generate

from inventory_as_code.emulator import Emulator
from inventory_as_code.pull.run import pull_project
from inventory_as_code.workflow import apply_plan, plan_project
from tests.clients import emulator_client

SITE = "bench-pull"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-pull"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    project = args.work / "project"
    generate(project, products=args.products, variants=5, locations=3, files=4, seed=7)
    emulator = Emulator(":memory:")
    with emulator_client(emulator, SITE) as client:
        plan, _ = plan_project(client, project, site_id=SITE)
        report = apply_plan(client, plan, check_after=False)
        assert report.exit_code == 0, report.to_dict()["outcomes"]
        for listed in itertools.islice(client.products.query(), args.edits):
            product = client.products.get(listed["id"])
            variants = copy.deepcopy(product["variantsInfo"]["variants"])
            variants[0]["price"]["actualPrice"] = {"amount": "1.23"}
            client.products.update(
                {
                    "id": product["id"],
                    "revision": product["revision"],
                    "options": product.get("options"),
                    "variantsInfo": {"variants": variants},
                }
            )
        figures = {}
        for name, run in (
            ("plan", lambda: plan_project(client, project, site_id=SITE)),
            ("pull --diff", lambda: pull_project(client, project, site_id=SITE, dry_run=True)),
        ):
            wall, cpu = time.perf_counter(), time.process_time()
            result = run()
            figures[name] = {
                "wall_s": round(time.perf_counter() - wall, 2),
                "cpu_s": round(time.process_time() - cpu, 2),
            }
            if name.startswith("pull"):
                figures[name]["pulled"] = len(result[0].pulled)  # type: ignore[attr-defined]
    emulator.close()
    print(json.dumps({"products": args.products, "edits": args.edits, **figures}, indent=2))


if __name__ == "__main__":
    main()
