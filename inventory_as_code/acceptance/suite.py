"""The acceptance suite: every scenario on the site, and again on an emulator shadow.

    report = run_acceptance(site, Options(prefix="iac-acc-"), progress=print)
    cleanup(client, "iac-acc-", folder)           # after a run that was killed

Before anything is written, the site is surveyed: the suite refuses a site
holding products or locations it did not create (unless the prefix is said
to be safe) and leftovers of an earlier run (remove them with :func:`cleanup`).
Each scenario then runs on the site with names under a prefix of its own
(``iac-acc-k3x9q-prd-``), and on an in-process emulator whose locations mirror
the site's; the two runs are compared (:mod:`.compare`). Whatever ends the
run (the last scenario, an error, Ctrl-C), what it made is removed and the
suite's location is put back at its home address.
"""

from __future__ import annotations

import re
import secrets
import string
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import yaml

from inventory_as_code import __version__
from inventory_as_code.acceptance.compare import compare_calls, compare_scenarios
from inventory_as_code.acceptance.recorder import Phase, RecordingTransport
from inventory_as_code.acceptance.report import AcceptanceReport
from inventory_as_code.acceptance.runner import ScenarioRun, Store, run_scenario
from inventory_as_code.acceptance.scenarios import HOME_ADDRESS, SCENARIOS, TIME_ZONE, Names
from inventory_as_code.acceptance.site import Survey, location_name, remove_made, survey
from inventory_as_code.emulator import Emulator, EmulatorTransport
from inventory_as_code.errors import InventoryAsCodeError
from inventory_as_code.plan.addresses import location_address
from inventory_as_code.wix import WixClient
from inventory_as_code.wix._exceptions import WixAPIError
from inventory_as_code.wix._types import Location
from inventory_as_code.workflow import apply_plan, plan_project, require_catalog_v3

DEFAULT_PREFIX = "iac-acc-"
# At most 12 characters: the longest SKU a scenario makes is the prefix, the run's
# 10 characters and 14 of its own, and Wix allows 40.
PREFIX_RULE = re.compile(r"[a-z][a-z0-9-]{1,10}-")
SCENARIO_NAMES = tuple(s.name for s in SCENARIOS)
_SHOWN = 10  # names listed in a refusal


class AcceptanceError(InventoryAsCodeError):
    """The suite cannot run as asked (a bad prefix, an unknown scenario)."""


class AcceptanceRefused(InventoryAsCodeError):
    """The site holds what the suite did not create, or what an earlier run left."""


@dataclass(frozen=True, slots=True)
class Options:
    prefix: str = DEFAULT_PREFIX
    scenarios: tuple[str, ...] = ()  # () = all
    create_location: bool = False
    prefix_is_safe: bool = False
    token: str = ""  # the run's part of the prefix; random when empty


def check_prefix(prefix: str) -> str:
    if not PREFIX_RULE.fullmatch(prefix):
        raise AcceptanceError(
            f"--prefix {prefix!r}: use 3 to 12 lowercase letters, digits and hyphens, starting "
            f"with a letter and ending with a hyphen (it starts slugs and SKUs), e.g. "
            f"{DEFAULT_PREFIX!r}"
        )
    return prefix


