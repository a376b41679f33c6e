"""The ``emulator serve`` click command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from inventory_as_code.emulator.cli import emulator_group

REPO = Path(__file__).resolve().parents[2]


def test_help_and_non_loopback_refused() -> None:
    runner = CliRunner()
    result = runner.invoke(emulator_group, ["serve", "--help"])
    assert result.exit_code == 0 and "--fail" in result.output
    result = runner.invoke(emulator_group, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "loopback" in result.output
    result = runner.invoke(emulator_group, ["serve", "--fail", "nonsense"])
    assert result.exit_code == 2


@pytest.mark.socket
def test_serve_prints_url_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text('{"siteId": "cli-site", "products": []}')
    code = "from inventory_as_code.emulator.cli import emulator_group; emulator_group()"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "serve",
            "--port",
            "0",
            "--db",
            str(tmp_path / "cli.db"),
            "--seed",
            str(seed),
            "--fail",
            "GET /stores/v3/provision/version:503",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert proc.stdout is not None
        url = ""
        for _ in range(10):
            line = proc.stdout.readline()
            if line.startswith("Wix emulator listening on "):
                url = line.split()[-1]
                break
        assert url.startswith("http://127.0.0.1:")
        headers = {"Authorization": "x", "wix-site-id": "cli-site"}
        assert httpx.get(f"{url}/stores/v3/provision/version", headers=headers).status_code == 503
        assert httpx.get(f"{url}/stores/v3/provision/version", headers=headers).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "WIX_API_BASE_URL=" in out or "Stopping" in out
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--port", "99999"],
            2,
            "Invalid value for '--port': 99999 is not in the range 0<=x<=65535.",
        ),
        (
            ["--rate-limit", "-5"],
            2,
            "Invalid value for '--rate-limit': -5 is not in the range x>=1.",
        ),
        (
            ["--latency-ms", "-1"],
            2,
            "Invalid value for '--latency-ms': -1.0 is not in the range x>=0.",
        ),
        (
            ["--db", "{missing}/shop.db"],
            1,
            "Error: --db {missing}/shop.db: cannot open it as a database (unable to open "
            "database file)",
        ),
        (["--seed", "{seed}"], 1, "Error: --seed {seed}: products must be an array"),
    ],
    ids=["port", "rate limit", "latency", "db", "seed"],
)
def test_bad_options_end_in_a_message_not_an_internal_error(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    """Before: OverflowError, sqlite3.OperationalError and ApiError reached the last net."""
    seed = tmp_path / "seed.json"
    seed.write_text('{"siteId": "s", "products": "x"}')
    paths = {"missing": str(tmp_path / "missing"), "seed": str(seed)}
    args = [arg.format(**paths) for arg in args]
    result = CliRunner().invoke(emulator_group, ["serve", "--port", "0", *args])
    assert result.exit_code == code, result.output
    assert result.output.rstrip().endswith(message.format(**paths)), result.output
