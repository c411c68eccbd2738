"""Alerts: match hits that need an analyst's decision, raised once per pair, re-opened on change.

For each match hit of a party, raising looks at the pair's latest alert:
- none: a new alert;
- open or pending: nothing (one open alert per pair; the rule is kept here,
  in a transaction serialised with every other writer of alerts, see
  transactions.py);
- closed (true match or false positive) on the entity version the snapshot
  still serves: nothing (the decision covers it; a false positive is hidden
  from the screening itself by suppression.py);
- closed on another version: a new alert, `reopened_from` the closed one, with
  the change between the two versions in words.

Hits on an entity the snapshot does not hold in the store (a screener built in
memory) raise nothing: a decision must name the entity version it is about.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select, tuple_
from sqlalchemy.engine import Connection

from clearance.cases import schema as t
from clearance.cases.identity import Party, party_key
from clearance.cases.records import (
    SOURCES,
    STATUSES,
    Alert,
    AlertGone,
    Decision,
    alert_from_mapping,
    alert_from_row,
    decision_from_row,
)
from clearance.cases.transactions import write
from clearance.cases.versions import CHUNK, describe_change, entity_hashes, entity_versions
from clearance.screening import Hit
from clearance.store.store import utc_now

Pair = tuple[str, str]  # (party key, entity id)
MAX_SOURCE_REF = 500


@dataclass(frozen=True)
class LatestAlert:
    """What raising needs of a pair's newest alert (and what a page links to)."""

    id: int
    status: str
    entity_hash: str


def latest_alerts(conn: Connection, pairs: Iterable[Pair]) -> dict[Pair, LatestAlert]:
    """Each pair's newest alert: one query per CHUNK pairs."""
    wanted = sorted(set(pairs))
    found: dict[Pair, LatestAlert] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = conn.execute(
            select(
                t.alerts.c.id,
                t.alerts.c.party_key,
                t.alerts.c.entity_id,
                t.alerts.c.status,
                t.alerts.c.entity_hash,
            )
            .where(
                tuple_(t.alerts.c.party_key, t.alerts.c.entity_id).in_(
                    wanted[start : start + CHUNK]
                )
            )
            .order_by(t.alerts.c.id)
        )
        for r in rows:  # ascending ids: the newest is written last
            found[(r.party_key, r.entity_id)] = LatestAlert(r.id, r.status, r.entity_hash)
    return found


def _match_pairs(items: Sequence[tuple[Party, Sequence[Hit]]]) -> dict[Pair, tuple[Party, Hit]]:
    """Each (party, listed entity) pair of a match hit once, first occurrence kept."""
    pairs: dict[Pair, tuple[Party, Hit]] = {}
    for party, hits in items:
        key = party_key(party)
        for hit in hits:
            if hit.match:
                pairs.setdefault((key, hit.entity_id), (party, hit))
    return pairs


def raise_alerts(
    engine: Engine,
    items: Sequence[tuple[Party, Sequence[Hit]]],
    *,
    source: str,
    source_ref: str,
    snapshot_id: int,
) -> list[Alert]:
    """Open an alert for each match hit whose pair needs one; returns the new alerts."""
    if source not in SOURCES:
        raise ValueError(f"source: {source!r} is not one of {', '.join(SOURCES)}")
    source_ref = source_ref[:MAX_SOURCE_REF]
    pairs = _match_pairs(items)
    if not pairs:
        return []
    # Most screenings repeat a pair that already has its alert: find that out with a
    # plain read first, so they never queue for the write lock; the pairs left are
    # checked again under the lock, where the decision to insert is made.
    with engine.connect() as conn:
        wanted = _wanting(conn, pairs, snapshot_id)
    if not wanted:
        return []
    pairs = {pair: pairs[pair] for pair, _hash, _last in wanted}
    now = utc_now()
    with write(engine, lock_alerts=True) as conn:
        rows: list[dict[str, Any]] = []
        reopened: list[tuple[dict[str, Any], str, str]] = []  # row, old hash, new hash
        for pair, current, last in _wanting(conn, pairs, snapshot_id):
            party, hit = pairs[pair]
            row = _row(party, pair[0], hit, current, source, source_ref, snapshot_id, now)
            if last is not None:
                row["reopened_from"] = last.id
                reopened.append((row, last.entity_hash, current))
            rows.append(row)
        if reopened:
            versions = entity_versions(conn, (h for _r, *pair in reopened for h in pair))
            for row, old, new in reopened:
                if old in versions and new in versions:
                    row["change"] = describe_change(versions[old], versions[new])
        if not rows:
            return []
        inserted = conn.execute(
            t.alerts.insert().returning(t.alerts.c.id, sort_by_parameter_order=True), rows
        ).all()
    return [alert_from_mapping({**row, "id": r.id}) for row, r in zip(rows, inserted, strict=True)]


