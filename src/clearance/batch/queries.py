"""One row's cells as a screening query, and the screening of it.

Cells are read the way a user's export writes them ("individual", "CN; RU",
"Korea, Republic of"), then `Screener.screen` validates them as it validates any
query, so a bad cell gets the same message in a batch as on the command line.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from clearance.batch.columns import ColumnMap
from clearance.matching.candidates import CandidateBar
from clearance.model import SCHEMATA
from clearance.names import NormalizedName
from clearance.screening import Hit, Query, QueryError, Screener, parse_query
from clearance.sources.common import country_code


class RawQuery(NamedTuple):
    """The query cells of one row, as written (sent to worker processes as is)."""

    name: str
    schema: str
    country: str
    birth_date: str


#: words exports use for a party's type, as FtM schemata
SCHEMA_WORDS = {
    **{s.casefold(): s for s in SCHEMATA},
    "individual": "Person",
    "natural person": "Person",
    "people": "Person",
    "corporation": "Company",
    "business": "Company",
    "organisation": "Organization",
    "org": "Organization",
    "entity": "LegalEntity",
    "legal entity": "LegalEntity",
    "ship": "Vessel",
    "plane": "Aircraft",
}
_BLANK = {"", "-", "n/a", "none", "null", "unknown"}  # not "na": Namibia
_SEPARATORS = re.compile(r"\s*[;|/,]\s*")


def raw_query(values: dict[str, str], columns: ColumnMap) -> RawQuery:
    def cell(column: str | None) -> str:
        return values.get(column, "") if column is not None else ""

    return RawQuery(
        cell(columns.name), cell(columns.schema), cell(columns.country), cell(columns.birth_date)
    )


def row_id(values: dict[str, str], columns: ColumnMap, number: int) -> str:
    """The user's id for the row, else its number: what the user looks the row up by."""
    if columns.id is not None:
        value = values.get(columns.id, "").strip()
        if value:
            return value
    return str(number)


def schema_of(text: str) -> str | None:
    """The FtM schema a type cell names; an unknown word is passed on for screen() to refuse."""
    cleaned = " ".join(text.split())
    if cleaned.casefold() in _BLANK:
        return None
    return SCHEMA_WORDS.get(cleaned.casefold().replace("_", " "), cleaned)


def countries_of(text: str) -> tuple[str, ...]:
    """One country, or several separated by ; | / or commas ("Korea, Republic of" stays one)."""
    cleaned = text.strip()
    if cleaned.casefold() in _BLANK:
        return ()
    if country_code(cleaned) is not None:
        return (cleaned,)
    return tuple(part for part in _SEPARATORS.split(cleaned) if part)


def screen_row(
    screener: Screener, query: RawQuery, threshold: float, limit: int
) -> tuple[Hit, ...] | str:
    """The row's hits in screen()'s order, or the problem that stops it being screened."""
    outcome = screen_row_with_bar(screener, query, threshold, limit)
    return outcome if isinstance(outcome, str) else outcome[0]


class RowFields(NamedTuple):
    """A row's cells as `Screener.screen` takes them."""

    name: str
    schema: str | None
    countries: tuple[str, ...]
    birth_date: str | None


def row_fields(query: RawQuery) -> RowFields:
    birth_date = query.birth_date.strip()
    return RowFields(
        query.name.strip(),
        schema_of(query.schema),
        countries_of(query.country),
        None if birth_date.casefold() in _BLANK else birth_date,
    )


def parse_row(query: RawQuery, normalized: NormalizedName | None = None) -> Query:
    """The row as `Screener.screen` reads it (raises QueryError as it would);
    `normalized`: its name as `normalize_name` gives it, when known."""
    fields = row_fields(query)
    return parse_query(
        fields.name,
        schema=fields.schema,
        countries=fields.countries,
        birth_date=fields.birth_date,
        normalized=normalized,
    )


def screen_row_with_bar(
    screener: Screener, query: RawQuery, threshold: float, limit: int
) -> tuple[tuple[Hit, ...], CandidateBar] | str:
    """`screen_row` with the row's candidates' bar (see Screener.screen_with_bar)."""
    fields = row_fields(query)
    try:
        hits, bar = screener.screen_with_bar(
            fields.name,
            schema=fields.schema,
            countries=fields.countries,
            birth_date=fields.birth_date,
            threshold=threshold,
            limit=limit,
        )
    except QueryError as exc:
        return str(exc)
    return tuple(hits), bar
