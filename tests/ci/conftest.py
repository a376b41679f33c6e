"""An emulator on a loopback socket, a copy of an example store, and a fake runner."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from inventory_as_code.emulator import Emulator, EmulatorServer, serve
from inventory_as_code.wix import WixClient

from ._workflows import (
    REPO,
    TOML_FILE,
    Step,
    fake_secrets,
    find_step,
    run_bash,
    run_command,
    runner_env,
    step_env,
)

EXAMPLE = REPO / "examples" / "apparel-multi-location"


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    emulator = Emulator()
    server = serve(emulator)
    try:
        yield server
    finally:
        server.shutdown()
        emulator.close()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout of an inventory repository: the example store plus the CI toml."""
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLE, target)
    shutil.copy(TOML_FILE, target / "inventory-as-code.toml")
    return target


@dataclass
class Runner:
    """Runs workflow steps in ``repo`` with the env a runner would give them."""

    repo: Path
    base_env: dict[str, str]
    secrets: dict[str, str] = field(default_factory=fake_secrets)
    context: dict[str, Any] = field(default_factory=dict)

    def env_for(self, step: Step, **extra: str) -> dict[str, str]:
        ctx = {"secrets": self.secrets, "github": {"token": "gh-token"}, **self.context}
        return {**self.base_env, **step_env(step, ctx), **extra}

    def step(
        self, workflow: str, job: str, step_id: str, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        step = find_step(workflow, job, step_id)
        result = run_bash(step.script, self.env_for(step, **extra), self.repo)
        self.assert_no_key_in(result.stdout, result.stderr, self.summary)
        return result

    def assert_no_key_in(self, *texts: str) -> None:
        """The API keys never reach a log, a job summary or an output file."""
        keys = [v for k, v in self.secrets.items() if k.endswith("_API_KEY") and v]
        for text in texts:
            for key in keys:
                assert key not in text, "an API key was printed"

    def command(
        self, line: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run_command(line, {**self.base_env, **(env or {})}, self.repo)

    @property
    def summary(self) -> str:
        return Path(self.base_env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")

    def clear_summary(self) -> None:
        Path(self.base_env["GITHUB_STEP_SUMMARY"]).write_text("", encoding="utf-8")


@pytest.fixture
def runner(repo: Path, emulator: EmulatorServer, tmp_path: Path) -> Runner:
    return Runner(repo, runner_env(tmp_path, emulator.url))


@pytest.fixture
def wix(emulator: EmulatorServer) -> Iterator[Any]:
    """A client on the production site, for changing the store behind the tool's back."""
    clients: list[WixClient] = []

    def connect(site_id: str = fake_secrets()["WIX_PROD_SITE_ID"]) -> WixClient:
        client = WixClient(
            api_key="dashboard",
            site_id=site_id,
            base_url=emulator.url,
            requests_per_minute=1_000_000,
        )
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.close()


def rename_product(client: WixClient, slug: str, name: str) -> None:
    """What an edit in the Wix dashboard does: a new name, a new revision."""
    product = client.products.get_by_slug(slug)
    client.products.update({"id": product["id"], "revision": product["revision"], "name": name})
