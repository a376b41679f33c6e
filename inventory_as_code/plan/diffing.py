"""Field-level differences between two normalised values.

Values on both sides are plain dicts built the same way (see the planner),
so equality is checked first (cheap, and true for almost every object of a
settled store) and deepdiff is asked for the detail only when they differ.
Paths come out dotted (``preorder.limit``), which is what plans show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from inventory_as_code.plan.model import FieldChange

_PATH_PART = re.compile(r"\[('(?:[^'\\]|\\.)*'|\d+)\]")


def dotted(path: str) -> str:
    """``root['preorder']['limit']`` -> ``preorder.limit``."""
    parts = []
    for match in _PATH_PART.finditer(path):
        token = match.group(1)
        parts.append(token[1:-1] if token.startswith("'") else token)
    return ".".join(parts)


def _lookup(value: Any, path: str) -> Any:
    for part in path.split(".") if path else ():
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list | tuple) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """What differs, one entry per changed leaf; lists count as leaves (shown whole)."""
    if before == after:
        return ()
    from deepdiff import DeepDiff  # imported on the first change: a plan of none never pays for it

    diff = DeepDiff(dict(before), dict(after), verbose_level=2, ignore_order=False)
    paths: set[str] = set()
    for report in (
        "values_changed",
        "type_changes",
        "dictionary_item_added",
        "dictionary_item_removed",
    ):
        paths.update(dotted(p) for p in diff.get(report, {}))
    for report in ("iterable_item_added", "iterable_item_removed"):
        # A list changed: report the whole list, not its positions.
        for p in diff.get(report, {}):
            paths.add(dotted(p.rsplit("[", 1)[0]))
    changes = {}
    for path in paths:
        # Collapse list positions into the list itself.
        parts = path.split(".")
        while len(parts) > 1 and isinstance(_lookup(after, ".".join(parts[:-1])), list | tuple):
            parts = parts[:-1]
        key = ".".join(parts)
        changes[key] = FieldChange(key, _lookup(before, key), _lookup(after, key))
    return tuple(changes[k] for k in sorted(changes))
