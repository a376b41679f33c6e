"""Refills that go wrong, through the real command against an emulator server on loopback.

* Two applies of one move at once (both read the records before either
  announces its move): the units move once.
* A run killed between the halves of a move (the source written, the
  destination not): the next plan, from a fresh checkout on another machine,
  names the half-done move with the units at each location; the next apply
  gives the units once, on top of a sale made since.
* The destination's write refused on every attempt: apply says the units are
  owed (exit 1: nothing else was applied); the next apply gives them, once.

The store's clock runs an hour behind in the last two, so the move records
left behind look as old as after a CI job killed long ago (a record younger
than ten minutes is left to the apply that may still be writing it).
"""

from __future__ import annotations

import contextlib
import json
import signal
import textwrap
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from inventory_as_code.emulator import (
    Emulator,
    EmulatorResponse,
    EmulatorServer,
    FaultConfig,
    FaultRule,
    serve,
)
from inventory_as_code.emulator._util import utcnow
from inventory_as_code.live.move_records import read_move_records
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import apply_plan, plan_project
from tests.e2e.cli import run_cli, start_cli, write_project
from tests.e2e.overlap import SITE, client_for, env_for, write_toml
from tests.refills.shop import STORE, sell, units

pytestmark = pytest.mark.socket

SOURCE_WRITE = "POST /stores/v3/bulk/inventory-items/update"
RENAME = "POST /stores/v3/bulk/customizations/update"


