"""Where clearance keeps its store: --home, then CLEARANCE_HOME, then the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATABASE_FILE = "clearance.sqlite"


def resolve_home(home: Path | str | None = None) -> Path:
    """The store directory, created if missing.

    An explicit argument wins so that tests and scripts never touch a user's real store.
    """
    if home is None:
        env = os.environ.get("CLEARANCE_HOME")
        home = Path(env) if env else Path(platformdirs.user_data_dir("clearance", appauthor=False))
    path = Path(home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(home: Path) -> str:
    """CLEARANCE_DATABASE_URL (e.g. PostgreSQL for teams) or the SQLite file in home."""
    env = os.environ.get("CLEARANCE_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{home / DATABASE_FILE}"
