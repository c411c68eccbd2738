"""The user watchlist CSV format (docs/formats/watchlist-csv.md)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from clearance.model import NameKind
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.watchlist_csv import parse_watchlist_csv

DATASET = "own"
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "watchlist_sample.csv"


@pytest.fixture(scope="module")
def parsed() -> ParsedRelease:
    return parse_watchlist_csv([SAMPLE], DATASET)


def _rows() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_counts_and_ids(parsed: ParsedRelease) -> None:
    rows = _rows()
    assert [e.id for e in parsed.entities] == [f"{DATASET}:{r['id']}" for r in rows]
    assert len(parsed.entities) == 7
    assert parsed.warnings == [] and parsed.published_at is None
    for entity, row in zip(parsed.entities, rows, strict=True):
        assert entity.raw == row


def test_company_field_by_field(parsed: ParsedRelease) -> None:
    entity = parsed.entities[0]
    assert entity.schema == "Company"
    assert [(n.value, n.kind) for n in entity.names] == [
        ("Northwind Maritime Holdings Ltd.", NameKind.PRIMARY),
        ("Northwind Maritime", NameKind.ALIAS),
        ("NW Maritime Holdings", NameKind.ALIAS),
    ]
    assert [c.code for c in entity.countries] == ["mt", "gr"]  # "Malta;gr"
    assert [(i.type, i.value, i.country) for i in entity.identifiers] == [
        ("registration", "C-99123", "mt"),
        ("lei", "5299000EXAMPLE00LEI01", None),
    ]
    (listing,) = entity.listings
    assert listing.authority == "Own watchlist"
    assert listing.list_name == "Refused counterparties"
    assert listing.programs == ("KYC-REFUSAL",)
    assert listing.listed_on == "2023-04-17"
    assert listing.source_url == entity.source_url == "https://intranet.example.com/cases/4411"
    assert entity.remarks == ("Refused at onboarding, 2023: ownership could not be verified.",)


def test_defaults_and_variants(parsed: ParsedRelease) -> None:
    by_id = {e.id.split(":", 1)[1]: e for e in parsed.entities}
    assert by_id["WL-0003"].schema == "LegalEntity"  # empty schema column
    assert [(i.type, i.value) for i in by_id["WL-0003"].identifiers] == [
        ("website", "https://blueheron.example"),  # a value with a colon
        ("phone", "+971 4 555 0101"),
    ]
    assert by_id["WL-0005"].listings[0].list_name == "watchlist_sample"  # file name
    assert by_id["WL-0005"].listed_on == "2025"
    assert by_id["WL-0006"].schema == "Person"  # "person", any case
    assert by_id["WL-0006"].birth_dates == ("1961", "1962")
    assert by_id["WL-0002"].listed_on == "2023-06"
    assert by_id["WL-0002"].names[2].script == "Cyrillic"


def _write(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _sample_with(line_no: int, column: str, value: str) -> str:
    """The sample with one field replaced, written back with the csv module."""
    rows = list(csv.reader(SAMPLE.read_text("utf-8").splitlines()))
    rows[line_no - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("name", "  ", "empty name"),
        ("id", "", "empty id"),
        ("id", "WL-0001", "duplicate id 'WL-0001', first at list.csv:2"),
        ("schema", "Ship", "unknown schema 'Ship'"),
        ("birth_date", "31/31/1980", "'31/31/1980' is not a date"),
        ("listed_on", "last year", "'last year' is not a date"),
        ("country", "Narnia", "unknown country 'Narnia'"),
        ("identifiers", "passport", "is not type:value"),
        ("identifiers", "shoe_size:44", "unknown identifier type 'shoe_size'"),
        ("identifiers", "passport:123:xx", "unknown country 'xx'"),
    ],
)
def test_bad_values_name_line_and_column(
    tmp_path: Path, column: str, value: str, problem: str
) -> None:
    path = _write(tmp_path, _sample_with(4, column, value))
    with pytest.raises(SourceError) as err:
        parse_watchlist_csv([path], DATASET)
    assert err.value.path == str(path) and err.value.line == 4
    assert f"column {column!r}" in str(err.value) and problem in str(err.value)


def test_missing_required_column(tmp_path: Path) -> None:
    rows = list(csv.reader(SAMPLE.read_text("utf-8").splitlines()))
    name_at = rows[0].index("name")
    text = "\n".join(",".join(f'"{c}"' for i, c in enumerate(r) if i != name_at) for r in rows)
    with pytest.raises(SourceError) as err:
        parse_watchlist_csv([_write(tmp_path, text)], DATASET)
    assert err.value.line == 1 and "lacks required column(s) name" in str(err.value)


def test_unknown_column_is_kept_and_reported(tmp_path: Path) -> None:
    text = "ID,Name,internal_ref\nA-1,Test Party One,CASE-9\n"
    parsed = parse_watchlist_csv([_write(tmp_path, text)], DATASET)
    (entity,) = parsed.entities
    assert entity.raw == {"id": "A-1", "name": "Test Party One", "internal_ref": "CASE-9"}
    assert entity.schema == "LegalEntity"
    (warning,) = parsed.warnings
    assert "internal_ref" in warning


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    first = _write(tmp_path, "id,name\nA-1,One\n", "a.csv")
    second = _write(tmp_path, "id,name\nA-2,Two\n\nA-1,Again\n", "b.csv")
    with pytest.raises(SourceError) as err:
        parse_watchlist_csv([first, second], DATASET)
    assert err.value.path == str(second) and err.value.line == 4
    assert "first at a.csv:2" in str(err.value)


def test_structural_errors(tmp_path: Path) -> None:
    data = SAMPLE.read_text("utf-8")
    with pytest.raises(SourceError, match="empty"):
        parse_watchlist_csv([_write(tmp_path, "")], DATASET)
    lines = data.splitlines()
    lines[2] += ",extra"
    with pytest.raises(SourceError) as err:
        parse_watchlist_csv([_write(tmp_path, "\n".join(lines))], DATASET)
    assert err.value.line == 3 and "13 fields, the header has 12" in str(err.value)
    cut = data[: data.index("Refused at onboarding") + 5]  # inside a quoted field
    with pytest.raises(SourceError) as err:
        parse_watchlist_csv([_write(tmp_path, cut)], DATASET)
    assert "malformed CSV" in str(err.value) and err.value.line == 2
    utf16 = tmp_path / "u16.csv"
    utf16.write_bytes(data.encode("utf-16"))
    with pytest.raises(SourceError) as err:
        parse_watchlist_csv([utf16], DATASET)
    assert err.value.line == 1 and "utf-8" in str(err.value)
    dup_header = _write(tmp_path, "id,name,Name\n1,a,b\n")
    with pytest.raises(SourceError, match="duplicate column"):
        parse_watchlist_csv([dup_header], DATASET)


def test_wrong_file(shared_lists: Path) -> None:
    with pytest.raises(SourceError) as err:
        parse_watchlist_csv([shared_lists / "fcc-covered-list" / "table.csv"], DATASET)
    assert err.value.line == 1 and "lacks required column(s) id, name" in str(err.value)
