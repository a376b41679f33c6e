"""Query/search request parsing, opaque cursors and keyset paging.

A cursor is base64url(JSON) carrying the filter, sort, free-text search and
the paging key of the last item returned (sort values + ``seq``). Later pages
send only the cursor, as the Wix docs require; when a request sends a cursor
*and* a filter/sort, the cursor wins (unconfirmed in the Wix docs: behaviour
when both are sent).

Execution: when every sort field is backed by an indexed SQL column, the page
is one ordered index range scan starting strictly after the cursor key, with
the Python filter applied while streaming, so walking all pages is linear.
Sorting on a field without a column falls back to sorting the (pre-filtered)
matches in Python for each page, which is fine for the small tables (locations)
and acceptable for occasional custom sorts on big ones.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.emulator._errors import invalid
from inventory_as_code.emulator._filters import (
    FieldRules,
    compare_keys,
    matches,
    sort_docs,
    text_predicate,
    validate_filter,
)
from inventory_as_code.emulator._util import JsonDict, as_dict, as_int, as_list, get_path

Materialize = Callable[[list[sqlite3.Row]], list[JsonDict]]


@dataclass(frozen=True)
class Table:
    name: str
    columns: Mapping[str, str] = field(default_factory=dict)  # sortable field -> column
    pushdown: Mapping[str, str] = field(default_factory=dict)  # exact-match field -> column
    where: str = ""  # extra SQL condition (e.g. only active stores locations)


@dataclass(frozen=True)
class PagingRules:
    max_limit: int
    default_limit: int
    max_sort: int
    default_sort: tuple[tuple[str, bool], ...]  # (field, descending)
    rules: FieldRules | None = None  # None: any field may be filtered/sorted
    text_fields: tuple[str, ...] = ()
    has_next: bool = True


@dataclass
class PageRequest:
    filter: JsonDict
    sort: list[tuple[str, bool]]
    text: JsonDict | None
    limit: int
    offset: int | None = None
    after: list[Any] | None = None


@dataclass
class Page:
    docs: list[JsonDict]
    next_cursor: str | None
    offset: int | None = None
    has_more: bool = False


def encode_cursor(req: PageRequest, after: list[Any]) -> str:
    payload = {"f": req.filter, "s": [[f, d] for f, d in req.sort], "t": req.text, "k": after}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, where: str) -> JsonDict:
    if len(cursor) > 16000:
        raise invalid(where, "must be at most 16000 characters", violated_rule="MAX_LENGTH")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError):
        raise invalid(where, "is not a valid cursor") from None
    if not isinstance(data, dict) or not {"f", "s", "k"} <= data.keys():
        raise invalid(where, "is not a valid cursor")
    return data


def parse_request(
    spec: Any, rules: PagingRules, where: str, *, search: bool = False
) -> PageRequest:
    """Parse the ``query``/``search`` object of a request against one endpoint's rules."""
    spec = as_dict(spec, where)
    where = f"{where}." if where else ""
    cursor_paging = as_dict(spec.get("cursorPaging"), f"{where}cursorPaging")
    paging = as_dict(spec.get("paging"), f"{where}paging")
    limit_raw = cursor_paging.get("limit", paging.get("limit"))
    # A limit of 0 or none means "server default" (unconfirmed in the Wix docs).
    limit = rules.default_limit
    if limit_raw is not None:
        limit = as_int(limit_raw, f"{where}cursorPaging.limit") or rules.default_limit
    if limit < 0 or limit > rules.max_limit:
        raise invalid(
            f"{where}cursorPaging.limit",
            f"must be between 0 and {rules.max_limit}",
            violated_rule="MAX",
        )
    cursor = cursor_paging.get("cursor")
    if cursor:
        data = _decode_cursor(str(cursor), f"{where}cursorPaging.cursor")
        return PageRequest(
            filter=data["f"],
            sort=[(str(f), bool(d)) for f, d in data["s"]],
            text=data.get("t"),
            limit=limit,
            after=list(data["k"]),
        )
    flt = validate_filter(spec.get("filter"), f"{where}filter")
    if rules.rules is not None:
        rules.rules.check_filter(flt, f"{where}filter")
    sort_spec = spec.get("sort")
    if isinstance(sort_spec, dict):  # flattened GET form of a single sort entry
        sort_spec = [sort_spec]
    sort_entries = as_list(sort_spec, f"{where}sort")
    if len(sort_entries) > rules.max_sort:
        raise invalid(
            f"{where}sort",
            f"must contain at most {rules.max_sort} elements",
            violated_rule="MAX_SIZE",
        )
    sort: list[tuple[str, bool]] = []
    for i, entry in enumerate(sort_entries):
        entry = as_dict(entry, f"{where}sort[{i}]")
        name = entry.get("fieldName")
        if not isinstance(name, str) or not name:
            raise invalid(
                f"{where}sort[{i}].fieldName", "must not be empty", violated_rule="REQUIRED_FIELD"
            )
        order = str(entry.get("order", "ASC")).upper()
        if order not in ("ASC", "DESC"):
            raise invalid(f"{where}sort[{i}].order", "must be ASC or DESC")
        if rules.rules is not None:
            rules.rules.check_sort(name, f"{where}sort[{i}].fieldName")
        sort.append((name, order == "DESC"))
    text = None
    if search and spec.get("search"):
        text = as_dict(spec.get("search"), f"{where}search")
        text_predicate(text, list(rules.text_fields), f"{where}search")  # validates
    offset = None
    if "offset" in paging and not cursor_paging:
        offset = as_int(paging["offset"], f"{where}paging.offset")
    return PageRequest(flt, sort or list(rules.default_sort), text, limit, offset=offset)


