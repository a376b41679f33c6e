"""A clock shared by an emulator and a client: the client's waits pass emulator time at once.

With Wix's eventual consistency switched on in the emulator (read-only
variants and new stores locations appear ``LAG`` seconds after a write), a
client that waits for them sleeps on this clock, so the tests stay fast while
the waiting logic is exercised for real.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

LAG = 10.0  # seconds of Wix eventual consistency, in emulator time


class SharedClock:
    """Wall time plus the client's waits."""

    def __init__(self) -> None:
        self.skew = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.skew

    def sleep(self, seconds: float) -> None:
        self.skew += timedelta(seconds=seconds)
