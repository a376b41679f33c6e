"""A client for an in-process emulator, as most tests need one."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.wix import RetryPolicy, WixClient

FAST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.01, throttle_delay=0.01)


def emulator_client(
    emulator: Emulator,
    site_id: str,
    *,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy = FAST_RETRY,
    sleep: Callable[[float], None] | None = None,
) -> WixClient:
    """A client of ``site_id`` on ``emulator``, in process, with no rate limit to wait for."""
    options = {} if sleep is None else {"sleep": sleep}
    return WixClient(
        api_key="test-key",
        site_id=site_id,
        base_url="http://localhost",
        transport=transport or EmulatorTransport(emulator),
        requests_per_minute=1_000_000,
        retry=retry,
        **options,
    )
