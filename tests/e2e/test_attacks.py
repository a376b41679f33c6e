"""The command line tried as an attacker and as a new user would (issue 18, section 1).

Odd files in the project folder, a file replaced by a folder, a symlink
loop, plan files that are not plans, outputs pointed at odd places, flags
that select nothing. Each case crashed, printed something unclear or did
damage on 81f12ed; each now ends in one clear message and a documented exit
code. Most run in process (CliRunner: the same printer, ten times faster);
those where stdout, stderr or the file system seen by a real process matter
run the command.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from inventory_as_code.cli import main
from inventory_as_code.plan.model import checksum
from tests.e2e.cli import BASE_ENV, applied, copy_project, run_cli, write_project

STORE = """\
locations:
  Shop: {default: true}
products:
  mug: {name: Mug, price: "9.50", sku: MUG, stock: {Shop: 8}}
"""
CHANGED = STORE.replace("{Shop: 8}", "{Shop: {quantity: 9, policy: set}}")
CRASH = ("Traceback", "internal error")


def invoke(*args: str | Path, **env: str) -> Result:
    """The command in process, failing the test on a crash as run_cli does."""
    merged = {key: value or None for key, value in {**BASE_ENV, **env}.items()}
    result = CliRunner().invoke(main, [str(a) for a in args], env=merged)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    for marker in CRASH:
        assert marker not in result.output, result.output
    return result


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return applied(
        write_project(tmp_path_factory.mktemp("attacks") / "shop", {"store.yaml": STORE})
    )


@pytest.fixture
def shop(base: Path, tmp_path: Path) -> Path:
    return copy_project(base, tmp_path / "shop")


# --- outputs pointed at odd places --------------------------------------------------------


def test_plan_out_never_turns_a_file_of_the_project_into_a_plan(shop: Path) -> None:
    """`plan --out store.yaml` replaced the project's YAML with the plan's JSON."""
    ran = run_cli("plan", "shop", "--out", "shop/store.yaml", cwd=shop.parent)
    assert (ran.code, ran.out) == (1, ""), ran
    assert ran.err == (
        "Error: --out shop/store.yaml: the file exists and is not a saved plan; --out replaces "
        "nothing else. Choose another name (or remove the file); nothing was planned.\n"
    ), ran
    assert (shop / "store.yaml").read_text() == STORE


def test_plan_out_replaces_an_earlier_plan_plain_or_compressed(shop: Path) -> None:
    for name in ("plan.json", "plan.json.gz", "plan.json"):
        out = shop.parent / name
        assert invoke("plan", shop, "--out", out).exit_code == 0
        assert invoke("plan", shop, "--out", out).exit_code == 0  # its own earlier plan
    (shop.parent / "notes.txt").write_text("keep me\n")
    refused = invoke("plan", shop, "--out", shop.parent / "notes.txt")
    assert refused.exit_code == 1 and "is not a saved plan" in refused.stderr


def test_report_json_never_replaces_a_file_that_is_not_a_report(shop: Path) -> None:
    target = shop / "store.yaml"
    result = invoke("apply", shop, "--auto-approve", "--report-json", target)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: --report-json {target}: the file exists and is not a report; --report-json "
        "replaces nothing else. Choose another name (or remove the file); nothing applied.\n"
    )
    assert target.read_text() == STORE
    report = shop.parent / "report.json"
    assert invoke("apply", shop, "--auto-approve", "--report-json", report).exit_code == 0
    assert invoke("apply", shop, "--auto-approve", "--report-json", report).exit_code == 0


@pytest.mark.parametrize("option", ["--out", "--report-json"])
def test_an_output_name_too_long_for_the_file_system(shop: Path, option: str) -> None:
    """os.stat raised ENAMETOOLONG inside the check: an internal error."""
    name = shop.parent / ("p" * 300)
    command = "plan" if option == "--out" else "apply"
    result = invoke(command, shop, option, name)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        ": cannot write there (File name too long); "
        + ("nothing was planned.\n" if option == "--out" else "nothing applied.\n")
    )


def test_a_report_that_cannot_be_written_after_apply_keeps_the_outcome(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder went away during the apply: the report is printed, then the error."""
    import inventory_as_code.cli.apply as apply_module

    monkeypatch.setattr(apply_module, "check_output_path", lambda *a, **k: None)
    (shop / "store.yaml").write_text(CHANGED)
    gone = shop.parent / "gone" / "report.json"
    result = invoke("apply", shop, "--auto-approve", "--report-json", gone)
    assert result.exit_code == 1
    assert "Apply: 1 applied, 0 failed" in result.stdout
    assert result.stderr.endswith(
        f"Error: --report-json {gone}: the report could not be written (No such file or "
        "directory); what apply did is printed above.\n"
    )


