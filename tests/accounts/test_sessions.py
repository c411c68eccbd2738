"""Web sessions against both backends: digest-only storage, idle and absolute expiry,
logout, and users who are disabled while logged in."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from clearance.accounts import schema as t
from clearance.accounts.sessions import SessionStore
from clearance.accounts.users import User, UserStore
from clearance.store.store import Store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_user(store: Store, name: str = "alice") -> User:
    return UserStore(store.engine).create(name, "a sufficiently long secret")


def stored_rows(store: Store) -> list[dict[str, str]]:
    with store.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(t.web_sessions))]


def test_only_the_tokens_digest_is_stored(any_store: Store) -> None:
    user = make_user(any_store)
    token, session = SessionStore(any_store.engine).create(user)
    assert len(token) >= 43  # 32 random bytes, url-safe base64
    (row,) = stored_rows(any_store)
    assert row["id"] == hashlib.sha256(token.encode()).hexdigest() == session.id
    assert token not in str(row)
    assert row["csrf_token"] == session.csrf_token and len(session.csrf_token) >= 43
    found = SessionStore(any_store.engine).lookup(token)
    assert found is not None and found.user.username == "alice" and found.user.id == user.id
    assert SessionStore(any_store.engine).lookup(token + "x") is None
    other, _ = SessionStore(any_store.engine).create(user)
    assert other != token


def test_idle_timeout(any_store: Store) -> None:
    clock = Clock()
    sessions = SessionStore(any_store.engine, idle=timedelta(hours=1), clock=clock)
    token, _ = sessions.create(make_user(any_store))
    clock.advance(minutes=50)
    assert sessions.lookup(token) is not None  # activity resets the idle timer
    clock.advance(minutes=50)
    assert sessions.lookup(token) is not None
    clock.advance(minutes=61)
    assert sessions.lookup(token) is None
    assert stored_rows(any_store) == []  # an ended session is deleted


def test_absolute_lifetime_even_when_active(any_store: Store) -> None:
    clock = Clock()
    sessions = SessionStore(
        any_store.engine, idle=timedelta(hours=1), lifetime=timedelta(hours=3), clock=clock
    )
    token, session = sessions.create(make_user(any_store))
    assert session.expires_at == "2026-01-05T12:00:00Z"
    for _ in range(5):
        clock.advance(minutes=35)
        assert sessions.lookup(token) is not None
    clock.advance(minutes=5)  # 3 h after login
    assert sessions.lookup(token) is None


def test_logout_deletes_the_session(any_store: Store) -> None:
    sessions = SessionStore(any_store.engine)
    user = make_user(any_store)
    token, _ = sessions.create(user)
    kept, _ = sessions.create(user)  # another browser stays logged in
    sessions.delete(token)
    assert sessions.lookup(token) is None
    assert sessions.lookup(kept) is not None
    assert sessions.delete_for(user.id) == 1
    assert sessions.lookup(kept) is None


def test_sessions_of_a_disabled_user_stop_working(any_store: Store) -> None:
    sessions = SessionStore(any_store.engine)
    token, _ = sessions.create(make_user(any_store))
    # disabled by some other route than UserStore.disable (which also deletes sessions)
    with any_store.engine.begin() as conn:
        conn.execute(update(t.users).values(disabled_at="2026-01-01T00:00:00Z"))
    assert sessions.lookup(token) is None


def test_new_logins_sweep_ended_sessions(any_store: Store) -> None:
    clock = Clock()
    sessions = SessionStore(any_store.engine, clock=clock)
    user = make_user(any_store)
    for _ in range(3):
        sessions.create(user)
    clock.advance(hours=2)
    sessions.create(user)
    assert len(stored_rows(any_store)) == 1
