"""The CLI around projects: missing folders, the local store's .gitignore, validate's warnings,
status --format json, --no-color, progress lines in CI, init, terminal-safe names."""

from __future__ import annotations

import io
import json
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from inventory_as_code.cli import main
from inventory_as_code.cli._install_source import install_source
from inventory_as_code.cli._progress import read_progress

REPO = Path(__file__).resolve().parents[2]
LOCAL = {"CI": "", "WIX_API_KEY": "", "WIX_SITE_ID": "", "NO_COLOR": "1"}
STORE = "locations:\n  Main warehouse: {default: true}\n"


def cli(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={**LOCAL, **(env or {})}, **kwargs)  # type: ignore[arg-type]
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


# --- a mistyped folder --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["plan", "status", "validate"])
def test_a_missing_folder_is_an_error_naming_it_and_nothing_is_created(
    tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "shpo"
    code, out = cli(command, str(missing))
    assert code == 1
    assert f"{missing} does not exist" in out
    assert "Traceback" not in out and ".:" not in out
    assert not missing.exists()


def test_a_missing_folder_with_a_site_from_the_environment(tmp_path: Path) -> None:
    env = {"WIX_API_KEY": "k", "WIX_SITE_ID": "s", "WIX_API_BASE_URL": "http://127.0.0.1:9"}
    code, out = cli("status", str(tmp_path / "nope"), env=env)
    assert code == 1 and "does not exist" in out


def test_the_local_store_folder_ignores_itself_in_git(tmp_path: Path) -> None:
    (tmp_path / "store.yaml").write_text(STORE)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    code, out = cli("plan", str(tmp_path))
    assert code == 0, out
    assert (tmp_path / ".inventory-as-code" / ".gitignore").read_text().splitlines()[-1] == "*"
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status.splitlines() == ["?? store.yaml"]


# --- validate: warnings, notes, --strict, formats -----------------------------------------

WARNED = {
    "store.yaml": (
        "locations:\n"
        "  Outlet Hamburg: {default: true}\n"
        "  Outlet H\u0430mburg: {}\n"  # a Cyrillic a
        "  Spare room: {}\n"
    ),
    "products.yaml": (
        "products:\n"
        "  tee:\n"
        "    name: Tee\n"
        "    options: {Color: [Forest Green, Black]}\n"
        "    sku: TEE-{Color}\n"
        "    stock: {Outlet Hamburg: 1, Outlet H\u0430mburg: 2}\n"
        "  mu\u200bg: {name: Mug}\n"
        "  cafe\u0301: {name: Cafe}\n"
    ),
    "docker-compose.yml": "services: {web: {image: nginx}}\n",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_validate_shows_warnings_and_notes_without_failing(tmp_path: Path) -> None:
    root = write(tmp_path, WARNED)
    code, out = cli("validate", str(root))
    assert code == 0, out
    lines = out.splitlines()
    warnings = [line for line in lines if ": warning: " in line]
    assert f"{root}/store.yaml:3:3: warning: locations.Outlet H\u0430mburg: " in out
    assert any("looks like" in w and '"Outlet Hamburg"' in w for w in warnings)
    assert any("mixes Latin letters" in w for w in warnings)
    assert any("U+200B ZERO WIDTH SPACE" in w for w in warnings)
    assert any("decomposed Unicode" in w for w in warnings)
    assert any('"Spare room" is declared but no stock entry uses it' in w for w in warnings)
    assert any('SKU "TEE-Forest Green" contains a space' in w for w in warnings)
    assert f"{root}/docker-compose.yml: note: skipped: not an inventory file" in out
    assert lines[-1].startswith("OK: 2 files") and "warnings" in lines[-1]


def test_strict_makes_warnings_fail(tmp_path: Path) -> None:
    root = write(tmp_path, WARNED)
    code, out = cli("validate", str(root), "--strict")
    assert code == 1
    assert "(--strict: warnings fail)" in out.splitlines()[-1]
    clean = write(tmp_path / "clean", {"store.yaml": STORE})
    assert cli("validate", str(clean), "--strict")[0] == 0


def test_warnings_and_notes_in_github_and_json(tmp_path: Path) -> None:
    root = write(tmp_path, WARNED)
    code, out = cli("validate", str(root), "--format", "github")
    assert code == 0
    assert any(
        line.startswith(f"::warning file={root}/store.yaml,line=3,col=3,")
        for line in out.splitlines()
    )
    assert f"::notice file={root}/docker-compose.yml," in out
    code, out = cli("validate", str(root), "--format", "json", "--strict")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["strict"] is True
    assert data["problems"] == []
    assert {w["line"] for w in data["warnings"] if w["file"].endswith("store.yaml")} >= {3, 4}
    assert data["notes"][0]["file"].endswith("docker-compose.yml")
    assert data["summary"]["warnings"] == len(data["warnings"]) >= 6


def test_validate_never_prints_escape_sequences_from_the_yaml(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "store.yaml": (
                'locations:\n  "Evil\\e[2J\\e]8;;http://x\\a": {default: true}\nprodcts: {}\n'
            )
        },
    )
    for fmt in ("text", "github", "json"):
        code, out = cli("validate", str(root), "--format", fmt)
        assert code == 1
        assert "\x1b" not in out and "\x07" not in out, fmt
    assert "\\x1b[2J" in cli("validate", str(root))[1]


# --- status -------------------------------------------------------------------------------


def test_status_json_and_terminal_safe_names(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "store.yaml": (
                "locations:\n"
                "  Main warehouse: {default: true}\n"
                '  "Outlet\\e[31m Hamburg\\u202e":\n'
                "    address: {street: Hafenstr. 1, city: Hamburg, country: DE}\n"
                "    time_zone: Europe/Berlin\n"
            ),
            "products.yaml": 'products:\n  tee: {name: Tee, sku: T-1, price: "5.00"}\n',
        },
    )
    code, out = cli("apply", str(tmp_path), "--auto-approve")
    assert code == 0, out
    code, out = cli("status", str(tmp_path))
    assert code == 0, out
    assert "\x1b" not in out and "\u202e" not in out
    assert "Outlet\\x1b[31m Hamburg\\u202e" in out
    code, out = cli("status", str(tmp_path), "--format", "json")
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out
    data = json.loads(out)
    assert data["catalog_version"] == "V3_CATALOG" and data["plannable"] is True
    assert data["site"]["embedded"] is True and data["site"]["name"] == "local"
    names = {loc["name"] for loc in data["locations"]}
    assert names == {"Online store", "Outlet\x1b[31m Hamburg\u202e"}
    assert data["counts"] == {
        "locations": 2,
        "products": 1,
        "variants": 1,
        "options": 0,
        "inventory_items": 0,
        "units": 0,
    }
    assert {(loc["items"], loc["units"], loc["in_stock_items"]) for loc in data["locations"]} == {
        (0, 0, 0)
    }
    assert data["api_calls"]["total"] >= 4


