"""The contract's own reading of a store and of a plan, apart from the tool's code.

Shared by the contract property test (``tests/properties/test_contract.py``,
on the emulator) and the acceptance suite (:mod:`inventory_as_code.acceptance`,
on a real site): the same check, pointed at either.

``snapshot`` reads the live store through the REST API and keeps every field a
user could notice, keyed by Wix ids: the store's options (customizations)
too, since a product shows its options' names and colours. ``expected_diff`` says, from the plan's
changes alone, which fields of which objects apply may change and to what,
which objects it creates and which it deletes. ``diff`` compares two
snapshots. The test then holds apply to: the difference between the
snapshots before and after is exactly what the plan says.

This is written again here, small and literal, rather than reusing the
apply code's check (``inventory_as_code.apply.check``): a check that shares
the code it tests cannot catch that code's mistakes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.acceptance.contract_moves import move_problems, planned_moves
from inventory_as_code.wix import WixClient
from inventory_as_code.wix._types import InventoryItem

Key = tuple[str, str]  # (kind, Wix id)
FIELDS_NAMES = ("VARIANT_OPTION_CHOICE_NAMES",)


def _money(value: Any) -> str | None:
    if value is None:
        return None
    from decimal import Decimal

    amount = Decimal(str(value))
    return f"{amount:.3f}" if amount.as_tuple().exponent == -3 else f"{amount:.2f}"


def _color(code: Any) -> str | None:
    return None if not code else str(code).upper()


def snapshot(
    client: WixClient, scope: Callable[[str], bool] | None = None
) -> dict[Key, dict[str, Any]]:
    """Everything a user could notice, by (kind, id).

    With ``scope`` (a test of slugs), a product outside it is kept as its
    revision only (no read per product; a write to it still shows as a change
    that no plan holds) and its stock is not read.
    """
    out: dict[Key, dict[str, Any]] = {}
    stores = {s["id"]: s for s in client.locations.query_stores()}
    for location in client.locations.query():
        address = location.get("address") or {}
        street = address.get("streetAddress") or {}
        out[("location", location["id"])] = {
            "name": location.get("name"),
            "archived": bool(location.get("archived", False)),
            "types": tuple(sorted(location.get("locationTypes") or ())),
            "street": " ".join(str(street[k]) for k in ("name", "number") if street.get(k)) or None,
            "city": address.get("city"),
            "postal_code": address.get("postalCode"),
            "country": address.get("country"),
            "formatted": address.get("formattedAddress"),
            "time_zone": location.get("timeZone"),
        }
    location_name: dict[Any, Any] = {sid: s.get("name") for sid, s in stores.items()}
    outside: set[str] = set()
    products: set[str] = set()
    for option in client.customizations.query():
        out[("option", option["id"])] = {
            "name": option.get("name"),
            "render": option.get("customizationRenderType"),
            "choices": tuple(
                (c.get("name"), c.get("choiceType"), _color(c.get("colorCode")))
                for c in (option.get("choicesSettings") or {}).get("choices") or []
            ),
        }
    for listed in client.products.query():
        products.add(listed["id"])
        if scope is not None and not scope(str(listed.get("slug"))):
            outside.add(listed["id"])
            out[("product", listed["id"])] = {
                "slug": listed.get("slug"),
                "revision": listed.get("revision"),
            }
            continue
        product = client.products.get(listed["id"], fields=FIELDS_NAMES)
        options = product.get("options") or []
        out[("product", product["id"])] = {
            "slug": product.get("slug"),
            "name": product.get("name"),
            "visible": product.get("visible"),
            "type": product.get("productType"),
            "options": tuple(
                (
                    o.get("name"),
                    o.get("optionRenderType"),
                    tuple(
                        (c.get("name"), c.get("choiceType"), _color(c.get("colorCode")))
                        for c in (o.get("choicesSettings") or {}).get("choices") or []
                    ),
                )
                for o in options
            ),
        }
        for variant in (product.get("variantsInfo") or {}).get("variants") or []:
            price = variant.get("price") or {}
            state: dict[str, Any] = {
                "product": product["id"],
                "choices": tuple(
                    sorted(
                        (
                            (c.get("optionChoiceNames") or {}).get("optionName"),
                            (c.get("optionChoiceNames") or {}).get("choiceName"),
                        )
                        for c in variant.get("choices") or []
                    )
                ),
                "sku": variant.get("sku"),
                "price": _money((price.get("actualPrice") or {}).get("amount")),
                "compare_at_price": _money((price.get("compareAtPrice") or {}).get("amount")),
            }
            if options:
                # An option-less product's only variant is as visible as the product.
                state["visible"] = variant.get("visible")
            out[("variant", variant["id"])] = state
    for item in _inventory(client, None if scope is None else products - outside):
        preorder = item.get("preorderInfo") or {}
        counted = "quantity" in item
        out[("stock", item["id"])] = {
            "variant": item.get("variantId"),
            "location": location_name.get(item.get("locationId"), item.get("locationId")),
            # The YAML names the default location as it likes ("Main"): a place the plan
            # names is found by this id where the plan knows it. An item never changes it.
            "location_id": item.get("locationId"),
            "tracking": "quantity" if counted else "in_stock",
            "quantity": item.get("quantity") if counted else None,
            "in_stock": None if counted else bool(item.get("inStock")),
            "preorder.enabled": bool(preorder.get("enabled", False)),
            "preorder.message": preorder.get("message"),
            "preorder.limit": preorder.get("limit") if counted else None,
        }
    return out


def _inventory(client: WixClient, product_ids: set[str] | None) -> Iterator[InventoryItem]:
    if product_ids is None:
        yield from client.inventory.query()
        return
    ids = sorted(product_ids)
    for start in range(0, len(ids), 100):
        yield from client.inventory.query({"productId": {"$in": ids[start : start + 100]}})


@dataclass
class Diff:
    changed: dict[tuple[Key, str], Any] = field(default_factory=dict)  # (object, field) -> new
    created: dict[Key, dict[str, Any]] = field(default_factory=dict)
    deleted: set[Key] = field(default_factory=set)


def diff(before: dict[Key, dict[str, Any]], after: dict[Key, dict[str, Any]]) -> Diff:
    out = Diff()
    for key, state in after.items():
        old = before.get(key)
        if old is None:
            out.created[key] = state
            continue
        for name, value in state.items():
            if old.get(name) != value:
                out.changed[(key, name)] = value
    out.deleted = {key for key in before if key not in after}
    return out


# --- what the plan says -----------------------------------------------------------------

_LOCATION_FIELDS = {
    "name": ("name",),
    "address": ("street", "city", "postal_code", "country", "formatted"),
    "time_zone": ("time_zone",),
    "location_types": ("types",),
}


def problems_against_plan(
    plan: Any, before: dict[Key, dict[str, Any]], after: dict[Key, dict[str, Any]]
) -> list[str]:
    """Every way the difference between ``before`` and ``after`` strays from ``plan``."""
    found = diff(before, after)
    problems: list[str] = []
    allowed: dict[tuple[Key, str], Any] = {}  # field -> expected value (... = any value)
    expect_created: dict[str, list[Any]] = {
        "option": [],
        "product": [],
        "variant": [],
        "stock": [],
        "location": [],
    }
    expect_deleted: set[Key] = set()
    gone_with: set[str] = set()  # ids of products/variants whose variants/stock go too
    renamed_locations = {}
    moves = planned_moves(plan)
    moved_items: set[str] = set()
    for move in moves:  # their counts are checked as moves (contract_moves)
        for end in (move.destination, move.source):
            if end is not None and end.item is not None:
                allowed[(("stock", end.item), "quantity")] = ...
                moved_items.add(end.item)
    for change in plan.changes:
        kind, action, keys = change.kind.value, change.action.value, change.keys
        fields = {f.field for f in change.fields}
        after_values = dict(change.after or {})
        if action == "create":
            expect_created[kind].append(change)
            continue
        if kind == "move":
            continue  # read above: the quantities it leaves at both ends
        if kind == "option":
            _option_expectation(change, before, after, allowed)
            continue
        if kind == "product":
            key: Key = ("product", keys["product_id"])
            if action == "delete":
                expect_deleted.add(key)
                gone_with.add(keys["product_id"])
                continue
            for name in ("name", "visible"):
                if name in fields:
                    allowed[(key, name)] = after_values[name]
            if "slug" in fields:
                allowed[(key, "slug")] = keys["slug"]
            if any(
                f.split(".")[0].split("[")[0] in ("options", "swatches", "option") for f in fields
            ):
                allowed[(key, "options")] = _options_expectation(change, before[key], after)
                # Choice names of kept variants follow a choice or option rename.
                for vkey, state in before.items():
                    if vkey[0] == "variant" and state["product"] == keys["product_id"]:
                        allowed[(vkey, "choices")] = ...
        elif kind == "variant":
            key = ("variant", keys["variant_id"])
            if action == "delete":
                expect_deleted.add(key)
                gone_with.add(keys["variant_id"])
                continue
            for name in ("sku", "price", "compare_at_price", "visible"):
                if name in fields:
                    allowed[(key, name)] = after_values[name]
        elif kind == "stock":
            key = ("stock", change.observed.id if change.observed else keys["inventory_item_id"])
            if action == "delete":
                expect_deleted.add(key)
                continue
            for name, value in _stock_expectation(change).items():
                if name == "quantity" and key[1] in moved_items:
                    continue  # a switch, then a move: the move starts from it (contract_moves)
                allowed[(key, name)] = value
        elif kind == "location":
            key = ("location", keys.get("wix_location_id") or change.observed.id)
            if action == "delete":
                allowed[(key, "archived")] = True
                continue
            for name in fields:
                top = name.split(".")[0]
                for snap_name in _LOCATION_FIELDS.get(top, ()):
                    allowed[(key, snap_name)] = ...
            if "name" in fields:
                allowed[(key, "name")] = after_values["name"]
                renamed_locations[before[key]["name"]] = after_values["name"]
    # A renamed location's stock items now name the new location.
    for key, state in before.items():
        if key[0] == "stock" and state["location"] in renamed_locations:
            allowed[(key, "location")] = renamed_locations[state["location"]]

    for (key, name), value in found.changed.items():
        if (key, name) not in allowed:
            problems.append(
                f"{key} {name}: {before[key].get(name)!r} -> {value!r}, not in the plan"
            )
            continue
        wanted = allowed[(key, name)]
        if wanted is ... or (callable(wanted) and wanted(value)):
            continue
        if wanted != value:
            problems.append(f"{key} {name}: planned {wanted!r}, found {value!r}")
    for (key, name), wanted in allowed.items():
        if wanted is ... or callable(wanted) or key not in after:
            continue
        if after[key].get(name) != wanted:
            problems.append(f"{key} {name}: planned {wanted!r}, still {after[key].get(name)!r}")
    for key in found.deleted:
        state = before[key]
        cascaded = (key[0] == "variant" and state["product"] in gone_with) or (
            key[0] == "stock"
            and (state["variant"] in gone_with or _product_of(before, state) in gone_with)
        )
        if key not in expect_deleted and not cascaded:
            problems.append(f"{key} was deleted, not in the plan")
    for key in expect_deleted - found.deleted:
        problems.append(f"{key} was planned to be deleted and is still there")
    moved = {end.place for m in moves for end in (m.destination, m.source) if end is not None}
    problems += _created_problems(found, expect_created, after, moved)
    problems += move_problems(moves, before, after)
    return problems


def _product_of(snap: dict[Key, dict[str, Any]], stock: dict[str, Any]) -> str | None:
    variant = snap.get(("variant", stock["variant"]))
    return None if variant is None else variant["product"]


def _stock_expectation(change: Any) -> dict[str, Any]:
    after = dict(change.after or {})
    out: dict[str, Any] = {}
    if change.action.value == "switch_tracking":
        out["tracking"] = after["tracking"]
        out["quantity"] = after.get("quantity") if after["tracking"] == "quantity" else None
        out["in_stock"] = None if after["tracking"] == "quantity" else bool(after.get("in_stock"))
    for name in ("quantity", "in_stock"):
        if name in after:
            out[name] = after[name]
    for name, value in (after.get("preorder") or {}).items():
        out[f"preorder.{name}"] = value
    return out


def _shown_by_options(value: Any, after: dict[Key, dict[str, Any]]) -> bool:
    """Every choice a product shows is its option's: same type and colour (options are shared)."""
    options = {
        state["name"].lower(): state for (kind, _), state in after.items() if kind == "option"
    }
    for name, render, choices in value:
        option = options.get(str(name).lower())
        if option is None or option["render"] != render:
            return False
        by_name = {c[0]: c[1:] for c in option["choices"]}
        if any(by_name.get(c[0]) != c[1:] for c in choices):
            return False
    return True


