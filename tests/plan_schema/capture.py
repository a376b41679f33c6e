"""Catch every plan the tool serialises, in the test process and in the commands it starts.

Wraps the two places a plan becomes JSON: ``Plan.to_dict`` (the saved-plan
dict) and ``plan_json.plan_json_chunks`` (the text ``plan --format json``
prints and ``plan --out`` writes, change by change), and the place every
plan of a project is finished, ``workflow.plan_project``: a plan that is only
shown as text or Markdown, or only applied, is serialised there for the sink,
so it is held to the schema too. Each result is handed to a *sink*
unchanged, after the caller has it: the wrapper never changes what the tool
writes or returns, nor raises into it.

This file imports nothing of ``tests`` so that the ``sitecustomize`` of a
command started by a test (:mod:`tests.plan_schema.site.sitecustomize`) can
load it by path, without putting the repository on the command's
``sys.path``. Modules not imported yet are wrapped when they are: a finder
on ``sys.meta_path`` patches ``inventory_as_code.plan.model``,
``.plan_json`` and ``inventory_as_code.workflow`` right after they run,
before any other module binds ``plan_json_chunks`` or ``plan_project`` by name.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any

MODEL = "inventory_as_code.plan.model"
PLAN_JSON = "inventory_as_code.plan.plan_json"
WORKFLOW = "inventory_as_code.workflow"

# sink(document, how): document is a dict (to_dict), the JSON text (plan_json_chunks), or
# the exception a finished plan raised when serialised (plan_project).
Sink = Callable[[Any, str], None]

_WRAPPED = "__plan_schema_wrapped__"


def _patch_model(module: ModuleType, sink: Sink) -> None:
    plan = module.Plan
    original = plan.to_dict
    if getattr(original, _WRAPPED, False):
        return

    def to_dict(self: Any) -> dict[str, Any]:
        body: dict[str, Any] = original(self)
        sink(body, "Plan.to_dict")
        return body

    setattr(to_dict, _WRAPPED, True)
    to_dict.__wrapped__ = original  # type: ignore[attr-defined]
    plan.to_dict = to_dict


def _patch_plan_json(module: ModuleType, sink: Sink) -> None:
    original = module.plan_json_chunks
    if getattr(original, _WRAPPED, False):
        return

    def plan_json_chunks(*args: Any, **kwargs: Any) -> Iterator[str]:
        parts: list[str] = []
        for chunk in original(*args, **kwargs):
            parts.append(chunk)
            yield chunk
        # Only a plan written to the end is a plan (a full disk stops the writer half-way).
        sink("".join(parts), "plan_json_chunks")

    setattr(plan_json_chunks, _WRAPPED, True)
    _rebind(module, "plan_json_chunks", original, plan_json_chunks)


def _patch_workflow(module: ModuleType, sink: Sink) -> None:
    original = module.plan_project
    if getattr(original, _WRAPPED, False):
        return

    def plan_project(*args: Any, **kwargs: Any) -> Any:
        plan, live = original(*args, **kwargs)
        # The unwrapped to_dict: this plan is reported as plan_project's, not twice.
        to_dict = type(plan).to_dict
        to_dict = getattr(to_dict, "__wrapped__", to_dict)
        try:
            document: Any = to_dict(plan)
        except Exception as exc:  # a plan that cannot be saved is a finding, not a crash here
            document = exc
        sink(document, "plan_project")
        return plan, live

    setattr(plan_project, _WRAPPED, True)
    _rebind(module, "plan_project", original, plan_project)


def _rebind(module: ModuleType, name: str, original: Any, wrapper: Any) -> None:
    setattr(module, name, wrapper)
    # Modules that bound the function by name before it was wrapped get the wrapper too.
    for other in list(sys.modules.values()):
        if other is not None and getattr(other, name, None) is original:
            setattr(other, name, wrapper)


_PATCHES = {MODEL: _patch_model, PLAN_JSON: _patch_plan_json, WORKFLOW: _patch_workflow}


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Patches a module of :data:`_PATCHES` right after it runs."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _PATCHES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        run = loader.exec_module
        sink = self.sink

        def exec_module(module: ModuleType) -> None:
            run(module)
            _PATCHES[fullname](module, sink)

        # On the loader itself: its other methods (get_source, resources) stay as they are.
        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install(sink: Sink) -> None:
    """Send every plan serialised from now on to ``sink``."""
    for name, patch in _PATCHES.items():
        if name in sys.modules:
            patch(sys.modules[name], sink)
    sys.meta_path.insert(0, _PatchOnImport(sink))
