"""The listed-party model shared by every layer: entities, names, identifiers, listings.

Plain frozen dataclasses with no I/O, so parsers, the store, matching and the
API can pass them around freely. Field names follow FollowTheMoney where it
has one, so that FtM import and export are a mapping, not a translation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from rigour.text.scripts import text_scripts


class NameKind(StrEnum):
    """How a publisher presents a name; matching weighs them differently."""

    PRIMARY = "primary"
    ALIAS = "alias"  # a.k.a., strong
    WEAK_ALIAS = "weak_alias"  # OFAC "weak a.k.a." / UN "low quality"
    FORMER = "former"  # f.k.a.
    NEW = "new"  # n.k.a.
    NATIVE = "native"  # the name in its original script, given beside a romanization


class CountryRole(StrEnum):
    NATIONALITY = "nationality"
    CITIZENSHIP = "citizenship"
    JURISDICTION = "jurisdiction"
    ADDRESS = "address"
    BIRTH = "birth"
    FLAG = "flag"  # a vessel's or aircraft's flag state
    OTHER = "other"


SCHEMATA = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Aircraft")


def detect_script(text: str) -> str:
    """The Unicode script of a name ("Latin", "Han", "Cyrillic", …), "Mixed" if several.

    Mixed-script names are themselves evidence (homoglyph evasion), so keep them visible.
    """
    scripts = sorted(text_scripts(text))
    if not scripts:
        return "Common"
    if len(scripts) == 1:
        return scripts[0]
    return "Mixed"


@dataclass(frozen=True, slots=True)
class Name:
    value: str
    kind: NameKind = NameKind.PRIMARY
    script: str = ""
    lang: str | None = None

    @classmethod
    def make(cls, value: str, kind: NameKind = NameKind.PRIMARY, lang: str | None = None) -> Name:
        text = " ".join(value.split())
        return cls(value=text, kind=kind, script=detect_script(text), lang=lang)


@dataclass(frozen=True, slots=True)
class Identifier:
    """A document or registry number. `type` uses the vocabulary in IDENTIFIER_TYPES."""

    type: str
    value: str
    country: str | None = None  # ISO 3166-1 alpha-2, lower case (FtM style)
    note: str | None = None


#: Identifier types parsers emit. Strong ones decide a match on their own.
IDENTIFIER_TYPES = {
    "passport": True,
    "national_id": True,
    "uscc": True,  # China Unified Social Credit Code
    "registration": False,
    "tax_id": True,
    "imo": True,
    "mmsi": False,
    "lei": True,
    "swift_bic": True,
    "isin": True,
    "crypto_wallet": True,
    "email": False,
    "website": False,
    "phone": False,
    "aircraft_serial": True,
    "aircraft_tail": True,
    "call_sign": False,
    "other": False,
}


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2 or FtM territory code, lower case ("cn", "kp", "suhh")
    role: CountryRole = CountryRole.OTHER


@dataclass(frozen=True, slots=True)
class Address:
    full: str
    country: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """A link the publisher states ("Linked To: X"); target is a name, not an id."""

    kind: str
    target: str


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing of the party and what it means legally for the user.

    A party on the trade.gov CSL appears once per source list, each with its own
    licence requirement; keeping them apart lets a report say which list demands what.
    """

    authority: str  # "US Treasury OFAC", "US Commerce BIS", "UN Security Council"
    list_name: str  # "SDN List", "Entity List", "Military End User List"
    programs: tuple[str, ...] = ()
    listed_on: str | None = None  # ISO date, partial allowed
    end_date: str | None = None
    license_requirement: str | None = None
    license_policy: str | None = None
    federal_register_notice: str | None = None
    source_url: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    """One listed party, from one release of one dataset.

    `id` is `DATASET:PUBLISHER_ID` and stays stable across releases so that diffs
    and analysts' decisions can follow the same party over time.
    """

    id: str
    dataset: str
    schema: str
    names: tuple[Name, ...]
    birth_dates: tuple[str, ...] = ()  # ISO, partial allowed: "1955", "1955-10", "1955-10-03"
    birth_places: tuple[str, ...] = ()
    death_dates: tuple[str, ...] = ()
    gender: str | None = None  # "male" / "female" as the publisher states it, nothing inferred
    countries: tuple[Country, ...] = ()
    addresses: tuple[Address, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    listings: tuple[Listing, ...] = ()
    relations: tuple[Relation, ...] = ()
    titles: tuple[str, ...] = ()  # positions/titles ("Minister of ..."), as published
    remarks: tuple[str, ...] = ()
    source_url: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)  # the publisher's record, for display

    def __post_init__(self) -> None:
        if not self.names:
            raise ValueError(f"entity {self.id} has no name")
        if self.schema not in SCHEMATA:
            raise ValueError(f"entity {self.id}: unknown schema {self.schema!r}")
        if not self.id.startswith(self.dataset + ":"):
            raise ValueError(f"entity id {self.id!r} must start with {self.dataset!r}:")

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind == NameKind.PRIMARY:
                return name.value
        return self.names[0].value

    @property
    def programs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for lst in self.listings for p in lst.programs))

    @property
    def lists(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(lst.list_name for lst in self.listings))

    @property
    def listed_on(self) -> str | None:
        dates = [lst.listed_on for lst in self.listings if lst.listed_on]
        return min(dates) if dates else None

    def to_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = _plain(self)
        return plain

    def canonical_json(self) -> str:
        """The entity as sorted-key JSON: what the store keeps and what is hashed."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, default=str)

    def content_hash(self) -> str:
        """A digest of everything the publisher said, to tell changed entities in diffs."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entity:
        return cls(
            id=data["id"],
            dataset=data["dataset"],
            schema=data["schema"],
            names=tuple(
                Name(n["value"], NameKind(n["kind"]), n.get("script", ""), n.get("lang"))
                for n in data["names"]
            ),
            birth_dates=tuple(data.get("birth_dates", ())),
            birth_places=tuple(data.get("birth_places", ())),
            death_dates=tuple(data.get("death_dates", ())),
            gender=data.get("gender"),
            countries=tuple(
                Country(c["code"], CountryRole(c["role"])) for c in data.get("countries", ())
            ),
            addresses=tuple(Address(**a) for a in data.get("addresses", ())),
            identifiers=tuple(Identifier(**i) for i in data.get("identifiers", ())),
            listings=tuple(_listing_from_dict(x) for x in data.get("listings", ())),
            relations=tuple(Relation(**r) for r in data.get("relations", ())),
            titles=tuple(data.get("titles", ())),
            remarks=tuple(data.get("remarks", ())),
            source_url=data.get("source_url"),
            raw=dict(data.get("raw", {})),
        )


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, tuples to lists, enums to strings.

    dataclasses.asdict deep-copies every leaf; on tens of thousands of entities
    that dominated ingest time, and our values are immutable anyway.
    """
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _listing_from_dict(data: Mapping[str, Any]) -> Listing:
    values = dict(data)
    values["programs"] = tuple(values.get("programs", ()))
    values["notes"] = tuple(values.get("notes", ()))
    return Listing(**values)


T = TypeVar("T")


def unique(items: Iterable[T]) -> tuple[T, ...]:
    """Keep first occurrences in order: parsers often see the same value twice."""
    return tuple(dict.fromkeys(items))
