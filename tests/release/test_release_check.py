"""The release workflow and the checks it runs before publishing (tools/release_check.py)."""

from __future__ import annotations

import importlib.util
import re
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from inventory_as_code import __version__

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "release.yml"


def release_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "release_check", REPO / "tools" / "release_check.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_dist(folder: Path, version: str, sdist_version: str | None = None) -> Path:
    folder.mkdir()
    wheel = folder / f"inventory_as_code-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(
            f"inventory_as_code-{version}.dist-info/METADATA",
            f"Metadata-Version: 2.4\nName: inventory-as-code\nVersion: {version}\n",
        )
    (folder / f"inventory_as_code-{sdist_version or version}.tar.gz").write_bytes(b"")
    return folder


DATED = "## [Unreleased]\n\n## [1.2.0] - 2026-12-24\n\n### Added\n- x\n\n## [1.1.0] - 2026-11-01\n"


@pytest.mark.parametrize(
    ("tag", "changelog", "sdist", "problem"),
    [
        ("v1.2.0", DATED, None, None),
        ("1.2.0", DATED, None, "The tag '1.2.0' does not name the version built, 1.2.0"),
        ("v1.1.0", DATED, None, "The tag 'v1.1.0' does not name the version built, 1.2.0"),
        ("v1.2.0", "## [1.2.0] - Unreleased\n", None, 'the entry "## [1.2.0]" has no release date'),
        ("v1.2.0", "## [1.1.0] - 2026-11-01\n", None, 'CHANGELOG.md has no entry "## [1.2.0]'),
        ("v1.2.0", DATED, "1.1.0", "The sdist inventory_as_code-1.1.0.tar.gz is not of version"),
    ],
    ids=["ready", "no-v", "old-tag", "undated", "no-entry", "stale-sdist"],
)
def test_the_release_check(
    tmp_path: Path, tag: str, changelog: str, sdist: str | None, problem: str | None
) -> None:
    dist = fake_dist(tmp_path / "dist", "1.2.0", sdist)
    found = release_check().problems(tag, dist, changelog)
    if problem is None:
        assert found == []
    else:
        assert any(problem in line for line in found), found


def test_two_wheels_are_refused(tmp_path: Path) -> None:
    dist = fake_dist(tmp_path / "dist", "1.2.0")
    (dist / "inventory_as_code-1.1.0-py3-none-any.whl").write_bytes(b"")
    (found,) = release_check().problems("v1.2.0", dist, DATED)
    assert "2 wheel(s) and 1 sdist(s)" in found


def test_the_changelog_has_an_entry_for_this_version() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\] - ", text, re.MULTILINE), __version__
    assert "keepachangelog.com" in text


def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_release_workflow_publishes_checked_distributions_with_trusted_publishing() -> None:
    release = workflow()
    assert release[True] == {"push": {"tags": ["v*"]}}  # PyYAML reads `on` as True
    assert release["permissions"] == {"contents": "read"}
    build, publish = release["jobs"]["build"], release["jobs"]["publish"]
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    assert "bash .ci/run" in runs  # the suite passes first
    assert "python -m build" in runs and "twine check --strict dist/*" in runs
    assert 'python tools/release_check.py "$TAG" dist' in runs
    assert 'inventory-as-code" plan .' in runs  # the wheel runs the main job
    assert publish["needs"] == "build"
    # Trusted publishing: an OpenID Connect token, in the reviewed `pypi` environment only.
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert "id-token" not in str(build.get("permissions", {}))
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert uses[-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert not any("password" in str(step.get("with", {})) for step in publish["steps"])