def _pushdown(flt: JsonDict, table: Table, where: list[str], params: list[Any]) -> None:
    """Narrow the SQL scan with conditions on indexed columns.

    Python still evaluates the whole filter on each row SQL returns (a column
    mirrors a document field, and the filter stays the one authority).
    """
    conjuncts: list[tuple[str, Any]] = list(flt.items())
    for sub in flt.get("$and", []) if isinstance(flt.get("$and"), list) else []:
        if isinstance(sub, dict):
            conjuncts.extend(sub.items())
    for key, cond in conjuncts:
        column = table.pushdown.get(key)
        if column is None:
            continue
        if isinstance(cond, str):
            where.append(f"{column} = ?")
            params.append(cond)
        elif isinstance(cond, dict) and len(cond) == 1:
            if isinstance(cond.get("$eq"), str):
                where.append(f"{column} = ?")
                params.append(cond["$eq"])
            elif isinstance(cond.get("$in"), list) and all(isinstance(v, str) for v in cond["$in"]):
                # One JSON parameter, whatever the length of the list (SQLite caps
                # bound parameters, and Wix documents no cap on $in).
                where.append(f"{column} IN (SELECT value FROM json_each(?))")
                params.append(json.dumps(cond["$in"]))


class _Filter:
    def __init__(self, req: PageRequest, text_fields: Sequence[str]) -> None:
        self.flt = req.filter
        self.text = (
            text_predicate(req.text, list(text_fields), "search.search") if req.text else None
        )

    def __call__(self, doc: JsonDict) -> bool:
        if self.flt and not matches(self.flt, doc):
            return False
        return self.text is None or self.text(doc)


def run_page(
    conn: sqlite3.Connection,
    site_id: str,
    table: Table,
    req: PageRequest,
    materialize: Materialize,
    text_fields: Sequence[str] = (),
) -> Page:
    want = req.limit + 1 + (req.offset or 0)
    descs = [d for _, d in req.sort] + [req.sort[-1][1] if req.sort else False]
    where = ["site_id = ?"] + ([table.where] if table.where else [])
    params: list[Any] = [site_id]
    _pushdown(req.filter, table, where, params)
    accept = _Filter(req, text_fields)
    found: list[tuple[list[Any], JsonDict]] = []
    if all(f in table.columns for f, _ in req.sort):
        cols = [table.columns[f] for f, _ in req.sort] + ["seq"]
        if req.after is not None:
            if len(req.after) != len(cols):
                raise invalid("cursorPaging.cursor", "is not a valid cursor")
            ors = []
            for i, col in enumerate(cols):
                parts = [f"{c} = ?" for c in cols[:i]] + [f"{col} {'<' if descs[i] else '>'} ?"]
                ors.append("(" + " AND ".join(parts) + ")")
                params.extend(req.after[: i + 1])
            where.append("(" + " OR ".join(ors) + ")")
        order = ", ".join(f"{c} {'DESC' if d else 'ASC'}" for c, d in zip(cols, descs, strict=True))
        conditions = " AND ".join(where)
        sql = f"SELECT {', '.join(cols)}, doc FROM {table.name} WHERE {conditions} ORDER BY {order}"
        cur = conn.execute(sql, params)
        while len(found) < want:
            rows = cur.fetchmany(256)
            if not rows:
                break
            for row, doc in zip(rows, materialize(rows), strict=True):
                if accept(doc):
                    found.append(([row[i] for i in range(len(cols))], doc))
                    if len(found) >= want:
                        break
        cur.close()
    else:
        sql = f"SELECT seq, doc FROM {table.name} WHERE {' AND '.join(where)}"
        rows = conn.execute(sql, params).fetchall()
        keyed = [
            ([get_path(doc, f) for f, _ in req.sort] + [row["seq"]], doc)
            for row, doc in zip(rows, materialize(rows), strict=True)
            if accept(doc)
        ]
        sort_docs(keyed, descs)
        if req.after is not None:
            keyed = [kd for kd in keyed if compare_keys(kd[0], req.after, descs) > 0]
        found = keyed[:want]
    if req.offset:
        found = found[req.offset :]
    page = found[: req.limit]
    next_cursor = None
    if len(found) > req.limit and req.offset is None:
        next_cursor = encode_cursor(req, page[-1][0])
    return Page([doc for _, doc in page], next_cursor, req.offset, len(found) > req.limit)


def count(
    conn: sqlite3.Connection,
    site_id: str,
    table: Table,
    req: PageRequest,
    materialize: Materialize,
    text_fields: Sequence[str] = (),
) -> int:
    extra = f" AND {table.where}" if table.where else ""
    if not req.filter and not req.text:
        sql = f"SELECT COUNT(*) FROM {table.name} WHERE site_id = ?{extra}"
        return int(conn.execute(sql, (site_id,)).fetchone()[0])
    where = ["site_id = ?"] + ([table.where] if table.where else [])
    params: list[Any] = [site_id]
    _pushdown(req.filter, table, where, params)
    accept = _Filter(req, text_fields)
    cur = conn.execute(f"SELECT seq, doc FROM {table.name} WHERE {' AND '.join(where)}", params)
    total = 0
    while rows := cur.fetchmany(512):
        total += sum(1 for doc in materialize(rows) if accept(doc))
    return total


def paging_metadata(page: Page, rules: PagingRules) -> JsonDict:
    if page.offset is not None:
        return {"count": len(page.docs), "offset": page.offset, "hasNext": page.has_more}
    meta: JsonDict = {
        "count": len(page.docs),
        "cursors": {"next": page.next_cursor} if page.next_cursor else {},
    }
    if rules.has_next:
        meta["hasNext"] = page.next_cursor is not None
    return meta
