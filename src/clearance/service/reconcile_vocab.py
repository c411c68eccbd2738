"""The types and properties the reconciliation service speaks of, and their values.

One catalogue serves queries, suggest and data extension, as the 0.2 spec asks:
a property id means the same thing when a query matches on it and when data
extension fetches it. Entity properties keep their FollowTheMoney names (as in
`/entities` and `/match`); what comes from the listings (lists, authority,
listing date, legal effect) has names of our own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from rigour.territories import get_territory

from clearance.model import Entity
from clearance.report.legal import describe_listing
from clearance.service.ftm_json import QUERY_IDENTIFIER_PROPS, entity_properties
from clearance.sources.registry import DATASETS


@dataclass(frozen=True)
class ReconType:
    id: str
    name: str
    description: str

    def json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "description": self.description}


TYPES = (
    ReconType("Person", "Person", "A natural person"),
    ReconType("Organization", "Organization", "An organisation, public body or group"),
    ReconType("Company", "Company", "A company or other business"),
    ReconType("Vessel", "Vessel", "A ship"),
    ReconType("Aircraft", "Aircraft", "An aircraft"),
    ReconType(
        "LegalEntity",
        "Legal entity",
        "A person or an organisation; matches both, and parties the list does not classify",
    ),
)
TYPES_BY_ID = {t.id: t for t in TYPES}
#: type ids a query may send -> the Screener's schema (FtM names are accepted too)
QUERY_TYPES = {**{t.id: t.id for t in TYPES}, "PublicBody": "Organization", "Airplane": "Aircraft"}

QueryUse = Literal["name", "name_part", "birth_date", "country", "identifier"]
_PERSON = frozenset({"Person", "LegalEntity"})
_ORG = frozenset({"Organization", "Company", "LegalEntity"})
_PARTY = _PERSON | _ORG
_ALL = frozenset(TYPES_BY_ID)


@dataclass(frozen=True)
class ReconProperty:
    id: str
    name: str
    description: str
    types: frozenset[str]  # the types whose proposal lists it
    query: QueryUse | None = None  # how a reconciliation query uses it; None: not matched on
    extend: bool = True  # whether data extension returns it

    def json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "description": self.description}


_P = ReconProperty
_IDS = {
    "idNumber": ("ID number", "Any identifier the list gives", _ALL),
    "passportNumber": ("Passport number", "", _PERSON),
    "registrationNumber": ("Registration number", "Company or aircraft registration", _ORG),
    "taxNumber": ("Tax number", "", _ORG),
    "uscCode": ("Unified social credit code", "Chinese company identifier", _ORG),
    "leiCode": ("LEI", "Legal Entity Identifier", _ORG),
    "swiftBic": ("SWIFT/BIC", "", _ORG),
    "isinCode": ("ISIN", "Securities identifier", _ORG),
    "imoNumber": ("IMO number", "", frozenset({"Vessel"})),
    "mmsi": ("MMSI", "Maritime Mobile Service Identity", frozenset({"Vessel"})),
    "callSign": ("Call sign", "", frozenset({"Vessel", "Aircraft"})),
    "serialNumber": (
        "Serial number",
        "Aircraft manufacturer serial number",
        frozenset({"Aircraft"}),
    ),
    "phone": ("Phone", "", _PARTY),
}
assert set(_IDS) == set(QUERY_IDENTIFIER_PROPS), "identifier properties out of step"

PROPERTIES_LIST: tuple[ReconProperty, ...] = (
    _P("name", "Name", "The primary name", _ALL, "name"),
    _P("alias", "Alias", "Other names (a.k.a.)", _ALL, "name"),
    _P("weakAlias", "Weak alias", "Short or vague names the list gives", _ALL, "name"),
    _P("previousName", "Previous name", "Former names (f.k.a.)", _ALL, "name"),
    _P(
        "firstName",
        "First name",
        "Given name, joined with the other name parts",
        _PERSON,
        "name_part",
        extend=False,
    ),
    _P("middleName", "Middle name", "", _PERSON, "name_part", extend=False),
    _P(
        "lastName",
        "Last name",
        "Family name, joined with the other name parts",
        _PERSON,
        "name_part",
        extend=False,
    ),
    _P("birthDate", "Birth date", "YYYY, YYYY-MM or YYYY-MM-DD", _PERSON, "birth_date"),
    _P("birthPlace", "Place of birth", "", _PERSON),
    _P("deathDate", "Death date", "", _PERSON),
    _P("gender", "Gender", "As the list states it", _PERSON),
    _P("nationality", "Nationality", "Country name or ISO code", _PERSON, "country"),
    _P("citizenship", "Citizenship", "Country name or ISO code", _PERSON, "country"),
    _P("birthCountry", "Country of birth", "Country name or ISO code", _PERSON, "country"),
    _P("jurisdiction", "Jurisdiction", "Country of registration", _ORG, "country"),
    _P("country", "Country", "Country of address or other link", _ALL, "country"),
    _P("flag", "Flag", "Flag state of a vessel", frozenset({"Vessel"}), "country"),
    *(_P(pid, name, text, types, "identifier") for pid, (name, text, types) in _IDS.items()),
    _P("address", "Address", "", _ALL),
    _P("email", "E-mail", "", _PARTY),
    _P("website", "Website", "", _PARTY),
    _P("position", "Position", "Positions and titles, as published", _PERSON),
    _P("notes", "Remarks", "The publisher's remarks", _ALL),
    _P("program", "Programs", "Sanctions or control programmes (e.g. GLOMAG)", _ALL),
    _P("lists", "Lists", "The lists naming the party", _ALL),
    _P("authority", "Authority", "Who published the listing", _ALL),
    _P("listed_on", "Listed on", "Date of listing, where the list gives it", _ALL),
    _P("legal_effect", "Legal effect", "What each listing means, in a sentence", _ALL),
    _P("license_requirement", "Licence requirement", "Export-control licence requirement", _ALL),
    _P("license_policy", "Licence review policy", "", _ALL),
    _P("federal_register", "Federal Register notice", "", _ALL),
    _P("dataset", "Dataset", "The dataset (list) this record comes from", _ALL),
    _P("as_of", "List as of", "The date the list version states", _ALL),
    _P("sourceUrl", "Source URL", "", _ALL),
)
PROPERTIES = {p.id: p for p in PROPERTIES_LIST}
COUNTRY_PROPERTIES = frozenset(p.id for p in PROPERTIES_LIST if p.query == "country")


def _unique(values: list[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


_LISTING_VALUES: dict[str, Callable[[Entity], list[str | None]]] = {
    "lists": lambda e: [listing.list_name for listing in e.listings],
    "authority": lambda e: [listing.authority for listing in e.listings],
    "listed_on": lambda e: [listing.listed_on for listing in e.listings],
    "legal_effect": lambda e: [describe_listing(listing) for listing in e.listings],
    "license_requirement": lambda e: [listing.license_requirement for listing in e.listings],
    "license_policy": lambda e: [listing.license_policy for listing in e.listings],
    "federal_register": lambda e: [listing.federal_register_notice for listing in e.listings],
    "dataset": lambda e: [e.dataset],
}


def country_label(code: str) -> str:
    territory = get_territory(code)
    return str(territory.name) if territory is not None else code.upper()


def property_values(
    pid: str, entity: Entity, as_of: str | None, *, labels: bool = True
) -> list[str]:
    """The values of one property of a listed entity, as text.

    `labels` shows countries by name ("China"), else by ISO code ("cn"), as
    FtM stores them.
    """
    if pid == "as_of":
        return _unique([as_of])
    if pid in _LISTING_VALUES:
        return _unique(_LISTING_VALUES[pid](entity))
    values: list[Any] = entity_properties(entity).get(pid, [])
    if pid in COUNTRY_PROPERTIES and labels:
        values = [country_label(str(v)) for v in values]
    return _unique([str(v) for v in values])


def proposed(type_id: str) -> list[ReconProperty]:
    """Properties worth fetching for a type; every one when no type was reconciled against."""
    wanted = [p for p in PROPERTIES_LIST if p.extend]
    if not type_id:
        return wanted
    return [p for p in wanted if type_id in p.types]


def dataset_title(dataset: str) -> str:
    configured = DATASETS.get(dataset)
    return configured.title if configured else dataset


def describe(dataset: str, lists: tuple[str, ...], as_of: str | None) -> str:
    """'SDN List · OFAC Specially Designated Nationals (SDN) List, as of 2024-05-03'."""
    when = f"as of {as_of}" if as_of else "as-of date not stated"
    return f"{'; '.join(lists) or 'listed'} · {dataset_title(dataset)}, {when}"


def matches_prefix(prefix: str, *labels: str) -> bool:
    """Whether a label, or a word of it, begins with what was typed (case-insensitive)."""
    wanted = prefix.strip().casefold()
    if not wanted:
        return True
    return any(
        label.casefold().startswith(wanted)
        or any(word.startswith(wanted) for word in label.casefold().split())
        for label in labels
    )
