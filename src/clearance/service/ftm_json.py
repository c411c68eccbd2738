"""Listed entities in FollowTheMoney JSON form, as yente and OpenSanctions return them.

The model already uses FtM's field names (sources/ftm.py reads FtM in), so this
is the mapping back out: our names by kind to name/alias/weakAlias/previousName,
countries by role, identifiers by type, listings as nested Sanction entities.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from threading import Lock
from typing import Any

from clearance.model import CountryRole, Entity, Listing, NameKind
from clearance.sources.registry import DATASETS
from clearance.store.store import Store

#: our schema -> FtM's
FTM_SCHEMA = {"Aircraft": "Airplane"}
#: FtM schema -> ours (the query side); others are refused with the list of these
QUERY_SCHEMA = {
    "Person": "Person",
    "Organization": "Organization",
    "PublicBody": "Organization",
    "Company": "Company",
    "LegalEntity": "LegalEntity",
    "Vessel": "Vessel",
    "Airplane": "Aircraft",
}

_NAME_PROP = {
    NameKind.PRIMARY: "name",
    NameKind.NATIVE: "name",
    NameKind.ALIAS: "alias",
    NameKind.NEW: "alias",
    NameKind.WEAK_ALIAS: "weakAlias",
    NameKind.FORMER: "previousName",
}
_COUNTRY_PROP = {
    CountryRole.NATIONALITY: "nationality",
    CountryRole.CITIZENSHIP: "citizenship",
    CountryRole.JURISDICTION: "jurisdiction",
    CountryRole.ADDRESS: "country",
    CountryRole.BIRTH: "birthCountry",
    CountryRole.FLAG: "flag",
    CountryRole.OTHER: "country",
}
_IDENTIFIER_PROP = {
    "passport": "passportNumber",
    "national_id": "idNumber",
    "uscc": "uscCode",
    "registration": "registrationNumber",
    "tax_id": "taxNumber",
    "imo": "imoNumber",
    "mmsi": "mmsi",
    "lei": "leiCode",
    "swift_bic": "swiftBic",
    "isin": "isinCode",
    "crypto_wallet": "idNumber",
    "email": "email",
    "website": "website",
    "phone": "phone",
    "aircraft_serial": "serialNumber",
    "aircraft_tail": "registrationNumber",
    "call_sign": "callSign",
    "other": "idNumber",
}
#: identifier properties a yente query may carry
QUERY_IDENTIFIER_PROPS = tuple(sorted(set(_IDENTIFIER_PROP.values()) - {"email", "website"}))


@dataclass(frozen=True)
class Timeline:
    """When the store first and last saw an entity, and when its content last changed."""

    first_seen: str | None
    last_seen: str | None
    last_change: str | None


def ftm_schema(schema: str) -> str:
    return FTM_SCHEMA.get(schema, schema)


def _add(props: dict[str, list[Any]], prop: str, value: Any) -> None:
    if value in (None, ""):
        return
    values = props.setdefault(prop, [])
    if value not in values:
        values.append(value)


def entity_properties(entity: Entity) -> dict[str, list[Any]]:
    props: dict[str, list[Any]] = {}
    for name in entity.names:
        _add(props, _NAME_PROP[name.kind], name.value)
    for birth in entity.birth_dates:
        _add(props, "birthDate", birth)
    for place in entity.birth_places:
        _add(props, "birthPlace", place)
    for death in entity.death_dates:
        _add(props, "deathDate", death)
    _add(props, "gender", entity.gender)
    for country in entity.countries:
        _add(props, _COUNTRY_PROP[country.role], country.code)
    for address in entity.addresses:
        _add(props, "address", address.full)
    for identifier in entity.identifiers:
        _add(props, _IDENTIFIER_PROP.get(identifier.type, "idNumber"), identifier.value)
    for title in entity.titles:
        _add(props, "position", title)
    for remark in entity.remarks:
        _add(props, "notes", remark)
    for program in entity.programs:
        _add(props, "program", program)
    _add(props, "sourceUrl", entity.source_url)
    configured = DATASETS.get(entity.dataset)
    category = configured.category if configured else "sanctions"
    _add(props, "topics", "export.control" if category == "export_controls" else "sanction")
    return props


def _iso(value: str | None) -> str | None:
    """Store times are `...Z` strings; FtM JSON uses ISO datetimes pydantic can read."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def sanction_entity(entity: Entity, position: int, listing: Listing) -> dict[str, Any]:
    """One listing as a nested FtM Sanction entity: the legal effect travels with the hit."""
    props: dict[str, list[Any]] = {}
    _add(props, "entity", entity.id)
    _add(props, "authority", listing.authority)
    _add(props, "program", listing.list_name)
    for program in listing.programs:
        _add(props, "programId", program)
    _add(props, "listingDate", listing.listed_on)
    _add(props, "endDate", listing.end_date)
    _add(props, "sourceUrl", listing.source_url)
    if listing.license_requirement:
        _add(props, "provisions", f"Licence requirement: {listing.license_requirement}")
    if listing.license_policy:
        _add(props, "provisions", f"Licence review policy: {listing.license_policy}")
    if listing.federal_register_notice:
        _add(props, "notes", f"Federal Register: {listing.federal_register_notice}")
    for note in listing.notes:
        _add(props, "reason", note)
    return {
        "id": f"{entity.id}-sanction-{position}",
        "schema": "Sanction",
        "caption": f"{listing.authority}: {listing.list_name}",
        "properties": props,
        "datasets": [entity.dataset],
        "referents": [],
        "target": False,
    }


def entity_json(entity: Entity, timeline: Timeline, *, nested: bool = False) -> dict[str, Any]:
    props: dict[str, list[Any]] = entity_properties(entity)
    if nested and entity.listings:
        props["sanctions"] = [
            sanction_entity(entity, i, listing) for i, listing in enumerate(entity.listings)
        ]
    return {
        "id": entity.id,
        "schema": ftm_schema(entity.schema),
        "caption": entity.caption,
        "properties": props,
        "datasets": [entity.dataset],
        "referents": [],
        "target": True,
        "first_seen": _iso(timeline.first_seen),
        "last_seen": _iso(timeline.last_seen),
        "last_change": _iso(timeline.last_change),
    }


class EntityCache:
    """Full entities and their timelines for one snapshot, read once and kept (bounded).

    A match answer shows whole entities; reading and parsing their JSON from the
    store for every request would cost more than the screening itself. Store
    rows are immutable per snapshot, so a cache keyed by snapshot is never stale.
    """

    def __init__(self, store: Store, size: int = 20_000) -> None:
        self.store = store
        self.size = size
        self._items: OrderedDict[tuple[int, str], tuple[Entity, Timeline] | None] = OrderedDict()
        self._lock = Lock()

    def get(self, snapshot_id: int, entity_id: str) -> tuple[Entity, Timeline] | None:
        key = (snapshot_id, entity_id)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        entity = self.store.entity(entity_id, snapshot_id)
        value = None if entity is None else (entity, self._timeline(entity_id))
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def _timeline(self, entity_id: str) -> Timeline:
        rows = self.store.entity_sightings(entity_id)
        if not rows:
            return Timeline(None, None, None)
        last_change = rows[0][1]
        for (_, _at, previous), (_, fetched_at, digest) in pairwise(rows):
            if digest != previous:
                last_change = fetched_at
        return Timeline(rows[0][1], rows[-1][1], last_change)
