"""Where the site answered differently from the emulator shadow.

The same scenario runs on the site and on an in-process emulator with the
same names. Their calls are paired by scenario, step, phase and route, in
order, and compared on what does not depend on ids or dates:

* ``status``: the HTTP status, and the error code of an error answer;
* ``shape``: the answer's keys and value types (lists: the union of their
  elements' shapes);
* ``calls``: how many calls of a route a phase made (paging, retries, lag);
* ``side effect``: what apply changed in the store, by name, field by field;
* ``outcome``: a step that passed on one and failed on the other.

Each :class:`Difference` is phrased as what Wix does and what the emulator
does, so it reads as an emulator fix. Differences seen many times are kept
once, with a count and where they were seen first.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.acceptance.recorder import Exchange
from inventory_as_code.acceptance.runner import ScenarioRun

SITE, EMULATOR = "Wix", "the emulator"


@dataclass
class Difference:
    kind: str  # status, shape, calls, side effect, outcome
    where: str  # a request ("POST /stores/v3/...") or a step ("options / swatches")
    site: Any
    emulator: Any
    message: str
    first_seen: str
    times: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "where": self.where,
            "site": self.site,
            "emulator": self.emulator,
            "message": self.message,
            "first_seen": self.first_seen,
            "times": self.times,
        }


@dataclass
class Differences:
    """Differences, each kept once (with a count)."""

    entries: dict[tuple[str, str, str], Difference] = field(default_factory=dict)

    def add(self, difference: Difference) -> None:
        key = (difference.kind, difference.where, difference.message)
        if key in self.entries:
            self.entries[key].times += 1
        else:
            self.entries[key] = difference

    def __iter__(self) -> Any:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)


def compare_calls(
    site: Sequence[Exchange],
    shadow: Sequence[Exchange],
    steps: set[tuple[str, str]],
    failed: Collection[tuple[str, str]] = (),
    mentioning: str | None = None,
) -> Iterable[Difference]:
    """Pair the calls both made in ``steps`` ((scenario, step)) and compare them.

    In a step that failed on either side, only the phases both reached count:
    the failing one stopped the step there. On a site that holds objects of
    its own (``mentioning`` the run's prefix), only list entries that mention
    the prefix are compared, and reads are not counted: the site's own
    products fill its pages, and the shadow has none.
    """

    def grouped(exchanges: Sequence[Exchange]) -> dict[tuple[Any, ...], list[Exchange]]:
        out: dict[tuple[Any, ...], list[Exchange]] = defaultdict(list)
        for exchange in exchanges:
            phase = exchange.phase
            if (phase.scenario, phase.step) in steps and not exchange.transient:
                out[(phase.scenario, phase.step, phase.phase, exchange.request)].append(exchange)
        return out

    ours, theirs = grouped(site), grouped(shadow)
    both = {k[:3] for k in ours} & {k[:3] for k in theirs}
    for key in [*ours, *(k for k in theirs if k not in ours)]:
        if key[:2] in failed and key[:3] not in both:
            continue
        at_site, in_emulator = ours.get(key, []), theirs.get(key, [])
        seen = " / ".join(key[:3])
        reading = key[3].endswith(("/query", "/search", "/query-variants"))
        if len(at_site) != len(in_emulator) and not (mentioning and reading):
            yield Difference(
                "calls",
                key[3],
                len(at_site),
                len(in_emulator),
                f"{key[3]}: the tool made {len(at_site)} such call(s) to {SITE} and "
                f"{len(in_emulator)} to {EMULATOR} in this phase (paging, lag or a retry "
                "differs)",
                seen,
            )
        for one, other in zip(at_site, in_emulator, strict=False):
            yield from _compare_exchange(one, other, seen, mentioning)


def _compare_exchange(
    site: Exchange, emulator: Exchange, seen: str, mentioning: str | None
) -> Iterable[Difference]:
    request = site.request
    site_code, emulator_code = _error_code(site), _error_code(emulator)
    if site.status != emulator.status or site_code != emulator_code:
        yield Difference(
            "status",
            request,
            _status(site.status, site_code),
            _status(emulator.status, emulator_code),
            f"{request}: {SITE} answered {_status(site.status, site_code)}, "
            f"{EMULATOR} {_status(emulator.status, emulator_code)}",
            seen,
        )
        return  # the bodies of different answers differ by nature
    shapes = shape(site.body, mentioning), shape(emulator.body, mentioning)
    for path, at_site, in_emulator in shape_differences(*shapes):
        if in_emulator == "absent":
            message = f"{request}: {SITE}'s answer has {path} ({at_site}); {EMULATOR}'s has not"
        elif at_site == "absent":
            message = f"{request}: {EMULATOR}'s answer has {path} ({in_emulator}); {SITE}'s has not"
        else:
            message = f"{request}: {path} is {at_site} at {SITE}, {in_emulator} in {EMULATOR}"
        yield Difference("shape", request, at_site, in_emulator, message, seen)


def compare_scenarios(site: ScenarioRun, shadow: ScenarioRun) -> Iterable[Difference]:
    """Outcomes and side effects of the steps both stores reached."""
    theirs = {step.name: step for step in shadow.steps}
    for step in site.steps:
        other = theirs.get(step.name)
        if other is None:
            continue
        where = f"{site.name} / {step.name}"
        if bool(step.problems) != bool(other.problems):
            site_says = step.problems[0] if step.problems else "passed"
            emulator_says = other.problems[0] if other.problems else "passed"
            yield Difference(
                "outcome",
                where,
                site_says,
                emulator_says,
                f"{where}: at {SITE}: {site_says}; in {EMULATOR}: {emulator_says}",
                where,
            )
        if step.done and other.done:
            yield from _compare_effects(step.effects, other.effects, where)


def _compare_effects(
    site: dict[str, Any], emulator: dict[str, Any], where: str
) -> Iterable[Difference]:
    for part, verb in (("changed", "set"), ("created", "created")):
        ours, theirs = site.get(part, {}), emulator.get(part, {})
        for name in sorted(set(ours) | set(theirs)):
            at_site, in_emulator = ours.get(name, "(not)"), theirs.get(name, "(not)")
            if at_site != in_emulator:
                yield Difference(
                    "side effect",
                    where,
                    at_site,
                    in_emulator,
                    f"{where}: apply {verb} {name}: {at_site!r} at {SITE}, "
                    f"{in_emulator!r} in {EMULATOR}",
                    where,
                )
    ours_gone, theirs_gone = set(site.get("deleted", [])), set(emulator.get("deleted", []))
    for name in sorted(ours_gone ^ theirs_gone):
        gone_at = f"at {SITE}" if name in ours_gone else f"in {EMULATOR}"
        kept_at = f"in {EMULATOR}" if name in ours_gone else f"at {SITE}"
        yield Difference(
            "side effect",
            where,
            "deleted" if name in ours_gone else "kept",
            "deleted" if name in theirs_gone else "kept",
            f"{where}: {name} was deleted {gone_at} and kept {kept_at}",
            where,
        )


# --- shapes ------------------------------------------------------------------------------


def shape(value: Any, mentioning: str | None = None) -> Any:
    """Keys and JSON types, not values: {"a": "string", "b": ["number"]}.

    With ``mentioning``, objects in lists that do not mention it are left out.
    """
    if isinstance(value, dict):
        return {key: shape(item, mentioning) for key, item in value.items()}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            if mentioning and isinstance(item, dict) and mentioning not in json.dumps(item):
                continue
            merged = _merge(merged, shape(item, mentioning))
        return [merged]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def _merge(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        return {key: _merge(a.get(key), b.get(key)) for key in {**a, **b}}
    if isinstance(a, list) and isinstance(b, list):
        return [_merge(a[0], b[0])]
    if isinstance(a, str) and isinstance(b, str):
        return "|".join(sorted(set(a.split("|")) | set(b.split("|"))))
    return "object|array|value"


def shape_differences(site: Any, emulator: Any, path: str = "") -> list[tuple[str, str, str]]:
    """(path, at the site, in the emulator) for every key or type that differs."""
    if site is None or emulator is None:
        return []  # an empty list on one side: nothing to compare its elements with
    if isinstance(site, dict) and isinstance(emulator, dict):
        out = []
        for key in sorted(set(site) | set(emulator)):
            where = f"{path}.{key}" if path else key
            if key not in emulator:
                out.append((where, _describe(site[key]), "absent"))
            elif key not in site:
                out.append((where, "absent", _describe(emulator[key])))
            else:
                out += shape_differences(site[key], emulator[key], where)
        return out
    if isinstance(site, list) and isinstance(emulator, list):
        return shape_differences(site[0], emulator[0], f"{path}[]")
    if site != emulator:
        return [(path or "(the body)", _describe(site), _describe(emulator))]
    return []


def _describe(shape_: Any) -> str:
    if isinstance(shape_, dict):
        return "an object"
    if isinstance(shape_, list):
        return "a list"
    return str(shape_)


def _error_code(exchange: Exchange) -> str | None:
    if exchange.status == 200 or not isinstance(exchange.body, dict):
        return None
    details = exchange.body.get("details") or {}
    application = details.get("applicationError") if isinstance(details, dict) else None
    if isinstance(application, dict) and application.get("code"):
        return str(application["code"])
    code = exchange.body.get("code")
    return str(code) if code else None


def _status(status: int, code: str | None) -> str:
    return f"{status} {code}" if code else str(status)
