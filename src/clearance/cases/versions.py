"""Which version of a listed entity a snapshot serves, and what changed between two versions.

The store keeps each entity's JSON once per content hash (`entity_versions`)
and each release's (entity id → hash) in `release_entities`; the hash is the
entity's version. A decision is about one version: when the snapshot serves
another hash, the decision no longer covers what the list now says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from clearance.model import Entity
from clearance.store import schema as st

#: ids per IN (…) list: well under SQLite's and PostgreSQL's parameter limits
CHUNK = 500
#: values named per kind of change before "and N more"
SHOWN = 8


def entity_hashes(conn: Connection, snapshot_id: int, entity_ids: Iterable[str]) -> dict[str, str]:
    """entity id -> content hash in the snapshot: one query per CHUNK ids, not one per hit."""
    wanted = sorted(set(entity_ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = conn.execute(
            select(st.release_entities.c.entity_id, st.release_entities.c.hash)
            .join(
                st.snapshot_releases,
                st.snapshot_releases.c.release_id == st.release_entities.c.release_id,
            )
            .where(
                st.snapshot_releases.c.snapshot_id == snapshot_id,
                st.release_entities.c.entity_id.in_(chunk),
            )
        )
        found.update({r.entity_id: r.hash for r in rows})
    return found


def entity_versions(conn: Connection, hashes: Iterable[str]) -> dict[str, Entity]:
    """content hash -> the entity as stored under it."""
    wanted = sorted(set(hashes))
    found: dict[str, Entity] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = conn.execute(
            select(st.entity_versions.c.hash, st.entity_versions.c.data).where(
                st.entity_versions.c.hash.in_(wanted[start : start + CHUNK])
            )
        )
        found.update({r.hash: Entity.from_dict(json.loads(r.data)) for r in rows})
    return found


def _listed(values: Sequence[str]) -> str:
    shown = ", ".join(values[:SHOWN])
    more = len(values) - SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _sets(label: str, old: Iterable[str], new: Iterable[str]) -> list[str]:
    before, after = list(dict.fromkeys(old)), list(dict.fromkeys(new))
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    parts = []
    if added:
        parts.append(f"{label} added: {_listed(added)}")
    if removed:
        parts.append(f"{label} removed: {_listed(removed)}")
    return parts


#: Entity.to_dict() keys described above in their own words, or not worth naming
_DESCRIBED = {
    "names",
    "listings",
    "identifiers",
    "birth_dates",
    "countries",
    "schema",
    "id",
    "dataset",
}
#: the other keys, as an analyst calls them ("raw" changes with any other field: named
#: only when nothing else changed)
_LABELS = {"source_url": "source link"}


def describe_change(old: Entity, new: Entity) -> str:
    """What changed in a listed entity, in words ("names added: …; programs removed: …").

    clearance.diff names only which fields of a record changed; an analyst
    re-opening a cleared alert needs the values, so they are compared here.
    """
    parts: list[str] = []
    if old.schema != new.schema:
        parts.append(f"kind changed: {old.schema} → {new.schema}")
    parts += _sets("names", (n.value for n in old.names), (n.value for n in new.names))
    parts += _sets("lists", old.lists, new.lists)
    parts += _sets("programs", old.programs, new.programs)
    if old.listed_on != new.listed_on:
        parts.append(f"listed on changed: {old.listed_on or 'none'} → {new.listed_on or 'none'}")
    parts += _sets(
        "identifiers",
        (f"{i.type} {i.value}" for i in old.identifiers),
        (f"{i.type} {i.value}" for i in new.identifiers),
    )
    if old.birth_dates != new.birth_dates:
        parts.append(
            "birth dates changed: "
            f"{', '.join(old.birth_dates) or 'none'} → {', '.join(new.birth_dates) or 'none'}"
        )
    parts += _sets(
        "countries",
        (c.code.upper() for c in old.countries),
        (c.code.upper() for c in new.countries),
    )
    before, after = old.to_dict(), new.to_dict()
    other = [
        _LABELS.get(k, k.replace("_", " "))
        for k in after
        if k not in _DESCRIBED and k != "raw" and before.get(k) != after.get(k)
    ]
    if old.listings != new.listings and not any(
        p.startswith(("lists ", "programs ", "listed on")) for p in parts
    ):
        other.insert(0, "listing details")
    if other:
        parts.append(f"also changed: {', '.join(other)}")
    return "; ".join(parts) or "only the publisher's own record changed (no field shown here)"
