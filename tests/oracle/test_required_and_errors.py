"""Nested required fields (``@requiredField``) and error bodies, under the oracle.

The SDK declares most required request fields on its functions, not on the
types: ``bulkUpdateInventoryItems`` requires ``inventoryItems.inventoryItem._id``
and ``.revision`` although ``InventoryItem.revision`` is optional (creating an
item has none). The extractor turns each tag into ``required`` on a copy of
the types along its path, for that method's request only. Error answers are
held to the body every Wix API sends (``@wix/error-handler-types``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.wix import RetryPolicy, WixClient
from inventory_as_code.wix._exceptions import NotFoundError, WixAPIError, WixError
from tests.oracle.catalog import Method, catalog
from tests.oracle.compiled import Problem
from tests.oracle.recorder import ERROR, REQUEST, Recorder
from tests.oracle.test_endpoints import product_body

PRICE = {"actualPrice": {"amount": "12.50"}}


def method(http_method: str, path: str) -> Method:
    found = catalog().match(http_method, path)
    assert found, path
    return found[0]


def problems(http_method: str, path: str, body: Any) -> dict[str, str]:
    """JSON path -> what the schema says, for the request ``body``."""
    found = Recorder().check_body(method(http_method, path), REQUEST, body)
    return {v.where: v.says for v in found}


def without(body: Any, *path: str | int) -> Any:
    """A deep copy of ``body`` with the field at ``path`` removed."""
    copied = copy.deepcopy(body)
    target = copied
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return copied


BULK_UPDATE_ITEMS = (
    "POST",
    "/stores/v3/bulk/inventory-items/update",
    {"inventoryItems": [{"inventoryItem": {"id": "i1", "revision": "3", "quantity": 4}}]},
)
UPDATE_PRODUCT = (
    "PATCH",
    "/stores/v3/products/p1",
    {
        "product": {
            "id": "p1",
            "revision": "2",
            "variantsInfo": {"variants": [{"id": "v1", "price": PRICE}]},
        }
    },
)
CREATE_PRODUCTS = (
    "POST",
    "/stores/v3/bulk/products-with-inventory/create",
    {"products": [product_body("apron", inventory=True)]},
)
CREATE_PRODUCT = ("POST", "/stores/v3/products", {"product": product_body("apron")})
CREATE_LOCATION = (
    "POST",
    "/locations/v1/locations",
    {"location": {"name": "Depot", "timeZone": "Etc/UTC", "address": {"country": "DE"}}},
)


def _test_id(value: Any) -> str:
    """``POST /stores/...`` for a call, ``products.0.name`` for a path, nothing else."""
    if isinstance(value, tuple) and value and isinstance(value[-1], dict):
        return f"{value[0]} {value[1]}"
    if isinstance(value, tuple):
        return ".".join(map(str, value))
    return ""


@pytest.mark.parametrize(
    ("call", "missing", "message"),
    [
        (BULK_UPDATE_ITEMS, ("inventoryItems", 0, "inventoryItem", "id"), "requires 'id'"),
        (
            BULK_UPDATE_ITEMS,
            ("inventoryItems", 0, "inventoryItem", "revision"),
            "requires 'revision'",
        ),
        (UPDATE_PRODUCT, ("product", "revision"), "requires 'revision'"),
        (
            UPDATE_PRODUCT,
            ("product", "variantsInfo", "variants", 0, "price", "actualPrice"),
            "requires 'actualPrice'",
        ),
        (CREATE_PRODUCTS, ("products", 0, "name"), "requires 'name'"),
        (CREATE_PRODUCTS, ("products", 0, "productType"), "requires 'productType'"),
        (CREATE_PRODUCTS, ("products", 0, "variantsInfo"), "requires 'variantsInfo'"),
        (CREATE_PRODUCT, ("product", "variantsInfo", "variants"), "requires 'variants'"),
        (CREATE_LOCATION, ("location", "timeZone"), "requires 'timeZone'"),
        (CREATE_LOCATION, ("location", "address"), "requires 'address'"),
    ],
    ids=lambda value: _test_id(value),
)
def test_a_body_missing_a_nested_required_field_fails(
    call: tuple[str, str, Any], missing: tuple[str | int, ...], message: str
) -> None:
    http_method, path, body = call
    assert problems(http_method, path, body) == {}, "the complete body must pass"
    found = problems(http_method, path, without(body, *missing))
    where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in missing)
    assert where in found, found
    assert message in found[where]


def test_a_required_field_binds_only_the_method_that_requires_it() -> None:
    # Creating an item has no revision and no id; updating one needs both.
    item = {"productId": "p1", "variantId": "1b6a5b58-3b7e-4a70-8d0b-6d8d3f1f2a11", "quantity": 1}
    assert (
        problems("POST", "/stores/v3/bulk/inventory-items/create", {"inventoryItems": [item]}) == {}
    )
    # A field required below an optional object binds only when the object is sent:
    # packageDimensions.unit, for a variant that has no packageDimensions.
    http_method, path, body = UPDATE_PRODUCT
    variant = body["product"]["variantsInfo"]["variants"][0]
    assert "physicalProperties" not in variant
    assert problems(http_method, path, body) == {}
    with_dimensions = copy.deepcopy(body)
    dims = {"length": "1.5"}
    with_dimensions["product"]["variantsInfo"]["variants"][0]["physicalProperties"] = {
        "packageDimensions": dims
    }
    found = problems(http_method, path, with_dimensions)
    assert list(found) == [
        "$.product.variantsInfo.variants[0].physicalProperties.packageDimensions.unit"
    ]


def test_a_required_oneof_group_needs_one_of_its_members() -> None:
    # createInventoryItem: @requiredField inventoryItem.trackingMethod (quantity | inStock).
    item = {"productId": "p1", "variantId": "1b6a5b58-3b7e-4a70-8d0b-6d8d3f1f2a11"}
    found = problems("POST", "/stores/v3/inventory-items", {"inventoryItem": item})
    assert found == {
        "$.inventoryItem": "InventoryItem_Required requires one of inStock, quantity "
        "(its oneof group 'trackingMethod')"
    }
    for member in ({"quantity": 0}, {"inStock": True}):
        assert (
            problems("POST", "/stores/v3/inventory-items", {"inventoryItem": {**item, **member}})
            == {}
        )


# --- error bodies ---------------------------------------------------------------------


def error_problems(document: Any) -> dict[str, str]:
    found = Recorder().error_violations("POST /x", document)
    assert all(v.side == ERROR for v in found)
    return {v.where: v.says for v in found}


GOOD_ERRORS = [
    {
        "message": "m",
        "details": {"applicationError": {"code": "C", "description": "d", "data": {}}},
    },
    {
        "message": "m",
        "details": {
            "validationError": {
                "fieldViolations": [
                    {
                        "field": "product.name",
                        "description": "too long",
                        "violatedRule": "MAX_LENGTH",
                        "data": {},
                    }
                ]
            }
        },
    },
]


@pytest.mark.parametrize("body", GOOD_ERRORS)
def test_a_wix_shaped_error_body_passes(body: Any) -> None:
    assert error_problems(body) == {}


@pytest.mark.parametrize(
    ("body", "where", "says"),
    [
        ({"details": {"applicationError": {"code": "C"}}}, "$.message", "requires 'message'"),
        ({"message": "m"}, "$.details", "requires 'details'"),
        (
            {"message": "m", "details": {"applicationError": {"code": 404}}},
            "$.details.applicationError.code",
            "declared type string",
        ),
        ({"message": "m", "code": "NOT_FOUND", "details": {}}, "$.code", "has no field 'code'"),
        (
            {"message": "m", "details": {"applicationError": {}, "validationError": {}}},
            "$.details",
            "one oneof group",
        ),
        (
            {"message": "m", "details": {"validationError": {"fieldViolations": [{"path": "x"}]}}},
            "$.details.validationError.fieldViolations[0].path",
            "has no field 'path'",
        ),
    ],
)
def test_a_malformed_error_body_fails(body: Any, where: str, says: str) -> None:
    found = error_problems(body)
    assert where in found, found
    assert says in found[where]


class Answering(EmulatorTransport):
    """An emulator that answers one canned error (to test the recorder's wiring)."""

    def __init__(self, emulator: Emulator, response: httpx.Response) -> None:
        super().__init__(emulator)
        self.response = response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.response


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(id_seed=11)
    yield emu
    emu.close()


def client(transport: httpx.BaseTransport) -> WixClient:
    return WixClient(
        api_key="k",
        site_id="s",
        base_url="http://localhost",
        transport=transport,
        retry=RetryPolicy(max_attempts=1),
    )


def test_emulator_error_answers_are_checked_on_their_way_back(
    oracle_recorder: Recorder, emulator: Emulator
) -> None:
    oracle_recorder.take()
    malformed = httpx.Response(400, json={"error": "bad request"})
    with client(Answering(emulator, malformed)) as wix, pytest.raises(WixAPIError):
        wix.catalog.version()
    found = oracle_recorder.take()
    assert {(v.endpoint, v.field, v.side) for v in found} == {
        ("GET /stores/v3/provision/version", "$.error", ERROR),
        ("GET /stores/v3/provision/version", "$.message", ERROR),
        ("GET /stores/v3/provision/version", "$.details", ERROR),
    }
    assert "WixErrorBody in @wix/error-handler-types@" in found[0].sdk

    # An edge proxy's HTML page is not the API's answer: not checked.
    page = httpx.Response(429, text="<html>busy</html>", headers={"content-type": "text/html"})
    with client(Answering(emulator, page)) as wix, pytest.raises(WixError):
        wix.catalog.version()
    assert oracle_recorder.take() == []


def test_the_emulators_own_errors_have_the_wix_shape(
    oracle_recorder: Recorder, emulator: Emulator
) -> None:
    oracle_recorder.take()
    checked = oracle_recorder.responses
    with client(EmulatorTransport(emulator)) as wix:
        with pytest.raises(NotFoundError):  # an applicationError
            wix.products.get("no-such-product")
        with pytest.raises(WixAPIError, match="name"):  # a validationError
            wix.locations.create({"name": " ", "timeZone": "Etc/UTC", "address": {}})
    assert oracle_recorder.responses >= checked + 2
    # A failure here fails this test through the plugin, naming the emulator's body.


def test_compiled_error_checks_agree_with_jsonschema() -> None:
    reference = catalog().error_reference_validator()
    check = catalog().error_check()
    assert check is not None
    bodies = [
        *GOOD_ERRORS,
        {"message": 1},
        {"message": "m", "details": {"systemError": {"errorCode": 3}}},
    ]
    for body in bodies:
        ours: list[Problem] = []
        check(body, (), None, ours)
        assert bool(ours) == any(True for _ in reference.iter_errors(body)), json.dumps(body)
