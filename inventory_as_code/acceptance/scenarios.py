"""The scenarios: each a list of YAML documents, applied one after the other.

A scenario is a small function from :class:`Names` to its steps. Each
:class:`Step` is the whole project as a dict (written as one YAML file), what
its plan must hold, and optionally a sale made before the plan or between
plan and apply. The runner (:mod:`.runner`) plans each step, applies it and
holds it to the contract. Everything a scenario makes is named from
``names.scope``, so it is found and removed by prefix.

To add a scenario: write its function below and add a :class:`Scenario` to
``SCENARIOS``; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Document = dict[str, Any]

# The reused location's address between runs; the locations scenario moves it
# and moves it back, and cleanup puts it back here after an interrupted run.
HOME_ADDRESS = {
    "street": "Torstraße 109",
    "city": "Berlin",
    "postal_code": "10119",
    "country": "DE",
}
TIME_ZONE = "Europe/Berlin"


@dataclass(frozen=True, slots=True)
class Names:
    """The names one scenario of one run uses."""

    scope: str  # every slug, SKU and option name starts with it: "iac-acc-k3x9q-opt-"
    default_location: str  # the site's default location, as the site names it
    location: str  # the prefixed location reused across runs ("iac-acc-location")
    location_is_new: bool  # this run creates it (--create-location)
    token: str  # the run's own part of the prefix, for values that must change per run

    def __call__(self, name: str) -> str:
        return self.scope + name


@dataclass(frozen=True, slots=True)
class Sale:
    """Units sold of one stock item, as checkout does it: Wix's decrement."""

    product: str  # the slug without the scope
    variant: tuple[str, ...] = ()  # choice names; () for a product without options
    units: int = 1
    location: str | None = None  # the default location when None


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    document: Document
    # What the plan must hold, each "KIND ACTION [FIELD]": "variant update price".
    expect: tuple[str, ...] = ()
    nothing_planned: bool = False  # the plan must be empty
    sale_before_plan: Sale | None = None
    sale_before_apply: Sale | None = None
    # Changes a sale between plan and apply makes stale ("KIND ACTION [FIELD]" too).
    stale: tuple[str, ...] = ()
    settles: bool = True  # the next plan has nothing to apply
    # Restricts the plan (a deletion of our product, never of anything else).
    targets: tuple[str, ...] = field(default_factory=tuple)
    # After apply, the store counts the step's products and stock items (Count Products,
    # Count Inventory Items) as the snapshot holds them: the incremental refresh's
    # deletion check rests on both, and the second is in Wix's internal SDK build only.
    counts: bool = False


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    short: str  # part of every name it makes
    covers: str
    steps: Callable[[Names], list[Step]]
    needs_location: bool = False


def _store(n: Names, products: Document, **more: Any) -> Document:
    return {"locations": {n.default_location: {"default": True}}, "products": products, **more}


# --- products: create, prices, visibility, SKUs, variant and product deletion -----------


