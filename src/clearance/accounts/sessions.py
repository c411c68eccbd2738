"""Web sessions: a random token in the browser's cookie, only its digest in the store.

A session ends at the first of: logout, `idle` without a request, `lifetime`
after login, the user being disabled or getting a new password. The token is
32 random bytes (256 bits), so a plain SHA-256 is enough to make a stolen copy
of the table useless (a slow hash exists for guessable passwords, not for these).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from clearance.accounts import schema as t
from clearance.accounts.users import User

__all__ = ["IDLE", "LIFETIME", "Session", "SessionStore", "token_digest"]

IDLE = timedelta(hours=1)
LIFETIME = timedelta(hours=12)
_TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # as clearance.store.store.utc_now


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_FORMAT)


def _parse(text: str) -> datetime:
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Session:
    id: str  # the token's digest
    user: User
    created_at: str
    expires_at: str
    last_seen_at: str
    csrf_token: str


class SessionStore:
    def __init__(
        self,
        engine: Engine,
        *,
        idle: timedelta = IDLE,
        lifetime: timedelta = LIFETIME,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.engine = engine
        self.idle = idle
        self.lifetime = lifetime
        self.clock = clock

    def create(self, user: User) -> tuple[str, Session]:
        """A new session; the token (for the cookie) is returned here and never stored."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        created, ended_idle = _iso(now), _iso(now - self.idle)
        session = Session(
            id=token_digest(token),
            user=user,
            created_at=created,
            expires_at=_iso(now + self.lifetime),
            last_seen_at=created,
            csrf_token=secrets.token_urlsafe(32),
        )
        with self.engine.begin() as conn:
            # sweep the ended ones here: logins are rare, requests are not
            conn.execute(
                delete(t.web_sessions).where(
                    (t.web_sessions.c.expires_at <= created)
                    | (t.web_sessions.c.last_seen_at <= ended_idle)
                )
            )
            conn.execute(
                t.web_sessions.insert().values(
                    id=session.id,
                    user_id=user.id,
                    created_at=session.created_at,
                    expires_at=session.expires_at,
                    last_seen_at=session.last_seen_at,
                    csrf_token=session.csrf_token,
                )
            )
        return token, session

    def lookup(self, token: str) -> Session | None:
        """The live session of an enabled user for this token, else None."""
        digest = token_digest(token)
        s, u = t.web_sessions.c, t.users.c
        query = (
            select(
                s.created_at,
                s.expires_at,
                s.last_seen_at,
                s.csrf_token,
                u.id.label("user_id"),
                u.username,
                u.role,
                u.created_at.label("user_created_at"),
                u.disabled_at,
                u.last_login_at,
            )
            .select_from(t.web_sessions.join(t.users, u.id == s.user_id))
            .where(s.id == digest)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.disabled_at is not None:
            return None
        now = self.clock()
        last_seen = _parse(row.last_seen_at)
        if now >= _parse(row.expires_at) or now - last_seen >= self.idle:
            self.delete(token)
            return None
        seen = row.last_seen_at
        if now - last_seen >= _TOUCH_EVERY:
            seen = _iso(now)
            with self.engine.begin() as conn:
                conn.execute(
                    update(t.web_sessions)
                    .where(t.web_sessions.c.id == digest)
                    .values(last_seen_at=seen)
                )
        user = User(
            row.user_id, row.username, row.role, row.user_created_at, None, row.last_login_at
        )
        return Session(digest, user, row.created_at, row.expires_at, seen, row.csrf_token)

    def delete(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(t.web_sessions).where(t.web_sessions.c.id == token_digest(token)))

    def delete_for(self, user_id: int) -> int:
        """End every session of one user; the number ended."""
        with self.engine.begin() as conn:
            result = conn.execute(delete(t.web_sessions).where(t.web_sessions.c.user_id == user_id))
        return result.rowcount
