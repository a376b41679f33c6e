"""The README's examples are the real ones: its YAML is the example's, its tour runs as written
and prints what its comments quote (the fenced outputs of the docs: test_outputs.py)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner

from inventory_as_code.cli import main
from tests.e2e.cli import BASE_ENV

REPO = Path(__file__).resolve().parents[2]
QUOTED = re.compile(r'"([^"]+)"')
README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLE = REPO / "examples" / "apparel-multi-location"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_the_readme_product_is_the_example_product_line_for_line() -> None:
    (snippet,) = [b for b in blocks("yaml") if "organic-cotton-tee" in b]
    source = (EXAMPLE / "products" / "tees.yaml").read_text(encoding="utf-8")
    start = source.index("products:\n")
    end = source.index("\n\n", start)  # the first product ends at the first blank line
    assert snippet.strip() == source[start:end].strip()


def test_the_tour_does_not_copy_the_hidden_local_store(tmp_path: Path) -> None:
    tour = next(b for b in blocks("sh") if "my-shop" in b)
    copy = next(line for line in tour.splitlines() if "cp " in line)
    shutil.copytree(EXAMPLE, tmp_path / "examples" / EXAMPLE.name)
    hidden = tmp_path / "examples" / EXAMPLE.name / ".inventory-as-code"
    hidden.mkdir()
    (hidden / "local.db").write_bytes(b"an earlier plan of the example")
    subprocess.run(["bash", "-eo", "pipefail", "-c", copy], cwd=tmp_path, check=True)
    copied = tmp_path / "my-shop"
    assert (copied / "locations.yaml").is_file() and (copied / "products" / "tees.yaml").is_file()
    assert not (copied / ".inventory-as-code").exists()


def test_the_tour_prints_what_its_comments_quote(tmp_path: Path) -> None:
    """Each line of the tour runs as written (the tool's in process, the rest in bash), and
    every "quoted" text of a line's comment is in that command's output."""
    tour = next(b for b in blocks("sh") if "my-shop" in b)
    shutil.copytree(EXAMPLE, tmp_path / "examples" / EXAMPLE.name)
    env = {key: value or None for key, value in BASE_ENV.items()}
    ran = 0
    for line in tour.splitlines():
        command, _, comment = line.partition("  #")
        words = shlex.split(command)
        if words[0] != "inventory-as-code":
            subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=tmp_path, check=True)
            continue
        if words[1] == "apply" and "--auto-approve" not in words:
            words.append("--auto-approve")  # the reader answers the question; a test cannot
        cwd = Path.cwd()
        os.chdir(tmp_path)
        try:
            result = CliRunner().invoke(main, words[1:], env=env)
        finally:
            os.chdir(cwd)
        assert result.exit_code == 0, f"{line}\n{result.output}"
        for quoted in QUOTED.findall(comment):
            assert quoted in result.output, f"{line}\n{result.output}"
        ran += 1
    assert ran == 10
