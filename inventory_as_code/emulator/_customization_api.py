"""Customizations V3 handlers (``/stores/v3/customizations``, ``/stores/v3/bulk/customizations``).

Paths, request and response shapes: SDK ``@wix/auto_sdk_stores_customizations-v-3``
(``build/cjs/meta.js``, ``meta.d.ts``). The rules and side effects are in
:mod:`._customizations`. Statuses: validation rules are 400;
``CHOICES_LIMIT_EXCEEDED`` is 428 (the doc pages count one 428 on Add and Set
Customization Choices; which code it is, is unconfirmed); a missing
customization or choice is 404.

Set Customization Choices "sets a customization's choices. Any and all
existing choices will be overridden. A choice cannot be overridden if it is
assigned to one or more products." How a sent choice is matched to an
existing one is not documented (``Choice.id`` is read-only in the SDK type).
The emulator matches by ``id`` when one is sent, else by name (without
regard to case): a matched choice keeps its id and takes the name and colour
sent (so its products show the new ones); an existing choice matched by
nothing is removed, which is refused (400 ``NOT_ALLOWED_DELETE_CHOICE_ASSIGNED_TO_PRODUCT``)
while a product uses it. Unconfirmed; a client must not depend on more than
"what it sends is what the customization holds afterwards".
"""

from __future__ import annotations

import json
from typing import Any

from inventory_as_code.emulator import _customizations as cz
from inventory_as_code.emulator._bulk import flag, items_of, run_bulk
from inventory_as_code.emulator._context import Ctx, Request
from inventory_as_code.emulator._declared import CUSTOMIZATION, CUSTOMIZATION_CHOICE, prune
from inventory_as_code.emulator._errors import (
    app_error,
    invalid,
    missing_revision,
    not_found,
    required,
    revision_mismatch,
)
from inventory_as_code.emulator._filters import ALL, FieldRules
from inventory_as_code.emulator._paging import (
    PagingRules,
    Table,
    count,
    paging_metadata,
    parse_request,
    run_page,
)
from inventory_as_code.emulator._util import JsonDict, as_dict, as_list

MAX_BULK = 100
# CustomizationQuerySpec (SDK): these fields, every operator; the first four sortable.
_SORTABLE = ("createdDate", "id", "updatedDate", "name")
QUERY_RULES = PagingRules(
    100,
    100,
    5,
    (("createdDate", True),),  # the SDK: "createdDate is sorted in DESC order" by default
    FieldRules(
        dict.fromkeys((*_SORTABLE, "customizationRenderType", "customizationType"), ALL),
        frozenset(_SORTABLE),
    ),
)
TABLE = Table("customizations", columns={"createdDate": "created"}, pushdown={"id": "id"})


def _load(ctx: Ctx, customization_id: str) -> JsonDict:
    doc = cz.load(ctx, customization_id)
    if doc is None:
        raise not_found("Customization", customization_id, code="CUSTOMIZATION_NOT_FOUND")
    return doc


def _out(ctx: Ctx, req: Request, doc: JsonDict) -> JsonDict:
    return {"customization": cz.with_count(ctx, doc, req.fields)}


def _options_only(doc: JsonDict) -> None:
    if doc.get("customizationType") != cz.OPTION or "choicesSettings" not in doc:
        raise app_error(400, "DOESNT_SUPPORT_CHOICES", f"Customization {doc['id']} has no choices")


# --- create, get, update, delete ------------------------------------------------------------


def h_create(ctx: Ctx, req: Request) -> JsonDict:
    if "customization" not in req.body:
        raise required("customization")
    doc = cz.create(ctx, prune(req.body["customization"], CUSTOMIZATION), "customization")
    cz.save(ctx, doc, insert=True)
    return _out(ctx, req, doc)


def h_bulk_create(ctx: Ctx, req: Request) -> JsonDict:
    entries = items_of(req.body, "customizations", MAX_BULK)

    def one(i: int, raw: Any) -> tuple[str, JsonDict]:
        doc = cz.create(ctx, prune(raw, CUSTOMIZATION), f"customizations[{i}]")
        cz.save(ctx, doc, insert=True)
        return doc["id"], doc

    results = run_bulk(ctx, entries, one, return_entity=flag(req.body, "returnEntity"))
    for result in results["results"]:  # the SDK names the entity `customization`, not `item`
        if "item" in result:
            result["customization"] = result.pop("item")
    return results


def h_get(ctx: Ctx, req: Request) -> JsonDict:
    return _out(ctx, req, _load(ctx, req.params["id"]))


