"""The GitHub workflows' own steps, run against an emulator on a loopback socket.

Each test runs the ``run:`` scripts of the example workflows (so their
``inventory-as-code`` command lines and the exit-code handling around them)
in a copy of ``examples/apparel-multi-location`` with
``examples/ci/inventory-as-code.toml``, with ``CI=true`` and the credential
variables the toml names. Steps that need GitHub itself (checkout, artifacts,
github-script) are stood in for: the saved plan is copied where
download-artifact would put it; the scripts are tested in test_scripts.py.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inventory_as_code.plan.saved import PLAN_KEY_ENV

from ._workflows import find_step, load_sites
from .conftest import Runner, rename_product

MARKER = "<!-- inventory-as-code plan -->"

# Every step holding an inventory-as-code command, and the test that runs it
# (test_workflows.py checks that this list is complete).
EXECUTED_STEPS = {
    ("plan.yml", "plan", "validate"),
    ("plan.yml", "plan", "plan"),
    ("apply.yml", "apply", "apply"),
    ("apply.yml", "apply", "residual"),
    ("drift.yml", "drift", "drift"),
    ("fleet.yml", "plan", "validate"),
    ("fleet.yml", "plan", "plan"),
    ("fleet.yml", "comment", "combine"),
    ("fleet.yml", "apply", "apply"),
    ("check.yml", "check", "check"),  # test_check_recipe.py
}
FLEET_MARKER = "<!-- inventory-as-code fleet plan -->"


def pull_request_plan(runner: Runner, *, validate: bool = True) -> Path:
    """plan.yml on a pull request; returns where download-artifact would put plan.json."""
    if validate:  # offline and unchanged by the store: once per test is enough
        checked = runner.step("plan.yml", "plan", "validate")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.splitlines()[-1].startswith("OK: 4 files")
    plan = runner.step("plan.yml", "plan", "plan")
    assert plan.returncode == 0, plan.stderr
    markdown = (runner.repo / "plan.md").read_text(encoding="utf-8")
    assert markdown.startswith(MARKER)
    assert MARKER in runner.summary
    saved = json.loads((runner.repo / "plan.json").read_text(encoding="utf-8"))
    assert saved["site"] == runner.secrets["WIX_PROD_SITE_ID"]
    downloaded = runner.repo / "reviewed-plan"
    downloaded.mkdir(exist_ok=True)
    shutil.copy(runner.repo / "plan.json", downloaded / "plan.json")
    return downloaded / "plan.json"


def drift_code(runner: Runner) -> str:
    """The ``code`` output of drift.yml's drift step (what the issue step reads)."""
    lines = Path(runner.base_env["GITHUB_OUTPUT"]).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("code=")][-1].removeprefix("code=")


def merge_and_apply(runner: Runner) -> Any:
    return runner.step("apply.yml", "apply", "apply")


def test_pull_request_merge_apply_then_drift(runner: Runner, wix: Callable[..., Any]) -> None:
    runner.context["steps"] = {"find-plan": {"outputs": {"pr-number": "7", "run-id": "42"}}}

    pull_request_plan(runner)
    assert "Plan: 108 to create" in (runner.repo / "plan.md").read_text(encoding="utf-8")

    once = runner.step("apply.yml", "apply", "once")
    assert once.returncode == 0
    applied = merge_and_apply(runner)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Applied the reviewed plan of pull request #7" in runner.summary
    assert json.loads((runner.repo / "report.json").read_text())["summary"]["applied"] == 108

    residual = runner.step("apply.yml", "apply", "residual")
    assert residual.returncode == 0 and "::warning" not in residual.stdout

    runner.clear_summary()
    drift = runner.step("drift.yml", "drift", "drift")
    assert drift.returncode == 0, drift.stdout + drift.stderr
    assert "No drift" in runner.summary

    # Someone renames a product in the Wix dashboard.
    rename_product(wix(), "tote-bag", "Canvas Tote (dashboard)")
    runner.clear_summary()
    drift = runner.step("drift.yml", "drift", "drift")
    # Drift is reported in the drift issue (test_drift_issue.py), not by a red run.
    assert drift.returncode == 0, drift.stdout + drift.stderr
    assert drift_code(runner) == "2"
    assert "::warning title=Drift on production::" in drift.stdout
    assert MARKER in runner.summary and "Canvas Tote (dashboard)" in runner.summary
    # The report the issue gets says why: not a git checkout here, so "unknown", and how.
    report = (runner.repo / "drift.md").read_text(encoding="utf-8")
    assert "Why the store and the YAML differ (drift), with the remedy" in report
    assert '! product["tote-bag"]: unknown: the project is not in a git repository' in report

    # A pull request plans the fix; after the merge, its plan is applied once.
    pull_request_plan(runner, validate=False)
    assert "Plan: 0 to create, 1 to update" in (runner.repo / "plan.md").read_text()
    assert merge_and_apply(runner).returncode == 0
    assert runner.step("drift.yml", "drift", "drift").returncode == 0

    # The same saved plan again: what it changes has moved (by its own apply).
    again = merge_and_apply(runner)
    assert again.returncode == 4
    assert "::error title=Store changed since the plan::" in again.stdout
    assert "Plan again" in again.stdout
    report = json.loads((runner.repo / "report.json").read_text())
    assert report["summary"]["stale"] == 1 and report["summary"]["applied"] == 0
    runner.assert_no_key_in(
        *(p.read_text() for p in runner.repo.glob("*.json")),
        *(p.read_text() for p in runner.repo.glob("*.md")),
    )


