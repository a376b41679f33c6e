"""pytest wiring: every plan the suite makes is validated against ``schemas/plan.schema.json``.

The schema is the contract other tools build on (docs/plan-json.md), so the
suite holds the tool to it everywhere, not in a few chosen tests:

* In the test process, ``Plan.to_dict``, ``plan_json_chunks`` and
  ``workflow.plan_project`` (where every plan of a project is finished,
  whether it is then printed as text, JSON or Markdown, saved or applied)
  are wrapped (:mod:`.capture`); each plan they produce is validated on the
  spot.
* Commands a test starts get ``tests/plan_schema/site`` on ``PYTHONPATH``,
  whose ``sitecustomize`` writes each plan they produce into a folder named
  by ``PLAN_SCHEMA_TEST_FOLDER``; the test process validates them.
* A plan that does not fit fails the test that produced it, at the end of
  its call phase (or its teardown), with the JSON path of each problem.
* The terminal summary says how many plans were checked and the CPU it took.
  Under pytest-xdist each worker checks its own tests and reports its totals.

Changes are validated once per shape (:mod:`.checker`), so big plans cost
little more than small ones.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.plan_schema import capture
from tests.plan_schema.checker import Checker

FOLDER_ENV = "PLAN_SCHEMA_TEST_FOLDER"
SITE = str(Path(__file__).resolve().parent / "site")


@dataclass
class SchemaState:
    checker: Checker
    folder: Path
    found: list[str] = field(default_factory=list)
    from_commands: int = 0
    from_workers: dict[str, float] = field(default_factory=dict)

    def take(self) -> list[str]:
        """Problems found since the last call: this process's, then the commands'."""
        for path in sorted(self.folder.glob("*.json")):
            try:
                header, text = path.read_text(encoding="utf-8").split("\n", 1)
                document: Any = json.loads(text)
                about = json.loads(header)
                how = about["how"]
                if "error" in about:
                    document = RuntimeError(about["error"])
            except (OSError, ValueError) as exc:
                document, how = None, f"unreadable ({exc})"
            path.unlink(missing_ok=True)
            self.from_commands += 1
            self.record(document, f"a command's {how}")
        found, self.found = self.found, []
        return found

    def record(self, document: Any, how: str) -> None:
        if isinstance(document, BaseException):
            self.found.append(f"a plan from {how} cannot be serialised: {document!r}")
            return
        if isinstance(document, str):  # the text plan_json_chunks wrote
            try:
                document = json.loads(document)
            except ValueError as exc:
                self.found.append(f"a plan from {how} is not JSON: {exc}")
                return
        problems = self.checker.problems(document)
        if problems:
            self.found.append(f"a plan from {how}:\n" + "\n".join(f"    {p}" for p in problems))


STATE = pytest.StashKey[SchemaState]()


def pytest_configure(config: pytest.Config) -> None:
    folder = Path(tempfile.mkdtemp(prefix="iac-plans-"))
    state = SchemaState(Checker(), folder)
    config.stash[STATE] = state
    os.environ[FOLDER_ENV] = str(folder)
    paths = [SITE, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    capture.install(lambda document, how: state.record(document, how))


def pytest_unconfigure(config: pytest.Config) -> None:
    if STATE in config.stash:
        shutil.rmtree(config.stash[STATE].folder, ignore_errors=True)


def failure_message(found: list[str]) -> str:
    return (
        f"{len(found)} plan(s) do not fit schemas/plan.schema.json, the published contract "
        "(docs/plan-json.md). Fix the side that is wrong: the plan, or the schema (a new "
        "member is added to the schema in the same change; see the compatibility rules).\n"
        + "\n".join(found)
    )


def _check_phase(item: pytest.Item, phase: str) -> Generator[None, Any, Any]:
    state = item.config.stash[STATE]
    try:
        result = yield
    except pytest.skip.Exception:
        raise
    except BaseException:
        found = state.take()
        if found:
            item.add_report_section(phase, "plan schema", failure_message(found))
        raise
    found = state.take()
    if found:
        pytest.fail(failure_message(found), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    return (yield from _check_phase(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, Any]:
    return (yield from _check_phase(item, "teardown"))


def _totals(state: SchemaState) -> dict[str, float]:
    checker = state.checker
    return {
        "plans": checker.plans,
        "changes": checker.changes,
        "from_commands": state.from_commands,
        "shapes": len(checker.valid_shapes),
        "seconds": checker.seconds,
    }


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if STATE not in config.stash:
        return
    state = config.stash[STATE]
    leftover = state.take()  # outside any test: nobody to fail but the session
    if leftover and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        state.found = leftover
    if hasattr(config, "workerinput"):
        config.workeroutput["plan_schema"] = _totals(state)  # type: ignore[attr-defined]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    output = getattr(node, "workeroutput", {}).get("plan_schema")
    if output is None:
        return
    totals = node.config.stash[STATE].from_workers
    for name, value in output.items():
        totals[name] = totals.get(name, 0) + value


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if STATE not in config.stash or hasattr(config, "workerinput"):
        return
    state = config.stash[STATE]
    totals = _totals(state)
    for name, value in state.from_workers.items():
        totals[name] = totals.get(name, 0) + value
    terminalreporter.write_sep("-", "plan schema")
    terminalreporter.write_line(
        f"validated {int(totals['plans'])} plans ({int(totals['from_commands'])} of them from "
        f"commands the tests ran; {int(totals['changes'])} changes) against "
        f"schemas/plan.schema.json using {totals['seconds']:.1f} s of CPU"
    )
    if state.found:
        terminalreporter.write_line(failure_message(state.found), red=True)
