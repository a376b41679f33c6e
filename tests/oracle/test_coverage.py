"""The committed schemas cover the client, and record where they came from."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import inventory_as_code.wix as wix_package
from inventory_as_code.wix import Endpoint
from tests.oracle.catalog import SCHEMA_DIR, catalog
from tests.oracle.test_endpoints import CALLS

REPO = Path(__file__).resolve().parents[2]
PINS = REPO / "tools" / "wix_sdk_schemas"


def client_endpoints() -> dict[str, Endpoint]:
    """Every Endpoint the client's modules define, by the name its stats count."""
    found: dict[str, Endpoint] = {}
    for module_info in pkgutil.iter_modules(wix_package.__path__):
        module = importlib.import_module(f"{wix_package.__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, Endpoint):
                found[value.name] = value
    return found


def test_the_client_has_the_endpoints_this_suite_knows() -> None:
    # Guards the introspection itself: a rename of Endpoint must not empty it.
    assert {"catalog.version", "locations.create", "inventory-items.bulk-decrement"} <= set(
        client_endpoints()
    )


@pytest.mark.parametrize("name", sorted(client_endpoints()))
def test_every_client_endpoint_is_a_wix_method_with_schemas(name: str) -> None:
    endpoint = client_endpoints()[name]
    sample = re.sub(r"\{[^}]+\}", "id-1", endpoint.path)
    found = catalog().match(endpoint.method, sample)
    assert found, f"{name}: {endpoint.method} {endpoint.path} is no method of the pinned Wix SDK"
    method, params = found
    assert len(params) == endpoint.path.count("{"), f"{name} maps onto {method.path}"
    for side in ("request", "response"):
        assert method.definition_name(side) in method.document["definitions"]


def test_every_client_endpoint_has_a_direct_oracle_test() -> None:
    missing = sorted(set(client_endpoints()) - set(CALLS))
    assert not missing, f"add these to CALLS in tests/oracle/test_endpoints.py: {missing}"
    assert not set(CALLS) - set(client_endpoints()), "CALLS names an endpoint the client lacks"


def test_the_schemas_record_the_pinned_versions() -> None:
    pinned = json.loads((PINS / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lock = json.loads((PINS / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    recorded = {}
    for file in sorted(SCHEMA_DIR.glob("*.json")):
        document = json.loads(file.read_text(encoding="utf-8"))
        recorded[document["sdk"]["package"]] = document["sdk"]["version"]
        for tool, version in document["toolchain"].items():
            assert lock[f"node_modules/{tool}"]["version"] == version, (file.name, tool)
    # The error types come with every SDK package (through @wix/sdk-types): the lock pins them.
    errors = recorded.pop("@wix/error-handler-types")
    assert lock["node_modules/@wix/error-handler-types"]["version"] == errors
    sdk_pins = {name: v for name, v in pinned.items() if name.startswith("@wix/auto_sdk_")}
    assert recorded == sdk_pins
    for name, version in sdk_pins.items():
        assert lock[f"node_modules/{name}"]["version"] == version


def test_the_schema_files_are_in_their_generated_form() -> None:
    sys.path.insert(0, str(PINS))
    try:
        extract = importlib.import_module("extract")
    finally:
        sys.path.remove(str(PINS))
    for file in sorted(SCHEMA_DIR.glob("*.json")):
        text = file.read_text(encoding="utf-8")
        assert text == extract.dump(json.loads(text)), f"{file.name} was edited by hand"


@pytest.mark.skipif(
    os.environ.get("ORACLE_REGENERATE") != "1" or shutil.which("npm") is None,
    reason="set ORACLE_REGENERATE=1 (needs Node, npm and the npm registry) to regenerate",
)
def test_regenerating_from_the_pins_gives_the_committed_bytes() -> None:
    done = subprocess.run(
        [sys.executable, str(PINS / "extract.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
