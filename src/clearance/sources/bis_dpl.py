"""The BIS Denied Persons List (dpl.txt): tab-delimited, one row per party and address.

BIS gives no record id, so ids hash the identifying fields (name, address, effective
date). The file does not say whether a party is a person or a company, so every
entity is a LegalEntity and matches both kinds of query. The file states no legal
effect either; every row is a denial order, so the listing says in plain words
what a denial order does.

`read_table` lives here because it is the plainest of the US delimited formats;
the trade.gov CSL parser reuses it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from clearance.model import Address, Country, CountryRole, Entity, Listing, Name, NameKind, unique
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.common import (
    country_code,
    decode_text,
    parse_date,
    read_bytes,
    require_nonempty,
    stable_id,
)

AUTHORITY = "US Commerce BIS"
LIST_NAME = "Denied Persons List"
SOURCE_URL = "https://www.bis.doc.gov/index.php/the-denied-persons-list"

#: What a denial order means for the user; BIS's files do not say it, the EAR does.
DENIAL_REQUIREMENT = (
    "A denial order denies this party's US export privileges: it may not take part in "
    "any transaction involving items subject to the EAR, and no one may export, "
    "reexport or transfer such items to it or on its behalf, acquire such items from "
    "it, or service them for it (15 CFR part 764, supplement no. 1; General "
    "Prohibition 4, 15 CFR 736.2(b)(4))."
)
DENIAL_POLICY = (
    "Prohibited for the term of the order unless BIS authorizes the transaction; the "
    "order published in the Federal Register states its exact terms."
)
NONSTANDARD_DENIAL_REQUIREMENT = (
    "A denial order denies this party's US export privileges. This order does not use "
    "the standard terms: its scope is set out in the Federal Register notice."
)

DPL_COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)

_AKA = re.compile(r"\s*\(\s*A\.?K\.?A\.?\s+([^)]+)\)\s*", re.I)
_DBA = re.compile(r"\s+D/B/A\s+", re.I)
# BIS writes dates in the future or before the list existed by mistake ("3033-09-30").
_OLDEST_PLAUSIBLE = "1980-01-01"

Row = dict[str, str]


def read_table(
    path: Path,
    *,
    delimiter: str,
    required: Sequence[str],
    label: str,
    encodings: tuple[str, ...] = ("utf-8",),
) -> tuple[list[str], list[tuple[int, Row]]]:
    """Header and records (with the line each starts on) of a delimited text file.

    Rejects, naming file and line: undecodable or NUL-laden text (UTF-16, binary), an
    empty file, a header without the `required` columns (so another list's file is
    refused up front), unterminated quotes and rows whose field count differs from
    the header's (a file cut mid-row).
    """
    text = decode_text(path, read_bytes(path), encodings)
    require_nonempty(path, text)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceError(
            path, "contains NUL characters: UTF-16 or binary data, not UTF-8 text", line=line
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header_error: csv.Error | None = None
    try:
        header = [cell.strip() for cell in next(reader)]
    except csv.Error as exc:
        # read the first line leniently, to say which columns are missing
        header_error = exc
        first_line = text.splitlines()[0]
        header = [cell.strip() for cell in next(csv.reader([first_line], delimiter=delimiter))]
    missing = [column for column in required if column not in header]
    if missing:
        shown = delimiter.join(header)[:120]
        raise SourceError(
            path,
            f"not a {label}: header lacks required column(s) {', '.join(missing)} "
            f"(header found: {shown!r})",
            line=1,
        )
    if header_error is not None:
        raise SourceError(path, f"not a {label}: malformed header ({header_error})", line=1)
    doubled = sorted({c for c in header if c and header.count(c) > 1})
    if doubled:
        raise SourceError(path, f"header repeats column(s) {', '.join(doubled)}", line=1)
    rows: list[tuple[int, Row]] = []
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise SourceError(
                path,
                f"malformed record starting at line {start} (file cut short or stray quote): {exc}",
                line=reader.line_num,
            ) from exc
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            raise SourceError(
                path,
                f"record has {len(values)} fields but the header has {len(header)} "
                "(truncated or malformed row)",
                line=start,
            )
        rows.append((start, dict(zip(header, values, strict=True))))
    if not rows:
        raise SourceError(path, "no records after the header", line=1)
    return header, rows


def denial_effect(standard_order: str | None) -> tuple[str, str]:
    """License requirement and policy of a denial order, given BIS's Standard_Order flag."""
    if (standard_order or "").strip().upper() == "N":
        return NONSTANDARD_DENIAL_REQUIREMENT, DENIAL_POLICY
    return DENIAL_REQUIREMENT, DENIAL_POLICY


