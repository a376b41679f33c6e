"""Writing an export as a project folder, in a stable, documented layout.

    <out>/store.yaml                 locations, defaults, the store's options
    <out>/products.yaml              all products, for up to 200 of them
    <out>/products/<initial>.yaml    more than 200: one file per first character of
                                     the slug (a.yaml ... z.yaml, 0-9.yaml, other.yaml)

A product's file depends only on its slug, so a later export moves nothing
that did not change, and each file's products are sorted by slug. Files are
written whole (no timestamps), so exporting twice gives identical bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from inventory_as_code import docs_url
from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.export.build import ExportDocument

SINGLE_FILE_LIMIT = 200


def header() -> str:
    return (
        "# Exported from the live store by `inventory-as-code export`; edit freely.\n"
        f"# The format: {docs_url('format.md')}\n"
    )


class ExportError(InventoryAsCodeError):
    """The export cannot be written where it was asked to go."""


class _Dumper(yaml.SafeDumper):
    """Block style for mappings of mappings, flow style for short leaves; keys kept in order."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )


def product_file(slug: str) -> str:
    first = slug[:1].lower()
    if first.isascii() and first.isalpha():
        return f"products/{first}.yaml"
    if first.isdigit():
        return "products/0-9.yaml"
    return "products/other.yaml"


def layout(doc: ExportDocument, top: str | None = None) -> dict[str, str]:
    """File name (relative to the project) -> its text (no store.yaml for an overlay
    that changes nothing store-wide). ``top``: each file's first lines (default: the
    export's :func:`header`)."""
    top = header() if top is None else top
    files = {"store.yaml": top + dump(doc.store)} if doc.store or not doc.products else {}
    if len(doc.products) <= SINGLE_FILE_LIMIT:
        if doc.products:
            files["products.yaml"] = top + dump({"products": doc.products})
        return files
    groups: dict[str, dict[str, Any]] = {}
    for slug, product in doc.products.items():
        groups.setdefault(product_file(slug), {})[slug] = product
    for name in sorted(groups):
        files[name] = top + dump({"products": groups[name]})
    return files


def write_export(
    doc: ExportDocument, out: Path, *, force: bool = False, top: str | None = None
) -> list[str]:
    """Write the files; refuse to mix with YAML already in ``out`` unless ``force``.

    Never through a symlink inside ``out``: a link named ``store.yaml`` or
    ``products`` would make the export delete or overwrite files elsewhere, so
    any such link stops the export before anything is deleted or written.
    """
    files = layout(doc, top)
    _refuse_symlinks(out, files)
    existing = _yaml_files(out)
    if existing and not force:
        shown = ", ".join(existing[:3]) + (" ..." if len(existing) > 3 else "")
        raise ExportError(
            f"{out} already holds YAML ({shown}); export into an empty folder, or pass --force "
            "to replace the exported layout (store.yaml, products.yaml, products/*.yaml)."
        )
    if force:
        ours = [out / "store.yaml", out / "products.yaml", *(out / "products").glob("*.yaml")]
        for stale in sorted(ours):
            if stale.is_file() and str(stale.relative_to(out)) not in files:
                stale.unlink()
    for name, text in files.items():
        path = out / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(
                f"cannot create the folder {path.parent}: {exc.strerror or exc}"
            ) from None
        _write_no_follow(path, text)
    return sorted(files)


def _refuse_symlinks(out: Path, files: dict[str, str]) -> None:
    products = out / "products"
    candidates = [out / "store.yaml", out / "products.yaml", products]
    candidates += [out / name for name in files]
    if products.is_dir() and not products.is_symlink():
        candidates += sorted(products.glob("*.yaml"))
    links = sorted({str(p.relative_to(out)) for p in candidates if p.is_symlink()})
    if links:
        raise ExportError(
            f"{out} holds symlinks where the export writes ({', '.join(links)}); export never "
            "writes or deletes through a link. Remove the links, or export into another folder."
        )


def _write_no_follow(path: Path, text: str) -> None:
    # O_NOFOLLOW: a link put in place after the check above is refused, not followed.
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _yaml_files(out: Path) -> list[str]:
    if not out.exists():
        return []
    return sorted(
        str(p.relative_to(out))
        for p in out.rglob("*")
        if p.suffix in (".yaml", ".yml")
        and not any(part.startswith(".") for part in p.relative_to(out).parts)
    )
