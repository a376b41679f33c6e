"""5xx, dropped connections and timeouts on every write endpoint, once and for good.

Each case: the first apply ends in a known state with exactly these statuses
and this exit code; then the fault heals, a second apply converges ("No
changes." after it), stock is exact (no sale overwritten, no top-up counted
twice) and nothing exists twice.
"""

from __future__ import annotations

import pytest

from tests.faults.conftest import (
    EDITED,
    EDITED_STOCK,
    STORE_STOCK,
    FaultShop,
    MakeShop,
    codes,
    statuses,
)

ROUTES = {
    "location_create": "POST /locations/v1/locations",
    "option_create": "POST /stores/v3/bulk/customizations/create",
    "product_create": "POST /stores/v3/bulk/products-with-inventory/create",
    "stock_create": "POST /stores/v3/bulk/inventory-items/create",
    "product_update": "POST /stores/v3/bulk/products/update",
    # Stock updates carry the mug's top-up too: a revision-guarded update, not an increment.
    "stock_update": "POST /stores/v3/bulk/inventory-items/update",
}
OUTLET_STOCK = ['stock["tee"]["M"]["Outlet"]', 'stock["tee"]["S"]["Outlet"]']
PRODUCTS = ['product["mug"]', 'product["tee"]']
OPTIONS = ['option["Size"]']  # the tee's, created before the products
NOT_CREATED_WITH_PRODUCTS = [
    'variant["mug"]["(default)"]',
    'stock["mug"]["(default)"]["Main"]',
    'variant["tee"]["M"]',
    'variant["tee"]["S"]',
    'stock["tee"]["M"]["Main"]',
    'stock["tee"]["S"]["Main"]',
    *OUTLET_STOCK,
]
TEE_STOCK = [
    'stock["tee"]["M"]["Main"]',
    'stock["tee"]["M"]["Outlet"]',
    'stock["tee"]["S"]["Main"]',
    'stock["tee"]["S"]["Outlet"]',
]
MUG = 'stock["mug"]["(default)"]["Main"]'
# The tee's Size option was not created: the tee (it picks Size choices) is not sent.
WITHOUT_SIZE = [
    'product["tee"]',
    'variant["tee"]["M"]',
    'variant["tee"]["S"]',
    'stock["tee"]["M"]["Main"]',
    'stock["tee"]["S"]["Main"]',
    *OUTLET_STOCK,
]


def failed(*addresses: str) -> dict[str, str]:
    return dict.fromkeys(addresses, "failed")


def skipped(*addresses: str) -> dict[str, str]:
    return dict.fromkeys(addresses, "not_attempted")


# (endpoint kind, fault) -> (exit code, the changes not applied, their codes)
PERSISTENT = {
    # A 5xx to a location create may have created it: not resent; the re-read finds none.
    ("location_create", "503:times=inf"): (
        3,
        {**failed('location["Outlet"]'), **skipped(*OUTLET_STOCK)},
        {'location["Outlet"]': "NOT_CREATED"},
    ),
    # The connection is refused every time: the run stops at the first call.
    ("location_create", "drop-before:times=inf"): (
        1,
        {
            **failed('location["Outlet"]'),
            **skipped(*OPTIONS, *PRODUCTS, *NOT_CREATED_WITH_PRODUCTS),
        },
        {'location["Outlet"]': "WixTransportError"},
    ),
    ("product_create", "503:times=inf"): (
        3,
        {**failed(*PRODUCTS), **skipped(*NOT_CREATED_WITH_PRODUCTS)},
        dict.fromkeys(PRODUCTS, "INJECTED_FAULT"),
    ),
    ("product_create", "drop-before:times=inf"): (
        3,
        {**failed(*PRODUCTS), **skipped(*NOT_CREATED_WITH_PRODUCTS)},
        dict.fromkeys(PRODUCTS, "WixTransportError"),
    ),
    ("stock_create", "503:times=inf"): (
        3,
        failed(*OUTLET_STOCK),
        dict.fromkeys(OUTLET_STOCK, "INJECTED_FAULT"),
    ),
    ("stock_create", "drop-before:times=inf"): (
        3,
        failed(*OUTLET_STOCK),
        dict.fromkeys(OUTLET_STOCK, "WixTransportError"),
    ),
    ("product_update", "503:times=inf"): (
        3,
        failed('variant["tee"]["M"]', 'variant["tee"]["S"]'),
        {'variant["tee"]["M"]': "INJECTED_FAULT", 'variant["tee"]["S"]': "INJECTED_FAULT"},
    ),
    ("product_update", "drop-before:times=inf"): (
        3,
        failed('variant["tee"]["M"]', 'variant["tee"]["S"]'),
        {'variant["tee"]["M"]': "WixTransportError", 'variant["tee"]["S"]': "WixTransportError"},
    ),
    ("stock_update", "503:times=inf"): (
        3,
        failed(*TEE_STOCK, MUG),
        dict.fromkeys([*TEE_STOCK, MUG], "INJECTED_FAULT"),
    ),
    ("stock_update", "drop-before:times=inf"): (
        3,
        failed(*TEE_STOCK, MUG),
        dict.fromkeys([*TEE_STOCK, MUG], "WixTransportError"),
    ),
    # A 5xx to a create may have created it: not resent; the re-read finds none.
    ("option_create", "503:times=inf"): (
        3,
        {**failed(*OPTIONS), **skipped(*WITHOUT_SIZE)},
        {'option["Size"]': "NOT_CREATED", 'product["tee"]': "OPTION_MISSING"},
    ),
    ("option_create", "503"): (
        3,
        {**failed(*OPTIONS), **skipped(*WITHOUT_SIZE)},
        {'option["Size"]': "NOT_CREATED"},
    ),
    ("option_create", "drop-before:times=inf"): (
        3,
        {**failed(*OPTIONS), **skipped(*WITHOUT_SIZE)},
        {'option["Size"]': "WixTransportError"},
    ),
    ("location_create", "503"): (
        3,
        {**failed('location["Outlet"]'), **skipped(*OUTLET_STOCK)},
        {'location["Outlet"]': "NOT_CREATED"},
    ),
}
# Faults the apply rides through: everything applied, exit 0. "after" faults
# hit a request the server applied; the answer is lost (dropped, or later than
# the client's 1 s timeout), and the outcome is settled by a re-read.
TRANSIENT = ["503", "drop-before", "drop-after", "delay=5"]
SETTLED_BY_REREAD = ["drop-after", "drop-after:times=inf", "delay=5", "delay=5:times=inf"]

