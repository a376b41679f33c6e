"""The oracle itself: what it catches, where it looks, and how it fails a test."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.wix import Endpoint, Idempotency, WixClient
from tests.oracle import known
from tests.oracle.recorder import Recorder, Violation

SAFE = Idempotency.SAFE


def mock_client(answer: Callable[[httpx.Request], httpx.Response]) -> WixClient:
    return WixClient(
        api_key="k",
        site_id="s",
        base_url="http://localhost",
        transport=httpx.MockTransport(answer),
        requests_per_minute=1_000_000,
    )


def answer_json(body: object) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(200, json=body)


def fields(found: list[Violation]) -> dict[str, str]:
    return {v.field: v.says for v in found}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(id_seed=9)
    yield emu
    emu.close()


def test_an_unknown_field_and_a_wrong_type_are_both_caught() -> None:
    recorder = Recorder()
    body = {"location": {"name": 42, "timeZone": "UTC", "address": {"formatted": "1 Main St"}}}
    recorder.check_request("POST", "/locations/v1/locations", [], json.dumps(body).encode())
    found = fields(recorder.take())
    assert found.keys() == {"$.location.name", "$.location.address.formatted"}
    assert "declared type" in found["$.location.name"]
    assert "string" in found["$.location.name"]
    assert "no field 'formatted'" in found["$.location.address.formatted"]
    assert "formattedAddress" in found["$.location.address.formatted"]


def test_a_body_sent_by_the_client_is_checked_on_its_way_out(oracle_recorder: Recorder) -> None:
    oracle_recorder.take()
    with mock_client(answer_json({"location": {"name": "Depot"}})) as client:
        client.locations.create(
            {"name": "Depot", "timeZone": "UTC", "address": {"geo": {"lat": 1}}}
        )
    found = oracle_recorder.take()
    assert [(v.endpoint, v.field, v.side) for v in found] == [
        ("POST /locations/v1/locations", "$.location.address.geo", "request")
    ]
    assert "createLocation in @wix/auto_sdk_business-tools_locations@" in found[0].sdk


def test_canned_answers_are_not_checked_but_emulator_answers_are(
    oracle_recorder: Recorder, emulator: Emulator
) -> None:
    oracle_recorder.take()
    with mock_client(answer_json({"catalogVersion": "V3_CATALOG", "extra": 1})) as client:
        client.catalog.version()
    assert oracle_recorder.take() == []  # a test double's body is the test's business

    answers = oracle_recorder.responses
    client = WixClient(
        api_key="k", site_id="s", base_url="http://localhost", transport=EmulatorTransport(emulator)
    )
    with client:
        client.catalog.version()
    assert oracle_recorder.responses == answers + 1


def test_get_query_parameters_are_typed_and_checked(oracle_recorder: Recorder) -> None:
    oracle_recorder.take()
    with mock_client(answer_json({"product": {}, "locations": []})) as client:
        client.products.get("p1", fields=["VARIANT_OPTION_CHOICE_NAMES", "NO_SUCH_FIELD"])
        list(client.locations.list(include_archived=True, limit=10))
    found = oracle_recorder.take()
    # paging.limit/offset became numbers and includeArchived a boolean: only the bad token is left.
    assert [v.field for v in found] == ["$.fields[*]"]
    assert "'NO_SUCH_FIELD' is not one of" in found[0].says


def test_a_path_wix_does_not_have_is_reported(oracle_recorder: Recorder) -> None:
    oracle_recorder.take()
    with mock_client(answer_json({})) as client:
        client.call(Endpoint("x", "GET", "/stores/v3/nowhere", SAFE))
    (found,) = oracle_recorder.take()
    assert (found.endpoint, found.field) == ("GET /stores/v3/nowhere", "$")
    assert "no method of the pinned Wix SDK" in found.says


def test_the_id_in_the_path_must_be_the_id_in_the_body(oracle_recorder: Recorder) -> None:
    oracle_recorder.take()
    update = Endpoint("x", "PATCH", "/stores/v3/inventory-items/{id}", SAFE)
    with mock_client(answer_json({})) as client:
        body = {"inventoryItem": {"id": "b", "revision": "1"}}
        client.call(update, path_params={"id": "a"}, json_body=body)
    (found,) = oracle_recorder.take()
    assert found.field == "$.inventoryItem.id"
    assert "path says 'a'" in found.says


def test_a_query_sent_as_post_is_checked_as_the_query_it_is(oracle_recorder: Recorder) -> None:
    oracle_recorder.take()
    with mock_client(answer_json({"products": []})) as client:
        list(client.products.query({"name": "x"}, fields=["URL"]))
        client.call(
            Endpoint("x", "POST", "/stores/v3/products/query", SAFE),
            json_body={"query": {"cursorPaging": {"limit": "100"}}},
        )
    found = oracle_recorder.take()
    assert [v.field for v in found] == ["$.query.cursorPaging.limit"]


def test_an_oracle_that_cannot_check_says_so_and_leaves_the_call_alone(
    oracle_recorder: Recorder,
) -> None:
    oracle_recorder.take()
    query = Endpoint("x", "GET", "/stores/v3/products/query", SAFE)
    with mock_client(answer_json({"products": []})) as client:
        assert client.call(query, params={".r": "not base64 json"}) == {"products": []}
    (found,) = oracle_recorder.take()
    assert "the oracle could not check this" in found.says


INNER_TEST = """
import pytest

