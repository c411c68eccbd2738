"""Listed entities written into a real store as releases, and the hits a screening of them gives.

The store-level tests run on both backends (`any_store`: SQLite and PostgreSQL).
Their entities are real `Entity` records stored as real releases and snapshots,
so entity versions (content hashes) come from the store exactly as in use; the
hits are made from those entities as the screener would report them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest

from clearance.cases import Cases, Party
from clearance.model import Country, Entity, Identifier, Listing, Name, NameKind
from clearance.screening import Hit
from clearance.sources.base import ParsedRelease
from clearance.store.store import FileRecord, Store

DATASET = "test_list"


def listed(
    pid: str,
    name: str,
    *,
    aliases: Sequence[str] = (),
    programs: Sequence[str] = ("P1",),
    born: str = "1970",
    passport: str | None = None,
) -> Entity:
    return Entity(
        id=f"{DATASET}:{pid}",
        dataset=DATASET,
        schema="Person",
        names=(Name.make(name), *(Name.make(a, NameKind.ALIAS) for a in aliases)),
        birth_dates=(born,),
        countries=(Country("ir"),),
        identifiers=(Identifier("passport", passport),) if passport else (),
        listings=(Listing(authority="Test", list_name="Test List", programs=tuple(programs)),),
    )


def publish(store: Store, entities: Sequence[Entity], tag: str) -> int:
    """A release of the entities, activated: returns the new snapshot's id."""
    content = f"{tag}:{[e.canonical_json() for e in entities]}".encode()
    release = store.add_release(
        dataset=DATASET,
        format="csv",
        source="tests/cases",
        files=[FileRecord("list.csv", hashlib.sha256(content).hexdigest(), len(content), content)],
        parsed=ParsedRelease(list(entities), published_at="2026-01-02"),
        status="accepted",
    )
    return store.activate([release.id]).id


def hit(entity: Entity, *, score: float = 0.93, match: bool = True) -> Hit:
    return Hit(
        entity_id=entity.id,
        dataset=entity.dataset,
        schema=entity.schema,
        caption=entity.caption,
        matched_name=entity.caption,
        score=score,
        match=match,
        explanation=f"'{entity.caption}' ~ '{entity.caption}': name score {score:.2f}.",
        lists=entity.lists,
    )


JANE = listed("1", "Jane Roe", aliases=("J. Roe",))
OMAR = listed("2", "Omar Haddad", passport="X1234567")
PARTY = Party("jane roe", countries=("IR",))


@pytest.fixture
def cases(any_store: Store) -> Cases:
    return Cases(any_store)


@pytest.fixture
def snapshot(any_store: Store) -> int:
    """The first release of the list, active."""
    return publish(any_store, [JANE, OMAR], "v1")
