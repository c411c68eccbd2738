"""Signed double-submit tokens: CSRF protection for forms shown before anyone logs in.

A logged-in user's forms carry the session's own random token. The login form
has no session yet, so the browser gets a random nonce in a cookie and the form
gets HMAC(server secret, nonce): a forged cross-site form cannot read the
cookie, and a planted cookie (from a sibling subdomain) is useless without the
secret to sign it.

The secret is made once per store and kept in its `settings` table, so every
worker process (and every restart) signs and checks with the same one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from clearance.store.schema import settings

__all__ = ["SECRET_KEY", "matches", "new_nonce", "server_secret", "sign"]

SECRET_KEY = "web_csrf_secret"


def server_secret(engine: Engine) -> bytes:
    """The store's CSRF signing secret, made on first use."""
    query = select(settings.c.value).where(settings.c.key == SECRET_KEY)
    with engine.connect() as conn:
        found = conn.execute(query).scalar_one_or_none()
    if found is None:
        try:
            with engine.begin() as conn:
                conn.execute(settings.insert().values(key=SECRET_KEY, value=secrets.token_hex(32)))
        except IntegrityError:
            pass  # another worker made it first: use theirs
        with engine.connect() as conn:
            found = conn.execute(query).scalar_one()
    return bytes.fromhex(found)


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def sign(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, b"login-form:" + nonce.encode(), hashlib.sha256).hexdigest()


def matches(expected: str, given: str) -> bool:
    """Constant-time comparison, so the check leaks nothing about the right token."""
    return hmac.compare_digest(expected.encode(), given.encode())