def split_dpl_name(text: str) -> list[Name]:
    """The primary name and the aliases BIS writes inline ("X (A.K.A. Y) Z", "X D/B/A Y")."""
    names: list[Name] = []
    aliases = [m.strip() for m in _AKA.findall(text)]
    primary = " ".join(_AKA.sub(" ", text).split())
    parts = _DBA.split(primary)
    names.append(Name.make(parts[0].strip(" ,")))
    names.extend(Name.make(p.strip(" ,"), NameKind.ALIAS) for p in parts[1:] if p.strip(" ,"))
    names.extend(Name.make(a, NameKind.ALIAS) for a in aliases if a)
    return [n for n in unique(names) if n.value]


def _clean(row: Row) -> Row:
    return {key: value.strip() for key, value in row.items()}


def _entity(path: Path, line: int, row: Row, entity_id: str, dataset: str) -> Entity:
    names = split_dpl_name(row["Name"])
    if not names:
        raise SourceError(path, "record has an empty Name", line=line)
    code = country_code(row["Country"])
    address_parts = [
        row[k] for k in ("Street_Address", "City", "State", "Postal_Code", "Country") if row[k]
    ]
    addresses: tuple[Address, ...] = ()
    if address_parts:
        addresses = (
            Address(
                full=", ".join(address_parts),
                country=code,
                street=row["Street_Address"] or None,
                city=row["City"] or None,
                postal_code=row["Postal_Code"] or None,
                region=row["State"] or None,
            ),
        )
    requirement, policy = denial_effect(row["Standard_Order"])
    notes = [f"Standard order: {row['Standard_Order'] or 'not stated'}"]
    if row["Action"]:
        notes.append(f"Last action: {row['Action']}")
    listing = Listing(
        authority=AUTHORITY,
        list_name=LIST_NAME,
        listed_on=parse_date(row["Effective_Date"]),
        end_date=parse_date(row["Expiration_Date"]),
        license_requirement=requirement,
        license_policy=policy,
        federal_register_notice=row["FR_Citation"] or None,
        source_url=SOURCE_URL,
        notes=tuple(notes),
    )
    return Entity(
        id=entity_id,
        dataset=dataset,
        schema="LegalEntity",
        names=tuple(names),
        countries=(Country(code, CountryRole.ADDRESS),) if code else (),
        addresses=addresses,
        listings=(listing,),
        source_url=SOURCE_URL,
        raw={k: v for k, v in row.items() if v},
    )


def _check_dates(path: Path, line: int, row: Row, warnings: list[str]) -> None:
    for column in ("Effective_Date", "Expiration_Date", "Last_Update"):
        if row[column] and parse_date(row[column]) is None:
            warnings.append(f"{path}:{line}: unreadable {column} {row[column]!r}")
    if row["Country"] and country_code(row["Country"]) is None:
        warnings.append(f"{path}:{line}: unknown country code {row['Country']!r}")
    if not row["Effective_Date"]:
        raise SourceError(path, "record has no Effective_Date", line=line)


def parse_bis_dpl(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Parse BIS's dpl.txt into one LegalEntity per row.

    id = stable_id(name, address fields, effective date). Rows repeated verbatim
    (the 2023 file has two) become one entity with a warning; rows sharing the key
    but differing elsewhere take a hash of all their fields, which does not depend
    on row order. published_at is the latest plausible Last_Update (BIS's typos such
    as "3033-09-30" are skipped with a warning).
    """
    if not files:
        raise SourceError("<none>", "no files given for the Denied Persons List")
    entities: list[Entity] = []
    warnings: list[str] = []
    updates: list[str] = []
    seen: dict[str, tuple[str, ...]] = {}
    today = date.today().isoformat()
    for path in files:
        _, rows = read_table(
            path,
            delimiter="\t",
            required=DPL_COLUMNS,
            label="BIS Denied Persons List (tab-delimited dpl.txt)",
            encodings=("utf-8", "cp1252"),
        )
        for line, raw_row in rows:
            row = _clean(raw_row)
            _check_dates(path, line, row, warnings)
            record = tuple(row[c] for c in DPL_COLUMNS)
            key = stable_id(*record[:7])
            if key in seen:
                if seen[key] == record:
                    warnings.append(f"{path}:{line}: exact repeat of an earlier row, skipped")
                    continue
                key = stable_id(*record)
                if key in seen:
                    warnings.append(f"{path}:{line}: exact repeat of an earlier row, skipped")
                    continue
            seen[key] = record
            entities.append(_entity(path, line, row, f"{dataset}:{key}", dataset))
            update = parse_date(row["Last_Update"])
            if update and _OLDEST_PLAUSIBLE <= update <= today:
                updates.append(update)
            elif update:
                warnings.append(f"{path}:{line}: implausible Last_Update {update}, ignored")
    return ParsedRelease(
        entities=entities,
        published_at=max(updates) if updates else None,
        warnings=warnings,
    )
