"""A shop on an in-process emulator, and helpers to plan and apply a project against it."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from inventory_as_code.apply.calls import Step, compile_from_metadata
from inventory_as_code.apply.report import ApplyReport
from inventory_as_code.emulator import Emulator, EmulatorTransport, FaultConfig
from inventory_as_code.plan.model import Plan
from inventory_as_code.wix import RetryPolicy, WixClient
from inventory_as_code.workflow import apply_plan, plan_project
from tests.clock import LAG, SharedClock

SITE = "site-apply"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WRITE_ROUTES_PREFIXES = (
    "POST /stores/v3/bulk/",
    "POST /locations/v1/locations",
    "PATCH /locations/",
)


@dataclass
class Shop:
    emulator: Emulator
    client: WixClient
    project: Path

    def write(self, name: str, text: str) -> None:
        path = self.project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")

    def plan(self) -> Plan:
        plan, _ = plan_project(self.client, self.project, site_id=SITE)
        return plan

    def apply(self, plan: Plan | None = None, **kwargs: Any) -> ApplyReport:
        return apply_plan(self.client, plan or self.plan(), **kwargs)

    def writes(self) -> list[str]:
        """Write calls in the emulator's log, as 'METHOD path'."""
        out = []
        for entry in self.emulator.requests():
            call = f"{entry['method']} {entry['path']}"
            is_write = entry["method"] in ("PATCH", "PUT", "DELETE") or (
                entry["method"] == "POST"
                and not str(entry["path"]).endswith(
                    ("/query", "/search", "/query-variants", "/count")
                )
            )
            if is_write:
                out.append(call)
        return out

    def inventory(self) -> list[dict[str, Any]]:
        return list(self.client.inventory.query())


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    # Wix's eventual consistency is on: read-only variants and new inventory
    # locations appear LAG seconds (of a clock the client's waits advance) late.
    clock = SharedClock()
    emulator = Emulator(
        id_seed=11, faults=FaultConfig(variants_lag_s=LAG, locations_lag_s=LAG), clock=clock
    )
    client = WixClient(
        api_key="apply-test-key",
        site_id=SITE,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
        requests_per_minute=1_000_000,
        retry=RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.01, throttle_delay=0.01),
        sleep=clock.sleep,
    )
    project = tmp_path / "project"
    project.mkdir()
    yield Shop(emulator, client, project)
    client.close()
    emulator.close()


def copy_example(shop: Shop, name: str) -> None:
    shutil.copytree(EXAMPLES / name, shop.project, dirs_exist_ok=True)


def promised_endpoints(plan: Plan) -> list[str]:
    calls = compile_from_metadata(plan)
    out = []
    for batch in calls.batches:
        if batch.step is Step.OPTION_UPDATE:
            edits = batch.changes[0].keys.get("edits") or {}
            if edits.get("name"):
                out.append("customizations.update")
            if edits.get("choices") or edits.get("colors"):
                out.append("customizations.set-choices")
            elif batch.changes[0].keys.get("added"):
                out.append("customizations.add-choices")
            continue
        out.append(batch.step.endpoint)
    return out
