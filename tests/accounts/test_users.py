"""Accounts against both backends: create, authenticate, duplicates, bad input, disabling."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from clearance.accounts import schema as t
from clearance.accounts.sessions import SessionStore
from clearance.accounts.users import UserError, UserStore
from clearance.store.store import Store

PASSWORD = "a sufficiently long secret"


def stored_hash(store: Store, username: str) -> str:
    with store.engine.connect() as conn:
        value: str = conn.execute(
            select(t.users.c.password_hash).where(t.users.c.username == username)
        ).scalar_one()
    return value


def test_create_and_authenticate(any_store: Store) -> None:
    users = UserStore(any_store.engine)
    created = users.create("Alice.Smith@example.org", PASSWORD, "admin")
    assert created.username == "alice.smith@example.org"
    assert created.role == "admin" and created.is_admin
    assert created.disabled_at is None and created.last_login_at is None
    assert stored_hash(any_store, created.username).startswith("$argon2id$")

    found = users.authenticate("ALICE.SMITH@example.org", PASSWORD)
    assert found is not None and found.id == created.id
    assert found.last_login_at is not None
    assert users.authenticate(created.username, PASSWORD + "x") is None
    assert users.authenticate("nobody", PASSWORD) is None
    assert users.authenticate("not a valid name!", PASSWORD) is None
    assert users.authenticate(created.username, "x" * 5000) is None

    assert users.get(created.id) == users.by_name("alice.smith@example.org")
    assert users.get(created.id + 1000) is None
    users.create("bob", PASSWORD)
    assert [u.username for u in users.list()] == ["alice.smith@example.org", "bob"]
    bob = users.by_name("bob")
    assert bob is not None and bob.role == "analyst"


def test_duplicate_username_refused_whatever_its_case(any_store: Store) -> None:
    users = UserStore(any_store.engine)
    users.create("carol", PASSWORD)
    for name in ("carol", "CAROL"):
        with pytest.raises(UserError, match="username: 'carol' already exists"):
            users.create(name, PASSWORD)
    assert len(users.list()) == 1


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("", PASSWORD, "analyst", "username: must not be empty"),
        ("a" * 81, PASSWORD, "analyst", "username: longer than 80 characters"),
        ("two words", PASSWORD, "analyst", "username: 'two words' may only contain"),
        ("józef", PASSWORD, "analyst", "username: 'józef' may only contain"),
        ("../etc", PASSWORD, "analyst", "may only contain"),
        ("dave", "short pass", "analyst", "password: shorter than 12 characters"),
        ("dave", "p" * 1025, "analyst", "password: longer than 1024 characters"),
        ("dave", PASSWORD, "superuser", "role: 'superuser' is not one of analyst, admin"),
    ],
)
def test_bad_input_names_the_field(
    any_store: Store, username: str, password: str, role: str, message: str
) -> None:
    users = UserStore(any_store.engine)
    with pytest.raises(UserError, match=message.replace(".", r"\.")):
        users.create(username, password, role)
    assert users.list() == []


def test_limits_are_inclusive(any_store: Store) -> None:
    users = UserStore(any_store.engine)
    assert users.create("a" * 80, "p" * 12).username == "a" * 80
    assert users.create("x", "p" * 1024).username == "x"
    assert users.authenticate("x", "p" * 1024) is not None


def test_disabled_user_cannot_log_in_and_loses_sessions(any_store: Store) -> None:
    users, sessions = UserStore(any_store.engine), SessionStore(any_store.engine)
    user = users.create("erin", PASSWORD)
    token, _ = sessions.create(user)
    disabled = users.disable("erin")
    assert disabled.disabled_at is not None
    assert users.authenticate("erin", PASSWORD) is None
    assert sessions.lookup(token) is None
    assert users.disable("erin").disabled_at == disabled.disabled_at  # idempotent
    with pytest.raises(UserError, match="username: no user named 'nobody'"):
        users.disable("nobody")


def test_new_password_replaces_old_and_ends_sessions(any_store: Store) -> None:
    users, sessions = UserStore(any_store.engine), SessionStore(any_store.engine)
    user = users.create("frank", PASSWORD)
    token, _ = sessions.create(user)
    with pytest.raises(UserError, match="password: shorter"):
        users.set_password("frank", "tiny")
    users.set_password("frank", "another long secret")
    assert users.authenticate("frank", PASSWORD) is None
    assert users.authenticate("frank", "another long secret") is not None
    assert sessions.lookup(token) is None


def test_login_rehashes_a_hash_made_with_old_parameters(any_store: Store) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    UserStore(any_store.engine, hasher=weak).create("grace", PASSWORD)
    assert stored_hash(any_store, "grace").startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    users = UserStore(any_store.engine)
    assert users.authenticate("grace", "wrong password!") is None
    assert "m=8192" in stored_hash(any_store, "grace")  # only a right password rehashes
    assert users.authenticate("grace", PASSWORD) is not None
    assert stored_hash(any_store, "grace").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert users.authenticate("grace", PASSWORD) is not None
