"""Where a whole-store read comes from: Wix in full, or the snapshot refreshed.

``refresh="full"`` reads everything (and keeps an existing snapshot current,
so a scheduled drift check also renews it); ``refresh="incremental"`` uses
the snapshot when :func:`~.incremental.check` and the refresh itself trust
it, reads in full otherwise, and saves the result for next time. The reason
for a full read ends up in ``ReadStats.detail``, which the plan shows.

Snapshots are signed with the key of :mod:`.snapshot_key`: one that does not
verify is read as no snapshot at all, and with no key none is used or saved.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from inventory_as_code.live import incremental, snapshot
from inventory_as_code.live.model import LiveStore
from inventory_as_code.live.reader import ProgressCallback, read_live_store
from inventory_as_code.live.snapshot_key import KeyUnavailable, SnapshotKey, snapshot_key
from inventory_as_code.live.snapshot_stream import save_store
from inventory_as_code.wix import WixClient

logger = logging.getLogger(__name__)

Refresh = Literal["full", "incremental"]
CATALOG = "V3_CATALOG"  # the only catalog a plan runs on (workflow.require_catalog_v3)


class SnapshotPlace:
    """The snapshot file of one site in one project, and the reads that use it."""

    def __init__(self, client: WixClient, project: Path, store: str = "") -> None:
        """``store``: what else makes this another store than its base URL and site id
        (the embedded local store's database file)."""
        self.client = client
        self.key = snapshot.site_key(client.base_url, client.site_id, store)
        self.path = snapshot.path_for(project, self.key)
        self._signing: SnapshotKey | KeyUnavailable | None = None
        # The server's clock at the start of this plan (the catalog check has just
        # answered): the next refresh re-reads everything changed after it.
        self.started: datetime = client.server_date or snapshot.now()
        self.margin = incremental.MARGIN if client.server_date else incremental.LOCAL_MARGIN
        self.keep = False
        self.full_at: datetime | None = None

    def exists(self) -> bool:
        return os.path.lexists(self.path)

    def signing_key(self) -> SnapshotKey:
        """The key snapshots are signed with (looked up once); SnapshotError without one."""
        if self._signing is None:
            try:
                self._signing = snapshot_key()
            except KeyUnavailable as exc:
                self._signing = exc
        if isinstance(self._signing, KeyUnavailable):
            raise snapshot.SnapshotError(str(self._signing))
        return self._signing

    def read(
        self,
        refresh: Refresh,
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> LiveStore:
        reason = "--refresh full"
        if refresh == "incremental":
            self.keep = True
            try:
                saved = snapshot.load(self.path, self.signing_key())
                incremental.check(saved, site=self.key, catalog=CATALOG, now=self.started)
                live, changes = incremental.refresh(
                    self.client, saved, progress=progress, cancel=cancel
                )
                self.full_at = saved.full_at
                # Nothing changed: the saved snapshot still holds (its "since" only
                # makes the next refresh look a little further back).
                self.keep = changes > 0
                if not changes and live.stats is not None:
                    detail = f"{live.stats.detail}; snapshot kept"
                    live = replace(live, stats=replace(live.stats, detail=detail))
                return live
            except snapshot.SnapshotError as exc:
                reason = f"full read: {exc}"
                logger.info("incremental refresh not possible: %s", exc)
        else:
            self.keep = self.exists()
        self.full_at = self.started
        return read_live_store(self.client, progress=progress, cancel=cancel, detail=reason)

    def save(self, live: LiveStore) -> LiveStore:
        """Save ``live`` as the snapshot when this plan keeps one; the outcome goes in detail."""
        if not self.keep or live.scope is not None or self.full_at is None or live.stats is None:
            return live
        try:
            save_store(
                self.path,
                self.signing_key(),
                site=self.key,
                catalog=CATALOG,
                since=self.started - self.margin,
                full_at=self.full_at,
                products=live.products.values(),
                items=live.inventory.values(),
            )
            outcome = "snapshot saved"
        except snapshot.SnapshotError as exc:
            logger.warning("%s", exc)
            outcome = f"snapshot not saved: {exc}"
        detail = "; ".join(x for x in (live.stats.detail, outcome) if x)
        return replace(live, stats=replace(live.stats, detail=detail))
