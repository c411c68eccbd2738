"""The audit log: one record per screening request, each holding its predecessor's hash.

A record's hash is SHA-256 over the canonical JSON (sorted keys, no spaces) of
its sequence number, time, key name, endpoint, body and the previous hash, so
editing a record breaks its own hash, inserting or deleting one breaks the next
record's link, and sequence numbers (never reused) show a gap. Deleting the
newest records leaves a shorter chain that still verifies: compare `verify`'s
head hash with one noted elsewhere to catch that.

Appends from several worker processes are serialised by the database: on
SQLite `BEGIN IMMEDIATE` takes the write lock before the last hash is read; on
PostgreSQL the table is locked in the same transaction. The record is committed
before the response is sent, so an answered request is always in the log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine

from clearance.service import schema as t
from clearance.store.store import utc_now

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(seq: int, at: str, key_name: str, endpoint: str, body: str, prev: str) -> str:
    payload = canonical(
        {"seq": seq, "at": at, "key": key_name, "endpoint": endpoint, "body": body, "prev": prev}
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: str
    key_name: str
    endpoint: str
    body: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "key": self.key_name,
            "endpoint": self.endpoint,
            **self.body,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class Verification:
    ok: bool
    records: int
    head: str
    problems: tuple[str, ...]


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _lock(self, conn: Connection) -> None:
        if self.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.execute(text("LOCK TABLE audit_records IN EXCLUSIVE MODE"))

    def append(self, key_name: str, endpoint: str, body: dict[str, Any]) -> int:
        """Write one record and commit it; returns its sequence number."""
        with self.engine.connect() as conn:
            self._lock(conn)
            try:
                seq = self._insert(conn, key_name, endpoint, body)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return seq

    def append_in(
        self, conn: Connection, key_name: str, endpoint: str, body: dict[str, Any]
    ) -> int:
        """Write one record inside the caller's transaction, committed (or not) with it.

        A case decision and its record must stand or fall together. On SQLite the
        caller's transaction must already hold the write lock (`BEGIN IMMEDIATE`);
        on PostgreSQL the log's table lock is taken here, until the caller commits.
        """
        if self.engine.dialect.name != "sqlite":
            conn.execute(text("LOCK TABLE audit_records IN EXCLUSIVE MODE"))
        return self._insert(conn, key_name, endpoint, body)

    def _insert(self, conn: Connection, key_name: str, endpoint: str, body: dict[str, Any]) -> int:
        payload = canonical(body)
        at = utc_now()
        last = conn.execute(
            select(t.audit_records.c.seq, t.audit_records.c.hash)
            .order_by(t.audit_records.c.seq.desc())
            .limit(1)
        ).first()
        prev = last.hash if last is not None else GENESIS
        # the number AUTOINCREMENT will give: max ever used + 1 (sqlite_sequence)
        seq = self._next_seq(conn, last.seq if last is not None else 0)
        digest = record_hash(seq, at, key_name, endpoint, payload, prev)
        conn.execute(
            t.audit_records.insert().values(
                seq=seq,
                at=at,
                key_name=key_name,
                endpoint=endpoint,
                body=payload,
                prev_hash=prev,
                hash=digest,
            )
        )
        return seq

    def _next_seq(self, conn: Connection, last_seq: int) -> int:
        if self.engine.dialect.name == "sqlite":
            used = conn.execute(
                text("SELECT seq FROM sqlite_sequence WHERE name = 'audit_records'")
            ).scalar_one_or_none()
            return max(int(used or 0), last_seq) + 1
        # PostgreSQL: the column's own sequence, which never hands out a number twice
        # (nextval is not rolled back), so a deleted newest record leaves a gap here too
        issued = conn.execute(
            text("SELECT nextval(pg_get_serial_sequence('audit_records', 'seq'))")
        ).scalar_one()
        return max(int(issued), last_seq + 1)

    def records(self, since: str | None = None) -> Iterator[AuditRecord]:
        query = select(t.audit_records).order_by(t.audit_records.c.seq)
        if since is not None:
            query = query.where(t.audit_records.c.at >= since)
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                yield AuditRecord(
                    row.seq,
                    row.at,
                    row.key_name,
                    row.endpoint,
                    json.loads(row.body),
                    row.prev_hash,
                    row.hash,
                )

    def latest(
        self, limit: int, offset: int = 0, endpoint: str | None = None
    ) -> tuple[list[AuditRecord], int]:
        """A page of records, newest first, and how many there are (of `endpoint`, if given)."""
        table = t.audit_records
        where = [] if endpoint is None else [table.c.endpoint == endpoint]
        query = select(table).where(*where).order_by(table.c.seq.desc()).limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query.offset(offset)).all()
            total = conn.execute(select(func.count()).select_from(table).where(*where)).scalar()
        records = [
            AuditRecord(
                r.seq, r.at, r.key_name, r.endpoint, json.loads(r.body), r.prev_hash, r.hash
            )
            for r in rows
        ]
        return records, int(total or 0)

    def endpoints(self) -> list[str]:
        with self.engine.connect() as conn:
            found = conn.execute(select(t.audit_records.c.endpoint).distinct()).scalars()
            return sorted(found)

    def verify(self) -> Verification:
        """Walk the chain from the first record; every break is named by sequence number."""
        problems: list[str] = []
        prev, expected_seq, count = GENESIS, 1, 0
        query = select(t.audit_records).order_by(t.audit_records.c.seq)
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                count += 1
                if row.seq != expected_seq:
                    problems.append(
                        f"record {row.seq}: expected record {expected_seq} before it "
                        "(records deleted)"
                    )
                if row.prev_hash != prev:
                    problems.append(
                        f"record {row.seq}: does not link to the record before it "
                        "(a record was inserted, deleted or edited)"
                    )
                actual = record_hash(
                    row.seq, row.at, row.key_name, row.endpoint, row.body, row.prev_hash
                )
                if actual != row.hash:
                    problems.append(f"record {row.seq}: content does not match its hash (edited)")
                prev, expected_seq = row.hash, row.seq + 1
        return Verification(not problems, count, prev, tuple(problems))
