"""Parse OFAC's legacy CSV files: the SDN list and the Non-SDN Consolidated list.

OFAC publishes each list as four header-less CSV files that share `ent_num`:
the primary records (SDN.CSV / CONS_PRIM.CSV), addresses (ADD.CSV / CONS_ADD.CSV),
aliases (ALT.CSV / CONS_ALT.CSV) and the overflow of remarks longer than 1,000
characters (SDN_COMMENTS.CSV / CONS_COMMENTS.CSV), whose text continues the
primary record's remarks mid-word. The files use CRLF, end with a 0x1A byte,
write "-0- " for an empty field, and have carried cp1252 bytes in some years.

Because the files have no header, a wrong or damaged file can only be told by
its shape: every row must have the documented number of columns and a numeric
ent_num, and every side-file row must refer to a primary record. Anything else
raises SourceError naming the file and line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
from clearance.sources.common import decode_text, read_bytes, require_nonempty
from clearance.sources.ofac_remarks import EMPTY, Remarks, parse_remarks, resolve_country

AUTHORITY = "US Treasury OFAC"
SOURCE_URL = "https://sanctionslistservice.ofac.treas.gov/"
SDN_LIST = "SDN List"
CONS_LIST = "Non-SDN Consolidated List"

#: OFAC caps the primary remarks field at this length and continues in the comments file.
REMARKS_LIMIT = 1000

#: Column names as OFAC's data specification gives them (lower-cased), per file role.
COLUMNS: dict[str, tuple[str, ...]] = {
    "primary": (
        "ent_num",
        "sdn_name",
        "sdn_type",
        "program",
        "title",
        "call_sign",
        "vess_type",
        "tonnage",
        "grt",
        "vess_flag",
        "vess_owner",
        "remarks",
    ),
    "address": (
        "ent_num",
        "add_num",
        "address",
        "city_state_province_postal_code",
        "country",
        "add_remarks",
    ),
    "alias": ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    "comments": ("ent_num", "remarks_extended"),
}

#: File name (lower case) → (role, list family).
FILE_NAMES: dict[str, tuple[str, str]] = {
    "sdn.csv": ("primary", "sdn"),
    "add.csv": ("address", "sdn"),
    "alt.csv": ("alias", "sdn"),
    "sdn_comments.csv": ("comments", "sdn"),
    "cons_prim.csv": ("primary", "cons"),
    "cons_add.csv": ("address", "cons"),
    "cons_alt.csv": ("alias", "cons"),
    "cons_comments.csv": ("comments", "cons"),
}

SCHEMA_BY_TYPE = {
    "individual": "Person",
    "vessel": "Vessel",
    "aircraft": "Aircraft",
    "": "Organization",
}
ALT_KINDS = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.NEW}


@dataclass
class _Row:
    path: Path
    line: int
    values: dict[str, str | None]  # cleaned: stripped, None for "-0-"
    verbatim: dict[str, str]  # as published, for text that continues across files

    def get(self, column: str) -> str | None:
        return self.values[column]


@dataclass
class _Record:
    """One primary record and what the side files add to it."""

    row: _Row
    comments: list[str] = field(default_factory=list)
    addresses: list[_Row] = field(default_factory=list)
    aliases: list[_Row] = field(default_factory=list)


def _clean(value: str) -> str | None:
    """OFAC's field value, None for its "-0- " empty marker."""
    text = value.strip()
    return None if text in ("", EMPTY) else text


def _decode(path: Path, warnings: list[str], role: str) -> str:
    data = read_bytes(path)
    body = data.rstrip(b"\r\n").removesuffix(b"\x1a")
    require_nonempty(path, body)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise SourceError(
            path, "contains NUL bytes: UTF-16 or binary data, not OFAC's 8-bit CSV", line=line
        )
    if role == "primary" and not data.rstrip(b"\r\n").endswith(b"\x1a"):
        warnings.append(
            f"{path}: no 0x1A end-of-file byte as OFAC writes it; file may be cut short"
        )
    text = decode_text(path, body, ("utf-8", "cp1252"))
    if text.lstrip().startswith("<"):
        raise SourceError(path, "looks like XML or HTML, not an OFAC legacy CSV file", line=1)
    return text


def _rows(path: Path, role: str, warnings: list[str]) -> Iterator[_Row]:
    """The file's rows, checked for column count and a numeric ent_num."""
    columns = COLUMNS[role]
    text = _decode(path, warnings, role)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SourceError(
                path, f"malformed CSV ({exc}); the file may be truncated", line=reader.line_num
            ) from exc
        start, line = line, reader.line_num + 1
        if not values or values == [""]:
            continue
        if len(values) != len(columns):
            raise SourceError(
                path,
                f"expected {len(columns)} columns ({', '.join(columns)}) as in OFAC's "
                f"{role} file, found {len(values)}",
                line=start,
            )
        if not values[0].strip().isdigit():
            raise SourceError(path, f"ent_num {values[0]!r} is not a number", line=start)
        verbatim = dict(zip(columns, values, strict=True))
        yield _Row(path, start, {c: _clean(v) for c, v in verbatim.items()}, verbatim)


