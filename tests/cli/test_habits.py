"""Habits a Terraform user brings (issue 21, part 3): global options anywhere, Terraform's
single-dash spellings, and a did-you-mean for every --site and --target near miss."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from inventory_as_code import cli as cli_package
from inventory_as_code.cli import COMMANDS, main
from tests.cli.test_help import COMMANDS as COMMAND_PATHS
from tests.e2e.cli import applied, run_cli, write_project

LOCAL = {"CI": "", "WIX_API_KEY": "", "WIX_SITE_ID": "", "NO_COLOR": "1"}
STORE = "locations:\n  Main warehouse: {default: true}\n  Pop-up Berlin: {}\n"
PRODUCTS = """\
products:
  organic-tee:
    name: Organic Tee
    options: {Size: [S, M]}
    sku: TEE-{Size}
    price: "20.00"
    stock: {Main warehouse: 5}
"""
SITES = """\
[sites.production]
api_key_env = "PROD_KEY"
site_id_env = "PROD_SITE"

[sites.staging]
api_key_env = "STAGING_KEY"
site_id_env = "STAGING_SITE"
"""


def invoke(
    *args: str | Path, env: dict[str, str] | None = None, color: bool = False
) -> click.testing.Result:
    return CliRunner().invoke(
        main, [str(a) for a in args], env={**LOCAL, **(env or {})}, color=color
    )


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("habits") / "shop"
    return applied(write_project(root, {"store.yaml": STORE, "products.yaml": PRODUCTS}))


# --- global options anywhere ----------------------------------------------------------------


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_every_command_takes_no_color_after_its_name(path: tuple[str, ...]) -> None:
    result = invoke(*path, "--no-color", "--help")
    assert result.exit_code == 0, result.output
    assert "--no-color" in result.output


@pytest.mark.parametrize("where", ["before", "after", "terraform"])
def test_no_color_strips_styles_wherever_it_is_given(shop: Path, where: str) -> None:
    flag = "-no-color" if where == "terraform" else "--no-color"
    words = [flag, "validate", str(shop)] if where == "before" else ["validate", str(shop), flag]
    styled = {"NO_COLOR": "", "FORCE_COLOR": "1"}
    # An invalid project: validate prints its problems in red.
    (shop / "bad.yaml").write_text("prodcts: {}\n")
    try:
        assert "\x1b[" in invoke("validate", shop, env=styled, color=True).output
        result = invoke(*words, env=styled, color=True)
    finally:
        (shop / "bad.yaml").unlink()
    assert result.exit_code == 1 and "prodcts" in result.output
    assert "\x1b[" not in result.output


def test_a_command_added_later_gets_the_global_options_with_no_code_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    @click.command("later")
    def later() -> None:
        click.secho("styled", fg="red")

    monkeypatch.setattr(cli_package, "later", later, raising=False)
    monkeypatch.setitem(COMMANDS, "later", ("inventory_as_code.cli", "later"))
    result = CliRunner().invoke(main, ["later", "--no-color"], color=True)
    assert result.exit_code == 0, result.output
    assert result.output == "styled\n"
    assert "\x1b[" in CliRunner().invoke(main, ["later"], color=True).output


def test_global_options_reach_the_commands_of_a_sub_group() -> None:
    result = invoke("emulator", "serve", "-no-color", "-version")
    assert result.exit_code == 0 and "version" in result.output


# --- Terraform's spellings ------------------------------------------------------------------


def test_terraform_spellings_of_our_options_are_accepted(shop: Path, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    target = 'product["organic-tee"]'
    result = invoke("plan", shop, "-out", saved, f"-target={target}", "-detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert saved.is_file() and "No changes." in result.output
    result = invoke("apply", saved, "-project", shop, "-auto-approve")
    assert result.exit_code in (0, 4), result.output  # nothing to apply: stale or no changes


def test_a_value_that_looks_like_a_terraform_option_stays_a_value(shop: Path) -> None:
    # `--target -out` is a (bad) target, not the option --out.
    result = invoke("plan", shop, "--target", "-out")
    assert result.exit_code == 1
    assert "--target '-out' is not an address" in result.output


@pytest.mark.parametrize(
    ("words", "answer"),
    [
        (["plan", "-var", "x=1"], "-var is Terraform's; inventory-as-code has no input variables"),
        (["plan", "-var-file=prod.tfvars"], "-var-file is Terraform's"),
        (["plan", "-json"], "-json is Terraform's; did you mean --format json?"),
        (["init", "-json"], "-json is Terraform's; this command has no JSON output."),
        (["plan", "-refresh=false"], "a plan always reads the live store"),
        (["apply", "-input=false"], "use --auto-approve to apply without the question"),
        (["plan", "-lock=false"], "keeps no state and takes no lock"),
        (["-chdir=shop", "plan"], "give the project folder as the argument instead"),
        (
            ["plan", "-outt", "x"],
            "No such option: -outt. Long options take two dashes. Did you mean --out?",
        ),
        (["apply", "-auto-aprove"], "Did you mean --auto-approve?"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_terraform_only_spellings_get_a_usage_error_saying_what_to_write(
    words: list[str], answer: str
) -> None:
    result = invoke(*words)
    assert result.exit_code == 2, result.output
    assert answer in result.output
    assert "No such option '-o'" not in result.output


def test_refresh_keeps_its_own_values_in_the_single_dash_spelling(shop: Path) -> None:
    result = invoke("plan", shop, "-refresh=incremental")
    assert result.exit_code == 0, result.output


def test_short_options_and_the_end_of_options_are_left_to_click(shop: Path) -> None:
    assert invoke("plan", "-h").exit_code == 0
    # After `--` everything is an argument: a folder named -out does not exist.
    result = invoke("plan", "--", "-out")
    assert result.exit_code == 1 and "-out does not exist" in result.output


def test_shell_completion_never_fails_on_a_terraform_spelling() -> None:
    env = {
        "_INVENTORY_AS_CODE_COMPLETE": "bash_complete",
        "COMP_WORDS": "inventory-as-code plan -var --fo",
        "COMP_CWORD": "3",
    }
    result = CliRunner().invoke(main, [], env=env, prog_name="inventory-as-code")
    assert result.exit_code == 0
    assert "--format" in result.output


# --- did you mean: sites and targets --------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "hint"),
    [
        ("prod", "; did you mean 'production'?"),
        ("Staging", "; did you mean 'staging'?"),
        ("locl", "; did you mean 'local'?"),
        ("xyz", "."),
    ],
)
def test_a_mistyped_site_gets_the_nearest_name(shop: Path, site: str, hint: str) -> None:
    (shop / "inventory-as-code.toml").write_text(SITES)
    try:
        result = invoke("status", shop, "--site", site)
    finally:
        (shop / "inventory-as-code.toml").unlink()
    assert result.exit_code == 1
    assert f"Error: unknown site {site!r}{hint} inventory-as-code.toml defines production, " in (
        result.output
    )


@pytest.mark.parametrize(
    ("target", "meant"),
    [
        ('product["organic-te"]', 'product["organic-tee"]'),
        ('products["organic-tee"]', 'product["organic-tee"]'),
        ("organic-tee", 'product["organic-tee"]'),
        ("Pop-up Berln", 'location["Pop-up Berlin"]'),
        ('location["Popup Berlin"]', 'location["Pop-up Berlin"]'),
        ('option["Sise"]', 'option["Size"]'),
        ('variant["organic-tee"]["L"]', 'variant["organic-tee"]["S"]'),
        (
            'stock["organic-tee"]["S"]["Main warehous"]',
            'stock["organic-tee"]["S"]["Main warehouse"]',
        ),
        (
            'stok["organic-tee"]["M"]["Main warehouse"]',
            'stock["organic-tee"]["M"]["Main warehouse"]',
        ),
    ],
)
def test_every_kind_of_target_gets_the_nearest_address(shop: Path, target: str, meant: str) -> None:
    result = invoke("plan", shop, "--target", target)
    assert result.exit_code == 1
    assert f"did you mean {meant}?" in result.output


def test_a_stock_item_without_a_change_is_a_target_not_a_typo(shop: Path) -> None:
    """It was refused with "did you mean" itself: only changed stock items were known."""
    result = invoke("plan", shop, "--target", 'stock["organic-tee"]["S"]["Main warehouse"]')
    assert result.exit_code == 0, result.output
    assert "No changes." in result.output


# --- through the real command ---------------------------------------------------------------


def test_the_real_command_accepts_out_after_plan_and_refuses_var(
    shop: Path, tmp_path: Path
) -> None:
    ran = run_cli("plan", shop, "-out", tmp_path / "plan.json", "--no-color")
    assert ran.code == 0 and (tmp_path / "plan.json").is_file(), ran
    ran = run_cli("plan", shop, "-var", "region=eu")
    assert ran.code == 2, ran
    assert ran.err.endswith(
        "Error: -var is Terraform's; inventory-as-code has no input variables: the YAML files "
        "are the whole input (choose the store with --site NAME).\n"
    ), ran
