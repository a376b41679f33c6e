"""429 bursts, the emulator's own rate limit, and faults on the reads of plan."""

from __future__ import annotations

import pytest

from inventory_as_code.emulator import FaultConfig
from inventory_as_code.wix import RetryPolicy, ServerError
from tests.faults.conftest import STORE_STOCK, MakeShop

# Wix's advice for a 429 without Retry-After: wait (here 10 s of virtual time).
PATIENT = RetryPolicy(max_attempts=12, base_delay=0.001, max_delay=0.01, throttle_delay=10.0)


@pytest.mark.parametrize(
    "rule",
    [
        "POST /stores/v3/bulk/*:429:times=3",  # every write kind shares the burst
        "POST /stores/v3/products/query:429:times=3",  # a read of plan
        "*:429:nth=4,times=3",  # whatever comes fourth
    ],
)
def test_a_429_burst_without_retry_after_is_waited_out(make_shop: MakeShop, rule: str) -> None:
    shop = make_shop()
    shop.fail(rule)
    report = shop.apply()
    assert shop.emulator.faults.rules[0].fired == 3
    assert report.exit_code == 0, report.to_dict()["outcomes"]
    assert shop.client.stats.snapshot().throttled == 3
    assert shop.plan().empty
    assert shop.stock() == STORE_STOCK
    shop.assert_no_duplicates()


def test_the_emulators_rate_limit_with_retry_after_is_honoured(make_shop: MakeShop) -> None:
    # The client allows itself 120 requests a minute; the site allows 5.
    shop = make_shop(
        faults=FaultConfig(rate_limit_per_minute=5, retry_after=True),
        requests_per_minute=120,
        retry=PATIENT,
        virtual_time=True,
    )
    report = shop.apply()
    assert report.exit_code == 0, report.to_dict()["outcomes"]
    throttled = [e for e in shop.emulator.requests() if e["fault"] == "rate-limit"]
    assert throttled, "the emulator never throttled: the test proves nothing"
    assert shop.time is not None and shop.time.slept >= 30  # it waited as told
    assert shop.plan().empty
    assert shop.stock() == STORE_STOCK
    shop.assert_no_duplicates()


def test_the_emulators_rate_limit_without_retry_after_is_waited_out(make_shop: MakeShop) -> None:
    shop = make_shop(
        faults=FaultConfig(rate_limit_per_minute=5),
        requests_per_minute=120,
        retry=PATIENT,
        virtual_time=True,
    )
    report = shop.apply()
    assert report.exit_code == 0, report.to_dict()["outcomes"]
    assert shop.client.stats.snapshot().throttled > 0
    assert shop.plan().empty
    assert shop.stock() == STORE_STOCK


@pytest.mark.parametrize(
    "route",
    [
        "POST /stores/v3/products/query",
        "POST /stores/v3/inventory-items/query",
        "POST /stores/v3/products/query-variants",
        "POST /stores/v3/locations/query",
    ],
)
def test_plan_reads_ride_through_5xx_and_timeouts(make_shop: MakeShop, route: str) -> None:
    shop = make_shop(timeout=1.0)
    shop.fail(f"{route}:503:times=2", f"{route}:delay=5")  # then one answer too late
    plan = shop.plan()
    assert [(r.fired) for r in shop.emulator.faults.rules] == [2, 1]
    assert len(plan.changes) == 12  # with the Size option the tee creates
    assert shop.apply(plan).exit_code == 0
    assert shop.plan().empty


def test_a_read_that_keeps_failing_stops_plan_with_a_clean_error(make_shop: MakeShop) -> None:
    shop = make_shop()
    shop.fail("POST /stores/v3/inventory-items/query:503:times=inf")
    with pytest.raises(ServerError) as caught:
        shop.plan()
    assert "HTTP 503" in str(caught.value)
    assert shop.product_slugs() == []  # nothing was written
