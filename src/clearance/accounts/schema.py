"""The accounts tables: users and their web sessions.

Login failures are counted in the service's `rate_counters` table (keys
prefixed `login:`), so no table of their own: the counters already live in the
store, where every worker process sees the same numbers.

Migration `0002_accounts` creates exactly these tables; keep the two in step.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from clearance.store.schema import metadata

__all__ = ["metadata", "users", "web_sessions"]

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(80), nullable=False, unique=True),  # stored lower-case
    Column("password_hash", Text, nullable=False),  # argon2id encoded string
    Column("role", String(20), nullable=False),  # "analyst" or "admin"
    Column("created_at", String(40), nullable=False),
    Column("disabled_at", String(40)),
    Column("last_login_at", String(40)),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    # sha256 hex of the cookie's token: a copy of the table lets no one log in
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),  # the absolute end
    Column("last_seen_at", String(40), nullable=False),  # for the idle timeout
    Column("csrf_token", String(64), nullable=False),
)
Index("ix_web_sessions_user_id", web_sessions.c.user_id)
