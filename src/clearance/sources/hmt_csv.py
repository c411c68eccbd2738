"""UK HM Treasury / OFSI Consolidated List of Financial Sanctions Targets, ConList.csv.

OFSI writes one row per name of a target: a person with five spellings and two
dates of birth appears on several rows sharing one Group ID. We fold those rows
back into one entity per Group ID. Two layouts exist:

- the legacy layout (until February 2022): 29 columns, "NI Number", no alias quality;
- the 2022 layout ("2022format/ConList.csv"): 36 columns, adding the name in
  non-Latin script, passport and national-id numbers separate from their details,
  "Alias Quality" and "UK Sanctions List Date Designated".

Both start with a line "Last Updated,dd/mm/yyyy" before the header. Many cells
hold enumerations ("(1) Tunisia (2) Italy", "a) French, b) Tunisian") that we
split; dates of birth use 00 for unknown parts ("00/00/1955").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rigour.langs import iso_639_alpha2

from clearance.model import (
    Address,
    Country,
    CountryRole,
    Entity,
    Identifier,
    Listing,
    Name,
    NameKind,
    unique,
)
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.common import (
    country_code,
    decode_text,
    parse_date,
    read_bytes,
    reject_nul,
    require_nonempty,
)

AUTHORITY = "UK HM Treasury OFSI"
LIST_NAME = "UK Consolidated List of Financial Sanctions Targets"
SOURCE_URL = (
    "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets"
)

_NAMES = ("Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5")
_ADDRESS = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6")
_TAIL = ("Post/Zip Code", "Country", "Other Information", "Group Type", "Alias Type")

#: The header of the pre-2022 file, in order.
LEGACY_COLUMNS: tuple[str, ...] = (
    *_NAMES,
    "Title",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Details",
    "NI Number",
    "Position",
    *_ADDRESS,
    *_TAIL,
    "Regime",
    "Listed On",
    "Last Updated",
    "Group ID",
)

#: The header of the 2022-format file (OFSI's format guide of February 2022), in order.
OFSI_2022_COLUMNS: tuple[str, ...] = (
    *_NAMES,
    "Title",
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Number",
    "Passport Details",
    "National Identification Number",
    "National Identification Details",
    "Position",
    *_ADDRESS,
    *_TAIL,
    "Alias Quality",
    "Regime",
    "Listed On",
    "UK Sanctions List Date Designated",
    "Last Updated",
    "Group ID",
)

_LAYOUTS = {"legacy": LEGACY_COLUMNS, "2022": OFSI_2022_COLUMNS}

_SCHEMA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}

_ALIAS_TYPE = {
    "prime alias": NameKind.PRIMARY,
    "primary name": NameKind.PRIMARY,
    "primary name variation": NameKind.ALIAS,
    "aka": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "alias": NameKind.ALIAS,
    "fka": NameKind.FORMER,
    "f.k.a.": NameKind.FORMER,
}
_RANK = {
    NameKind.PRIMARY: 0,
    NameKind.NATIVE: 1,
    NameKind.ALIAS: 2,
    NameKind.NEW: 2,
    NameKind.FORMER: 3,
    NameKind.WEAK_ALIAS: 4,
}

# "(1)", "(1)-(2)", "(1) to (6)", "1)", "a)", "(a)": the markers OFSI numbers list items with.
_ENUM = re.compile(
    r"\(\s*\d{1,2}\s*\)(?:\s*(?:-|to)\s*\(\s*\d{1,2}\s*\))?"
    r"|(?:^|(?<=\s))\d{1,2}\)"
    r"|\(\s*[a-z]\s*\)"
    r"|(?:^|(?<=\s))[a-z]\)"
)
_PARENS = re.compile(r"\(([^()]*)\)")
_CITIZENSHIP = re.compile(r"\b(?:citizenship|citizen|nationality|national)\b", re.I)
_DOB = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TOKEN = re.compile(r"[0-9A-Z][0-9A-Z\-/]*")
_IMO = re.compile(r"\bIMO(?:\s+(?:number|no\.?))?\)?\s*[:.]?\s*(\d{7})\b", re.I)
_GENDER = re.compile(r"\bGender\)?\s*:\s*(male|female)\b", re.I)


@dataclass
class _Group:
    """The rows of one Group ID, with the line each started on."""

    first_line: int
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def parse_hmt_csv(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Read OFSI ConList.csv file(s), legacy or 2022 layout, into one entity per Group ID."""
    if not files:
        raise SourceError("<none>", "no file given for the OFSI consolidated list")
    entities: list[Entity] = []
    warnings: list[str] = []
    published: list[str] = []
    seen: set[str] = set()
    for path in files:
        last_updated, layout, groups = _read(path)
        if last_updated:
            published.append(last_updated)
        unresolved: set[str] = set()
        for group_id, group in groups.items():
            entity_id = f"{dataset}:{group_id}"
            if entity_id in seen:
                raise SourceError(
                    path, f"Group ID {group_id} also in another file", line=group.first_line
                )
            seen.add(entity_id)
            entities.append(_entity(path, entity_id, group, layout, warnings, unresolved))
        if unresolved:
            sample = ", ".join(repr(v) for v in sorted(unresolved)[:5])
            warnings.append(
                f"{path}: {len(unresolved)} country texts not resolved to a code, e.g. {sample}"
            )
    return ParsedRelease(
        entities=entities,
        published_at=max(published) if published else None,
        warnings=warnings,
    )


