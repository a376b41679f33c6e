"""The plan's JSON written change by change, and saved plans plain or gzip-compressed.

The streamed text must be byte for byte what ``json.dumps(plan.to_dict())``
gives, and its checksum or signature what the reader of whole files
computes, so plans saved by earlier versions and by this one verify alike.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from inventory_as_code._terminal import safe_json
from inventory_as_code.model import Origin
from inventory_as_code.plan.model import (
    Acceptance,
    Action,
    Change,
    FieldChange,
    GuardRail,
    Kind,
    Note,
    Observed,
    Plan,
    Unresolved,
    canonical,
)
from inventory_as_code.plan.plan_json import buffered, plan_json_chunks
from inventory_as_code.plan.saved import PlanFileError, read_plan_file, sign, write_plan_file

KEY = b"plan-signing-key"
TEE = 'product["organic-tee"]'


def every_part() -> Plan:
    """Creates, updates, a tracking switch, deletes, notes, rails, unresolved, odd text."""
    at = (Origin("products/tees.yaml", 3, 5),)
    changes = (
        Change(
            Kind.LOCATION,
            Action.CREATE,
            'location["Café Zürich"]',
            None,
            {"name": "Café Zürich", "time_zone": "Europe/Zurich"},
            keys={"location": "Café Zürich"},
            reason=at,
        ),
        Change(
            Kind.PRODUCT,
            Action.UPDATE,
            TEE,
            {"name": "Old \x1b[31mTee", "options": {"Size": ["S", "M"]}},
            {"name": "Organic Tee \u202e🎽", "options": {"Size": ["S", "M", "L"]}},
            fields=(FieldChange("name", "Old \x1b[31mTee", "Organic Tee \u202e🎽"),),
            observed=Observed("prod-1", "7", {"visible": True, "price": None}),
            keys={"slug": "organic-tee"},
            reason=at,
        ),
        Change(
            Kind.VARIANT,
            Action.DELETE,
            'variant["organic-tee"]["XS"]',
            {"sku": "TEE-XS", "price": "10.00"},
            None,
            observed=Observed("var-9", "2"),
            keys={"slug": "organic-tee", "variant": ["XS"]},
        ),
        Change(
            Kind.STOCK,
            Action.SWITCH_TRACKING,
            'stock["organic-tee"]["S"]["Main"]',
            {"tracking": "quantity", "quantity": 4},
            {"tracking": "in_stock", "in_stock": True},
            fields=(FieldChange("tracking", "quantity", "in_stock"),),
            observed=Observed("inv-3", "11", {"quantity": 4}),
            keys={"slug": "organic-tee", "variant": ["S"], "location": "Main"},
        ),
    )
    return Plan(
        changes=changes,
        notes=(Note("UNMANAGED", "2 live products are not in the YAML", TEE),),
        guard_rails=(
            GuardRail(
                "DELETE_SHARE",
                "deletes 1 of 2 variants",
                ('variant["organic-tee"]["XS"]',),
                kind="variants",
                accepted=Acceptance("[[guard_rails.accept]] #1", "XS retired", 1),
            ),
            GuardRail("DELETE_COUNT", "too many", ()),
        ),
        site="site-1",
        metadata={"created_at": "2026-11-30T23:00:00+00:00", "site_name": "Bäckerei"},
        unresolved=(Unresolved(TEE, "product_type", "digital", "physical", "Wix cannot"),),
    )


def streamed(plan: Plan, indent: int | None = 2) -> str:
    if indent is None:
        return "".join(
            plan_json_chunks(plan, lambda v: json.dumps(v, separators=(",", ":")), indent=None)
        )
    return "".join(plan_json_chunks(plan, lambda v: safe_json(v, indent=indent), indent=indent))


@pytest.mark.parametrize("plan", [every_part(), Plan()], ids=["every-part", "empty"])
def test_streamed_json_is_byte_for_byte_the_whole_plan_json(plan: Plan) -> None:
    assert streamed(plan) == safe_json(plan.to_dict(), indent=2)
    assert streamed(plan, None) == json.dumps(plan.to_dict(), separators=(",", ":"))
    assert "".join(buffered(iter(["a", "bc", "d"]), size=2)) == "abcd"


def test_stdout_json_never_builds_the_whole_plan(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from inventory_as_code.cli.plan import print_plan

    plan = every_part()
    expected = safe_json(plan.to_dict(), indent=2) + "\n"

    def whole(_: Plan) -> None:
        raise AssertionError("the whole plan was built as one dict")

    monkeypatch.setattr(Plan, "to_dict", whole)
    print_plan(plan, "json", detailed=False, max_length=65000, json_body=None)
    assert capsys.readouterr().out == expected
    write_plan_file(plan, tmp_path / "plan.json")  # streams too
    write_plan_file(plan, tmp_path / "plan.json.gz", key=KEY)


@pytest.mark.parametrize("name", ["plan.json", "plan.json.gz"])
def test_saved_checksum_and_signature_are_those_of_the_whole_plan(
    name: str, tmp_path: Path
) -> None:
    plan = every_part()
    body = plan.to_dict()
    path = tmp_path / name
    write_plan_file(plan, path)
    assert read_plan_file(path)[0] == plan
    data = _json_of(path)
    assert data == body  # the checksum too: the old reader's canonical form
    write_plan_file(plan, path, key=KEY)
    data = _json_of(path)
    assert data["checksum"] == sign(body, KEY)
    assert read_plan_file(path, key=KEY)[0] == plan
    with pytest.raises(PlanFileError, match="bad signature"):
        read_plan_file(path, key=b"another-key")


def test_a_gz_name_is_compressed_and_small(tmp_path: Path) -> None:
    plan = every_part()
    plain, packed = tmp_path / "plan.json", tmp_path / "plan.json.gz"
    write_plan_file(plan, plain)
    write_plan_file(plan, packed)
    assert plain.read_bytes().startswith(b"{")
    assert packed.read_bytes()[:2] == b"\x1f\x8b"
    # What `gunzip -c plan.json.gz` prints is the plain file.
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()
    first = packed.read_bytes()
    write_plan_file(plan, packed)
    assert packed.read_bytes() == first  # no time or name in the gzip header
    # The reader goes by content, not by name.
    renamed = tmp_path / "renamed.json"
    renamed.write_bytes(first)
    assert read_plan_file(renamed)[0] == plan


@pytest.mark.parametrize("signed", [False, True])
def test_plans_saved_by_earlier_versions_still_read(signed: bool, tmp_path: Path) -> None:
    plan = every_part()
    body = plan.to_dict()
    if signed:
        body["checksum"] = sign(body, KEY)
    path = tmp_path / "old.json"
    # Exactly how write_plan_file wrote plans before it streamed.
    path.write_text(json.dumps(body, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    assert read_plan_file(path, key=KEY if signed else None)[0] == plan


def test_a_tampered_compressed_plan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json.gz"
    write_plan_file(every_part(), path)
    packed = path.read_bytes()

    flipped = bytearray(packed)
    flipped[len(packed) // 2] ^= 0x01
    path.write_bytes(bytes(flipped))
    with pytest.raises(PlanFileError, match="damaged compressed plan"):
        read_plan_file(path)

    path.write_bytes(packed[: len(packed) - 12])  # cut short
    with pytest.raises(PlanFileError, match="damaged compressed plan"):
        read_plan_file(path)

    # Edited and compressed again: gzip is fine, the checksum is not.
    data = json.loads(gzip.decompress(packed))
    data["changes"][3]["after"]["in_stock"] = False
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    with pytest.raises(PlanFileError, match="checksum mismatch"):
        read_plan_file(path)

    # Signed, edited, compressed again: refused by the signature check.
    write_plan_file(every_part(), path, key=KEY)
    data = json.loads(gzip.decompress(path.read_bytes()))
    data["site"] = "another-site"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    with pytest.raises(PlanFileError, match="bad signature"):
        read_plan_file(path, key=KEY)


def test_an_error_half_way_leaves_no_file(tmp_path: Path) -> None:
    plan = every_part()
    broken = Plan(
        changes=(*plan.changes, Change(Kind.STOCK, Action.CREATE, "x", None, {"q": object()})),
    )
    path = tmp_path / "plan.json.gz"
    with pytest.raises(TypeError):
        write_plan_file(broken, path)
    assert not path.exists()


def test_canonical_form_is_unchanged() -> None:
    # Files of earlier versions were sealed over exactly these bytes.
    plan = every_part()
    text = canonical(plan.to_dict()).decode()
    assert text.startswith('{"changes":[{"action":"create","address":"location[\\"Caf\\u00e9')
    assert '"checksum"' not in text


def _json_of(path: Path) -> dict[str, object]:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    data = json.loads(raw)
    assert isinstance(data, dict)
    return data


def test_a_compressed_plan_that_unpacks_too_far_is_refused_without_unpacking_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A gzip bomb: a few KB that would unpack to gigabytes. The limit is lowered so
    # that the test stays small; what is checked is that reading stops there.
    monkeypatch.setattr("inventory_as_code.plan.saved.MAX_PLAN_BYTES", 1 << 20)
    bomb = tmp_path / "plan.json.gz"
    bomb.write_bytes(gzip.compress(b"{" + b" " * (4 << 20) + b"}", mtime=0))
    assert bomb.stat().st_size < 10_000
    with pytest.raises(PlanFileError, match="unpacks to more than"):
        read_plan_file(bomb)


def test_a_fifo_named_like_a_plan_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    with pytest.raises(PlanFileError, match="not a regular file"):
        read_plan_file(fifo)  # opening it for reading used to block forever
