"""``plan --refresh incremental``: a snapshot refreshed with what changed, trusted only when safe.

An unchanged store of 400 products (12 calls to read in full) plans in 7
calls from its snapshot, whatever its size; every reason not to trust
a snapshot (none yet, another site, too old, dated in the future, tampered,
signed with another key, unsigned, a symlink, too big, deletions the dates
do not show) means a full read, and the plan says which read it rests on and
why.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from inventory_as_code.emulator import Emulator, FaultRule
from inventory_as_code.live import incremental, snapshot
from inventory_as_code.live.snapshot_key import snapshot_key
from inventory_as_code.wix import Adjustment
from inventory_as_code.workflow import plan_project
from tests.clock import SharedClock
from tests.live import test_targeted
from tests.live.test_targeted import seed_product
from tests.plan.helpers import SITE, client_for

Made = dict[str, int]
COUNT = 400  # 1,200 variants, 2,400 stock items: 12 calls to read in full


def project(tmp_path: Path, *changed: tuple[int, str, int]) -> Path:
    return test_targeted.project(tmp_path, *changed, count=COUNT)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SharedClock:
    shared = SharedClock()
    # The in-process transport sends no Date header: the snapshot reads the emulator's clock.
    monkeypatch.setattr(snapshot, "now", shared)
    return shared


@pytest.fixture
def emulator(clock: SharedClock) -> Iterator[Emulator]:
    emu = Emulator(id_seed=17, clock=clock)
    emu.seed(
        {"locations": [{"name": "Outlet"}], "products": [seed_product(n) for n in range(COUNT)]},
        site_id=SITE,
    )
    clock.skew += timedelta(minutes=30)  # the store was made a while ago
    yield emu
    emu.close()


def run(emulator: Emulator, root: Path, refresh: str = "incremental") -> tuple[object, Made]:
    client = client_for(emulator)
    before = emulator.counts()
    plan, live = plan_project(client, root, site_id=SITE, refresh=refresh)  # type: ignore[arg-type]
    made = {k: v - before.get(k, 0) for k, v in emulator.counts().items() if v - before.get(k, 0)}
    return (plan, live), made


def read_of(result: object) -> dict[str, str]:
    plan, _ = result  # type: ignore[misc]
    return dict(plan.metadata["read"])


def test_an_unchanged_store_plans_from_its_snapshot_in_eight_calls(
    emulator: Emulator, tmp_path: Path, clock: SharedClock
) -> None:
    root = project(tmp_path, (4, "12.00", 9))
    first, made = run(emulator, root)
    assert read_of(first)["mode"] == "full"
    assert "no snapshot of this site yet" in read_of(first)["detail"]
    assert "snapshot saved" in read_of(first)["detail"]
    assert sum(made.values()) == 13
    clock.skew += timedelta(minutes=30)
    second, made = run(emulator, root)
    assert read_of(second)["mode"] == "incremental", read_of(second)
    assert made == {
        "catalog.get-version": 1,
        "stores-locations.query": 1,
        "locations.query": 1,
        "products.query": 1,
        "products.count": 1,
        "customizations.query": 1,
        "inventory-items.query": 1,
        "inventory-items.count": 1,
    }
    whole, _ = run(emulator, root, refresh="full")
    assert first[0].changes == second[0].changes == whole[0].changes  # type: ignore[index]
    assert len(first[0].changes) == 6  # type: ignore[index]


def test_a_change_since_is_read_and_nothing_else(
    emulator: Emulator, tmp_path: Path, clock: SharedClock
) -> None:
    root = project(tmp_path)
    run(emulator, root)
    clock.skew += timedelta(minutes=30)
    client = client_for(emulator)
    tee = client.products.get_by_slug("tee-010")
    client.products.update({"id": tee["id"], "revision": tee["revision"], "name": "Renamed"})
    item = next(client.inventory.query({"productId": {"$in": [tee["id"]]}}))
    client.inventory.bulk_update([{"id": item["id"], "revision": item["revision"], "quantity": 1}])
    clock.skew += timedelta(minutes=30)
    result, made = run(emulator, root)
    assert read_of(result)["mode"] == "incremental"
    assert "1 product(s) and 1 stock item(s) changed" in read_of(result)["detail"]
    # The changed product's variants and all its stock, by product id: two reads more.
    assert made["read-only-variants.query"] == 1 and made["inventory-items.query"] == 2
    plan = result[0]  # type: ignore[index]
    addresses = sorted(c.address for c in plan.changes)
    assert addresses[0] == 'product["tee-010"]'
    assert len(addresses) == 2 and addresses[1].startswith('stock["tee-010"]')


@pytest.mark.parametrize("what", ["product", "item"])
def test_deletions_do_not_add_up_and_mean_a_full_read(
    emulator: Emulator, tmp_path: Path, clock: SharedClock, what: str
) -> None:
    root = project(tmp_path)
    run(emulator, root)
    clock.skew += timedelta(minutes=30)
    client = client_for(emulator)
    tee = client.products.get_by_slug("tee-020")
    if what == "product":
        client.products.delete(tee["id"])
    else:
        item = next(client.inventory.query({"productId": {"$in": [tee["id"]]}}))
        client.inventory.bulk_delete([item["id"]])
    result, _ = run(emulator, root)
    assert read_of(result)["mode"] == "full"
    assert "do not add up" in read_of(result)["detail"]
    creates = [c.address for c in result[0].changes]  # type: ignore[index]
    assert creates and all('"tee-020"' in a for a in creates)


def test_no_count_of_stock_items_means_a_full_read(
    emulator: Emulator, tmp_path: Path, clock: SharedClock
) -> None:
    root = project(tmp_path)
    run(emulator, root)
    emulator.add_fault(FaultRule.parse("/stores/v3/inventory-items/count:403:times=inf"))
    result, _ = run(emulator, root)
    assert read_of(result)["mode"] == "full"
    assert "did not count the stock items" in read_of(result)["detail"]


def snapshot_path(root: Path) -> Path:
    found = list((root / snapshot.FOLDER).glob("snapshot-*.bin"))
    assert len(found) == 1
    return found[0]


def test_what_the_snapshot_holds_and_what_it_never_holds(
    emulator: Emulator, tmp_path: Path
) -> None:
    root = project(tmp_path)
    run(emulator, root)
    path = snapshot_path(root)
    data = path.read_bytes()
    assert data.startswith(snapshot.MAGIC)  # signed: magic, key id, tag, then the body
    raw = zlib.decompress(data[len(snapshot.MAGIC) + 8 + 32 :])
    assert b"test-key" not in raw and SITE.encode() not in raw
    assert b"TEE007-S" in raw  # the store's own data
    assert (root / snapshot.FOLDER / ".gitignore").read_text().strip().endswith("*")
    assert len(data) < 100 * 2 * 3 * COUNT  # under 100 bytes a stock item


def untrusted(emulator: Emulator, root: Path) -> str:
    result, _ = run(emulator, root)
    assert read_of(result)["mode"] == "full"
    return read_of(result)["detail"]


def test_a_snapshot_of_another_site_or_too_old_is_not_used(
    emulator: Emulator, tmp_path: Path, clock: SharedClock
) -> None:
    root = project(tmp_path)
    run(emulator, root)
    path = snapshot_path(root)
    key = snapshot_key()  # this user's: these are true snapshots of other states
    saved = snapshot.load(path, key)
    snapshot.save(path, msgspec.structs.replace(saved, site="0" * 32), key)
    assert "another site" in untrusted(emulator, root)
    clock.skew += incremental.MAX_AGE + timedelta(hours=1)
    assert "full read is due every 24 h" in untrusted(emulator, root)
    saved = snapshot.load(path, key)
    future = saved.full_at + timedelta(days=3)
    snapshot.save(path, msgspec.structs.replace(saved, full_at=future), key)
    assert "dated in the future" in untrusted(emulator, root)


def test_a_hostile_snapshot_is_refused_and_replaced(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    run(emulator, root)
    path = snapshot_path(root)
    path.write_bytes(b"\x78\x9c" + os.urandom(200))
    assert "the snapshot is not signed" in untrusted(emulator, root)
    # Signed, but not a snapshot inside: refused after the signature, before any use.
    signed = snapshot.MAGIC + snapshot_key().key_id
    path.write_bytes(signed + snapshot_key().sign(signed + b"junk") + b"junk")
    assert "not valid" in untrusted(emulator, root)
    # A snapshot decompressing to more than the bound (a zip bomb) is refused unread.
    monkeypatch.setattr(snapshot, "MAX_RAW_BYTES", 1000)
    assert "unpacks to more than" in untrusted(emulator, root)
    monkeypatch.setattr(snapshot, "MAX_BYTES", 10)
    assert "larger than" in untrusted(emulator, root)


def test_symlinks_are_never_followed(emulator: Emulator, tmp_path: Path) -> None:
    root = project(tmp_path)
    run(emulator, root)
    path = snapshot_path(root)
    elsewhere = tmp_path / "elsewhere.bin"
    path.rename(elsewhere)
    content = elsewhere.read_bytes()
    path.symlink_to(elsewhere)
    assert "cannot be opened" in untrusted(emulator, root)
    # The link was replaced by a file of its own, never written through.
    assert not path.is_symlink() and elsewhere.read_bytes() == content
    folder = root / snapshot.FOLDER
    moved = tmp_path / "real-folder"
    folder.rename(moved)
    folder.symlink_to(moved, target_is_directory=True)
    detail = untrusted(emulator, root)
    assert "not a plain folder" in detail and "snapshot not saved" in detail


def test_a_sale_moves_the_items_updated_date(emulator: Emulator, clock: SharedClock) -> None:
    # Not documented for Wix; the emulator moves it (as every write there does), and the
    # incremental refresh finds sales through it. Drift checks read in full regardless.
    client = client_for(emulator)
    item = next(i for i in client.inventory.query() if i.get("quantity"))
    clock.skew += timedelta(minutes=1)
    client.inventory.bulk_decrement([Adjustment(1, inventory_item_id=item["id"])])
    after = client.inventory.get(item["id"])
    assert after["quantity"] == item["quantity"] - 1
    assert after["updatedDate"] > item["updatedDate"]
