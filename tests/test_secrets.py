"""The API key never shows: not in any command's output, log record, plan file or report.

Every command runs against an emulator server on loopback that checks the
key, with a recognisable key in WIX_API_KEY. The CLI has no verbosity
option, so every logger is set to DEBUG instead (the most it could ever say).
"""

from __future__ import annotations

import gc
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from inventory_as_code.cli import main
from inventory_as_code.emulator import Emulator, EmulatorServer, serve

pytestmark = [pytest.mark.socket]

KEY = "IAC-SECRET-7f3a9c-do-not-print"
WRONG_KEY = "IAC-WRONG-SECRET-51b2e8-do-not-print"
SITE = "site-secrets"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "corner-bookshop"


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator(api_key=KEY)
    running = serve(emulator, port=0)
    yield running
    running.shutdown()
    emulator.close()


def test_no_command_reveals_the_api_key(
    server: EmulatorServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = tmp_path / "shop"
    shutil.copytree(EXAMPLE, project)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "store.yaml").write_text("products: {tee: [unclosed\n")
    plan_file, report_a, report_b = (tmp_path / n for n in ("plan.json", "a.json", "b.json"))
    env = {"WIX_API_BASE_URL": server.url, "WIX_SITE_ID": SITE, "CI": "", "NO_COLOR": "1"}
    good, wrong = {**env, "WIX_API_KEY": KEY}, {**env, "WIX_API_KEY": WRONG_KEY}
    runs: list[tuple[dict[str, str], list[str], int]] = [
        (good, ["validate", str(project)], 0),
        (good, ["status", str(project)], 0),
        (good, ["plan", str(project)], 0),
        (good, ["plan", str(project), "--format", "json"], 0),
        (good, ["plan", str(project), "--format", "markdown"], 0),
        (good, ["plan", str(project), "--out", str(plan_file)], 0),
        (good, ["apply", str(plan_file), "--report-json", str(report_a)], 0),
        (good, ["plan", str(project), "--detailed-exitcode"], 0),
        (wrong, ["plan", str(project)], 1),
        (wrong, ["apply", str(project), "--auto-approve", "--report-json", str(report_b)], 1),
        (wrong, ["status", str(project)], 1),
        (good, ["plan", str(project), "--site", "nosuch"], 1),
        (good, ["plan", str(broken)], 1),
        (good, ["validate", str(broken)], 1),
    ]
    caplog.set_level(logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)
    texts = []
    for run_env, args, code in runs:
        result = CliRunner().invoke(main, args, env=run_env, catch_exceptions=False)
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        assert result.exit_code == code, (args, output)
        texts.append(output)
    # apply DIR with the right key, with something to apply.
    (project / "candle.yaml").write_text(
        'products: {candle: {name: Candle, sku: CANDLE-1, price: "3.00"}}\n'
    )
    result = CliRunner().invoke(
        main,
        ["apply", str(project), "--auto-approve", "--report-json", str(report_b)],
        env=good,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "1 applied" in result.output or "applied" in report_b.read_text()
    texts.append(result.output + result.stderr)
    assert "401" in "".join(texts)  # the wrong key really was refused
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(record.args) for record in caplog.records]
    texts += [path.read_text() for path in (plan_file, report_a, report_b) if path.exists()]
    assert len(caplog.records) > 20  # DEBUG logging really was on
    for text in texts:
        assert KEY not in text
        assert WRONG_KEY not in text
        assert "SECRET" not in text
    gc.collect()  # an unclosed client would warn here (an error under -W error), not later
