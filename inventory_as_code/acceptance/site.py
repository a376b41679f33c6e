"""What a site holds before the suite runs, and removing what the suite made.

:func:`survey` sorts the site's products and locations into the suite's own
(names starting with the prefix), leftovers of an earlier run, and objects
the suite did not create; the suite refuses to run beside the last unless told
the prefix is safe. :func:`remove_made` deletes products, then options (a
Wix customization cannot be deleted while a product uses it), by prefix with
plain client calls, independent of plan and apply, so cleanup works even when
the tool under test does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inventory_as_code.wix import WixClient
from inventory_as_code.wix._exceptions import WixAPIError, WixError


class CleanupError(WixError):
    """Wix refused to delete something the suite made; it is still there."""


@dataclass(frozen=True, slots=True)
class Survey:
    default_location: dict[str, Any]
    location: dict[str, Any] | None  # the suite's own location, kept across runs
    foreign_products: tuple[str, ...] = ()
    foreign_locations: tuple[str, ...] = ()
    leftovers: tuple[str, ...] = ()  # products (slugs) and options of an earlier run

    @property
    def foreign(self) -> bool:
        return bool(self.foreign_products or self.foreign_locations)


def location_name(prefix: str) -> str:
    """The one location the suite keeps on a site (archiving a location is permanent)."""
    return f"{prefix}location"


def survey(client: WixClient, prefix: str) -> Survey:
    """Read the site's products (one call per 100) and locations."""
    foreign: list[str] = []
    leftovers: list[str] = []
    for product in client.products.query():
        slug = str(product.get("slug") or product.get("id"))
        (leftovers if slug.startswith(prefix) else foreign).append(slug)
    # The site's options are shared by every product; only the suite's own count here.
    leftovers += [f"option {name}" for name in _option_names(client, prefix)]
    default: dict[str, Any] | None = None
    own: dict[str, Any] | None = None
    foreign_locations: list[str] = []
    for location in client.locations.query():
        name = str(location.get("name") or "")
        if location.get("default"):
            default = dict(location)
        elif location.get("archived"):
            continue  # gone for good: archiving is permanent
        elif name == location_name(prefix):
            own = dict(location)
        else:
            foreign_locations.append(name)
    if default is None:
        raise WixError(
            "the site lists no default location (Wix creates one with every store); "
            "open Wix Stores in the dashboard once, then run again."
        )
    return Survey(
        default_location=default,
        location=own,
        foreign_products=tuple(sorted(foreign)),
        foreign_locations=tuple(sorted(foreign_locations)),
        leftovers=tuple(sorted(leftovers)),
    )


def remove_made(client: WixClient, prefix: str) -> list[str]:
    """Delete what the suite made under ``prefix``: products (with any stock left), then
    options. Returns what was deleted: product slugs, and ``option NAME``."""
    removed = _remove_products(client, prefix)
    for option_id, name in _options(client, prefix):
        try:
            client.customizations.delete(option_id)
        except WixAPIError as exc:
            if exc.status != 404:  # gone already (a resent delete)
                _check(None, [(exc.code, exc.description or exc.message)])
        removed.append(f"option {name}")
    return removed


def _options(client: WixClient, prefix: str) -> list[tuple[str, str]]:
    # Names compare without regard to case at Wix: the exact test is made here.
    return [
        (str(raw["id"]), str(raw.get("name")))
        for raw in client.customizations.query()
        if str(raw.get("name") or "").startswith(prefix)
    ]


def _option_names(client: WixClient, prefix: str) -> list[str]:
    return sorted(name for _, name in _options(client, prefix))


def _remove_products(client: WixClient, prefix: str) -> list[str]:
    """Delete every product whose slug starts with ``prefix``, and any stock left of them.

    Returns the slugs deleted. Whether Wix deletes a product's inventory items
    with it is not documented (products-v3 notes), so what is left is deleted too.
    """
    # $startsWith is case-insensitive at Wix: the exact test is made here.
    found = [
        product
        for product in client.products.query({"slug": {"$startsWith": prefix}})
        if str(product.get("slug") or "").startswith(prefix)
    ]
    if not found:
        return []
    ids = [str(p["id"]) for p in found]
    result = client.products.bulk_delete(ids)
    _check(result.error, [(i.error.code, i.error.description) for i in result.failed if i.error])
    left = [str(i["id"]) for i in client.inventory.query({"productId": {"$in": ids}})]
    if left:
        deleted = client.inventory.bulk_delete(left)
        _check(
            deleted.error, [(i.error.code, i.error.description) for i in deleted.failed if i.error]
        )
    return sorted(str(p.get("slug")) for p in found)


def _check(error: WixError | None, failed: list[tuple[str | None, str | None]]) -> None:
    if error is not None:
        raise CleanupError(f"cleanup: {error}")
    if failed:
        code, description = failed[0]
        raise CleanupError(
            f"cleanup: Wix refused to delete {len(failed)} object(s) the suite made "
            f"({code}: {description}); run with --cleanup again, or delete them in the dashboard"
        )
