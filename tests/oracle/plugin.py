"""pytest wiring for the oracle (loaded from ``tests/conftest.py``; see docs/oracle.md).

* At session start one :class:`Recorder` is installed on every WixClient.
* Violations found while a test runs (its setup and call) fail that test at
  the end of its call phase; those found in its teardown fail the teardown.
  A violation listed in ``known.KNOWN_VIOLATIONS`` does not fail; it is noted
  as seen.
* ``test_known_violations.py::test_every_known_violation_still_occurs`` is
  moved to the end of the run; when the whole suite ran it fails for every
  listed violation that no test produced (like ``xfail(strict=True)``).
* The terminal summary says how much was checked and how long it took.
* Under pytest-xdist each worker checks its own tests; the workers send their
  totals to the controller (``workeroutput``), which prints the summary and
  judges the known violations over the whole run instead of the last test.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.oracle import known
from tests.oracle.recorder import Recorder, Violation, install

LAST_TEST = "test_known_violations.py::test_every_known_violation_still_occurs"


@dataclass
class OracleState:
    recorder: Recorder
    uninstall: Callable[[], None]
    seen_known: set[tuple[str, str, str]] = field(default_factory=set)
    deselected: int = 0
    whole_suite_args: bool = False
    outside_tests: list[Violation] = field(default_factory=list)

    def split(self, found: list[Violation]) -> list[Violation]:
        """Note the known violations as seen; return the others."""
        unknown = []
        for violation in found:
            if violation.key in known.KNOWN_VIOLATIONS:
                self.seen_known.add(violation.key)
            else:
                unknown.append(violation)
        return unknown

    # Totals the xdist workers reported (the controller's own recorder sees nothing).
    from_workers: dict[str, float] = field(default_factory=dict)
    workers: int = 0

    def whole_suite(self) -> bool:
        return self.whole_suite_args and self.deselected == 0

    def totals(self) -> tuple[int, int, int, float]:
        """Requests, responses, error responses and CPU seconds, over every worker."""
        recorder, workers = self.recorder, self.from_workers
        return (
            recorder.requests + int(workers.get("requests", 0)),
            recorder.responses + int(workers.get("responses", 0)),
            recorder.errors + int(workers.get("errors", 0)),
            recorder.seconds + workers.get("seconds", 0.0),
        )


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def is_controller(config: pytest.Config) -> bool:
    """The process that hands tests to xdist workers and runs none itself."""
    return not is_worker(config) and bool(getattr(config.option, "numprocesses", None))


STATE = pytest.StashKey[OracleState]()


def state(config: pytest.Config) -> OracleState:
    return config.stash[STATE]


def failure_message(violations: list[Violation]) -> str:
    lines = [
        f"The Wix oracle found {len(violations)} violation(s) of the Wix SDK's REST types "
        "(docs/oracle.md):"
    ]
    lines += [f"  {v.describe()}" for v in sorted(violations, key=lambda v: (v.key, v.says))]
    lines.append(
        "Fix the side named. Only if someone else owns the fix, list it in "
        "tests/oracle/known.py, e.g.:"
    )
    first = sorted(violations, key=lambda v: v.key)[0]
    lines.append(f'  {first.key!r}: "<why it is wrong>",')
    return "\n".join(lines)


def _runs_whole_suite(config: pytest.Config) -> bool:
    if config.args_source == pytest.Config.ArgsSource.TESTPATHS:
        return True
    root = Path(str(config.rootpath)).resolve()
    whole = {root, root / "tests"}
    return all(Path(arg.split("::")[0]).resolve() in whole for arg in config.args)


def pytest_configure(config: pytest.Config) -> None:
    recorder = Recorder()
    config.stash[STATE] = OracleState(
        recorder=recorder,
        uninstall=install(recorder),
        # A worker runs a share of the suite: it never judges the whole of it.
        whole_suite_args=_runs_whole_suite(config) and not is_worker(config),
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    if STATE in config.stash:
        config.stash[STATE].uninstall()


def pytest_deselected(items: list[pytest.Item]) -> None:
    # No config argument on this hook: the items carry it.
    if items:
        state(items[0].config).deselected += len(items)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    last = [item for item in items if item.nodeid.endswith(LAST_TEST)]
    for item in last:
        items.remove(item)
        items.append(item)


def _unknown(item: pytest.Item) -> list[Violation]:
    current = state(item.config)
    return current.split(current.recorder.take())


def _check_phase(item: pytest.Item, phase: str) -> Generator[None, Any, Any]:
    try:
        result = yield
    except pytest.skip.Exception:
        raise  # leave what was found to the teardown, which then fails
    except BaseException:
        # The phase failed on its own: keep its error, show the oracle's beside it.
        unknown = _unknown(item)
        if unknown:
            item.add_report_section(phase, "wix oracle", failure_message(unknown))
        raise
    unknown = _unknown(item)
    if unknown:
        pytest.fail(failure_message(unknown), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    return (yield from _check_phase(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, Any]:
    return (yield from _check_phase(item, "teardown"))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    # Found outside any test's setup, call or teardown: nobody to fail but the session.
    config = session.config
    current = state(config)
    current.outside_tests = current.split(current.recorder.take())
    if is_worker(config):
        recorder = current.recorder
        config.workeroutput["wix_oracle"] = {  # type: ignore[attr-defined]
            "requests": recorder.requests,
            "responses": recorder.responses,
            "errors": recorder.errors,
            "seconds": recorder.seconds,
            "deselected": current.deselected,
            "seen_known": sorted(current.seen_known),
        }
    if current.outside_tests and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if is_controller(config) and stale_known(current) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist: a worker finished; add what it checked and saw to the controller's totals."""
    output = getattr(node, "workeroutput", {}).get("wix_oracle")
    if output is None:
        return
    current = state(node.config)
    current.workers += 1
    for name in ("requests", "responses", "errors", "seconds"):
        current.from_workers[name] = current.from_workers.get(name, 0) + output[name]
    current.deselected += output["deselected"]
    current.seen_known.update(tuple(key) for key in output["seen_known"])