from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.wix import WixClient


def client():
    emulator = Emulator(id_seed=1)
    return WixClient(api_key="k", site_id="s", base_url="http://localhost",
                     transport=EmulatorTransport(emulator))


def location(address):
    return {"name": "Depot", "address": address, "timeZone": "Etc/UTC",
            "locationTypes": ["INVENTORY"]}


def test_sdk_name_for_geocode():
    client().locations.create(location({"location": {"latitude": 1.0, "longitude": 2.0}}))


def test_known_formatted():
    client().locations.create(location({"formatted": "1 Main St"}))


def test_rest_names():
    client().locations.create(location({"formattedAddress": "1 Main St"}))


@pytest.fixture
def leaves_badly():
    yield
    client().locations.create(location({"postcode": "12345"}))


def test_fine_until_its_teardown(leaves_badly):
    pass
"""


def test_a_violation_fails_exactly_the_test_that_caused_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A listed violation (the table is empty once every bug is fixed: list one here).
    monkeypatch.setitem(
        known.KNOWN_VIOLATIONS,
        ("POST /locations/v1/locations", "$.location.address.formatted", "request"),
        "listed for this test",
    )
    pytester.makeconftest('pytest_plugins = ["tests.oracle.plugin"]\n')
    pytester.makepyfile(test_inner=INNER_TEST)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    # 'location' is unknown; 'formatted' is listed in KNOWN_VIOLATIONS; REST names are
    # fine; a wrong body sent by a fixture's teardown fails that teardown.
    result.assert_outcomes(passed=3, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*test_sdk_name_for_geocode*",
            "*POST /locations/v1/locations (createLocation in @wix/auto_sdk_business-tools_"
            "locations@*), client request: $.location.address.location: Address has no field "
            "'location' (it declares: city, country, formattedAddress, geocode, *",
            "*('POST /locations/v1/locations', '$.location.address.location', 'request')*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_fine_until_its_teardown*", "*$.location.address.postcode*"]
    )


WHOLE_SUITE = """
from tests.oracle.test_known_violations import test_every_known_violation_still_occurs

def test_one():
    pass

def test_two():
    pass
"""


LISTS_A_FIXED_VIOLATION = """
from tests.oracle import known

pytest_plugins = ["tests.oracle.plugin"]
known.KNOWN_VIOLATIONS[
    ("POST /locations/v1/locations", "$.location.address.formatted", "request")
] = "fixed long ago"
"""


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_listed_violation_nobody_produces_fails_the_whole_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """The table only shrinks, also when xdist's workers each run a share of the suite."""
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    pytester.makeconftest(LISTS_A_FIXED_VIOLATION)
    pytester.makepyfile(test_whole=WHOLE_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", workers)
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*these KNOWN_VIOLATIONS no longer occur anywhere in the suite*",
            "*('POST /locations/v1/locations', '$.location.address.formatted', 'request')*",
        ]
    )