def _identify(files: Sequence[Path]) -> tuple[dict[str, Path], str]:
    """Which file plays which role, and whether this is the SDN or the Consolidated list."""
    roles: dict[str, Path] = {}
    families: set[str] = set()
    for path in files:
        name = path.name.lower().removesuffix(".gz")
        if name not in FILE_NAMES:
            raise SourceError(
                path, f"not an OFAC legacy CSV file name; expected one of {', '.join(FILE_NAMES)}"
            )
        role, family = FILE_NAMES[name]
        if role in roles:
            raise SourceError(path, f"second {role} file; {roles[role].name} was given already")
        roles[role] = path
        families.add(family)
    if "primary" not in roles:
        where = files[0] if files else Path(".")
        raise SourceError(where, "no primary file (SDN.CSV or CONS_PRIM.CSV) among the files")
    if len(families) > 1:
        raise SourceError(roles["primary"], "mixes SDN and Consolidated list files in one release")
    return roles, families.pop()


def _load(roles: dict[str, Path], warnings: list[str]) -> dict[str, _Record]:
    records: dict[str, _Record] = {}
    for row in _rows(roles["primary"], "primary", warnings):
        ent_num = str(row.get("ent_num"))
        if ent_num in records:
            first = records[ent_num].row.line
            raise SourceError(
                row.path, f"ent_num {ent_num} repeated (first on line {first})", line=row.line
            )
        records[ent_num] = _Record(row)
    for role in ("comments", "address", "alias"):
        if role not in roles:
            continue
        for row in _rows(roles[role], role, warnings):
            record = records.get(str(row.get("ent_num")))
            if record is None:
                raise SourceError(
                    row.path,
                    f"ent_num {row.get('ent_num')} has no record in {roles['primary'].name}",
                    line=row.line,
                )
            if role == "comments":
                # Verbatim text: the overflow continues the remarks mid-word or mid-space.
                record.comments.append(row.verbatim["remarks_extended"])
            elif role == "address":
                record.addresses.append(row)
            else:
                record.aliases.append(row)
    return records


def _full_remarks(record: _Record) -> tuple[str, bool]:
    """The remarks text joined with its overflow, and whether it is still cut off.

    OFAC cuts the remarks field at 1,000 characters, wherever that falls, and puts
    the rest in the comments file, so the two are joined as published, with nothing
    added or stripped in between.
    """
    text = record.row.verbatim["remarks"]
    if _clean(text) is None:
        text = ""
    if record.comments:
        return (text + "".join(record.comments)).strip(), False
    text = text.strip()
    return text, len(text) >= REMARKS_LIMIT and not text.endswith(".")


def _address(row: _Row) -> Address | None:
    street, city = row.get("address"), row.get("city_state_province_postal_code")
    country_text = row.get("country")
    if street is None and city is None:
        return None
    full = ", ".join(p for p in (street, city, country_text) if p)
    return Address(full=full, country=resolve_country(country_text), street=street)


def _names(record: _Record, remarks: Remarks) -> tuple[Name, ...]:
    primary = record.row.get("sdn_name")
    if primary is None:
        raise SourceError(record.row.path, "record has no name", line=record.row.line)
    names = [Name.make(primary)]
    for row in record.aliases:
        alt_type, alt_name = (row.get("alt_type") or "").lower(), row.get("alt_name")
        if alt_type not in ALT_KINDS:
            raise SourceError(
                row.path, f"unknown alt_type {row.get('alt_type')!r} (aka/fka/nka)", line=row.line
            )
        if alt_name is None:
            raise SourceError(row.path, "alias row has no alt_name", line=row.line)
        kind = ALT_KINDS[alt_type]
        if kind == NameKind.ALIAS and "weak" in (row.get("alt_remarks") or "").lower():
            kind = NameKind.WEAK_ALIAS
        names.append(Name.make(alt_name, kind))
    names.extend(remarks.names)
    seen: set[str] = set()
    kept = []
    for name in names:  # first mention wins: primary, then ALT.CSV (strong), then remarks
        if name.value not in seen:
            seen.add(name.value)
            kept.append(name)
    return tuple(kept)


def _raw(record: _Record, remarks_text: str) -> dict[str, Any]:
    raw: dict[str, Any] = dict(record.row.values)
    raw["remarks"] = remarks_text or None
    raw["addresses"] = [dict(r.values) for r in record.addresses]
    raw["aliases"] = [dict(r.values) for r in record.aliases]
    return raw


