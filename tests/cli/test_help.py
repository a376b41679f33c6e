"""Every command answers --help with an example and is documented in the README."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from inventory_as_code import __version__
from inventory_as_code.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = (*prefix, name)
        found.append(path)
        if isinstance(command, click.Group):
            found += all_commands(command, path)
    return found


COMMANDS = all_commands(main)


def test_the_commands_are_the_ones_we_document() -> None:
    assert {c[0] for c in COMMANDS} == {
        "acceptance",
        "init",
        "validate",
        "fmt",
        "plan",
        "apply",
        "pull",
        "show",
        "combine",
        "status",
        "check",
        "export",
        "emulator",
        "completion",
    }


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_works_and_shows_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"inventory-as-code {' '.join(path)}" in result.output


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    assert f"inventory-as-code {' '.join(path)}" in README


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_validate_checks_the_project_config_too(tmp_path: Path) -> None:
    (tmp_path / "store.yaml").write_text("locations:\n  Main: {default: true}\n")
    (tmp_path / "inventory-as-code.toml").write_text("[guard_rails]\nmax_touchd_share = 0.2\n")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    # With its line, like the rest of the toml (the rails are checked with [project]).
    assert "inventory-as-code.toml:2:1: guard_rails.max_touchd_share: unknown guard rail " in (
        result.output
    )
    assert 'did you mean "max_touched_share"?' in result.output
    (tmp_path / "inventory-as-code.toml").write_text('[sites.prod]\napi_key = "k-123"\n')
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "never put credentials in the project" in result.output
    assert "k-123" not in result.output


def test_a_mistyped_command_gets_a_suggestion() -> None:
    result = CliRunner().invoke(main, ["valdate"])
    assert result.exit_code == 2
    assert "No such command 'valdate'. Did you mean 'validate'?" in result.output


def test_validate_imports_neither_httpx_nor_the_wix_client(tmp_path: Path) -> None:
    # Commands are imported when they run: validate starts in a fraction of the time.
    (tmp_path / "store.yaml").write_text("locations:\n  Main: {default: true}\n")
    script = (
        "import sys\n"
        "from inventory_as_code.cli import main\n"
        f"try:\n    main(['validate', {str(tmp_path)!r}])\n"
        "except SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
        "loaded = [m for m in ('httpx', 'inventory_as_code.wix', 'rich') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