ACCEPT_DELETION = """
[[sites.production.guard_rails.accept]]
rail = "DELETE_SHARE"
kind = "products"
max = 2
reason = "accessories leave the catalog (PR #12)"
"""


def test_a_mass_deletion_fails_the_pull_request_until_it_is_accepted_in_review(
    runner: Runner, wix: Callable[..., Any]
) -> None:
    runner.context["steps"] = {"find-plan": {"outputs": {"pr-number": "12", "run-id": "47"}}}
    pull_request_plan(runner)
    assert merge_and_apply(runner).returncode == 0
    # A pull request prunes products and drops a file: 2 of the 5 products (40%) go.
    toml = runner.repo / "inventory-as-code.toml"
    small = toml.read_text().replace(
        "[sites.production.guard_rails]\n", "[sites.production.guard_rails]\nmin_items = 2\n"
    )
    assert small != toml.read_text()
    toml.write_text(small)
    locations = runner.repo / "locations.yaml"
    locations.write_text(locations.read_text().replace("prune:\n", "prune:\n  products: true\n"))
    (runner.repo / "products" / "accessories.yaml").unlink()
    outputs = Path(runner.base_env["GITHUB_OUTPUT"])

    plan = runner.step("plan.yml", "plan", "plan")
    assert plan.returncode == 0, plan.stderr  # the comment and the artifact still go out...
    assert outputs.read_text() == "rails=tripped\n"
    assert "2 of 5 live products (40%) would be deleted" in (runner.repo / "plan.md").read_text()
    check = runner.step("plan.yml", "plan", "rails")  # ...and the check fails, before the merge
    assert check.returncode == 1
    assert "::error title=Guard rail tripped::apply would refuse this plan" in check.stdout
    assert "[[guard_rails.accept]]" in check.stdout
    # Had this reached main unreviewed, the drift check would say so too.
    drift = runner.step("drift.yml", "drift", "drift")
    assert drift.returncode == 0 and drift_code(runner) == "4"
    assert "::warning title=Drift on production trips a guard rail::" in drift.stdout

    # The pull request accepts the deletion, where reviewers see it; the check passes.
    toml.write_text(small + ACCEPT_DELETION)
    outputs.write_text("")
    pull_request_plan(runner, validate=False)
    assert outputs.read_text() == ""
    applied = merge_and_apply(runner)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    slugs = {p["slug"] for p in wix().products.query()}
    assert slugs == {"organic-cotton-tee", "heavyweight-pocket-tee", "fjord-hoodie"}


def test_a_rerun_of_apply_is_refused(runner: Runner) -> None:
    result = runner.step("apply.yml", "apply", "once", GITHUB_RUN_ATTEMPT="2")
    assert result.returncode == 1
    assert "::error title=Saved plan already used::" in result.stdout


def test_apply_refuses_a_plan_the_store_moved_under(
    runner: Runner, wix: Callable[..., Any]
) -> None:
    runner.context["steps"] = {"find-plan": {"outputs": {"pr-number": "8", "run-id": "43"}}}
    pull_request_plan(runner)
    assert merge_and_apply(runner).returncode == 0
    client = wix()
    rename_product(client, "merino-beanie", "Beanie, renamed")
    pull_request_plan(runner, validate=False)  # reviewed: rename it back
    rename_product(client, "merino-beanie", "Beanie, renamed again during review")

    result = merge_and_apply(runner)
    assert result.returncode == 4
    assert "::error title=Store changed since the plan::" in result.stdout
    assert client.products.get_by_slug("merino-beanie")["name"] == (
        "Beanie, renamed again during review"
    )  # not overwritten