def _rows(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the line each starts on; broken quoting names its line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SourceError(path, f"broken CSV: {exc}", line=start) from exc
        yield start, row
        start = reader.line_num + 1


def _read(path: Path) -> tuple[str | None, str, dict[str, _Group]]:
    """The file's "Last Updated" date, its layout, and its rows grouped by Group ID."""
    data = read_bytes(path)
    require_nonempty(path, data)
    reject_nul(path, data)
    # OFSI files have been UTF-8 and, in older years, Windows-1252 ("smart quotes" 0x92).
    text = decode_text(path, data, ("utf-8", "cp1252"))
    rows = _rows(path, text)

    last_updated: str | None = None
    line, first = next(rows, (1, []))
    cells = [c.strip() for c in first]
    if cells and cells[0] == "Last Updated":
        value = cells[1] if len(cells) > 1 else ""
        last_updated = parse_date(value, month_first=False)
        if last_updated is None:
            raise SourceError(path, f"unreadable 'Last Updated' date {value!r}", line=line)
        line, first = next(rows, (line + 1, []))
        cells = [c.strip() for c in first]
    while cells and not cells[-1]:
        cells.pop()
    header = tuple(cells)
    layout = _layout(path, header, line)

    groups: dict[str, _Group] = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise SourceError(
                path,
                f"row has {len(row)} fields, the header has {len(header)} "
                "(truncated or damaged file?)",
                line=line,
            )
        record = {name: value.strip() for name, value in zip(header, row, strict=True)}
        group_id = record["Group ID"]
        if not group_id:
            raise SourceError(path, "row without Group ID", line=line)
        if record["Group Type"].lower() not in _SCHEMA:
            raise SourceError(path, f"unknown Group Type {record['Group Type']!r}", line=line)
        groups.setdefault(group_id, _Group(line)).rows.append((line, record))
    if not groups:
        raise SourceError(path, "no data rows after the header", line=line)
    return last_updated, layout, groups


def _layout(path: Path, header: tuple[str, ...], line: int) -> str:
    for name, columns in _LAYOUTS.items():
        if sorted(header) == sorted(columns):
            return name
    if "Group ID" not in header or "Name 6" not in header:
        shown = ",".join(header)[:120]
        raise SourceError(path, f"not an OFSI consolidated list: header is {shown!r}", line=line)
    name, columns = min(
        _LAYOUTS.items(), key=lambda item: len(set(item[1]).symmetric_difference(header))
    )
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    problems = []
    if missing:
        problems.append("missing " + ", ".join(repr(c) for c in missing))
    if extra:
        problems.append("unexpected " + ", ".join(repr(c) for c in extra))
    if len(header) != len(set(header)):
        problems.append("repeated column names")
    raise SourceError(
        path,
        f"header does not match the {name} ConList.csv layout "
        f"({len(columns)} columns, found {len(header)}): " + "; ".join(problems),
        line=line,
    )


def split_enumerated(text: str) -> list[str]:
    """ "(1) Tunisia (2) Italy" → ["Tunisia", "Italy"]; plain text stays one item."""
    parts = (" ".join(p.split()).strip(" ,;.") for p in _ENUM.split(text))
    return [p for p in parts if any(ch.isalnum() for ch in p)]


def hmt_date(text: str) -> str | None:
    """dd/mm/yyyy with 00 for unknown day or month, as partial ISO ("00/00/1955" → "1955")."""
    value = text.strip()
    match = _DOB.match(value)
    if match is None:
        return parse_date(value, month_first=False)
    day, month, year = (int(x) for x in match.groups())
    if year == 0:
        return None
    iso = f"{year:04d}"
    if month:
        iso += f"-{month:02d}"
        if day:
            iso += f"-{day:02d}"
    return parse_date(iso)


def _country_codes(text: str, unresolved: set[str]) -> list[str]:
    codes = []
    for part in split_enumerated(text):
        code = (
            country_code(part)
            or country_code(_PARENS.sub("", part))
            or country_code(_CITIZENSHIP.sub("", part))
        )
        if code:
            codes.append(code)
        else:
            unresolved.add(part)
    return codes


def _document_number(item: str) -> str:
    """The number in "Jordanian passport no. K475336 issued on ..." (the item if none)."""
    if " " not in item:
        return item
    tokens = list(_TOKEN.finditer(item))
    for index, token in enumerate(tokens):
        value = token.group()
        if len(value) >= 4 and any(ch.isdigit() for ch in value):
            if index:
                prev = tokens[index - 1]
                # "L 191609", "D 001206": a one- or two-letter series before the number.
                if (
                    prev.end() + 1 == token.start()
                    and prev.group().isalpha()
                    and len(prev.group()) <= 2
                    and (prev.start() == 0 or not item[prev.start() - 1].isalpha())
                ):
                    return f"{prev.group()} {value}"
            return value
    return item


def _document_country(*texts: str) -> str | None:
    for text in texts:
        for inner in _PARENS.findall(text):
            code = country_code(inner)
            if code:
                return code
    return None


def _identifiers(kind: str, numbers: str, details: str) -> list[Identifier]:
    """Documents from a number cell (2022) or a free-text details cell (legacy)."""
    items = split_enumerated(numbers or details)
    notes: list[str | None] = [None] * len(items)
    if numbers and details:
        # "(1) 751234567 (2) 727654321" with "(1) Russian passport (2) ..." pair up.
        described: list[str | None] = list(split_enumerated(details))
        notes = described if len(described) == len(items) else [details] * len(items)
    out = []
    for item, note in zip(items, notes, strict=True):
        value = _document_number(item)
        if not any(ch.isdigit() for ch in value):
            continue  # a label such as "Passport No:" left over from the enumeration
        out.append(
            Identifier(
                type="tax_id" if "fiscal code" in item.lower() else kind,
                value=value,
                country=_document_country(item, note or ""),
                note=note or (item if item != value else None),
            )
        )
    return out


def _alias_kind(record: Mapping[str, str], warnings: list[str], where: str) -> NameKind:
    alias_type = record["Alias Type"].lower()
    kind = _ALIAS_TYPE.get(alias_type)
    if kind is None:
        if alias_type:
            warnings.append(f"{where}: unknown Alias Type {record['Alias Type']!r}")
        kind = NameKind.ALIAS
    quality = record.get("Alias Quality", "").lower()
    if kind != NameKind.PRIMARY and quality.startswith("low"):
        return NameKind.WEAK_ALIAS
    return kind


def _names(group: _Group, entity_id: str, warnings: list[str], path: Path) -> tuple[Name, ...]:
    """One name per row, deduplicated keeping the strongest kind, primary first."""
    best: dict[str, Name] = {}
    for line, record in group.rows:
        parts = [record[c] for c in ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5")]
        full = " ".join(" ".join([*parts, record["Name 6"]]).split())
        candidates = []
        if full:
            kind = _alias_kind(record, warnings, f"{path}:{line}")
            candidates.append(Name.make(full, kind))
        native = record.get("Name Non-Latin Script", "")
        if native:
            language = record.get("Non-Latin Script Language", "")
            lang = iso_639_alpha2(language) if language else None
            candidates.append(Name.make(native, NameKind.NATIVE, lang=lang))
        for name in candidates:
            current = best.get(name.value)
            if current is None or _RANK[name.kind] < _RANK[current.kind]:
                best[name.value] = name
    names = sorted(best.values(), key=lambda n: n.kind != NameKind.PRIMARY)
    if names and names[0].kind != NameKind.PRIMARY:
        warnings.append(f"{entity_id}: no primary name (Alias Type) in its rows")
    return tuple(names)


def _entity(
    path: Path,
    entity_id: str,
    group: _Group,
    layout: str,
    warnings: list[str],
    unresolved: set[str],
) -> Entity:
    records = [record for _, record in group.rows]
    names = _names(group, entity_id, warnings, path)
    if not names:
        raise SourceError(path, f"{entity_id}: group has no name", line=group.first_line)
    group_types = unique(r["Group Type"].lower() for r in records)
    if len(group_types) > 1:
        warnings.append(f"{entity_id}: rows disagree on Group Type {group_types}")

    birth_dates: list[str] = []
    birth_places: list[str] = []
    countries: list[Country] = []
    addresses: list[Address] = []
    identifiers: list[Identifier] = []
    titles: list[str] = []
    remarks: list[str] = []
    gender: str | None = None
    for record in records:
        for text in split_enumerated(record["DOB"]):
            iso = hmt_date(text)
            if iso:
                birth_dates.append(iso)
            else:
                warnings.append(f"{entity_id}: unreadable DOB {text!r}")
        towns = split_enumerated(record["Town of Birth"])
        birth_countries = split_enumerated(record["Country of Birth"])
        birth_places.extend(_birth_places(towns, birth_countries))
        for code in _country_codes(record["Country of Birth"], unresolved):
            countries.append(Country(code, CountryRole.BIRTH))
        for code in _country_codes(record["Nationality"], unresolved):
            countries.append(Country(code, CountryRole.NATIONALITY))
        address = _address(record, unresolved)
        if address:
            addresses.append(address)
            if address.country:
                countries.append(Country(address.country, CountryRole.ADDRESS))
        if layout == "2022":
            identifiers += _identifiers(
                "passport", record["Passport Number"], record["Passport Details"]
            )
            identifiers += _identifiers(
                "national_id",
                record["National Identification Number"],
                record["National Identification Details"],
            )
        else:
            identifiers += _identifiers("passport", "", record["Passport Details"])
            identifiers += _identifiers("national_id", "", record["NI Number"])
        other = record["Other Information"]
        if other:
            remarks.append(other)
            identifiers += [Identifier("imo", imo) for imo in _IMO.findall(other)]
            if gender is None and (match := _GENDER.search(other)):
                gender = match.group(1).lower()
        titles += [t for t in (record["Title"], record["Position"]) if t]

    listing = _listing(records, entity_id)
    return Entity(
        id=entity_id,
        dataset=entity_id.split(":", 1)[0],
        schema=_SCHEMA[group_types[0]],
        names=names,
        birth_dates=unique(birth_dates),
        birth_places=unique(birth_places),
        gender=gender,
        countries=unique(countries),
        addresses=unique(addresses),
        identifiers=unique(identifiers),
        listings=(listing,),
        titles=unique(titles),
        remarks=unique(remarks),
        raw=_raw(records, layout),
    )


#: Columns that describe one name; they stay together in `raw`.
_NAME_COLUMNS = (
    *_NAMES,
    "Title",
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "Alias Type",
    "Alias Quality",
)


def _raw(records: Sequence[Mapping[str, str]], layout: str) -> dict[str, Any]:
    """The group for display: its distinct names, and each other column's distinct values.

    OFSI repeats every detail on every name row (a group of 6 names and 5 dates of
    birth can have 30 rows), so listing rows would show the same text many times.
    """
    names = unique(tuple((c, r[c]) for c in _NAME_COLUMNS if r.get(c)) for r in records)
    out: dict[str, Any] = {"layout": layout, "rows": len(records)}
    out["names"] = [dict(n) for n in names if n]
    for column in records[0]:
        if column in _NAME_COLUMNS:
            continue
        values = unique(r[column] for r in records if r[column])
        if values:
            out[column] = values[0] if len(values) == 1 else list(values)
    return out


def _birth_places(towns: list[str], countries: list[str]) -> list[str]:
    """Pair towns with countries where the enumeration allows ("(1)-(2) Indonesia")."""
    if not towns:
        return countries
    if len(countries) == 1:
        return [f"{town}, {countries[0]}" for town in towns]
    if len(countries) == len(towns):
        return [f"{town}, {country}" for town, country in zip(towns, countries, strict=True)]
    return towns


def _address(record: Mapping[str, str], unresolved: set[str]) -> Address | None:
    lines = [record[c] for c in _ADDRESS if record[c]]
    postal, country = record["Post/Zip Code"], record["Country"]
    full = ", ".join([*lines, *(x for x in (postal, country) if x)])
    if not full:
        return None
    codes = _country_codes(country, unresolved) if country else []
    return Address(
        full=full,
        country=codes[0] if codes else None,
        postal_code=postal or None,
    )


def _listing(records: Sequence[Mapping[str, str]], entity_id: str) -> Listing:
    listed = sorted(d for d in (hmt_date(r["Listed On"]) for r in records) if d)
    notes = [f"OFSI Group ID: {entity_id.split(':', 1)[1]}"]
    designated = sorted(
        d for d in (hmt_date(r.get("UK Sanctions List Date Designated", "")) for r in records) if d
    )
    if designated:
        notes.append(f"UK Sanctions List date designated: {designated[0]}")
    return Listing(
        authority=AUTHORITY,
        list_name=LIST_NAME,
        programs=unique(r["Regime"] for r in records if r["Regime"]),
        listed_on=listed[0] if listed else None,
        source_url=SOURCE_URL,
        notes=tuple(notes),
    )
