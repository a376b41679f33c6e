"""What a pull finds and does, as plain data (the CLI prints it; nothing here prints)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.model import Origin


class PullError(InventoryAsCodeError):
    """Pull wrote nothing: a file changed meanwhile, or its edit could not be confirmed."""


@dataclass(frozen=True, slots=True)
class Want:
    """One difference pull may take: the store's value of one field of one object.

    ``field`` is the plan's name of it (``price``, ``quantity``, ``preorder.limit``,
    ``address.city``, ``swatches.Black``); ``yaml`` the value the YAML gives now,
    ``live`` the store's.
    """

    kind: str  # "product", "variant", "stock", "location", "option"
    address: str
    field: str
    yaml: Any
    live: Any
    slug: str = ""
    variant: tuple[str, ...] = ()
    location: str = ""
    option: str = ""


@dataclass(frozen=True, slots=True)
class Pulled:
    """A value written into the YAML: where it is now, and how it got there.

    ``how`` is empty for a value replaced where it was written; otherwise it says
    why it was written elsewhere (an override at the variant, leaving a shared
    value alone).
    """

    want: Want
    where: Origin
    how: str = ""


@dataclass(frozen=True, slots=True)
class NotPulled:
    """A difference pull leaves as it is, and why (the next plan still shows it)."""

    want: Want
    reason: str


@dataclass(frozen=True, slots=True)
class OneSided:
    """An object on one side only: live and not in the YAML, or the other way round."""

    address: str
    description: str


@dataclass(frozen=True, slots=True)
class FileEdit:
    """One file's bytes before and after the pull (``before`` is None for a new file)."""

    rel: str
    before: bytes | None
    after: bytes


@dataclass(frozen=True, slots=True)
class PullResult:
    pulled: tuple[Pulled, ...] = ()
    not_pulled: tuple[NotPulled, ...] = ()
    # Quantities owned by sales (policy initial or at_least): never pulled, counted.
    sales_owned: tuple[Want, ...] = ()
    only_live: tuple[OneSided, ...] = ()
    only_yaml: tuple[OneSided, ...] = ()
    # Objects of only_live that --write-new wrote, and into which file.
    written_new: tuple[str, ...] = ()
    new_file: str = ""
    edits: tuple[FileEdit, ...] = field(default=())
    written: bool = False  # False for a dry run (--diff, --check)

    @property
    def changes_files(self) -> bool:
        return any(edit.before != edit.after for edit in self.edits)

    @property
    def in_sync(self) -> bool:
        """The YAML and the store agree on everything pull looks at."""
        return not (
            self.pulled or self.not_pulled or self.only_live or self.only_yaml or self.sales_owned
        )
