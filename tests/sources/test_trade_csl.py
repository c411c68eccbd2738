"""trade.gov Consolidated Screening List: the 2022 full file and the 2025 sample."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from pathlib import Path

import pytest

from clearance.model import CountryRole, Entity, NameKind
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.trade_csl import LIST_NAMES, parse_trade_csl
from tests.sources.helpers import parse_fails

DATASET = "us_trade_csl"


def _csv_rows(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def full_path(shared_lists: Path) -> Path:
    return shared_lists / "trade-csl" / "consolidated.csv.gz"


@pytest.fixture(scope="module")
def sample_path(shared_lists: Path) -> Path:
    return shared_lists / "trade-csl-sample" / "consolidated.csv"


@pytest.fixture(scope="module")
def full(full_path: Path) -> ParsedRelease:
    return parse_trade_csl([full_path], DATASET)


@pytest.fixture(scope="module")
def full_rows(full_path: Path) -> list[dict[str, str]]:
    return _csv_rows(full_path)


@pytest.fixture(scope="module")
def by_id(full: ParsedRelease) -> dict[str, Entity]:
    return {e.id: e for e in full.entities}


def test_2022_one_entity_per_distinct_id(
    full: ParsedRelease, full_rows: list[dict[str, str]]
) -> None:
    ids = {f"{DATASET}:{row['_id']}" for row in full_rows}
    assert len(full_rows) == 14160
    assert len(full.entities) == len(ids)
    assert {e.id for e in full.entities} == ids
    # every row is one listing: rows sharing an OFAC ent_num are merged, not dropped
    assert sum(len(e.listings) for e in full.entities) == len(full_rows)
    assert full.published_at is None  # the file states no date


def test_2022_listings_per_source_list(
    full: ParsedRelease, full_rows: list[dict[str, str]]
) -> None:
    per_source = Counter(row["source"] for row in full_rows)
    per_list = Counter(lst.list_name for e in full.entities for lst in e.listings)
    assert (
        per_list["Entity List"] == per_source["Entity List (EL) - Bureau of Industry and Security"]
    )
    assert (
        per_list["SDN List"]
        == per_source["Specially Designated Nationals (SDN) - Treasury Department"]
    )
    assert sorted(per_list.values()) == sorted(per_source.values())
    assert not [w for w in full.warnings if "unknown source list" in w]


def test_empty_type_becomes_legal_entity(
    full: ParsedRelease, full_rows: list[dict[str, str]]
) -> None:
    untyped = {f"{DATASET}:{row['_id']}" for row in full_rows if not row["type"].strip()}
    assert untyped
    legal = {e.id for e in full.entities if e.schema == "LegalEntity"}
    assert legal == untyped
    schemata = Counter(e.schema for e in full.entities)
    persons = {row["_id"] for row in full_rows if row["type"] == "Individual"}
    assert schemata["Person"] == len(persons)


def test_entity_list_row_field_by_field(
    by_id: dict[str, Entity], full_rows: list[dict[str, str]]
) -> None:
    row = next(
        r for r in full_rows if r["name"] == "Hangzhou Hikvision Digital Technology Co., Ltd."
    )
    entity = by_id[f"{DATASET}:{row['_id']}"]
    assert entity.schema == "LegalEntity"
    assert entity.caption == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert [(n.value, n.kind) for n in entity.names[1:]] == [("Hikvision", NameKind.ALIAS)]
    (listing,) = entity.listings
    assert listing.authority == "US Commerce BIS"
    assert listing.list_name == "Entity List"
    assert listing.listed_on == "2019-10-09" == row["start_date"]
    assert listing.end_date is None
    assert listing.federal_register_notice == "84 FR 54002; 85 FR 44159"
    assert listing.license_requirement == row["license_requirement"].strip()
    assert "§744.11" in (listing.license_requirement or "")
    assert listing.license_policy == row["license_policy"].strip()
    assert (listing.license_policy or "").startswith("Case-by-case review for ECCNs 1A004.c")
    assert "presumption of denial" in (listing.license_policy or "")
    assert listing.source_url == row["source_list_url"]
    assert len(entity.addresses) == len(row["addresses"].split(";")) == 3
    assert (
        entity.addresses[0].full == "No. 555 Qianmo Road, Binjiang District, Hangzhou, 310052, CN"
    )
    assert {a.country for a in entity.addresses} == {"cn"}
    assert {(c.code, c.role) for c in entity.countries} == {("cn", CountryRole.ADDRESS)}
    assert entity.raw["name"] == row["name"]
    assert entity.raw["_id"] == row["_id"]


def test_person_row_with_ids(by_id: dict[str, Entity], full_rows: list[dict[str, str]]) -> None:
    row = next(r for r in full_rows if "K475336" in r["ids"])
    entity = by_id[f"{DATASET}:{row['_id']}"]
    assert entity.schema == "Person"
    passport = next(i for i in entity.identifiers if i.value == "K475336")
    assert passport.type == "passport"
    assert passport.country == "jo"
    # OFAC's sdn.csv: "Passport K475336 (Jordan) issued 31 Aug 2009 expires 30 Aug 2014"
    assert passport.note == "Passport; issued 2009-08-31; expires 2014-08-30"
    if "Male, Gender" in row["ids"]:
        assert entity.gender == "male"
    births = [d.strip() for d in row["dates_of_birth"].split(";") if d.strip()]
    assert set(entity.birth_dates) >= {d for d in births if len(d) == 10}


def test_cmic_row_identifiers_and_terms(
    by_id: dict[str, Entity], full_rows: list[dict[str, str]]
) -> None:
    row = next(
        r for r in full_rows if "Unified Social Credit Code" in r["ids"] and "CMIC" in r["source"]
    )
    entity = by_id[f"{DATASET}:{row['_id']}"]
    uscc = [i for i in entity.identifiers if i.type == "uscc"]
    assert uscc and uscc[0].value in row["ids"] and uscc[0].country == "cn"
    (listing,) = entity.listings
    assert listing.authority == "US Treasury OFAC"
    assert "CMIC-EO13959" in listing.programs
    assert any(note.startswith("Listing Date (CMIC): ") for note in listing.notes)


def test_party_on_several_treasury_lists_is_one_entity(
    by_id: dict[str, Entity], full_rows: list[dict[str, str]]
) -> None:
    ids = Counter(row["_id"] for row in full_rows)
    shared = next(i for i, n in ids.items() if n == 3)
    entity = by_id[f"{DATASET}:{shared}"]
    sources = [r["source"] for r in full_rows if r["_id"] == shared]
    assert len(entity.listings) == len(sources) == 3
    assert "SDN List" in entity.lists
    assert {lst.authority for lst in entity.listings} == {"US Treasury OFAC"}
    assert len(entity.raw["also_listed"]) == 2


def test_sample_2025_layout(sample_path: Path) -> None:
    rows = _csv_rows(sample_path)
    result = parse_trade_csl([sample_path], DATASET)
    assert len(result.entities) == len({r["_id"] for r in rows}) == 13
    assert result.warnings == []
    sources = {r["source"] for r in rows}
    assert len(sources) == 10
    lists = {(lst.authority, lst.list_name) for e in result.entities for lst in e.listings}
    assert len(lists) == 10
    assert {a for a, _ in lists} == {"US Commerce BIS", "US Treasury OFAC", "US State Department"}
    assert {n for _, n in lists} <= set(LIST_NAMES.values())

    by_id = {e.id: e for e in result.entities}
    rim = by_id[f"{DATASET}:52291"]  # ids written "Type, number, CC" in this layout
    assert rim.schema == "Person"
    assert rim.gender == "male"
    assert [(i.type, i.value, i.country) for i in rim.identifiers] == [
        ("passport", "836238033", "kp")
    ]
    assert rim.birth_dates == ("1978-12-05",)
    assert ("kp", CountryRole.NATIONALITY) in {(c.code, c.role) for c in rim.countries}
    assert any(n.startswith("Secondary sanctions risk: North Korea") for n in rim.listings[0].notes)

    tnk = by_id[f"{DATASET}:28603"]
    assert ("tax_id", "CHE-267.936.404", "ch") in {
        (i.type, i.value, i.country) for i in tnk.identifiers
    }

    meu = next(e for e in result.entities if e.lists == ("Military End User List",))
    assert meu.schema == "LegalEntity"
    assert meu.listings[0].federal_register_notice == "85 FR 83799"
    assert (meu.listings[0].license_requirement or "").startswith("For any item subject to the EAR")

    isn = next(e for e in result.entities if e.lists == ("Nonproliferation Sanctions",))
    assert isn.caption == "Sinobright Import and Export Company"
    assert isn.listings[0].listed_on == "2023-07-19"

    dpl = next(e for e in result.entities if e.lists == ("Denied Persons List",))
    assert "denies" in (dpl.listings[0].license_requirement or "")
    assert dpl.listings[0].end_date == "2056-06-29"


# --- broken input -----------------------------------------------------------------


def _fails(path: Path, *needles: str) -> SourceError:
    return parse_fails(parse_trade_csl, path, DATASET, *needles)


def test_cut_mid_row(sample_path: Path, tmp_path: Path) -> None:
    text = sample_path.read_text(encoding="utf-8")
    cut = text.index("Cesareo Estanislao") + 5  # inside a quoted field
    broken = tmp_path / "consolidated.csv"
    broken.write_text(text[:cut], encoding="utf-8")
    error = _fails(broken, "malformed record")
    assert error.line is not None and error.line > 1


def test_cut_outside_quotes(full_path: Path, tmp_path: Path) -> None:
    text = gzip.decompress(full_path.read_bytes()).decode("utf-8")
    line_start = text.index("\n21944,") + 1
    broken = tmp_path / "consolidated.csv"
    broken.write_text(text[: line_start + 60], encoding="utf-8")
    error = _fails(broken, "fields but the header has 29")
    assert error.line == 3


def test_truncated_gzip(full_path: Path, tmp_path: Path) -> None:
    data = full_path.read_bytes()
    broken = tmp_path / "consolidated.csv.gz"
    broken.write_bytes(data[: len(data) // 2])
    _fails(broken, "gzip")


def test_required_column_removed(sample_path: Path, tmp_path: Path) -> None:
    rows = _csv_rows(sample_path)
    columns = [c for c in rows[0] if c != "license_policy"]
    broken = tmp_path / "consolidated.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    error = _fails(broken, "license_policy")
    assert error.line == 1


def test_utf16(sample_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "consolidated.csv"
    broken.write_bytes(sample_path.read_text(encoding="utf-8").encode("utf-16"))
    assert _fails(broken, "utf-8").line == 1


def test_empty(tmp_path: Path) -> None:
    empty = tmp_path / "consolidated.csv"
    empty.write_bytes(b"")
    _fails(empty, "empty")


def test_header_only(sample_path: Path, tmp_path: Path) -> None:
    header_only = tmp_path / "consolidated.csv"
    header_only.write_text(sample_path.read_text(encoding="utf-8").splitlines()[0] + "\n")
    _fails(header_only, "no records")


@pytest.mark.parametrize(
    "other", ["bis-dpl/dpl.txt", "ofac-sdn/sdn.csv", "fcc-covered-list/table.csv"]
)
def test_other_lists_rejected(shared_lists: Path, other: str) -> None:
    error = _fails(shared_lists / other, "not a trade.gov Consolidated Screening List", "source")
    assert error.line == 1
