"""Regenerate the oracle's JSON Schemas from the pinned official Wix JS SDK.

    python tools/wix_sdk_schemas/extract.py            # rewrite tests/oracle/schemas/
    python tools/wix_sdk_schemas/extract.py --check    # exit 1 if they are not current

Needs Node (20 or later) and npm; the test suite itself does not. The pins
are ``package.json`` + ``package-lock.json`` next to this file: change the
versions there (``npm install --package-lock-only`` refreshes the lock), run
this, review the schema diff, commit. See docs/oracle.md.

It copies the pins into a scratch folder (a temporary directory unless
``--workdir`` names one), runs ``npm ci`` there, runs ``extract_types.cjs``
to read every public method's HTTP method, path, "Original" REST types and
``@requiredField`` tags, and post-processes the result (``postprocess.py``)
into one schema file per ``@wix/auto_sdk_*`` package of ``package.json``,
plus ``errors.json`` (the error body, from ``@wix/error-handler-types``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_OUT = REPO / "tests" / "oracle" / "schemas"
PINS = ("package.json", "package-lock.json", "extract_types.cjs")

sys.path.insert(0, str(HERE))
from postprocess import build_package_schema  # noqa: E402


class ExtractError(Exception):
    """A step failed; the message says which and what to do."""


def dump(document: object) -> str:
    """The committed form: sorted keys, one-space indent, trailing newline."""
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def run(command: list[str], cwd: Path) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise ExtractError(f"{command[0]} not found on PATH: install Node 20+ with npm")
    done = subprocess.run([tool, *command[1:]], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise ExtractError(
            f"`{' '.join(command)}` failed (exit {done.returncode}):\n{done.stderr.strip()}"
        )


def extract(workdir: Path) -> dict[str, str]:
    """Install the pins in ``workdir`` and return {file name: committed text}."""
    for name in PINS:
        shutil.copy2(HERE / name, workdir / name)
    run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], workdir)
    run(["node", "extract_types.cjs", "raw"], workdir)
    out: dict[str, str] = {}
    for raw_file in sorted((workdir / "raw").glob("*.raw.json")):
        raw = json.loads(raw_file.read_text(encoding="utf-8"))
        out[raw_file.name.replace(".raw.json", ".json")] = dump(build_package_schema(raw))
    if not out:
        raise ExtractError("extract_types.cjs produced no schemas")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="schema folder")
    parser.add_argument("--workdir", type=Path, help="scratch folder to keep (default: temp)")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    try:
        if args.workdir:
            args.workdir.mkdir(parents=True, exist_ok=True)
            files = extract(args.workdir)
        else:
            with tempfile.TemporaryDirectory(prefix="wix-sdk-schemas-") as tmp:
                files = extract(Path(tmp))
    except ExtractError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out: Path = args.out
    existing = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.json"))}
    if args.check:
        stale = sorted(n for n in existing.keys() | files.keys() if existing.get(n) != files.get(n))
        for name in stale:
            print(f"out of date: {out / name}", file=sys.stderr)
        return 1 if stale else 0
    out.mkdir(parents=True, exist_ok=True)
    for name in existing.keys() - files.keys():
        (out / name).unlink()
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} schema files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
