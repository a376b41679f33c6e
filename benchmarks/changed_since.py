"""How long ``--changed-since`` takes to find the changed products, old code against new.

Generates a catalog (``gen_catalog.py``: N products x 5 variants x 3
locations, one product per file unless ``--files`` says otherwise), commits
it in a fresh git repository, then for each scenario edits the working tree
and times, in a fresh process per code tree,
``inventory_as_code.selection.changed_since(project, "HEAD")`` alone (wall
time, and CPU of the process and its git children), and once
``inventory-as-code validate`` of the same project (the load every plan
does, for scale). Scenarios:

* ``all``: the first price of every file changes (with a file per product:
  N changed files, N changed products);
* ``one``: one file's first price changes (a typical pull request);
* ``none``: nothing changes.

    python benchmarks/changed_since.py --products 20000 --work /tmp/bench-cs \\
        --code before=/tmp/sel-base --code after=.

``--code LABEL=PATH`` names a checkout whose ``inventory_as_code`` is timed
(``git worktree add /tmp/sel-base <commit>`` makes one of an older commit).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_catalog import generate

TIMED = """
import json, resource, sys, time
from pathlib import Path
from inventory_as_code.selection import changed_since
start, cpu = time.perf_counter(), time.process_time()
selection = changed_since(Path(sys.argv[1]), "HEAD")
wall = time.perf_counter() - start
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "wall": wall,
    "cpu": time.process_time() - cpu + children.ru_utime + children.ru_stime,
    "selected": None if selection.slugs is None else len(selection.slugs),
    "why": selection.why,
}))
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=b", "-c", "user.email=b@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def edit_prices(project: Path, files: list[Path]) -> None:
    for path in files:
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r'price: "(\d+)\.', r'price: "1\1.', text, count=1))


def timed(code: Path, project: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run(
        [sys.executable, "-c", TIMED, str(project)],
        env=env,
        cwd=project.parent,  # not a checkout: "python -c" puts the current folder first
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=0, help="product files (default: one each)")
    parser.add_argument("--work", type=Path, required=True, help="a scratch folder (emptied)")
    parser.add_argument("--code", action="append", required=True, help="LABEL=PATH, repeatable")
    parser.add_argument("--scenarios", default="all,one,none")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    project = args.work / "shop"
    generate(project, args.products, 5, 3, args.files or args.products, seed=1)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "catalog")
    files = sorted((project / "catalog").rglob("*.yaml"))
    size = sum(f.stat().st_size for f in files) / 2**20
    print(f"{args.products} products in {len(files)} files, {size:.1f} MiB")

    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    validate = subprocess.run(
        [str(Path(sys.executable).parent / "inventory-as-code"), "validate", str(project)],
        capture_output=True,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(
        f"validate (the load of every plan): wall {time.perf_counter() - start:.2f} s"
        f"  cpu {cpu:.2f} s  exit {validate.returncode}"
    )

    codes = [(label, Path(path).resolve()) for label, path in (i.split("=", 1) for i in args.code)]
    for scenario in args.scenarios.split(","):
        git(project, "checkout", "-q", "--", ".")
        edit_prices(project, {"all": files, "one": files[:1], "none": []}[scenario])
        for label, code in codes:
            result = timed(code, project)
            print(
                f"{scenario:5} {label:8} wall {result['wall']:8.2f} s  cpu {result['cpu']:8.2f} s"
                f"  selected {result['selected']}  ({result['why']})",
                flush=True,
            )


if __name__ == "__main__":
    main()
