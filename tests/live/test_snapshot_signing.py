"""Incremental snapshots are signed; one that does not verify is never used (issue 18).

Whoever can write a project's ``.inventory-as-code/`` folder (a cloned
repository, a CI cache a pull request could write) could otherwise make a plan
show a stock change that does not exist, or hide a real change. The end-to-end
attack is in tests/e2e/test_smaller_holes.py; these pin the key's rules.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest

from inventory_as_code.emulator import Emulator
from inventory_as_code.live import snapshot
from inventory_as_code.live.model import LiveInventoryItem, LivePreorder
from inventory_as_code.live.snapshot_key import KeyUnavailable, key_path, snapshot_key
from inventory_as_code.workflow import plan_project
from tests.plan.helpers import SITE, client_for, write_project

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def taken(site: str = "s" * 32) -> snapshot.Snapshot:
    item = LiveInventoryItem(
        "i1", "1", "p1", "v1", "l1", "quantity", 4, None, LivePreorder(False, None, None, 0)
    )
    return snapshot.build(
        site=site, catalog="V3_CATALOG", since=NOW, full_at=NOW, products=[], items=[item]
    )


def job(tmp_path: Path, name: str, plan_key: str = "") -> dict[str, str]:
    """The environment of one CI job: its own (fresh) home, maybe the shared secret."""
    return {"XDG_STATE_HOME": str(tmp_path / name), "INVENTORY_AS_CODE_PLAN_KEY": plan_key}


def test_a_shared_secret_lets_another_job_use_the_snapshot_and_nothing_else_can(
    tmp_path: Path,
) -> None:
    path = tmp_path / snapshot.FOLDER / "snapshot-x.bin"
    snapshot.save(path, taken(), snapshot_key(job(tmp_path, "drift", " ci-secret\n")))
    # The pull request's plan job: another runner, the same secret.
    assert snapshot.load(path, snapshot_key(job(tmp_path, "plan", "ci-secret"))) == taken()
    # Another secret, or none (this runner's own fresh key): not used, and the reason says so.
    for other in (job(tmp_path, "fork", "guess"), job(tmp_path, "fork")):
        with pytest.raises(snapshot.SnapshotError, match="signed with another key"):
            snapshot.load(path, snapshot_key(other))


def test_a_changed_byte_or_a_missing_signature_is_refused(tmp_path: Path) -> None:
    key = snapshot_key(job(tmp_path, "me"))
    path = tmp_path / snapshot.FOLDER / "snapshot-x.bin"
    snapshot.save(path, taken(), key)
    data = bytearray(path.read_bytes())
    data[-5] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(snapshot.SnapshotError, match="changed after it was written"):
        snapshot.load(path, key)
    path.write_bytes(bytes(data[len(snapshot.MAGIC) + 40 :]))  # the body alone, as format 1 was
    with pytest.raises(snapshot.SnapshotError, match="not signed"):
        snapshot.load(path, key)


def test_the_users_key_is_made_once_outside_the_project_for_the_user_alone(tmp_path: Path) -> None:
    env = job(tmp_path, "home")
    first = snapshot_key(env)
    path = key_path(env)
    assert path.is_relative_to(tmp_path / "home") and oct(path.stat().st_mode & 0o777) == "0o600"
    assert snapshot_key(env).key_id == first.key_id and first.source == str(path)
    assert first.secret.decode() not in repr(first)
    path.chmod(0o644)  # readable by others: they could forge this user's snapshots
    with pytest.raises(KeyUnavailable, match="not this user's alone"):
        snapshot_key(env)
    path.unlink()
    path.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(KeyUnavailable, match="no key to sign snapshots with"):
        snapshot_key(env)


def test_every_projects_local_store_is_its_own_store() -> None:
    one = snapshot.site_key("http://localhost", "local-site", "/a/.inventory-as-code/local.db")
    two = snapshot.site_key("http://localhost", "local-site", "/b/.inventory-as-code/local.db")
    assert one != two != snapshot.site_key("http://localhost", "local-site")


def test_no_home_for_a_key_means_no_snapshot_and_the_plan_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "state").write_text("a file where the key's folder would go")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with pytest.raises(KeyUnavailable, match="set INVENTORY_AS_CODE_PLAN_KEY"):
        snapshot_key()
    emulator = Emulator(id_seed=3)
    with client_for(emulator) as client:
        _, live = plan_project(
            client,
            write_project(tmp_path / "shop", {"store.yaml": "locations: {}\n"}),
            site_id=SITE,
            refresh="incremental",
        )
    emulator.close()
    assert live.stats is not None and live.stats.mode == "full"
    assert live.stats.detail.startswith("full read: no key to sign snapshots with")
    assert "snapshot not saved: no key" in live.stats.detail
    assert not list((tmp_path / "shop").glob(".inventory-as-code/snapshot-*"))


def test_a_store_written_as_it_is_encoded_reads_back_as_built(tmp_path: Path) -> None:
    """The streamed writer (issue 22: no rows or bytes of the whole store held) writes the
    document :func:`snapshot.build` makes, over more than one batch of rows."""
    from inventory_as_code.live.model import LiveOption, LiveProduct, LiveVariant
    from inventory_as_code.live.snapshot_stream import save_store

    preorders = [LivePreorder(False, None, None, 0), LivePreorder(True, "soon", 30, 2)]
    products = [
        LiveProduct(
            f"p{n}",
            f"mug-{n}",
            f"Mug {n}",
            "3",
            "PHYSICAL",
            n % 2 == 0,
            (LiveOption("o1", "Size", ("S", "M"), choice_ids=("c1", "c2")),),
            tuple(LiveVariant(f"v{n}{s}", (s,), f"M-{n}-{s}", "9.50", None, True) for s in "SM"),
        )
        for n in range(700)
    ]
    items = [
        LiveInventoryItem(
            f"i{n}{s}{loc}",
            "1",
            f"p{n}",
            f"v{n}{s}",
            loc,
            "quantity" if loc == "l1" else "in_stock",
            4 if loc == "l1" else None,
            None if loc == "l1" else True,
            preorders[n % 2],
            # Evidence for --explain-drift: lost by the first streamed writer.
            updated=f"2026-12-{n % 28 + 1:02d}T10:00:00Z",
        )
        for n in range(700)
        for s in "SM"
        for loc in ("l1", "l2")
    ]
    key = snapshot_key(job(tmp_path, "me"))
    path = tmp_path / snapshot.FOLDER / "snapshot-x.bin"
    fields = {"site": "s" * 32, "catalog": "V3_CATALOG", "since": NOW, "full_at": NOW}
    save_store(path, key, **fields, products=products, items=items)
    assert snapshot.load(path, key) == snapshot.build(**fields, products=products, items=items)
    assert {item.updated for item in snapshot.load(path, key).items} == {
        item.updated for item in items
    }


def test_a_refresh_takes_the_snapshot_rows_as_it_builds_the_store() -> None:
    """Issue 22 (a plan with a snapshot at most 250 MB): each row is let go of as its stock
    item is built, and equal strings decoded apart (a variant's id in each of its items)
    become one."""
    rows = [
        snapshot.ItemRow(f"i{n}", "1", 0, f"v{n // 3}", n % 3, n, None, 0, "2026-12-01")
        for n in range(9)
    ]
    saved = snapshot.Snapshot(
        format=snapshot.FORMAT,
        site="s",
        catalog="V3_CATALOG",
        since=NOW,
        full_at=NOW,
        products=[],
        product_ids=["p"],
        location_ids=["l0", "l1", "l2"],
        preorders=[snapshot.PreorderRow(False, None, None, 0)],
        # Each value its own copy, as the decoder makes them.
        items=[
            msgspec.msgpack.decode(msgspec.msgpack.encode(r), type=snapshot.ItemRow) for r in rows
        ],
    )
    items = list(snapshot.items_of(saved))
    assert [i.id for i in items] == [f"i{n}" for n in range(9)]  # in the snapshot's order
    assert [i.quantity for i in items] == list(range(9))
    assert saved.items == []  # every row taken
    assert items[0].variant_id is items[2].variant_id
    assert items[0].updated is items[8].updated
