"""Run the real `inventory-as-code` command in a subprocess, as a user or CI does.

Unit tests call modules; these run the installed console script, so what only
the command line sees (an exception reaching the printer, an exit code, a
message buried in a traceback) is seen here. Every run is checked for the
one thing no output of the tool may ever hold: a Python traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def command() -> str:
    """The console script of the environment running the tests (the README's venv)."""
    beside = Path(sys.executable).parent / "inventory-as-code"
    found = str(beside) if beside.exists() else shutil.which("inventory-as-code")
    assert found, "the inventory-as-code command is not installed (pip install -e .)"
    return found


# Nothing of the developer's own shell leaks in: no credentials, no CI, no colours ("" unsets).
BASE_ENV = {
    "CI": "",
    "WIX_API_KEY": "",
    "WIX_SITE_ID": "",
    "WIX_API_BASE_URL": "",
    "INVENTORY_AS_CODE_PLAN_KEY": "",
    "INVENTORY_AS_CODE_DEBUG": "",
    "NO_COLOR": "1",
    "COLUMNS": "200",
}

# Markers of output that is a crash, whatever the command did.
CRASH_MARKERS = ("Traceback (most recent call last)", "internal error in inventory-as-code")


@dataclass(frozen=True)
class Ran:
    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err

    def __str__(self) -> str:
        return (
            f"$ inventory-as-code {' '.join(self.args)}\nexit {self.code}\n"
            f"--- stdout\n{self.out}--- stderr\n{self.err}"
        )


def assert_no_crash(ran: Ran) -> None:
    for marker in CRASH_MARKERS:
        assert marker not in ran.output, f"the command crashed:\n{ran}"


def _environment(env: dict[str, str] | None) -> dict[str, str]:
    # PYTHONPATH: the package of this checkout, whatever the venv's editable install points at
    # (a git worktree shares the venv of the main checkout).
    # What is on it already stays after it (tests/plan_schema: the plans a command makes).
    path = os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))
    merged = {**os.environ, **BASE_ENV, "PYTHONPATH": path, **(env or {})}
    return {k: v for k, v in merged.items() if v != ""}  # "" means: unset


class Running:
    """A command started with :func:`start_cli`; ``wait()`` gives what :func:`run_cli` gives."""

    def __init__(self, words: tuple[str, ...], process: subprocess.Popen[str]) -> None:
        self.words = words
        self.process = process

    def wait(self, timeout: float = 120) -> Ran:
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            raise AssertionError(
                f"inventory-as-code {' '.join(self.words)} timed out:\n{out}{err}"
            ) from None
        ran = Ran(self.words, self.process.returncode, out, err)
        assert_no_crash(ran)
        return ran


def start_cli(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Running:
    """Start ``inventory-as-code ARGS`` without waiting: several commands at once."""
    words = tuple(str(a) for a in args)
    process = subprocess.Popen(
        [command(), *words],
        cwd=cwd,
        env=_environment(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Running(words, process)


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 120,
) -> Ran:
    """Run ``inventory-as-code ARGS`` and return its exit code and both streams.

    Fails the test on a traceback in any output; the exit code and messages are
    the caller's to assert.
    """
    words = tuple(str(a) for a in args)
    done = subprocess.run(
        [command(), *words],
        cwd=cwd,
        env=_environment(env),
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    ran = Ran(words, done.returncode, done.stdout, done.stderr)
    assert_no_crash(ran)
    return ran


def write_project(root: Path, files: dict[str, str]) -> Path:
    """A project folder holding ``files`` (relative name -> text)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a project with its embedded local store: one apply serves a whole module."""
    shutil.copytree(source, target, symlinks=True)
    return target


def applied(project: Path, *args: str) -> Path:
    """``project`` applied to its embedded local store, in process: a fixture's set-up, which
    the subprocess would only make slower."""
    from click.testing import CliRunner

    from inventory_as_code.cli import main

    env = {key: value or None for key, value in BASE_ENV.items()}  # None: unset
    result = CliRunner().invoke(main, ["apply", str(project), "--auto-approve", *args], env=env)
    assert result.exit_code == 0, result.output
    return project


def timeless(text: str) -> str:
    """Output with its timings (``(0.3 s)``, ``, 1.2 s.``) replaced by ``T s``: all else exact."""
    return re.sub(r"\b\d+\.\d s\b", "T s", text)


def sell(project: Path, sku: str, units: int) -> None:
    """A sale in the embedded local store of ``project``, as checkout would make it."""
    from inventory_as_code.emulator import Emulator
    from inventory_as_code.site import LOCAL_DIR, LOCAL_SITE_ID
    from inventory_as_code.wix import Adjustment
    from tests.clients import emulator_client

    emulator = Emulator(project / LOCAL_DIR / "local.db")
    try:
        with emulator_client(emulator, LOCAL_SITE_ID) as client:
            (item,) = [i for i in client.inventory.query() if i["product"]["variantSku"] == sku]
            client.inventory.bulk_decrement([Adjustment(units, inventory_item_id=item["id"])])
    finally:
        emulator.close()