def test_apply_format_json_prints_the_report_alone_on_stdout(shop: Path) -> None:
    """The plan's text and the store's name went to stdout too: `| jq` failed."""
    (shop / "store.yaml").write_text(CHANGED)
    ran = run_cli("apply", "shop", "--auto-approve", "--format", "json", cwd=shop.parent)
    assert ran.code == 0, ran
    assert json.loads(ran.out)["summary"]["applied"] == 1, ran
    assert ran.err.startswith("Using the embedded local store"), ran
    again = run_cli(
        "apply", "shop", "--auto-approve", "--format", "json", "--report-json", "r.json",
        cwd=shop.parent,
    )  # fmt: skip
    assert again.code == 0, again
    assert json.loads(again.out)["outcomes"] == [], again
    assert json.loads((shop.parent / "r.json").read_text())["exit_code"] == 0


# --- files of the project replaced by something else --------------------------------------


def test_settings_that_are_a_folder_are_an_error_not_silently_nothing(shop: Path) -> None:
    """A folder named inventory-as-code.toml dropped every site and guard rail without a word."""
    (shop / "inventory-as-code.toml").mkdir()
    validate = invoke("validate", shop)
    assert validate.exit_code == 1
    assert validate.stdout.startswith(
        f"{shop}/inventory-as-code.toml: a folder, not a file; the project's settings (sites, "
        "guard rails, files) would go unread.\n"
        "    Fix: replace it with the file of settings, or remove it.\n"
    )
    plan = invoke("plan", shop)
    assert plan.exit_code == 1
    assert plan.stderr == (
        f"Error: {shop}/inventory-as-code.toml: a folder, not a file; the project's settings "
        "(sites, guard rails, files) would go unread\n"
    )


def test_settings_of_a_gigabyte_are_refused_unread(shop: Path) -> None:
    with (shop / "inventory-as-code.toml").open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)  # sparse: costs nothing on disk
    result = invoke("plan", shop)
    assert result.exit_code == 1
    assert "is larger than 1 MiB; the project settings are a few lines" in result.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("base_url = 5", 'base_url must be a text in quotes, like base_url = "..."'),
        ("api_key_env = 5", 'api_key_env must be a text in quotes, like api_key_env = "..."'),
        (
            "requests_per_minute = -1",
            "requests_per_minute must be a number above 0, like 150 (Wix allows about 200)",
        ),
    ],
)
def test_site_settings_of_the_wrong_type_are_named(shop: Path, setting: str, message: str) -> None:
    """These crashed inside the client (AttributeError, TypeError, ValueError)."""
    (shop / "inventory-as-code.toml").write_text(f"[sites.x]\n{setting}\n")
    validate = invoke("validate", shop)
    assert validate.exit_code == 1
    assert f"{shop}/inventory-as-code.toml: [sites.x] {message}\n" in validate.stdout
    plan = invoke("plan", shop, "--site", "x", K="k", S="s")
    assert plan.exit_code == 1
    assert plan.stderr == f"Error: {shop}/inventory-as-code.toml: [sites.x] {message}\n"


def test_a_local_store_folder_that_is_a_file(shop: Path, tmp_path: Path) -> None:
    fresh = write_project(tmp_path / "fresh", {"store.yaml": STORE})
    (fresh / ".inventory-as-code").write_text("not a folder")
    result = invoke("plan", fresh)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {fresh}/.inventory-as-code is not a folder; it is where the embedded local "
        "store lives. Remove it, or choose a Wix site (--site NAME, or WIX_API_KEY and "
        "WIX_SITE_ID).\n"
    )


@pytest.mark.parametrize("replacement", ["folder", "fifo"])
def test_a_snapshot_replaced_by_a_folder_or_a_fifo_is_not_used(
    shop: Path, replacement: str
) -> None:
    """A folder crashed the read (IsADirectoryError); a FIFO would have hung it."""
    assert invoke("plan", shop, "--refresh", "incremental").exit_code == 0
    (snapshot,) = (shop / ".inventory-as-code").glob("snapshot-*.bin")
    snapshot.unlink()
    if replacement == "folder":
        snapshot.mkdir()
    else:
        os.mkfifo(snapshot)
    result = invoke("plan", shop, "--refresh", "incremental")
    assert result.exit_code == 0
    assert "Read: the whole store (full read: the snapshot is not a regular file" in result.stderr


def test_a_symlink_loop_as_the_project_folder(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    result = invoke("plan", tmp_path / "loop")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path}/loop is a symlink that leads nowhere (a loop, or a target that "
        "does not exist); pass the project folder itself.\n"
    )


