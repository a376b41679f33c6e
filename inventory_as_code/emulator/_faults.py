"""Fault injection and rate limiting.

``FaultConfig`` is plain data (settable at construction, through the admin
API as JSON, and from CLI options); its rules keep small run-time counters.
Faults and rate limits never apply to the ``/_emulator`` admin surface.

Rule text syntax (CLI ``--fail``, also accepted by ``FaultRule.parse``)::

    [METHOD ]PATH_GLOB:ACTION[:OPTION[,OPTION...]]

* ``METHOD``: HTTP method or ``*`` (default ``*``).
* ``PATH_GLOB``: fnmatch pattern on the path without query string,
  e.g. ``/stores/v3/bulk/*``.
* ``ACTION``: an HTTP status (``503``, ``500``, ``429``...) answered with a
  Wix error body; ``drop-before`` (alias ``drop``): close the connection
  without applying the request; ``drop-after``: apply it, then close without
  answering; ``delay=SECONDS``: apply it, then answer late.
* ``OPTION``: ``nth=N`` (first matching request to hit, 1-based, default 1),
  ``times=N|inf`` (how many matching requests to hit from then on, default 1),
  ``site=SITE_ID`` (only requests for that site), ``html`` (a status answer
  has an HTML body, as Wix's edge sends for some 429s and 5xx).

Examples: ``POST /stores/v3/bulk/*:503:times=2``,
``PATCH /stores/v3/products/*:drop-after``, ``*:delay=30:nth=3``,
``*:429:html,times=2``.

``FaultConfig`` also holds the two eventual-consistency lags (both off by
default): ``variants_lag_s`` (Read-Only Variants behind Products) and
``locations_lag_s`` (a new inventory location behind Stores Locations V3).
"""

from __future__ import annotations

import fnmatch
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ACTIONS = ("status", "drop-before", "drop-after", "delay")


@dataclass
class FaultRule:
    path: str = "*"
    method: str = "*"
    action: str = "status"
    status: int = 503
    delay_s: float = 0.0
    nth: int = 1
    times: int | None = 1  # None: every matching request from the nth on
    site_id: str | None = None
    html: bool = False  # status answers: an HTML body instead of Wix's JSON
    seen: int = field(default=0, compare=False)
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown fault action {self.action!r}; expected one of {ACTIONS}")
        if self.nth < 1 or (self.times is not None and self.times < 0):
            raise ValueError("nth must be >= 1 and times >= 0")

    @classmethod
    def parse(cls, text: str) -> FaultRule:
        parts = text.strip().split(":")
        if len(parts) < 2:
            raise ValueError(f"fault rule {text!r}: expected '[METHOD ]PATH:ACTION[:OPTIONS]'")
        target, action_text, options = parts[0].strip(), parts[1].strip(), parts[2:]
        method, _, path = target.rpartition(" ")
        kwargs: dict[str, Any] = {"path": path or "*", "method": (method or "*").upper()}
        if action_text.isdigit():
            kwargs.update(action="status", status=int(action_text))
        elif action_text in ("drop", "drop-before"):
            kwargs["action"] = "drop-before"
        elif action_text == "drop-after":
            kwargs["action"] = "drop-after"
        elif action_text.startswith("delay="):
            kwargs.update(action="delay", delay_s=float(action_text.split("=", 1)[1]))
        else:
            raise ValueError(f"fault rule {text!r}: unknown action {action_text!r}")
        for option in ",".join(options).split(","):
            if not option.strip():
                continue
            key, _, value = option.strip().partition("=")
            if key == "nth":
                kwargs["nth"] = int(value)
            elif key == "times":
                kwargs["times"] = None if value in ("inf", "*", "always") else int(value)
            elif key == "site":
                kwargs["site_id"] = value
            elif key == "html" and not value:
                kwargs["html"] = True
            else:
                raise ValueError(f"fault rule {text!r}: unknown option {key!r}")
        return cls(**kwargs)

    def matches(self, method: str, path: str, site_id: str | None) -> bool:
        if self.method not in ("*", method.upper()):
            return False
        if self.site_id is not None and self.site_id != site_id:
            return False
        return fnmatch.fnmatchcase(path, self.path)

    def hit(self) -> bool:
        """Count one matching request; True when the fault applies to it."""
        self.seen += 1
        if self.seen < self.nth or (self.times is not None and self.fired >= self.times):
            return False
        self.fired += 1
        return True

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "action": self.action,
            "status": self.status,
            "delaySeconds": self.delay_s,
            "nth": self.nth,
            "times": self.times,
            "siteId": self.site_id,
            "html": self.html,
            "seen": self.seen,
            "fired": self.fired,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        if "rule" in data:  # the text form inside JSON
            return cls.parse(str(data["rule"]))
        return cls(
            path=str(data.get("path", "*")),
            method=str(data.get("method", "*")).upper(),
            action=str(data.get("action", "status")),
            status=int(data.get("status", 503)),
            delay_s=float(data.get("delaySeconds", 0.0)),
            nth=int(data.get("nth", 1)),
            times=None if data.get("times", 1) is None else int(data.get("times", 1)),
            site_id=data.get("siteId"),
            html=bool(data.get("html", False)),
        )


@dataclass
class FaultConfig:
    """Latency, rate limit, injected faults and eventual-consistency lags."""

    latency_ms: float = 0.0
    rate_limit_per_minute: int | None = None  # Wix documents 200 per minute per site
    # unconfirmed in the Wix docs: whether 429s carry Retry-After; off by default.
    retry_after: bool = False
    # Edge 429s may carry an HTML body, not JSON (Corrections 12).
    rate_limit_html: bool = False
    variants_lag_s: float = 0.0
    locations_lag_s: float = 0.0
    rules: list[FaultRule] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "latencyMs": self.latency_ms,
            "rateLimitPerMinute": self.rate_limit_per_minute,
            "retryAfter": self.retry_after,
            "rateLimitHtml": self.rate_limit_html,
            "variantsLagSeconds": self.variants_lag_s,
            "locationsLagSeconds": self.locations_lag_s,
            "rules": [r.to_dict() for r in self.rules],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultConfig:
        rules = []
        for entry in data.get("rules") or []:
            rules.append(
                FaultRule.parse(entry) if isinstance(entry, str) else FaultRule.from_dict(entry)
            )
        limit = data.get("rateLimitPerMinute")
        return cls(
            latency_ms=float(data.get("latencyMs", 0.0)),
            rate_limit_per_minute=None if limit is None else int(limit),
            retry_after=bool(data.get("retryAfter", False)),
            rate_limit_html=bool(data.get("rateLimitHtml", False)),
            variants_lag_s=float(data.get("variantsLagSeconds", 0.0)),
            locations_lag_s=float(data.get("locationsLagSeconds", 0.0)),
            rules=rules,
        )


class RateLimiter:
    """Sliding one-minute window of request times per site."""

    def __init__(self) -> None:
        self._windows: dict[str, deque[float]] = {}

    def check(self, site_id: str, now: datetime, limit: int) -> float | None:
        """Record a request; None if allowed, else seconds until a slot frees up."""
        ts = now.timestamp()
        window = self._windows.setdefault(site_id, deque())
        while window and window[0] <= ts - 60.0:
            window.popleft()
        if len(window) >= limit:
            return max(window[0] + 60.0 - ts, 0.0)
        window.append(ts)
        return None

    def reset(self) -> None:
        self._windows.clear()
