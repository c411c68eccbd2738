"""Login throttling: at most `max_failures` failed logins per client address and per
username within a sliding `window` of minutes.

Counts live in the service's `rate_counters` table (one row per key and minute,
keys `login:addr:…` and `login:user:…`), so every worker process sees the same
numbers. An attempt is charged *before* the password is checked and refunded
when it succeeds: parallel guesses sent to several workers at once are each
counted atomically by the database, so no burst gets more than `max_failures`
tries. A refused attempt is not charged, so a locked-out person's retries do
not push the end of the lock further away.

Locking by username lets an attacker keep one account locked by failing on
purpose; the lock lasts only until the window passes, and the by-address count
stops one client from trying many usernames.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from clearance.service.schema import rate_counters

__all__ = ["Charge", "LoginLimiter"]

MAX_FAILURES = 5
WINDOW_MINUTES = 15
_PREFIX = "login:"


@dataclass(frozen=True)
class Charge:
    """One login attempt's place in the counters; `wait` is set when it was refused."""

    keys: tuple[str, ...]
    window: int  # the minute it was counted in
    wait: int | None = None

    @property
    def refused(self) -> bool:
        return self.wait is not None


def _keys(address: str, username: str) -> tuple[str, str]:
    # rate_counters.key_name is String(120): addresses are at most 45 characters
    # (IPv6), usernames at most 80 once the login form has checked their length
    return (_PREFIX + "addr:" + address[:100], _PREFIX + "user:" + username.lower()[:100])


class LoginLimiter:
    def __init__(
        self,
        engine: Engine,
        *,
        max_failures: int = MAX_FAILURES,
        window_minutes: int = WINDOW_MINUTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.max_failures = max_failures
        self.window_minutes = window_minutes
        self.clock = clock
        self._insert: Any = sqlite.insert if engine.dialect.name == "sqlite" else postgresql.insert

    def charge(self, address: str, username: str) -> Charge:
        """Count an attempt, or refuse it (with the seconds to wait) if the limit is reached."""
        now = self.clock()
        minute = int(now // 60)
        keys = _keys(address, username)
        with self.engine.begin() as conn:
            waits = [self._count(conn, key, minute, now) for key in keys]
            if any(wait is not None for wait in waits):
                for key in keys:
                    self._uncount(conn, key, minute)
                return Charge(keys, minute, max(w for w in waits if w is not None))
        return Charge(keys, minute)

    def succeeded(self, charge: Charge) -> None:
        """A right password: refund the address's attempt and forget the user's failures."""
        address_key, user_key = charge.keys
        with self.engine.begin() as conn:
            self._uncount(conn, address_key, charge.window)
            conn.execute(delete(rate_counters).where(rate_counters.c.key_name == user_key))

    def _count(self, conn: Connection, key: str, minute: int, now: float) -> int | None:
        c = rate_counters.c
        first = minute - self.window_minutes + 1  # the oldest minute still counted
        conn.execute(delete(rate_counters).where(c.key_name == key, c.window < first))
        upsert = self._insert(rate_counters).values(key_name=key, window=minute, count=1)
        conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[c.key_name, c.window], set_={"count": c.count + 1}
            )
        )
        counts = conn.execute(
            select(c.window, c.count.label("n")).where(c.key_name == key).order_by(c.window)
        ).all()
        total = sum(row.n for row in counts)
        if total <= self.max_failures:
            return None
        # refused: wait until enough old minutes leave the window to allow one more
        remaining = total - 1  # without this attempt, which is not charged
        for row in counts:
            remaining -= row.n
            if remaining < self.max_failures:
                ends = (row.window + self.window_minutes) * 60
                return max(1, int(ends - now + 0.999))
        return 1  # unreachable: the loop ends below the limit

    def _uncount(self, conn: Connection, key: str, minute: int) -> None:
        c = rate_counters.c
        conn.execute(
            update(rate_counters)
            .where(c.key_name == key, c.window == minute, c.count > 0)
            .values(count=c.count - 1)
        )
