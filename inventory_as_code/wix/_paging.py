"""Paging through Wix query results.

Cursor paging (Catalog V3): the first request carries filter, sort and
``cursorPaging.limit``; every later one carries only the cursor (Wix: the
cursor already holds filter and sort). Iteration stops exactly when a page
has no ``pagingMetadata.cursors.next`` or says ``hasNext: false`` (Products,
Read-Only Variants and Stores Locations send ``hasNext``; a ``next`` cursor
may still be present on the last page). A server that hands back a cursor it
already gave is a loop, not a catalogue, and is reported as such.

:func:`walk_cursor` does the walking for any page type (the live reader's
typed pages); :func:`cursor_pages` is it for JSON dicts.

Offset paging (Wix Locations API): ``paging.offset`` advances by the page
size until ``hasNext`` is false (or, without ``hasNext``, a short page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from inventory_as_code.wix._exceptions import WixError

JSON = dict[str, Any]
P = TypeVar("P")


def walk_cursor(
    send: Callable[[JSON], P],
    paging: Callable[[P], tuple[str | None, bool | None]],
    *,
    envelope: str,
    what: str,
    limit: int,
    filter: Mapping[str, Any] | None = None,
    sort: Sequence[Mapping[str, str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Iterator[P]:
    """Yield each page as ``send`` returns it; ``paging`` gives its (next cursor, hasNext)."""
    spec: JSON = {"cursorPaging": {"limit": limit}}
    if filter:
        spec["filter"] = dict(filter)
    if sort:
        spec["sort"] = [dict(s) for s in sort]
    seen: set[str] = set()
    while True:
        body: JSON = {envelope: spec}
        if extra:
            body.update(extra)
        page = send(body)
        cursor, has_next = paging(page)
        yield page
        if not cursor or has_next is False:
            return
        if cursor in seen:
            raise WixError(f"the server returned the same {what} page cursor twice")
        seen.add(cursor)
        spec = {"cursorPaging": {"limit": limit, "cursor": cursor}}


def _json_paging(page: JSON) -> tuple[str | None, bool | None]:
    metadata = page.get("pagingMetadata") or {}
    return (metadata.get("cursors") or {}).get("next"), metadata.get("hasNext")


def cursor_pages(
    send: Callable[[JSON], JSON],
    *,
    envelope: str,
    items_key: str,
    limit: int,
    filter: Mapping[str, Any] | None = None,
    sort: Sequence[Mapping[str, str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Iterator[list[JSON]]:
    """Yield each page's items; ``send`` posts one request body and returns the JSON."""
    pages = walk_cursor(
        send,
        _json_paging,
        envelope=envelope,
        what=items_key,
        limit=limit,
        filter=filter,
        sort=sort,
        extra=extra,
    )
    for page in pages:
        yield list(page.get(items_key) or [])


def offset_pages(
    send: Callable[[JSON], JSON],
    *,
    envelope: str,
    items_key: str,
    limit: int,
    filter: Mapping[str, Any] | None = None,
) -> Iterator[list[JSON]]:
    offset = 0
    while True:
        spec: JSON = {"paging": {"limit": limit, "offset": offset}}
        if filter:
            spec["filter"] = dict(filter)
        page = send({envelope: spec})
        items = list(page.get(items_key) or [])
        yield items
        has_next = (page.get("pagingMetadata") or {}).get("hasNext")
        if has_next is False or (has_next is None and len(items) < limit) or not items:
            return
        offset += len(items)
