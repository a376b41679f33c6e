"""Saved plans through the command line: plain and ``.gz``, shown and applied alike."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CLEAN_ENV = {"CI": "", "WIX_API_KEY": "", "WIX_SITE_ID": "", "WIX_API_BASE_URL": ""}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(EXAMPLES / "corner-bookshop", target)
    return target


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), env=CLEAN_ENV, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("name", ["plan.json", "plan.json.gz"])
def test_show_prints_exactly_what_plan_printed_and_apply_applies_it(
    name: str, project: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / name
    planned = run("plan", str(project), "--format", "json", "--out", str(plan_file))
    assert planned.exit_code == 0
    assert (plan_file.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")
    # The streamed stdout, and the file's JSON printed by show, are the same text.
    shown = run("show", str(plan_file), "--format", "json")
    assert shown.exit_code == 0
    assert shown.stdout == planned.stdout
    assert json.loads(planned.stdout)["summary"]["create"] == 24
    applied = run("apply", str(plan_file), "--project", str(project))
    assert applied.exit_code == 0, applied.output
    assert run("plan", str(project), "--detailed-exitcode").exit_code == 0


def test_a_damaged_or_edited_compressed_plan_is_refused(project: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json.gz"
    assert run("plan", str(project), "--out", str(plan_file)).exit_code == 0
    packed = plan_file.read_bytes()
    damaged = bytearray(packed)
    damaged[len(packed) // 2] ^= 0xFF
    plan_file.write_bytes(bytes(damaged))
    for command in (["show", str(plan_file)], ["apply", str(plan_file), "--project", str(project)]):
        refused = run(*command)
        assert refused.exit_code == 4
        assert "damaged compressed plan" in refused.output

    data = json.loads(gzip.decompress(packed))
    data["changes"][0]["after"]["name"] = "Something else"
    plan_file.write_bytes(gzip.compress(json.dumps(data).encode()))
    refused = run("apply", str(plan_file), "--project", str(project))
    assert refused.exit_code == 4
    assert "checksum mismatch" in refused.output
    assert run("plan", str(project), "--detailed-exitcode").exit_code == 2  # nothing applied


def test_a_big_plain_plan_file_suggests_a_gz_name(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("inventory_as_code.cli.plan.BIG_PLAN_FILE", 1000)  # this plan: ~10 kB
    plain = run("plan", str(project), "--out", str(tmp_path / "plan.json"))
    assert "a name ending in .gz" in plain.output
    packed = run("plan", str(project), "--out", str(tmp_path / "plan.json.gz"))
    assert "Saved the plan" in packed.output and "a name ending in .gz" not in packed.output


def test_applying_a_saved_plan_without_changes_says_so(project: Path, tmp_path: Path) -> None:
    assert run("apply", str(project), "--auto-approve").exit_code == 0
    plan_file = tmp_path / "plan.json"
    assert run("plan", str(project), "--out", str(plan_file)).exit_code == 0
    applied = run("apply", str(plan_file), "--project", str(project))
    assert applied.exit_code == 0
    assert f"No changes to apply: {plan_file} holds none." in applied.stdout


def test_a_plan_file_that_cannot_be_written_is_a_clean_error(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-such-folder" / "plan.json"
    refused = run("plan", str(project), "--out", str(missing))
    assert refused.exit_code == 1
    assert "the folder" in refused.stderr and "does not exist; nothing was planned." in (
        refused.stderr
    )
    assert not (project / ".inventory-as-code").exists()  # refused before anything ran

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("inventory_as_code.cli.plan.write_plan_file", disk_full)
    full = run("plan", str(project), "--out", str(tmp_path / "plan.json"))
    assert full.exit_code == 1
    assert "the plan could not be saved (No space left on device)" in full.stderr


def test_a_plan_records_its_tool_version_and_apply_names_another(
    project: Path, tmp_path: Path
) -> None:
    from inventory_as_code import __version__
    from inventory_as_code.plan.model import checksum

    plan_file = tmp_path / "plan.json"
    assert run("plan", str(project), "--out", str(plan_file)).exit_code == 0
    data = json.loads(plan_file.read_text())
    assert data["metadata"]["tool_version"] == __version__
    # Made by an older release (the checksum made again, as that release would have).
    data["metadata"]["tool_version"] = "0.0.9"
    data["checksum"] = checksum(data)
    plan_file.write_text(json.dumps(data))
    applied = run("apply", str(plan_file), "--project", str(project))
    assert applied.exit_code == 0, applied.output
    assert (
        f"was made by inventory-as-code 0.0.9; this is {__version__}. Only the saved changes "
        "this version also plans are applied." in applied.output
    )


SWATCH_STORE = """
locations:
  Main: {default: true}
options:
  Color:
    swatches: {Black: "#000000", Pine: "#01796F"}
products:
  beanie: {name: Beanie, price: "24.00", options: {Color: [Black, Pine]}}
"""


def test_a_saved_plan_that_creates_a_swatch_option_is_shown_and_applied(tmp_path: Path) -> None:
    # A store-wide option's change carries its colours by choice (Black -> #000000), a
    # product's by option; the saved plan's shape check took only the product's form.
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "store.yaml").write_text(SWATCH_STORE)
    plan_file = tmp_path / "plan.json"
    assert run("plan", str(shop), "--out", str(plan_file)).exit_code == 0
    shown = run("show", str(plan_file))
    assert shown.exit_code == 0, shown.output
    assert 'option["Color"]' in shown.output
    applied = run("apply", str(plan_file), "--project", str(shop))
    assert applied.exit_code == 0, applied.output
