"""Counting the requests the client makes, by endpoint.

``plan`` and ``apply`` report these figures and tests compare them with the
lower bound that the Wix batch limits allow, so every HTTP request that left
the client is counted, retries included.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    requests: dict[str, int]
    retries: int
    throttled: int
    rate_limit_wait_seconds: float
    # Guarded writes sent again after an attempt that may have been applied
    # (no answer, or a 5xx): a refusal of the resend ("already exists", stale
    # revision) may then be the first attempt's own doing.
    resent_writes: int = 0

    @property
    def total(self) -> int:
        return sum(self.requests.values())


class RequestStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._retries = 0
        self._throttled = 0
        self._waited = 0.0
        self._resent_writes = 0

    def record_request(self, endpoint: str) -> None:
        with self._lock:
            self._requests[endpoint] += 1

    def record_retry(self, *, throttled: bool) -> None:
        with self._lock:
            self._retries += 1
            if throttled:
                self._throttled += 1

    def record_resent_write(self) -> None:
        with self._lock:
            self._resent_writes += 1

    def record_wait(self, seconds: float) -> None:
        if seconds:
            with self._lock:
                self._waited += seconds

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._requests.values())

    def snapshot(self) -> StatsSnapshot:
        with self._lock:
            return StatsSnapshot(
                requests=dict(sorted(self._requests.items())),
                retries=self._retries,
                throttled=self._throttled,
                rate_limit_wait_seconds=self._waited,
                resent_writes=self._resent_writes,
            )

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._retries = 0
            self._throttled = 0
            self._waited = 0.0
            self._resent_writes = 0