def _wanting(
    conn: Connection, pairs: dict[Pair, tuple[Party, Hit]], snapshot_id: int
) -> list[tuple[Pair, str, LatestAlert | None]]:
    """The pairs that need a new alert, with the entity's version and the pair's last alert.

    A pair needs one unless its newest alert is still open or pending, or was closed
    on the same version of the listed entity; a hit on an entity the snapshot does
    not store (a screener built in memory) raises nothing.
    """
    hashes = entity_hashes(conn, snapshot_id, (entity for _key, entity in pairs))
    latest = latest_alerts(conn, pairs)
    wanted: list[tuple[Pair, str, LatestAlert | None]] = []
    for pair in pairs:
        current = hashes.get(pair[1])
        if current is None:
            continue
        last = latest.get(pair)
        if last is not None and (last.status != "closed" or last.entity_hash == current):
            continue
        wanted.append((pair, current, last))
    return wanted


def _row(
    party: Party,
    key: str,
    hit: Hit,
    entity_hash: str,
    source: str,
    source_ref: str,
    snapshot_id: int,
    now: str,
) -> dict[str, Any]:
    return {
        "party_key": key,
        "party": json.dumps(party.to_dict(), ensure_ascii=False, sort_keys=True),
        "entity_id": hit.entity_id,
        "entity_hash": entity_hash,
        "dataset": hit.dataset,
        "schema": hit.schema,
        "caption": hit.caption,
        "matched_name": hit.matched_name,
        "score": hit.score,
        "explanation": hit.explanation,
        "lists": json.dumps(list(hit.lists), ensure_ascii=False),
        "source": source,
        "source_ref": source_ref,
        "snapshot_id": snapshot_id,
        "created_at": now,
        "updated_at": now,
        "status": "open",
        "decision": None,
        "version": 1,
        "reopened_from": None,
        "change": None,
    }


# -- reading ------------------------------------------------------------------


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise ValueError(f"status: {status!r} is not one of {', '.join(STATUSES)}")
    return status


def queue(engine: Engine, status: str = "open", limit: int = 50, offset: int = 0) -> list[Alert]:
    """Alerts of one status: open and pending oldest first (a work queue), closed newest first."""
    check_status(status)
    order = t.alerts.c.id.desc() if status == "closed" else t.alerts.c.id
    query = (
        select(t.alerts)
        .where(t.alerts.c.status == status)
        .order_by(order)
        .limit(max(0, limit))
        .offset(max(0, offset))
    )
    with engine.connect() as conn:
        return [alert_from_row(r) for r in conn.execute(query)]


def count(engine: Engine, status: str = "open") -> int:
    check_status(status)
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(t.alerts).where(t.alerts.c.status == status)
            ).scalar_one()
        )


def read_alert(conn: Connection, alert_id: int) -> Alert:
    row = conn.execute(select(t.alerts).where(t.alerts.c.id == alert_id)).first()
    if row is None:
        raise AlertGone(alert_id)
    return alert_from_row(row)


def get_alert(engine: Engine, alert_id: int) -> Alert:
    with engine.connect() as conn:
        return read_alert(conn, alert_id)


def read_decisions(conn: Connection, alert_id: int) -> list[Decision]:
    rows = conn.execute(
        select(t.decisions).where(t.decisions.c.alert_id == alert_id).order_by(t.decisions.c.id)
    )
    return [decision_from_row(r) for r in rows]


def get_decisions(engine: Engine, alert_id: int) -> list[Decision]:
    """The alert's decisions, oldest first (AlertGone if there is no such alert)."""
    with engine.connect() as conn:
        read_alert(conn, alert_id)
        return read_decisions(conn, alert_id)
