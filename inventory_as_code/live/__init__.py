"""The live store: read from Wix with paged bulk reads, normalised for the planner."""

from __future__ import annotations

from inventory_as_code.live.model import (
    LiveBusinessLocation,
    LiveInventoryItem,
    LiveLocation,
    LiveOption,
    LivePreorder,
    LiveProduct,
    LiveStore,
    LiveVariant,
    ReadStats,
)
from inventory_as_code.live.reader import read_live_store

__all__ = [
    "LiveBusinessLocation",
    "LiveInventoryItem",
    "LiveLocation",
    "LiveOption",
    "LivePreorder",
    "LiveProduct",
    "LiveStore",
    "LiveVariant",
    "ReadStats",
    "read_live_store",
]
