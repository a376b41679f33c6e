"""The acceptance suite in process: its safety net, the shadow, and how differences read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from inventory_as_code.acceptance.compare import compare_calls, compare_scenarios
from inventory_as_code.acceptance.recorder import Exchange, Phase, RecordingTransport, route_of
from inventory_as_code.acceptance.runner import (
    ScenarioRun,
    StepFailed,
    StepRun,
    Store,
    _check_plan,
    side_effects,
)
from inventory_as_code.acceptance.scenarios import Names, Step
from inventory_as_code.acceptance.site import Survey
from inventory_as_code.acceptance.suite import Options, _shadow, run_acceptance
from inventory_as_code.cli import main
from inventory_as_code.emulator import Emulator, EmulatorTransport, FaultConfig, FaultRule
from inventory_as_code.plan.model import Action, Change, Kind, Plan
from inventory_as_code.wix import WixClient

NAMES = Names("iac-acc-k3x9q-prd-", "Online store", "iac-acc-location", False, "k3x9q")


def test_a_plan_that_touches_anything_outside_the_prefix_is_not_applied() -> None:
    slug = "iac-acc-k3x9q-prd-tee"
    ours = Change(Kind.PRODUCT, Action.UPDATE, f'product["{slug}"]', {}, {}, keys={"slug": slug})
    theirs = Change(
        Kind.PRODUCT, Action.DELETE, 'product["house-mug"]', {}, None, keys={"slug": "house-mug"}
    )
    step = Step("delete-product", {"products": {}}, ("product update",))
    _check_plan(Plan(changes=(ours,)), step, NAMES)  # only its own product: fine
    with pytest.raises(StepFailed) as refused:
        _check_plan(Plan(changes=(ours, theirs)), step, NAMES)
    assert refused.value.problems == [
        'the plan changes 1 object(s) outside the prefix, e.g. product["house-mug"]; '
        "nothing of this plan was applied"
    ]


def test_the_shadow_takes_the_sites_default_location(tmp_path: Path) -> None:
    """A site whose default location has its own name: the shadow mirrors it, so the two
    runs name their stock alike and no difference is reported."""
    site = Emulator()
    recorder = RecordingTransport(EmulatorTransport(site))
    client = WixClient(
        api_key="k",
        site_id="shop",
        base_url="http://localhost",
        transport=recorder,
        requests_per_minute=1e9,
    )
    with client:
        default = next(loc for loc in client.locations.query() if loc.get("default"))
        client.locations.update({**default, "name": "Main warehouse"})
        recorder.exchanges.clear()
        store = Store(client, recorder, tmp_path)
        report = run_acceptance(store, Options(scenarios=("tracking",)), lambda _line: None)
    site.close()
    assert [(s.name, s.status) for s in report.scenarios] == [("tracking", "passed")]
    assert list(report.differences) == []
    assert report.exit_code == 0
    first = report.scenarios[0].steps[0].changes
    assert any('["Main warehouse"]' in change for change in first), first


def test_a_site_location_lacking_what_the_sdk_requires_is_mirrored_by_name_and_noted(
    tmp_path: Path,
) -> None:
    """The shadow is built from the site's locations; one that lacks what the SDK declares
    required (here an address) is mirrored by name only, and the report says so."""
    found = Survey(
        default_location={"name": "Main warehouse", "timeZone": "Europe/Berlin"}, location=None
    )
    notes: list[str] = []
    shadow, emulator = _shadow(found, tmp_path, notes)
    with shadow.client:
        [default] = [loc for loc in shadow.client.locations.query() if loc.get("default")]
    emulator.close()
    assert default["name"] == "Main warehouse"
    assert notes == [
        "the site's location 'Main warehouse' has no address, which Wix's SDK declares "
        "required to create or update a location; it was mirrored by name only"
    ]


def test_answers_compare_by_keys_and_types_and_read_as_emulator_fixes() -> None:
    phase = Phase("options", "create", "plan")
    site = Exchange(
        phase,
        "POST",
        "/stores/v3/products/query",
        200,
        {
            "products": [
                {"id": "a1", "slug": "x", "media": {"main": {}}},
                {"id": "b2", "revision": "3"},
            ],
        },
    )
    shadow = Exchange(
        phase,
        "POST",
        "/stores/v3/products/query",
        200,
        {
            "products": [{"id": "c3", "slug": "x", "revision": 3}],
            "pagingMetadata": {"count": 1},
        },
    )
    refused = Exchange(
        phase,
        "POST",
        "/stores/v3/bulk/products/update",
        428,
        {
            "details": {"applicationError": {"code": "CHOICES_LIMIT_EXCEEDED"}},
        },
    )
    done = Exchange(phase, "POST", "/stores/v3/bulk/products/update", 200, {"results": []})
    found = list(compare_calls([site, refused], [shadow, done], {("options", "create")}))
    assert [d.message for d in found] == [
        "POST /stores/v3/products/query: the emulator's answer has pagingMetadata (an object); "
        "Wix's has not",
        "POST /stores/v3/products/query: Wix's answer has products[].media (an object); "
        "the emulator's has not",
        "POST /stores/v3/products/query: products[].revision is string at Wix, number in "
        "the emulator",
        "POST /stores/v3/bulk/products/update: Wix answered 428 CHOICES_LIMIT_EXCEEDED, "
        "the emulator 200",
    ]
    assert {d.first_seen for d in found} == {"options / create / plan"}


def test_side_effects_compare_by_name() -> None:
    site, shadow = ScenarioRun("products", ""), ScenarioRun("products", "")
    site.steps.append(
        StepRun(
            "delete-product",
            done=True,
            effects={
                "changed": {'product["p-tee"] visible': False},
                "created": {},
                "deleted": ['product["p-ebook"]'],
            },
        )
    )
    shadow.steps.append(
        StepRun(
            "delete-product",
            done=True,
            effects={
                "changed": {'product["p-tee"] visible': True},
                "created": {},
                "deleted": ['product["p-ebook"]', 'stock["p-ebook"]["(default)"]["Online store"]'],
            },
        )
    )
    assert [d.message for d in compare_scenarios(site, shadow)] == [
        'products / delete-product: apply set product["p-tee"] visible: False at Wix, True '
        "in the emulator",
        'products / delete-product: stock["p-ebook"]["(default)"]["Online store"] was deleted '
        "in the emulator and kept at Wix",
    ]


def test_side_effects_name_a_created_items_location_not_its_id() -> None:
    # The site and the emulator give the same location different ids: a created stock
    # item's effects must not differ by them.
    def store(ids: str) -> dict[tuple[str, str], dict[str, object]]:
        return {
            ("product", f"{ids}p"): {"slug": "p-tee"},
            ("variant", f"{ids}v"): {"product": f"{ids}p", "choices": ()},
        }

    def item(ids: str) -> dict[str, object]:
        return {"variant": f"{ids}v", "location": "Online store", "location_id": f"{ids}l"}

    site = side_effects(store("a"), {**store("a"), ("stock", "a1"): item("a")})
    shadow = side_effects(store("b"), {**store("b"), ("stock", "b1"): item("b")})
    assert site == shadow
    assert site["created"] == {
        'stock["p-tee"]["(default)"]["Online store"]': {
            "variant": 'product["p-tee"]["(default)"]',
            "location": "Online store",
        }
    }


def test_routes_name_objects_by_placeholders() -> None:
    assert route_of("/stores/v3/products/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d") == (
        "/stores/v3/products/{id}"
    )
    assert route_of("/stores/v3/products/slug/iac-acc-k3x9q-prd-tee") == (
        "/stores/v3/products/slug/{slug}"
    )
    assert route_of("/locations/v1/locations/1a2b/set-default") == (
        "/locations/v1/locations/{id}/set-default"
    )


def test_a_prefix_that_cannot_start_a_sku_is_refused_before_anything_runs() -> None:
    result = CliRunner().invoke(main, ["acceptance", "--prefix", "Acceptance Tests"])
    assert result.exit_code == 1
    assert "--prefix 'Acceptance Tests': use 3 to 12 lowercase letters" in result.output


def test_a_site_that_refuses_to_count_stock_items_is_reported(tmp_path: Path) -> None:
    """The incremental refresh counts stock items through an endpoint of Wix's internal SDK
    build; the suite's first products step proves it on the site, and says what a refusal
    costs (issue 22)."""
    refuse = FaultRule(path="/stores/v3/inventory-items/count", status=403, times=None)
    site = Emulator(faults=FaultConfig(rules=[refuse]))
    recorder = RecordingTransport(EmulatorTransport(site))
    client = WixClient(
        api_key="k",
        site_id="shop",
        base_url="http://localhost",
        transport=recorder,
        requests_per_minute=1e9,
    )
    with client:
        store = Store(client, recorder, tmp_path)
        report = run_acceptance(store, Options(scenarios=("products",)), lambda _line: None)
    site.close()
    (products,) = report.scenarios
    assert (products.status, products.steps[0].name) == ("failed", "create")
    assert products.reason.startswith(
        "step create: Count Inventory Items (inventory-items/count) was refused (HTTP 403"
    ), products.reason
    assert "every `plan --refresh incremental` on this site reads the whole store" in (
        products.reason
    )
    assert report.exit_code != 0