def _option_expectation(
    change: Any,
    before: dict[Key, dict[str, Any]],
    after: dict[Key, dict[str, Any]],
    allowed: dict[tuple[Key, str], Any],
) -> None:
    """A store option change: the option takes the plan's names and colours, and so does
    every product that uses it (the option is shared); their variants' choice names follow."""
    values = dict(change.after or {})
    key: Key = ("option", change.keys["option_id"])
    allowed[(key, "name")] = values["name"]
    old = before[key]
    colors = values.get("swatches") or {}
    renamed = dict(zip([c[0] for c in old["choices"]], values["choices"], strict=False))
    ctype = "ONE_COLOR" if old["render"] == "SWATCH_CHOICES" else "CHOICE_TEXT"
    allowed[(key, "choices")] = tuple(
        (name, ctype, _color(colors.get(name))) for name in values["choices"]
    )
    for product_id in (change.keys.get("products") or {}).values():
        product_key: Key = ("product", product_id)
        if product_key not in before or (product_key, "options") in allowed:
            continue
        allowed[(product_key, "options")] = lambda value, a=after: _shown_by_options(value, a)
        for vkey, state in before.items():
            if vkey[0] == "variant" and state["product"] == product_id:
                allowed[(vkey, "choices")] = tuple(
                    sorted(
                        (values["name"] if o == old["name"] else o, renamed.get(c, c))
                        if o == old["name"]
                        else (o, c)
                        for o, c in state["choices"]
                    )
                )