def products_steps(n: Names) -> list[Step]:
    home = n.default_location
    tee: Document = {
        "name": "Acceptance Tee",
        "options": {n("Size"): ["S", "M", "L"]},
        "sku": n("TEE-{" + n("Size") + "}"),
        "price": "20.00",
        "stock": {home: {"quantity": 10, "policy": "set"}},
    }
    mug: Document = {
        "name": "Acceptance Mug",
        "sku": n("MUG"),
        "price": "8.00",
        "stock": {home: True},
    }
    ebook: Document = {"name": "Acceptance E-book", "type": "digital", "sku": n("EBOOK")}
    ebook.update(price="5.00", stock={home: True})
    created = {n("tee"): tee, n("mug"): mug, n("ebook"): ebook}
    priced = _with(created, n("tee"), price="22.00", variants={"L": {"price": "24.00"}})
    priced = _with(priced, n("mug"), compare_at_price="10.00")
    hidden = _with(priced, n("mug"), visible=False)
    hidden = _with(hidden, n("tee"), variants={"L": {"price": "24.00"}, "M": {"visible": False}})
    skus = _with(hidden, n("tee"), variants={**hidden[n("tee")]["variants"], "S": {"sku": n("S")}})
    fewer = _with(skus, n("tee"), options={n("Size"): ["S", "M"]})
    fewer[n("tee")]["variants"] = {k: v for k, v in skus[n("tee")]["variants"].items() if k != "L"}
    without_ebook = {slug: p for slug, p in fewer.items() if slug != n("ebook")}
    return [
        Step(
            "create",
            _store(n, created),
            ("product create", "variant create", "stock create"),
            counts=True,
        ),
        Step(
            "prices", _store(n, priced), ("variant update price", "variant update compare_at_price")
        ),
        Step("visibility", _store(n, hidden), ("product update visible", "variant update visible")),
        Step("sku", _store(n, skus), ("variant update sku",)),
        Step(
            "remove-variant",
            _store(n, fewer, prune={"variants": True}),
            ("variant delete",),
        ),
        Step(
            "delete-product",
            _store(n, without_ebook, prune={"products": True}),
            ("product delete",),
            targets=(f'product["{n("ebook")}"]',),
        ),
    ]


# --- options: choices, swatches, renames ----------------------------------------------


def options_steps(n: Names) -> list[Step]:
    home = n.default_location
    size, color, colour = n("Size"), n("Color"), n("Colour")

    def tee(sizes: list[str], swatches: dict[str, str], color_name: str = color) -> Document:
        return {
            "name": "Acceptance Swatch Tee",
            "options": {size: sizes, color_name: {"swatches": swatches}},
            "sku": n("ST-{" + size + "}-{" + color_name + "}"),
            "price": "15.00",
            "stock": {home: {"quantity": 3, "policy": "set"}},
        }

    two = {"Black": "#000000", "White": "#FFFFFF"}
    recoloured = {"Black": "#222222", "White": "#FFFFFF", "Red": "#C0392B"}
    slug, renamed = n("tee"), n("tee-renamed")
    # Options are the store's (Wix customizations): renames are store-wide entries.
    choice_moved = {"choice": {"option": size, "from": "S", "to": "Small"}}
    option_moved = {"option": {"from": color, "to": colour}}
    slug_moved = {"product": {"from": slug, "to": renamed}}
    return [
        Step(
            "create",
            _store(n, {slug: tee(["S", "M"], two)}),
            ("option create", "product create"),
        ),
        Step(
            "add-choice",
            _store(n, {slug: tee(["S", "M", "L"], two)}),
            ("option update choices", "product update options", "variant create", "stock create"),
        ),
        Step(
            "swatches",
            _store(n, {slug: tee(["S", "M", "L"], recoloured)}),
            ("option update swatches", "variant create"),
        ),
        Step(
            "rename-choice",
            _store(n, {slug: tee(["Small", "M", "L"], recoloured)}, moved=[choice_moved]),
            ("option update choice", "variant update sku"),
        ),
        Step(
            "rename-option",
            _store(n, {slug: tee(["Small", "M", "L"], recoloured, colour)}, moved=[option_moved]),
            ("option update name",),
        ),
        Step(
            "rename-slug",
            _store(n, {renamed: tee(["Small", "M", "L"], recoloured, colour)}, moved=[slug_moved]),
            ("product update slug",),
        ),
        Step(
            "remove-choice",
            _store(n, {renamed: tee(["Small", "M"], recoloured, colour)}, prune={"variants": True}),
            ("product update options", "variant delete"),
        ),
    ]


# --- options shared by two products ----------------------------------------------------


