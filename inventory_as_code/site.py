"""Which store a command talks to, and the client for it.

In order:

1. ``--site local``: the embedded local store (below).
2. ``--site NAME``: a site of the project config ``inventory-as-code.toml``,
   whose entry names the environment variables holding its credentials
   (credentials never live in files of the project)::

       [sites.production]
       api_key_env = "WIX_PROD_API_KEY"
       site_id_env = "WIX_PROD_SITE_ID"   # or: site_id = "..." (not a secret)
       requests_per_minute = 150           # optional
       guard_rails = { max_touched_share = 0.2 }   # optional, overrides [guard_rails]
                                                   # and adds [[...guard_rails.accept]] entries
       overlay = "sites/production"        # optional: the site's own differences from
                                           # the shared catalogue (config.overlay)

   ``local = true`` instead of credentials makes the site an embedded local
   store of its own (``.inventory-as-code/sites/NAME/local.db``): a fleet can
   be tried, and tested, without Wix.

3. No ``--site`` but ``WIX_API_KEY`` / ``WIX_SITE_ID`` set: that site
   (``WIX_API_BASE_URL`` points it at an emulator server).
4. Nothing chosen: the embedded local store, an emulator engine in process
   with its SQLite file in ``<project>/.inventory-as-code/local.db``, so a
   newcomer can try everything without a Wix account (the folder gets a
   ``.gitignore`` holding ``*`` when it is created, as pytest's cache does, and
   is never created in a project folder that does not exist). Except in CI
   (``CI=true``), where planning against a throwaway local store by accident
   would approve nothing real: there the site must be chosen explicitly.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inventory_as_code.config.problems import did_you_mean, suggest
from inventory_as_code.config.projectfile import PROJECT_CONFIG as PROJECT_CONFIG
from inventory_as_code.config.projectfile import ProjectConfigError, read_project_config
from inventory_as_code.config.rails import GuardRailSettings, merge_rails, parse_rail_table
from inventory_as_code.errors import InventoryAsCodeError

if TYPE_CHECKING:
    from inventory_as_code.wix import WixClient

LOCAL_SITE = "local"
LOCAL_DIR = ".inventory-as-code"
LOCAL_SITE_ID = "local-site"
# The site named by WIX_API_KEY / WIX_SITE_ID, without --site.
ENV_SITE = "env"


class SiteError(InventoryAsCodeError):
    """The site to talk to cannot be determined or is misconfigured."""


@dataclass(frozen=True, slots=True)
class SiteSettings:
    name: str
    api_key_env: str = "WIX_API_KEY"
    site_id_env: str = "WIX_SITE_ID"
    site_id: str | None = None
    base_url_env: str = "WIX_API_BASE_URL"
    base_url: str | None = None
    requests_per_minute: float | None = None
    guard_rails: dict[str, Any] | None = None
    overlay: str | None = None  # read (and checked) by config.projectfile
    local: bool = False


@dataclass(frozen=True, slots=True)
class Target:
    """Where a command runs, for the first line of its output."""

    name: str
    site_id: str
    embedded: bool
    description: str
    # What else makes it one store besides base URL and site id: the embedded local
    # store's database file (every project's local store has the same site id).
    store: str = ""


def load_sites(project_dir: Path) -> dict[str, SiteSettings]:
    data = load_project_config(project_dir)
    path = project_dir / PROJECT_CONFIG
    sites = data.get("sites", {})
    if not isinstance(sites, dict):
        raise SiteError(f"{path}: [sites] must be a table of named sites")
    allowed = set(SiteSettings.__dataclass_fields__) - {"name"}
    out = {}
    for name, raw in sites.items():
        if not isinstance(raw, dict):
            raise SiteError(f"{path}: [sites.{name}] must be a table")
        for secretish in ("api_key", "key", "token", "secret"):
            if secretish in raw:
                raise SiteError(
                    f"{path}: [sites.{name}] has {secretish!r}: never put credentials in the "
                    "project; name the environment variable that holds it with api_key_env"
                )
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise SiteError(
                f"{path}: [sites.{name}] has unknown key(s) {', '.join(unknown)}"
                f"{did_you_mean(unknown[0], allowed)} (allowed: {', '.join(sorted(allowed))})"
            )
        wrong = _wrong_value(raw)
        if wrong:
            raise SiteError(f"{path}: [sites.{name}] {wrong}")
        out[name] = SiteSettings(name=name, **raw)
    return out


def fleet_sites(project_dir: Path) -> list[SiteSettings]:
    """Every site ``inventory-as-code.toml`` names, by name (``--all-sites``)."""
    check_project_folder(project_dir)
    sites = load_sites(project_dir)
    if not sites:
        raise SiteError(
            f"--all-sites runs every [sites.NAME] of {PROJECT_CONFIG}, but "
            f"{project_dir / PROJECT_CONFIG} names none. Add a [sites.NAME] table per site."
        )
    return [sites[name] for name in sorted(sites)]


_TEXT_KEYS = ("api_key_env", "site_id_env", "site_id", "base_url_env", "base_url", "overlay")
_CREDENTIAL_KEYS = ("api_key_env", "site_id_env", "site_id", "base_url_env", "base_url")


def _wrong_value(raw: Mapping[str, Any]) -> str | None:
    """What is wrong with a site's values (their keys are known), or None."""
    local = raw.get("local", False)
    if not isinstance(local, bool):
        return "local must be true or false"
    given = [key for key in _CREDENTIAL_KEYS if key in raw]
    if local and given:
        return (
            f"has local = true and {given[0]}: a local site is an embedded store on this "
            "machine and has no credentials; remove one of them"
        )
    for key in _TEXT_KEYS:
        value = raw.get(key)
        if key in raw and (not isinstance(value, str) or not value.strip()):
            return f'{key} must be a text in quotes, like {key} = "..."'
    rate = raw.get("requests_per_minute")
    if rate is not None and (
        isinstance(rate, bool)
        or not isinstance(rate, int | float)
        or not math.isfinite(rate)
        or rate <= 0
    ):
        return "requests_per_minute must be a number above 0, like 150 (Wix allows about 200)"
    return None


