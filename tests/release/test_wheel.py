"""What a release ships: the sdist and wheel built from this repository, installed away from it.

The source is this repository's tracked files, copied out (a clean checkout,
as the release workflow has). ``python -m build`` makes the sdist and then the
wheel from the sdist, as the release workflow does; ``--no-isolation`` uses
this environment's setuptools, so no index is needed.

Each install goes into a fresh virtualenv, without pip and without the
repository: pip of this environment installs into it (``pip --python``,
``--no-deps``), and a ``.pth`` file gives it this environment's site-packages
for the dependencies (httpx, rich, ...), since tests never reach the network.
A ``.pth`` file adds that folder to ``sys.path`` but runs none of the ``.pth``
files inside it, such as the editable install's finder of this repository: the
package can only come from what was installed, and the probe checks that it
does, and that it imports nothing its declared dependencies do not bring.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from inventory_as_code import __version__

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = "examples/apparel-multi-location"
TEST_SITE = Path(sysconfig.get_paths()["purelib"])
TIMEOUT = 120
GIT = ["git", "-c", "user.name=release", "-c", "user.email=release@example.com"]

# Run inside the fresh virtualenv: where the package comes from, and what it imports.
PROBE = r"""
import importlib, importlib.metadata as md, json, pkgutil, sys
import inventory_as_code

for module in pkgutil.walk_packages(inventory_as_code.__path__, "inventory_as_code."):
    importlib.import_module(module.name)
loaded = {m.split(".")[0] for m in sys.modules}  # before the imports of this probe's own

from packaging.requirements import Requirement

declared, todo = set(), ["inventory-as-code"]
while todo:
    for text in md.requires(todo.pop()) or []:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = requirement.name.lower().replace("_", "-")
        if name not in declared:
            declared.add(name)
            todo.append(name)
owners = md.packages_distributions()
imported = {top for top in loaded if top in owners}
undeclared = sorted(
    top for top in imported
    if not {d.lower().replace("_", "-") for d in owners[top]} & (declared | {"inventory-as-code"})
)
print(json.dumps({
    "file": inventory_as_code.__file__,
    "path": sys.path,
    "finders": [type(f).__name__ for f in sys.meta_path],
    "undeclared": undeclared,
    "version": md.version("inventory-as-code"),
    "direct_url": md.distribution("inventory-as-code").read_text("direct_url.json"),
}))
"""


def clean_env(**extra: str) -> dict[str, str]:
    """This environment, minus anything that would put the repository on sys.path or point
    the tool at a store."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CI", "WIX_", "INVENTORY_AS_CODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, "NO_COLOR": "1", **extra}


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def ok(args: list[str], cwd: Path, **env: str) -> str:
    done = run(args, cwd, **env)
    assert done.returncode == 0, f"$ {' '.join(args)}\n{done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def fresh_venv(path: Path) -> Path:
    """A virtualenv without pip whose dependencies come from this environment."""
    ok([sys.executable, "-m", "venv", "--without-pip", str(path)], path.parent)
    python = path / "bin" / "python"
    site = Path(
        ok(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], path
        ).strip()
    )
    (site / "_test_dependencies.pth").write_text(f"{TEST_SITE}\n", encoding="utf-8")
    return python


def pip_install(python: Path, requirement: str, cwd: Path) -> None:
    ok(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--ignore-installed",
            requirement,
        ],
        cwd,
    )


def probe(python: Path, cwd: Path) -> dict[str, object]:
    return json.loads(ok([str(python), "-c", PROBE], cwd).splitlines()[-1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's tracked files, as a clean checkout of one commit."""
    listed = subprocess.run(
        # Tracked files and new ones not yet added (not what git ignores): what a commit holds.
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=TIMEOUT,
    ).stdout.decode()
    target = tmp_path_factory.mktemp("source") / "inventory-as-code"
    for name in filter(None, listed.split("\0")):
        origin = REPO / name
        if origin.is_file() and not origin.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / name)
        elif origin.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).symlink_to(os.readlink(origin))
    ok([*GIT, "init", "-q", "-b", "main"], target)
    ok([*GIT, "add", "-A"], target)
    ok([*GIT, "commit", "-q", "-m", "release candidate"], target)
    return target


@pytest.fixture(scope="module")
def dist(source: Path) -> Path:
    out = source.parent / "dist"
    ok([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)], source)
    return out


def the_wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("inventory_as_code-*.whl")
    return wheel


def test_the_sdist_and_the_wheel_carry_everything_the_cli_reads(dist: Path, source: Path) -> None:
    assert sorted(p.name for p in dist.iterdir()) == [
        f"inventory_as_code-{__version__}-py3-none-any.whl",
        f"inventory_as_code-{__version__}.tar.gz",
    ]
    with zipfile.ZipFile(the_wheel(dist)) as wheel:
        names = set(wheel.namelist())
        info = f"inventory_as_code-{__version__}.dist-info"
        metadata = wheel.read(f"{info}/METADATA").decode()
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    package = {
        str(path.relative_to(source))
        for path in (source / "inventory_as_code").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and "egg-info" not in str(path)
    }
    # Every file of the package: modules, schemas, templates, py.typed.
    assert package - names == set()
    assert {"inventory_as_code/py.typed", "inventory_as_code/templates/github/plan.yml"} <= names
    assert f"Version: {__version__}\n" in metadata and "License-Expression: MIT" in metadata
    assert "inventory-as-code = inventory_as_code.cli:main" in entry_points


