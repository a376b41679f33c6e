"""`inventory-as-code fmt`: the project's YAML in the canonical layout, never another meaning."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli import main
from inventory_as_code.config import formatting
from inventory_as_code.config.formatting import FormatRefused, format_project, write_formatted
from tests.e2e.cli import run_cli, write_project

LOCAL = {"CI": "", "WIX_API_KEY": "", "WIX_SITE_ID": "", "NO_COLOR": "1"}

STORE = """\
# the store's locations
locations:
    Main warehouse:   # the default
        default: true
"""
STORE_FORMATTED = """\
# the store's locations
locations:
  Main warehouse:   # the default
    default: true
"""
PRODUCTS = """\
products:
  tee:
    name: Tee
    price: "10.00"
    stock: {Main warehouse: 5}
"""
COMPOSE = "services:\n    web:\n        image: nginx   \n"


def fmt(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["fmt", *map(str, args)], env=LOCAL)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "shop",
        {"store.yaml": STORE, "products/tees.yaml": PRODUCTS, "docker-compose.yml": COMPOSE},
    )


def test_check_lists_the_files_exits_1_and_writes_nothing(shop: Path) -> None:
    result = fmt(shop, "--check")
    assert result.exit_code == 1
    assert result.stdout == f"{shop / 'store.yaml'}\n"
    assert result.stderr == (
        f"1 of 2 file(s) not formatted; `inventory-as-code fmt {shop}` formats them.\n"
    )
    assert (shop / "store.yaml").read_text() == STORE


def test_diff_prints_a_unified_diff(shop: Path) -> None:
    result = fmt(shop, "--check", "--diff")
    assert result.stdout == (
        f"{shop / 'store.yaml'}\n"
        "--- a/store.yaml\n+++ b/store.yaml\n@@ -1,4 +1,4 @@\n # the store's locations\n"
        " locations:\n-    Main warehouse:   # the default\n-        default: true\n"
        "+  Main warehouse:   # the default\n+    default: true\n"
    )


def test_fmt_writes_the_canonical_layout_once_and_leaves_other_tools_yaml(shop: Path) -> None:
    result = fmt(shop)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{shop / 'store.yaml'}\n"
    assert result.stderr == "Formatted 1 of 2 file(s).\n"
    assert (shop / "store.yaml").read_text() == STORE_FORMATTED
    assert (shop / "docker-compose.yml").read_text() == COMPOSE  # not the inventory's
    again = fmt(shop, "--check")
    assert (again.exit_code, again.stdout, again.stderr) == (
        0,
        "",
        "All 2 file(s) are formatted.\n",
    )


def test_terraform_spellings_of_check_and_diff(shop: Path) -> None:
    result = CliRunner().invoke(main, ["fmt", "-check", "-diff", str(shop)], env=LOCAL)
    assert result.exit_code == 1 and "+++ b/store.yaml" in result.stdout


def test_a_project_with_problems_is_not_formatted(shop: Path) -> None:
    (shop / "products" / "tees.yaml").write_text(PRODUCTS.replace("Main warehouse", "Mian"))
    result = fmt(shop)
    assert result.exit_code == 1
    assert 'unknown location "Mian"' in result.stderr
    assert result.stderr.endswith(
        "1 problem(s) in the YAML; fmt formats a project that validates. Nothing was written.\n"
    )
    assert (shop / "store.yaml").read_text() == STORE


def test_a_link_keeps_being_a_link_and_the_mode_is_kept(shop: Path, tmp_path: Path) -> None:
    # Read only through the link: hidden folders are skipped.
    (shop / ".shared").mkdir()
    real = shop / ".shared" / "store.yaml"
    (shop / "store.yaml").rename(real)
    (shop / "store.yaml").symlink_to(".shared/store.yaml")
    real.chmod(0o640)
    result = fmt(shop)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{shop / 'store.yaml'}\n"
    assert (shop / "store.yaml").is_symlink()
    assert real.read_text() == STORE_FORMATTED
    assert real.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in real.parent.iterdir()] == ["store.yaml"]  # no temporary left


def test_a_bom_is_kept_and_crlf_becomes_lf(shop: Path) -> None:
    (shop / "store.yaml").write_bytes(b"\xef\xbb\xbf" + STORE.replace("\n", "\r\n").encode())
    result = fmt(shop, "--diff")
    assert result.exit_code == 0, result.output
    assert "-locations:^M\n" in result.stdout
    assert (shop / "store.yaml").read_bytes() == b"\xef\xbb\xbf" + STORE_FORMATTED.encode()


def test_a_utf16_file_is_left_as_it_is_with_a_note(shop: Path) -> None:
    (shop / "store.yaml").write_bytes(STORE.encode("utf-16"))
    result = fmt(shop)
    assert result.exit_code == 0, result.output
    assert "store.yaml: left as it is: fmt formats UTF-8 files only" in result.stderr
    assert (shop / "store.yaml").read_bytes() == STORE.encode("utf-16")


def test_a_file_changed_while_fmt_ran_is_not_overwritten(shop: Path) -> None:
    result = format_project(shop)
    (shop / "store.yaml").write_text(STORE + "  # edited meanwhile\n")
    failures = write_formatted(result)
    assert [(f.rel, f.reason) for f in failures] == [
        ("store.yaml", "it changed while fmt ran; run fmt again")
    ]
    assert (shop / "store.yaml").read_text().endswith("# edited meanwhile\n")


def test_a_layout_that_would_change_the_meaning_writes_nothing(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (shop / "products" / "tees.yaml").write_text(PRODUCTS.replace("  ", "    "))

    def broken(text: str) -> str:  # a bug that loses a level of nesting
        return text.replace("        default: true", "    default: true")

    monkeypatch.setattr(formatting, "canonical", broken)
    result = fmt(shop)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: store.yaml: the formatted file would not mean the same as the file; nothing "
        "was written. This is a bug of fmt: please report it with the file.\n"
    )
    assert (shop / "store.yaml").read_text() == STORE
    assert (shop / "products" / "tees.yaml").read_text() == PRODUCTS.replace("  ", "    ")


def test_the_whole_project_is_compared_before_anything_is_written(shop: Path) -> None:
    loaded = formatting.check_project(shop)
    changed = formatting.Reformatted(
        "products/tees.yaml",
        shop / "products" / "tees.yaml",
        PRODUCTS.encode(),
        PRODUCTS.replace('"10.00"', '"11.00"').encode(),
    )
    with pytest.raises(FormatRefused, match="would not give the same model"):
        formatting._same_model(shop, loaded.state, [changed])


def test_what_init_writes_is_already_formatted(tmp_path: Path) -> None:
    # A new project's first `fmt --check` in CI must pass: init's templates are canonical.
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new")], env=LOCAL)
    assert result.exit_code == 0, result.output
    assert format_project(tmp_path / "new").changed == ()


def test_the_real_command(shop: Path) -> None:
    ran = run_cli("fmt", "--check", shop)
    assert (ran.code, ran.out) == (1, f"{shop / 'store.yaml'}\n"), ran
    ran = run_cli("fmt", shop, "--no-color")
    assert ran.code == 0 and ran.err == "Formatted 1 of 2 file(s).\n", ran
    assert os.path.getsize(shop / "store.yaml") == len(STORE_FORMATTED)
