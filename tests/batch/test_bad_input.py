"""Bad input: a clear error naming file, row and problem; or, with skip, an errors file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from clearance import Screener
from clearance.batch.errors import BatchInputError
from clearance.batch.runner import BatchOptions, run_batch
from tests.batch.conftest import HEADER, WRITERS, Party, book_rows, read_output, write_csv

#: a book large enough that the broken row is far from the start
ROWS = 1_200
BROKEN = 700


def big_book(parties: list[Party]) -> list[list[str]]:
    base = book_rows(parties)
    rows = []
    for i in range(ROWS):
        row = list(base[i % len(base)])
        row[0] = f"C{10_000 + i}"
        rows.append(row)
    return rows


def run(home: Path, screener: Screener, book: Path, out: Path, **options: object) -> None:
    run_batch(BatchOptions(book, out, home=home, **options), screener=screener)  # type: ignore[arg-type]


def error_of(home: Path, screener: Screener, book: Path, out: Path, **options: object) -> str:
    with pytest.raises(BatchInputError) as error:
        run(home, screener, book, out, **options)
    assert not out.exists()
    return str(error.value)


def test_missing_unreadable_unknown_and_empty_files(
    tmp_path: Path, batch_home: Path, batch_screener: Screener
) -> None:
    out = tmp_path / "hits.csv"

    def error(book: Path) -> str:
        return error_of(batch_home, batch_screener, book, out)

    assert "no such file" in error(tmp_path / "absent.csv")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert "not a file" in error(folder)
    legacy = tmp_path / "book.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0")
    message = error(legacy)
    assert "book.xls" in message and "unknown file type '.xls'" in message and ".xlsx" in message
    for suffix, problem in ((".xlsx", "not a readable Excel workbook"), (".parquet", "Parquet")):
        corrupt = tmp_path / f"corrupt{suffix}"
        corrupt.write_bytes(b"this is not a " + suffix.encode() + b" file\n")
        message = error(corrupt)
        assert corrupt.name in message and problem in message
    for suffix in (".csv", ".jsonl"):
        empty = tmp_path / f"empty{suffix}"
        empty.write_bytes(b"")
        assert "the file is empty" in error(empty)
        empty.write_text("\n\n   \n")
        assert "the file is empty" in error(empty)
    header_only = write_csv(tmp_path / "header.csv", [])
    assert "no rows to screen" in error(header_only)
    no_names = write_csv(tmp_path / "amounts.csv", [["12", "EUR"]], header=["Amount", "Currency"])
    message = error(no_names)
    assert "amounts.csv" in message and "no name column" in message and "'Amount'" in message


def test_unknown_output_type_is_refused_before_reading(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, parties: list[Party]
) -> None:
    book = write_csv(tmp_path / "book.csv", book_rows(parties))
    message = error_of(batch_home, batch_screener, book, tmp_path / "hits.xls")
    assert "hits.xls" in message and "unknown output type" in message
    message = error_of(batch_home, batch_screener, book, tmp_path / "nowhere" / "hits.csv")
    assert "does not exist" in message


def test_wrong_map_names_the_file_and_columns(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, parties: list[Party]
) -> None:
    book = write_csv(tmp_path / "book.csv", book_rows(parties))
    message = error_of(
        batch_home, batch_screener, book, tmp_path / "hits.csv", mapping=("name=Nom",)
    )
    assert "book.csv" in message and "name=Nom" in message
    assert all(repr(h) in message for h in HEADER)


def test_empty_name_names_the_row(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, parties: list[Party]
) -> None:
    rows = book_rows(parties)
    rows[2][1] = "   "
    book = write_csv(tmp_path / "book.csv", rows)
    message = error_of(batch_home, batch_screener, book, tmp_path / "hits.csv")
    assert message == f"{book}: row 3 (line 4, id {rows[2][0]}): name: must not be empty"


def broken_csv(path: Path, rows: list[list[str]]) -> Path:
    rows = [list(r) for r in rows]
    rows[BROKEN - 1] = [*rows[BROKEN - 1], "an extra field"]
    return write_csv(path, rows)


def broken_jsonl(path: Path, rows: list[list[str]]) -> Path:
    lines = [json.dumps(dict(zip(HEADER, r, strict=True))) for r in rows]
    lines[BROKEN - 1] = lines[BROKEN - 1][:-5]  # cut short
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bad_cell(column: int, value: str) -> object:
    def write(path: Path, rows: list[list[str]]) -> Path:
        rows = [list(r) for r in rows]
        rows[BROKEN - 1][column] = value
        return WRITERS[path.suffix](path, rows)

    return write


CASES = {
    "extra field": (broken_csv, ".csv", f"line {BROKEN + 1}", "5 fields, the header has 4"),
    "invalid JSON": (broken_jsonl, ".jsonl", f"line {BROKEN}", "invalid JSON"),
    "country": (bad_cell(2, "Narnia"), ".csv", f"line {BROKEN + 1}", "country: 'Narnia'"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_row_in_a_large_file_stops_the_run_naming_it(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, parties: list[Party], case: str
) -> None:
    write, suffix, location, problem = CASES[case]
    book = write(tmp_path / f"book{suffix}", big_book(parties))  # type: ignore[operator]
    message = error_of(batch_home, batch_screener, book, tmp_path / "hits.csv", chunk_size=100)
    assert message.startswith(f"{book}: row {BROKEN} ({location}")
    assert problem in message


def test_invalid_birth_date_in_a_workbook(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, parties: list[Party]
) -> None:
    header = [*HEADER, "Date of birth"]
    rows = [[*r, "1970-01-01"] for r in book_rows(parties)]
    rows[4][4] = "31/02/1970"
    book = WRITERS[".xlsx"](tmp_path / "book.xlsx", rows, header)  # type: ignore[operator]
    message = error_of(batch_home, batch_screener, book, tmp_path / "hits.csv")
    assert message.startswith(f"{book}: row 5 (sheet 'Customers' row 6, id {rows[4][0]}): ")
    assert "birth_date: '31/02/1970'" in message


def test_skip_writes_bad_rows_to_the_errors_file_and_screens_the_rest(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, parties: list[Party]
) -> None:
    rows = book_rows(parties)
    rows[1][1] = ""  # empty name
    rows[3][2] = "Narnia"  # unknown country
    rows[5] = [*rows[5], "extra"]  # one field too many
    book = write_csv(tmp_path / "book.csv", rows)
    out = tmp_path / "hits.xlsx"
    result = run_batch(
        BatchOptions(book, out, home=batch_home, on_error="skip", all_rows=True),
        screener=batch_screener,
    )
    errors_file = tmp_path / "hits.errors.csv"
    assert result.errors_file == errors_file
    with errors_file.open(encoding="utf-8", newline="") as handle:
        errors = list(csv.DictReader(handle))
    assert [(e["row_number"], e["row_id"], e["location"]) for e in errors] == [
        ("2", rows[1][0], "line 3"),
        ("4", rows[3][0], "line 5"),
        ("6", rows[5][0], "line 7"),
    ]
    assert "name: must not be empty" in errors[0]["problem"]
    assert "Narnia" in errors[1]["problem"]
    assert "5 fields" in errors[2]["problem"]
    summary = result.summary
    assert (summary.rows, summary.errors, summary.screened) == (len(rows), 3, len(rows) - 3)
    written = {int(str(r["row_number"])) for r in read_output(out)}
    assert written == set(range(1, len(rows) + 1)) - {2, 4, 6}


def test_a_failed_run_leaves_no_output_and_keeps_the_previous_one(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, parties: list[Party]
) -> None:
    rows = big_book(parties)
    rows[BROKEN - 1][2] = "Narnia"  # found by screening, after earlier chunks were written
    book = write_csv(tmp_path / "book.csv", rows)
    out = tmp_path / "hits.csv"
    out.write_text("the previous run's hits\n")
    with pytest.raises(BatchInputError, match="Narnia"):
        run(batch_home, batch_screener, book, out, chunk_size=50)
    assert out.read_text() == "the previous run's hits\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.csv", "hits.csv"]

    fresh = tmp_path / "fresh.jsonl"
    with pytest.raises(BatchInputError):
        run(batch_home, batch_screener, book, fresh, chunk_size=50)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.csv", "hits.csv"]


def test_an_interrupted_run_leaves_no_output(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, parties: list[Party]
) -> None:
    book = write_csv(tmp_path / "book.csv", big_book(parties))
    out = tmp_path / "hits.parquet"
    out.write_bytes(b"previous")

    class Interrupted:
        def advance(self, rows: int) -> None:
            raise KeyboardInterrupt  # as Ctrl-C after the first chunk was written

        def finish(self) -> None:
            pass

    with pytest.raises(KeyboardInterrupt):
        run_batch(
            BatchOptions(book, out, home=batch_home, chunk_size=50, on_error="skip"),
            screener=batch_screener,
            progress=lambda _description, _total: Interrupted(),
        )
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.csv", "hits.parquet"]
