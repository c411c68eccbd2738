"""FollowTheMoney entity streams (JSON lines), as OpenSanctions exports them.

An FtM export spreads one listed party over several records: the party itself
(Person, Company, ...), its Sanction records, Address entities, identity
documents and relationship records (Ownership, Family, ...). Screening needs
one self-contained entity per party, so this parser reads the whole stream,
turns each screenable party into an Entity and folds the other records into it.
Records that attach to no screenable party in the file are counted in the
warnings rather than dropped silently.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import FollowTheMoneyException
from followthemoney.proxy import EntityProxy

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
from clearance.sources.common import country_code, parse_date, read_text, require_nonempty

#: FtM schema -> our schema, most specific first (a Company is also an Organization).
SCHEMA_MAP = (
    ("Person", "Person"),
    ("Vessel", "Vessel"),
    ("Airplane", "Aircraft"),
    ("Company", "Company"),
    ("Organization", "Organization"),  # also PublicBody
    ("LegalEntity", "LegalEntity"),
)

NAME_PROPS = (
    ("name", NameKind.PRIMARY),
    ("alias", NameKind.ALIAS),
    ("weakAlias", NameKind.WEAK_ALIAS),
    ("abbreviation", NameKind.WEAK_ALIAS),
    ("previousName", NameKind.FORMER),
)

COUNTRY_PROPS = (
    ("nationality", CountryRole.NATIONALITY),
    ("citizenship", CountryRole.CITIZENSHIP),
    ("jurisdiction", CountryRole.JURISDICTION),
    ("flag", CountryRole.FLAG),
    ("birthCountry", CountryRole.BIRTH),
    ("country", CountryRole.OTHER),
    ("mainCountry", CountryRole.OTHER),
)

#: FtM identifier property -> our identifier type. idNumber and registrationNumber
#: depend on the schema and are handled in _identifier_type.
IDENTIFIER_PROPS = {
    "passportNumber": "passport",
    "socialSecurityNumber": "national_id",
    "taxNumber": "tax_id",
    "innCode": "tax_id",
    "vatCode": "tax_id",
    "ogrnCode": "registration",
    "okpoCode": "registration",
    "uscCode": "uscc",
    "leiCode": "lei",
    "swiftBic": "swift_bic",
    "isinCode": "isin",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "serialNumber": "aircraft_serial",
    "email": "email",
    "website": "website",
    "phone": "phone",
    "dunsCode": "other",
    "uniqueEntityId": "other",
    "cageCode": "other",
    "bikCode": "other",
    "cikCode": "other",
    "permId": "other",
    "callSign": "call_sign",
    "licenseNumber": "other",
    "wikidataId": "other",
}

#: Relationship schemata: (one end, other end, label seen from the first end, from the second).
RELATION_SCHEMATA = {
    "Ownership": ("owner", "asset", "owner of", "owned by"),
    "Directorship": ("director", "organization", "director of", "has director"),
    "Family": ("person", "relative", "family member of", "family member of"),
    "Associate": ("person", "associate", "associate of", "associate of"),
    "Membership": ("member", "organization", "member of", "has member"),
    "Employment": ("employee", "employer", "employee of", "employer of"),
    "Representation": ("agent", "client", "agent of", "represented by"),
    "UnknownLink": ("subject", "object", "linked to", "linked to"),
    "Succession": ("predecessor", "successor", "predecessor of", "successor of"),
}

ID_DOCUMENTS = ("Passport", "Identification")


@dataclass
class _Record:
    line: int
    data: dict[str, Any]
    proxy: EntityProxy

    @property
    def id(self) -> str:
        return str(self.data["id"])  # checked present by _check_shape


@dataclass
class _Party:
    """A screenable record and what other records add to it."""

    record: _Record
    schema: str
    listings: list[Listing] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def _ours(proxy: EntityProxy) -> str | None:
    for ftm_name, ours in SCHEMA_MAP:
        if proxy.schema.is_a(ftm_name):
            return ours
    return None


def _check_shape(path: Path, line: int, data: Any) -> dict[str, Any]:
    """FtM's own loader accepts a string where a list belongs; reject such records here."""
    if not isinstance(data, dict):
        raise SourceError(path, "line is not a JSON object: not an FtM entity", line=line)
    for key in ("id", "schema"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise SourceError(path, f"FtM entity without {key!r}", line=line)
    props = data.get("properties", {})
    if not isinstance(props, dict) or not all(
        isinstance(values, list) and all(isinstance(v, str) for v in values)
        for values in props.values()
    ):
        raise SourceError(
            path, "'properties' must map property names to lists of strings", line=line
        )
    return data


def _read(path: Path) -> Iterable[_Record]:
    text = read_text(path)
    require_nonempty(path, text)
    for line, raw_line in enumerate(text.splitlines(), start=1):
        if not raw_line.strip():
            continue
        try:
            data = json.loads(raw_line)
        except json.JSONDecodeError as exc:
            raise SourceError(
                path, f"not valid JSON ({exc.msg} at column {exc.colno})", line=line
            ) from exc
        data = _check_shape(path, line, data)
        try:
            proxy = model.get_proxy(data, cleaned=False)
        except FollowTheMoneyException as exc:
            raise SourceError(path, f"not a valid FtM entity: {exc}", line=line) from exc
        yield _Record(line=line, data=data, proxy=proxy)


def _identifier_type(schema: str, prop: str) -> str | None:
    if prop == "idNumber":
        return "national_id" if schema == "Person" else "registration"
    if prop == "registrationNumber":
        return "aircraft_tail" if schema == "Aircraft" else "registration"
    return IDENTIFIER_PROPS.get(prop)


def _country(value: str) -> str:
    return country_code(value) or value.lower()


def _address(proxy: EntityProxy) -> Address | None:
    parts = {
        "street": proxy.first("street", quiet=True),
        "city": proxy.first("city", quiet=True),
        "postal_code": proxy.first("postalCode", quiet=True),
        "region": proxy.first("region", quiet=True),
    }
    full = proxy.first("full", quiet=True) or ", ".join(v for v in parts.values() if v)
    if not full:
        return None
    country = proxy.first("country", quiet=True)
    return Address(full=full, country=_country(country) if country else None, **parts)


def _sanction_listing(record: _Record) -> Listing:
    proxy = record.proxy
    starts = [d for d in (parse_date(v) for v in proxy.get("listingDate", quiet=True)) if d]
    starts += [d for d in (parse_date(v) for v in proxy.get("startDate", quiet=True)) if d]
    ends = [d for d in (parse_date(v) for v in proxy.get("endDate", quiet=True)) if d]
    datasets = record.data.get("datasets") or []
    authority = (
        proxy.first("authority", quiet=True)
        or proxy.first("publisher", quiet=True)
        or "(authority not stated)"
    )
    return Listing(
        authority=authority,
        list_name=datasets[0] if datasets else (proxy.first("program", quiet=True) or "Sanction"),
        programs=unique([*proxy.get("program", quiet=True), *proxy.get("programId", quiet=True)]),
        listed_on=min(starts) if starts else None,
        end_date=max(ends) if ends else None,
        source_url=proxy.first("sourceUrl", quiet=True) or proxy.first("programUrl", quiet=True),
        notes=unique(
            [
                *proxy.get("reason", quiet=True),
                *proxy.get("provisions", quiet=True),
                *proxy.get("status", quiet=True),
            ]
        ),
    )


def _dataset_listings(record: _Record) -> list[Listing]:
    """For a sanctioned party whose Sanction records are not in the file: its datasets."""
    programs = unique(record.proxy.get("programId", quiet=True))
    return [
        Listing(
            authority="OpenSanctions",
            list_name=str(name),
            programs=programs,
            notes=("from the FtM entity's datasets; no Sanction record in the file",),
        )
        for name in record.data.get("datasets") or []
    ]


def _names(record: _Record) -> list[Name]:
    proxy = record.proxy
    caption = record.data.get("caption")
    names: list[Name] = []
    primary = proxy.get("name", quiet=True)
    if isinstance(caption, str) and caption in primary:
        primary = [caption, *[n for n in primary if n != caption]]
    for prop, kind in NAME_PROPS:
        values = primary if prop == "name" else proxy.get(prop, quiet=True)
        names.extend(Name.make(v, kind) for v in values if v.strip())
    if not names:
        parts = [proxy.first(p) for p in ("firstName", "middleName", "lastName")]
        whole = " ".join(p for p in parts if p)
        if whole:
            names.append(Name.make(whole))
    seen: set[str] = set()
    kept = []
    for name in names:  # one kind per spelling: the strongest, listed first
        if name.value not in seen:
            seen.add(name.value)
            kept.append(name)
    return kept


def _entity(party: _Party, dataset: str, addresses: list[Address]) -> Entity:
    record = party.record
    proxy = record.proxy
    countries = [
        Country(_country(v), role)
        for prop, role in COUNTRY_PROPS
        for v in proxy.get(prop, quiet=True)
    ]
    countries += [Country(a.country, CountryRole.ADDRESS) for a in addresses if a.country]
    identifiers = [
        Identifier(type=id_type, value=value, note=prop)
        for prop in proxy.schema.properties
        if (id_type := _identifier_type(party.schema, prop))
        for value in proxy.get(prop, quiet=True)
    ]
    topics = proxy.get("topics", quiet=True)
    remarks = list(proxy.get("notes", quiet=True))
    if topics:
        remarks.append("FtM topics: " + ", ".join(topics))
    listings = party.listings or (_dataset_listings(record) if record.data.get("target") else [])
    return Entity(
        id=f"{dataset}:{record.id}",
        dataset=dataset,
        schema=party.schema,
        names=tuple(_names(record)),
        birth_dates=unique(
            d for d in (parse_date(v) for v in proxy.get("birthDate", quiet=True)) if d
        ),
        birth_places=unique(proxy.get("birthPlace", quiet=True)),
        death_dates=unique(
            d for d in (parse_date(v) for v in proxy.get("deathDate", quiet=True)) if d
        ),
        gender=proxy.first("gender", quiet=True),
        countries=unique(countries),
        addresses=unique(addresses),
        identifiers=unique([*identifiers, *party.identifiers]),
        listings=unique(listings),
        relations=unique(party.relations),
        titles=unique(proxy.get("position", quiet=True)),
        remarks=unique(remarks),
        source_url=proxy.first("sourceUrl", quiet=True),
        raw=record.data,
    )


@dataclass
class _Index:
    """Every record of the stream, findable by its id or by a referent (a merged-away id)."""

    records: dict[str, _Record] = field(default_factory=dict)
    referents: dict[str, str] = field(default_factory=dict)
    parties: dict[str, _Party] = field(default_factory=dict)
    seen_at: list[str] = field(default_factory=list)

    def add(self, path: Path, record: _Record) -> None:
        if (first := self.records.get(record.id)) is not None:
            raise SourceError(
                path,
                f"entity id {record.id!r} repeated (first on line {first.line})",
                line=record.line,
            )
        self.records[record.id] = record
        for ref in record.data.get("referents") or []:
            self.referents.setdefault(str(ref), record.id)
        self.seen_at += [
            str(record.data[k]) for k in ("last_change", "last_seen") if record.data.get(k)
        ]
        if (schema := _ours(record.proxy)) is not None:
            self.parties[record.id] = _Party(record=record, schema=schema)

    def resolve(self, ref: str) -> _Record | None:
        return self.records.get(ref) or self.records.get(self.referents.get(ref, ""))

    def party_of(self, ref: str) -> _Party | None:
        target = self.resolve(ref)
        return self.parties.get(target.id) if target else None


def _enrich(index: _Index, unattached: Counter[str]) -> None:
    """Fold Sanction, document and relationship records into the parties they are about."""
    for record in index.records.values():
        proxy = record.proxy
        name = proxy.schema.name
        if record.id in index.parties or name == "Address":
            continue  # addresses are pulled in by the parties that refer to them
        if name == "Sanction":
            targets = [p for p in map(index.party_of, proxy.get("entity", quiet=True)) if p]
            for party in targets:
                party.listings.append(_sanction_listing(record))
            unattached[name] += not targets
        elif name in ID_DOCUMENTS or name == "CryptoWallet":
            _attach_document(record, index, unattached)
        elif name in RELATION_SCHEMATA:
            _attach_relation(record, index, unattached)
        else:
            unattached[name] += 1


def parse_ftm(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Screenable parties from FtM JSON-lines files, enriched by the records about them."""
    index = _Index()
    for path in files:
        for record in _read(path):
            index.add(path, record)
    unattached: Counter[str] = Counter()
    _enrich(index, unattached)

    entities = []
    dangling = 0
    used_addresses: set[str] = set()
    for party in index.parties.values():
        if not _names(party.record):
            unattached[f"{party.record.proxy.schema.name} without any name"] += 1
            continue
        addresses = [Address(full=v) for v in party.record.proxy.get("address", quiet=True)]
        for ref in party.record.proxy.get("addressEntity", quiet=True):
            target = index.resolve(ref)
            if target is None:
                dangling += 1
            elif address := _address(target.proxy):
                used_addresses.add(target.id)
                addresses.append(address)
        entities.append(_entity(party, dataset, addresses))
    for record in index.records.values():
        if record.proxy.schema.name == "Address" and record.id not in used_addresses:
            unattached["Address"] += 1

    warnings = [
        f"{count} {schema} record(s) attach to no screenable party in the file or cannot be "
        "screened; skipped"
        for schema, count in sorted(unattached.items())
        if count
    ]
    if dangling:
        warnings.append(f"{dangling} addressEntity reference(s) to Address records not in the file")
    published_at = max(index.seen_at) if index.seen_at else None
    return ParsedRelease(entities=entities, published_at=published_at, warnings=warnings)


def _attach_document(record: _Record, index: _Index, unattached: Counter[str]) -> None:
    """Passport / Identification / CryptoWallet -> an identifier of its holder."""
    proxy = record.proxy
    name = proxy.schema.name
    if name == "CryptoWallet":
        id_type, values = "crypto_wallet", proxy.get("publicKey", quiet=True)
    else:
        id_type = "passport" if name == "Passport" else "national_id"
        kind = (proxy.first("type", quiet=True) or "").lower()
        if "passport" in kind:
            id_type = "passport"
        values = [*proxy.get("number", quiet=True), *proxy.get("passportNumber", quiet=True)]
    holders = [p for p in map(index.party_of, proxy.get("holder", quiet=True)) if p]
    if not values or not holders:
        unattached[name] += 1
        return
    country = proxy.first("country", quiet=True)
    for holder in holders:
        holder.identifiers.extend(
            Identifier(
                type=id_type,
                value=value,
                country=_country(country) if country else None,
                note=proxy.first("type", quiet=True) or name,
            )
            for value in unique(values)
        )


def _attach_relation(record: _Record, index: _Index, unattached: Counter[str]) -> None:
    """A relationship record becomes a Relation on each screenable end, naming the other."""
    proxy = record.proxy
    one, other, forward, backward = RELATION_SCHEMATA[proxy.schema.name]
    # "role" wording is the publisher's and its direction varies ("subsidiary of" on an
    # Ownership describes the asset), so it is shown beside our fixed label, not as it.
    role = proxy.first("role", quiet=True) or proxy.first("relationship", quiet=True)
    attached = False
    for src_prop, dst_prop, kind in ((one, other, forward), (other, one, backward)):
        label = f"{kind} ({role})" if role and role.lower() != kind else kind
        for src in proxy.get(src_prop, quiet=True):
            party = index.party_of(src)
            if party is None:
                continue
            for dst in proxy.get(dst_prop, quiet=True):
                target = index.resolve(dst)
                if target is None:
                    continue
                caption = target.data.get("caption") or target.proxy.caption
                party.relations.append(Relation(kind=label, target=str(caption)))
                attached = True
    unattached[proxy.schema.name] += not attached
