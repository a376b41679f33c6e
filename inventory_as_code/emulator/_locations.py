"""Sites and Wix Locations (``/locations/v1``).

A site seen for the first time is provisioned as a fresh Catalog V3 store:
one Wix location ("Online store", ``default: true``, ``locationTypes:
[INVENTORY]``) mirrored as the default stores location (``locationType:
VIRTUAL``). Every change of a Wix location is projected into Stores
Locations V3 (``_stores_locations``). Location bodies are pruned to the
declared ``Location`` fields first (``_declared``): an address sent with the
JS SDK's names (``formatted``, ``location``) keeps neither.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from inventory_as_code.emulator._context import Ctx, Request
from inventory_as_code.emulator._declared import LOCATION, prune
from inventory_as_code.emulator._errors import (
    app_error,
    invalid,
    missing_revision,
    not_found,
    required,
    revision_mismatch,
)
from inventory_as_code.emulator._paging import (
    PagingRules,
    Table,
    paging_metadata,
    parse_request,
    run_page,
)
from inventory_as_code.emulator._stores_locations import sync_stores_location
from inventory_as_code.emulator._util import JsonDict, as_dict, as_list, bump, dumps

logger = logging.getLogger(__name__)

CATALOG_VERSIONS = ("V1_CATALOG", "V3_CATALOG", "STORES_NOT_INSTALLED")
LOCATION_TYPES = {"UNKNOWN", "BRANCH", "OFFICES", "RECEPTION", "HEADQUARTERS", "INVENTORY"}
_WRITABLE = (
    "name",
    "description",
    "status",
    "locationType",
    "locationTypes",
    "timeZone",
    "email",
    "phone",
    "fax",
    "address",
    "businessSchedule",
    "extendedFields",
)

WIX_TABLE = Table("wix_locations", pushdown={"id": "id"})
# Offset paging, default 50, max 1000. Filterable fields are not restricted:
# the SDK builder lists many and filtering on locationTypes is unconfirmed.
WIX_RULES = PagingRules(max_limit=1000, default_limit=50, max_sort=10, default_sort=())


# ---- sites ----------------------------------------------------------------


def ensure_site(ctx: Ctx) -> str:
    """The site's catalog version, provisioning a fresh V3 store on first sight."""
    row = ctx.conn.execute(
        "SELECT catalog_version FROM sites WHERE site_id = ?", (ctx.site_id,)
    ).fetchone()
    if row is not None:
        return str(row[0])
    logger.info("provisioning new emulated site %s", ctx.site_id)
    ctx.conn.execute("INSERT INTO sites VALUES (?, 'V3_CATALOG', ?)", (ctx.site_id, ctx.now_iso))
    create_wix_location(
        ctx,
        {
            "name": "Online store",
            "address": {"country": "US", "formattedAddress": ""},
            "timeZone": "Etc/UTC",
            "locationTypes": ["INVENTORY"],
        },
        default=True,
        virtual=True,
    )
    return "V3_CATALOG"


def set_catalog_version(ctx: Ctx, version: str) -> None:
    if version not in CATALOG_VERSIONS:
        raise invalid("catalogVersion", f"must be one of {', '.join(CATALOG_VERSIONS)}")
    ensure_site(ctx)
    ctx.conn.execute(
        "UPDATE sites SET catalog_version = ? WHERE site_id = ?", (version, ctx.site_id)
    )


# ---- Wix locations ----------------------------------------------------------


def _validate_location(body: Any, where: str) -> JsonDict:
    loc = prune(as_dict(body, where), LOCATION)
    name = loc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise required(f"{where}.name")
    if len(name) > 150:
        raise invalid(f"{where}.name", "must be at most 150 characters", violated_rule="MAX_LENGTH")
    if len(str(loc.get("description", ""))) > 500:
        raise invalid(
            f"{where}.description", "must be at most 500 characters", violated_rule="MAX_LENGTH"
        )
    if not isinstance(loc.get("address"), dict):
        raise required(f"{where}.address")
    if not isinstance(loc.get("timeZone"), str) or not loc["timeZone"]:
        raise required(f"{where}.timeZone")
    types = as_list(loc.get("locationTypes"), f"{where}.locationTypes")
    if len(types) > 10 or any(t not in LOCATION_TYPES for t in types):
        raise invalid(f"{where}.locationTypes", "must be at most 10 LocationType values")
    if loc.get("status", "ACTIVE") != "ACTIVE":
        # The docs: INACTIVE is not supported.
        raise invalid(f"{where}.status", "only ACTIVE is supported")
    return {k: loc[k] for k in _WRITABLE if k in loc}