def load_project_config(project_dir: Path) -> dict[str, Any]:
    """The parsed ``inventory-as-code.toml`` of a project ({} when there is none)."""
    try:
        return read_project_config(project_dir)[0]
    except ProjectConfigError as exc:
        raise SiteError(str(exc)) from None


def check_project_folder(project_dir: Path) -> None:
    """A command on a mistyped folder stops here, before anything is created in it."""
    if not project_dir.exists():
        if project_dir.is_symlink():
            raise SiteError(
                f"{project_dir} is a symlink that leads nowhere (a loop, or a target that does "
                "not exist); pass the project folder itself."
            )
        raise SiteError(f"the folder {project_dir} does not exist; check the path.")
    if not project_dir.is_dir():
        raise SiteError(f"{project_dir} is a file; pass the project folder.")


def load_guard_rails(project_dir: Path, site: SiteSettings | None) -> GuardRailSettings:
    """``[guard_rails]`` of the project, overridden by ``[sites.NAME.guard_rails]``.

    The acceptances (``[[guard_rails.accept]]``) of both apply. Always read
    from the project on disk: ``apply FILE`` too reads them from the
    checked-out project, never from the plan.
    """
    data = load_project_config(project_dir)
    project = parse_rail_table(data.get("guard_rails", {}))
    own = None
    if site is not None and site.guard_rails is not None:
        own = parse_rail_table(site.guard_rails, f"sites.{site.name}.guard_rails")
    issues = project.issues + (own.issues if own is not None else ())
    if issues:
        raise SiteError(f"{project_dir / PROJECT_CONFIG}: {issues[0].message}")
    return merge_rails(project, own)


def resolve_site(
    project_dir: Path, site: str | None, env: Mapping[str, str] | None = None
) -> SiteSettings | None:
    """The chosen site's settings, or None for the embedded local store."""
    env = os.environ if env is None else env
    if site == LOCAL_SITE:
        return None
    sites = load_sites(project_dir)
    if site is not None:
        if site not in sites:
            known = ", ".join(sorted(sites)) or "none"
            match = near_site(site, [*sorted(sites), LOCAL_SITE])
            hint = f"; did you mean {match!r}?" if match else "."
            raise SiteError(
                f"unknown site {site!r}{hint} {PROJECT_CONFIG} defines {known}. "
                f"Add [sites.{site}] there, or use --site {LOCAL_SITE} for the embedded "
                "local store."
            )
        return sites[site]
    if env.get("WIX_API_KEY") or env.get("WIX_SITE_ID"):
        return SiteSettings(name=ENV_SITE)
    if env.get("CI", "").lower() in ("true", "1", "yes"):
        raise SiteError(
            "no Wix site chosen and CI=true: refusing to use the embedded local store in CI. "
            "Set WIX_API_KEY and WIX_SITE_ID, pass --site NAME, or pass --site local explicitly."
        )
    return None


def near_site(name: str, names: list[str]) -> str | None:
    """The site a mistyped ``--site`` meant: the one it begins (``prod``), else the closest."""
    starting = [n for n in names if n.lower().startswith(name.lower())] if name else []
    if len(starting) == 1:
        return starting[0]
    return suggest(name, names)


