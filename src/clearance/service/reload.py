"""The Screener a worker serves, swapped for a new one when another snapshot is activated.

Each request asks `current()`; at most once per `interval` that call reads the
store's active snapshot id (one indexed SELECT). When it changed, a background
thread loads the new index (about 0.3 s) while requests keep being answered
from the old one, then the reference is replaced in one assignment, so no
request waits for a load and none sees a half-loaded index.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from clearance.screening import Screener
from clearance.store.store import Store


@dataclass(frozen=True)
class Served:
    """A loaded screener and the list versions it screens against."""

    screener: Screener
    snapshot_id: int
    releases: dict[str, str]  # dataset -> release id
    as_of: dict[str, str | None]  # dataset -> the as-of date its release states


class ScreenerHolder:
    def __init__(self, store: Store, interval: float = 1.0) -> None:
        self.store = store
        self.interval = interval
        self._served: Served | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._loading = False

    def load_now(self) -> Served | None:
        """Load the active snapshot in the calling thread (at startup)."""
        snapshot = self.store.active_snapshot()
        if snapshot is not None:
            self._load(snapshot.id)
        self._checked = time.monotonic()
        return self._served

    def current(self) -> Served | None:
        now = time.monotonic()
        if now - self._checked >= self.interval:
            self._checked = now
            self._check()
        return self._served

    def _check(self) -> None:
        active = self.store.active_snapshot()
        snapshot = active.id if active is not None else None
        served = self._served
        if snapshot is None or (served is not None and served.snapshot_id == snapshot):
            return
        with self._lock:
            if self._loading:
                return
            self._loading = True
        threading.Thread(target=self._load_in_background, args=(snapshot,), daemon=True).start()

    def _load_in_background(self, snapshot_id: int) -> None:
        try:
            self._load(snapshot_id)
        finally:
            with self._lock:
                self._loading = False

    def _load(self, snapshot_id: int) -> None:
        screener = Screener.open(self.store.home)
        info = self.store.snapshot(int(screener.snapshot))
        as_of = {d: self.store.release(r).published_at for d, r in info.releases.items()}
        self._served = Served(screener, info.id, dict(info.releases), as_of)
