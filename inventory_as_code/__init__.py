"""inventory-as-code: Wix Stores inventory managed like infrastructure.

YAML desired state -> plan against the live store -> apply the minimal set of
Wix API calls. The Wix REST client lives in :mod:`inventory_as_code.wix`; a
local Wix-compatible emulator lives in :mod:`inventory_as_code.emulator`.
"""

from __future__ import annotations

__version__ = "0.1.0"


def docs_url(page: str) -> str:
    """Where a page of the docs (``format.md``) is read, for files and messages the tool writes.

    Built from ``Repository`` in pyproject's ``[project.urls]``, read from the
    installed package's metadata; without metadata (a source tree run in
    place), the page's path in the repository.
    """
    from importlib import metadata

    try:
        urls = metadata.metadata("inventory-as-code").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository" and url.strip():
            return f"{url.strip().rstrip('/')}/blob/main/docs/{page}"
    return f"docs/{page} of inventory-as-code"
