"""UK HMT/OFSI ConList.csv: the real 2016 file (legacy layout), a hand-written 2022-layout
sample, and broken copies of both."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest

from clearance.model import Address, Country, CountryRole, Entity, Identifier, NameKind
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.hmt_csv import (
    LEGACY_COLUMNS,
    OFSI_2022_COLUMNS,
    hmt_date,
    parse_hmt_csv,
    split_enumerated,
)

DATASET = "gb_hmt_sanctions"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# tests/fixtures/hmt_2022_sample.csv is HAND-WRITTEN for these tests (fictional parties),
# laid out as OFSI's 2022-format ConList.csv: a "Last Updated" line, then the 36 columns.
SAMPLE_2022 = FIXTURES / "hmt_2022_sample.csv"


@pytest.fixture(scope="module")
def legacy_file(shared_lists: Path) -> Path:
    return shared_lists / "uk-ofsi-conlist-legacy" / "ConList.csv"


@pytest.fixture(scope="module")
def legacy(legacy_file: Path) -> ParsedRelease:
    return parse_hmt_csv([legacy_file], DATASET)


@pytest.fixture(scope="module")
def sample() -> ParsedRelease:
    return parse_hmt_csv([SAMPLE_2022], DATASET)


def csv_groups(path: Path, encoding: str) -> dict[str, list[dict[str, str]]]:
    """Rows by Group ID, read with the csv module alone (the independent count)."""
    text = path.read_bytes().decode(encoding)
    lines = io.StringIO(text, newline="")
    lines.readline()  # "Last Updated,..."
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in csv.DictReader(lines):
        groups[row["Group ID"]].append(row)
    return groups


def by_id(release: ParsedRelease, group_id: str) -> Entity:
    matches = [e for e in release.entities if e.id == f"{DATASET}:{group_id}"]
    assert len(matches) == 1
    return matches[0]


# --- legacy layout, real file ---------------------------------------------------------


def test_legacy_counts_match_distinct_group_ids(legacy: ParsedRelease, legacy_file: Path) -> None:
    groups = csv_groups(legacy_file, "cp1252")
    assert sum(len(rows) for rows in groups.values()) == 8746  # MANIFEST.md: 8,746 name rows
    assert len(groups) == 1924
    assert {e.id for e in legacy.entities} == {f"{DATASET}:{g}" for g in groups}
    individuals = sum(1 for rows in groups.values() if rows[0]["Group Type"] == "Individual")
    schemas = [e.schema for e in legacy.entities]
    assert schemas.count("Person") == individuals
    assert schemas.count("Organization") == len(groups) - individuals


def test_legacy_published_at(legacy: ParsedRelease) -> None:
    assert legacy.published_at == "2016-03-23"


def test_legacy_person_with_aliases_and_two_dobs(legacy: ParsedRelease) -> None:
    e = by_id(legacy, "7405")
    assert e.schema == "Person"
    assert [(n.value, n.kind) for n in e.names] == [
        ("Abdul Ghafar Qurishi ABDUL GHANI", NameKind.PRIMARY),
        ("Abdul Ghaffar QURESHI", NameKind.ALIAS),
    ]
    assert e.birth_dates == ("1970", "1967")  # "00/00/1970" and "00/00/1967"
    assert e.birth_places == ("Turshut village, Wursaj District, Takhar Province, Afghanistan",)
    assert set(e.countries) == {
        Country("af", CountryRole.BIRTH),
        Country("af", CountryRole.NATIONALITY),
        Country("af", CountryRole.ADDRESS),
    }
    assert e.identifiers == (
        Identifier(
            "passport", "D 000933", "af", "D 000933 (Afghan) Issued in Kabul on 13 Sep 1998"
        ),
        Identifier("national_id", "55130", "af", "55130 (Afghan) (tazkira)"),
    )
    assert e.addresses == (
        Address("Khairkhana Section, Number 3, Kabul, Afghanistan", country="af"),
    )
    assert e.titles == ("Maulavi", "Repatriation Attache, Taliban Embassy, Islamabad, Pakistan")
    assert e.remarks == ("UN Ref TI.Q.130.01.",)
    (listing,) = e.listings
    assert listing.authority == "UK HM Treasury OFSI"
    assert listing.list_name == "UK Consolidated List of Financial Sanctions Targets"
    assert listing.programs == ("Afghanistan",)
    assert listing.listed_on == "2001-02-23"
    assert listing.notes == ("OFSI Group ID: 7405",)
    assert e.raw["rows"] == 4 and e.raw["Group ID"] == "7405"
    assert e.raw["DOB"] == ["00/00/1970", "00/00/1967"]
    assert [n["Name 6"] for n in e.raw["names"]] == ["ABDUL GHANI", "QURESHI"]


def test_legacy_entity_with_aka_and_fka(legacy: ParsedRelease) -> None:
    e = by_id(legacy, "7247")
    assert e.schema == "Organization"
    assert e.caption == "THE ORGANIZATION OF AL-QAIDA IN THE ISLAMIC MAGHREB"
    kinds = {n.value: n.kind for n in e.names}
    assert kinds["AQIM"] == NameKind.ALIAS
    assert kinds["AL QAIDA AU MAGHREB ISLAMIQUE (AQMI)"] == NameKind.ALIAS
    assert kinds["SALAFIST GROUP FOR CALL AND COMBAT"] == NameKind.FORMER
    assert kinds["LE GROUPE SALAFISTE POUR LA PREDICATION ET LE COMBAT (GSPC)"] == NameKind.FORMER
    assert len(e.names) == 5  # 30 rows, five distinct names
    assert {a.country for a in e.addresses} == {"dz", "mr", "tn", "ml", "ma", "ne"}
    assert e.listings[0].programs == ("The ISIL (Da'esh) and Al-Qaida organisations",)


def test_legacy_windows_1252_text_is_decoded(legacy: ParsedRelease) -> None:
    texts = [r for e in legacy.entities for r in e.remarks]
    assert any("\u2019" in t for t in texts)  # 0x92 in the file
    assert not any("\ufffd" in t for t in texts)


def test_legacy_every_group_has_a_primary_name(legacy: ParsedRelease) -> None:
    for e in legacy.entities:
        assert e.names[0].kind == NameKind.PRIMARY, e.id
        json.dumps(e.to_dict(), ensure_ascii=False)


# --- 2022 layout, hand-written sample ---------------------------------------------------


def test_2022_counts_and_date(sample: ParsedRelease) -> None:
    groups = csv_groups(SAMPLE_2022, "utf-8")
    assert len(groups) == 4
    assert {e.id for e in sample.entities} == {f"{DATASET}:{g}" for g in groups}
    assert sample.published_at == "2024-06-14"
    assert [e.schema for e in sample.entities] == ["Person", "Organization", "Vessel", "Person"]
    assert sample.warnings == []


def test_2022_person(sample: ParsedRelease) -> None:
    e = by_id(sample, "90001")
    assert [(n.value, n.kind, n.lang) for n in e.names] == [
        ("Pavel Sergeyevich VOLKOV", NameKind.PRIMARY, None),
        ("ВОЛКОВ Павел Сергеевич", NameKind.NATIVE, "ru"),
        ("Pavel Sergeevich VOLKOFF", NameKind.ALIAS, None),  # Primary name variation
        ("VOLK", NameKind.WEAK_ALIAS, None),  # AKA, Low quality
    ]
    assert e.birth_dates == ("1968-07-14", "1969")
    assert e.birth_places == ("Yekaterinburg, Russia",)
    assert e.gender == "male"
    assert e.identifiers == (
        Identifier("passport", "751234567", None, "Russian passport"),
        Identifier("passport", "727654321", None, "Russian diplomatic passport"),
        Identifier("national_id", "6604123456", None, "Russian internal passport"),
    )
    assert e.addresses == (
        Address("ul. Lenina 12, Yekaterinburg, 620014, Russia", "ru", postal_code="620014"),
    )
    assert e.titles == ("Mr", "Deputy Director General, Uralsk Precision Instruments JSC")
    (listing,) = e.listings
    assert listing.programs == ("Russia",)
    assert listing.listed_on == "2022-03-15"
    assert listing.notes == (
        "OFSI Group ID: 90001",
        "UK Sanctions List date designated: 2022-03-15",
    )


def test_2022_entity_and_ship(sample: ParsedRelease) -> None:
    company = by_id(sample, "90002")
    assert {n.value: n.kind for n in company.names} == {
        "URALSK PRECISION INSTRUMENTS JSC": NameKind.PRIMARY,
        "АО «Уральские точные приборы»": NameKind.NATIVE,
        "UPI JSC": NameKind.ALIAS,
        "URALSK INSTRUMENT WORKS": NameKind.FORMER,
    }
    assert company.addresses[0].full == (
        "Promyshlennaya ulitsa 7, Office 301, Yekaterinburg, 620100, Russia"
    )
    ship = by_id(sample, "90003")
    assert ship.schema == "Vessel"
    assert ship.caption == "NORDIC SPARROW"
    assert Identifier("imo", "9412345") in ship.identifiers
    assert ship.listings[0].listed_on == "2024-05-09"


def test_2022_enumerated_cells(sample: ParsedRelease) -> None:
    e = by_id(sample, "90004")
    assert e.birth_dates == ("1961-03",)  # "00/03/1961"
    assert e.birth_places == ("Damascus, Syria", "Beirut, Lebanon")
    nationalities = [c.code for c in e.countries if c.role == CountryRole.NATIONALITY]
    assert nationalities == ["sy", "lb"]
    assert [n.kind for n in e.names] == [NameKind.PRIMARY, NameKind.ALIAS, NameKind.WEAK_ALIAS]
    assert e.listings[0].listed_on == "2011-05-23"


def test_column_lists() -> None:
    assert len(LEGACY_COLUMNS) == 29 and len(OFSI_2022_COLUMNS) == 36
    header = SAMPLE_2022.read_text(encoding="utf-8").splitlines()[1]
    assert tuple(header.split(",")) == OFSI_2022_COLUMNS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00/00/1955", "1955"),
        ("00/06/1955", "1955-06"),
        ("17/08/1957", "1957-08-17"),
        ("31/02/1990", None),
        ("00/00/0000", None),
    ],
)
def test_hmt_date(text: str, expected: str | None) -> None:
    assert hmt_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(1) Tunisia (2) Italy (3) Tunisia", ["Tunisia", "Italy", "Tunisia"]),
        ("(1)-(2) Indonesia", ["Indonesia"]),
        ("(1) to (6) Algeria (7) Morocco", ["Algeria", "Morocco"]),
        ("1) Uzbek 2) Afghan", ["Uzbek", "Afghan"]),
        ("a) French, b) Tunisian", ["French", "Tunisian"]),
        ("Kuibyshev (Samara)", ["Kuibyshev (Samara)"]),
        ("-", []),
    ],
)
def test_split_enumerated(text: str, expected: list[str]) -> None:
    assert split_enumerated(text) == expected


# --- broken files ---------------------------------------------------------------------


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def drop_column(data: bytes, encoding: str, column: str) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode(encoding), newline="")))
    index = rows[1].index(column)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rows[0])
    writer.writerows(r[:index] + r[index + 1 :] for r in rows[1:])
    return out.getvalue().encode(encoding)


def test_truncated_files_name_the_line(legacy_file: Path, tmp_path: Path) -> None:
    data = legacy_file.read_bytes()
    for fraction in (2, 3):
        path = write(tmp_path, f"cut{fraction}.csv", data[: len(data) // fraction])
        with pytest.raises(SourceError) as info:
            parse_hmt_csv([path], DATASET)
        assert info.value.path == str(path)
        assert info.value.line is not None and info.value.line > 100


def test_header_with_a_column_removed(legacy_file: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path, "legacy.csv", drop_column(legacy_file.read_bytes(), "cp1252", "NI Number")
    )
    with pytest.raises(SourceError, match="missing 'NI Number'") as info:
        parse_hmt_csv([path], DATASET)
    assert info.value.line == 2
    path = write(
        tmp_path, "2022.csv", drop_column(SAMPLE_2022.read_bytes(), "utf-8", "Alias Quality")
    )
    with pytest.raises(SourceError, match=r"2022 ConList\.csv layout.*missing 'Alias Quality'"):
        parse_hmt_csv([path], DATASET)


def test_empty_file(tmp_path: Path) -> None:
    for name, data in (("empty.csv", b""), ("blank.csv", b"\r\n\r\n")):
        with pytest.raises(SourceError, match="empty"):
            parse_hmt_csv([write(tmp_path, name, data)], DATASET)


def test_header_only(legacy_file: Path, tmp_path: Path) -> None:
    head = b"\r\n".join(legacy_file.read_bytes().split(b"\r\n")[:2])
    with pytest.raises(SourceError, match="no data rows"):
        parse_hmt_csv([write(tmp_path, "head.csv", head)], DATASET)


def test_utf16_reencoded_file(legacy_file: Path, tmp_path: Path) -> None:
    text = legacy_file.read_bytes().decode("cp1252")
    path = write(tmp_path, "utf16.csv", text.encode("utf-16"))
    with pytest.raises(SourceError, match="UTF-16") as info:
        parse_hmt_csv([path], DATASET)
    assert info.value.line == 1


def test_other_lists_are_rejected(shared_lists: Path) -> None:
    for other in ("un-consolidated/consolidated.xml", "ofac-sdn/sdn.csv"):
        path = shared_lists / other
        with pytest.raises(SourceError, match="not an OFSI consolidated list") as info:
            parse_hmt_csv([path], DATASET)
        assert info.value.path == str(path) and info.value.line == 1


def test_row_problems_name_the_line(tmp_path: Path) -> None:
    lines = SAMPLE_2022.read_text(encoding="utf-8").splitlines()
    no_group = [*lines[:3], lines[3].rsplit(",", 1)[0] + ","]
    path = write(tmp_path, "nogroup.csv", "\n".join(no_group).encode("utf-8"))
    with pytest.raises(SourceError, match="without Group ID") as info:
        parse_hmt_csv([path], DATASET)
    assert info.value.line == 4
    odd_type = [*lines[:2], lines[2].replace(",Individual,", ",Aircraft,")]
    path = write(tmp_path, "type.csv", "\n".join(odd_type).encode("utf-8"))
    with pytest.raises(SourceError, match="unknown Group Type 'Aircraft'") as info:
        parse_hmt_csv([path], DATASET)
    assert info.value.line == 3
