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