def shared_options_steps(n: Names) -> list[Step]:
    """One option, two products: a change made once, on the option, reaches both."""
    home = n.default_location
    color = n("Color")

    def products(swatches: dict[str, str], cap_choices: list[str]) -> Document:
        return {
            n("tee"): {
                "name": "Acceptance Shared Tee",
                "options": {color: {"swatches": swatches}},
                "sku": n("SH-TEE-{" + color + "}"),
                "price": "15.00",
                "stock": {home: {"quantity": 2, "policy": "set"}},
            },
            n("cap"): {
                "name": "Acceptance Shared Cap",
                "options": {color: cap_choices},
                "sku": n("SH-CAP-{" + color + "}"),
                "price": "9.00",
                "stock": {home: {"quantity": 2, "policy": "set"}},
            },
        }

    two = {"Black": "#000000", "White": "#FFFFFF"}
    recoloured = {"Black": "#1B1B1B", "White": "#FFFFFF"}
    renamed = {"Black": "#1B1B1B", "Ivory": "#FFFFFF"}
    moved = [{"choice": {"option": color, "from": "White", "to": "Ivory"}}]
    return [
        Step(
            "create",
            _store(n, products(two, ["Black", "White"])),
            ("option create", "product create", "variant create"),
        ),
        # The colour is the option's: one change, and the cap shows it too.
        Step("recolour", _store(n, products(recoloured, ["Black", "White"])), ("option update",)),
        Step(
            "rename-choice",
            _store(n, products(renamed, ["Black", "Ivory"]), moved=moved),
            ("option update choice",),
        ),
    ]


# --- tracking and preorder -------------------------------------------------------------


def tracking_steps(n: Names) -> list[Step]:
    home = n.default_location

    def poster(stock: Any) -> Document:
        return {
            n("poster"): {"name": "Acceptance Poster", "sku": n("POSTER"), "stock": {home: stock}}
        }

    counted = {"quantity": 5, "policy": "set"}
    preorder_soon = {"in_stock": False, "preorder": {"enabled": True, "message": "Soon"}}
    limited = {"enabled": True, "limit": 10, "message": "Ships in March"}
    return [
        Step("create", _store(n, poster(counted)), ("product create", "stock create")),
        Step("to-in-stock", _store(n, poster(True)), ("stock switch_tracking",)),
        Step("preorder-on", _store(n, poster(preorder_soon)), ("stock update preorder",)),
        Step(
            "to-quantity-with-limit",
            _store(n, poster({"quantity": 2, "policy": "set", "preorder": limited})),
            ("stock switch_tracking",),
        ),
        Step(
            "preorder-off",
            _store(n, poster({"quantity": 2, "policy": "set", "preorder": {"enabled": False}})),
            ("stock update preorder",),
        ),
    ]


# --- quantities under each policy, with sales -------------------------------------------


def quantities_steps(n: Names) -> list[Step]:
    home = n.default_location

    def items(set_to: int, initial: int, floor: int) -> Document:
        def item(name: str, quantity: int, policy: str) -> Document:
            stock = {home: {"quantity": quantity, "policy": policy}}
            return {"name": f"Acceptance {name}", "sku": n(name.upper()), "stock": stock}

        return {
            n("counted"): item("Counted", set_to, "set"),
            n("opening"): item("Opening", initial, "initial"),
            n("floor"): item("Floor", floor, "at_least"),
        }

    sale = Sale
    return [
        Step("create", _store(n, items(10, 8, 5)), ("product create", "stock create")),
        Step("set", _store(n, items(14, 8, 5)), ("stock update quantity",)),
        Step("initial-is-not-reapplied", _store(n, items(14, 12, 5)), nothing_planned=True),
        Step(
            "initial-keeps-a-sale",
            _store(n, items(14, 12, 5)),
            nothing_planned=True,
            sale_before_plan=sale("opening", units=3),
        ),
        Step(
            "set-loses-to-a-sale",
            _store(n, items(20, 12, 5)),
            ("stock update quantity",),
            sale_before_apply=sale("counted", units=2),
            stale=("stock update quantity",),
            settles=False,
        ),
        Step("set-again", _store(n, items(20, 12, 5)), ("stock update quantity",)),
        Step(
            "at-least-tops-up-after-a-sale",
            _store(n, items(20, 12, 5)),
            ("stock update quantity",),
            sale_before_plan=sale("floor", units=4),
            sale_before_apply=sale("floor", units=1),
        ),
    ]


# --- locations: create (opt-in), address, stock there -----------------------------------


