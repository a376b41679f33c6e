"""The desired state: YAML files in, :class:`~inventory_as_code.model.DesiredState` out.

Public API::

    load_project(path) -> DesiredState        raises ConfigError with every problem
    validate_project(path) -> list[Problem]   empty when the project is valid
    check_project(path) -> ValidationResult   problems, model (when valid), files read,
                                              warnings (legal, likely wrong), notes (skipped)
    normalize_money(value) -> str             canonical amount ("24.00"); use it on Wix's side too
    parse_variant_key(text, options) -> tuple[str, ...]

Which files a project reads, and its limits, are set by ``[project]`` in
``inventory-as-code.toml`` (:mod:`.projectfile`, :mod:`.files`). The format is
documented for store operators in ``docs/format.md``; its JSON
Schema ships as ``inventory_as_code/schemas/desired-state.schema.json``.
"""

from __future__ import annotations

from inventory_as_code.config.loader import (
    ValidationResult,
    check_project,
    load_project,
    validate_project,
)
from inventory_as_code.config.problems import Problem
from inventory_as_code.config.schema import SCHEMA_FILE, load_schema
from inventory_as_code.config.variants import OptionSpec, VariantKeyError, parse_variant_key
from inventory_as_code.errors import ConfigError
from inventory_as_code.model import normalize_money

__all__ = [
    "SCHEMA_FILE",
    "ConfigError",
    "OptionSpec",
    "Problem",
    "ValidationResult",
    "VariantKeyError",
    "check_project",
    "load_project",
    "load_schema",
    "normalize_money",
    "parse_variant_key",
    "validate_project",
]
