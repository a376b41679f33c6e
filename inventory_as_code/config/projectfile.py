"""``inventory-as-code.toml``: reading it, and its ``[project]`` table.

The table says which files are the project's and how much it may cost::

    [project]
    include = ["store.yaml", "products/**/*.yaml"]   # default: every *.yaml / *.yml
    exclude = ["products/drafts"]                     # default: nothing
    max_project_mib = 48        # all YAML files together
    max_file_mib = 48           # one file
    max_values = 6_000_000      # YAML values (scalars, lists, mappings, alias expansions)

Its problems are reported like the YAML's (file, line, column, fix), so
``validate`` and pre-commit catch a bad pattern before a plan does. So are
those of ``[guard_rails]`` and ``[sites.NAME.guard_rails]``, with their
``[[...accept]]`` entries (:mod:`.rails`): a mistyped acceptance is found in
review, not when apply refuses. So is ``[sites.NAME] overlay``, the folder of
a site's overlay (:mod:`.overlay`): which files are the project's depends on
it (an overlay's files are never the base catalogue's). The rest of
``[sites]`` belongs to :mod:`inventory_as_code.site`; an unknown table is a
warning, not an error, so a newer tool's table does not break an older one.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from inventory_as_code.config.patterns import PathPattern, PatternError, compile_pattern
from inventory_as_code.config.problems import Problem, ProblemCollector, did_you_mean
from inventory_as_code.config.rails import SettingIssue, parse_rail_table
from inventory_as_code.errors import InventoryAsCodeError

PROJECT_CONFIG = "inventory-as-code.toml"
KNOWN_TABLES = ("project", "sites", "guard_rails", "rules")
MIB = 1024 * 1024
# The settings are a few lines: a stray or hostile file of gigabytes is refused unread.
MAX_CONFIG_BYTES = MIB


@dataclass(frozen=True, slots=True)
class Limits:
    """What a project may cost before and while it is loaded (see docs/format.md).

    Measured on generated catalogs: validating takes about 300 bytes of memory
    per YAML value, and a first plan about 1.5 KB per value (the desired state,
    the planned changes and the live store). A 20,000-product store with 5
    variants at 3 locations is 12 MB and 1.9 million values (validate 0.6 GB,
    plan 2.7 GB); with 10 variants at 5 locations it is 29 MB and 4.2 million
    values. The defaults hold both; at the limits a plan needs about 9 GB, and
    a file that would need tens of GB is refused before it is parsed.
    """

    max_project_bytes: int = 48 * MIB
    max_file_bytes: int = 48 * MIB
    max_values: int = 6_000_000


_LIMIT_KEYS = {
    "max_project_mib": ("max_project_bytes", MIB),
    "max_file_mib": ("max_file_bytes", MIB),
    "max_values": ("max_values", 1),
}
_PROJECT_KEYS = ("include", "exclude", *_LIMIT_KEYS)


@dataclass(frozen=True, slots=True)
class Overlay:
    """``[sites.NAME] overlay = "FOLDER"``: the folder of a site's overlay, and where it is written.

    ``folder`` is relative to the project, in ``/`` form, without ``.`` parts
    or a trailing ``/``.
    """

    site: str
    folder: str
    line: int = 0
    column: int = 0


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    """The ``[project]`` table; ``include=None`` means every YAML file (the default).

    ``overlays``: every site's overlay folder; the base catalogue's walk skips them.
    """

    include: tuple[PathPattern, ...] | None = None
    exclude: tuple[PathPattern, ...] = ()
    limits: Limits = Limits()
    overlays: tuple[Overlay, ...] = ()

    def overlay(self, site: str | None) -> Overlay | None:
        """The overlay of ``site`` (None: the site has none, or no site)."""
        return next((o for o in self.overlays if o.site == site), None) if site else None


class ProjectConfigError(InventoryAsCodeError):
    """``inventory-as-code.toml`` cannot be read as TOML; ``hint`` says how to fix it."""

    def __init__(self, message: str, hint: str = "correct the TOML syntax.") -> None:
        super().__init__(message)
        self.hint = hint


def read_project_config(project_dir: Path) -> tuple[dict[str, Any], str]:
    """The parsed toml and its text (``({}, "")`` when there is none)."""
    path = Path(project_dir) / PROJECT_CONFIG
    if not os.path.lexists(path):
        return {}, ""
    if not path.is_file():
        # A folder, a FIFO or a link to nothing: skipping it would drop the sites and the
        # guard rails without a word.
        what = "a folder, not a file" if path.is_dir() else "not a regular file (a broken link?)"
        raise ProjectConfigError(
            f"{path}: {what}; the project's settings (sites, guard rails, files) would go unread",
            "replace it with the file of settings, or remove it.",
        )
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ProjectConfigError(
                f"{path}: is larger than {MAX_CONFIG_BYTES // MIB} MiB; the project settings "
                "are a few lines",
                "replace it with the file of settings.",
            )
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProjectConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ProjectConfigError(
            f"{path}: cannot read it: {exc.strerror or exc}", "make the file readable."
        ) from None


def project_settings(
    project_dir: Path, problems: ProblemCollector, warnings: ProblemCollector
) -> ProjectSettings | None:
    """The ``[project]`` settings; None (with a problem) when the toml cannot be used."""
    try:
        data, text = read_project_config(project_dir)
    except ProjectConfigError as exc:
        message = str(exc).split(": ", 1)[1]
        problems.add(PROJECT_CONFIG, 0, 0, "", f"{message}.", exc.hint)
        return None
    return settings_from(data, text, problems, warnings)


def settings_from_text(
    text: str, problems: ProblemCollector, warnings: ProblemCollector
) -> ProjectSettings | None:
    """:func:`project_settings` of a toml given as text (as a git commit holds it)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.add(
            PROJECT_CONFIG, 0, 0, "", f"not valid TOML: {exc}.", "correct the TOML syntax."
        )
        return None
    return settings_from(data, text, problems, warnings)