def connect(
    project_dir: Path,
    site: str | None = None,
    env: Mapping[str, str] | None = None,
    **client_options: Any,
) -> tuple[WixClient, Target]:
    """Build the client for the chosen site (see the module docstring)."""
    # Imported here: `validate` reads the sites too, and needs neither httpx nor the client.
    from inventory_as_code.wix import WixClient
    from inventory_as_code.wix._client import DEFAULT_BASE_URL, check_api_key

    env = os.environ if env is None else env
    check_project_folder(project_dir)
    settings = resolve_site(project_dir, site, env)
    if settings is None:
        return _embedded(project_dir, **client_options)
    if settings.local:
        return _embedded(project_dir, settings.name, **client_options)
    api_key = env.get(settings.api_key_env, "").strip()  # a pasted key often ends in a newline
    site_id = (settings.site_id or env.get(settings.site_id_env, "")).strip()
    wanted = ((settings.api_key_env, api_key), (settings.site_id_env, site_id))
    missing = [name for name, value in wanted if not value]
    given = next((name for name, value in wanted if value), None)
    if missing and given and settings.name == ENV_SITE:
        raise SiteError(
            f"{given} is set, so the site comes from the environment, but {missing[0]} is "
            "not: set both (an API key from the Wix API Keys Manager and the site's id), "
            "or neither to use the embedded local store."
        )
    if missing:
        raise SiteError(
            f"site {settings.name!r}: set {' and '.join(missing)} "
            "(an API key from the Wix API Keys Manager and the site's id)"
        )
    check_api_key(api_key, settings.api_key_env)
    if not site_id.isprintable() or not site_id.isascii() or " " in site_id:
        raise SiteError(
            f"site {settings.name!r}: the site id in {settings.site_id_env} holds spaces, control "
            "or non-ASCII characters; a Wix site id looks like "
            "1a2b3c4d-0000-4000-8000-123456789abc."
        )
    base_url = (settings.base_url or env.get(settings.base_url_env) or DEFAULT_BASE_URL).strip()
    if settings.requests_per_minute is not None:
        client_options.setdefault("requests_per_minute", settings.requests_per_minute)
    client = WixClient(api_key=api_key, site_id=site_id, base_url=base_url, **client_options)
    where = "Wix" if base_url == DEFAULT_BASE_URL else base_url
    return client, Target(
        name=settings.name,
        site_id=site_id,
        embedded=False,
        description=f"site {site_id} on {where}",
    )


def local_site_id(name: str) -> str:
    """The site id of ``[sites.NAME] local = true``: its own, so a plan made for one
    local site is refused by another, as between Wix sites."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    if safe != name:  # "de shop" and "de_shop" stay two stores
        safe += "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"local-{safe}"


def _embedded(
    project_dir: Path, site: str | None = None, **client_options: Any
) -> tuple[WixClient, Target]:
    """The embedded local store: the project's own, or (``site``) a local site's."""
    from inventory_as_code.emulator import Emulator, EmulatorTransport
    from inventory_as_code.wix import WixClient

    check_project_folder(project_dir)  # never create a mistyped project folder
    folder = project_dir / LOCAL_DIR
    if os.path.lexists(folder) and not folder.is_dir():
        raise SiteError(
            f"{folder} is not a folder; it is where the embedded local store lives. Remove "
            f"it, or choose a Wix site (--site NAME, or WIX_API_KEY and WIX_SITE_ID)."
        )
    if not folder.is_dir():
        with contextlib.suppress(FileExistsError):  # a fleet's local sites, connected at once
            folder.mkdir()
        # As pytest and mypy do with their caches: git ignores the folder by itself.
        (folder / ".gitignore").write_text(
            "# Created by inventory-as-code: the embedded local store, never committed.\n*\n",
            encoding="utf-8",
        )
    db = folder / "local.db"
    site_id = LOCAL_SITE_ID
    if site is not None:
        site_id = local_site_id(site)
        store = folder / "sites" / site_id.removeprefix("local-")
        store.mkdir(parents=True, exist_ok=True)
        db = store / "local.db"
    try:
        emulator = Emulator(db)
    except sqlite3.DatabaseError as exc:  # a damaged file, another program's, a full disk
        raise SiteError(
            f"the embedded local store {db} cannot be opened ({exc}). It holds only what "
            f"you applied locally: delete {folder} to start over with an empty local store."
        ) from None
    client_options.setdefault("requests_per_minute", 1_000_000)  # nothing to protect locally
    client = WixClient(
        api_key="embedded",
        site_id=site_id,
        base_url="http://localhost",
        transport=EmulatorTransport(emulator, owns_emulator=True),
        **client_options,
    )
    shown = os.path.relpath(db) if db.is_relative_to(Path.cwd()) else str(db)
    whose = f"site {site}'s embedded local store" if site else "the embedded local store"
    return client, Target(
        name=site or LOCAL_SITE,
        site_id=site_id,
        embedded=True,
        description=f"{whose} ({shown}); no Wix site is touched",
        store=str(db.resolve()),
    )