# --- --no-color ---------------------------------------------------------------------------


def test_no_color_removes_every_style(tmp_path: Path) -> None:
    root = write(tmp_path, {"store.yaml": STORE, "bad.yaml": "prodcts: {}\n"})
    env = {"NO_COLOR": "", "FORCE_COLOR": "1"}
    result = CliRunner().invoke(main, ["validate", str(root)], env={**LOCAL, **env}, color=True)
    assert "\x1b[" in result.output  # styled without the flag
    result = CliRunner().invoke(
        main, ["--no-color", "validate", str(root)], env={**LOCAL, **env}, color=True
    )
    assert result.exit_code == 1 and "\x1b[" not in result.output
    result = CliRunner().invoke(
        main, ["--no-color", "plan", str(tmp_path / "nope")], env={**LOCAL, **env}, color=True
    )
    assert "does not exist" in result.output and "\x1b[" not in result.output


# --- progress in CI -----------------------------------------------------------------------


def test_progress_lines_every_few_seconds_when_not_on_a_terminal() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False)
    with read_progress(console, interval=0.05) as report:
        assert report is not None
        report("products", 100)
        time.sleep(0.3)
        report("inventory items", 40)
        time.sleep(0.15)
    lines = buffer.getvalue().splitlines()
    assert len(lines) >= 3
    assert lines[0].startswith("Reading the live store: 100 products (")
    assert "100 products, 40 inventory items" in lines[-1]


def test_a_quick_read_prints_no_progress_line() -> None:
    buffer = io.StringIO()
    with read_progress(Console(file=buffer, force_terminal=False), interval=5) as report:
        assert report is not None
        report("products", 3)
    assert buffer.getvalue() == ""


# --- init ---------------------------------------------------------------------------------


def test_init_scaffolds_a_project_that_validates(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("__pycache__/")  # no final newline
    code, out = cli("init", str(tmp_path))
    assert code == 0, out
    for path in (
        "inventory-as-code.toml",
        "store.yaml",
        ".github/workflows/plan.yml",
        ".github/workflows/apply.yml",
    ):
        assert (tmp_path / path).is_file(), path
    assert (tmp_path / ".gitignore").read_text().splitlines()[0] == "__pycache__/"
    assert ".inventory-as-code/" in (tmp_path / ".gitignore").read_text().splitlines()
    toml = (tmp_path / "inventory-as-code.toml").read_text()
    assert "# [guard_rails]" in toml and "# [project]" in toml and "# include = [" in toml
    plan = (tmp_path / ".github" / "workflows" / "plan.yml").read_text()
    source = install_source()  # these tests run from an editable install: a FILL IN step
    if source.requirement is None:
        assert "# FILL IN: inventory-as-code was installed from" in plan
        assert "Warning: This inventory-as-code was installed from" in out
    else:
        assert f'run: pip install "{source.requirement}"' in plan
    code, out = cli("validate", str(tmp_path), "--strict")
    assert code == 0, out
    code, out = cli("plan", str(tmp_path), "--site", "local")
    assert code == 0, out


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "store.yaml").write_text("# mine\n")
    code, out = cli("init", str(tmp_path))
    assert code == 1 and "store.yaml" in out and "Nothing written" in out
    assert (tmp_path / "store.yaml").read_text() == "# mine\n"
    assert not (tmp_path / "inventory-as-code.toml").exists()
    assert not (tmp_path / ".gitignore").exists()


def test_init_does_not_add_the_ignore_line_twice(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text(".inventory-as-code\n")
    assert cli("init", str(tmp_path))[0] == 0
    assert (tmp_path / ".gitignore").read_text() == ".inventory-as-code\n"


@pytest.mark.parametrize("name", ["plan.yml", "apply.yml"])
def test_init_workflows_are_the_examples(name: str) -> None:
    shipped = REPO / "inventory_as_code" / "templates" / "github" / name
    example = REPO / "examples" / "ci" / "github" / name
    assert shipped.read_text() == example.read_text(), f"copy examples/ci/github/{name} again"


def test_errors_from_a_server_are_printed_terminal_safe(tmp_path: Path) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Hostile(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"message": "denied \x1b]8;;http://evil\x07click\x1b[2J"}).encode()
            self.send_response(403)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        env = {
            "WIX_API_KEY": "k",
            "WIX_SITE_ID": "s",
            "WIX_API_BASE_URL": f"http://127.0.0.1:{httpd.server_address[1]}",
        }
        code, out = cli("status", str(tmp_path), env=env)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert code == 1 and "denied" in out
    assert "\x1b" not in out and "\x07" not in out
