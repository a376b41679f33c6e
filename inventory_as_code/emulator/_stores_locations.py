"""Stores Locations V3: a read-only, eventually consistent projection of Wix locations.

A Wix location that is not archived and has ``INVENTORY`` in ``locationTypes``
is listed. The projection row is kept (inactive) when the type is removed so
the stores id is stable if the type comes back. Stores ids differ from Wix
location ids on purpose (their equality is unconfirmed in the docs; making
them different catches clients that confuse them).

Eventual consistency: a location that becomes an inventory location through
the API (Create Location with ``INVENTORY``, or Add Type) appears here only
``locations_lag`` seconds later (``FaultConfig.locations_lag_s``, off by
default): the row's ``due`` time. Until then it is absent from query, get
and default, and inventory cannot be written there (unconfirmed in the Wix
docs how long this takes; the docs say only that Wix Locations changes "are
reflected" here). Name and default changes are projected at once.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from inventory_as_code.emulator._context import Ctx, Request
from inventory_as_code.emulator._errors import not_found
from inventory_as_code.emulator._filters import ALL, FieldRules
from inventory_as_code.emulator._paging import PagingRules, Table, paging_metadata, parse_request
from inventory_as_code.emulator._paging import run_page as _run_page
from inventory_as_code.emulator._util import JsonDict, bump, dumps

STORES_RULES = PagingRules(
    max_limit=100,
    default_limit=100,
    max_sort=8,
    default_sort=(("createdDate", True),),
    rules=FieldRules(
        filterable={
            f: ALL
            for f in (
                "id",
                "wixLocationId",
                "createdDate",
                "updatedDate",
                "name",
                "locationType",
                "defaultLocation",
            )
        },
        sortable=frozenset(
            {"createdDate", "updatedDate", "name", "locationType", "defaultLocation"}
        ),
    ),
)


def _visible(ctx: Ctx) -> str:
    """SQL condition: the stores locations a reader sees now (a float is safe to inline)."""
    return f"active = 1 AND due <= {ctx.now.timestamp()!r}"


def sync_stores_location(
    ctx: Ctx, wix: JsonDict, *, virtual: bool = False, appear_after: float = 0.0
) -> None:
    """Project a Wix location; ``appear_after`` delays a newly listed location."""
    active = "INVENTORY" in (wix.get("locationTypes") or []) and not wix.get("archived")
    # 0: visible at once, whatever clock later readers see
    due = (ctx.now + timedelta(seconds=appear_after)).timestamp() if appear_after > 0 else 0.0
    row = ctx.conn.execute(
        "SELECT id, active, doc FROM stores_locations WHERE site_id = ? AND wix_location_id = ?",
        (ctx.site_id, wix["id"]),
    ).fetchone()
    ctx.cache.pop("default_location", None)
    if row is None:
        if not active:
            return
        doc = {
            "id": ctx.ids.new(),
            "revision": "1",
            "createdDate": ctx.now_iso,
            "updatedDate": ctx.now_iso,
            "wixLocationId": wix["id"],
            # The store's own first location is the online store; others are physical.
            "locationType": "VIRTUAL" if virtual else "PHYSICAL",
            "name": wix["name"],
            "defaultLocation": bool(wix.get("default")),
        }
        ctx.conn.execute(
            "INSERT INTO stores_locations (site_id, id, wix_location_id, active, due, doc)"
            " VALUES (?,?,?,1,?,?)",
            (ctx.site_id, doc["id"], wix["id"], due, dumps(doc)),
        )
        return
    doc = json.loads(row["doc"])
    appearing = active and not row["active"]
    changed = bool(row["active"]) != active
    for key, value in (("name", wix["name"]), ("defaultLocation", bool(wix.get("default")))):
        if doc.get(key) != value:
            doc[key] = value
            changed = True
    if changed:
        doc["revision"] = bump(doc["revision"])
        doc["updatedDate"] = ctx.now_iso
        ctx.conn.execute(
            "UPDATE stores_locations SET active = ?, doc = ?"
            + (", due = ?" if appearing else "")
            + " WHERE site_id = ? AND id = ?",
            (int(active), dumps(doc), *((due,) if appearing else ()), ctx.site_id, doc["id"]),
        )


def default_location_id(ctx: Ctx) -> str | None:
    """The default stores location id (inventory ``locationId``) of the site."""
    if "default_location" not in ctx.cache:
        found = None
        for row in ctx.conn.execute(
            f"SELECT doc FROM stores_locations WHERE site_id = ? AND {_visible(ctx)}",
            (ctx.site_id,),
        ):
            doc = json.loads(row["doc"])
            if doc.get("defaultLocation"):
                found = doc["id"]
        ctx.cache["default_location"] = found
    return ctx.cache["default_location"]  # type: ignore[no-any-return]


def stores_location_exists(ctx: Ctx, location_id: str) -> bool:
    row = ctx.conn.execute(
        f"SELECT 1 FROM stores_locations WHERE site_id = ? AND id = ? AND {_visible(ctx)}",
        (ctx.site_id, location_id),
    ).fetchone()
    return row is not None


def stores_location_by_name(ctx: Ctx) -> dict[str, str]:
    out = {}
    for row in ctx.conn.execute(
        f"SELECT id, doc FROM stores_locations WHERE site_id = ? AND {_visible(ctx)}",
        (ctx.site_id,),
    ):
        out[json.loads(row["doc"])["name"]] = str(row["id"])
    return out


# ---- handlers ---------------------------------------------------------------


def _docs(rows: list[Any]) -> list[JsonDict]:
    return [json.loads(r["doc"]) for r in rows]


def h_stores_get(ctx: Ctx, req: Request) -> JsonDict:
    row = ctx.conn.execute(
        f"SELECT doc FROM stores_locations WHERE site_id = ? AND id = ? AND {_visible(ctx)}",
        (ctx.site_id, req.params["id"]),
    ).fetchone()
    if row is None:
        raise not_found("Stores location", req.params["id"])
    return {"storesLocation": json.loads(row["doc"])}


def h_stores_default(ctx: Ctx, req: Request) -> JsonDict:
    location_id = default_location_id(ctx)
    if location_id is None:
        raise not_found("Default stores location", "of this site")
    return h_stores_get(ctx, Request(req.method, req.path, {"id": location_id}, {}))


def h_stores_query(ctx: Ctx, req: Request) -> JsonDict:
    page_req = parse_request(req.body.get("query"), STORES_RULES, "query")
    table = Table("stores_locations", where=_visible(ctx), pushdown={"id": "id"})
    page = _run_page(ctx.conn, ctx.site_id, table, page_req, _docs)
    return {"storesLocations": page.docs, "pagingMetadata": paging_metadata(page, STORES_RULES)}
