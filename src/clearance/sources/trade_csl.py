"""The trade.gov Consolidated Screening List CSV (consolidated.csv, plain or gzipped).

One CSV merges eleven-odd lists of three agencies (Commerce BIS, Treasury OFAC,
State). Each row is one party on one source list and carries that list's legal
effect (licence requirement and policy for the Entity List and MEU list), so every
row becomes one Listing. OFAC parties on several Treasury lists (SDN + SSI + CAPTA)
appear once per list under the same `_id` (OFAC's ent_num): those rows are merged
into one entity with one Listing per row, so a screening hit names every list.

Layouts: trade.gov has kept the same 29 column names since at least 2017; the 2022
and 2025 files differ inside the `ids` column, whose items were "[CC, ]number, Type"
and are now "Type, number[, CC]". The order is decided per file from which end of
the items carries a known type label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from clearance.model import (
    Address,
    Country,
    CountryRole,
    Entity,
    Identifier,
    Listing,
    Name,
    NameKind,
    Relation,
    unique,
)
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.bis_dpl import Row, denial_effect, read_table
from clearance.sources.common import country_code, parse_date, stable_id

ID_COLUMN = "_id"
#: Every column the parser reads; `_id` is optional (ids fall back to a hash without it).
CSL_COLUMNS = (
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)

_AGENCIES = {
    "Bureau of Industry and Security": "US Commerce BIS",
    "Treasury Department": "US Treasury OFAC",
    "State Department": "US State Department",
}
#: Source-list abbreviation (in parentheses in `source`) -> short readable list name.
LIST_NAMES = {
    "EL": "Entity List",
    "MEU": "Military End User List",
    "UVL": "Unverified List",
    "DPL": "Denied Persons List",
    "ISN": "Nonproliferation Sanctions",
    "DTC": "ITAR Debarred List",
    "SDN": "SDN List",
    "SSI": "Sectoral Sanctions Identifications List",
    "FSE": "Foreign Sanctions Evaders List",
    "PLC": "Palestinian Legislative Council List",
    "CAP": "CAPTA List",
    "NS-MBS List": "Non-SDN Menu-Based Sanctions List",
    "CMIC": "Non-SDN Chinese Military-Industrial Complex Companies List",
    "561": "Part 561 List",
    "NS-ISA": "Non-SDN Iran Sanctions Act List",
}
_SOURCE = re.compile(r"^(?P<name>.+?)\s*\((?P<abbr>[^)]+)\)(?P<rest>[^-]*?)\s+-\s+(?P<agency>.+)$")

_SCHEMATA = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Aircraft",
    "": "LegalEntity",  # most BIS/State rows: could be a person or a company
}

#: OFAC's identifier labels (as used in the CSL `ids` column) -> our vocabulary.
ID_TYPES: dict[str, str] = {
    label.lower(): kind
    for kind, labels in {
        "passport": (
            "Passport",
            "Diplomatic Passport",
            "British National Overseas Passport",
            "Stateless Person Passport",
            "Travel Document Number",
        ),
        "national_id": (
            "National ID No.",
            "Cedula No.",
            "Identification Number",
            "C.U.R.P.",
            "D.N.I.",
            "Personal ID Card",
            "Citizen's Card Number",
            "Kenyan ID No.",
            "National Foreign ID Number",
            "Turkish Identification Number",
            "Numero de Identidad",
            "Tazkira National ID Card",
            "Bosnian Personal ID No.",
            "CNP (Personal Numerical Code)",
            "Moroccan Personal ID No.",
            "UAE Identification",
            "C.U.I.",
            "C.U.I.P.",
            "I.F.E.",
            "Electoral Registry No.",
            "Credencial electoral",
            "SSN",
            "Stateless Person ID Card",
            "Refugee ID Card",
            "Residency Number",
            "Birth Certificate Number",
            "N.I.E.",
            "Driver's License No.",
            "Cartilla de Servicio Militar Nacional",
        ),
        "tax_id": (
            "Tax ID No.",
            "NIT #",
            "R.F.C.",
            "RFC",
            "RUC #",
            "V.A.T. Number",
            "Italian Fiscal Code",
            "C.U.I.T.",
            "US FEIN",
            "RIF #",
            "C.I.F.",
            "Fiscal Code",
            "Romanian Tax Registration",
            "Numero Unico de Identificacao Tributaria (NUIT)",
            "Paraguayan tax identification number",
            "RSIN",
            "RTN",
        ),
        "registration": (
            "Registration Number",
            "Registration ID",
            "Company Number",
            "Commercial Registry Number",
            "Government Gazette Number",
            "Business Registration Number",
            "Trade License No.",
            "Matricula Mercantil No",
            "Folio Mercantil No.",
            "C.R. No.",
            "Business Registration Document #",
            "License",
            "Public Registration Number",
            "Chamber of Commerce Number",
            "UK Company Number",
            "Enterprise Number",
            "Branch Unit Number",
            "Dubai Chamber of Commerce Membership No.",
            "LE Number",
            "Certificate of Incorporation Number",
            "Central Registration System Number",
            "Afghan Money Service Provider License Number",
            "Romanian C.R.",
            "Tourism License No.",
            "Istanbul Chamber of Comm. No.",
            "MSB Registration Number",
            "Business Number",
            "File Number",
            "Registered Charity No.",
            "D-U-N-S Number",
            "BIK (RU)",
        ),
        "uscc": (
            "Unified Social Credit Code (USCC)",
            "United Social Credit Code Certificate (USCCC)",
        ),
        "lei": ("Legal Entity Number",),
        "swift_bic": ("SWIFT/BIC",),
        "isin": ("ISIN",),
        "imo": ("Vessel Registration Identification", "IMO"),
        "mmsi": ("MMSI",),
        "website": ("Website",),
        "email": ("Email Address", "Email"),
        "phone": ("Phone Number", "Telephone"),
        "aircraft_serial": (
            "Aircraft Manufacturer's Serial Number (MSN)",
            "Aircraft Serial Identification",
        ),
        "aircraft_tail": ("Aircraft Tail Number", "Previous Aircraft Tail Number"),
        "call_sign": ("Vessel Call Sign", "Other Vessel Call Sign"),
        "other": (
            "Equity Ticker",
            "MICEX Code",
            "Aircraft Mode S Transponder Code",
            "Aircraft Construction Number (also called L/N or S/N or F/N)",
            "Chinese Commercial Code",
            "Immigration No.",
            "VisaNumberID",
            "SRE Permit No.",
            "Romanian Permanent Resident",
            "Public Security and Immigration No.",
            "Seafarer's Identification Document",
            "Pilot License Number",
            "Serial No.",
            "UN/LOCODE",
        ),
    }.items()
    for label in labels
}
#: Labels that describe the party rather than identify it: kept as remarks.
_DESCRIPTIVE = {
    label.lower()
    for label in (
        "Organization Established Date",
        "Organization Type:",
        "Target Type",
        "Issuer Name",
        "Aircraft Model",
        "Aircraft Operator",
        "Aircraft Manufacture Date",
        "Other Vessel Type",
        "Former Vessel Flag",
        "Vessel Year of Build",
    )
}
_FLAG_LABELS = {"other vessel flag", "nationality of registration", "registration country"}
#: Labels of sanctions terms (directives, secondary-sanctions risk, CMIC dates): Listing notes.
_LEGAL = re.compile(
    r"sanction|executive order|directive|caatsa|ifca|peesa|transactions prohibited|"
    r"listing date|effective date|divestment date",
    re.I,
)
_CRYPTO = re.compile(r"^digital currency address\s*-\s*(\S+)$", re.I)
_CC = re.compile(r"^[A-Z]{2}$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEARS = re.compile(r"^(\d{4})\s+to\s+(\d{4})$")
_INLINE_AKA = re.compile(
    r"\s*\((?P<kind>a\.k\.a\.|aka|f\.k\.a\.|formerly known as|also known as)[,:]?"
    r"\s*(?P<names>[^)]*)\)",
    re.I,
)
_SUCCESSORS = re.compile(
    r"[;,]?\s+and\s+(?:any|its)\s+(?:successors?|sub-units?|subsidiar(?:y|ies))\b.*$", re.I
)
_LINKED = re.compile(r"\(Linked To: ([^)]+)\)")
T = TypeVar("T")

DENIAL_NOTE = (
    "Licence requirement and policy describe the effect of a BIS denial order; "
    "the CSL row states none."
)


def _label_key(label: str) -> str:
    return label.strip().lower()


def _known_label(label: str) -> bool:
    key = _label_key(label)
    return (
        key in ID_TYPES
        or key in _DESCRIPTIVE
        or key in _FLAG_LABELS
        or key == "gender"
        or bool(_CRYPTO.match(key))
        or bool(_LEGAL.search(key))
    )


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


@lru_cache(maxsize=4096)
def _country(text: str) -> str | None:
    return country_code(text)


@dataclass(frozen=True)
class ListInfo:
    """Who publishes a CSL source list and its short name; `known` is False for new lists."""

    authority: str
    list_name: str
    known: bool


@lru_cache(maxsize=64)
def source_list(source: str) -> ListInfo:
    """Authority and short list name of a CSL `source` value ("Entity List (EL) - Bureau ...")."""
    match = _SOURCE.match(source.strip())
    if match is None:
        return ListInfo(authority="US Government", list_name=source.strip(), known=False)
    agency = match["agency"].strip()
    authority = _AGENCIES.get(agency)
    list_name = LIST_NAMES.get(match["abbr"].strip())
    known = authority is not None and list_name is not None
    return ListInfo(
        authority=authority or f"US {agency}",
        list_name=list_name or f"{match['name']}{match['rest']}".strip(),
        known=known,
    )


@dataclass
class _Parts:
    """What one CSV row says; rows of the same party are merged field by field."""

    line: int
    schema: str
    names: list[Name] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    gender: str | None = None
    countries: list[Country] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    listing_notes: list[str] = field(default_factory=list)
    listing: Listing | None = None
    source_url: str | None = None
    raw: Row = field(default_factory=dict)


def _names(row: Row, parts: _Parts) -> None:
    """Primary name, inline a.k.a./f.k.a. and the alt_names column."""
    primary = row["name"]
    inline: list[Name] = []
    for match in _INLINE_AKA.finditer(primary):
        kind = (
            NameKind.FORMER
            if match["kind"].lower().startswith(("f", "formerly"))
            else NameKind.ALIAS
        )
        inline.extend(Name.make(n, kind) for n in _split(match["names"]))
    primary = _INLINE_AKA.sub("", primary)
    successors = _SUCCESSORS.search(primary)
    if successors:
        parts.remarks.append(f"Listing covers: {successors.group(0).strip(' ;,')}")
        primary = primary[: successors.start()]
    primary = primary.strip(" ;,")
    if primary:
        parts.names.append(Name.make(primary))
    parts.names.extend(inline)
    for alias in _split(row["alt_names"]):
        alias = re.sub(r"^and\s+", "", alias).strip(" ,")
        if alias:
            parts.names.append(Name.make(alias, NameKind.ALIAS))


def _addresses(row: Row, parts: _Parts) -> None:
    for piece in _split(row["addresses"]):
        piece = re.sub(r"^and\s+", "", piece)
        chunks = [c.strip() for c in piece.split(",") if c.strip()]
        if not chunks:
            continue
        code = _country(chunks[-1])
        if code:
            parts.countries.append(Country(code, CountryRole.ADDRESS))
        if len(chunks) == 1 and code:
            continue  # the address is only a country ("TR"); the country says it all
        parts.addresses.append(Address(full=piece, country=code))


def _people(row: Row, parts: _Parts, where: str, warnings: list[str]) -> None:
    for column, role in (
        ("nationalities", CountryRole.NATIONALITY),
        ("citizenships", CountryRole.CITIZENSHIP),
    ):
        for value in _split(row[column]):
            code = _country(value)
            if code:
                parts.countries.append(Country(code, role))
            else:
                warnings.append(f"{where}: unknown country {value!r} in {column}")
    for value in _split(row["dates_of_birth"]):
        span = _YEARS.match(value)
        if span and 0 <= int(span[2]) - int(span[1]) <= 20:
            parts.birth_dates.extend(str(y) for y in range(int(span[1]), int(span[2]) + 1))
        elif parsed := parse_date(value):
            parts.birth_dates.append(parsed)
        else:
            warnings.append(f"{where}: unreadable date of birth {value!r}")
    for place in _split(row["places_of_birth"]):
        parts.birth_places.append(place)
        code = _country(place.rsplit(",", 1)[-1])
        if code:
            parts.countries.append(Country(code, CountryRole.BIRTH))


def _id_item(item: str, type_first: bool) -> tuple[str, str, str | None, list[str]]:
    """(label, value, country code, date notes) of one `ids` item in either order.

    The 2022 layout writes "[CC, ][expires, ][issued, ]number, Type": with two dates
    the first is the expiry (checked against OFAC's own sdn.csv); one date alone can
    be either, so it is noted without saying which.
    """
    chunks = [c.strip() for c in item.split(",")]
    country: str | None = None
    if type_first:
        label, rest = chunks[0], chunks[1:]
        if len(rest) >= 2 and _CC.match(rest[-1]):
            country, rest = rest[-1], rest[:-1]
    else:
        label, rest = chunks[-1], chunks[:-1]
        if len(rest) >= 2 and _CC.match(rest[0]):
            country, rest = rest[0], rest[1:]
    dates = [c for c in rest if _ISO_DAY.match(c)]
    if dates and len(dates) < len(rest):
        rest = [c for c in rest if not _ISO_DAY.match(c)]
    else:
        dates = []
    if len(dates) == 2 and not type_first:
        notes = [f"issued {dates[1]}", f"expires {dates[0]}"]
    else:
        notes = [f"dated {d} (issue or expiry)" for d in dates]
    return label, ", ".join(rest), country, notes


def _ids(row: Row, parts: _Parts, type_first: bool) -> None:
    for item in _split(row["ids"]):
        if "," not in item:
            parts.remarks.append(item)
            continue
        label, value, cc, date_notes = _id_item(item, type_first)
        key = _label_key(label)
        if not value:
            parts.remarks.append(item)
        elif key == "gender":
            parts.gender = value.lower()
        elif key in _FLAG_LABELS:
            if code := _country(value):
                parts.countries.append(Country(code, CountryRole.FLAG))
            parts.remarks.append(f"{label.rstrip(':')}: {value}")
        elif key in _DESCRIPTIVE:
            parts.remarks.append(f"{label.rstrip(':')}: {value}")
            if key == "aircraft operator":
                parts.relations.append(Relation("operator", value))
        elif crypto := _CRYPTO.match(key):
            parts.identifiers.append(Identifier("crypto_wallet", value, note=crypto[1].upper()))
        elif key in ID_TYPES:
            kind = ID_TYPES[key]
            if kind == "imo":
                value = re.sub(r"^IMO\s*", "", value, flags=re.I)
            note = "; ".join([label, *date_notes])
            country = _country(cc) if cc else None
            parts.identifiers.append(Identifier(kind, value, country, note))
        elif _LEGAL.search(key):
            parts.listing_notes.append(f"{label.rstrip(' :-')}: {value}")
        else:
            parts.identifiers.append(
                Identifier("other", value, _country(cc) if cc else None, label)
            )


def _vessel(row: Row, parts: _Parts) -> None:
    if row["call_sign"]:
        parts.identifiers.append(Identifier("call_sign", row["call_sign"]))
    if row["vessel_flag"]:
        if code := _country(row["vessel_flag"]):
            parts.countries.append(Country(code, CountryRole.FLAG))
        parts.remarks.append(f"Flag: {row['vessel_flag']}")
    for column, label in (
        ("vessel_type", "Vessel type"),
        ("gross_tonnage", "Gross tonnage"),
        ("gross_registered_tonnage", "Gross registered tonnage"),
        ("vessel_owner", "Owner"),
    ):
        if row[column]:
            parts.remarks.append(f"{label}: {row[column]}")
    if row["vessel_owner"]:
        parts.relations.append(Relation("owner", row["vessel_owner"]))


def _listing(row: Row, parts: _Parts, info: ListInfo, where: str, warnings: list[str]) -> Listing:
    requirement = row["license_requirement"] or None
    policy = row["license_policy"] or None
    notes = list(parts.listing_notes)
    if info.list_name == "Denied Persons List" and not requirement and not policy:
        requirement, policy = denial_effect(row["standard_order"])
        notes.append(DENIAL_NOTE)
    if row["standard_order"]:
        notes.append(f"Standard order: {row['standard_order']}")
    dates: dict[str, str | None] = {}
    for column in ("start_date", "end_date"):
        dates[column] = parse_date(row[column])
        if row[column] and dates[column] is None:
            warnings.append(f"{where}: unreadable {column} {row[column]!r}")
    return Listing(
        authority=info.authority,
        list_name=info.list_name,
        programs=tuple(unique(_split(row["programs"]))),
        listed_on=dates["start_date"],
        end_date=dates["end_date"],
        license_requirement=requirement,
        license_policy=policy,
        federal_register_notice=row["federal_register_notice"] or None,
        source_url=row["source_list_url"] or row["source_information_url"] or None,
        notes=tuple(unique(notes)),
    )


def _row_parts(path: Path, line: int, row: Row, type_first: bool, warnings: list[str]) -> _Parts:
    where = f"{path}:{line}"
    if not row["source"]:
        raise SourceError(path, "record has an empty source (list) column", line=line)
    if not row["name"]:
        raise SourceError(path, "record has an empty name", line=line)
    kind = row["type"].lower()
    schema = _SCHEMATA.get(kind)
    if schema is None:
        warnings.append(f"{where}: unknown type {row['type']!r}, read as LegalEntity")
        schema = "LegalEntity"
    info = source_list(row["source"])
    if not info.known:
        warnings.append(f"{where}: unknown source list {row['source']!r}")
    parts = _Parts(line=line, schema=schema, raw={k: v for k, v in row.items() if v})
    _names(row, parts)
    if not parts.names:
        raise SourceError(path, f"name {row['name']!r} leaves no usable name", line=line)
    _addresses(row, parts)
    _people(row, parts, where, warnings)
    _ids(row, parts, type_first)
    _vessel(row, parts)
    if row["title"]:
        parts.titles.append(row["title"])
    if row["remarks"]:
        parts.remarks.insert(0, row["remarks"])
        parts.relations.extend(
            Relation("linked_to", t.strip()) for t in _LINKED.findall(row["remarks"])
        )
    parts.listing = _listing(row, parts, info, where, warnings)
    parts.source_url = row["source_information_url"] or row["source_list_url"] or None
    return parts


def _merge(lists: Iterable[list[T]]) -> tuple[T, ...]:
    return unique(item for items in lists for item in items)


def _entity(entity_id: str, dataset: str, group: list[_Parts]) -> Entity:
    """One entity from the rows of one party; the first row gives the primary name."""
    first = group[0]
    names: list[Name] = list(first.names)
    for other in group[1:]:
        for name in other.names:
            if name.kind == NameKind.PRIMARY and name.value != first.names[0].value:
                name = Name.make(name.value, NameKind.ALIAS)
            names.append(name)
    primary_value = first.names[0].value
    names = [
        n
        for i, n in enumerate(names)
        if i == 0 or not (n.value == primary_value and n.kind != NameKind.PRIMARY)
    ]
    schemata = [p.schema for p in group if p.schema != "LegalEntity"]
    raw: dict[str, object] = dict(first.raw)
    if len(group) > 1:
        raw["also_listed"] = [p.raw for p in group[1:]]

    return Entity(
        id=entity_id,
        dataset=dataset,
        schema=schemata[0] if schemata else "LegalEntity",
        names=unique(n for n in names if n.value),
        birth_dates=_merge(p.birth_dates for p in group),
        birth_places=_merge(p.birth_places for p in group),
        gender=next((p.gender for p in group if p.gender), None),
        countries=_merge(p.countries for p in group),
        addresses=_merge(p.addresses for p in group),
        identifiers=_merge(p.identifiers for p in group),
        listings=unique(p.listing for p in group if p.listing),
        relations=_merge(p.relations for p in group),
        titles=_merge(p.titles for p in group),
        remarks=_merge(p.remarks for p in group),
        source_url=first.source_url,
        raw=raw,
    )


def _type_first(rows: Iterable[tuple[int, Row]]) -> bool:
    """Whether this file writes `ids` items as "Type, number[, CC]" (2025) or the reverse."""
    first = last = 0
    for _, row in rows:
        for item in _split(row["ids"]):
            chunks = [c.strip() for c in item.split(",")]
            if len(chunks) < 2:
                continue
            first += _known_label(chunks[0])
            last += _known_label(chunks[-1])
    return first > last


def _row_id(row: Row, has_id: bool) -> str:
    if has_id and row[ID_COLUMN]:
        return row[ID_COLUMN]
    return stable_id(row["source"], row["name"], row["addresses"], row["start_date"])


def parse_trade_csl(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Parse trade.gov consolidated.csv (any layout since 2017) into entities.

    Ids are `{dataset}:{_id}`; without an `_id` column (or value), a hash of source,
    name, addresses and start date. Rows sharing an id are the same party on several
    source lists (the 2022 file has 71 such OFAC ent_nums) and become one entity with
    one Listing per row. The file states no publication date, so published_at is None.
    """
    if not files:
        raise SourceError("<none>", "no files given for the Consolidated Screening List")
    groups: dict[str, list[_Parts]] = {}
    warnings: list[str] = []
    for path in files:
        header, rows = read_table(
            path,
            delimiter=",",
            required=CSL_COLUMNS,
            label="trade.gov Consolidated Screening List CSV",
        )
        has_id = ID_COLUMN in header
        type_first = _type_first(rows)
        for line, raw_row in rows:
            row = {k: v.strip() for k, v in raw_row.items()}
            parts = _row_parts(path, line, row, type_first, warnings)
            groups.setdefault(_row_id(row, has_id), []).append(parts)
    merged = sum(1 for group in groups.values() if len(group) > 1)
    if merged:
        warnings.append(
            f"{merged} ids appear on several rows (one party on several source lists); "
            "each was merged into one entity with one listing per row"
        )
    entities = [_entity(f"{dataset}:{key}", dataset, group) for key, group in groups.items()]
    return ParsedRelease(entities=entities, published_at=None, warnings=warnings)
