"""inventory-as-code: Wix Stores inventory managed like infrastructure.

YAML desired state -> plan against the live store -> apply the minimal set of
Wix API calls. The Wix REST client lives in :mod:`inventory_as_code.wix`; a
local Wix-compatible emulator lives in :mod:`inventory_as_code.emulator`.
"""

from __future__ import annotations

__version__ = "0.1.0"
