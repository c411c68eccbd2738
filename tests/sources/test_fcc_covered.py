"""FCC Covered List: the official HTML table and OpenSanctions' CSV transcription."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.common import stable_id
from clearance.sources.fcc_covered import parse_fcc_csv, parse_fcc_html

DATASET = "us_fcc_covered"


@pytest.fixture(scope="module")
def html_path(shared_lists: Path) -> Path:
    return shared_lists / "fcc-covered-list" / "table.html"


@pytest.fixture(scope="module")
def csv_path(shared_lists: Path) -> Path:
    return shared_lists / "fcc-covered-list" / "table.csv"


@pytest.fixture(scope="module")
def html(html_path: Path) -> ParsedRelease:
    return parse_fcc_html([html_path], DATASET)


@pytest.fixture(scope="module")
def from_csv(csv_path: Path) -> ParsedRelease:
    return parse_fcc_csv([csv_path], DATASET)


def _nodes(node: Any, expr: str) -> list[Any]:
    found = node.xpath(expr)
    assert isinstance(found, list)
    return found


def _bold_names(path: Path) -> tuple[list[str], int]:
    """Companies the FCC sets in bold, and the number of rows without any: read with XPath."""
    doc = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    names = [" ".join(s.text_content().split()) for s in _nodes(doc, "//tbody/tr/td[1]//strong")]
    unnamed = sum(1 for tr in _nodes(doc, "//tbody/tr") if not _nodes(tr, "./td[1]//strong"))
    return names, unnamed


def _id(name: str) -> str:
    return f"{DATASET}:{stable_id(name.rstrip('.'))}"


def test_html_counts(html: ParsedRelease, html_path: Path) -> None:
    names, unnamed = _bold_names(html_path)
    assert len(names) == 12 and unnamed == 2
    assert sorted(e.id for e in html.entities) == sorted({_id(n) for n in names})
    assert len(html.warnings) == unnamed
    assert all("names no company" in w for w in html.warnings)
    assert {e.schema for e in html.entities} == {"Company"}
    assert html.published_at is None  # the table states no as-of date


def test_html_huawei_field_by_field(html: ParsedRelease) -> None:
    entity = next(e for e in html.entities if e.caption == "Huawei Technologies Company")
    assert entity.id == f"{DATASET}:{stable_id('Huawei Technologies Company')}"
    assert [n.value for n in entity.names] == ["Huawei Technologies Company"]
    (listing,) = entity.listings
    assert listing.authority == "US FCC"
    assert listing.list_name == "FCC Covered List"
    assert listing.listed_on == "2021-03-12"  # "March 12, 2021"
    assert "universal-service" in (listing.license_requirement or "")
    assert "equipment authorizations" in (listing.license_policy or "")
    assert listing.source_url == "https://www.fcc.gov/supplychain/coveredlist"
    (remark,) = entity.remarks
    assert remark.startswith("Telecommunications equipment produced by Huawei Technologies Company")
    assert entity.raw["date_of_inclusion_on_covered_list"] == "March 12, 2021"


def test_html_row_naming_two_companies(html: ParsedRelease) -> None:
    pacific = next(e for e in html.entities if e.caption == "Pacific Networks Corp")
    comnet = next(e for e in html.entities if e.caption == "ComNet (USA) LLC")
    assert pacific.listed_on == comnet.listed_on == "2022-09-20"
    assert [r.target for r in pacific.relations] == ["ComNet (USA) LLC"]
    assert [r.target for r in comnet.relations] == ["Pacific Networks Corp"]
    assert pacific.remarks == comnet.remarks


def test_html_kaspersky_entries_stay_apart(html: ParsedRelease) -> None:
    dates = {e.caption: e.listed_on for e in html.entities if "Kaspersky" in e.caption}
    assert dates == {"AO Kaspersky Lab": "2022-03-25", "Kaspersky Lab, Inc.": "2024-07-23"}


def test_csv_counts_and_same_ids(from_csv: ParsedRelease, csv_path: Path, html_path: Path) -> None:
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 16
    # The transcription is newer than the HTML capture: one more company since.
    later = [
        r for r in rows if "Digitalsystem Technology Inc." in r["covered_equipment_or_services"]
    ]
    assert len(later) == 1
    names, _ = _bold_names(html_path)
    expected = {_id(n) for n in names} | {_id("Digitalsystem Technology Inc.")}
    assert {e.id for e in from_csv.entities} == expected
    # every row is either a party's entry or reported as naming no one
    described = {e.raw["covered_equipment_or_services"] for e in from_csv.entities}
    assert len(described) + len(from_csv.warnings) == len(rows)


def test_csv_field_by_field(from_csv: ParsedRelease) -> None:
    entity = next(e for e in from_csv.entities if e.caption.startswith("China Mobile"))
    assert entity.caption == "China Mobile International USA Inc."
    assert entity.id == _id("China Mobile International USA Inc")  # same id as the HTML
    (listing,) = entity.listings
    assert listing.listed_on == "2022-03-25"
    assert any("transcription" in n for n in listing.notes)
    hikvision = next(e for e in from_csv.entities if "Hikvision" in e.caption)
    assert hikvision.caption == "Hangzhou Hikvision Digital Technology Company"
    kaspersky = next(e for e in from_csv.entities if e.caption == "Kaspersky Lab, Inc.")
    assert kaspersky.listed_on == "2024-07-23"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_html_truncated(html_path: Path, tmp_path: Path) -> None:
    data = html_path.read_bytes()
    cut = _write(tmp_path, "table.html", data[: len(data) // 2])
    with pytest.raises(SourceError) as err:
        parse_fcc_html([cut], DATASET)
    assert err.value.path == str(cut) and err.value.line == 1
    assert "truncated" in str(err.value)


def test_html_empty_and_utf16(html_path: Path, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty"):
        parse_fcc_html([_write(tmp_path, "empty.html", b"  \n")], DATASET)
    utf16 = _write(tmp_path, "u16.html", html_path.read_text("utf-8").encode("utf-16"))
    with pytest.raises(SourceError) as err:
        parse_fcc_html([utf16], DATASET)
    assert err.value.line == 1 and "utf-8" in str(err.value)


def test_html_wrong_file(shared_lists: Path, csv_path: Path) -> None:
    with pytest.raises(SourceError, match="not the FCC Covered List"):
        parse_fcc_html([csv_path], DATASET)
    un_xml = shared_lists / "un-consolidated" / "consolidated.xml"
    with pytest.raises(SourceError, match="not the FCC Covered List"):
        parse_fcc_html([un_xml], DATASET)


def test_html_cell_removed_names_row(html_path: Path, tmp_path: Path) -> None:
    text = html_path.read_text("utf-8")
    start = text.index('<p class="rtecenter">March 25, 2022</p>')
    cell_start = text.rindex("<td", 0, start)
    cell_end = text.index("</td>", start) + len("</td>")
    broken = _write(tmp_path, "t.html", (text[:cell_start] + text[cell_end:]).encode())
    with pytest.raises(SourceError) as err:
        parse_fcc_html([broken], DATASET)
    assert err.value.element == "table[1]/tr[6]"
    assert err.value.line is not None and "1 cells" in str(err.value)


def test_html_bad_date_names_row(html_path: Path, tmp_path: Path) -> None:
    text = html_path.read_text("utf-8").replace("July 23, 2024", "sometime in 2024")
    broken = _write(tmp_path, "t.html", text.encode())
    with pytest.raises(SourceError) as err:
        parse_fcc_html([broken], DATASET)
    assert err.value.element == "table[1]/tr[11]" and "no inclusion date" in str(err.value)


def test_csv_broken_variants(csv_path: Path, html_path: Path, tmp_path: Path) -> None:
    data = csv_path.read_bytes()
    # cut inside the quoted description of line 3
    cut_at = data.index(b"Hytera") + 3
    cut = _write(tmp_path, "cut.csv", data[:cut_at])
    with pytest.raises(SourceError) as err:
        parse_fcc_csv([cut], DATASET)
    assert err.value.path == str(cut) and err.value.line == 4

    one_column = "\n".join(
        ",".join(f'"{c}"' for c in row[:1])
        for row in csv.reader(csv_path.read_text("utf-8").splitlines())
    )
    with pytest.raises(SourceError) as err:
        parse_fcc_csv([_write(tmp_path, "one.csv", one_column.encode())], DATASET)
    assert err.value.line == 1 and "header" in str(err.value)

    with pytest.raises(SourceError, match="empty"):
        parse_fcc_csv([_write(tmp_path, "empty.csv", b"")], DATASET)
    utf16 = _write(tmp_path, "u16.csv", csv_path.read_text("utf-8").encode("utf-16"))
    with pytest.raises(SourceError) as err:
        parse_fcc_csv([utf16], DATASET)
    assert err.value.line == 1
    with pytest.raises(SourceError, match="header"):
        parse_fcc_csv([html_path], DATASET)


def test_csv_row_with_extra_field(csv_path: Path, tmp_path: Path) -> None:
    lines = csv_path.read_text("utf-8").splitlines()
    lines[5] += ',"extra"'
    broken = _write(tmp_path, "extra.csv", "\n".join(lines).encode())
    with pytest.raises(SourceError) as err:
        parse_fcc_csv([broken], DATASET)
    assert err.value.line == 6 and "3 fields" in str(err.value)
