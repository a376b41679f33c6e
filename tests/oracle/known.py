"""Violations of the Wix SDK's REST types that the code has today, on purpose listed.

Key: (endpoint as "METHOD /declared/path", JSON path of the field with array
indices as [*], "request" when the client sends it, "response" when the
emulator answers it). Value: one line saying why it is wrong.

A violation listed here does not fail the test that causes it. An entry that
no test produces any more fails ``test_known_violations.py`` when the whole
suite runs: the bug was fixed, so delete its line. Never add an entry to make
a new failure go away without a reason someone else will act on.
"""

from __future__ import annotations

KNOWN_VIOLATIONS: dict[tuple[str, str, str], str] = {}
