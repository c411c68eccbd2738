"""Releases, snapshots and activation, on SQLite by default or PostgreSQL by URL."""

from clearance.store.home import resolve_home
from clearance.store.store import ReleaseInfo, SnapshotInfo, Store

__all__ = ["ReleaseInfo", "SnapshotInfo", "Store", "resolve_home"]
