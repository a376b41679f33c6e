"""`show` of a saved plan read change by change (plan.saved_stream, plan.streamed_view).

Its output must be byte for byte what the reader of whole files gave (the plan
built whole and rendered), in every format, and every file that reader
refused must be refused with the same message.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from inventory_as_code.cli.plan import print_plan
from inventory_as_code.cli.show import show_command
from inventory_as_code.plan.model import (
    Acceptance,
    Cause,
    Drift,
    GuardRail,
    Kind,
    Note,
    Plan,
    RuleError,
    RuleTrip,
    checksum,
)
from inventory_as_code.plan.saved import PlanFileError, read_plan_file, sign, write_plan_file
from inventory_as_code.plan.saved_stream import read_saved_plan
from inventory_as_code.plan.streamed_view import streamed_plan
from tests.plan.big_plans import first_plan, price_plan
from tests.plan.render_cases import RENDER_BY_NAME
from tests.plan.test_plan_json import every_part

KEY = b"show-key"
FORMATS = [("text", False), ("text", True), ("markdown", False), ("json", False)]


def decorated(plan: Plan) -> Plan:
    """Rule trips, rails, notes, drift and odd values on top of a planned plan."""
    odd = {"weird": [1e-7, 2**70, -0.0, 1.5e300, "\ud800", "\u2028 é 🎽", None, True]}
    changes = list(plan.changes)
    first = changes[0]
    changes[0] = replace(
        first,
        after={**(first.after or {}), **odd},
        drift=Drift(Cause.STORE, "the store changed", ("pull", "apply"), "2026-01-01"),
    )
    return replace(
        plan,
        changes=tuple(changes),
        notes=(*plan.notes, Note("REORDER", "tee at Main is at 2 (reorder at 5)", first.address)),
        guard_rails=(
            GuardRail("DELETE_COUNT", "deletes 3 products", (first.address,), kind="products"),
            GuardRail(
                "TOUCHED_SHARE",
                "touches most",
                (),
                accepted=Acceptance("[[guard_rails.accept]] #1", "sale", 9),
            ),
        ),
        rules=(
            RuleTrip("no-zero", "soft", "a price of 0", addresses=(first.address,), count=1),
            RuleTrip(
                "checked",
                "advisory",
                "could not check",
                errors=(RuleError(first.address, "no price"),),
            ),
        ),
        metadata={**plan.metadata, "site_name": "Bäckerei `x`"},
    )


def refill_plan(tmp_path: Path) -> Plan:
    from tests.refills.shop import shop

    with shop(tmp_path) as store:
        store.apply()
        store.sell("Main", 6)
        plan = store.plan()
    assert any(change.kind is Kind.MOVE for change in plan.changes)
    return plan


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Plan]:
    from tests.plan.conftest import plan_case

    root = tmp_path_factory.mktemp("plans")
    planned = {name: plan_case(case, root) for name, case in RENDER_BY_NAME.items()}
    return {
        **planned,
        "every_part": every_part(),
        "empty": Plan(),
        "first_plan": first_plan(24, deleted=3),
        "prices": price_plan(30, steps=(1.0, 2.5)),
        "decorated": decorated(first_plan(12)),
        "refills": refill_plan(root),
    }


def old_show(path: Path, fmt: str, detailed: bool, key: bytes | None) -> str:
    """What `show` printed before: the whole file read, the whole plan built."""
    plan, data = read_plan_file(path, key=key)
    runner = CliRunner()
    with runner.isolation() as (out, _err, *_):
        print_plan(plan, fmt, detailed=detailed, max_length=65536, json_body=data)
    return out.getvalue().decode("utf-8")


def new_show(path: Path, fmt: str, detailed: bool, key: bytes | None) -> str:
    env = {"INVENTORY_AS_CODE_PLAN_KEY": key.decode() if key else ""}
    args = [str(path), "--format", fmt, *(["--detailed"] if detailed else [])]
    result = CliRunner().invoke(show_command, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("name", ["plan.json", "plan.json.gz"])
def test_show_prints_what_the_whole_file_reader_printed(
    name: str, plans: dict[str, Plan], tmp_path: Path
) -> None:
    for index, (label, plan) in enumerate(plans.items()):
        key = KEY if index % 2 else None
        path = tmp_path / f"{label}-{name}"
        write_plan_file(plan, path, key=key)
        saved = read_saved_plan(path, key=key)
        try:  # the tool's own files are read change by change, not whole
            assert saved.fd is not None and streamed_plan(saved) is not None, label
        finally:
            saved.close()
        for fmt, detailed in FORMATS:
            expected = old_show(path, fmt, detailed, key)
            assert new_show(path, fmt, detailed, key) == expected, (label, fmt, detailed)


def _write(path: Path, data: Any, *, gz: bool = False, indent: int | None = None) -> None:
    text = json.dumps(data, indent=indent).encode()
    path.write_bytes(gzip.compress(text, mtime=0) if gz else text)


def _resealed(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "checksum": checksum(data)}


def test_the_seal_computed_change_by_change_is_the_whole_documents(
    plans: dict[str, Plan], tmp_path: Path
) -> None:
    # Indented (as earlier versions wrote), members in another order: the same seal.
    for label in ("decorated", "every_part", "empty", "refills"):
        body = plans[label].to_dict()
        moved = {name: body[name] for name in reversed(list(body))}
        for signed in (False, True):
            path = tmp_path / f"{label}-{signed}.json"
            sealed = {**moved, "checksum": sign(body, KEY) if signed else checksum(body)}
            _write(path, sealed, indent=1)
            key = KEY if signed else None
            saved = read_saved_plan(path, key=key)
            assert saved.fd is not None  # streamed, not the whole-file fallback
            saved.close()
            for fmt, detailed in FORMATS:
                expected = old_show(path, fmt, detailed, key)
                assert new_show(path, fmt, detailed, key) == expected


def _tampered(good: dict[str, Any]) -> dict[str, Callable[[Path], object]]:
    def edit(change: Callable[[dict[str, Any]], object], reseal: bool = False) -> Any:
        def write(path: Path) -> None:
            data = json.loads(json.dumps(good))
            change(data)
            _write(path, _resealed(data) if reseal else data)

        return write

    def set_in(*where: Any, value: Any) -> Callable[[dict[str, Any]], None]:
        def change(data: dict[str, Any]) -> None:
            target = data
            for part in where[:-1]:
                target = target[part]
            target[where[-1]] = value

        return change

    packed = gzip.compress(json.dumps(good).encode(), mtime=0)
    return {
        "edited change": edit(set_in("changes", 2, "address", value='product["x"]')),
        "edited checksum": edit(set_in("checksum", value="sha256:" + "0" * 64)),
        "format_version": edit(set_in("format_version", value=2), reseal=True),
        "no format_version": edit(lambda data: data.pop("format_version")),
        "malformed change": edit(set_in("changes", 3, "reason", value="x"), reseal=True),
        "malformed before changes": edit(set_in("site", value=5), reseal=True),
        "malformed after changes": edit(set_in("notes", value={}), reseal=True),
        "two malformed": edit(
            lambda data: (set_in("changes", 1, "kind", value="planet")(data), data.update(rules=7)),
            reseal=True,
        ),
        "key twice": lambda path: path.write_text(
            json.dumps(good)[:-1] + ', "site": "other"}', encoding="utf-8"
        ),
        "truncated gzip": lambda path: path.write_bytes(packed[:-40]),
        "flipped gzip": lambda path: path.write_bytes(
            packed[:100] + bytes([packed[100] ^ 1]) + packed[101:]
        ),
        "not json": lambda path: path.write_text('{"format_version": 1, "changes": [{]}'),
        "cut json": lambda path: path.write_text(json.dumps(good)[:-300]),
        "not utf-8": lambda path: path.write_bytes(json.dumps(good).encode()[:-2] + b"\xff}"),
        "a list": lambda path: path.write_text("[1, 2]"),
        "extra text": lambda path: path.write_text(json.dumps(good) + " {}"),
        "nan": lambda path: path.write_text(json.dumps(good).replace("0.0", "NaN", 1)),
    }


def test_every_refusal_is_the_whole_file_readers(plans: dict[str, Plan], tmp_path: Path) -> None:
    good = plans["decorated"].to_dict()
    for label, write in _tampered(good).items():
        path = tmp_path / f"{label.replace(' ', '-')}.json"
        write(path)
        for key in (None, KEY):
            try:
                read_plan_file(path, key=key)
            except PlanFileError as exc:
                expected: str | None = str(exc)
            else:
                expected = None
            if expected is None:  # accepted by both, shown alike
                saved = read_saved_plan(path, key=key)
                saved.close()
                assert new_show(path, "text", False, key) == old_show(path, "text", False, key)
                continue
            with pytest.raises(PlanFileError) as refused:
                read_saved_plan(path, key=key)
            assert str(refused.value) == expected, label


def test_a_plan_out_of_the_tools_order_is_shown_whole_alike(
    plans: dict[str, Plan], tmp_path: Path
) -> None:
    body = plans["first_plan"].to_dict()
    del body["checksum"]
    body["changes"].reverse()  # slugs descending: not the order the groups are read in
    path = tmp_path / "reversed.json"
    _write(path, _resealed(body))
    saved = read_saved_plan(path)
    assert streamed_plan(saved) is None
    saved.close()
    for fmt, detailed in FORMATS:
        assert new_show(path, fmt, detailed, None) == old_show(path, fmt, detailed, None)


def test_a_signed_plan_is_checked_with_the_key_and_noted_without(
    plans: dict[str, Plan], tmp_path: Path
) -> None:
    path = tmp_path / "signed.json.gz"
    write_plan_file(plans["decorated"], path, key=KEY)
    with pytest.raises(PlanFileError, match="bad signature"):
        read_saved_plan(path, key=b"another")
    result = CliRunner().invoke(show_command, [str(path)], env={"INVENTORY_AS_CODE_PLAN_KEY": ""})
    assert result.exit_code == 0
    assert "the plan is signed; set INVENTORY_AS_CODE_PLAN_KEY" in result.stderr
    unsigned = tmp_path / "unsigned.json"
    write_plan_file(plans["decorated"], unsigned)
    with pytest.raises(PlanFileError, match="only signed plans are accepted"):
        read_saved_plan(unsigned, key=KEY)


def test_show_refuses_an_edited_big_plan_through_the_real_command(tmp_path: Path) -> None:
    from tests.e2e.cli import run_cli

    plan = first_plan(15)
    path = tmp_path / "plan.json.gz"
    write_plan_file(plan, path)
    data = json.loads(gzip.decompress(path.read_bytes()))
    data["changes"][-1]["after"]["quantity"] = 999
    path.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":")).encode()))
    ran = run_cli("show", path, "--format", "json")
    assert ran.code == 4, ran
    assert ran.out == ""  # nothing printed before the check
    said = " ".join(ran.err.split())
    assert f"Refused: {path}: checksum mismatch: the plan was changed after it was made" in said
    write_plan_file(plan, path)
    ran = run_cli("show", path)
    assert ran.code == 0 and "Plan: " in ran.out, ran