def _options_expectation(
    change: Any, before: dict[str, Any], after: dict[Key, dict[str, Any]]
) -> Any:
    """A check of a product's options after the change: the plan's names and order, each
    choice as its (shared) option shows it, and no live choice retyped or recoloured but
    by an option change of the plan (the option then checks its own values)."""
    options = dict((change.after or {}).get("options") or {})

    def check(value: Any) -> bool:
        got = {name: [c[0] for c in choices] for name, _, choices in value}
        return got == {name: list(choices) for name, choices in options.items()} and (
            _shown_by_options(value, after)
        )

    return check


def _created_problems(
    found: Diff,
    expect: dict[str, list[Any]],
    after: dict[Key, dict[str, Any]],
    moved: set[tuple[str, tuple[str, ...], str]],
) -> list[str]:
    problems = []
    state: dict[str, Any] | None
    wanted: Any
    created: dict[str, list[dict[str, Any]]] = {}
    for key, state in found.created.items():
        created.setdefault(key[0], []).append(state)
    for kind in ("option", "product", "variant", "stock", "location"):
        got, wanted = created.get(kind, []), expect[kind]
        if len(got) != len(wanted):
            problems.append(f"{len(got)} {kind}(s) created, the plan says {len(wanted)}")
    options = {s["name"]: s for s in created.get("option", [])}
    for change in expect["option"]:
        values = dict(change.after or {})
        state = options.get(values["name"])
        colors = values.get("swatches") or {}
        wanted = tuple(
            (c, "ONE_COLOR" if colors else "CHOICE_TEXT", _color(colors.get(c)))
            for c in values["choices"]
        )
        if state is None or state["choices"] != wanted:
            problems.append(f"option {values['name']} created as {state}, planned {values}")
    by_slug = {s["slug"]: s for s in created.get("product", [])}
    for change in expect["product"]:
        state = by_slug.get(change.keys["slug"])
        values = dict(change.after or {})
        if state is None:
            problems.append(f"product {change.keys['slug']} was not created")
        elif state["name"] != values.get("name") or (
            "visible" in values and state["visible"] != values["visible"]
        ):
            problems.append(f"product {change.keys['slug']} created as {state}, planned {values}")
    by_name = {s["name"]: s for s in created.get("location", [])}
    for change in expect["location"]:
        values = dict(change.after or {})
        state = by_name.get(values["name"])
        if state is None:
            problems.append(f"location {values['name']} was not created")
            continue
        for name, value in (values.get("address") or {}).items():
            if state.get(name) != value:
                problems.append(
                    f"location {values['name']} {name}: {state.get(name)!r}, planned {value!r}"
                )
    stock_by_place = {(s["variant"], s["location"]): s for s in created.get("stock", [])}
    # The YAML's name of the default location is not Wix's: by id where the plan knows it.
    stock_by_place.update({(s["variant"], s["location_id"]): s for s in created.get("stock", [])})
    variant_ids = {
        (after[("product", s["product"])]["slug"], tuple(c for _, c in s["choices"])): vid
        for (k, vid), s in after.items()
        if k == "variant"
    }
    for change in expect["stock"]:
        slug, choices, location = (
            change.keys["slug"],
            change.keys["variant"],
            change.keys["location"],
        )
        vid = next(
            (v for (s, c), v in variant_ids.items() if s == slug and sorted(c) == sorted(choices)),
            None,
        )
        where = change.keys.get("location_id") or location
        state = stock_by_place.get((vid, where)) if vid else None
        if state is None:
            continue  # counted above (a stock item at a location named differently is a miss)
        values = dict(change.after or {})
        wanted = {"tracking": values["tracking"]}
        wanted["quantity" if values["tracking"] == "quantity" else "in_stock"] = values.get(
            "quantity", values.get("in_stock")
        )
        for name, value in (values.get("preorder") or {}).items():
            if not (name == "limit" and values["tracking"] == "in_stock"):
                wanted[f"preorder.{name}"] = value
        if (str(slug), tuple(sorted(choices)), str(location)) in moved:  # as planned_moves
            wanted.pop("quantity", None)  # created, then moved into or out of: contract_moves
        for name, value in wanted.items():
            if state.get(name) != value:
                problems.append(f"{change.address} {name}: {state.get(name)!r}, planned {value!r}")
    return problems
