"""Books in every format and common encoding read back exactly; hits written in every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance import Screener
from clearance.batch.queries import countries_of
from clearance.batch.readers import open_table
from clearance.batch.runner import BatchOptions, run_batch
from clearance.batch.sniff import SAMPLE_BYTES
from tests.batch.conftest import (
    HEADER,
    WRITERS,
    Party,
    book_rows,
    read_output,
    write_csv,
)


def read_back(path: Path) -> list[list[str]]:
    table = open_table(path)
    try:
        rows = list(table.rows())
    finally:
        table.close()
    assert table.header == HEADER
    assert all(r.problem is None for r in rows), [r.problem for r in rows if r.problem]
    assert [r.number for r in rows] == list(range(1, len(rows) + 1))
    return [[r.values[h] for h in HEADER] for r in rows]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ";"),  # Excel's "CSV UTF-8"
        ("utf-16", "\t"),  # Excel's "Unicode text": UTF-16 with a byte order mark, tabs
        ("utf-16-le", ","),  # no byte order mark
        ("cp1252", ";"),  # Excel's "CSV" on a Western European Windows
        ("cp1252", ","),
        ("utf-8", "|"),
    ],
)
def test_delimited_text_in_any_encoding_reads_back_exactly(
    tmp_path: Path, parties: list[Party], encoding: str, delimiter: str
) -> None:
    rows = book_rows(parties)
    path = write_csv(tmp_path / "book.csv", rows, encoding=encoding, delimiter=delimiter)
    assert read_back(path) == rows


def test_tsv_extension_means_tabs(tmp_path: Path, parties: list[Party]) -> None:
    rows = book_rows(parties)
    path = write_csv(tmp_path / "book.tsv", rows, delimiter="\t")
    assert read_back(path) == rows


def test_windows_1252_after_the_first_megabyte_is_still_seen(tmp_path: Path) -> None:
    """The encoding is judged on the whole file: a book can be ASCII for its first megabyte."""
    filler = [[f"C{i}", f"Plain Trading {i}", "US", "ascii only"] for i in range(40_000)]
    rows = [*filler, ["C-last", "Müller Bäckerei GmbH", "DE", "Größe 5 €"]]
    path = write_csv(tmp_path / "book.csv", rows, encoding="cp1252", delimiter=";")
    assert path.stat().st_size > SAMPLE_BYTES
    assert read_back(path)[-1] == rows[-1]


@pytest.mark.parametrize("source", [".csv", ".xlsx", ".parquet", ".jsonl"])
@pytest.mark.parametrize("target", [".csv", ".xlsx", ".parquet", ".jsonl"])
def test_round_trip(
    tmp_path: Path,
    batch_home: Path,
    batch_screener: Screener,
    parties: list[Party],
    source: str,
    target: str,
) -> None:
    rows = book_rows(parties)
    book = WRITERS[source](tmp_path / f"book{source}", rows)
    out = tmp_path / f"hits{target}"
    result = run_batch(BatchOptions(book, out, home=batch_home), screener=batch_screener)

    records = read_output(out)
    assert records, "no hits written"
    assert list(records[0])[:2] == ["row_number", "row_id"]
    assert list(records[0])[2:6] == HEADER
    numbers = [int(str(r["row_number"])) for r in records]
    assert numbers == sorted(numbers)  # input row order
    for record in records:
        row = rows[int(str(record["row_number"])) - 1]
        assert [str(record[h] or "") for h in HEADER] == row  # the user's columns untouched
        assert record["row_id"] == row[0]
        assert 0.0 <= float(str(record["score"])) <= 1.0
    for number, party in enumerate(parties, start=1):
        matched = {
            r["entity_id"]
            for r in records
            if int(str(r["row_number"])) == number and str(r["match"]).lower() == "true"
        }
        if party.listed_id is not None:
            assert party.listed_id in matched, party
        else:
            assert not matched, party

    summary = result.summary
    assert summary.rows == summary.screened == len(parties)
    assert summary.hits == len(records)
    assert summary.matches == sum(str(r["match"]).lower() == "true" for r in records)
    assert summary.rows_with_matches == sum(p.listed_id is not None for p in parties)
    assert summary.snapshot == batch_screener.snapshot
    assert summary.errors == 0 and summary.list_versions


def test_hits_are_in_screen_order_for_each_row(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, parties: list[Party]
) -> None:
    rows = book_rows(parties)
    book = write_csv(tmp_path / "book.csv", rows)
    out = tmp_path / "hits.jsonl"
    run_batch(BatchOptions(book, out, home=batch_home, limit=5), screener=batch_screener)
    records = read_output(out)
    for number, row in enumerate(rows, start=1):
        expected = [
            (h.entity_id, h.score, h.explanation)
            for h in batch_screener.screen(row[1], countries=countries_of(row[2]), limit=5)
        ]
        written = [
            (r["entity_id"], r["score"], r["explanation"])
            for r in records
            if r["row_number"] == number
        ]
        assert written == expected, row


def test_all_rows_writes_rows_without_hits_too(
    tmp_path: Path, batch_home: Path, batch_screener: Screener, parties: list[Party]
) -> None:
    rows = book_rows(parties)
    book = write_csv(tmp_path / "book.csv", rows)
    out = tmp_path / "all.csv"
    run_batch(BatchOptions(book, out, home=batch_home, all_rows=True), screener=batch_screener)
    records = read_output(out)
    assert {int(str(r["row_number"])) for r in records} == set(range(1, len(rows) + 1))
    empty = [r for r in records if not r["entity_id"]]
    assert empty, "every Faker name had a hit: the test needs rows without one"
    for record in empty:
        assert record["score"] == "" and record["match"] == "false"
        assert record["Counterparty"] == rows[int(str(record["row_number"])) - 1][1]