def settings_from(
    data: dict[str, Any], text: str, problems: ProblemCollector, warnings: ProblemCollector
) -> ProjectSettings | None:
    reader = _Reader(text, problems)
    for table in data:
        if table not in KNOWN_TABLES:
            line, column = reader.locate(f"[{table}") or reader.locate(table) or (0, 0)
            warnings.add(
                PROJECT_CONFIG,
                line,
                column,
                table,
                f"unknown table [{table}]{did_you_mean(table, KNOWN_TABLES, inline=True)}; "
                "it is ignored.",
                f"the tables are {', '.join(f'[{t}]' for t in KNOWN_TABLES)}.",
            )
    # Not a reason to stop: the YAML is still checked (and the run still fails).
    for table, rails in _rail_tables(data):
        for issue in parse_rail_table(rails, table).issues:
            line, column = reader.locate_issue(table, issue)
            problems.add(PROJECT_CONFIG, line, column, issue.path, issue.message, issue.hint)
    _check_rules(data, reader, problems)
    raw = data.get("project", {})
    if not isinstance(raw, dict):
        reader.report("project", "project must be a table: [project].")
        return None
    before = len(problems)
    for key in raw:
        if key not in _PROJECT_KEYS:
            reader.report(
                f"project.{key}",
                f"unknown key {key}{did_you_mean(key, _PROJECT_KEYS, inline=True)}.",
                f"[project] takes {', '.join(_PROJECT_KEYS)}.",
                needle=key,
            )
    include = reader.patterns(raw, "include") if "include" in raw else None
    exclude = reader.patterns(raw, "exclude") if "exclude" in raw else ()
    limits: dict[str, int] = {}
    for key, (field, unit) in _LIMIT_KEYS.items():
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            reader.report(f"project.{key}", f"{key} must be a whole number above 0.", needle=key)
            continue
        limits[field] = value * unit
    overlays = _overlays(data, reader)
    if len(problems) > before:
        return None
    return ProjectSettings(include, exclude or (), Limits(**limits), overlays)


def _overlays(data: dict[str, Any], reader: _Reader) -> tuple[Overlay, ...]:
    """``[sites.NAME] overlay``: each a folder inside the project, none inside another."""
    sites = data.get("sites")
    if not isinstance(sites, dict):
        return ()
    found: list[Overlay] = []
    for name, site in sites.items():
        if not isinstance(site, dict) or "overlay" not in site:
            continue
        line, column = reader.site_key(str(name), "overlay")
        path = f"sites.{name}.overlay"
        folder = _overlay_folder(site["overlay"])
        if isinstance(folder, _Wrong):
            reader.problems.add(PROJECT_CONFIG, line, column, path, folder.message, folder.hint)
            continue
        for other in found:
            if other.folder != folder and (
                folder.startswith(other.folder + "/") or other.folder.startswith(folder + "/")
            ):
                reader.problems.add(
                    PROJECT_CONFIG,
                    line,
                    column,
                    path,
                    f'the overlay folder "{folder}" of site {name} and "{other.folder}" of site '
                    f"{other.site} are inside one another; each overlay's files must be its own.",
                    "give each site a folder of its own, side by side (sites/de, sites/fr).",
                )
                break
        else:
            found.append(Overlay(str(name), folder, line, column))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class _Wrong:
    message: str
    hint: str = 'write a folder of the project in quotes, like overlay = "sites/de".'