def create_wix_location(
    ctx: Ctx,
    body: JsonDict,
    *,
    default: bool = False,
    virtual: bool = False,
    appear_after: float = 0.0,
) -> JsonDict:
    doc = {"id": ctx.ids.new(), **_validate_location(body, "location")}
    doc.setdefault("status", "ACTIVE")
    doc.setdefault("locationTypes", [])
    doc.update({"default": default, "archived": False, "revision": "1"})
    ctx.conn.execute(
        "INSERT INTO wix_locations (site_id, id, doc) VALUES (?,?,?)",
        (ctx.site_id, doc["id"], dumps(doc)),
    )
    sync_stores_location(ctx, doc, virtual=virtual, appear_after=appear_after)
    return doc


def _load_wix(ctx: Ctx, location_id: str) -> JsonDict:
    row = ctx.conn.execute(
        "SELECT doc FROM wix_locations WHERE site_id = ? AND id = ?", (ctx.site_id, location_id)
    ).fetchone()
    if row is None:
        raise not_found("Location", location_id, code="LOCATION_NOT_FOUND")
    return json.loads(row["doc"])  # type: ignore[no-any-return]


def _save_wix(ctx: Ctx, doc: JsonDict, *, appear_after: float = 0.0) -> None:
    ctx.conn.execute(
        "UPDATE wix_locations SET doc = ? WHERE site_id = ? AND id = ?",
        (dumps(doc), ctx.site_id, doc["id"]),
    )
    sync_stores_location(ctx, doc, appear_after=appear_after)


def _archived_error(location_id: str) -> Exception:
    # Status 400: the create-location doc page lists this code under 400.
    return app_error(
        400, "CANNOT_PERFORM_ACTION_ON_ARCHIVED_LOCATION", f"Location {location_id} is archived"
    )


def h_create_location(ctx: Ctx, req: Request) -> JsonDict:
    if "location" not in req.body:
        raise required("location")
    body = as_dict(req.body["location"], "location")
    return {"location": create_wix_location(ctx, body, appear_after=ctx.locations_lag)}


def h_get_location(ctx: Ctx, req: Request) -> JsonDict:
    return {"location": _load_wix(ctx, req.params["id"])}


def _docs(rows: list[Any]) -> list[JsonDict]:
    return [json.loads(r["doc"]) for r in rows]


def _wix_page(ctx: Ctx, spec: JsonDict, include_archived: bool) -> JsonDict:
    page_req = parse_request(spec, WIX_RULES, "query")
    page_req.offset = page_req.offset or 0
    if not include_archived:
        page_req.filter = {"$and": [page_req.filter, {"archived": {"$ne": True}}]}
    page = run_page(ctx.conn, ctx.site_id, WIX_TABLE, page_req, _docs)
    return {"locations": page.docs, "pagingMetadata": paging_metadata(page, WIX_RULES)}


def h_list_locations(ctx: Ctx, req: Request) -> JsonDict:
    include = str(req.body.get("includeArchived", "false")).lower() in ("true", "1")
    return _wix_page(ctx, {"sort": req.body.get("sort"), "paging": req.body.get("paging")}, include)


def h_query_locations(ctx: Ctx, req: Request) -> JsonDict:
    # unconfirmed in the Wix docs: whether Query includes archived locations;
    # the emulator returns them (callers can filter on `archived`).
    return _wix_page(ctx, as_dict(req.body.get("query"), "query"), include_archived=True)