def h_update(ctx: Ctx, req: Request) -> JsonDict:
    raw = as_dict(req.body.get("customization"), "customization")
    if not raw:
        raise required("customization")
    return _out(ctx, req, _update(ctx, raw, req.params["id"], "customization"))


def h_bulk_update(ctx: Ctx, req: Request) -> JsonDict:
    """Bulk Update Customizations: each entry ``{customization: {id, revision, ...}}``, checked
    and applied as Update Customization is, one at a time (a stale revision fails its entry)."""
    entries = items_of(req.body, "customizations", MAX_BULK)

    def one(i: int, raw: Any) -> tuple[str, JsonDict]:
        at = f"customizations[{i}].customization"
        sent = as_dict(as_dict(raw, f"customizations[{i}]").get("customization"), at)
        if not sent.get("id"):
            raise required(f"{at}.id")
        doc = _update(ctx, sent, str(sent["id"]), at)
        return doc["id"], doc

    results = run_bulk(
        ctx,
        entries,
        one,
        return_entity=flag(req.body, "returnEntity"),
        id_of=lambda raw: (
            ((raw or {}).get("customization") or {}).get("id") if isinstance(raw, dict) else None
        ),
    )
    for result in results["results"]:  # the SDK names the entity `customization`, not `item`
        if "item" in result:
            result["customization"] = result.pop("item")
    return results


def _update(ctx: Ctx, raw: JsonDict, customization_id: str, at: str) -> JsonDict:
    raw = prune(raw, CUSTOMIZATION)
    if raw.get("id") not in (None, customization_id):
        raise invalid(f"{at}.id", "must match the id in the path")
    doc = _load(ctx, customization_id)
    if not raw.get("revision"):
        raise missing_revision(f"{at}.revision")
    if str(raw["revision"]) != doc["revision"]:
        raise revision_mismatch("Customization", doc["id"], doc["revision"], str(raw["revision"]))
    for immutable in ("customizationType", "customizationRenderType", "freeTextInput"):
        # freeTextInput is @immutable too (Customization object, REST reference).
        if raw.get(immutable) not in (None, doc.get(immutable)):
            raise invalid(f"{at}.{immutable}", "is immutable", violated_rule="IMMUTABLE")
    sent = (raw.get("choicesSettings") or {}).get("choices")
    if sent is not None and [c.get("name") for c in sent if isinstance(c, dict)] != [
        c["name"] for c in cz.choices_of(doc)
    ]:
        # ChoicesSettings.choices is @immutable: choices change through Add / Set /
        # Remove Customization Choices only.
        raise invalid(
            f"{at}.choicesSettings.choices",
            "is immutable here; use Add, Set or Remove Customization Choices",
            violated_rule="IMMUTABLE",
        )
    renamed = "name" in raw and raw["name"] != doc["name"]
    if renamed:
        name = cz.text_field(raw["name"], f"{at}.name")
        if doc["customizationType"] == cz.OPTION:
            cz.check_name_free(ctx, name, doc["id"])
        doc["name"], doc["key"] = name, cz.name_key(name)
    cz.touch(ctx, doc)
    cz.save(ctx, doc, insert=False)
    if renamed:
        cz.propagate(ctx, doc, cz.users(ctx, doc["id"]))
    return doc


def h_delete(ctx: Ctx, req: Request) -> JsonDict:
    doc = _load(ctx, req.params["id"])
    if doc["customizationType"] == cz.OPTION and cz.users(ctx, doc["id"]):
        raise invalid(
            "customizationId",
            "options cannot be deleted while assigned to a product",
            rule_name="NOT_ALLOWED_DELETE_CUSTOMIZATION_ASSIGNED_TO_PRODUCT",
        )
    # unconfirmed in the Wix docs: a deleted modifier leaves the products' copies
    # ("automatically removed from all products that reference them") - not modelled.
    ctx.conn.execute(
        "DELETE FROM customizations WHERE site_id = ? AND id = ?", (ctx.site_id, doc["id"])
    )
    return {}


# --- query, count -----------------------------------------------------------------------


def _materialize(rows: list[Any]) -> list[JsonDict]:
    return [json.loads(r["doc"]) for r in rows]


def h_query(ctx: Ctx, req: Request) -> JsonDict:
    page_req = parse_request(req.body.get("query"), QUERY_RULES, "query")
    page = run_page(ctx.conn, ctx.site_id, TABLE, page_req, _materialize)
    docs = [cz.with_count(ctx, d, req.fields) for d in page.docs]
    return {"customizations": docs, "pagingMetadata": paging_metadata(page, QUERY_RULES)}


def h_count(ctx: Ctx, req: Request) -> JsonDict:
    page_req = parse_request({"filter": req.body.get("filter")}, QUERY_RULES, "")
    return {"count": count(ctx.conn, ctx.site_id, TABLE, page_req, _materialize)}


