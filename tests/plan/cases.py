"""The planner's table: one case per action, policy, note and guard rail.

Each case is a small YAML project (desired), a seed for the emulator (live,
read back with the real reader), optional setup steps on the emulator, plan
options, and the expected outcome twice over: as data (which changes, notes
and guard rails) and as golden text in ``goldens/<case>.txt``. The data
expectations keep a careless ``UPDATE_GOLDENS=1`` from blessing a wrong plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.plan.guard_rails import GuardRailSettings
from tests.plan.helpers import DEFAULT, Setup, product, take_preorders

LOCATIONS = f"locations:\n  {DEFAULT}:\n    default: true\n"
WITH_POPUP = LOCATIONS + "  Pop-up Berlin:\n"


@dataclass(frozen=True)
class Case:
    name: str
    yaml: Mapping[str, str]
    seed: Mapping[str, Any] = field(default_factory=dict)
    setup: Setup | None = None
    targets: tuple[str, ...] = ()
    guard_rails: GuardRailSettings = field(default_factory=GuardRailSettings)
    # (action, address) of every change, in plan order.
    changes: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    rails: tuple[str, ...] = ()
    # (address, field) of every unresolved difference.
    unresolved: tuple[tuple[str, str], ...] = ()


def tee(**kwargs: Any) -> dict[str, Any]:
    return product("tee", **kwargs)


def store(products: str, locations: str = LOCATIONS, extra: str = "") -> dict[str, str]:
    files = {"store.yaml": locations + extra}
    if products:
        files["products.yaml"] = "products:\n" + products
    return files


TWO_PLACES = {DEFAULT: 5, "Pop-up Berlin": 2}
TWO_PRODUCTS = """\
  tee:
    name: Tee
    sku: TEE
    price: "20.00"
    stock: {Online store: 5, Pop-up Berlin: true}
  mug:
    name: Mug
    sku: MUG
    price: "9.50"
    stock: {Online store: 5}
"""

TEE_YAML = """\
  tee:
    name: Tee
    sku: TEE
    price: "10.00"
"""

CASES: list[Case] = [
    # --- locations -------------------------------------------------------------
    Case(
        "location_create",
        store(
            "",
            LOCATIONS + "  Pop-up Berlin:\n"
            '    address: {street: Torstraße 109, city: Berlin, postal_code: "10119",'
            " country: DE}\n"
            "    time_zone: Europe/Berlin\n",
        ),
        changes=(("create", 'location["Pop-up Berlin"]'),),
    ),
    Case(
        "location_enable",
        store("", LOCATIONS + "  Outlet Hamburg:\n"),
        seed={"locations": [{"name": "Outlet Hamburg", "locationTypes": ["BRANCH"]}]},
        changes=(("update", 'location["Outlet Hamburg"]'),),
    ),
    Case(
        "default_location_alias",
        store("", "locations:\n  Main warehouse:\n    default: true\n"),
        notes=("DEFAULT_LOCATION_ALIAS",),
    ),
    Case(
        "location_unmanaged",
        store(""),
        seed={"locations": [{"name": "Old depot"}]},
        notes=("UNMANAGED_LOCATIONS",),
    ),
    Case(
        "location_prune",
        store("", extra="prune:\n  locations: true\n"),
        seed={"locations": [{"name": "Old depot"}]},
        changes=(("delete", 'location["Old depot"]'),),
        rails=("LOCATION_ARCHIVE",),  # an archive is permanent: always reviewed
    ),
    # --- products ----------------------------------------------------------------
    Case(
        "product_create",
        store(
            """\
  organic-tee:
    name: Organic Tee
    type: physical
    options: {Size: [S, M]}
    sku: TEE-{Size}
    price: "25.00"
    stock:
      Online store: 20
      Pop-up Berlin: true
    variants:
      M: {price: "27.00", stock: {Online store: 5}}
