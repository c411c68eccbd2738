"""Tables the HTTP service adds to the store: API keys, the audit log and rate counters.

They live on the store's own `metadata` (migration 0001 creates them), so one
SQLite file (or one PostgreSQL database) holds the lists, the keys and
the record of what was answered.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, Text

from clearance.store.schema import metadata

__all__ = ["api_keys", "audit_records", "metadata", "rate_counters"]

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("role", String(20), nullable=False),  # "screen" or "admin"
    Column("key_hash", String(64), nullable=False, unique=True),  # sha256 hex of the key
    Column("prefix", String(16), nullable=False),  # first characters, to recognise a key
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
)

audit_records = Table(
    "audit_records",
    metadata,
    # AUTOINCREMENT: a deleted tail record's number is never reused, so the gap shows
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("key_name", String(120), nullable=False),
    Column("endpoint", String(200), nullable=False),
    Column("body", Text, nullable=False),  # canonical JSON: query, snapshot, lists, results
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    sqlite_autoincrement=True,
)

rate_counters = Table(
    "rate_counters",
    metadata,
    Column("key_name", String(120), primary_key=True),
    Column("window", Integer, primary_key=True),  # minutes since the epoch
    Column("count", Integer, nullable=False),
)
