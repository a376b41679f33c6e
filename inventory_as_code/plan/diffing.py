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

from inventory_as_code.model import Policy, Tracking
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


# Leaves compared here without deepdiff: exact types whose == is the whole story
# (no NaN, no containers, no look-alike subclasses). Anything else: deepdiff.
_PLAIN_LEAVES = frozenset({str, int, bool, type(None), Tracking, Policy})
_DIFF_DEEPER = 0.33  # deepdiff's threshold_to_diff_deeper (its default), passed to it below


def _plain_key(key: Any) -> bool:
    return type(key) is str and key.isascii() and key.replace("_", "").isalnum()


def _plain_paths(
    before: Mapping[str, Any], after: Mapping[str, Any], prefix: str
) -> set[str] | None:
    """The changed leaves, as deepdiff finds them, of dicts of plain leaves; None when
    something else is there (a list, a float, an odd key), which deepdiff then handles."""
    keys = before.keys() | after.keys()
    if len(keys) > 1 and len(before.keys() & after.keys()) / len(keys) < _DIFF_DEEPER:
        # deepdiff reports mappings with too few keys in common as one change
        return {prefix[:-1]} if prefix else None
    paths: set[str] = set()
    for key in keys:
        if not _plain_key(key):
            return None
        path = prefix + key
        if key not in before or key not in after:
            paths.add(path)  # an added or removed item is reported whole
            continue
        old, new = before[key], after[key]
        if type(old) is dict and type(new) is dict:
            inner = _plain_paths(old, new, path + ".")
            if inner is None:
                return None
            paths |= inner
        elif type(old) is dict or type(new) is dict:
            if type(old) not in _PLAIN_LEAVES and type(new) not in _PLAIN_LEAVES:
                return None
            paths.add(path)  # a mapping against a plain value: a type change
        elif type(old) not in _PLAIN_LEAVES or type(new) not in _PLAIN_LEAVES:
            return None
        elif type(old) is not type(new) or old != new:
            paths.add(path)
    return paths


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """What differs, one entry per changed leaf; lists count as leaves (shown whole)."""
    if before == after:
        return ()
    # Most changed objects (stock items, prices) hold plain values only: their
    # changed leaves are found here, about 50 times faster than by deepdiff.
    paths = _plain_paths(before, after, "")
    if paths is None:
        paths = _deepdiff_paths(before, after)
    changes = {}
    for path in paths:
        # Collapse list positions into the list itself.
        parts = path.split(".")
        while len(parts) > 1 and isinstance(_lookup(after, ".".join(parts[:-1])), list | tuple):
            parts = parts[:-1]
        key = ".".join(parts)
        changes[key] = FieldChange(key, _lookup(before, key), _lookup(after, key))
    return tuple(changes[k] for k in sorted(changes))


def _deepdiff_paths(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str]:
    from deepdiff import DeepDiff  # imported on the first change: a plan of none never pays for it

    diff = DeepDiff(
        dict(before),
        dict(after),
        verbose_level=2,
        ignore_order=False,
        threshold_to_diff_deeper=_DIFF_DEEPER,
    )
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
    return paths
