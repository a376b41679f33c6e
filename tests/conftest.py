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

# The suite runs the same on a laptop and on a CI machine: the tool reads these from the
# environment (CI=true refuses the embedded local store; credentials choose a Wix site), so
# none of the runner's own leaks into a test. A test that needs one sets it itself.
for _variable in (
    "CI",
    "WIX_API_KEY",
    "WIX_SITE_ID",
    "WIX_API_BASE_URL",
    "INVENTORY_AS_CODE_PLAN_KEY",
    "INVENTORY_AS_CODE_DEBUG",
):
    os.environ.pop(_variable, None)
