"""The API key never shows: not in any command's output, log record, plan file or report.

Every command runs against an emulator server on loopback that checks the
key, with a recognisable key in WIX_API_KEY. The CLI has no verbosity
option, so every logger is set to DEBUG instead (the most it could ever say).
Then the keys people actually paste (a trailing newline, a stray control or
non-ASCII character), credentials in WIX_API_BASE_URL, and a server that
echoes the key back in its error answers.
"""

from __future__ import annotations

import gc
import json
import logging
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from inventory_as_code.cli import main
from inventory_as_code.emulator import Emulator, EmulatorServer, serve
from inventory_as_code.wix import WixClient

pytestmark = [pytest.mark.socket]

KEY = "IAC-SECRET-7f3a9c-do-not-print"
WRONG_KEY = "IAC-WRONG-SECRET-51b2e8-do-not-print"
SITE = "site-secrets"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "corner-bookshop"
UNUSED = "http://127.0.0.1:9"  # for runs refused before any request


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
        (
            good,
            ["apply", str(plan_file), "--project", str(project), "--report-json", str(report_a)],
            0,
        ),
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
    summary = json.loads(report_b.read_text())["summary"]
    assert summary["applied"] >= 1 and summary["applied"] == sum(summary.values()), summary
    with WixClient(api_key=KEY, site_id=SITE, base_url=server.url) as client:
        assert "candle" in {p["slug"] for p in client.products.query()}
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


def _run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    base = {"CI": "", "NO_COLOR": "1", "WIX_SITE_ID": SITE}
    result = CliRunner().invoke(main, args, env={**base, **env}, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


@pytest.mark.parametrize("padding", [(" ", " "), ("", "\n"), ("\t", "\r\n")])
def test_a_key_with_surrounding_whitespace_is_stripped(
    server: EmulatorServer, tmp_path: Path, padding: tuple[str, str]
) -> None:
    key = padding[0] + KEY + padding[1]
    code, out = _run(
        ["status", str(tmp_path)], {"WIX_API_KEY": key, "WIX_API_BASE_URL": server.url}
    )
    assert code == 0, out  # the emulator accepted exactly KEY
    assert "SECRET" not in out


@pytest.mark.parametrize(
    ("key", "what"),
    [
        (KEY[:10] + "\x07" + KEY[10:], "a control character at position 11"),
        (KEY[:10] + "\x1b[2J" + KEY[10:], "a control character at position 11"),
        (KEY + "\u00e9", f"a non-ASCII character at position {len(KEY) + 1}"),
        (KEY[:4] + "\u200b" + KEY[4:], "a control character at position 5"),
        (KEY[:8] + " " + KEY[8:], "a space at position 9"),
        ("IAC-SECRET\nsecond-line", "a line break or other whitespace at position 11"),
    ],
)
@pytest.mark.parametrize("command", ["status", "plan"])
def test_a_malformed_key_is_refused_without_repeating_it(
    tmp_path: Path, key: str, what: str, command: str
) -> None:
    (tmp_path / "store.yaml").write_text("locations: {Main: {default: true}}\n")
    # Refused before any request: the address is never contacted.
    code, out = _run([command, str(tmp_path)], {"WIX_API_KEY": key, "WIX_API_BASE_URL": UNUSED})
    assert code == 1
    assert f"WIX_API_KEY holds {what}" in out
    assert "SECRET" not in out and "Traceback" not in out and "Illegal header" not in out


@pytest.mark.parametrize(
    "url",
    [
        "http://deploy:IAC-URL-SECRET@127.0.0.1:{port}",
        "https://IAC-URL-SECRET@wix.example",
        "ftp://user:IAC-URL-SECRET@127.0.0.1/",
        "http://user:IAC-URL-SECRET@",
    ],
)
def test_credentials_in_the_base_url_are_refused_and_never_printed(
    tmp_path: Path, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    env = {"WIX_API_KEY": KEY, "WIX_API_BASE_URL": url.format(port=9)}
    code, out = _run(["status", str(tmp_path)], env)
    assert code == 1
    assert "credentials" in out or "not an http(s) URL" in out
    assert "IAC-URL-SECRET" not in out + caplog.text
    assert "***@" in out


class _Echo(BaseHTTPRequestHandler):
    """A server that repeats the Authorization header in every way it can."""

    def _answer(self) -> None:
        key = self.headers.get("Authorization", "")
        body = json.dumps(
            {
                "message": f"invalid key {key}",
                "details": {"applicationError": {"code": "BAD_KEY", "description": key}},
            }
        ).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("WWW-Authenticate", f'Bearer realm="{key}"')
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("command", ["status", "plan"])
def test_a_server_that_echoes_the_key_does_not_make_it_print(
    echo: str, tmp_path: Path, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "store.yaml").write_text("locations: {Main: {default: true}}\n")
    caplog.set_level(logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)
    code, out = _run(
        [command, str(tmp_path)], {"WIX_API_KEY": f" {KEY}\n", "WIX_API_BASE_URL": echo}
    )
    assert code == 1
    assert "401" in out  # the refusal itself is reported
    assert "SECRET" not in out
    # Our own log records never hold it. (httpcore's DEBUG trace logs response headers
    # as received; the CLI never turns DEBUG on.)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("inventory_as_code")]
    assert ours and not any("SECRET" in text for text in ours)
    assert "[redacted]" in out
