"""Plans made to read: the cases the renderers are judged on, beside the planner's table.

Each is a small project and a seeded store, as in :mod:`tests.plan.cases`,
rendered three ways into ``goldens/render/<case>.{txt,detailed.txt,md}``.
"""

from __future__ import annotations

from typing import Any

from inventory_as_code.plan.guard_rails import GuardRailSettings
from tests.plan.cases import LOCATIONS, Case, store
from tests.plan.helpers import DEFAULT, product

OUTLET = LOCATIONS + "  Outlet Hamburg:\n"
SIZES = ("S", "M", "L", "XL")
COLORS = ("Black", "White")
HOODIES = [f"{size}/{color}" for size in SIZES for color in COLORS]


def _hoodie_yaml() -> str:
    lines = [
        "  hoodie:",
        "    name: Hoodie",
        "    options: {Size: [S, M, L, XL], Color: [Black, White]}",
        "    sku: HOOD-{Size}-{Color}",
        "    stock:",
        "      Online store: {quantity: 10, policy: at_least}",
        "    variants:",
    ]
    for n, label in enumerate(HOODIES):
        # A recount at the outlet: 3 more of each, whatever each had.
        lines.append(
            f"      {label}: {{stock: {{Outlet Hamburg: {{quantity: {n + 4}, policy: set}}}}}}"
        )
    return "\n".join(lines) + "\n"


UNIFORM_YAML = """\
  tee:
    name: Tee
    options: {Size: [XS, S, M, L, XL]}
    sku: TEE-{Size}
    price: "11.00"
  cap:
    name: Cap
    options: {Color: [Red, Blue, Green]}
    sku: CAP-{Color}
    price: "8.00"
    stock:
      Online store: {quantity: 5, preorder: {enabled: true}}
      Outlet Hamburg: {quantity: 5, preorder: {enabled: true}}
    variants:
      Green: {price: "7.00"}
""" + _hoodie_yaml()


def _uniform_seed() -> dict[str, Any]:
    tee = product(
        "tee",
        name="Tee",
        options={"Size": ["XS", "S", "M", "L", "XL"]},
        variants={s: {"sku": f"TEE-{s}"} for s in ("XS", "S", "M", "L", "XL")},
    )
    cap = product(
        "cap",
        name="Cap",
        options={"Color": ["Red", "Blue", "Green"]},
        variants={
            c: {"sku": f"CAP-{c}", "stock": {DEFAULT: 5, "Outlet Hamburg": 5}}
            for c in ("Red", "Blue", "Green")
        },
    )
    hoodie = product(
        "hoodie",
        name="Hoodie",
        options={"Size": list(SIZES), "Color": list(COLORS)},
        variants={
            label: {
                "sku": "HOOD-" + label.replace("/", "-"),
                "stock": {DEFAULT: n, "Outlet Hamburg": n + 1},
            }
            for n, label in enumerate(HOODIES)
        },
    )
    return {"locations": [{"name": "Outlet Hamburg"}], "products": [tee, cap, hoodie]}


RENAMES_YAML = """\
  tee:
    name: Tee
    options: {Color: [Gray, Black]}
    sku: TEE-{Color}
    stock: {Outlet Hamburg: 2}
"""
MOVED = """\
moved:
  - product: {from: old-tee, to: tee}
  - location: {from: Outlet HH, to: Outlet Hamburg}
  - option: {product: tee, from: Colour, to: Color}
  - choice: {product: tee, option: Color, from: Grey, to: Gray}
"""

TOP_YAML = """\
  tee:
    name: Tee
    options: {Size: [S, M]}
    sku: TEE-{Size}
    stock: {Online store: {quantity: 0, policy: set}}
  ebook:
    name: Ebook
    type: physical
"""

POLICIES_YAML = """\
  tee:
    name: Tee
    options: {Size: [S, M, L]}
    sku: TEE-{Size}
    price: "10.00"
    variants:
      S: {stock: {Online store: {quantity: 40, policy: set}}}
      M: {stock: {Outlet Hamburg: {quantity: 10, policy: at_least}}}
      L: {stock: {Online store: 6}}
"""

# Names from YAML and Wix are untrusted: Markdown, HTML, a mention, backticks.
HOSTILE_PLACE = "Pop-up ```<b>@team</b> [x](http://evil.example) `"
HOSTILE_YAML = """\
  mug:
    name: "Mug <img src=x> @octocat **bold** ```"
    sku: MUG
    price: "5.00"
    stock: {"Pop-up ```<b>@team</b> [x](http://evil.example) `": 2, Online store: 1}
"""

RENDER_CASES: list[Case] = [
    Case(
        "render_uniform",
        store(UNIFORM_YAML, OUTLET),
        seed=_uniform_seed(),
        # Every item changes: the touched-share rail would list them all, which is not
        # what this case is about.
        guard_rails=GuardRailSettings(max_touched_share=1.0),
    ),
    Case(
        "render_renames",
        store(RENAMES_YAML, OUTLET, MOVED),
        seed={
            "locations": [{"name": "Outlet HH"}],
            "products": [
                product(
                    "old-tee",
                    name="Tee",
                    options={"Colour": ["Grey", "Black"]},
                    variants={
                        c: {"sku": f"TEE-{c}", "stock": {"Outlet HH": 2}} for c in ("Grey", "Black")
                    },
                )
            ],
        },
    ),
    Case(
        "render_top",
        store(TOP_YAML, extra="prune:\n  products: true\n"),
        seed={
            "products": [
                product(
                    "tee",
                    name="Tee",
                    options={"Size": ["S", "M"]},
                    variants={s: {"sku": f"TEE-{s}", "stock": {DEFAULT: 5}} for s in ("S", "M")},
                ),
                product("ebook", name="Ebook", product_type="DIGITAL"),
                product("mug", name="Mug", variants={"": {"sku": "MUG", "stock": {DEFAULT: 9}}}),
                product("cap", name="Cap"),
            ]
        },
        guard_rails=GuardRailSettings(min_items=1),
    ),
    Case(
        "render_policies",
        store(POLICIES_YAML, OUTLET),
        seed={
            "locations": [{"name": "Outlet Hamburg"}],
            "products": [
                product(
                    "tee",
                    name="Tee",
                    options={"Size": ["S", "M"]},
                    variants={
                        "S": {"sku": "TEE-S", "stock": {DEFAULT: 30}},
                        "M": {"sku": "TEE-M", "stock": {"Outlet Hamburg": 3}},
                    },
                )
            ],
        },
    ),
    Case(
        "render_hostile_names",
        store(HOSTILE_YAML, LOCATIONS + f'  "{HOSTILE_PLACE}":\n'),
    ),
]
RENDER_BY_NAME = {case.name: case for case in RENDER_CASES}