# --- choices ---------------------------------------------------------------------------


def _sent_choices(req: Request, maximum: int) -> list[Any]:
    choices = as_list(req.body.get("choices"), "choices")
    if not choices:
        raise invalid("choices", "must contain at least 1 element", violated_rule="MIN_SIZE")
    if len(choices) > maximum:
        raise invalid(
            "choices", f"must contain at most {maximum} elements", violated_rule="MAX_SIZE"
        )
    return [prune(c, CUSTOMIZATION_CHOICE) for c in choices]


def h_add_choices(ctx: Ctx, req: Request) -> JsonDict:
    doc = _load(ctx, req.params["id"])
    _options_only(doc)
    render = doc["customizationRenderType"]
    added = [
        cz.new_choice(ctx, c, f"choices[{i}]", render)
        for i, c in enumerate(_sent_choices(req, 1000))
    ]
    choices = cz.choices_of(doc) + added
    cz.check_choices(choices, "choices")
    doc["choicesSettings"] = {"choices": choices}
    cz.touch(ctx, doc)
    cz.save(ctx, doc, insert=False)
    return _out(ctx, req, doc)


def h_set_choices(ctx: Ctx, req: Request) -> JsonDict:
    """Set Customization Choices, as the module notes describe the matching."""
    doc = _load(ctx, req.params["id"])
    _options_only(doc)
    render = doc["customizationRenderType"]
    existing = cz.choices_of(doc)
    by_id = {c["id"]: c for c in existing}
    by_name = {cz.name_key(c["name"]): c for c in existing}
    matched: set[str] = set()
    out: list[JsonDict] = []
    for i, raw in enumerate(_sent_choices(req, 1000)):
        at = f"choices[{i}]"
        fresh = cz.new_choice(ctx, raw, at, render)
        old = by_id.get(str(raw.get("id") or ""))
        if raw.get("id") and old is None:
            raise app_error(404, "CHOICE_NOT_FOUND", f"Choice {raw['id']} does not exist")
        if old is None:
            old = by_name.get(cz.name_key(fresh["name"]))
            if old is not None and old["id"] in matched:
                old = None
        if old is not None:
            matched.add(old["id"])
            fresh["id"] = old["id"]
        out.append(fresh)
    cz.check_choices(out, "choices")
    products = cz.users(ctx, doc["id"])
    assigned = cz.assigned_choice_ids(products, doc["id"])
    dropped = [c for c in existing if c["id"] not in matched and c["id"] in assigned]
    if dropped:
        raise invalid(
            "choices",
            f"choice '{dropped[0]['name']}' is assigned to products and cannot be removed "
            "or overridden",
            rule_name="NOT_ALLOWED_DELETE_CHOICE_ASSIGNED_TO_PRODUCT",
        )
    doc["choicesSettings"] = {"choices": out}
    cz.touch(ctx, doc)
    cz.save(ctx, doc, insert=False)
    cz.propagate(ctx, doc, products)
    return _out(ctx, req, doc)


def h_remove_choices(ctx: Ctx, req: Request) -> JsonDict:
    doc = _load(ctx, req.params["id"])
    _options_only(doc)
    revision = req.body.get("revision")
    if revision and str(revision) != doc["revision"]:
        raise revision_mismatch("Customization", doc["id"], doc["revision"], str(revision))
    ids = [str(x) for x in as_list(req.body.get("choiceIds"), "choiceIds")]
    if not ids:
        raise invalid("choiceIds", "must contain at least 1 element", violated_rule="MIN_SIZE")
    existing = {c["id"]: c for c in cz.choices_of(doc)}
    for choice_id in ids:
        if choice_id not in existing:
            raise app_error(404, "CHOICE_NOT_FOUND", f"Choice {choice_id} does not exist")
    assigned = cz.assigned_choice_ids(cz.users(ctx, doc["id"]), doc["id"]) & set(ids)
    if assigned:
        raise app_error(
            428,
            "CHOICE_ASSIGNED_TO_PRODUCT",
            f"Choice {sorted(assigned)[0]} is assigned to a product and cannot be removed",
        )
    left = [c for c in cz.choices_of(doc) if c["id"] not in set(ids)]
    if not left:
        raise invalid(
            "choiceIds",
            "would leave the customization without choices",
            rule_name="NOT_ALLOWED_CUSTOMIZATION_WITHOUT_CHOICES",
        )
    doc["choicesSettings"] = {"choices": left}
    cz.touch(ctx, doc)
    cz.save(ctx, doc, insert=False)
    return _out(ctx, req, doc)
