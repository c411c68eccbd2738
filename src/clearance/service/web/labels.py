"""The model's codes in the words an analyst reads: name kinds, country roles, identifiers.

The model keeps FtM-style codes (`weak_alias`, `uscc`) because files and APIs
exchange them; a person deciding a hit should not have to know them.
"""

from __future__ import annotations

from clearance.model import CountryRole, NameKind
from clearance.sources.registry import DATASETS

NAME_KINDS: dict[str, str] = {
    NameKind.PRIMARY: "Primary name",
    NameKind.ALIAS: "Also known as",
    NameKind.WEAK_ALIAS: "Weak alias (low quality)",
    NameKind.FORMER: "Formerly known as",
    NameKind.NEW: "Now known as",
    NameKind.NATIVE: "Original script",
}

#: shown after the country's name: "China (registered in)"
COUNTRY_ROLES: dict[str, str] = {
    CountryRole.NATIONALITY: "nationality",
    CountryRole.CITIZENSHIP: "citizenship",
    CountryRole.JURISDICTION: "registered in",
    CountryRole.ADDRESS: "address",
    CountryRole.BIRTH: "place of birth",
    CountryRole.FLAG: "flag state",
    CountryRole.OTHER: "other link",
}

IDENTIFIER_TYPES = {
    "passport": "Passport",
    "national_id": "National ID",
    "uscc": "Unified Social Credit Code",
    "registration": "Registration number",
    "tax_id": "Tax ID",
    "imo": "IMO number",
    "mmsi": "MMSI",
    "lei": "LEI",
    "swift_bic": "SWIFT/BIC",
    "isin": "ISIN",
    "crypto_wallet": "Crypto wallet",
    "email": "Email",
    "website": "Website",
    "phone": "Phone",
    "aircraft_serial": "Aircraft serial number",
    "aircraft_tail": "Aircraft tail number",
    "call_sign": "Call sign",
    "other": "Other identifier",
}

#: Entity fields (as in `Entity.to_dict`) named in "what changed"
FIELDS = {
    "birth_dates": "birth dates",
    "birth_places": "places of birth",
    "death_dates": "death dates",
    "source_url": "source link",
    "raw": "the publisher's record",
    "schema": "type",
}

SCHEMATA = {
    "Person": "Person",
    "Organization": "Organisation",
    "Company": "Company",
    "LegalEntity": "Person or organisation",
    "Vessel": "Vessel",
    "Aircraft": "Aircraft",
}


def name_kind(kind: str) -> str:
    return NAME_KINDS.get(kind, kind)


def country_role(role: str) -> str:
    return COUNTRY_ROLES.get(role, role)


def identifier_type(kind: str) -> str:
    return IDENTIFIER_TYPES.get(kind, kind.replace("_", " "))


def field_name(name: str) -> str:
    return FIELDS.get(name, name.replace("_", " "))


def dataset_title(dataset: str) -> str:
    """The registry's title; a user's own dataset goes by its name."""
    configured = DATASETS.get(dataset)
    return configured.title if configured else dataset


def schema_label(schema: str) -> str:
    return SCHEMATA.get(schema, schema)