def _add_vessel_columns(
    row: _Row,
    identifiers: list[Identifier],
    countries: list[Country],
    relations: list[Relation],
    remarks: list[str],
) -> None:
    """The vessel columns: call sign, flag and owner become data, the rest remark text."""
    if call_sign := row.get("call_sign"):
        identifiers.append(Identifier("call_sign", call_sign))
    if flag := row.get("vess_flag"):
        if (code := resolve_country(flag)) is not None:
            countries.append(Country(code, CountryRole.FLAG))
        remarks.append(f"Vessel Flag {flag}")
    for column, label in (("vess_type", "Vessel Type"), ("tonnage", "Tonnage"), ("grt", "GRT")):
        if value := row.get(column):
            remarks.append(f"{label} {value}")
    if owner := row.get("vess_owner"):
        relations.append(Relation("owner", owner))


def _entity(record: _Record, dataset: str, list_name: str) -> tuple[Entity, bool]:
    row = record.row
    sdn_type = (row.get("sdn_type") or "").lower()
    if sdn_type not in SCHEMA_BY_TYPE:
        raise SourceError(row.path, f"unknown SDN type {row.get('sdn_type')!r}", line=row.line)
    remarks_text, truncated = _full_remarks(record)
    remarks = parse_remarks(remarks_text, truncated=truncated)

    # The title column may hold several titles, "; "-separated like the remarks.
    title_column = [t.strip() for t in (row.get("title") or "").split(";") if t.strip()]
    titles = unique(title_column + list(remarks.titles))
    title_texts = {t.rstrip(".").strip() for t in titles}
    kept_remarks = [
        r for r in remarks.remarks if r.rstrip(".").strip() not in title_texts
    ]  # OFAC repeats the title column at the end of the remarks

    identifiers = list(remarks.identifiers)
    countries = list(remarks.countries)
    relations = list(remarks.relations)
    _add_vessel_columns(row, identifiers, countries, relations, kept_remarks)
    addresses = []
    for add in record.addresses:
        if (address := _address(add)) is not None:
            addresses.append(address)
        if (code := resolve_country(add.get("country"))) is not None:
            countries.append(Country(code, CountryRole.ADDRESS))
        if note := add.get("add_remarks"):
            kept_remarks.append(note)

    programs = tuple(
        p.strip() for p in (row.get("program") or "").replace("[", "]").split("]") if p.strip()
    )
    listing = Listing(
        authority=AUTHORITY,
        list_name=list_name,
        programs=unique(programs),
        listed_on=min(remarks.listing_dates) if remarks.listing_dates else None,
        source_url=SOURCE_URL,
        notes=remarks.sanctions_notes,
    )
    ent_num = str(row.get("ent_num"))
    entity = Entity(
        id=f"{dataset}:{ent_num}",
        dataset=dataset,
        schema=SCHEMA_BY_TYPE[sdn_type],
        names=_names(record, remarks),
        birth_dates=remarks.birth_dates,
        birth_places=remarks.birth_places,
        gender=remarks.gender,
        countries=unique(countries),
        addresses=unique(addresses),
        identifiers=unique(identifiers),
        listings=(listing,),
        relations=unique(relations),
        titles=titles,
        remarks=unique(kept_remarks),
        source_url=SOURCE_URL,
        raw=_raw(record, remarks_text),
    )
    return entity, truncated


def parse_ofac_csv(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Entities of one OFAC legacy CSV release (SDN or Consolidated list).

    `files` holds the primary file and any of its side files; they are told apart
    by name, case-insensitively. Only the primary file is required: some mirrors
    (and the 2024-05-03 snapshot) carry SDN.CSV alone.
    """
    roles, family = _identify(files)
    warnings: list[str] = []
    records = _load(roles, warnings)
    list_name = SDN_LIST if family == "sdn" else CONS_LIST
    entities = []
    cut: list[str] = []
    for ent_num, record in records.items():
        entity, truncated = _entity(record, dataset, list_name)
        entities.append(entity)
        if truncated:
            cut.append(ent_num)
    if cut:
        warnings.append(
            f"{roles['primary']}: remarks of {len(cut)} record(s) stop at OFAC's "
            f"{REMARKS_LIMIT}-character limit and their continuation "
            f"({'SDN_COMMENTS.CSV' if family == 'sdn' else 'CONS_COMMENTS.CSV'}) is missing: "
            f"ent_num {', '.join(cut[:20])}{' …' if len(cut) > 20 else ''}"
        )
    return ParsedRelease(entities=entities, published_at=None, warnings=warnings)