""",
            WITH_POPUP,
        ),
        seed={"locations": [{"name": "Pop-up Berlin"}]},
        changes=(
            ("create", 'option["Size"]'),
            ("create", 'product["organic-tee"]'),
            ("create", 'variant["organic-tee"]["M"]'),
            ("create", 'variant["organic-tee"]["S"]'),
            ("create", 'stock["organic-tee"]["M"]["Online store"]'),
            ("create", 'stock["organic-tee"]["M"]["Pop-up Berlin"]'),
            ("create", 'stock["organic-tee"]["S"]["Online store"]'),
            ("create", 'stock["organic-tee"]["S"]["Pop-up Berlin"]'),
        ),
    ),
    Case(
        "product_update",
        store("  tee:\n    name: Tee\n    visible: false\n    sku: TEE\n"),
        seed={"products": [tee(name="Old Tee", variants={"": {"sku": "TEE"}})]},
        changes=(("update", 'product["tee"]'),),
    ),
    Case(
        "product_type_change",
        store("  ebook:\n    name: Ebook\n    type: physical\n"),
        seed={"products": [product("ebook", name="Ebook", product_type="DIGITAL")]},
        unresolved=(('product["ebook"]', "type"),),
    ),
    Case(
        "products_unmanaged",
        store(TEE_YAML),
        seed={"products": [tee(variants={"": {"sku": "TEE"}}), product("mug")]},
        notes=("UNMANAGED_PRODUCTS",),
    ),
    Case(
        "products_prune",
        store(TEE_YAML, extra="prune:\n  products: true\n"),
        seed={"products": [tee(variants={"": {"sku": "TEE"}}), product("mug")]},
        changes=(("delete", 'product["mug"]'),),
    ),
    # --- variants ----------------------------------------------------------------
    Case(
        "variants_create_update",
        store(
            """\
  tee:
    name: Tee
    options: {Size: [S, M, L]}
    price: "12.00"
    compare_at_price: "15.00"
    variants:
      S: {sku: TEE-S}
      M: {sku: TEE-MEDIUM, visible: false}
      L: {sku: TEE-L}
"""
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M"]},
                    variants={"S": {"sku": "TEE-S"}, "M": {"sku": "TEE-M"}},
                )
            ]
        },
        changes=(
            ("update", 'option["Size"]'),
            ("update", 'product["tee"]'),
            ("create", 'variant["tee"]["L"]'),
            ("update", 'variant["tee"]["M"]'),
            ("update", 'variant["tee"]["S"]'),
        ),
    ),
    Case(
        "variants_unmanaged",
        store(
            "  tee:\n    name: Tee\n    options: {Size: [S, M]}\n    sku: TEE-{Size}\n"
            "    stock: {Online store: 4}\n"
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M", "L"]},
                    variants={
                        x: {"sku": f"TEE-{x}", "stock": {DEFAULT: 4}} for x in ("S", "M", "L")
                    },
                )
            ]
        },
        notes=("UNMANAGED_STOCK",),
        unresolved=(('variant["tee"]["L"]', "variant"),),
    ),
    Case(
        "variants_prune",
        store(
            "  tee:\n    name: Tee\n    options: {Size: [S, M]}\n    sku: TEE-{Size}\n"
            "    stock: {Online store: 4}\n",
            extra="prune:\n  variants: true\n",
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M", "L"]},
                    variants={
                        x: {"sku": f"TEE-{x}", "stock": {DEFAULT: 4}} for x in ("S", "M", "L")
                    },
                )
            ]
        },
        # The item of L goes with its variant: no stock change, no note.
        changes=(("update", 'product["tee"]'), ("delete", 'variant["tee"]["L"]')),
    ),
    Case(
        "options_renamed",
        store(
            "  tee:\n    name: Tee\n    options: {Fit: [Regular, Slim]}\n    sku: TEE-{Fit}\n"
            '    price: "20.00"\n    stock: {Online store: 3}\n'
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M"]},
                    variants={x: {"sku": f"TEE-{x}", "stock": {DEFAULT: 3}} for x in ("S", "M")},
                )
            ]
        },
        changes=(
            ("create", 'option["Fit"]'),
            ("update", 'product["tee"]'),
            ("create", 'variant["tee"]["Regular"]'),
            ("delete", 'variant["tee"]["Size=M"]'),
            ("delete", 'variant["tee"]["Size=S"]'),
            ("create", 'variant["tee"]["Slim"]'),
            ("create", 'stock["tee"]["Regular"]["Online store"]'),
            ("create", 'stock["tee"]["Slim"]["Online store"]'),
        ),
        rails=("VARIANTS_REPLACED",),
    ),
    Case(
        # Same choices under a new option name: the variant keys look alike, yet every
        # variant is replaced, so its stock goes with it and is neither pruned nor "unmanaged".
        "options_renamed_same_choices",
        store(
            "  tee:\n    name: Tee\n    options: {Größe: [S, M]}\n    sku: TEE-{Größe}\n"
            '    price: "20.00"\n    stock: {Online store: 3}\n',
            extra="prune:\n  inventory: true\n",
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M"]},
                    variants={x: {"sku": f"TEE-{x}", "stock": {DEFAULT: 3}} for x in ("S", "M")},
                )
            ]
        },
        changes=(
            ("create", 'option["Größe"]'),
            ("update", 'product["tee"]'),
            ("create", 'variant["tee"]["M"]'),
            ("create", 'variant["tee"]["S"]'),
            ("delete", 'variant["tee"]["Size=M"]'),
            ("delete", 'variant["tee"]["Size=S"]'),
            ("create", 'stock["tee"]["M"]["Online store"]'),
            ("create", 'stock["tee"]["S"]["Online store"]'),
        ),
        notes=("POSSIBLE_RENAME",),  # moved: [{option: {product: tee, from: Size, to: Größe}}]
        rails=("VARIANTS_REPLACED",),
    ),
    # --- stock: policies -------------------------------------------------------------
    Case(
        "policy_set",
        store(
            """\
  tee:
    name: Tee
    options: {Size: [S, M]}
    sku: TEE-{Size}
    stock:
      Online store: {quantity: 40, policy: set}
    variants:
      M: {stock: {Online store: 25}}
