"""export --force never deletes or writes through a symlink in the output folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inventory_as_code.export.build import ExportDocument
from inventory_as_code.export.write import ExportError, write_export

DOC = ExportDocument(
    store={"locations": {"Main": {"default": True}}},
    products={"tee": {"name": "Tee"}, "mug": {"name": "Mug"}},
)


def outside_files(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("a.yaml", "b.yaml", "store.yaml"):
        (outside / name).write_text(f"# precious {name}\n")
    return outside


def untouched(outside: Path) -> bool:
    return all(
        (outside / name).read_text() == f"# precious {name}\n"
        for name in ("a.yaml", "b.yaml", "store.yaml")
    )


@pytest.mark.parametrize("force", [True, False])
def test_a_symlinked_products_folder_is_refused(tmp_path: Path, force: bool) -> None:
    outside = outside_files(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "products").symlink_to(outside)
    with pytest.raises(ExportError, match="symlinks where the export writes"):
        write_export(DOC, out, force=force)
    assert untouched(outside)


@pytest.mark.parametrize("name", ["store.yaml", "products.yaml"])
def test_a_symlinked_file_is_refused(tmp_path: Path, name: str) -> None:
    outside = outside_files(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / name).symlink_to(outside / "store.yaml")
    with pytest.raises(ExportError, match=re.escape(name)):
        write_export(DOC, out, force=True)
    assert untouched(outside)


def test_a_symlink_inside_products_is_refused(tmp_path: Path) -> None:
    outside = outside_files(tmp_path)
    out = tmp_path / "out"
    (out / "products").mkdir(parents=True)
    (out / "products" / "z.yaml").symlink_to(outside / "a.yaml")
    with pytest.raises(ExportError, match=r"products/z\.yaml"):
        write_export(DOC, out, force=True)
    assert untouched(outside)


def test_force_still_replaces_real_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "store.yaml").write_text("old\n")
    assert write_export(DOC, out, force=True) == ["products.yaml", "store.yaml"]
    assert "Main" in (out / "store.yaml").read_text()
