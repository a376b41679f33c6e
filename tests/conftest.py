"""Suite-wide wiring: the Wix oracle checks every request the client sends and
every answer the emulator gives against Wix's own REST types (docs/oracle.md)."""

from __future__ import annotations

pytest_plugins = ["pytester", "tests.oracle.plugin"]