"""
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M"]},
                    variants={x: {"sku": f"TEE-{x}", "stock": {DEFAULT: 30}} for x in ("S", "M")},
                )
            ]
        },
        changes=(
            ("update", 'stock["tee"]["M"]["Online store"]'),
            ("update", 'stock["tee"]["S"]["Online store"]'),
        ),
    ),
    Case(
        "policy_initial",
        store("  tee:\n    name: Tee\n    sku: TEE\n    stock: {Online store: 40}\n"),
        seed={"products": [tee(variants={"": {"sku": "TEE", "stock": {DEFAULT: 30}}})]},
        notes=("INITIAL_QUANTITY_DRIFT",),
    ),
    Case(
        "policy_at_least",
        store(
            "  tee:\n    name: Tee\n    options: {Size: [S, M]}\n    sku: TEE-{Size}\n"
            "    stock:\n      Online store: {quantity: 10, policy: at_least}\n"
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M"]},
                    variants={
                        "S": {"sku": "TEE-S", "stock": {DEFAULT: 3}},
                        "M": {"sku": "TEE-M", "stock": {DEFAULT: 25}},
                    },
                )
            ]
        },
        changes=(("update", 'stock["tee"]["S"]["Online store"]'),),
    ),
    Case(
        "in_stock_flip",
        store(
            "  tee:\n    name: Tee\n    options: {Size: [S, M]}\n    sku: TEE-{Size}\n"
            "    stock: {Pop-up Berlin: true}\n    variants:\n"
            "      M: {stock: {Pop-up Berlin: false}}\n",
            WITH_POPUP,
        ),
        seed={
            "locations": [{"name": "Pop-up Berlin"}],
            "products": [
                tee(
                    options={"Size": ["S", "M"]},
                    variants={
                        "S": {"sku": "TEE-S", "stock": {"Pop-up Berlin": False}},
                        "M": {"sku": "TEE-M", "stock": {"Pop-up Berlin": True}},
                    },
                )
            ],
        },
        changes=(
            ("update", 'stock["tee"]["M"]["Pop-up Berlin"]'),
            ("update", 'stock["tee"]["S"]["Pop-up Berlin"]'),
        ),
    ),
    Case(
        "preorder_changes",
        store(
            """\
  tee:
    name: Tee
    options: {Size: [S, M]}
    sku: TEE-{Size}
    stock:
      Online store:
        quantity: 5
        preorder: {enabled: true, message: Ships in May, limit: 20}