class RecordGate(Emulator):
    """Holds the first move record create of each apply until both applies have sent theirs:
    both have read the records (and seen none) before either announces its move."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.gate = threading.Barrier(2, timeout=30)
        self.armed = False

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> EmulatorResponse:
        if self.armed and target.startswith("/stores/v3/bulk/customizations/create"):
            with contextlib.suppress(threading.BrokenBarrierError):
                self.gate.wait()
        return super().handle(method, target, headers, body)


@contextmanager
def server(*, old_clock: bool = False) -> Iterator[tuple[RecordGate, EmulatorServer, WixClient]]:
    clock = (lambda: utcnow() - timedelta(hours=1)) if old_clock else None
    emulator = RecordGate(id_seed=21, clock=clock)
    running = serve(emulator, port=0)
    try:
        with client_for(running) as client:
            yield emulator, running, client
    finally:
        running.shutdown()
        emulator.close()


def shop_at(tmp_path: Path, name: str) -> Path:
    """A checkout of the shop: its YAML and toml, nothing else."""
    project = write_project(tmp_path / name, {"store.yaml": textwrap.dedent(STORE)})
    write_toml(project)
    return project


def prepared(tmp_path: Path, client: WixClient) -> Path:
    project = shop_at(tmp_path, "shop")
    assert apply_plan(client, plan_project(client, project, site_id=SITE)[0]).exit_code == 0
    sell(client, "Main", 6)
    assert units(client) == {"Main": 4, "Warehouse": 20}
    return project


def test_two_applies_at_once_move_the_units_once(tmp_path: Path) -> None:
    with server() as (emulator, running, client):
        project = prepared(tmp_path, client)
        emulator.armed = True
        runs = [
            start_cli(
                "apply",
                project,
                "--site",
                "shop",
                "--auto-approve",
                "--report-json",
                tmp_path / f"report{n}.json",
                env=env_for(running),
            )
            for n in (1, 2)
        ]
        ran = [r.wait() for r in runs]
        emulator.armed = False
        assert units(client) == {"Main": 10, "Warehouse": 14}  # 6 moved, not 12
        assert read_move_records(client) == ()
        outcomes = sorted(
            (o["status"], o.get("code", ""))
            for n in (1, 2)
            for o in json.loads((tmp_path / f"report{n}.json").read_text())["outcomes"]
        )
        # One apply moved them; the other found them moved, or on their way (its exit says so).
        assert outcomes[0] == ("applied", ""), (outcomes, ran)
        assert outcomes[1] in (("applied", "NOTHING_TO_MOVE"), ("stale", "MOVE_IN_PROGRESS")), ran
        assert sorted(r.code for r in ran) in ([0, 0], [0, 4]), ran


def _kill_when(running: EmulatorServer, rule: str, project: Path) -> None:
    """Start an apply, and SIGKILL it while the write ``rule`` delays is being answered."""
    running.emulator.set_faults(FaultConfig(rules=[FaultRule.parse(rule)]))
    route = {SOURCE_WRITE: "inventory-items.bulk-update", RENAME: "customizations.bulk-update"}[
        rule.rsplit(":", 2)[0]
    ]
    running.emulator.clear_requests()
    process = start_cli("apply", project, "--site", "shop", "--auto-approve", env=env_for(running))
    deadline = time.monotonic() + 60
    while not any(e["route"] == route for e in running.emulator.requests()):
        assert time.monotonic() < deadline and process.process.poll() is None, "never got there"
        time.sleep(0.02)
    process.process.send_signal(signal.SIGKILL)
    process.process.communicate(timeout=10)
    running.emulator.set_faults(None)


def test_a_move_killed_between_its_halves_is_finished_once_from_another_checkout(
    tmp_path: Path,
) -> None:
    with server(old_clock=True) as (_, running, client):
        project = prepared(tmp_path, client)
        # Killed once the source is written and the record says the destination is next.
        _kill_when(running, f"{RENAME}:delay=5", project)
        assert units(client) == {"Main": 4, "Warehouse": 14}  # 6 units nowhere, never twice
        assert len(read_move_records(client)) == 1

        elsewhere = shop_at(tmp_path, "ci-runner")  # no local state of the killed run
        plan = run_cli(
            "plan", elsewhere, "--site", "shop", "--detailed-exitcode", env=env_for(running)
        )
        assert plan.code == 2, plan
        assert (
            '  ~ product["tee"]  finish a half-done move: Main 4 -> 10 (+6) from Warehouse (taken '
            "from it already; it holds 14)  # store.yaml:11:41\n" in plan.out
        ), plan
        done = run_cli("apply", elsewhere, "--site", "shop", "--auto-approve", env=env_for(running))
        assert done.code == 0, done
        assert units(client) == {"Main": 10, "Warehouse": 14}
        assert read_move_records(client) == ()
        again = run_cli(
            "apply", elsewhere, "--site", "shop", "--auto-approve", env=env_for(running)
        )
        assert again.code == 0 and "No changes." in again.out, again
        assert units(client) == {"Main": 10, "Warehouse": 14}  # given once


def test_a_refused_destination_write_leaves_the_units_owed_and_the_next_apply_gives_them(
    tmp_path: Path,
) -> None:
    with server(old_clock=True) as (emulator, running, client):
        project = prepared(tmp_path, client)
        # The second bulk update (the destination's) is refused (428), on every attempt.
        emulator.set_faults(
            FaultConfig(rules=[FaultRule.parse(f"{SOURCE_WRITE}:428:nth=2:times=inf")])
        )
        failed = run_cli(
            "apply",
            project,
            "--site",
            "shop",
            "--auto-approve",
            "--report-json",
            tmp_path / "report.json",
            env=env_for(running),
        )
        emulator.set_faults(None)
        assert failed.code == 1, failed
        (outcome,) = json.loads((tmp_path / "report.json").read_text())["outcomes"]
        assert (outcome["status"], outcome["code"]) == ("failed", "MOVE_HALF_DONE")
        assert outcome["message"].startswith("6 unit(s) left Warehouse and are owed to Main:")
        assert units(client) == {"Main": 4, "Warehouse": 14}
        sell(client, "Main", 1)  # a sale before the next run: the owed units go on top of it
        done = run_cli("apply", project, "--site", "shop", "--auto-approve", env=env_for(running))
        assert done.code == 0, done
        assert "finish a half-done move: Main 3 -> 9 (+6)" in done.out, done
        assert units(client) == {"Main": 9, "Warehouse": 14}
        assert read_move_records(client) == ()
