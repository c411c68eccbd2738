"""Who was screened: the party of an alert, and the key a decision about it is filed under.

A false-positive decision must hide the same pair in later screenings from every
interface, so the party needs an identity that is the same however its record
arrives: `party_key` is that identity.

- A caller's own stable id (`key`: a portfolio row key, a customer number) is the
  best identity there is: two different "John Smith"s stay two parties, and a
  customer whose record is corrected (a typo fixed, a birth date added) keeps the
  decisions taken about them. It is used as given, namespaced ("key", …) so it can
  never collide with a digest of attributes.
- Without a key, the party is what was screened: the name as screening compares it
  (clearance.names.normalize_name, the very normalisation the matcher uses, so
  "HIKVISION, Ltd." and "Hikvision Ltd" are one party while "Hikvision Digital" is
  another) plus every other attribute given, each in a canonical form (country
  codes, ISO birth date, identifiers without punctuation), sorted where order
  means nothing. The other attributes are part of the identity on purpose: an
  analyst who cleared "John Smith, born 1970, GB" has not cleared "John Smith,
  born 1985, IR", and a suppression must never hide a hit the decision was not
  about. The cost is that a party screened once with and once without a country
  counts as two parties, and each gets its own alert: a duplicate alert is
  visible and cheap; a wrongly hidden hit is neither.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from clearance.index.build import normalize_identifier
from clearance.names import normalize_name
from clearance.screening import QueryError, parse_birth_date
from clearance.sources.common import country_code


@dataclass(frozen=True)
class Party:
    """A screened party as the caller gave it (`key`: the caller's own stable id)."""

    name: str
    schema: str | None = None
    countries: tuple[str, ...] = ()
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()
    key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "schema": self.schema,
            "countries": list(self.countries),
            "birth_date": self.birth_date,
            "identifiers": list(self.identifiers),
            "key": self.key,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Party:
        return cls(
            name=str(data["name"]),
            schema=data.get("schema"),
            countries=tuple(data.get("countries") or ()),
            birth_date=data.get("birth_date"),
            identifiers=tuple(data.get("identifiers") or ()),
            key=data.get("key"),
        )


def _name(party: Party) -> str:
    normalised = normalize_name(party.name, party.schema).text
    return normalised or " ".join(party.name.casefold().split())


def _country(text: str) -> str:
    return country_code(text) or " ".join(text.casefold().split())


def _birth_date(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    try:
        return parse_birth_date(text)
    except QueryError:  # kept as given: identity must not fail where screening did not
        return text.strip()


def identity(party: Party) -> list[Any]:
    """The canonical material `party_key` digests (shown to explain why two parties differ)."""
    if party.key is not None and party.key.strip():
        return ["key", party.key.strip()]
    countries = sorted({_country(c) for c in party.countries if c.strip()})
    identifiers = sorted({i for i in map(normalize_identifier, party.identifiers) if i})
    return [
        "party",
        _name(party),
        party.schema or None,
        countries,
        _birth_date(party.birth_date),
        identifiers,
    ]


def party_key(party: Party) -> str:
    """A stable digest of the party's identity (see the module docstring for the choice)."""
    material = json.dumps(identity(party), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()
