"""A user's own watchlist as CSV, in the format documented in docs/formats/watchlist-csv.md.

Users keep internal lists (former customers refused on compliance grounds,
parties named in an investigation) beside the official ones. The format is
strict on purpose: a typo in a country or a date in a watchlist would silently
weaken screening, so each such problem stops the import with the line to fix.
Columns the format does not know are kept (in `raw`, for display) and reported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from clearance.model import (
    IDENTIFIER_TYPES,
    SCHEMATA,
    Country,
    Entity,
    Identifier,
    Listing,
    Name,
    NameKind,
    unique,
)
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.common import country_code, parse_date, read_text, require_nonempty

REQUIRED = ("id", "name")
OPTIONAL = (
    "schema",
    "aliases",
    "birth_date",
    "country",
    "identifiers",
    "list",
    "program",
    "listed_on",
    "remarks",
    "source_url",
)
DEFAULT_SCHEMA = "LegalEntity"
AUTHORITY = "Own watchlist"
_SCHEMA_BY_LOWER = {s.lower(): s for s in SCHEMATA}


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


class _Row:
    """One data line, with the file and line every error must name."""

    def __init__(self, path: Path, line: int, values: dict[str, str]) -> None:
        self.path = path
        self.line = line
        self.values = values

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def fail(self, column: str, problem: str) -> SourceError:
        return SourceError(self.path, f"column {column!r}: {problem}", line=self.line)

    def date(self, column: str, value: str) -> str:
        iso = parse_date(value)
        if iso is None:
            raise self.fail(column, f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        return iso

    def country(self, column: str, value: str) -> str:
        code = country_code(value)
        if code is None:
            raise self.fail(column, f"unknown country {value!r}")
        return code

    def identifier(self, text: str) -> Identifier:
        """`type:value[:country]`; the last part is a country only if it reads as one."""
        id_type, sep, rest = text.partition(":")
        id_type = id_type.strip().lower()
        if not sep or not rest.strip():
            raise self.fail("identifiers", f"{text!r} is not type:value[:country]")
        if id_type not in IDENTIFIER_TYPES:
            raise self.fail(
                "identifiers",
                f"unknown identifier type {id_type!r} (known: {', '.join(IDENTIFIER_TYPES)})",
            )
        value, country = rest.strip(), None
        head, sep, tail = rest.rpartition(":")
        if sep and head.strip() and tail.strip().isalpha() and len(tail.strip()) <= 3:
            value, country = head.strip(), self.country("identifiers", tail.strip())
        return Identifier(type=id_type, value=value, country=country)


def _header(path: Path, record: list[str], line: int) -> list[str]:
    header = [h.strip().lower() for h in record]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise SourceError(
            path, f"duplicate column(s) in header: {', '.join(duplicated)}", line=line
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SourceError(
            path,
            f"header lacks required column(s) {', '.join(missing)}; found {', '.join(header)}",
            line=line,
        )
    return header


def _entity(row: _Row, dataset: str, list_name: str) -> Entity:
    local_id, name = row.get("id"), row.get("name")
    if not local_id:
        raise row.fail("id", "empty id")
    if not name:
        raise row.fail("name", "empty name")
    schema = DEFAULT_SCHEMA
    if row.get("schema"):
        schema = _SCHEMA_BY_LOWER.get(row.get("schema").lower(), "")
        if not schema:
            raise row.fail(
                "schema", f"unknown schema {row.get('schema')!r} (known: {', '.join(SCHEMATA)})"
            )
    names = [Name.make(name), *(Name.make(a, NameKind.ALIAS) for a in _split(row.get("aliases")))]
    listed_on = row.date("listed_on", row.get("listed_on")) if row.get("listed_on") else None
    source_url = row.get("source_url") or None
    listing = Listing(
        authority=AUTHORITY,
        list_name=row.get("list") or list_name,
        programs=tuple(_split(row.get("program"))),
        listed_on=listed_on,
        source_url=source_url,
    )
    return Entity(
        id=f"{dataset}:{local_id}",
        dataset=dataset,
        schema=schema,
        names=unique(names),
        birth_dates=unique(row.date("birth_date", d) for d in _split(row.get("birth_date"))),
        countries=unique(Country(row.country("country", c)) for c in _split(row.get("country"))),
        identifiers=unique(row.identifier(i) for i in _split(row.get("identifiers"))),
        listings=(listing,),
        remarks=(row.get("remarks"),) if row.get("remarks") else (),
        source_url=source_url,
        raw=dict(row.values),
    )


def _parse_file(path: Path, dataset: str, seen: dict[str, str]) -> tuple[list[Entity], list[str]]:
    text = read_text(path)
    require_nonempty(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    entities: list[Entity] = []
    warnings: list[str] = []
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not record or not any(v.strip() for v in record):
                continue
            if header is None:
                header = _header(path, record, line)
                unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
                if unknown:
                    warnings.append(
                        f"{path.name}: unknown column(s) {', '.join(unknown)} kept for display "
                        "only, not used for screening"
                    )
                continue
            if len(record) != len(header):
                raise SourceError(
                    path, f"row has {len(record)} fields, the header has {len(header)}", line=line
                )
            row = _Row(path, line, dict(zip(header, record, strict=True)))
            entity = _entity(row, dataset, path.stem)
            if entity.id in seen:
                raise row.fail("id", f"duplicate id {row.get('id')!r}, first at {seen[entity.id]}")
            seen[entity.id] = f"{path.name}:{line}"
            entities.append(entity)
    except csv.Error as exc:
        raise SourceError(path, f"malformed CSV: {exc}", line=reader.line_num) from exc
    if header is None:
        raise SourceError(path, "no header line")
    return entities, warnings


def parse_watchlist_csv(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Entities from one or more watchlist CSV files; ids must be unique across them."""
    if not files:
        raise SourceError("(no file)", "no watchlist file given")
    seen: dict[str, str] = {}
    entities: list[Entity] = []
    warnings: list[str] = []
    for path in files:
        found, notes = _parse_file(path, dataset, seen)
        entities += found
        warnings += notes
    return ParsedRelease(entities=entities, published_at=None, warnings=warnings)
