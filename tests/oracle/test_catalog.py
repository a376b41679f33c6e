"""The route table, and the compiled checks held to ``jsonschema`` on the same bodies."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jsonschema.exceptions import ValidationError

from inventory_as_code.emulator import Emulator, EmulatorTransport
from tests.oracle.catalog import Method, catalog
from tests.oracle.compiled import Compiler, Problem
from tests.oracle.test_endpoints import CALLS, Shop, make_client

# Endpoints whose bodies span the big types: products, variants, inventory, locations;
# bulk-create for a required oneof group (x-required-oneof).
SAMPLED = (
    "products.bulk-create-with-inventory",
    "products.get",
    "products.update",
    "variants.query",
    "inventory-items.bulk-create",
    "inventory-items.bulk-update",
    "inventory-items.search",
    "locations.update",
    "stores-locations.query",
)


def test_a_literal_segment_wins_over_a_path_parameter() -> None:
    found = catalog().match("GET", "/stores/v3/locations/default")
    assert found and found[0].name == "getDefaultStoresLocation"
    found = catalog().match("GET", "/stores/v3/locations/abc")
    assert found and (found[0].name, found[1]) == ("getStoresLocation", {"storesLocationId": "abc"})


def test_the_declared_method_wins_over_the_post_form_of_a_query() -> None:
    found = catalog().match("POST", "/locations/v1/locations")
    assert found and found[0].name == "createLocation"
    found = catalog().match("POST", "/stores/v3/products/query")  # declared GET, long form POST
    assert found and found[0].name == "queryProducts"
    assert catalog().match("PUT", "/stores/v3/products/query") is None


def test_an_unknown_schema_keyword_is_refused_not_ignored() -> None:
    with pytest.raises(ValueError, match="patternProperties"):
        Compiler({}, response=False).compile({"type": "object", "patternProperties": {}})


class Capture(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.seen: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.seen.append((request, response))
        return response


def exchanges() -> Iterator[tuple[Method, str, Any]]:
    """(method, side, body) for every JSON body the sampled calls send and get."""
    for name in SAMPLED:
        emulator = Emulator(id_seed=4)
        capture = Capture(EmulatorTransport(emulator))
        with make_client(emulator, transport=capture) as client:
            CALLS[name](Shop(client))
        emulator.close()
        for request, response in capture.seen:
            found = catalog().match(request.method, request.url.raw_path.decode().split("?")[0])
            assert found, request.url
            if request.content:
                yield found[0], "request", json.loads(request.content)
            if response.status_code == 200 and response.content:
                yield found[0], "response", json.loads(response.content)


def mutants(body: Any, rng: random.Random, count: int) -> Iterator[Any]:
    """Copies of ``body`` with one thing wrong: an extra key, a wrong type, a lost key."""
    nodes: list[tuple[Any, Any]] = []  # (container, key)

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            nodes.append((node, key))
            if isinstance(value, dict | list):
                walk(value)

    for _ in range(count):
        copied = copy.deepcopy(body)
        nodes.clear()
        walk(copied)
        if not nodes:
            copied["surprise"] = 1
            yield copied
            continue
        container, key = rng.choice(nodes)
        value = container[key]
        roll = rng.random()
        if roll < 0.3 and isinstance(value, dict):
            value["surprise"] = True
        elif roll < 0.5 and isinstance(container, dict):
            del container[key]
        elif isinstance(value, str):
            container[key] = rng.choice([7, None, ["x"], "NOT_AN_ENUM_VALUE", ""])
        elif isinstance(value, bool | int | float):
            container[key] = rng.choice(["1", None, {}, -(10**9)])
        else:
            container[key] = rng.choice(["x", 3, None])
        yield copied


def reference_paths(error: ValidationError) -> set[tuple[Any, ...]]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        declared = error.schema.get("properties") or {}
        return {(*path, k) for k in error.instance if k not in declared}
    if error.validator == "required":
        return {(*path, k) for k in error.validator_value if k not in error.instance}
    return {path}


def test_compiled_checks_agree_with_jsonschema_on_real_and_broken_bodies() -> None:
    rng = random.Random(20250512)
    compared = 0
    for method, side, body in exchanges():
        reference = catalog().reference_validator(method, side)
        check = catalog().check(method, side)
        for candidate in [body, *mutants(body, rng, 12)]:
            problems: list[Problem] = []
            check(candidate, (), None, problems)
            ours = {p.path for p in problems}
            theirs: set[tuple[Any, ...]] = set()
            for error in reference.iter_errors(candidate):
                theirs |= reference_paths(error)
            context = f"{method.name} {side}: {json.dumps(candidate)[:300]}"
            assert bool(ours) == bool(theirs), context
            # anyOf reports sit at the union's node in jsonschema and deeper in ours.
            assert all(any(p[: len(t)] == t for t in theirs) for p in ours), (ours, theirs, context)
            assert all(any(p[: len(t)] == t for p in ours) for t in theirs), (ours, theirs, context)
            compared += 1
    assert compared > 200