def _overlay_folder(value: Any) -> str | _Wrong:
    """The folder ``value`` names, normalised; or what is wrong with it."""
    if not isinstance(value, str) or not value.strip():
        return _Wrong("overlay must be a folder in quotes.")
    text = value.strip().replace("\\", "/")
    parts = [part for part in PurePosixPath(text).parts if part != "."]
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return _Wrong(f'"{value}" is an absolute path; an overlay is a folder of the project.')
    if ".." in parts:
        return _Wrong(f'"{value}" leaves the project folder; an overlay is a folder inside it.')
    if not parts:
        return _Wrong(
            f'"{value}" is the project folder itself, which holds the base catalogue.',
            'put the site\'s overlay in a folder of its own, like overlay = "sites/de".',
        )
    return "/".join(parts)


def rule_problems(data: dict[str, Any], text: str) -> list[Problem]:
    """The problems of ``[[rules]]`` and of the acceptances naming rules, with positions."""
    problems = ProblemCollector()
    _check_rules(data, _Reader(text, problems), problems)
    return problems.sorted()


def _check_rules(data: dict[str, Any], reader: _Reader, problems: ProblemCollector) -> None:
    """``[[rules]]`` (each expression compiled) and the acceptances that name rules."""
    tables = _rail_tables(data)
    if "rules" not in data and not any(_rule_acceptances(rails) for _, rails in tables):
        return  # no CEL to load
    from inventory_as_code.rules.spec import acceptance_issues, parse_rules

    rules = parse_rules(data.get("rules"))
    for rule_issue in rules.issues:
        line, column = reader.locate_rule(rule_issue.entry, rule_issue.key, rule_issue.position)
        problems.add(
            PROJECT_CONFIG, line, column, rule_issue.path, rule_issue.message, rule_issue.hint
        )
    raw = data.get("rules")
    entries = raw if isinstance(raw, list) else []
    # A rule declared but refused above is reported once, not again by its acceptances.
    declared = [
        e["name"] for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)
    ]
    refused = set(declared) - {rule.name for rule in rules.rules}
    for table, rails in tables:
        named = {i: n for i, n in _rule_acceptances(rails).items() if n not in refused}
        for issue in acceptance_issues(rules, named, table, declared):
            setting = SettingIssue(issue.path, issue.message, issue.hint, issue.key, issue.entry)
            line, column = reader.locate_issue(table, setting)
            problems.add(PROJECT_CONFIG, line, column, issue.path, issue.message, issue.hint)


def _rule_acceptances(rails: Any) -> dict[int, str]:
    """Entry index -> rule name, for the ``[[...accept]]`` entries that name a rule."""
    entries = rails.get("accept") if isinstance(rails, dict) else None
    if not isinstance(entries, list):
        return {}
    return {
        index: entry["rule"]
        for index, entry in enumerate(entries)
        if isinstance(entry, dict) and isinstance(entry.get("rule"), str)
    }