def test_export_and_init_into_a_folder_that_cannot_be_created(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below a file: mkdir raised FileNotFoundError/NotADirectoryError, an internal error."""
    below_a_file = shop / "store.yaml" / "out"
    monkeypatch.chdir(shop)  # export reads the store of the current folder's project
    export = invoke("export", "--out", below_a_file)
    assert export.exit_code == 1
    assert export.stderr == f"Error: cannot create the folder {below_a_file}: Not a directory\n"
    init = invoke("init", below_a_file)
    assert init.exit_code == 1
    assert init.stderr == (
        f"Error: cannot write {below_a_file}: Not a directory. Nothing written.\n"
    )


def test_init_next_to_a_dangling_link_or_a_gitignore_folder(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling"
    dangling.mkdir()
    (dangling / "store.yaml").symlink_to("nowhere.yaml")
    result = invoke("init", dangling)
    assert result.exit_code == 1 and "store.yaml already exist(s)" in result.stderr
    folder = tmp_path / "folder"
    (folder / ".gitignore").mkdir(parents=True)
    result = invoke("init", folder)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Nothing written: {folder}/.gitignore is not a file, and init adds a line to it.\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == [".gitignore"]


# --- plan files that are not plans ---------------------------------------------------------


def test_a_plan_with_a_fresh_checksum_and_a_list_where_an_object_belongs(shop: Path) -> None:
    """show rendered it and crashed (AttributeError: 'list' object has no attribute 'get')."""
    plan = shop.parent / "plan.json"
    (shop / "store.yaml").write_text(CHANGED)
    assert invoke("plan", shop, "--out", plan).exit_code == 0
    data = json.loads(plan.read_text())
    data["changes"][0]["after"] = []
    data["checksum"] = checksum(data)
    plan.write_text(json.dumps(data))
    for words in (("show", "plan.json"), ("apply", "plan.json", "--project", "shop")):
        ran = run_cli(*words, cwd=shop.parent)
        assert (ran.code, ran.out) == (4, ""), ran
        assert ran.err.endswith(
            "Refused: plan.json: malformed plan (changes[0].after: expected an object, found a "
            "list); the tool never writes that. Make a new plan with plan --out.\n"
        ), ran


def test_a_plan_nested_thousands_of_levels_deep(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": 1, "metadata": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = invoke("show", plan)
    assert result.exit_code == 4
    assert result.stderr == (
        f"Refused: {plan}: not a saved plan: its JSON is nested thousands of levels deep.\n"
    )


def test_a_yaml_file_given_to_apply_points_at_its_folder(shop: Path) -> None:
    result = invoke("apply", shop / "store.yaml", "--project", shop)
    assert result.exit_code == 4
    assert result.stderr == (
        f"Refused: {shop}/store.yaml: not a saved plan: it is not JSON (Expecting value at line "
        "1, column 1). A saved plan is the file `plan --out FILE` writes; to apply the YAML of "
        f"a project, pass its folder: inventory-as-code apply {shop}\n"
    )


# --- flags that select nothing, names that act on the terminal -----------------------------


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_blank_target_selects_nothing_instead_of_everything(shop: Path, command: str) -> None:
    """`--target "$T"` with T unset planned, and applied, every change."""
    (shop / "store.yaml").write_text(CHANGED)
    result = invoke(
        command, shop, "--target", "", "--auto-approve" if command == "apply" else "--detailed"
    )
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: --target '' is not an address. Write it as the plan shows objects, e.g. "
        'product["organic-tee"], variant["organic-tee"]["S/Black"], option["Color"] or '
        'location["Main warehouse"] (quote it for the shell).\n'
    )


def test_a_path_with_an_escape_sequence_is_printed_escaped(base: Path, tmp_path: Path) -> None:
    shop = copy_project(base, tmp_path / "shop\x1b[2J")
    result = invoke("plan", shop, "--out", shop / "plan.json")
    assert result.exit_code == 0
    assert "\x1b" not in result.output
    assert "shop\\x1b[2J/.inventory-as-code/local.db" in result.stdout


def test_an_api_key_without_a_site_id_names_the_variables(tmp_path: Path) -> None:
    shop = write_project(tmp_path / "shop", {"store.yaml": STORE})
    result = invoke("plan", shop, WIX_SITE_ID="abc")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: WIX_SITE_ID is set, so the site comes from the environment, but WIX_API_KEY is "
        "not: set both (an API key from the Wix API Keys Manager and the site's id), or neither "
        "to use the embedded local store.\n"
    )


def test_flags_that_conflict_are_errors_like_any_other(shop: Path) -> None:
    """They printed without the `Error:` every other error carries."""
    plan = shop.parent / "plan.json"
    assert invoke("plan", shop, "--out", plan).exit_code == 0
    target = invoke("apply", plan, "--project", shop, "--target", 'product["mug"]')
    assert (target.exit_code, target.stderr) == (
        1,
        "Error: --target selects changes while planning; a saved plan is applied whole. Make "
        "the plan with plan --target --out instead.\n",
    )
    project = invoke("apply", shop, "--project", shop)
    assert (project.exit_code, project.stderr) == (
        1,
        f"Error: --project is for a saved plan; here the project is {shop}.\n",
    )


@pytest.mark.parametrize(
    ("url", "why"),
    [("http://[", "Invalid IPv6 URL"), ("http://127.0.0.1:99999", "Port out of range 0-65535")],
)
def test_a_base_url_that_is_not_a_url(tmp_path: Path, url: str, why: str) -> None:
    """urlsplit raised ValueError inside the client: an internal error."""
    shop = write_project(tmp_path / "shop", {"store.yaml": STORE})
    result = invoke("status", shop, WIX_API_KEY="k", WIX_SITE_ID="s", WIX_API_BASE_URL=url)
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: WIX_API_BASE_URL '{url}' is not a valid URL ({why}); use "
        "https://www.wixapis.com or http://127.0.0.1:PORT for a local emulator.\n",
    )
