"""A store of every shared list, and parties to screen: some listed, most not.

Loading the lists and building the index takes about fifteen seconds, so the
store and its screener are session fixtures. Books are written by each test in
its tmp_path from these parties; nothing from the shared lists is copied.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

import pytest
from faker import Faker

from clearance import Screener
from tests.conftest import loaded_home

#: the book's own columns (what the user's systems exported)
HEADER = ["Customer ID", "Counterparty", "Country", "Notes"]
#: Faker locales whose names Windows-1252 can hold (the cp1252 book must be writable)
LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES", "it_IT")
COUNTRIES = ("US", "DE", "FR", "ES", "IT", "")
#: listed parties taken per dataset
LISTED_PER_DATASET = {
    "us_ofac_sdn": 2,
    "un_sc_sanctions": 2,
    "us_trade_csl": 1,
    "gb_hmt_sanctions": 1,
}


@dataclass(frozen=True)
class Party:
    name: str
    country: str
    listed_id: str | None  # the listed entity it must match, None if not listed


@pytest.fixture(scope="session")
def batch_home(shared_lists: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return loaded_home("batch-home", shared_lists, tmp_path_factory)


@pytest.fixture(scope="session")
def batch_screener(batch_home: Path) -> Screener:
    return Screener.open(batch_home)


def _plain(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z ,.'-]{5,60}", name))


@pytest.fixture(scope="session")
def listed(batch_screener: Screener) -> list[Party]:
    """Listed parties by their published caption, each checked to match itself."""
    wanted = dict(LISTED_PER_DATASET)
    parties: list[Party] = []
    for entity in batch_screener.entities():
        if not wanted.get(entity.dataset) or not _plain(entity.caption):
            continue
        hits = batch_screener.screen(entity.caption)
        if hits and hits[0].match and entity.id in {h.entity_id for h in hits if h.match}:
            codes = [c.code.upper() for c in entity.countries if len(c.code) == 2]
            country = codes[0] if codes else ""
            parties.append(Party(entity.caption, country, entity.id))
            wanted[entity.dataset] -= 1
        if not any(wanted.values()):
            break
    assert len(parties) == sum(LISTED_PER_DATASET.values()), parties
    return parties


@pytest.fixture(scope="session")
def unlisted(batch_screener: Screener) -> list[Party]:
    """Faker persons and companies that match nothing on the lists."""
    fake = Faker(list(LOCALES))
    fake.seed_instance(20261127)
    parties: list[Party] = []
    while len(parties) < 24:
        name = fake.name() if len(parties) % 2 else fake.company()
        try:
            name.encode("cp1252")
        except UnicodeEncodeError:
            continue
        if not any(h.match for h in batch_screener.screen(name)):
            parties.append(Party(name, COUNTRIES[len(parties) % len(COUNTRIES)], None))
    return parties


@pytest.fixture(scope="session")
def parties(listed: list[Party], unlisted: list[Party]) -> list[Party]:
    """Listed parties spread among unlisted ones, in a fixed order."""
    mixed = list(unlisted)
    for i, party in enumerate(listed):
        mixed.insert(i * 4 + 1, party)
    return mixed


NOTES = ("café; “quoted”, comma", "Größe 5 €", "=1+1", "", "Ñandú; straße")


def book_rows(parties: Sequence[Party]) -> list[list[str]]:
    """Rows of HEADER: an id, the name, the country and a note that is awkward to round-trip."""
    return [
        [f"C{1000 + i}", p.name, p.country, NOTES[i % len(NOTES)]] for i, p in enumerate(parties)
    ]


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> Path:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell import Cell  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.title = "Customers"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell, Cell) and isinstance(cell.value, str):
                cell.data_type = "s"  # "=1+1" stays text, as a user typing '=1+1 gets
    book.save(path)
    return path


def write_parquet(
    path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER
) -> Path:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    columns = {h: [row[i] for row in rows] for i, h in enumerate(header)}
    pq.write_table(pa.table(columns), path)
    return path


def write_jsonl(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + "\n")
    return path


WRITERS = {".csv": write_csv, ".xlsx": write_xlsx, ".parquet": write_parquet, ".jsonl": write_jsonl}


def read_output(path: Path) -> list[dict[str, object]]:
    """An output file's rows as dicts, read with each format's own library."""
    suffix = path.suffix
    if suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    if suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table: list[dict[str, object]] = pq.read_table(path).to_pylist()
        return table
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    # a streamed sheet leaves trailing empty cells out of a row
    return [dict(zip_longest(values[0], row)) for row in values[1:]]
