"""Build both sides of a plan for tests: YAML projects and seeded emulator stores.

The live side is seeded into an in-process emulator with Wix REST product
bodies (see ``inventory_as_code/emulator/_seed.py``) and read back with the
real reader, so the planner sees exactly what it sees in production. The
emulator's ids come from a fixed seed so plans are deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from inventory_as_code.config import load_project
from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.live import LiveStore, read_live_store
from inventory_as_code.model import DesiredState
from inventory_as_code.wix import WixClient

SITE = "plan-test-site"
DEFAULT = "Online store"  # the name the emulator gives the store's default location
HEADERS = {"Authorization": "test-key", "wix-site-id": SITE, "content-type": "application/json"}

StockSpec = int | bool | Mapping[str, Any]


def write_project(root: Path, files: Mapping[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def desired_from(root: Path, files: Mapping[str, str]) -> DesiredState:
    return load_project(write_project(root, files))


def _item(spec: StockSpec) -> dict[str, Any]:
    if isinstance(spec, bool):
        return {"inStock": spec}
    if isinstance(spec, int):
        return {"quantity": spec}
    return dict(spec)


def product(
    slug: str,
    *,
    name: str | None = None,
    product_type: str = "PHYSICAL",
    visible: bool = True,
    options: Mapping[str, list[str]] | None = None,
    variants: Mapping[str, Mapping[str, Any]] | None = None,
    swatches: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """A Create Product body. ``variants`` is keyed by label (``S/Black``, ``""`` for none).

    ``swatches``: options shown as colour swatches, {option: {choice: colour}}.

    Each variant takes ``sku``, ``price`` (default ``"10.00"``), ``compare_at``,
    ``visible`` and ``stock`` ({location name: quantity | in-stock flag | Wix item body}).
    """
    options = dict(options or {})
    variants = dict(variants or {"": {}})
    body_variants = []
    for label, spec in variants.items():
        choices = label.split("/") if label else []
        assert len(choices) == len(options), f"{slug}: variant {label!r} does not fit the options"
        price: dict[str, Any] = {"actualPrice": {"amount": spec.get("price", "10.00")}}
        if spec.get("compare_at") is not None:
            price["compareAtPrice"] = {"amount": spec["compare_at"]}
        variant: dict[str, Any] = {
            "price": price,
            "visible": spec.get("visible", True),
            "choices": [
                {
                    "optionChoiceNames": {
                        "optionName": option,
                        "choiceName": choice,
                        "renderType": "SWATCH_CHOICES"
                        if option in (swatches or {})
                        else "TEXT_CHOICES",
                    }
                }
                for option, choice in zip(options, choices, strict=True)
            ],
        }
        if spec.get("sku") is not None:
            variant["sku"] = spec["sku"]
        if product_type == "PHYSICAL":
            variant["physicalProperties"] = {}
        stock = spec.get("stock") or {}
        if stock:
            variant["inventoryItems"] = [
                {"location": location, **_item(item)} for location, item in stock.items()
            ]
        body_variants.append(variant)
    body: dict[str, Any] = {
        "name": name or slug.replace("-", " ").title(),
        "slug": slug,
        "productType": product_type,
        "visible": visible,
        "variantsInfo": {"variants": body_variants},
    }
    if product_type == "PHYSICAL":
        body["physicalProperties"] = {}
    if options:
        body["options"] = [
            _option(name, choices, (swatches or {}).get(name)) for name, choices in options.items()
        ]
    return body


def _option(name: str, choices: list[str], colors: Mapping[str, str] | None) -> dict[str, Any]:
    if colors is None:
        listed = [{"choiceType": "CHOICE_TEXT", "name": c} for c in choices]
    else:
        listed = [{"choiceType": "ONE_COLOR", "name": c, "colorCode": colors[c]} for c in choices]
    return {
        "name": name,
        "optionRenderType": "TEXT_CHOICES" if colors is None else "SWATCH_CHOICES",
        "choicesSettings": {"choices": listed},
    }


def client_for(emulator: Emulator) -> WixClient:
    return WixClient(
        api_key="test-key",
        site_id=SITE,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator),
        requests_per_minute=1_000_000,
    )


Setup = Callable[[Emulator, WixClient], None]


@contextmanager
def seeded(seed: Mapping[str, Any], setup: Setup | None = None) -> Iterator[WixClient]:
    emulator = Emulator(id_seed=11)
    client = client_for(emulator)
    try:
        emulator.seed(dict(seed), site_id=SITE)
        if setup is not None:
            setup(emulator, client)
        yield client
    finally:
        client.close()
        emulator.close()


def live_from(seed: Mapping[str, Any], setup: Setup | None = None) -> LiveStore:
    with seeded(seed, setup) as client:
        return read_live_store(client)


def take_preorders(slug: str, label: str, location: str, count: int) -> Setup:
    """A setup step: buyers preorder ``count`` units of one item (its counter rises)."""

    def run(emulator: Emulator, client: WixClient) -> None:
        store = read_live_store(client)
        live = store.products[slug]
        variant = live.variant(tuple(label.split("/")) if label else ())
        where = store.location_named(location)
        assert variant is not None and where is not None
        item = store.inventory[(live.id, variant.id, where.id)]
        body = {
            "decrementData": [
                {"inventoryItemId": item.id, "decrementBy": count, "preorderRequest": True}
            ]
        }
        response = emulator.handle(
            "POST",
            "/stores/v3/bulk/inventory-items/decrement",
            HEADERS,
            json.dumps(body).encode(),
        )
        assert response.status == 200, response.body
        results = response.json()["results"]
        assert all(r["itemMetadata"]["success"] for r in results), results
        after = read_live_store(client).inventory[(live.id, variant.id, where.id)]
        assert after.preorder.counter == count, after

    return run
