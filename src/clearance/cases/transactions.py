"""Write transactions that read before they write, serialised the same way on both backends.

Raising alerts reads "is there an open alert for this pair?" and then inserts;
two API workers doing that at once must not both insert. A unique index cannot
say "one *open* alert per pair" portably, so the rule is kept in code, inside a
transaction that no other writer of the alerts can interleave with:

- SQLite: `BEGIN IMMEDIATE` takes the database's write lock before the first
  read (a deferred transaction that read first could fail to upgrade its lock
  under WAL, or decide on a stale snapshot).
- PostgreSQL: `LOCK TABLE alerts IN SHARE ROW EXCLUSIVE MODE` conflicts with
  itself and with every INSERT/UPDATE on alerts but not with readers, so the
  queue pages stay fast while one transaction raises alerts.

Decisions need no table lock: their `UPDATE … WHERE id = ? AND version = ?`
is atomic on both backends (PostgreSQL re-checks the WHERE after waiting for a
concurrent update of the row), and its row count says who won.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection


@contextmanager
def write(engine: Engine, *, lock_alerts: bool = False) -> Iterator[Connection]:
    """A transaction committed when the block ends, rolled back if it raises."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif lock_alerts:
            conn.execute(text("LOCK TABLE alerts IN SHARE ROW EXCLUSIVE MODE"))
        try:
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