def test_apply_refuses_a_plan_made_for_another_site(runner: Runner) -> None:
    runner.context["steps"] = {"find-plan": {"outputs": {"pr-number": "9", "run-id": "44"}}}
    staging = load_sites()["staging"]
    (runner.repo / "reviewed-plan").mkdir()
    made = runner.command(
        "inventory-as-code plan . --site staging --out reviewed-plan/plan.json",
        {
            name: runner.secrets[name]
            for name in (staging["api_key_env"], staging["site_id_env"], PLAN_KEY_ENV)
        },
    )  # signed with the secret the apply step checks: refused for its site, not its signature
    assert made.returncode == 0, made.stderr

    result = merge_and_apply(runner)
    assert result.returncode == 4
    assert "::error title=Plan refused::" in result.stdout
    assert "was made for site 'staging-site-id'" in result.stderr


def test_drift_check_errors_fail_as_errors(runner: Runner) -> None:
    runner.secrets["WIX_PROD_API_KEY"] = ""  # the secret is not set in the repository
    result = runner.step("drift.yml", "drift", "drift")
    assert result.returncode == 1
    assert "::error title=Drift check failed::" in result.stdout
    assert "WIX_PROD_API_KEY" in result.stderr  # the tool names what to set


def test_validate_annotates_problems_on_the_pull_request(runner: Runner) -> None:
    tees = runner.repo / "products" / "tees.yaml"
    tees.write_text(tees.read_text().replace('price: "29.00"', 'price: "cheap"'))
    result = runner.step("plan.yml", "plan", "validate")
    assert result.returncode == 1
    assert "::error file=products/tees.yaml,line=" in result.stdout


def test_replaying_a_creation_plan_is_refused(runner: Runner) -> None:
    runner.context["steps"] = {"find-plan": {"outputs": {"pr-number": "10", "run-id": "45"}}}
    pull_request_plan(runner)
    assert merge_and_apply(runner).returncode == 0
    assert merge_and_apply(runner).returncode == 4


def test_fleet_shards_plan_comment_once_and_apply_every_site(
    runner: Runner, wix: Callable[..., Any]
) -> None:
    # One site a shard, so the two sites of the toml make a matrix of two jobs.
    counted = runner.step("fleet.yml", "shards", "shards", SITES_PER_SHARD="1")
    assert counted.returncode == 0, counted.stderr
    written = Path(runner.base_env["GITHUB_OUTPUT"]).read_text()
    outputs = dict(line.split("=", 1) for line in written.splitlines() if line)
    assert outputs == {"count": "2", "matrix": "[1, 2]"}
    assert find_step("fleet.yml", "shards", "shards").script.count("secrets") == 0
    sites = load_sites()
    runner.context["needs"] = {"shards": {"outputs": outputs}}
    (runner.repo / "shards").mkdir()
    planned: set[str] = set()
    for shard in (1, 2):
        runner.context["matrix"] = {"shard": shard}
        for step_id in ("validate", "plan"):
            result = runner.step("fleet.yml", "plan", step_id)
            assert result.returncode == 0, (shard, step_id, result.stdout, result.stderr)
        report = json.loads((runner.repo / f"report-{shard}.json").read_text())
        assert report["shards"] == [f"{shard}/2"]
        names = {site["name"] for site in report["sites"]}
        assert not names & planned  # every site in one shard only
        planned |= names
        for site in report["sites"]:
            assert site["outcome"] == "changes", site
            saved = json.loads(
                (runner.repo / f"plans-{shard}" / f"{site['name']}.json").read_text()
            )
            assert saved["site"] == runner.secrets[sites[site["name"]]["site_id_env"]]
        shutil.copy(runner.repo / f"report-{shard}.json", runner.repo / "shards")
    assert planned == set(sites)
    assert "inventory-as-code plan for 1 site(s)" in runner.summary

    combined = runner.step("fleet.yml", "comment", "combine")
    assert combined.returncode == 0, combined.stderr
    comment = (runner.repo / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith(FLEET_MARKER)
    assert "for 2 site(s)" in comment and "(shard 1/2, 2/2)" in comment
    for name in sites:
        assert f"inventory-as-code plan for site `{name}`" in comment

    for shard in (1, 2):
        runner.context["matrix"] = {"shard": shard}
        applied = runner.step("fleet.yml", "apply", "apply")
        assert applied.returncode == 0, (shard, applied.stdout, applied.stderr)
        report = json.loads((runner.repo / f"applied-{shard}.json").read_text())
        assert {site["outcome"] for site in report["sites"]} == {"applied"}

    # Each site got the catalog, in its own store, with its own credentials.
    for name, site in sites.items():
        products = {p["slug"] for p in wix(runner.secrets[site["site_id_env"]]).products.query()}
        assert "organic-cotton-tee" in products, name
