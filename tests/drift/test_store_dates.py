"""Every live object the plan compares keeps its ``updatedDate``: read, snapshotted, looked up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import msgspec
import pytest

from inventory_as_code.drift.store_dates import StoreDates
from inventory_as_code.emulator import Emulator
from inventory_as_code.live import read_live_store, snapshot
from inventory_as_code.live.model import LiveStore
from inventory_as_code.plan.model import Action, Change, Kind, Observed
from tests.live.test_targeted import OTHER, seed_product
from tests.plan.helpers import SITE, client_for

SEEDED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
STAMP = "2026-03-01T12:00:00.000Z"


@pytest.fixture
def live() -> Iterator[LiveStore]:
    emulator = Emulator(id_seed=5, clock=lambda: SEEDED)
    emulator.seed(
        {"locations": [{"name": OTHER}], "products": [seed_product(n) for n in range(3)]},
        site_id=SITE,
    )
    with client_for(emulator) as client:
        yield read_live_store(client)
    emulator.close()


def test_the_read_keeps_each_objects_date(live: LiveStore) -> None:
    assert {p.updated for p in live.products.values()} == {STAMP}
    assert {i.updated for i in live.inventory.values()} == {STAMP}
    assert {loc.updated for loc in live.locations} == {STAMP}


def test_a_snapshot_keeps_the_dates_and_an_older_one_still_loads(live: LiveStore) -> None:
    taken = snapshot.build(
        site="s",
        catalog="V3",
        since=SEEDED,
        full_at=SEEDED,
        products=list(live.products.values()),
        items=list(live.inventory.values()),
    )
    raw = msgspec.msgpack.encode(taken)
    again = msgspec.msgpack.decode(raw, type=snapshot.Snapshot)
    assert {i.updated for i in snapshot.items_of(again)} == {STAMP}
    assert {snapshot.product_of(p).updated for p in again.products} == {STAMP}
    # A snapshot of the version before: rows one member shorter. No dates, no error.
    older = msgspec.msgpack.decode(raw)
    for row in [*older["items"], *older["products"]]:
        row.pop()
    loaded = msgspec.msgpack.decode(msgspec.msgpack.encode(older), type=snapshot.Snapshot)
    assert {i.updated for i in snapshot.items_of(loaded)} == {""}


def test_each_kind_of_change_finds_its_objects_date(live: LiveStore) -> None:
    dates = StoreDates(live)
    product = live.products["tee-001"]
    item = next(i for i in live.inventory.values() if i.product_id == product.id)
    location = next(loc for loc in live.locations if loc.name == OTHER)

    def change(kind: Kind, action: Action = Action.UPDATE, **keys: str) -> Change:
        return Change(kind, action, "x", {}, {}, keys=keys, observed=Observed("?", "1"))

    # A variant has no date of its own: its product's is used.
    assert dates.of(change(Kind.VARIANT, product_id=product.id)) == STAMP
    stock = change(
        Kind.STOCK,
        product_id=item.product_id,
        variant_id=item.variant_id,
        location_id=item.location_id,
    )
    assert dates.of(stock) == STAMP
    assert dates.of(change(Kind.LOCATION, wix_location_id=str(location.wix_location_id))) == STAMP
    # A new stock item of a live product: the product's date, for a creation's evidence.
    new = change(Kind.STOCK, Action.CREATE, product_id=product.id)
    assert dates.of(new) is None and dates.of_product(new) == STAMP
    assert dates.of(change(Kind.PRODUCT, product_id="gone")) is None
