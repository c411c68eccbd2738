"""Which of the user's columns holds the name, country, birth date, type and row id.

Books come with whatever headers the exporting system chose ("Counterparty",
"Customer Name", "DOB", "Country Code"…): common names are recognised so most
files need no options, and `--map name=COLUMN,…` names the columns otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearance.batch.errors import BatchInputError

FIELDS = ("name", "country", "birth_date", "schema", "id")

#: header names recognised for each field, most specific first (compared after `header_key`)
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "full name",
        "company name",
        "company",
        "counterparty name",
        "counterparty",
        "party name",
        "party",
        "entity name",
        "entity",
        "legal name",
        "customer name",
        "customer",
        "client name",
        "client",
        "supplier name",
        "supplier",
        "vendor name",
        "vendor",
        "organisation name",
        "organization name",
        "organisation",
        "organization",
        "business name",
        "beneficiary name",
        "beneficiary",
        "account name",
    ),
    "country": (
        "country",
        "country code",
        "nationality",
        "country iso",
        "iso country",
        "country of incorporation",
        "country of residence",
        "residence country",
        "citizenship",
        "jurisdiction",
    ),
    "birth_date": ("dob", "d o b", "date of birth", "birth date", "birthdate", "born"),
    "schema": ("schema", "type", "entity type", "party type", "counterparty type", "kind"),
    "id": (
        "id",
        "row id",
        "customer id",
        "client id",
        "counterparty id",
        "party id",
        "supplier id",
        "vendor id",
        "account id",
        "record id",
        "reference",
        "ref",
        "customer number",
        "client number",
    ),
}

#: --map keys users may write for each field
MAP_ALIASES = {
    "name": "name",
    "country": "country",
    "countries": "country",
    "birth_date": "birth_date",
    "birthdate": "birth_date",
    "dob": "birth_date",
    "schema": "schema",
    "type": "schema",
    "id": "id",
    "row_id": "id",
}


@dataclass(frozen=True)
class ColumnMap:
    """Header names (as in the file) of the columns that make up a query; None: absent."""

    name: str
    country: str | None = None
    birth_date: str | None = None
    schema: str | None = None
    id: str | None = None


def header_key(header: str) -> str:
    """'Customer_ID', 'customer-id ' and 'Customer ID' compare alike."""
    return " ".join(re.sub(r"[_\-./#:]+", " ", header).casefold().split())


def parse_map(options: Iterable[str]) -> dict[str, str]:
    """`name=Full Name,country=Land` (the option may be repeated) as {field: column}."""
    mapping: dict[str, str] = {}
    for option in options:
        for part in option.split(","):
            if not part.strip():
                continue
            key, sep, column = part.partition("=")
            field = MAP_ALIASES.get(key.strip().casefold().replace("-", "_"))
            if not sep or not column.strip():
                raise BatchInputError(f"--map: {part.strip()!r} is not FIELD=COLUMN")
            if field is None:
                raise BatchInputError(
                    f"--map: unknown field {key.strip()!r}; use one of {', '.join(FIELDS)}"
                )
            mapping[field] = column.strip()
    return mapping


def resolve_columns(header: Sequence[str], mapping: dict[str, str], path: Path) -> ColumnMap:
    """The columns to read: those mapped with --map, else the first recognised header name."""
    available = ", ".join(repr(h) for h in header)
    by_key: dict[str, str] = {}
    for given in header:
        by_key.setdefault(header_key(given), given)
    chosen: dict[str, str | None] = {}
    for field in FIELDS:
        if field in mapping:
            wanted = mapping[field]
            column: str | None = wanted if wanted in header else by_key.get(header_key(wanted))
            if column is None:
                raise BatchInputError(
                    f"{path}: --map {field}={wanted}: no such column; the columns are: {available}"
                )
            chosen[field] = column
        else:
            chosen[field] = next((by_key[k] for k in HEADER_NAMES[field] if k in by_key), None)
    taken = {v for f, v in chosen.items() if f in mapping}
    for field in FIELDS:  # a mapped column is not also guessed for another field
        if field not in mapping and chosen[field] in taken:
            chosen[field] = None
    name = chosen["name"]
    if name is None:
        raise BatchInputError(
            f"{path}: no name column (looked for headers such as name, company, full name, "
            f"counterparty, party, entity); the columns are: {available}; "
            "name the column with --map name=COLUMN"
        )
    return ColumnMap(
        name=name,
        country=chosen["country"],
        birth_date=chosen["birth_date"],
        schema=chosen["schema"],
        id=chosen["id"],
    )