def _rail_tables(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """``[guard_rails]`` and every ``[sites.NAME.guard_rails]``, with their names."""
    tables = [("guard_rails", data["guard_rails"])] if "guard_rails" in data else []
    sites = data.get("sites")
    if isinstance(sites, dict):
        for name, site in sites.items():
            if isinstance(site, dict) and "guard_rails" in site:
                tables.append((f"sites.{name}.guard_rails", site["guard_rails"]))
    return tables


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]*?)\s*\]\]?\s*(#.*)?$")


class _Reader:
    """Finds where a key or value is written, for problems with a line and column."""

    def __init__(self, text: str, problems: ProblemCollector) -> None:
        self.lines = text.splitlines()
        self.problems = problems

    def locate(self, needle: str) -> tuple[int, int] | None:
        for number, line in enumerate(self.lines, 1):
            column = line.find(needle)
            if column >= 0 and not line.lstrip().startswith("#"):
                return number, column + 1
        return None

    def headers(self, table: str, *, array: bool) -> list[int]:
        """0-based indexes of the lines ``[table]`` (or ``[[table]]``)."""
        out = []
        for index, line in enumerate(self.lines):
            match = _HEADER.match(line)
            if (
                match
                and (match.group(1) == "[[") == array
                and re.sub(r'[\s"\']', "", match.group(2)) == table
            ):
                out.append(index)
        return out

    def key_after(self, start: int, key: str) -> tuple[int, int] | None:
        """``key = ...`` in the table that starts at line index ``start``."""
        pattern = re.compile(rf"^\s*({re.escape(key)})\s*=")
        for index in range(start + 1, len(self.lines)):
            if _HEADER.match(self.lines[index]):
                break
            match = pattern.match(self.lines[index])
            if match:
                return index + 1, match.start(1) + 1
        return None

    def locate_issue(self, table: str, issue: SettingIssue) -> tuple[int, int]:
        """Where a ``[guard_rails]`` issue is written, as near as the text tells."""
        if issue.entry is not None:
            entries = self.headers(f"{table}.accept", array=True)
            if issue.entry < len(entries):
                start = entries[issue.entry]
                return self.key_after(start, issue.key) or (start + 1, 1)
        for start in self.headers(table, array=False):
            found = self.key_after(start, issue.key)
            if found:
                return found
        return (
            self.locate(f"{issue.key} ")
            or self.locate(issue.key)
            or self.locate(table.rsplit(".", 1)[-1])
            or (0, 0)
        )

    def locate_rule(
        self, entry: int | None, key: str, position: tuple[int, int] | None
    ) -> tuple[int, int]:
        """Where a ``[[rules]]`` issue is written; with ``position`` (the line and column in
        the expression, as CEL counts them), the character inside the toml string."""
        entries = self.headers("rules", array=True)
        if entry is None or entry >= len(entries):
            return self.locate("[[rules]]") or self.locate("rules") or (0, 0)
        start = entries[entry]
        found = self.key_after(start, key)
        if found is None:
            return start + 1, 1
        if position is None:
            return found
        line, column = found
        text = self.lines[line - 1]
        value = _STRING_START.match(text, column - 1)
        if value is None:
            return found
        opening = value.end()  # 0-based index just after the opening quote
        inner_line, inner_column = position
        if len(value.group(1)) == 3 and not text[opening:].strip():
            # A multi-line string opened at the end of its line: TOML drops that newline.
            return line + inner_line, inner_column
        if inner_line == 1:
            return line, opening + inner_column
        return line + inner_line - 1, inner_column

    def site_key(self, site: str, key: str) -> tuple[int, int]:
        """Where ``key`` of ``[sites.SITE]`` is written (as near as the text tells)."""
        for table in (f"sites.{site}",):
            for start in self.headers(table, array=False):
                found = self.key_after(start, key)
                if found:
                    return found
        return self.locate(f"{key} ") or self.locate(key) or (0, 0)

    def report(self, path: str, message: str, hint: str = "", *, needle: str = "") -> None:
        line, column = (
            (self.locate(needle) if needle else None) or self.locate("[project]") or (0, 0)
        )
        self.problems.add(PROJECT_CONFIG, line, column, path, message, hint)

    def patterns(self, raw: dict[str, Any], key: str) -> tuple[PathPattern, ...]:
        value = raw[key]
        example = '["store.yaml", "products/**/*.yaml"]'
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.report(f"project.{key}", f"{key} must be a list of path patterns.", "", needle=key)
            return ()
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.report(
                    f"project.{key}[{index}]",
                    f"{key} must hold patterns in quotes, like {example}.",
                    needle=key,
                )
                continue
            try:
                line, column = self.locate(f'"{item}"') or self.locate(f"'{item}'") or (0, 0)
                out.append(replace(compile_pattern(item), line=line, column=column))
            except PatternError as exc:
                self.report(
                    f"project.{key}[{index}]",
                    f'bad pattern "{item}": {exc}.',
                    f"write patterns relative to the project folder, like {example}; "
                    "* stays inside a folder, ** spans folders.",
                    needle=f"{item}" if item else key,
                )
        return tuple(out)


# key = followed by the opening quote of a TOML string (multi-line ones first).
_STRING_START = re.compile(r"""[^=]*=\s*('''|\"\"\"|'|")""")
