"""BIS Denied Persons List (dpl.txt, tab-delimited)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clearance.model import CountryRole, NameKind
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.bis_dpl import parse_bis_dpl
from tests.sources.helpers import parse_fails

DATASET = "us_bis_dpl"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def dpl_path(shared_lists: Path) -> Path:
    return shared_lists / "bis-dpl" / "dpl.txt"


@pytest.fixture(scope="module")
def parsed(dpl_path: Path) -> ParsedRelease:
    return parse_bis_dpl([dpl_path], DATASET)


def test_counts_and_unique_ids(parsed: ParsedRelease, dpl_path: Path) -> None:
    rows = _rows(dpl_path)
    assert len(rows) == 665
    distinct_rows = {tuple(r.values()) for r in rows}  # two rows are verbatim repeats
    assert len(parsed.entities) == len(distinct_rows) == 663
    ids = [e.id for e in parsed.entities]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(f"{DATASET}:") for i in ids)
    assert sum("exact repeat" in w for w in parsed.warnings) == len(rows) - len(distinct_rows)
    assert {e.schema for e in parsed.entities} == {"LegalEntity"}


def test_ids_are_stable(parsed: ParsedRelease, dpl_path: Path) -> None:
    again = parse_bis_dpl([dpl_path], DATASET)
    assert [e.id for e in again.entities] == [e.id for e in parsed.entities]


def test_published_at_is_latest_real_update(parsed: ParsedRelease, dpl_path: Path) -> None:
    updates = [r["Last_Update"] for r in _rows(dpl_path)]
    # BIS typos ("3033-09-30", "1023-11-01") are not publication dates
    assert max(updates) == "3033-09-30"
    assert parsed.published_at == max(u for u in updates if u.startswith("20")) == "2023-11-28"
    assert any("3033-09-30" in w for w in parsed.warnings)


def test_row_field_by_field(parsed: ParsedRelease, dpl_path: Path) -> None:
    row = next(r for r in _rows(dpl_path) if r["Name"] == "AARON ABRAHAM VILLA")
    entity = next(e for e in parsed.entities if e.caption == "AARON ABRAHAM VILLA")
    assert entity.schema == "LegalEntity"
    (listing,) = entity.listings
    assert listing.authority == "US Commerce BIS"
    assert listing.list_name == "Denied Persons List"
    assert listing.listed_on == "2022-08-24"  # Effective_Date 08/24/2022
    assert listing.end_date == "2026-01-14"  # Expiration_Date 01/14/2026
    assert listing.federal_register_notice == row["FR_Citation"] == "87 F.R. 52741 8/29/2022"
    requirement = listing.license_requirement or ""
    assert "denial order denies" in requirement and "export privileges" in requirement
    assert "Federal Register" in (listing.license_policy or "")
    (address,) = entity.addresses
    assert address.street == "3415 RIVERA AVENUE"
    assert address.city == "EL PASO"
    assert address.region == "TX"
    assert address.postal_code == "79905"
    assert address.country is None  # the row leaves Country empty; nothing is inferred
    assert entity.raw == {k: v for k, v in row.items() if v}


def test_foreign_address_country(parsed: ParsedRelease, dpl_path: Path) -> None:
    row = next(r for r in _rows(dpl_path) if r["Country"] == "AE")
    entity = next(
        e
        for e in parsed.entities
        if e.raw["Name"] == row["Name"].strip() and e.raw["Street_Address"] == row["Street_Address"]
    )
    assert ("ae", CountryRole.ADDRESS) in {(c.code, c.role) for c in entity.countries}


def test_inline_alias(parsed: ParsedRelease) -> None:
    entity = next(e for e in parsed.entities if e.raw["Name"] == "PEARL (A.K.A. NEI-CHIEN CHU) LI")
    assert [(n.value, n.kind) for n in entity.names] == [
        ("PEARL LI", NameKind.PRIMARY),
        ("NEI-CHIEN CHU", NameKind.ALIAS),
    ]


def test_nonstandard_order(parsed: ParsedRelease) -> None:
    entity = next(e for e in parsed.entities if e.raw.get("Standard_Order") == "N")
    assert "not use the standard terms" in (entity.listings[0].license_requirement or "")


# --- broken input -----------------------------------------------------------------


def _fails(path: Path, *needles: str) -> SourceError:
    return parse_fails(parse_bis_dpl, path, DATASET, *needles)


def test_cut_mid_row(dpl_path: Path, tmp_path: Path) -> None:
    text = dpl_path.read_text(encoding="utf-8")
    cut = text.index("3415 RIVERA") + 4  # inside a quoted field
    broken = tmp_path / "dpl.txt"
    broken.write_text(text[:cut], encoding="utf-8")
    error = _fails(broken, "malformed record starting at line 3")
    assert error.line is not None


def test_cut_between_fields(dpl_path: Path, tmp_path: Path) -> None:
    text = dpl_path.read_text(encoding="utf-8")
    cut = text.index('"EL PASO"') + len('"EL PASO"')
    broken = tmp_path / "dpl.txt"
    broken.write_text(text[:cut] + "\n", encoding="utf-8")
    assert _fails(broken, "3 fields but the header has 12").line == 3


def test_column_removed(dpl_path: Path, tmp_path: Path) -> None:
    rows = _rows(dpl_path)
    columns = [c for c in rows[0] if c != "Effective_Date"]
    broken = tmp_path / "dpl.txt"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter="\t", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    assert _fails(broken, "Effective_Date").line == 1


def test_utf16(dpl_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "dpl.txt"
    broken.write_bytes(dpl_path.read_text(encoding="utf-8").encode("utf-16"))
    assert _fails(broken).line == 1


def test_utf16_without_bom(dpl_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "dpl.txt"
    broken.write_bytes(dpl_path.read_text(encoding="utf-8").encode("utf-16-le"))
    assert _fails(broken, "NUL").line == 1


def test_empty(tmp_path: Path) -> None:
    empty = tmp_path / "dpl.txt"
    empty.write_text("  \n")
    _fails(empty, "empty")


@pytest.mark.parametrize(
    "other",
    ["trade-csl-sample/consolidated.csv", "trade-csl/consolidated.csv.gz", "ofac-sdn/sdn.csv"],
)
def test_other_lists_rejected(shared_lists: Path, other: str) -> None:
    error = _fails(shared_lists / other, "not a BIS Denied Persons List", "Street_Address")
    assert error.line == 1