CASES = sorted(
    {
        **PERSISTENT,
        **{
            (kind, fault): (0, {}, {})
            for kind in ROUTES
            for fault in TRANSIENT + SETTLED_BY_REREAD
            if (kind, fault) not in PERSISTENT
        },
    }.items()
)


def first_apply(make_shop: MakeShop, kind: str, fault: str) -> tuple[FaultShop, object]:
    shop = make_shop(timeout=1.0)
    if kind in ("product_update", "stock_update"):
        assert shop.apply().exit_code == 0
        shop.sell("MUG", "Online store", 5)  # the mug's floor of 8 needs a top-up of 5
        shop.write(EDITED)
    plan = shop.plan()
    shop.fail(f"{ROUTES[kind]}:{fault}")
    return shop, shop.apply(plan)


@pytest.mark.parametrize(("case", "expected"), CASES, ids=[f"{k}-{f}" for (k, f), _ in CASES])
def test_write_fault_is_reported_exactly_and_the_next_apply_converges(
    make_shop: MakeShop, case: tuple[str, str], expected: tuple[int, dict[str, str], dict[str, str]]
) -> None:
    kind, fault = case
    exit_code, not_applied, wanted_codes = expected
    shop, report = first_apply(make_shop, kind, fault)
    assert statuses(report) == not_applied  # type: ignore[arg-type]
    assert report.exit_code == exit_code  # type: ignore[attr-defined]
    got_codes = codes(report)  # type: ignore[arg-type]
    assert {a: got_codes.get(a) for a in wanted_codes} == wanted_codes
    if fault in SETTLED_BY_REREAD:
        messages = [o.message for o in report.outcomes.values()]  # type: ignore[attr-defined]
        if kind != "location_create":
            assert any("answer lost" in m for m in messages), messages
    shop.converge()
    updated = kind in ("product_update", "stock_update")
    assert shop.stock() == (EDITED_STOCK if updated else STORE_STOCK)
    shop.assert_no_duplicates()


def test_a_top_up_whose_answer_is_lost_is_not_counted_twice(make_shop: MakeShop) -> None:
    shop = make_shop(timeout=1.0)
    assert shop.apply().exit_code == 0
    shop.sell("MUG", "Online store", 5)  # 8 -> 3: the floor of 8 needs a top-up of 5
    shop.write(EDITED)
    plan = shop.plan()
    shop.fail(f"{ROUTES['stock_update']}:drop-after:times=inf")
    report = shop.apply(plan)
    outcome = report.outcomes[MUG]
    assert (outcome.status.value, outcome.message) == (
        "applied",
        "answer lost; a re-read shows it applied",
    )
    assert shop.item("MUG", "Online store")["quantity"] == 8  # 3 topped up to 8, once
    # The same plan applied again finds the floor reached and sends nothing for it.
    shop.heal()
    again = shop.apply(plan)
    assert again.outcomes[MUG].code == "ALREADY_AT_FLOOR"
    assert shop.item("MUG", "Online store")["quantity"] == 8


def test_a_location_create_whose_answer_is_lost_is_sent_once(make_shop: MakeShop) -> None:
    shop, report = first_apply(make_shop, "location_create", "drop-after:times=inf")
    assert report.outcomes['location["Outlet"]'].message == (  # type: ignore[attr-defined]
        "answer lost; found after a re-read"
    )
    creates = [e for e in shop.emulator.requests() if e["route"] == "locations.create"]
    assert len(creates) == 1
    assert shop.location_names().count("Outlet") == 1
    assert report.exit_code == 0  # type: ignore[attr-defined]