def stale_known(current: OracleState) -> list[tuple[str, str, str]]:
    """Listed violations no test produced: judged only over a run of the whole suite."""
    if not current.whole_suite():
        return []
    return sorted(set(known.KNOWN_VIOLATIONS) - current.seen_known)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if STATE not in config.stash:
        return
    current = state(config)
    if is_worker(config):
        return
    requests, responses, errors, seconds = current.totals()
    workers = f" in {current.workers} workers" if current.workers else ""
    terminalreporter.write_sep("-", "wix oracle")
    terminalreporter.write_line(
        f"checked {requests} client requests and {responses} emulator "
        f"responses ({errors} of them errors) against the Wix SDK schemas using "
        f"{seconds:.1f} s of CPU{workers}; "
        f"{len(current.seen_known)} of {len(known.KNOWN_VIOLATIONS)} known violations seen"
    )
    if current.outside_tests:
        terminalreporter.write_line(failure_message(current.outside_tests), red=True)
    stale = stale_known(current) if is_controller(config) else []
    if stale:
        terminalreporter.write_line(STALE_MESSAGE + listed_keys(stale), red=True)


STALE_MESSAGE = (
    "these KNOWN_VIOLATIONS no longer occur anywhere in the suite; the bugs are "
    "fixed, so delete their entries from tests/oracle/known.py:\n"
)


def listed_keys(keys: list[tuple[str, str, str]]) -> str:
    return "\n".join(f"  {key!r}" for key in keys)


@pytest.fixture
def oracle_recorder(request: pytest.FixtureRequest) -> Iterator[Recorder]:
    """The session's recorder, for tests that send a wrong body on purpose and
    must ``take()`` what it found before the test ends."""
    yield state(request.config).recorder