def locations_steps(n: Names) -> list[Step]:
    home, there = n.default_location, n.location
    moved_address = {**HOME_ADDRESS, "street": f"Acceptance Way {n.token}"}

    def store(address: Document, crate: int, bag: bool) -> Document:
        locations = {
            home: {"default": True},
            there: {"address": address, "time_zone": TIME_ZONE},
        }
        products = {
            n("crate"): {
                "name": "Acceptance Crate",
                "options": {n("Size"): ["S", "M"]},
                "sku": n("CRATE-{" + n("Size") + "}"),
                "price": "30.00",
                "stock": {
                    home: {"quantity": 4, "policy": "set"},
                    there: {"quantity": crate, "policy": "set"},
                },
            },
            n("bag"): {"name": "Acceptance Bag", "sku": n("BAG"), "stock": {there: bag}},
        }
        return {"locations": locations, "products": products}

    first = ("location create",) if n.location_is_new else ()
    return [
        Step("create", store(HOME_ADDRESS, 2, True), (*first, "product create", "stock create")),
        Step("address", store(moved_address, 2, True), ("location update address",)),
        Step("stock-there", store(moved_address, 6, False), ("stock update",)),
        Step("address-back", store(HOME_ADDRESS, 6, False), ("location update address",)),
    ]


# --- refills: units moved into the default location ------------------------------------


def refills_steps(n: Names) -> list[Step]:
    """The default location kept at a floor with units moved from the suite's location."""
    home, there = n.default_location, n.location

    def store(floor: int) -> Document:
        locations = {
            home: {"default": True},
            there: {"address": HOME_ADDRESS, "time_zone": TIME_ZONE},
        }
        jar = {
            "name": "Acceptance Jar",
            "sku": n("JAR"),
            "price": "6.00",
            "stock": {
                home: {"at_least": floor, "refill_from": there},
                there: {"quantity": 20, "policy": "initial"},
            },
        }
        return {"locations": locations, "products": {n("jar"): jar}}

    return [
        # Created empty at home and filled from there, in one apply.
        Step("create", store(4), ("product create", "stock create", "move update")),
        Step(
            "refill-after-sales-at-both-ends",
            store(4),
            ("move update",),
            sale_before_plan=Sale("jar", units=3),
            sale_before_apply=Sale("jar", units=1, location=there),
        ),
        Step(
            "floor-raised-then-a-sale-at-home",
            store(6),
            ("move update",),
            sale_before_apply=Sale("jar", units=1),
        ),
    ]


def _with(products: Document, slug: str, **values: Any) -> Document:
    """``products`` with ``values`` set on one product (a copy: steps never share dicts)."""
    out = {s: dict(p) for s, p in products.items()}
    out[slug].update(values)
    return out


SCENARIOS = [
    Scenario(
        "products",
        "prd",
        "create (with options, without, digital), prices, compare-at prices, product and "
        "variant visibility, SKUs, removing a variant, deleting a product",
        products_steps,
    ),
    Scenario(
        "options",
        "opt",
        "adding a choice, swatch colours and a new swatch, renaming a choice, an option and "
        "a slug (moved:), removing a choice",
        options_steps,
    ),
    Scenario(
        "shared-options",
        "shr",
        "one option shared by two products: a colour and a choice renamed once, on the "
        "option, and shown by both",
        shared_options_steps,
    ),
    Scenario(
        "tracking",
        "trk",
        "quantity -> in stock -> quantity, preorder on (message, limit) and off",
        tracking_steps,
    ),
    Scenario(
        "quantities",
        "qty",
        "policies set, initial and at_least, with sales before the plan and between plan and apply",
        quantities_steps,
    ),
    Scenario(
        "refills",
        "rfl",
        "stock moved into the default location from the suite's location (refill_from), "
        "with sales at both ends between plan and apply",
        refills_steps,
        needs_location=True,
    ),
    Scenario(
        "locations",
        "loc",
        "creating the suite's location (--create-location), its address, stock there",
        locations_steps,
        needs_location=True,
    ),
]
