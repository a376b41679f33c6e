"""The CLI's read options: ``--refresh``, ``--changed-since``, and which read a plan says it used.

Against the embedded local store (an emulator in process), so these run
like a user's first steps: the plan says on stderr, and in its saved form,
whether it read the whole store, only some products, or a refreshed
snapshot, and why.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import click
from click.testing import CliRunner, Result

from inventory_as_code.cli.plan import plan_command
from tests.cli.test_plan_cli import EXAMPLES, NO_SITE


@click.group()
def cli() -> None:
    """Stand-in for the real command group."""


cli.add_command(plan_command)


def plan(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["plan", *args], env=NO_SITE)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


def example(tmp_path: Path) -> Path:
    name = next(p.name for p in sorted(EXAMPLES.iterdir()) if (p / "locations.yaml").exists())
    return Path(shutil.copytree(EXAMPLES / name, tmp_path / name))


def saved(path: Path) -> dict[str, str]:
    return dict(json.loads(path.read_text())["metadata"]["read"])


def test_refresh_incremental_saves_then_uses_a_snapshot(tmp_path: Path) -> None:
    root = example(tmp_path)
    out = tmp_path / "plan.json"
    first = plan(str(root), "--refresh", "incremental", "--format", "json", "--out", str(out))
    assert first.exit_code == 0, first.output
    assert "Read: the whole store (full read: no snapshot of this site yet; snapshot saved)" in (
        first.stderr
    )
    assert saved(out)["mode"] == "full"
    assert list((root / ".inventory-as-code").glob("snapshot-*.bin"))
    second = plan(str(root), "--refresh", "incremental", "--format", "json", "--out", str(out))
    assert second.exit_code == 0, second.output
    assert "Read: the saved snapshot, refreshed with what changed since" in second.stderr
    assert saved(out)["mode"] == "incremental"
    third = plan(str(root), "--format", "json", "--out", str(out))
    assert "Read: the whole store (--refresh full; snapshot saved)" in third.stderr
    assert saved(out)["mode"] == "full"


def test_changed_since_needs_git_and_excludes_target(tmp_path: Path) -> None:
    root = example(tmp_path)
    result = plan(str(root), "--changed-since", "HEAD")
    assert result.exit_code == 1
    assert "is not in a git repository" in result.stderr and "fatal" not in result.stderr
    both = plan(str(root), "--changed-since", "HEAD", "--target", 'product["x"]')
    assert both.exit_code == 1 and "cannot be combined" in both.stderr


def test_changed_since_in_a_repository_plans_what_changed(tmp_path: Path) -> None:
    root = example(tmp_path)
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "start"]):
        subprocess.run(
            ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@e", *args],
            check=True,
            capture_output=True,
        )
    out = tmp_path / "plan.json"
    result = plan(str(root), "--changed-since", "HEAD", "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    # The embedded store is empty, but nothing changed since HEAD: nothing is planned.
    assert data["changes"] == []
    assert any(n["code"] == "CHANGED_SINCE" for n in data["notes"])
    assert "Read: only the selected products" in result.stderr
