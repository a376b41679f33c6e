"""The package's exception tree.

Every exception raised on purpose by inventory-as-code derives from
:class:`InventoryAsCodeError`, so the CLI catches that one class, prints a clean
message and exits with a documented code; anything else is a bug::

    InventoryAsCodeError
    ├── ConfigError          the YAML desired state is invalid; carries every
    │                        Problem found (file, line, column, path, message,
    │                        hint), not just the first
    └── WixError             talking to Wix failed (inventory_as_code.wix; its
                             own subtree is drawn in wix/_exceptions.py)

Other branches (plan safety checks, ...) are added next to these by the
modules that raise them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inventory_as_code.config.problems import Problem


class InventoryAsCodeError(Exception):
    """Base of every error the package raises on purpose."""


class ConfigError(InventoryAsCodeError):
    """The desired state (YAML files) is invalid.

    ``problems`` holds every problem found in one run, sorted by file and
    position, so a user fixes them all at once instead of one per run.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        first = f": {self.problems[0]}" if self.problems else ""
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(f"invalid desired state{first}{more}")
