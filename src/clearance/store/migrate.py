"""Bring a store's database to the newest schema when it opens.

Every `Store.open` checks the database's Alembic revision against the newest
script and upgrades when they differ, so a user never runs a separate migration
step and an old SQLite file keeps working after an upgrade of clearance. The
check costs one SELECT once the database is current.

Several processes may open the same store at once (`clearance serve` workers,
batch workers), so an upgrade holds a lock: a file lock beside a SQLite file,
an advisory lock on PostgreSQL. The process that gets it second finds the
database current and does nothing.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPTS = Path(__file__).resolve().parent / "migrations"
#: the newest revision under migrations/versions; tests/store/test_migrations.py checks
#: it against Alembic's own reading of the scripts. Kept here so that opening a store
#: that is up to date needs no Alembic import (about 0.1 s on every command's start).
HEAD = "0007"
#: any constant: PostgreSQL advisory locks are named by a 64-bit number
_PG_LOCK = 7_266_175_301


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest revision as Alembic reads the scripts (HEAD must equal it)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, f"no migration scripts under {SCRIPTS}"
    return head


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _at_head(engine: Engine) -> bool:
    """Whether the database is at HEAD, by one SELECT and without importing Alembic."""
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return list(found) == [HEAD]
    except DBAPIError:  # no alembic_version table yet: a new or pre-migration store
        return False


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        with _file_lock(Path(database + ".migrate-lock")):
            yield
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK})
                conn.commit()
    else:
        yield


def upgrade(engine: Engine) -> None:
    """Upgrade the database to the newest revision, if it is not there already."""
    if _at_head(engine):
        return
    from alembic import command

    with _migration_lock(engine), engine.begin() as conn:
        if current_revision(conn) != head_revision():
            command.upgrade(_config(conn), "head")