def h_update_location(ctx: Ctx, req: Request) -> JsonDict:
    body = as_dict(req.body.get("location"), "location")
    location_id = req.params["id"]
    if body.get("id") not in (None, location_id):
        raise invalid("location.id", "must match the id in the path")
    current = _load_wix(ctx, location_id)
    if not body.get("revision"):
        raise missing_revision("location.revision")
    if str(body["revision"]) != current["revision"]:
        # 409 by analogy with other Wix entities (unconfirmed for this API).
        raise revision_mismatch("Location", location_id, current["revision"], str(body["revision"]))
    if current.get("archived"):
        raise _archived_error(location_id)
    # PUT replaces the whole object; default/archived/revision stay server-managed.
    doc = {"id": location_id, **_validate_location(body, "location")}
    doc.setdefault("status", "ACTIVE")
    doc.setdefault("locationTypes", [])
    if current.get("default") and "INVENTORY" not in doc["locationTypes"]:
        raise app_error(
            400,
            "CANNOT_UPDATE_LOCATION_TYPES_FOR_LOCATION",
            "The default location must keep the INVENTORY type",
        )
    doc.update(
        {"default": current["default"], "archived": False, "revision": bump(current["revision"])}
    )
    _save_wix(ctx, doc, appear_after=ctx.locations_lag)
    return {"location": doc}


def h_set_default(ctx: Ctx, req: Request) -> JsonDict:
    doc = _load_wix(ctx, req.params["id"])
    if doc.get("archived"):
        raise _archived_error(doc["id"])
    if doc.get("default"):
        # unconfirmed in the Wix docs: DEFAULT_NOT_CHANGED as a 400 error.
        raise app_error(400, "DEFAULT_NOT_CHANGED", f"Location {doc['id']} is already the default")
    for row in ctx.conn.execute(
        "SELECT doc FROM wix_locations WHERE site_id = ?", (ctx.site_id,)
    ).fetchall():
        other = json.loads(row["doc"])
        if other.get("default"):
            other["default"] = False
            other["revision"] = bump(other["revision"])
            _save_wix(ctx, other)
    doc["default"] = True
    doc["revision"] = bump(doc["revision"])
    _save_wix(ctx, doc)
    return {"location": doc}


def h_archive(ctx: Ctx, req: Request) -> JsonDict:
    doc = _load_wix(ctx, req.params["id"])
    if doc.get("default"):
        # unconfirmed in the Wix docs: the status (400 or 428); 400 chosen.
        raise app_error(400, "CANNOT_ARCHIVE_DEFAULT", "The default location cannot be archived")
    if doc.get("archived"):
        raise _archived_error(doc["id"])
    doc["archived"] = True
    doc["revision"] = bump(doc["revision"])
    _save_wix(ctx, doc)
    return {"location": doc}


def _change_type(ctx: Ctx, req: Request, add: bool) -> JsonDict:
    doc = _load_wix(ctx, req.params["id"])
    location_type = req.body.get("locationType")
    if location_type not in LOCATION_TYPES:
        raise invalid("locationType", "must be a LocationType value")
    if doc.get("archived") or (not add and doc.get("default") and location_type == "INVENTORY"):
        raise app_error(
            400,
            "CANNOT_UPDATE_LOCATION_TYPES_FOR_LOCATION",
            f"Cannot change the types of location {doc['id']}",
        )
    types = list(doc.get("locationTypes") or [])
    if add and location_type not in types:
        types.append(location_type)
    elif not add and location_type in types:
        types.remove(location_type)
    else:
        return {"location": doc}  # nothing to change: no new revision
    doc["locationTypes"] = types
    doc["revision"] = bump(doc["revision"])
    _save_wix(ctx, doc, appear_after=ctx.locations_lag)
    return {"location": doc}


def h_add_type(ctx: Ctx, req: Request) -> JsonDict:
    return _change_type(ctx, req, add=True)


def h_remove_type(ctx: Ctx, req: Request) -> JsonDict:
    # unconfirmed in the Wix docs: what happens to inventory at a location that
    # loses INVENTORY; the emulator keeps the items but hides the location.
    return _change_type(ctx, req, add=False)