def run_acceptance(
    site: Store, options: Options, progress: Callable[[str], None]
) -> AcceptanceReport:
    """Run the scenarios; on Ctrl-C, clean up and return the report marked interrupted."""
    prefix = check_prefix(options.prefix)
    chosen = _chosen(options.scenarios)
    client = site.client
    site.recorder.phase = Phase("(setup)", "", "survey")
    require_catalog_v3(client)
    found = survey(client, prefix)
    _refuse(found, options, client.site_id)
    token = options.token or _token()
    report = AcceptanceReport(
        site=f"site {client.site_id} on {client.base_url}",
        site_id=client.site_id,
        base_url=client.base_url,
        prefix=prefix,
        run_prefix=f"{prefix}{token}-",
        version=__version__,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    if found.foreign:
        report.notes.append(
            f"the site holds {len(found.foreign_products)} product(s) and "
            f"{len(found.foreign_locations)} location(s) the suite did not create "
            "(--prefix-is-safe): side effects on their stock are not watched, and only "
            "answers about the suite's own objects are compared with the emulator"
        )
    started = time.monotonic()
    shadow, emulator = _shadow(found, site.folder, report.notes)
    location_touched = False
    # The first scenario that needs the suite's location creates it; the later ones find it.
    location_made = False
    try:
        for scenario in chosen:
            names = Names(
                scope=f"{report.run_prefix}{scenario.short}-",
                default_location=str(found.default_location["name"]),
                location=location_name(prefix),
                location_is_new=found.location is None and not location_made,
                token=token,
            )
            if scenario.needs_location and found.location is None and not options.create_location:
                report.scenarios.append(_skipped(scenario.name, scenario.covers, names.location))
                progress(f"{scenario.name}: skipped ({report.scenarios[-1].reason})")
                continue
            progress(f"{scenario.name}: {scenario.covers}")
            location_touched |= scenario.needs_location
            ours = run_scenario(site, scenario, names, progress)
            report.scenarios.append(ours)
            if scenario.needs_location and names.location_is_new and ours.steps[0].done:
                location_made = True
                report.notes.append(
                    f"created the suite's location {names.location!r}; Wix cannot delete a "
                    "location, so it stays, at its home address, for later runs to reuse"
                )
            # The shadow goes as far as the site went: a step after a failure proves nothing.
            theirs = run_scenario(shadow, scenario, names, lambda _line: None, len(ours.steps))
            report.shadow.append(theirs)
            _compare(report, site, shadow, ours, theirs, prefix if found.foreign else None)
    except KeyboardInterrupt:
        report.interrupted = "Ctrl-C or SIGTERM"
    finally:
        shadow.client.close()
        emulator.close()
        _finish(report, site, prefix, location_touched)
        report.seconds = time.monotonic() - started
        report.calls = len(site.recorder.exchanges)
        report.transient = sum(1 for e in site.recorder.exchanges if e.transient)
    return report


def _finish(report: AcceptanceReport, site: Store, prefix: str, location_touched: bool) -> None:
    """Remove what the run left (a scenario's own teardown normally has) and home the location."""
    site.recorder.phase = Phase("(cleanup)", "", "cleanup")
    try:
        report.removed = remove_made(site.client, report.run_prefix)
        failed = any(s.status != "passed" for s in report.scenarios if s.name == "locations")
        unfinished = location_touched and (failed or bool(report.interrupted))
        if unfinished and restore_location(site.client, prefix, site.folder / "cleanup"):
            report.removed.append(f"(address of {location_name(prefix)} put back)")
    except InventoryAsCodeError as exc:
        report.failed_cleanup = (
            f"{exc}. Run `inventory-as-code acceptance --cleanup --prefix {prefix}` to finish."
        )


def cleanup(client: WixClient, prefix: str, folder: Path) -> list[str]:
    """Remove every product under ``prefix`` and put the suite's location back home.

    For a run that could not clean up after itself (killed, or its network
    gone). Never touches anything whose name does not start with ``prefix``;
    never archives the location (archiving is permanent at Wix).
    """
    check_prefix(prefix)
    require_catalog_v3(client)
    removed = remove_made(client, prefix)
    if restore_location(client, prefix, folder):
        removed.append(f"(address of {location_name(prefix)} put back)")
    return removed


def restore_location(client: WixClient, prefix: str, folder: Path) -> bool:
    """Put the suite's location back at its home address with plan and apply; True if moved."""
    name = location_name(prefix)
    locations = list(client.locations.query())
    if not any(loc.get("name") == name and not loc.get("archived") for loc in locations):
        return False
    default = next(loc for loc in locations if loc.get("default"))
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        "locations": {
            str(default["name"]): {"default": True},
            name: {"address": HOME_ADDRESS, "time_zone": TIME_ZONE},
        }
    }
    (folder / "location.yaml").write_text(
        yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    plan, _ = plan_project(
        client, folder, site_id=client.site_id, targets=(location_address(name),)
    )
    if not plan.changes:
        return False
    report = apply_plan(client, plan)
    if report.exit_code != 0:
        raise AcceptanceError(
            f"could not put {name!r} back at its home address (apply exit {report.exit_code})"
        )
    return True


def _refuse(found: Survey, options: Options, site_id: str) -> None:
    if found.leftovers:
        raise AcceptanceRefused(
            f"site {site_id} still holds {len(found.leftovers)} product(s) or option(s) of an "
            f"earlier run (named starting with {options.prefix!r}): {_some(found.leftovers)}. "
            "Remove them "
            f"with `inventory-as-code acceptance --cleanup --prefix {options.prefix}`, then "
            "run again. Nothing was created."
        )
    if found.foreign and not options.prefix_is_safe:
        held = []
        if found.foreign_products:
            held.append(
                f"{len(found.foreign_products)} product(s): {_some(found.foreign_products)}"
            )
        if found.foreign_locations:
            held.append(
                f"{len(found.foreign_locations)} location(s): {_some(found.foreign_locations)}"
            )
        raise AcceptanceRefused(
            f"site {site_id} holds objects the acceptance suite did not create:\n  "
            + "\n  ".join(held)
            + f"\nThe suite creates and deletes products named {options.prefix}... and never "
            "touches anything else, but a store is best proven on a scratch site (a new Wix "
            "dev site). Run it there, or pass --prefix-is-safe to run beside these. "
            "Nothing was created."
        )


def _some(names: tuple[str, ...]) -> str:
    more = len(names) - _SHOWN
    return ", ".join(names[:_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _chosen(names: tuple[str, ...]) -> list[Any]:
    unknown = [n for n in names if n not in SCENARIO_NAMES]
    if unknown:
        raise AcceptanceError(
            f"unknown scenario {unknown[0]!r}; the scenarios are {', '.join(SCENARIO_NAMES)}"
        )
    return [s for s in SCENARIOS if not names or s.name in names]


def _token() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(5))


def _skipped(name: str, covers: str, location: str) -> ScenarioRun:
    reason = (
        f"the suite's location {location!r} does not exist; pass --create-location once to "
        "create it (Wix cannot delete a location: it stays for later runs)"
    )
    return ScenarioRun(name, covers, status="skipped", reason=reason)


def _compare(
    report: AcceptanceReport,
    site: Store,
    shadow: Store,
    ours: ScenarioRun,
    theirs: ScenarioRun,
    mentioning: str | None,
) -> None:
    reached = {step.name for step in ours.steps} & {step.name for step in theirs.steps}
    both = {(ours.name, step) for step in (*reached, "(start)", "(end)")}
    failed = {(ours.name, s.name) for s in (*ours.steps, *theirs.steps) if s.problems}
    if failed:
        failed.add((ours.name, "(end)"))  # the teardown deletes what the failed step left
    exchanges = site.recorder.exchanges, shadow.recorder.exchanges
    for difference in compare_calls(*exchanges, both, failed, mentioning):
        report.differences.add(difference)
    for difference in compare_scenarios(ours, theirs):
        report.differences.add(difference)


# --- the emulator shadow ---------------------------------------------------------------------

_WRITABLE = ("name", "description", "locationTypes", "timeZone", "email", "phone", "address")


def _shadow(found: Survey, folder: Path, notes: list[str]) -> tuple[Store, Emulator]:
    """An emulator in process whose locations are the site's, seen through a recorder.

    A location the emulator will not take as the site has it is mirrored by
    name alone, and ``notes`` says so: that refusal is itself an emulator fix.
    """
    emulator = Emulator()
    recorder = RecordingTransport(EmulatorTransport(emulator))
    client = WixClient(
        api_key="shadow",
        site_id="acceptance-shadow",
        base_url="http://localhost",
        transport=recorder,
        requests_per_minute=1e9,
    )
    recorder.phase = Phase("(setup)", "", "mirror")
    default = next(loc for loc in client.locations.query() if loc.get("default"))
    _mirror(client, found.default_location, notes, into=default)
    if found.location is not None:
        _mirror(client, found.location, notes)
    shadow_folder = Path(tempfile.mkdtemp(prefix="shadow-", dir=folder))
    return Store(client, recorder, shadow_folder), emulator


def _mirror(
    client: WixClient,
    location: Mapping[str, Any],
    notes: list[str],
    into: Mapping[str, Any] | None = None,
) -> None:
    """Copy one of the site's locations into the shadow (``into``: onto the shadow's default)."""
    whole = {k: v for k, v in location.items() if k in _WRITABLE}
    fallback: dict[str, Any] = {"address": {"country": "US"}, "timeZone": "Etc/UTC"}
    fallback["locationTypes"] = location.get("locationTypes") or ["INVENTORY"]
    if into is not None:
        fallback = {k: v for k, v in into.items() if k in _WRITABLE}
    named = {**fallback, "name": location.get("name")}
    # The SDK declares both required on create and update (the oracle holds the client to
    # it): a site location without them is mirrored by name, never sent incomplete.
    missing = [key for key in ("address", "timeZone") if not location.get(key)]
    if missing:
        notes.append(
            f"the site's location {location.get('name')!r} has no {' or '.join(missing)}, "
            "which Wix's SDK declares required to create or update a location; it was "
            "mirrored by name only"
        )
    for body in (named,) if missing else (whole, named):
        try:
            if into is None:
                client.locations.create(cast(Location, body))
            else:
                ids = {"id": into["id"], "revision": into["revision"]}
                client.locations.update(cast(Location, {**body, **ids}))
            return
        except WixAPIError as exc:
            why = " ".join(f"{exc.code or exc.status}: {exc.description or exc.message}".split())
            notes.append(
                f"the emulator refused the site's location {location.get('name')!r} as the site "
                f"holds it ({why}); it was mirrored by name only: an emulator fix"
            )
