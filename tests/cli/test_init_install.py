"""`init` writes the install line the running tool came from (PEP 610 direct_url.json).

The real installs (a wheel file, a repository URL served over loopback) are in
tests/release/test_wheel.py; here every kind of direct_url.json, and what init
writes and prints for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from inventory_as_code import __version__
from inventory_as_code.cli import init as init_module
from inventory_as_code.cli import main
from inventory_as_code.cli._install_source import InstallSource, from_direct_url
from inventory_as_code.cli.init import INSTALL_STEP, template

COMMIT = "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c"
SHA = "b" * 64


def direct_url(**data: Any) -> str:
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "requirement"),
    [
        (None, "inventory-as-code==1.2.3"),  # from an index: no direct_url.json
        (
            direct_url(
                url="https://github.com/shop/iac.git",
                vcs_info={"vcs": "git", "commit_id": COMMIT, "requested_revision": "v1.2.3"},
            ),
            f"inventory-as-code @ git+https://github.com/shop/iac.git@{COMMIT}",
        ),
        (
            direct_url(
                url="ssh://git@gitlab.com/shop/tools.git",
                vcs_info={"vcs": "git", "commit_id": COMMIT},
                subdirectory="iac",
            ),
            f"inventory-as-code @ git+ssh://git@gitlab.com/shop/tools.git@{COMMIT}"
            "#subdirectory=iac",
        ),
        (
            direct_url(
                url="https://${USER}:${TOKEN}@git.example/iac",  # PEP 610: env vars may stay
                vcs_info={"vcs": "git", "commit_id": COMMIT},
            ),
            f"inventory-as-code @ git+https://${{USER}}:${{TOKEN}}@git.example/iac@{COMMIT}",
        ),
        (
            direct_url(
                url="https://files.example/iac-1.2.3-py3-none-any.whl",
                archive_info={"hashes": {"sha256": SHA}},
            ),
            f"inventory-as-code @ https://files.example/iac-1.2.3-py3-none-any.whl#sha256={SHA}",
        ),
        (
            direct_url(
                url="https://files.example/iac.tar.gz", archive_info={"hash": f"sha256={SHA}"}
            ),
            f"inventory-as-code @ https://files.example/iac.tar.gz#sha256={SHA}",
        ),
    ],
    ids=["index", "vcs-https", "vcs-ssh-subdirectory", "vcs-env-credentials", "url", "url-legacy"],
)
def test_a_source_ci_can_reach_becomes_the_requirement(text: str | None, requirement: str) -> None:
    assert from_direct_url("1.2.3", text).requirement == requirement


def test_credentials_in_a_url_stay_out_of_the_workflow() -> None:
    source = from_direct_url(
        "1.2.3",
        direct_url(
            url="https://me:ghp_secret@github.com/shop/iac",
            vcs_info={"vcs": "git", "commit_id": COMMIT},
        ),
    )
    assert source.requirement == f"inventory-as-code @ git+https://github.com/shop/iac@{COMMIT}"
    assert source.warning and "credentials" in source.warning
    assert "ghp_secret" not in f"{source.requirement} {source.origin} {source.warning}"


def test_ssh_warns_that_ci_needs_a_key() -> None:
    source = from_direct_url(
        "1.2.3",
        direct_url(
            url="ssh://git@github.com/shop/iac", vcs_info={"vcs": "git", "commit_id": COMMIT}
        ),
    )
    assert source.warning and "deploy key" in source.warning


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        (
            direct_url(url="file:///home/me/iac", dir_info={"editable": True}),
            "an editable install of the folder /home/me/iac",
        ),
        (direct_url(url="file:///home/me/iac", dir_info={}), "the folder /home/me/iac"),
        (
            direct_url(url="file:///tmp/iac-1.2.3-py3-none-any.whl", archive_info={}),
            "the file /tmp/iac-1.2.3-py3-none-any.whl",
        ),
        (
            direct_url(url="file:///home/me/iac", vcs_info={"vcs": "git", "commit_id": COMMIT}),
            "the git clone /home/me/iac",
        ),
        (
            direct_url(url='https://x.example/a"b', vcs_info={"vcs": "git", "commit_id": COMMIT}),
            "a URL that cannot be written into a workflow",
        ),
        (direct_url(url="https://x.example/iac", vcs_info={"vcs": "git"}), "no commit recorded"),
        ("{not json", "cannot be read"),
    ],
    ids=["editable", "folder", "local-wheel", "local-clone", "unsafe-url", "no-commit", "garbage"],
)
def test_a_source_ci_cannot_reach_gets_a_fill_in_step_and_a_warning(text: str, origin: str) -> None:
    source = from_direct_url("1.2.3", text)
    assert source.requirement is None
    assert origin in source.origin
    assert source.warning and 'pip install "inventory-as-code==1.2.3"' in source.warning
    assert "docs/ci.md" in source.warning


def install_step(text: str) -> dict[str, Any]:
    workflow = yaml.safe_load(text)
    jobs = workflow["jobs"]
    job = jobs["plan"] if "plan" in jobs else jobs["apply"]
    (step,) = [s for s in job["steps"] if s.get("id") == "install"]
    return step  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["github/plan.yml", "github/apply.yml"])
def test_each_workflow_template_has_one_install_step_of_this_release(name: str) -> None:
    (match,) = INSTALL_STEP.finditer(template(name))
    assert match["version"] == __version__


@pytest.mark.parametrize("name", ["github/plan.yml", "github/apply.yml"])
def test_init_writes_the_requirement_into_the_install_step(name: str) -> None:
    requirement = f"inventory-as-code @ git+https://github.com/shop/iac@{COMMIT}"
    text = template(name, InstallSource(requirement, f"git+https://github.com/shop/iac, {COMMIT}"))
    assert install_step(text)["run"] == f'pip install "{requirement}"'
    assert "What `inventory-as-code init` was installed from: git+https://github.com/shop" in text


def test_a_fill_in_step_fails_the_job_with_a_clear_error() -> None:
    source = InstallSource(None, "the folder /home/me/iac\x1b[2J\nrun: evil", "warn")
    text = template("github/plan.yml", source)
    run = install_step(text)["run"]
    assert run.startswith("echo '::error title=Install step not filled in::") and run.endswith(
        "exit 1"
    )
    assert "# FILL IN: inventory-as-code was installed from the folder /home/me/iac" in text
    assert "\nrun: evil" not in text and "\x1b" not in text  # one comment line, whatever it held


def test_init_prints_the_warning_and_names_the_files_to_fill_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = from_direct_url("1.2.3", direct_url(url="file:///home/me/iac", dir_info={}))
    monkeypatch.setattr(init_module, "install_source", lambda: source)
    result = CliRunner().invoke(main, ["init", str(tmp_path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    output = result.output + result.stderr
    assert "Warning: This inventory-as-code was installed from the folder /home/me/iac" in output
    assert "(the step marked FILL IN in" in output and ".github/workflows/apply.yml" in output


def test_init_says_which_release_the_workflows_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(init_module, "install_source", lambda: from_direct_url("1.2.3", None))
    result = CliRunner().invoke(main, ["init", str(tmp_path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "The workflows install inventory-as-code==1.2.3." in result.output
    assert "Warning" not in result.output + result.stderr
    for name in ("plan.yml", "apply.yml"):
        text = (tmp_path / ".github" / "workflows" / name).read_text()
        assert install_step(text)["run"] == 'pip install "inventory-as-code==1.2.3"'


class FakeDistribution:
    """What importlib.metadata finds: a dist-info an installer wrote, or a build's egg-info."""

    version = "1.2.3"

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def read_text(self, name: str) -> str | None:
        return self.files.get(name)

    def locate_file(self, path: str) -> Path:
        return Path("/src/inventory-as-code") / path


@pytest.mark.parametrize(
    ("files", "requirement", "origin"),
    [
        ({"INSTALLER": "pip\n"}, "inventory-as-code==1.2.3", "the package index, version 1.2.3"),
        ({}, None, "the source tree /src/inventory-as-code"),  # egg-info: no installer wrote it
    ],
    ids=["installed-from-an-index", "egg-info-of-a-source-tree"],
)
def test_only_an_installer_s_metadata_means_a_release_from_an_index(
    monkeypatch: pytest.MonkeyPatch, files: dict[str, str], requirement: str | None, origin: str
) -> None:
    from inventory_as_code.cli import _install_source

    monkeypatch.setattr(_install_source.metadata, "distribution", lambda _: FakeDistribution(files))
    source = _install_source.install_source()
    assert (source.requirement, source.origin) == (requirement, origin)
