"""``--shard I/N``: which of the fleet's sites one job of a CI matrix runs.

A site belongs to shard ``1 + H(name) mod N``, where ``H`` is the first 8
bytes of the SHA-256 of its name in UTF-8: the same on every machine and
Python version (unlike ``hash()``), independent of the order the toml lists
the sites in or of which other sites exist. So the N jobs of a matrix cover
every site exactly once without talking to each other, and adding a site
moves no other site to another shard. Shards are as even as hashing makes
them, not exactly even.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from inventory_as_code.errors import InventoryAsCodeError

_SHARD = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$")


class ShardError(InventoryAsCodeError):
    """``--shard`` is not ``I/N`` with 1 <= I <= N."""


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, name: str) -> bool:
        return shard_of(name, self.count) == self.index


def parse_shard(text: str) -> Shard:
    match = _SHARD.match(text)
    if match is None:
        raise ShardError(
            f"--shard {text!r}: write I/N, the shard of this job (1 to N) and the number "
            "of shards, like --shard 2/8 (GitHub: ${{ matrix.shard }}/8; GitLab: "
            "$CI_NODE_INDEX/$CI_NODE_TOTAL)."
        )
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ShardError(f"--shard {text}: the shard must be from 1 to {max(count, 1)}.")
    return Shard(index, count)


def shard_of(name: str, count: int) -> int:
    """The shard (1-based) of the site ``name`` among ``count`` shards."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count


def select(names: Iterable[str], shard: Shard | None) -> list[str]:
    """The names of ``shard`` (all of them without one), sorted."""
    return sorted(n for n in names if shard is None or shard.holds(n))
