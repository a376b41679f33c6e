"""Check a release before it is published: `python tools/release_check.py TAG DIST`.

The release workflow (.github/workflows/release.yml) runs this after building,
and publishes nothing unless it passes:

* DIST holds exactly one sdist and one wheel, both of one version;
* the tag is that version with a leading "v" (v0.2.0 for 0.2.0): a tag pushed
  on the wrong commit, or before the version was raised, publishes nothing;
* CHANGELOG.md has an entry for that version with a release date
  ("## [0.2.0] - 2026-12-24"): what a release holds is written down before
  it goes out.

Exit 0 when all hold; 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
from datetime import date
from email.parser import HeaderParser
from pathlib import Path

DISTRIBUTION = "inventory_as_code"  # as sdist and wheel file names spell it
ENTRY = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<when>.+?))?\s*$", re.MULTILINE)


def wheel_version(wheel: Path) -> str:
    """The version the wheel's own metadata declares (not its file name)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        headers = HeaderParser().parsestr(archive.read(name).decode("utf-8"))
    return str(headers["Version"])


def changelog_problem(changelog: str, version: str) -> str | None:
    """Why CHANGELOG.md does not release VERSION, or None."""
    for match in ENTRY.finditer(changelog):
        if match["version"] != version:
            continue
        when = (match["when"] or "").strip()
        try:
            date.fromisoformat(when)
        except ValueError:
            return (
                f'CHANGELOG.md: the entry "## [{version}]" has no release date '
                f'("## [{version}] - YYYY-MM-DD"; it says {when or "nothing"!r}).'
            )
        return None
    return f'CHANGELOG.md has no entry "## [{version}] - YYYY-MM-DD".'


def problems(tag: str, dist: Path, changelog: str) -> list[str]:
    wheels = sorted(dist.glob(f"{DISTRIBUTION}-*.whl"))
    sdists = sorted(dist.glob(f"{DISTRIBUTION}-*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        return [
            f"{dist} must hold one wheel and one sdist of {DISTRIBUTION}; it holds "
            f"{len(wheels)} wheel(s) and {len(sdists)} sdist(s)."
        ]
    version = wheel_version(wheels[0])
    found: list[str] = []
    if sdists[0].name != f"{DISTRIBUTION}-{version}.tar.gz":
        found.append(f"The sdist {sdists[0].name} is not of version {version}, the wheel's.")
    if tag != f"v{version}":
        found.append(
            f"The tag {tag!r} does not name the version built, {version}: tag v{version}, "
            "or raise __version__ in inventory_as_code/__init__.py and tag again."
        )
    problem = changelog_problem(changelog, version)
    if problem:
        found.append(problem)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tag", help="the git tag being released, e.g. v0.2.0")
    parser.add_argument("dist", type=Path, help="the folder python -m build wrote")
    parser.add_argument("--changelog", type=Path, default=Path("CHANGELOG.md"))
    args = parser.parse_args(argv)
    found = problems(args.tag, args.dist, args.changelog.read_text(encoding="utf-8"))
    for problem in found:
        print(f"release check: {problem}", file=sys.stderr)
    if not found:
        print(f"release check: {args.tag} is ready to publish.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
