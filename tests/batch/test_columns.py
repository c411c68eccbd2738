"""Columns found by their usual header names, or named with --map."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance import Screener
from clearance.batch.columns import ColumnMap, parse_map, resolve_columns
from clearance.batch.errors import BatchInputError
from clearance.batch.queries import countries_of, schema_of
from clearance.batch.runner import BatchOptions, run_batch
from tests.batch.conftest import Party, read_output, write_csv

BOOK = Path("book.csv")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Name", "Country"], ColumnMap(name="Name", country="Country")),
        (
            ["customer_id", "Counterparty", "Nationality", "D.O.B.", "Type"],
            ColumnMap("Counterparty", "Nationality", "D.O.B.", "Type", "customer_id"),
        ),
        (
            ["Row ID", "FULL NAME", "country code", "Date of Birth", "Schema"],
            ColumnMap("FULL NAME", "country code", "Date of Birth", "Schema", "Row ID"),
        ),
        (["Company Name", "ID"], ColumnMap(name="Company Name", id="ID")),
        (
            ["Entity", "Party Type", "Birth-Date"],
            ColumnMap("Entity", None, "Birth-Date", "Party Type"),
        ),
        # the most specific header wins: "Name" before "Company"
        (["Company", "Name", "dob"], ColumnMap(name="Name", birth_date="dob")),
    ],
)
def test_common_header_names_are_recognised(header: list[str], expected: ColumnMap) -> None:
    assert resolve_columns(header, {}, BOOK) == expected


def test_map_names_columns_case_insensitively_and_wins_over_guesses() -> None:
    header = ["Name", "Firma", "Land", "Geburtsdatum", "Kundennummer"]
    mapping = parse_map(["name=firma,country=Land", "birth_date=Geburtsdatum", "id=Kundennummer"])
    assert resolve_columns(header, mapping, BOOK) == ColumnMap(
        "Firma", "Land", "Geburtsdatum", None, "Kundennummer"
    )
    # a column mapped to one field is not also guessed for another
    assert resolve_columns(["Name", "Country"], parse_map(["id=Name,name=Country"]), BOOK) == (
        ColumnMap(name="Country", id="Name")
    )


def test_wrong_map_lists_the_available_columns() -> None:
    with pytest.raises(BatchInputError) as error:
        resolve_columns(["Firma", "Land"], parse_map(["name=Company"]), BOOK)
    message = str(error.value)
    assert "book.csv" in message and "name=Company" in message and "no such column" in message
    assert "'Firma', 'Land'" in message


@pytest.mark.parametrize(
    ("option", "problem"),
    [("name", "not FIELD=COLUMN"), ("name=", "not FIELD=COLUMN"), ("colour=Red", "unknown field")],
)
def test_malformed_map_is_refused(option: str, problem: str) -> None:
    with pytest.raises(BatchInputError, match=problem):
        parse_map([option])


def test_no_name_column_is_refused_with_the_columns() -> None:
    with pytest.raises(BatchInputError) as error:
        resolve_columns(["Amount", "Currency"], {}, BOOK)
    message = str(error.value)
    assert "no name column" in message and "'Amount', 'Currency'" in message
    assert "--map name=" in message


def test_cells_as_exports_write_them() -> None:
    assert schema_of("individual") == "Person"
    assert schema_of(" COMPANY ") == "Company"
    assert schema_of("") is None
    assert schema_of("Alien") == "Alien"  # screen() refuses it, naming the field
    assert countries_of("Korea, Republic of") == ("Korea, Republic of",)
    assert countries_of("CN; RU") == ("CN", "RU")
    assert countries_of("NA") == ("NA",)  # Namibia, not "not available"
    assert countries_of(" ") == ()


def test_map_in_a_run(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, listed: list[Party]
) -> None:
    header = ["Nummer", "Firma", "Land"]
    rows = [[f"K-{i}", p.name, p.country] for i, p in enumerate(listed)]
    book = write_csv(tmp_path / "kunden.csv", rows, header=header, delimiter=";")
    out = tmp_path / "treffer.csv"
    options = BatchOptions(
        book, out, home=batch_home, mapping=("name=Firma,country=Land,id=Nummer",)
    )
    run_batch(options, screener=batch_screener)
    records = read_output(out)
    for i, party in enumerate(listed):
        assert any(
            r["row_id"] == f"K-{i}" and r["entity_id"] == party.listed_id and r["match"] == "true"
            for r in records
        ), party
