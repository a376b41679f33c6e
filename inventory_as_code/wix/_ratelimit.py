"""Client-side rate limiting.

Wix allows about 200 requests a minute per site and answers 429 beyond that.
Being throttled wastes a minute, so the client keeps under the limit itself
with a token bucket shared by every thread using the client: ``burst`` tokens
at most, refilled at ``requests_per_minute / 60`` per second. With the default
180/min and a burst of 10, no 60-second window can hold more than 190 requests.

A 429 from the server pauses the whole bucket (all threads) until the time
the server asked for, since every other request would be throttled too, and
then restarts from an empty bucket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_REQUESTS_PER_MINUTE = 180.0
DEFAULT_BURST = 10


class RateLimiter:
    def __init__(
        self,
        requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE,
        *,
        burst: int = DEFAULT_BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if requests_per_minute <= 0:
            raise ValueError("requests_per_minute must be positive")
        self.rate_per_second = requests_per_minute / 60.0
        self.burst = max(1, burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(self.burst)
        self._updated = clock()
        self._paused_until = 0.0
        self.waited_seconds = 0.0

    def acquire(self) -> float:
        """Take one token, sleeping as long as needed. Returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._refill(now)
                if now < self._paused_until:
                    delay = self._paused_until - now
                elif self._tokens >= 1.0 - 1e-9:  # float refill may land a hair short
                    self._tokens = max(0.0, self._tokens - 1.0)
                    self.waited_seconds += waited
                    return waited
                else:
                    delay = max((1.0 - self._tokens) / self.rate_per_second, 1e-6)
            self._sleep(delay)
            waited += delay

    def pause(self, seconds: float) -> None:
        """Hold every request back for ``seconds`` (after a 429) and drain the bucket."""
        with self._lock:
            now = self._clock()
            self._paused_until = max(self._paused_until, now + seconds)
            # One request (the retry) may go when the pause ends; the rest refill.
            self._tokens = 1.0
            self._updated = self._paused_until

    def _refill(self, now: float) -> None:
        if now > self._updated:
            self._tokens = min(
                float(self.burst), self._tokens + (now - self._updated) * self.rate_per_second
            )
            self._updated = now
