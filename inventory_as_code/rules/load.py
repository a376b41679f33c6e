"""The rules of a checked-out project, read by ``plan``, ``apply`` and ``apply FILE``."""

from __future__ import annotations

from pathlib import Path

from inventory_as_code.config.projectfile import (
    ProjectConfigError,
    read_project_config,
    rule_problems,
)
from inventory_as_code.errors import ConfigError
from inventory_as_code.rules.spec import Rule, parse_rules


def load_rules(project_dir: Path) -> tuple[Rule, ...]:
    """The project's ``[[rules]]``, compiled (none without the table).

    Raises :class:`ConfigError` with every problem of the rules and of the
    acceptances naming them, each with its line and column, as ``validate``
    reports them. An unreadable toml is left to the commands' own reading of it.
    """
    try:
        data, text = read_project_config(project_dir)
    except ProjectConfigError:
        return ()
    if "rules" not in data:
        return ()
    problems = rule_problems(data, text)
    if problems:
        raise ConfigError(problems)
    return parse_rules(data["rules"]).rules
