"""The git history of YAML lines: one blame per file, dated by when a line reached the branch.

Real repositories in ``tmp_path``, commits with dates the test sets (through the
environment of the test's own git).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from inventory_as_code.drift import history
from inventory_as_code.drift.history import (
    Committed,
    NoHistory,
    Uncommitted,
    read_history,
)

DAY = 86_400
T0 = 1_700_000_000  # 2023-11-14


def git(root: Path, *args: str, at: int | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
    }
    if at is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{at} +0000"
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit_all(root: Path, at: int, message: str = "edit") -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, at=at)
    return git(root, "rev-parse", "HEAD").strip()


LINES = "".join(f"line {n}\n" for n in range(1, 11))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """shop/a.yaml: ten lines at T0; line 5 changed a day later."""
    root = tmp_path / "repo"
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "a.yaml").write_text(LINES)
    git(root, "init", "-q")
    commit_all(root, T0, "start")
    (root / "shop" / "a.yaml").write_text(LINES.replace("line 5\n", "line five\n"))
    commit_all(root, T0 + DAY)
    return root / "shop"


def times(found: history.LineHistory, file: str, lines: range) -> list[int | str]:
    out: list[int | str] = []
    for n in lines:
        state = found.state(file, n)
        out.append(state.commit.time if isinstance(state, Committed) else type(state).__name__)
    return out


@pytest.fixture
def git_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, ...]]]:
    calls: list[tuple[str, ...]] = []
    real = history.run_git

    def recorded(cwd: Path, *args: str, timeout: float) -> subprocess.CompletedProcess[bytes]:
        calls.append(args)
        return real(cwd, *args, timeout=timeout)

    monkeypatch.setattr(history, "run_git", recorded)
    yield calls


def test_each_line_gets_its_commit_and_one_blame_reads_the_file(
    repo: Path, git_calls: list[tuple[str, ...]]
) -> None:
    found = read_history(repo, {"a.yaml": range(1, 11)})
    assert times(found, "a.yaml", range(4, 7)) == [T0, T0 + DAY, T0]
    assert found.history == "full" and found.head == git(repo, "rev-parse", "HEAD").strip()
    assert [call[0] for call in git_calls] == ["rev-parse", "ls-tree", "blame"]
    blame = git_calls[-1]
    # Blame reads HEAD (never the working tree, which git would pass through the
    # repository's clean filter), dates lines by when they reached the branch.
    assert blame[-3:] == ("HEAD", "--", "shop/a.yaml")
    assert "--first-parent" in blame and "--no-textconv" in blame


def test_edits_in_the_working_tree_are_uncommitted_and_move_the_others(repo: Path) -> None:
    edited = "new first line\n" + LINES.replace("line 5\n", "line five\n").replace(
        "line 8\n", "line eight, uncommitted\n"
    )
    (repo / "a.yaml").write_text(edited.replace("\n", "\r\n"))  # a Windows checkout, too
    found = read_history(repo, {"a.yaml": range(1, 12)})
    assert times(found, "a.yaml", range(1, 12)) == [
        "Uncommitted",
        T0,
        T0,
        T0,
        T0,
        T0 + DAY,  # "line five", now line 6
        T0,
        T0,
        "Uncommitted",  # line 8, now 9
        T0,
        T0,
    ]


def test_a_file_git_does_not_hold_is_uncommitted(repo: Path) -> None:
    (repo / "new.yaml").write_text("products: {}\n")
    found = read_history(repo, {"new.yaml": [1], "a.yaml": [5]})
    assert isinstance(found.state("new.yaml", 1), Uncommitted)
    assert times(found, "a.yaml", range(5, 6)) == [T0 + DAY]


def test_a_merged_branch_is_dated_by_its_merge(repo: Path) -> None:
    root = repo.parent
    git(root, "checkout", "-q", "-b", "feature")
    (repo / "a.yaml").write_text(LINES.replace("line 5\n", "line five\n").replace("2\n", "two\n"))
    commit_all(root, T0 + 2 * DAY, "written on the branch")
    git(root, "checkout", "-q", "-")
    git(root, "merge", "-q", "--no-ff", "-m", "merged", "feature", at=T0 + 9 * DAY)
    found = read_history(repo, {"a.yaml": [2]})
    assert times(found, "a.yaml", range(2, 3)) == [T0 + 9 * DAY]


def test_a_shallow_clone_marks_lines_of_its_boundary(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.parent}", str(clone))
    found = read_history(clone / "shop", {"a.yaml": [4, 5]})
    assert found.history == "shallow"
    for line in (4, 5):
        state = found.state("a.yaml", line)
        # Line 4 is from T0, but the clone knows only the commit of T0 + 1 day: an
        # upper bound of its date.
        assert isinstance(state, Committed) and state.cut and state.commit.time == T0 + DAY


def test_without_git_history_each_line_says_why(repo: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "a.yaml").write_text(LINES)
    found = read_history(bare, {"a.yaml": [1]})
    assert found.state("a.yaml", 1) == NoHistory("the project is not in a git repository")
    assert found.describe()["history"] == "none"

    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    (empty / "a.yaml").write_text(LINES)
    found = read_history(empty, {"a.yaml": [1]})
    assert found.state("a.yaml", 1) == NoHistory("the git repository has no commit yet")

    outside = tmp_path / "outside.yaml"
    outside.write_text(LINES)
    (repo / "linked.yaml").symlink_to(outside)
    found = read_history(repo, {"linked.yaml": [1]})
    assert found.state("linked.yaml", 1) == NoHistory("the file is outside the git repository")


def test_a_hostile_git_config_runs_no_program(repo: Path, tmp_path: Path) -> None:
    # A downloaded project brings its .git/config: blame would run the clean filter on
    # the working file and a textconv on every version; hooks, pager, fsmonitor too.
    marker = tmp_path / "ran"
    program = f"touch {marker}.$$; false"
    root = repo.parent
    (root / ".gitattributes").write_text("*.yaml filter=evil diff=evil\n")
    commit_all(root, T0 + 2 * DAY, "attributes")
    for key, value in (
        ("core.fsmonitor", program),
        ("filter.evil.clean", program),
        ("filter.evil.smudge", program),
        ("filter.evil.process", program),
        ("diff.evil.textconv", program),
        ("diff.external", program),
        ("core.pager", program),
        ("core.hooksPath", str(tmp_path / "hooks")),
    ):
        git(root, "config", key, value)
    edited = "edited\n" + LINES.replace("line 5\n", "line five\n")
    (repo / "a.yaml").write_text(edited)  # a modified file: blamed whole
    found = read_history(repo, {"a.yaml": [1, 6]})
    assert isinstance(found.state("a.yaml", 1), Uncommitted)
    assert times(found, "a.yaml", range(6, 7)) == [T0 + DAY]
    assert not list(tmp_path.glob("ran*")), "a program from the repository's git config ran"
