"""Writing an export as a project folder, in a stable, documented layout.

    <out>/store.yaml                 locations, defaults
    <out>/products.yaml              all products, for up to 200 of them
    <out>/products/<initial>.yaml    more than 200: one file per first character of
                                     the slug (a.yaml ... z.yaml, 0-9.yaml, other.yaml)

A product's file depends only on its slug, so a later export moves nothing
that did not change, and each file's products are sorted by slug. Files are
written whole (no timestamps), so exporting twice gives identical bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.export.build import ExportDocument

SINGLE_FILE_LIMIT = 200
HEADER = (
    "# Exported from the live store by `inventory-as-code export`; edit freely.\n"
    "# The format is described in docs/format.md of inventory-as-code.\n"
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


def layout(doc: ExportDocument) -> dict[str, str]:
    """File name (relative to the project) -> its text."""
    files = {"store.yaml": HEADER + dump(doc.store)}
    if len(doc.products) <= SINGLE_FILE_LIMIT:
        if doc.products:
            files["products.yaml"] = HEADER + dump({"products": doc.products})
        return files
    groups: dict[str, dict[str, Any]] = {}
    for slug, product in doc.products.items():
        groups.setdefault(product_file(slug), {})[slug] = product
    for name in sorted(groups):
        files[name] = HEADER + dump({"products": groups[name]})
    return files


def write_export(doc: ExportDocument, out: Path, *, force: bool = False) -> list[str]:
    """Write the files; refuse to mix with YAML already in ``out`` unless ``force``."""
    files = layout(doc)
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
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)


def _yaml_files(out: Path) -> list[str]:
    if not out.exists():
        return []
    return sorted(
        str(p.relative_to(out))
        for p in out.rglob("*")
        if p.suffix in (".yaml", ".yml")
        and not any(part.startswith(".") for part in p.relative_to(out).parts)
    )
