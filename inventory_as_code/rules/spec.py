"""``[[rules]]`` of ``inventory-as-code.toml``: the shop's own rules over the plan.

::

    [[rules]]
    name = "price-drop"              # shown in the plan; what an acceptance names
    level = "soft"                   # advisory | soft | hard
    when = 'price_drop > 0.5'        # CEL: the change trips the rule when true
    message = "no price falls by more than half in one change"

    [[rules]]
    name = "big-change"
    level = "soft"
    scope = "plan"                   # once over the whole plan (default: "change")
    when = 'size(products) > 500'
    count = 'size(products)'         # what an acceptance's max bounds (plan rules)
    message = "a change to more than 500 products is accepted in review"

Parsing is pure and reports every issue with the key (and, for an
expression CEL refuses, the line and column inside it) so the toml reader
(:mod:`inventory_as_code.config.projectfile`) can point at the character.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from inventory_as_code.config.problems import did_you_mean
from inventory_as_code.rules.expressions import CompileError, Expression, compile_expression

RULE_KEYS = ("name", "level", "scope", "when", "count", "message")
LEVELS = ("advisory", "soft", "hard")
SCOPE_NAMES = ("change", "plan")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
EXAMPLE = (
    'write each rule as [[rules]] with name = "price-drop", level = "soft", '
    "when = 'price_drop > 0.5' and message = \"no price falls by more than half\"."
)


@dataclass(frozen=True)
class Rule:
    name: str
    level: str
    message: str
    when: Expression
    scope: str = "change"
    count: Expression | None = None
    where: str = ""  # "[[rules]] #1", for people


@dataclass(frozen=True, slots=True)
class RuleIssue:
    """Something wrong in one ``[[rules]]`` entry (``entry`` is 0-based).

    ``position`` is the line and column inside the expression of ``key`` where
    CEL found the problem, when it is one of CEL's.
    """

    path: str
    message: str
    hint: str = ""
    key: str = ""
    entry: int | None = None
    position: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class ParsedRules:
    rules: tuple[Rule, ...]
    issues: tuple[RuleIssue, ...]

    def named(self, name: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.name == name), None)


def parse_rules(raw: Any) -> ParsedRules:
    """Check and compile the ``[[rules]]`` array of the toml (absent: no rules)."""
    if raw is None:
        return ParsedRules((), ())
    if not isinstance(raw, list):
        issue = RuleIssue(
            "rules", "rules must be a list of entries, each written [[rules]].", EXAMPLE, "rules"
        )
        return ParsedRules((), (issue,))
    issues: list[RuleIssue] = []
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw):
        rule = _rule(entry, index, issues)
        if rule is None:
            continue
        if rule.name in seen:
            issues.append(
                RuleIssue(
                    f"rules[{index}].name",
                    f"[[rules]] #{index + 1}: a rule named {rule.name!r} is already "
                    f"[[rules]] #{seen[rule.name] + 1}.",
                    "give each rule a name of its own: acceptances and the plan name it.",
                    "name",
                    index,
                )
            )
            continue
        seen[rule.name] = index
        rules.append(rule)
    return ParsedRules(tuple(rules), tuple(issues))


def _rule(entry: Any, index: int, issues: list[RuleIssue]) -> Rule | None:
    where = f"[[rules]] #{index + 1}"
    path = f"rules[{index}]"
    if not isinstance(entry, Mapping):
        issues.append(RuleIssue(path, f"{where} must be a table.", EXAMPLE, "rules"))
        return None
    before = len(issues)

    def problem(
        key: str, message: str, hint: str = "", position: tuple[int, int] | None = None
    ) -> None:
        issues.append(RuleIssue(f"{path}.{key}", f"{where}: {message}", hint, key, index, position))

    for key in entry:
        if key not in RULE_KEYS:
            problem(
                key,
                f"unknown key {key}{did_you_mean(key, RULE_KEYS, inline=True)}.",
                f"a rule takes {', '.join(RULE_KEYS)}.",
            )
    missing = [key for key in ("name", "level", "when", "message") if key not in entry]
    if missing:
        problem(
            missing[0],
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing. A rule has "
            "a name (shown in the plan, named by acceptances), a level (advisory, soft or "
            "hard), when (a CEL expression: the change trips the rule when it is true) and a "
            "message (what the rule asks, for reviewers).",
            EXAMPLE,
        )
    name = entry.get("name")
    if name is not None and (not isinstance(name, str) or not _NAME.match(name)):
        problem(
            "name",
            f"name must be letters, digits, '-', '_' or '.', up to 64, not {name!r}.",
            'for example name = "price-drop".',
        )
    level = entry.get("level")
    if level is not None and level not in LEVELS:
        problem(
            "level",
            f"unknown level {level!r}{did_you_mean(str(level), LEVELS, inline=True)}.",
            "advisory: a warning in the plan; soft: apply refuses until an [[guard_rails."
            "accept]] entry with rule = NAME accepts it; hard: apply always refuses.",
        )
    scope = entry.get("scope", "change")
    if scope not in SCOPE_NAMES:
        problem(
            "scope",
            f"unknown scope {scope!r}{did_you_mean(str(scope), SCOPE_NAMES, inline=True)}.",
            "change: when is tried on every change; plan: once, on the whole plan.",
        )
        scope = None
    if "count" in entry and scope == "change":
        problem(
            "count",
            'count is for rules of scope = "plan"; a change rule counts the changes it trips on.',
            'remove count, or add scope = "plan".',
        )
    message = entry.get("message")
    if message is not None and (not isinstance(message, str) or not message.strip()):
        problem("message", "message must say what the rule asks, in quotes.")
    expressions: dict[str, Expression] = {}
    for key in ("when", "count"):
        source = entry.get(key)
        if source is None or scope is None or (key == "count" and scope == "change"):
            continue
        if not isinstance(source, str) or not source.strip():
            problem(
                key, f"{key} must be a CEL expression in quotes, like {key} = 'price_drop > 0.5'."
            )
            continue
        try:
            expressions[key] = compile_expression(source, scope, key)
        except CompileError as exc:
            problem(
                key,
                f"{key} is not a valid expression: {exc.message}.",
                exc.hint,
                (exc.line, exc.column),
            )
    if len(issues) > before:
        return None
    assert isinstance(name, str) and isinstance(level, str) and isinstance(message, str)
    assert scope is not None
    return Rule(
        name,
        level,
        message.strip(),
        expressions["when"],
        scope,
        expressions.get("count"),
        where,
    )


def acceptance_issues(
    rules: ParsedRules, accepted: Mapping[int, str], table: str, declared: Sequence[str] = ()
) -> list[RuleIssue]:
    """Issues of ``[[TABLE.accept]]`` entries naming rules (``accepted``: entry index -> rule)."""
    issues = []
    names = list(declared) or [rule.name for rule in rules.rules]
    for index, name in accepted.items():
        rule = rules.named(name)
        where = f"[[{table}.accept]] #{index + 1}"
        if rule is None:
            message = f"{where}: no rule is named {name!r}{did_you_mean(name, names, inline=True)}."
            hint = f"the rules are {', '.join(names)}." if names else "[[rules]] defines none."
        elif rule.level != "soft":
            message = (
                f"{where}: rule {name!r} is {rule.level}; only a soft rule is accepted in review"
                + (
                    " (a hard rule never applies)."
                    if rule.level == "hard"
                    else " (an advisory rule never blocks)."
                )
            )
            hint = "remove this entry, or make the rule soft if review may accept it."
        else:
            continue
        issues.append(RuleIssue(f"{table}.accept[{index}].rule", message, hint, "rule", index))
    return issues
