"""Suite-wide wiring: the Wix oracle checks every request the client sends and
every answer the emulator gives against Wix's own REST types (docs/oracle.md);
the plan schema hook validates every plan the suite makes, in process or in a
command it runs, against schemas/plan.schema.json (docs/plan-json.md)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

pytest_plugins = ["pytester", "tests.oracle.plugin", "tests.plan_schema.plugin"]

# The per-user key that signs incremental snapshots (live/snapshot_key.py) lives in
# $XDG_STATE_HOME: tests (and the commands they run) keep theirs in a folder of their own,
# never in the developer's home.
_STATE = tempfile.mkdtemp(prefix="iac-state-")
os.environ["XDG_STATE_HOME"] = _STATE
atexit.register(shutil.rmtree, _STATE, True)