def test_the_wheel_runs_the_main_job_in_a_fresh_virtualenv(dist: Path, tmp_path: Path) -> None:
    python = fresh_venv(tmp_path / "venv")
    pip_install(python, str(the_wheel(dist)), tmp_path)
    tool = str(python.parent / "inventory-as-code")
    work = tmp_path / "work"
    shutil.copytree(REPO / EXAMPLE, work / EXAMPLE, ignore=shutil.ignore_patterns(".inventory-*"))

    assert ok([tool, "--version"], work) == f"inventory-as-code, version {__version__}\n"
    # The README's main job, from outside any source tree.
    out = ok([tool, "plan", EXAMPLE, "--out", "plan.json"], work)
    assert "Plan: 108 to create, 0 to update, 0 to delete." in out
    saved = json.loads((work / "plan.json").read_text(encoding="utf-8"))
    assert saved["metadata"]["tool_version"] == __version__

    found = probe(python, work)
    site = python.parent.parent
    assert str(found["file"]).startswith(str(site)), found["file"]
    # Nothing of the repository on sys.path but the dependencies' folder (which the test
    # environment may keep in the repository's .venv).
    in_repo = [p for p in found["path"] if str(p).startswith(str(REPO)) and p != str(TEST_SITE)]  # type: ignore[attr-defined]
    assert in_repo == [], found["path"]
    assert not any("Editable" in f for f in found["finders"]), found["finders"]  # type: ignore[attr-defined]
    assert found["undeclared"] == [], "imported, but no declared dependency brings it"
    assert found["version"] == __version__

    # pip recorded a local file: init cannot write it into CI, and says so.
    init = run([tool, "init", "shop"], work)
    assert init.returncode == 0, init.stderr
    assert f"Warning: This inventory-as-code was installed from the file {the_wheel(dist)}" in (
        init.stderr
    )
    assert "# FILL IN:" in (work / "shop" / ".github" / "workflows" / "plan.yml").read_text()


@pytest.fixture
def served(source: Path, tmp_path: Path) -> Iterator[str]:
    """The source repository at git://127.0.0.1:PORT/inventory-as-code (git daemon, loopback)."""
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    daemon = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--export-all",
            "--listen=127.0.0.1",
            f"--port={port}",
            f"--base-path={source.parent}",
            str(source),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and daemon.poll() is None, "git daemon"
                time.sleep(0.05)
        yield f"git://127.0.0.1:{port}/{source.name}"
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def test_init_in_an_install_from_a_repository_url_writes_that_url(
    source: Path, served: str, tmp_path: Path
) -> None:
    commit = ok(["git", "rev-parse", "HEAD"], source).strip()
    python = fresh_venv(tmp_path / "venv")
    pip_install(python, f"inventory-as-code @ git+{served}@{commit}", tmp_path)
    tool = str(python.parent / "inventory-as-code")

    written = run([tool, "init", "shop"], tmp_path)
    assert written.returncode == 0, written.stderr
    requirement = f"inventory-as-code @ git+{served}@{commit}"
    assert f"The workflows install {requirement}." in written.stdout
    assert "Warning" not in written.stderr
    runs = []
    for name in ("plan.yml", "apply.yml"):
        workflow = yaml.safe_load((tmp_path / "shop" / ".github" / "workflows" / name).read_text())
        job = workflow["jobs"]["plan" if name == "plan.yml" else "apply"]
        (step,) = [s for s in job["steps"] if s.get("id") == "install"]
        runs.append(step["run"])
    assert runs == [f'pip install "{requirement}"'] * 2

    # The line CI runs installs that commit: run it, with `pip` aimed at another fresh venv.
    ci_python = fresh_venv(tmp_path / "ci-venv")
    shim = tmp_path / "bin" / "pip"
    shim.parent.mkdir()
    shim.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -m pip --python "{ci_python}" "$@" --quiet '
        "--no-deps --no-index --no-build-isolation --ignore-installed\n",
        encoding="utf-8",
    )
    shim.chmod(0o755)
    ok(["bash", "-eo", "pipefail", "-c", runs[0]], tmp_path, PATH=f"{shim.parent}:/usr/bin:/bin")
    (record,) = (tmp_path / "ci-venv").glob(
        "lib/*/site-packages/inventory_as_code-*/direct_url.json"
    )
    installed = json.loads(record.read_text(encoding="utf-8"))
    assert installed["url"] == served
    assert installed["vcs_info"]["commit_id"] == commit


def test_the_release_check_passes_the_built_distributions_only_for_their_tag(
    dist: Path, tmp_path: Path
) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(f"# Changelog\n\n## [{__version__}] - 2026-12-24\n\n- Added\n")
    check = [sys.executable, str(REPO / "tools" / "release_check.py")]
    ready = run([*check, f"v{__version__}", str(dist), "--changelog", str(changelog)], tmp_path)
    assert ready.returncode == 0, ready.stderr
    wrong = run([*check, "v9.9.9", str(dist), "--changelog", str(changelog)], tmp_path)
    assert wrong.returncode == 1
    assert f"The tag 'v9.9.9' does not name the version built, {__version__}" in wrong.stderr
