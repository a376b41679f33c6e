"""Where this installation of inventory-as-code came from, as the line CI installs.

``init`` writes the workflows' install step. The line that works in the user's
CI is the one their own installation came from, and pip (like every installer
that follows PEP 610) records it in the distribution's ``direct_url.json``:

* no such file: installed from an index, so ``inventory-as-code==VERSION``;
* ``vcs_info``: a repository URL, pinned here to the commit that was installed
  (a branch or tag moves; the commit is what the user tested);
* ``archive_info`` at an http(s) URL: that URL, with its hash when known;
* ``dir_info`` (a local folder, editable or not), a ``file:`` archive or
  clone: nothing CI can reach. ``init`` then writes a step that fails with a
  clear message and warns, naming where the installation came from.

Nothing here prints; the CLI turns a :class:`InstallSource` into the workflow
text and the warning.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DISTRIBUTION = "inventory-as-code"
DOCS = "docs/ci.md, 'Installing the tool in CI'"
# Userinfo a PEP 610 URL may carry (the spec's own examples): `git` of ssh URLs,
# or environment variables that the shell of the CI step expands.
_PUBLIC_USER = re.compile(r"^(git|\$\{[A-Za-z0-9_-]+\}(:\$\{[A-Za-z0-9_-]+\})?)$")
# What may appear in the quoted pip argument of a workflow's `run:` line: no
# quote, backtick, backslash or whitespace that could end or change it.
_SAFE_URL = re.compile(r"^[A-Za-z0-9._~:/?#\[\]@!&'()*+,;=%${}-]+$")


@dataclass(frozen=True, slots=True)
class InstallSource:
    """The pip requirement CI should install, or why there is none."""

    requirement: str | None
    origin: str  # where this installation came from, for people
    warning: str | None = None

    @property
    def reachable(self) -> bool:
        return self.requirement is not None


def install_source() -> InstallSource:
    """The source of the inventory-as-code that is running."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        # Imported from a source tree that was never installed.
        return _unreachable("a source tree that is not installed", None)
    direct_url = dist.read_text("direct_url.json")
    if direct_url is None and dist.read_text("INSTALLER") is None:
        # No installer wrote this metadata: it is the build's own egg-info in a source
        # tree on sys.path (PYTHONPATH, a checkout's root), not a release from an index.
        return _unreachable(f"the source tree {dist.locate_file('')}", dist.version)
    return from_direct_url(dist.version, direct_url)


def from_direct_url(version: str, text: str | None) -> InstallSource:
    """The install source that ``direct_url.json`` (None: absent) describes."""
    if text is None:
        return InstallSource(f"{DISTRIBUTION}=={version}", f"the package index, version {version}")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return _unreachable("an installation whose direct_url.json cannot be read", version)
    url: str = data["url"]
    if isinstance(data.get("dir_info"), dict):
        editable = bool(data["dir_info"].get("editable"))
        kind = "an editable install of the folder" if editable else "the folder"
        return _unreachable(f"{kind} {_local_path(url)}", version)
    if isinstance(data.get("vcs_info"), dict):
        return _from_vcs(url, data["vcs_info"], data.get("subdirectory"), version)
    if isinstance(data.get("archive_info"), dict):
        return _from_archive(url, data["archive_info"], data.get("subdirectory"), version)
    return _unreachable(f"{url} (an installation of a kind init does not know)", version)


def _from_vcs(url: str, vcs_info: dict[str, Any], subdirectory: Any, version: str) -> InstallSource:
    vcs = str(vcs_info.get("vcs", ""))
    commit = str(vcs_info.get("commit_id", ""))
    if _is_local(url):
        return _unreachable(f"the {vcs or 'VCS'} clone {_local_path(url)}", version)
    if not vcs or not commit:
        return _unreachable(f"{url} (no commit recorded)", version)
    clean, dropped = _without_secrets(url)
    requested = vcs_info.get("requested_revision")
    origin = f"{vcs}+{clean}" + (f" at {requested}" if requested and requested != commit else "")
    pinned = f"{vcs}+{clean}@{commit}" + _subdirectory(subdirectory)
    if not _SAFE_URL.match(pinned):
        return _unreachable(f"{origin} (a URL that cannot be written into a workflow)", version)
    warnings = []
    if dropped:
        warnings.append(
            "The URL held credentials; they are left out of the workflow. Give CI access to the "
            "repository another way (a deploy key, or a token in a secret)."
        )
    if urlsplit(clean).scheme == "ssh":
        warnings.append(
            "The repository is installed over SSH: the CI runner needs a key for it (a deploy "
            "key), or write its https URL instead."
        )
    return InstallSource(
        f"{DISTRIBUTION} @ {pinned}",
        origin + f", commit {commit}",
        " ".join(warnings) or None,
    )


def _from_archive(
    url: str, archive_info: dict[str, Any], subdirectory: Any, version: str
) -> InstallSource:
    if _is_local(url):
        return _unreachable(f"the file {_local_path(url)}", version)
    clean, dropped = _without_secrets(url)
    digest = _sha256(archive_info)
    pinned = clean + (f"#sha256={digest}" if digest else "") + _subdirectory(subdirectory)
    if not _SAFE_URL.match(pinned) or "#" in clean:
        return _unreachable(f"{clean} (a URL that cannot be written into a workflow)", version)
    warning = (
        "The URL held credentials; they are left out of the workflow. Give CI access another way."
        if dropped
        else None
    )
    return InstallSource(f"{DISTRIBUTION} @ {pinned}", clean, warning)


def _unreachable(origin: str, version: str | None) -> InstallSource:
    release = f'"{DISTRIBUTION}=={version}"' if version else f'"{DISTRIBUTION}==VERSION"'
    return InstallSource(
        None,
        origin,
        f"This inventory-as-code was installed from {origin}, which CI cannot install from. "
        "The install step of the workflows fails until you write the line to use there: "
        f"pip install {release} for a release from an index, or "
        f'pip install "{DISTRIBUTION} @ git+https://HOST/OWNER/REPO@COMMIT" for a repository '
        f"({DOCS}).",
    )


def _is_local(url: str) -> bool:
    return urlsplit(url).scheme in ("", "file")


def _local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path if parts.scheme == "file" else url


def _without_secrets(url: str) -> tuple[str, bool]:
    """The URL without userinfo that could be a secret, and whether some was dropped."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, False
    userinfo, host = parts.netloc.rsplit("@", 1)
    if _PUBLIC_USER.match(userinfo):
        return url, False
    return urlunsplit(parts._replace(netloc=host)), True


def _sha256(archive_info: dict[str, Any]) -> str | None:
    hashes = archive_info.get("hashes")
    if isinstance(hashes, dict) and isinstance(hashes.get("sha256"), str):
        return str(hashes["sha256"])
    legacy = archive_info.get("hash")  # "sha256=<hex>", before PEP 610's `hashes`
    if isinstance(legacy, str) and legacy.startswith("sha256="):
        return legacy.removeprefix("sha256=")
    return None


def _subdirectory(value: Any) -> str:
    return f"#subdirectory={value}" if isinstance(value, str) and value else ""
