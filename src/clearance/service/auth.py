"""API keys: created once, stored only as a digest, checked on every request.

A key is 32 random bytes from `secrets` (256 bits), so a plain SHA-256 of it is
enough: slow password hashes (bcrypt, scrypt) exist to make guessing a
low-entropy human password expensive, and nobody can enumerate 2^256 keys.
A fast digest also keeps the per-request check to one indexed SELECT.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from clearance.service import schema as t
from clearance.store.store import utc_now

ROLES = ("screen", "admin")
KEY_PREFIX = "clr_"
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Principal:
    """Who is asking: a key's name and role (or the anonymous caller, when allowed)."""

    name: str
    role: str

    def may(self, role: str) -> bool:
        return self.role == "admin" or self.role == role


@dataclass(frozen=True)
class KeyInfo:
    name: str
    role: str
    prefix: str
    created_at: str
    revoked_at: str | None


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, role: str, name: str | None = None) -> tuple[KeyInfo, str]:
        """A new key; the secret is returned here and never again."""
        if role not in ROLES:
            raise ValueError(f"--role: {role!r} is not one of {', '.join(ROLES)}")
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        label = name or f"key-{secret[len(KEY_PREFIX) : len(KEY_PREFIX) + 8]}"
        if label == ANONYMOUS or not label.strip():
            raise ValueError(f"--name: {label!r} is reserved or empty")
        info = KeyInfo(label, role, secret[:12], utc_now(), None)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    t.api_keys.insert().values(
                        name=info.name,
                        role=role,
                        key_hash=digest(secret),
                        prefix=info.prefix,
                        created_at=info.created_at,
                    )
                )
        except IntegrityError:
            raise ValueError(f"--name: a key named {label!r} already exists") from None
        return info, secret

    def revoke(self, name: str) -> KeyInfo:
        with self.engine.begin() as conn:
            updated = conn.execute(
                t.api_keys.update()
                .where(t.api_keys.c.name == name, t.api_keys.c.revoked_at.is_(None))
                .values(revoked_at=utc_now())
            )
        if updated.rowcount == 0:
            known = [k.name for k in self.list() if k.revoked_at is None]
            raise ValueError(
                f"no active key named {name!r}; active keys: {', '.join(known) or 'none'}"
            )
        return next(k for k in self.list() if k.name == name)

    def list(self) -> list[KeyInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.api_keys).order_by(t.api_keys.c.id)).all()
        return [KeyInfo(r.name, r.role, r.prefix, r.created_at, r.revoked_at) for r in rows]

    def lookup(self, key: str) -> Principal | None:
        """The active key's principal, or None (unknown or revoked)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.api_keys.c.name, t.api_keys.c.role).where(
                    t.api_keys.c.key_hash == digest(key), t.api_keys.c.revoked_at.is_(None)
                )
            ).first()
        return None if row is None else Principal(row.name, row.role)


def parse_authorization(header: str | None) -> str | None:
    """The key from `ApiKey KEY` (yente's form) or `Bearer KEY`; None if absent."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() in ("apikey", "bearer") and value.strip():
        return value.strip()
    return ""
