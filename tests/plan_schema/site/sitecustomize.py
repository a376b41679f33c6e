"""Loaded by every Python a test starts with this folder on ``PYTHONPATH``.

When ``PLAN_SCHEMA_TEST_FOLDER`` names a folder (the test process sets
it, see :mod:`tests.plan_schema.plugin`), every plan the command serialises
is written there as JSON, one file each, for the test process to validate
against ``schemas/plan.schema.json`` and fail the test that ran the command.
Nothing else of the command changes, and without the variable this does
nothing at all.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
from pathlib import Path
from typing import Any

FOLDER = os.environ.get("PLAN_SCHEMA_TEST_FOLDER")

if FOLDER:
    _spec = importlib.util.spec_from_file_location(
        "_plan_schema_capture", Path(__file__).resolve().parents[1] / "capture.py"
    )
    assert _spec is not None and _spec.loader is not None
    _capture = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_capture)
    _numbers = itertools.count()

    def _write(document: Any, how: str) -> None:
        header: dict[str, str] = {"how": how, "command": os.environ.get("_", "")}
        if isinstance(document, BaseException):  # the plan could not be serialised
            header["error"], document = repr(document), None
        text = document if isinstance(document, str) else json.dumps(document, default=str)
        name = f"{os.getpid()}-{next(_numbers)}.json"
        path = Path(str(FOLDER)) / name
        try:  # written whole, then renamed: the reader never sees half a plan
            path.with_suffix(".part").write_text(
                json.dumps(header) + "\n" + text,
                encoding="utf-8",
            )
            path.with_suffix(".part").replace(path)
        except OSError:
            pass  # the test process is gone, or its folder: nothing to report to

    _capture.install(_write)
