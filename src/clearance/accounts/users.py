"""User accounts: create, authenticate, change password, disable.

Usernames are stored lower-case and limited to ASCII letters, digits and
`. _ - @`: one spelling per account, and no look-alike names (a Cyrillic "а" in
"аdmin") that an audit-log reader could mistake for someone else.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from clearance.accounts import schema as t
from clearance.accounts.passwords import (
    default_hasher,
    hash_password,
    needs_rehash,
    verify_password,
)
from clearance.store.store import utc_now

__all__ = ["ROLES", "User", "UserError", "UserStore", "check_password", "check_username"]

ROLES = ("analyst", "admin")
USERNAME_MAX = 80
PASSWORD_MIN = 12
PASSWORD_MAX = 1024
_USERNAME = re.compile(r"[A-Za-z0-9._@-]+")


class UserError(ValueError):
    """Bad input for an account; the message names the field and the problem."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    created_at: str
    disabled_at: str | None
    last_login_at: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def check_username(username: str) -> str:
    """The stored (lower-case) form of a valid username; UserError otherwise."""
    if not username:
        raise UserError("username: must not be empty")
    if len(username) > USERNAME_MAX:
        raise UserError(f"username: longer than {USERNAME_MAX} characters ({len(username)})")
    if not _USERNAME.fullmatch(username):
        raise UserError(f"username: {username!r} may only contain letters a-z, digits and . _ - @")
    return username.lower()


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise UserError(f"password: shorter than {PASSWORD_MIN} characters ({len(password)})")
    if len(password) > PASSWORD_MAX:
        raise UserError(f"password: longer than {PASSWORD_MAX} characters ({len(password)})")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"role: {role!r} is not one of {', '.join(ROLES)}")


def _user(row: Any) -> User:
    return User(row.id, row.username, row.role, row.created_at, row.disabled_at, row.last_login_at)


class UserStore:
    def __init__(self, engine: Engine, *, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.hasher = hasher or default_hasher()
        self._decoy: str | None = None

    def create(self, username: str, password: str, role: str = "analyst") -> User:
        name = check_username(username)
        check_password(password)
        _check_role(role)
        encoded = hash_password(password, self.hasher)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    t.users.insert().values(
                        username=name, password_hash=encoded, role=role, created_at=utc_now()
                    )
                )
        except IntegrityError:
            raise UserError(f"username: {name!r} already exists") from None
        return self._require(name)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is right and the account enabled, else None.

        An unknown or disabled name still costs one hash check, so the answer's
        timing does not tell which usernames exist.
        """
        try:
            name = check_username(username)
        except UserError:
            name = None
        with self.engine.connect() as conn:
            row = (
                None
                if name is None
                else conn.execute(select(t.users).where(t.users.c.username == name)).first()
            )
        if row is None or len(password) > PASSWORD_MAX:
            verify_password(self._decoy_hash(), password[:PASSWORD_MAX], self.hasher)
            return None
        if not verify_password(row.password_hash, password, self.hasher):
            return None
        if row.disabled_at is not None:
            return None
        values: dict[str, str] = {"last_login_at": utc_now()}
        if needs_rehash(row.password_hash, self.hasher):
            values["password_hash"] = hash_password(password, self.hasher)
        with self.engine.begin() as conn:
            conn.execute(update(t.users).where(t.users.c.id == row.id).values(**values))
        return self._require(row.username)

    def _decoy_hash(self) -> str:
        if self._decoy is None:
            self._decoy = hash_password(secrets.token_urlsafe(16), self.hasher)
        return self._decoy

    def get(self, user_id: int) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.id == user_id)).first()
        return None if row is None else _user(row)

    def by_name(self, username: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.users).where(t.users.c.username == username.lower())
            ).first()
        return None if row is None else _user(row)

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.users).order_by(t.users.c.username)).all()
        return [_user(row) for row in rows]

    def set_password(self, username: str, password: str) -> User:
        """A new password; every open session of the user ends (whoever had it is out)."""
        check_password(password)
        user = self._require(username)
        encoded = hash_password(password, self.hasher)
        with self.engine.begin() as conn:
            conn.execute(
                update(t.users).where(t.users.c.id == user.id).values(password_hash=encoded)
            )
            conn.execute(delete(t.web_sessions).where(t.web_sessions.c.user_id == user.id))
        return user

    def disable(self, username: str) -> User:
        """Refuse the user's logins from now on and end their open sessions.

        The row stays: decisions and audit records keep naming who made them.
        """
        user = self._require(username)
        with self.engine.begin() as conn:
            if user.disabled_at is None:
                conn.execute(
                    update(t.users).where(t.users.c.id == user.id).values(disabled_at=utc_now())
                )
            conn.execute(delete(t.web_sessions).where(t.web_sessions.c.user_id == user.id))
        return self._require(username)

    def _require(self, username: str) -> User:
        user = self.by_name(username)
        if user is None:
            raise UserError(f"username: no user named {username!r}")
        return user
