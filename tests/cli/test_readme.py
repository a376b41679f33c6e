"""The README's examples are the real ones: its YAML is the example's, its tour copies cleanly."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
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
