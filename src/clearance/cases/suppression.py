"""False-positive suppression: a hit an analyst cleared is answered `match: false`, with why.

A suppression hides a hit only for the same party (identity.party_key), the same
listed entity, and the same version of that entity (its content hash in the
snapshot that produced the hit). The check is one query per batch of hits: the
suppressions of the pairs, joined to the snapshot's entity versions, so a pair
whose entity changed since the decision simply does not come back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import Engine, select, tuple_

from clearance.cases import schema as t
from clearance.cases.identity import Party, party_key
from clearance.cases.records import Decision, decision_from_row
from clearance.cases.versions import CHUNK, entity_hashes
from clearance.screening import Hit

Pair = tuple[str, str]  # (party key, entity id)


def active_suppressions(
    engine: Engine, pairs: Iterable[Pair], snapshot_id: int
) -> dict[Pair, Decision]:
    """pair -> the false-positive decision hiding it, for pairs whose entity version in
    the snapshot is the one decided about.

    Two steps, not one join: the suppressions of the pairs (by primary key), then,
    only if there are any, the entity versions the snapshot serves. Joined in one
    statement, SQLite without table statistics walks every entity of the snapshot
    first (12 ms a request on the shared lists, instead of well under one)."""
    wanted = sorted(set(pairs))
    candidates: dict[Pair, Decision] = {}
    hashes: dict[Pair, str] = {}
    s = t.suppressions
    with engine.connect() as conn:
        for start in range(0, len(wanted), CHUNK):
            rows = conn.execute(
                select(
                    t.decisions,
                    s.c.party_key.label("s_party"),
                    s.c.entity_id.label("s_entity"),
                    s.c.entity_hash.label("s_hash"),
                )
                .select_from(s)
                .join(t.decisions, t.decisions.c.id == s.c.decision_id)
                .where(tuple_(s.c.party_key, s.c.entity_id).in_(wanted[start : start + CHUNK]))
            )
            for row in rows:
                pair = (row.s_party, row.s_entity)
                candidates[pair], hashes[pair] = decision_from_row(row), row.s_hash
        if not candidates:
            return {}
        served = entity_hashes(conn, snapshot_id, (entity for _key, entity in candidates))
    return {pair: d for pair, d in candidates.items() if served.get(pair[1]) == hashes[pair]}


def suppressed_many(
    engine: Engine, items: Sequence[tuple[Party, Sequence[Hit]]], snapshot_id: int
) -> list[dict[str, Decision]]:
    """For each (party, hits): entity id -> the decision hiding that hit (match hits only)."""
    keys = [party_key(party) for party, _hits in items]
    pairs = [
        (key, h.entity_id)
        for key, (_p, hits) in zip(keys, items, strict=True)
        for h in hits
        if h.match
    ]
    if not pairs:
        return [{} for _ in items]
    found = active_suppressions(engine, pairs, snapshot_id)
    return [
        {h.entity_id: found[(key, h.entity_id)] for h in hits if (key, h.entity_id) in found}
        for key, (_p, hits) in zip(keys, items, strict=True)
    ]


def hide(hit: Hit, decision: Decision) -> Hit:
    """The hit as a screening answers it once cleared: not a match, and the decision said."""
    return replace(
        hit, match=False, explanation=f"{hit.explanation} Not a match: {decision.note()}."
    )


def apply(hits: Sequence[Hit], hidden: dict[str, Decision]) -> list[Hit]:
    """The hits with every suppressed one hidden, in the same order."""
    return [hide(h, hidden[h.entity_id]) if h.entity_id in hidden else h for h in hits]


def any_suppressions(engine: Engine) -> bool:
    """Whether any decision hides anything (a batch skips its per-chunk checks if not)."""
    with engine.connect() as conn:
        return conn.execute(select(t.suppressions.c.party_key).limit(1)).first() is not None