"""
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M"]},
                    variants={
                        "S": {"sku": "TEE-S", "stock": {DEFAULT: 5}},
                        "M": {
                            "sku": "TEE-M",
                            "stock": {
                                DEFAULT: {
                                    "quantity": 5,
                                    "preorderInfo": {
                                        "enabled": True,
                                        "message": "Ships in April",
                                        "limit": 20,
                                    },
                                }
                            },
                        },
                    },
                )
            ]
        },
        changes=(
            ("update", 'stock["tee"]["M"]["Online store"]'),
            ("update", 'stock["tee"]["S"]["Online store"]'),
        ),
    ),
    # --- stock: tracking switches ----------------------------------------------------
    Case(
        "switch_quantity_to_in_stock",
        store(
            "  tee:\n    name: Tee\n    options: {Size: [S, M]}\n    sku: TEE-{Size}\n"
            "    stock: {Online store: true}\n"
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M"]},
                    variants={
                        "S": {"sku": "TEE-S", "stock": {DEFAULT: 5}},
                        "M": {"sku": "TEE-M", "stock": {DEFAULT: 0}},
                    },
                )
            ]
        },
        changes=(
            ("switch_tracking", 'stock["tee"]["M"]["Online store"]'),
            ("switch_tracking", 'stock["tee"]["S"]["Online store"]'),
        ),
        rails=("TRACKING_SWITCH_WITH_STOCK",),
    ),
    Case(
        "switch_in_stock_to_quantity",
        store(
            "  tee:\n    name: Tee\n    options: {Size: [S, M]}\n    sku: TEE-{Size}\n"
            "    stock: {Online store: 7}\n"
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M"]},
                    variants={
                        "S": {"sku": "TEE-S", "stock": {DEFAULT: True}},
                        "M": {"sku": "TEE-M", "stock": {DEFAULT: False}},
                    },
                )
            ]
        },
        changes=(
            ("switch_tracking", 'stock["tee"]["M"]["Online store"]'),
            ("switch_tracking", 'stock["tee"]["S"]["Online store"]'),
        ),
        rails=("TRACKING_SWITCH_WITH_STOCK",),
    ),
    # --- guard rails -------------------------------------------------------------------
    Case(
        "preorder_limit_below_counter",
        store(
            "  tee:\n    name: Tee\n    sku: TEE\n    stock:\n      Online store:\n"
            "        quantity: 0\n        preorder: {enabled: true, limit: 10}\n"
        ),
        seed={
            "products": [
                tee(
                    variants={
                        "": {
                            "sku": "TEE",
                            "stock": {
                                DEFAULT: {
                                    "quantity": 0,
                                    "preorderInfo": {"enabled": True, "limit": 30},
                                }
                            },
                        }
                    }
                )
            ]
        },
        setup=take_preorders("tee", "", DEFAULT, 25),
        changes=(("update", 'stock["tee"]["(default)"]["Online store"]'),),
        rails=("PREORDER_LIMIT_BELOW_COUNTER",),
    ),
    Case(
        "out_of_stock_share",
        store(
            """\
  tee:
    name: Tee
    options: {Size: [S, M, L, XL]}
    sku: TEE-{Size}
    stock:
      Online store: {quantity: 0, policy: set}
    variants:
      XL: {stock: {Online store: 5}}
