"""Guard rail settings: the ``[guard_rails]`` table of ``inventory-as-code.toml``.

::

    [guard_rails]
    max_out_of_stock_share = 0.25   # of the managed stock items
    max_touched_share = 0.5         # of the managed stock items
    max_moved_share = 0.5           # of the units the sources of the moves hold
    max_delete_share = 0.3          # of the live objects of one kind
    max_deletes = 100               # of one kind
    min_items = 10                  # the shares count once a kind has this many live objects

    [[guard_rails.accept]]          # a tripped rail, accepted in review
    rail = "DELETE_SHARE"           # the code the plan shows
    kind = "products"               # optional: only this kind's rail
    max = 1800                      # accepts it while it affects at most this many objects
    reason = "closing the winter collection (PR #123)"

    [[guard_rails.accept]]          # a tripped soft rule of [[rules]] (inventory_as_code.rules)
    rule = "price-drop"             # its name, in place of rail
    max = 12
    reason = "clearance sale (PR #124)"

A site may override the numbers and add acceptances in
``[sites.NAME.guard_rails]`` / ``[[sites.NAME.guard_rails.accept]]``.

An acceptance lives in git, so accepting a rail is reviewed like the YAML
change that trips it; it is read from the checked-out project by ``plan``
and again by ``apply``, never from a saved plan. It is bounded by ``max``:
an entry left behind after its change was applied does not accept a bigger
change of the same kind.

Parsing is pure and reports every issue with the key it concerns, so the toml
reader (:mod:`.projectfile`) can give each one a line and column and
:mod:`inventory_as_code.site` can refuse on the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.config.problems import did_you_mean

# Every code a rail can trip with (inventory_as_code.plan.guard_rails).
RAIL_CODES = (
    "DELETE_SHARE",
    "DELETE_COUNT",
    "OUT_OF_STOCK_SHARE",
    "TOUCHED_SHARE",
    "PREORDER_LIMIT_BELOW_COUNTER",
    "TRACKING_SWITCH_WITH_STOCK",
    "VARIANTS_REPLACED",
    "VARIANT_WITHOUT_PRICE",
    "LOCATION_ARCHIVE",
    "SHARED_OPTION_UNMANAGED",
    "MOVED_UNITS_SHARE",
)
# Rails tripped per kind of object: their acceptances may name the kind.
PER_KIND_RAILS = ("DELETE_SHARE", "DELETE_COUNT")
DELETE_KINDS = ("products", "variants", "stock")

_SHARES = ("max_out_of_stock_share", "max_touched_share", "max_delete_share", "max_moved_share")
_COUNTS = ("max_deletes", "min_items")
SETTING_KEYS = (*_SHARES, *_COUNTS, "accept")
ACCEPT_KEYS = ("rail", "rule", "kind", "max", "reason")
ACCEPT_EXAMPLE = (
    'write each entry as [[guard_rails.accept]] with rail = "DELETE_SHARE", kind = "products" '
    '(optional), max = 1800 and reason = "closing the winter collection (PR #123)".'
)


@dataclass(frozen=True, slots=True)
class RailAcceptance:
    """One ``[[guard_rails.accept]]`` entry."""

    rail: str
    max: int
    reason: str
    kind: str | None = None
    where: str = ""  # e.g. "[[guard_rails.accept]] #1", for people
    # An acceptance of a soft rule of [[rules]] names it here; its rail is then "".
    rule: str | None = None

    def covers(self, code: str, kind: str, count: int) -> bool:
        return code == self.rail and self.kind in (None, kind) and count <= self.max

    def covers_rule(self, name: str, count: int) -> bool:
        return self.rule is not None and name == self.rule and count <= self.max


@dataclass(frozen=True, slots=True)
class GuardRailSettings:
    max_out_of_stock_share: float = 0.25
    max_touched_share: float = 0.5
    # In the spirit of octoDNS's 30% update/delete threshold.
    max_delete_share: float = 0.3
    max_deletes: int = 100
    min_items: int = 10
    # Units moved (refills) out of their sources, of what those sources hold (plan.move_rails).
    max_moved_share: float = 0.5
    accept: tuple[RailAcceptance, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SettingIssue:
    """Something wrong in a ``[guard_rails]`` table.

    ``key`` is the setting (``max_deletes``) or, for an acceptance, the key
    inside entry number ``entry`` (0-based), so a reader of the toml text can
    find its line.
    """

    path: str
    message: str
    hint: str = ""
    key: str = ""
    entry: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedRails:
    values: dict[str, Any]
    accept: tuple[RailAcceptance, ...]
    issues: tuple[SettingIssue, ...]


def parse_rail_table(raw: Any, table: str = "guard_rails") -> ParsedRails:
    """Check one ``[guard_rails]`` table (``table`` names it in messages)."""
    issues: list[SettingIssue] = []
    if not isinstance(raw, Mapping):
        issues.append(SettingIssue(table, f"[{table}] must be a table.", key=table))
        return ParsedRails({}, (), tuple(issues))
    values: dict[str, Any] = {}
    for key, value in raw.items():
        path = f"{table}.{key}"
        if key not in SETTING_KEYS:
            issues.append(
                SettingIssue(
                    path,
                    f"unknown guard rail setting {key}"
                    f"{did_you_mean(key, SETTING_KEYS, inline=True)}.",
                    f"[{table}] takes {', '.join(SETTING_KEYS)}.",
                    key=key,
                )
            )
        elif key in _SHARES:
            if _is_number(value) and 0 <= value <= 1:
                values[key] = float(value)
            else:
                issues.append(
                    SettingIssue(
                        path,
                        f"{key} must be a share between 0 and 1, like 0.3 (30%).",
                        key=key,
                    )
                )
        elif key in _COUNTS:
            if _is_whole(value) and value >= 0:
                values[key] = value
            else:
                issues.append(
                    SettingIssue(path, f"{key} must be a whole number, 0 or more.", key=key)
                )
    accept: list[RailAcceptance] = []
    entries = raw.get("accept", [])
    if not isinstance(entries, list):
        issues.append(
            SettingIssue(
                f"{table}.accept",
                "accept must be a list of entries, each written [[" + table + ".accept]].",
                ACCEPT_EXAMPLE,
                key="accept",
            )
        )
        entries = []
    for index, entry in enumerate(entries):
        parsed = _acceptance(entry, index, table, issues)
        if parsed is not None:
            accept.append(parsed)
    return ParsedRails(values, tuple(accept), tuple(issues))


def _acceptance(
    entry: Any, index: int, table: str, issues: list[SettingIssue]
) -> RailAcceptance | None:
    where = f"[[{table}.accept]] #{index + 1}"
    path = f"{table}.accept[{index}]"
    if not isinstance(entry, Mapping):
        issues.append(SettingIssue(path, f"{where} must be a table.", ACCEPT_EXAMPLE, key="accept"))
        return None
    before = len(issues)

    def problem(key: str, message: str, hint: str = "") -> None:
        issues.append(SettingIssue(f"{path}.{key}", f"{where}: {message}", hint, key, index))

    for key in entry:
        if key not in ACCEPT_KEYS:
            problem(
                key,
                f"unknown key {key}{did_you_mean(key, ACCEPT_KEYS, inline=True)}.",
                f"an acceptance takes {', '.join(ACCEPT_KEYS)}.",
            )
    if "rule" in entry:
        return _rule_acceptance(entry, where, problem, issues, before)
    missing = [key for key in ("rail", "max", "reason") if key not in entry]
    if missing:
        # One problem for all of them: they would all be shown at the entry's header.
        problem(
            missing[0],
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing. An "
            "acceptance names the rail (its code, as the plan shows it), max (how many "
            "objects it may affect, the number the plan shows: so it accepts this change and "
            "nothing bigger) and reason (why the change is intended, and where it was "
            "reviewed).",
            ACCEPT_EXAMPLE,
        )
    rail = entry.get("rail")
    if rail is not None and (not isinstance(rail, str) or rail not in RAIL_CODES):
        problem(
            "rail",
            f"unknown rail {rail!r}{did_you_mean(str(rail), RAIL_CODES, inline=True)}.",
            f"the rails are {', '.join(RAIL_CODES)}.",
        )
    kind = entry.get("kind")
    if kind is not None:
        if kind == "locations":
            problem(
                "kind",
                "locations are never deleted, only archived, and every archive trips "
                "LOCATION_ARCHIVE (whatever the share).",
                'accept it with rail = "LOCATION_ARCHIVE" and no kind.',
            )
        elif not isinstance(kind, str) or kind not in DELETE_KINDS:
            problem(
                "kind",
                f"unknown kind {kind!r}{did_you_mean(str(kind), DELETE_KINDS, inline=True)}.",
                f"the kinds are {', '.join(DELETE_KINDS)}.",
            )
        elif isinstance(rail, str) and rail in RAIL_CODES and rail not in PER_KIND_RAILS:
            problem(
                "kind",
                f"{rail} is not tripped per kind of object, so kind does not apply to it.",
                f"remove kind; it narrows {' and '.join(PER_KIND_RAILS)} only.",
            )
    bound = entry.get("max")
    if bound is not None and (not _is_whole(bound) or bound < 1):
        problem("max", f"max must be a whole number above 0, not {bound!r}.")
    reason = entry.get("reason")
    if reason is not None and (not isinstance(reason, str) or not reason.strip()):
        problem(
            "reason",
            "reason must say why the change is intended (and where it was reviewed).",
            'for example reason = "closing the winter collection (PR #123)".',
        )
    if len(issues) > before:
        return None
    assert isinstance(bound, int)  # checked above
    return RailAcceptance(str(rail), bound, str(reason).strip(), kind, where)


def _rule_acceptance(
    entry: Mapping[str, Any],
    where: str,
    problem: Any,
    issues: list[SettingIssue],
    before: int,
) -> RailAcceptance | None:
    """An entry that accepts a soft rule (``rule = "name"``) instead of a rail.

    Whether the rule exists and is soft is checked where the ``[[rules]]`` are
    known (:mod:`.projectfile`, :mod:`inventory_as_code.rules`).
    """
    rule = entry.get("rule")
    if not isinstance(rule, str) or not rule.strip():
        problem("rule", "rule must name a rule of [[rules]], in quotes.", RULE_ACCEPT_EXAMPLE)
    for other in ("rail", "kind"):
        if other in entry:
            problem(
                other,
                f"an acceptance names a rail or a rule, not both; {other} does not apply to "
                "a rule.",
                f"remove {other}, or write the rail's acceptance as an entry of its own.",
            )
    missing = [key for key in ("max", "reason") if key not in entry]
    if missing:
        problem(
            missing[0],
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing: an "
            "acceptance of a rule says how many objects it may affect (max, the count the plan "
            "shows) and why (reason).",
            RULE_ACCEPT_EXAMPLE,
        )
    bound = entry.get("max")
    if bound is not None and (not _is_whole(bound) or bound < 1):
        problem("max", f"max must be a whole number above 0, not {bound!r}.")
    reason = entry.get("reason")
    if reason is not None and (not isinstance(reason, str) or not reason.strip()):
        problem(
            "reason",
            "reason must say why the change is intended (and where it was reviewed).",
            'for example reason = "clearance sale (PR #124)".',
        )
    if len(issues) > before:
        return None
    assert isinstance(bound, int) and isinstance(rule, str)  # checked above
    return RailAcceptance("", bound, str(reason).strip(), None, where, rule=rule)


RULE_ACCEPT_EXAMPLE = (
    'write [[guard_rails.accept]] with rule = "price-drop", max = 12 and '
    'reason = "clearance sale (PR #124)".'
)


def merge_rails(project: ParsedRails, site: ParsedRails | None) -> GuardRailSettings:
    """The project's settings, overridden by the site's; acceptances of both."""
    values = dict(project.values)
    accept = project.accept
    if site is not None:
        values.update(site.values)
        accept += site.accept
    return GuardRailSettings(**values, accept=accept)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