"""
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M", "L", "XL"]},
                    variants={
                        x: {"sku": f"TEE-{x}", "stock": {DEFAULT: 5}} for x in ("S", "M", "L", "XL")
                    },
                )
            ]
        },
        guard_rails=GuardRailSettings(
            max_out_of_stock_share=0.5, max_touched_share=1.0, min_items=2
        ),
        changes=(
            ("update", 'stock["tee"]["L"]["Online store"]'),
            ("update", 'stock["tee"]["M"]["Online store"]'),
            ("update", 'stock["tee"]["S"]["Online store"]'),
        ),
        rails=("OUT_OF_STOCK_SHARE",),
    ),
    Case(
        "touched_share",
        store(
            """\
  tee:
    name: Tee
    options: {Size: [S, M, L, XL]}
    sku: TEE-{Size}
    stock:
      Online store: {quantity: 9, policy: set}
    variants:
      XL: {stock: {Online store: 5}}
"""
        ),
        seed={
            "products": [
                tee(
                    options={"Size": ["S", "M", "L", "XL"]},
                    variants={
                        x: {"sku": f"TEE-{x}", "stock": {DEFAULT: 5}} for x in ("S", "M", "L", "XL")
                    },
                )
            ]
        },
        guard_rails=GuardRailSettings(max_touched_share=0.5, min_items=2),
        changes=(
            ("update", 'stock["tee"]["L"]["Online store"]'),
            ("update", 'stock["tee"]["M"]["Online store"]'),
            ("update", 'stock["tee"]["S"]["Online store"]'),
        ),
        rails=("TOUCHED_SHARE",),
    ),
    # --- stock: unmanaged and prune ----------------------------------------------------
    Case(
        "stock_unmanaged",
        store(
            "  tee:\n    name: Tee\n    sku: TEE\n    stock: {Online store: 5}\n",
            LOCATIONS + "  Pop-up Berlin:\n    stock: {managed: false}\n",
        ),
        seed={
            "locations": [{"name": "Pop-up Berlin"}],
            "products": [tee(variants={"": {"sku": "TEE", "stock": TWO_PLACES}})],
        },
        notes=("UNMANAGED_STOCK",),
    ),
    Case(
        "stock_prune",
        store(
            "  tee:\n    name: Tee\n    sku: TEE\n    stock: {Online store: 5}\n",
            LOCATIONS + "  Pop-up Berlin:\n    stock: {managed: false}\n",
            extra="prune:\n  products: false\n  variants: true\n  inventory: true\n",
        ),
        seed={
            "locations": [{"name": "Pop-up Berlin"}],
            "products": [tee(variants={"": {"sku": "TEE", "stock": TWO_PLACES}})],
        },
        changes=(("delete", 'stock["tee"]["(default)"]["Pop-up Berlin"]'),),
    ),
    # --- targets and the empty plan ---------------------------------------------------------
    Case(
        "target_product",
        store(
            TWO_PRODUCTS,
            WITH_POPUP,
        ),
        targets=('product["tee"]',),
        changes=(
            ("create", 'product["tee"]'),
            ("create", 'variant["tee"]["(default)"]'),
            ("create", 'stock["tee"]["(default)"]["Online store"]'),
            ("create", 'stock["tee"]["(default)"]["Pop-up Berlin"]'),
        ),
    ),
    Case(
        "target_location",
        store(
            TWO_PRODUCTS,
            WITH_POPUP,
        ),
        targets=('location["Pop-up Berlin"]',),
        changes=(
            ("create", 'location["Pop-up Berlin"]'),
            ("create", 'stock["tee"]["(default)"]["Pop-up Berlin"]'),
        ),
    ),
    Case(
        "empty",
        store(
            "  tee:\n    name: Tee\n    options: {Size: [S, M]}\n    sku: TEE-{Size}\n"
            '    price: "10.00"\n    stock: {Online store: {quantity: 4, policy: set},'
            " Pop-up Berlin: true}\n",
            WITH_POPUP,
        ),
        seed={
            "locations": [{"name": "Pop-up Berlin"}],
            "products": [
                tee(
                    options={"Size": ["S", "M"]},
                    variants={
                        x: {"sku": f"TEE-{x}", "stock": {DEFAULT: 4, "Pop-up Berlin": True}}
                        for x in ("S", "M")
                    },
                )
            ],
        },
    ),
]

BY_NAME = {case.name: case for case in CASES}
