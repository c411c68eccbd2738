"""FollowTheMoney JSON lines (OpenSanctions exports)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clearance.model import CountryRole, NameKind
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.ftm import parse_ftm

SCREENABLE = {
    "Person",
    "Organization",
    "Company",
    "LegalEntity",
    "PublicBody",
    "Vessel",
    "Airplane",
}


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def eu_path(shared_lists: Path) -> Path:
    return shared_lists / "opensanctions-ftm-eu_fsf-sample" / "entities.ftm.json"


@pytest.fixture(scope="module")
def zala_path(shared_lists: Path) -> Path:
    return shared_lists / "opensanctions-ftm-zala-sample" / "entities.ftm.json"


@pytest.fixture(scope="module")
def eu(eu_path: Path) -> ParsedRelease:
    return parse_ftm([eu_path], "eu_fsf")


@pytest.fixture(scope="module")
def zala(zala_path: Path) -> ParsedRelease:
    return parse_ftm([zala_path], "sanctions")


@pytest.mark.parametrize("which", ["eu", "zala"])
def test_counts_ids_and_published_at(
    which: str, request: pytest.FixtureRequest, eu_path: Path, zala_path: Path
) -> None:
    parsed: ParsedRelease = request.getfixturevalue(which)
    dataset, path = ("eu_fsf", eu_path) if which == "eu" else ("sanctions", zala_path)
    records = _lines(path)
    screenable = [r for r in records if r["schema"] in SCREENABLE]
    assert len(parsed.entities) == len(screenable)
    assert [e.id for e in parsed.entities] == [f"{dataset}:{r['id']}" for r in screenable]
    stamps = [r[k] for r in records for k in ("last_change", "last_seen") if k in r]
    assert parsed.published_at == max(stamps)
    for entity, record in zip(parsed.entities, screenable, strict=True):
        assert entity.raw == record


def test_eu_counts_measured(eu: ParsedRelease, zala: ParsedRelease) -> None:
    assert len(eu.entities) == 6 and eu.published_at == "2024-06-01T10:57:03"
    assert len(zala.entities) == 17 and zala.published_at == "2026-04-29T12:53:04"


def test_organization_field_by_field(eu: ParsedRelease, eu_path: Path) -> None:
    record = next(r for r in _lines(eu_path) if r["id"] == "NK-2GdmHtZTeNXjNVrBGEXZNj")
    entity = next(e for e in eu.entities if e.id == "eu_fsf:NK-2GdmHtZTeNXjNVrBGEXZNj")
    assert entity.schema == "Organization"
    assert entity.caption == record["caption"] == "RAB „Inter Tobacco“"
    assert {n.value for n in entity.names} == set(record["properties"]["name"])
    assert {n.kind for n in entity.names} == {NameKind.PRIMARY}
    assert [(c.code, c.role) for c in entity.countries] == [("by", CountryRole.OTHER)]
    assert [(i.type, i.value) for i in entity.identifiers] == [("registration", "808000714")]
    assert "Belarus (Minsk Free Economic Zone)" in entity.remarks
    assert "FtM topics: sanction" in entity.remarks
    # No Sanction record in this sample: the listing comes from the entity's datasets.
    (listing,) = entity.listings
    assert (listing.authority, listing.list_name) == ("OpenSanctions", "eu_fsf")


def test_person_field_by_field(eu: ParsedRelease, eu_path: Path) -> None:
    record = next(r for r in _lines(eu_path) if r["caption"] == "Vitaly Yurievich KUZMENKO")
    entity = next(e for e in eu.entities if e.id == f"eu_fsf:{record['id']}")
    assert entity.schema == "Person"
    assert entity.caption == "Vitaly Yurievich KUZMENKO"
    assert entity.birth_dates == ("1971-01-22",)
    assert entity.gender == "male"
    assert (entity.countries[0].code, entity.countries[0].role) == ("ru", CountryRole.NATIONALITY)
    assert [(i.type, i.value, i.note) for i in entity.identifiers] == [
        ("tax_id", "366510784303", "taxNumber")
    ]
    assert entity.titles == ("General Director of JSC 163 Armor Repair Plant",)


def test_sanctions_become_listings(zala: ParsedRelease, zala_path: Path) -> None:
    records = _lines(zala_path)
    person_id = "NK-aU5ybkbRFJucf8YMwsJvDw"  # Alexander Vyacheslavovich ZAKHAROV
    sanctions = [
        r
        for r in records
        if r["schema"] == "Sanction" and person_id in r["properties"].get("entity", [])
    ]
    entity = next(e for e in zala.entities if e.id == f"sanctions:{person_id}")
    assert len(sanctions) == 13
    assert {lst.list_name for lst in entity.listings} == {s["datasets"][0] for s in sanctions}
    # two of the 13 Sanction records differ only in fields a Listing does not carry
    assert len(entity.listings) == 12
    ofac = next(lst for lst in entity.listings if lst.list_name == "us_ofac_sdn")
    assert ofac.authority == "Office of Foreign Assets Control"
    assert "RUSSIA-EO14024" in ofac.programs
    nsdc = next(lst for lst in entity.listings if lst.list_name == "ua_nsdc_sanctions")
    assert (nsdc.listed_on, nsdc.end_date) == ("2023-07-01", "2033-07-01")
    assert entity.birth_dates == ("1965-09-21",)
    roles = {c.role for c in entity.countries}
    assert {CountryRole.NATIONALITY, CountryRole.CITIZENSHIP, CountryRole.ADDRESS} <= roles
    assert any(a.city == "Izhevsk" and a.country == "ru" for a in entity.addresses)
    kinds = {n.kind for n in entity.names}
    assert kinds == {NameKind.PRIMARY, NameKind.ALIAS}


def test_relations_and_unattached(zala: ParsedRelease, zala_path: Path) -> None:
    father = next(e for e in zala.entities if e.id == "sanctions:NK-aU5ybkbRFJucf8YMwsJvDw")
    targets = {(r.kind, r.target) for r in father.relations}
    assert ("director of (Leader or official of)", "LLC CST") in targets
    assert ("family member of", "Nikita Aleksandrovich Zakharov") in targets
    records = _lines(zala_path)
    passports = [r for r in records if r["schema"] == "Passport"]
    assert len(passports) == 1 and "number" not in passports[0]["properties"]
    assert any(w.startswith("1 Passport record") for w in zala.warnings)
    son = next(e for e in zala.entities if e.caption == "Lavrentiy Aleksandrovich ZAKHAROV")
    assert ("passport", "089132114") in {(i.type, i.value) for i in son.identifiers}


def test_previous_names_and_weak_aliases(zala: ParsedRelease) -> None:
    osetrova = next(e for e in zala.entities if e.caption == "Maria Aleksandrovna Osetrova")
    former = {n.value for n in osetrova.names if n.kind == NameKind.FORMER}
    assert former == {"Maria Aleksandrovna Zakharova", "Мария Александровна Захарова"}
    assert osetrova.names[0].value == "Maria Aleksandrovna Osetrova"  # caption first
    weak = [e for e in zala.entities if any(n.kind == NameKind.WEAK_ALIAS for n in e.names)]
    assert weak  # Company weakAlias / abbreviation values


def _write_lines(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_other_schemata_and_documents(tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path,
        [
            {
                "id": "plane-1",
                "schema": "Airplane",
                "properties": {
                    "name": ["Test Jet"],
                    "registrationNumber": ["EW-001"],
                    "serialNumber": ["1234"],
                },
            },
            {
                "id": "ship-1",
                "schema": "Vessel",
                "properties": {"name": ["Test Ship"], "imoNumber": ["9000001"], "flag": ["pa"]},
            },
            {"id": "body-1", "schema": "PublicBody", "properties": {"name": ["Test Ministry"]}},
            {
                "id": "id-1",
                "schema": "Identification",
                "properties": {"holder": ["body-1"], "number": ["X-1"], "country": ["kp"]},
            },
            {
                "id": "w-1",
                "schema": "CryptoWallet",
                "properties": {"holder": ["ship-1"], "publicKey": ["0xabc"]},
            },
            {"id": "pos-1", "schema": "Position", "properties": {"name": ["Minister"]}},
        ],
    )
    parsed = parse_ftm([path], "t")
    by_id = {e.id: e for e in parsed.entities}
    assert set(by_id) == {"t:plane-1", "t:ship-1", "t:body-1"}
    plane = by_id["t:plane-1"]
    assert plane.schema == "Aircraft"
    assert {(i.type, i.value) for i in plane.identifiers} == {
        ("aircraft_tail", "EW-001"),
        ("aircraft_serial", "1234"),
    }
    ship = by_id["t:ship-1"]
    assert ship.schema == "Vessel" and ("crypto_wallet", "0xabc") in {
        (i.type, i.value) for i in ship.identifiers
    }
    assert (ship.countries[0].code, ship.countries[0].role) == ("pa", CountryRole.FLAG)
    body = by_id["t:body-1"]
    assert body.schema == "Organization"
    assert [(i.type, i.value, i.country) for i in body.identifiers] == [
        ("national_id", "X-1", "kp")
    ]
    assert body.listings == ()  # not a target, no Sanction: not said to be listed
    assert parsed.warnings == [
        "1 Position record(s) attach to no screenable party in the file or cannot be screened; "
        "skipped"
    ]
    assert parsed.published_at is None


def _copy_with(path: Path, tmp_path: Path, line_no: int, replacement: str) -> Path:
    lines = path.read_text("utf-8").splitlines()
    lines[line_no - 1] = replacement
    out = tmp_path / "broken.ftm.json"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_bad_json_names_line(zala_path: Path, tmp_path: Path) -> None:
    lines = zala_path.read_text("utf-8").splitlines()
    broken = _copy_with(zala_path, tmp_path, 5, lines[4][: len(lines[4]) // 2])
    with pytest.raises(SourceError) as err:
        parse_ftm([broken], "x")
    assert err.value.path == str(broken) and err.value.line == 5
    assert "not valid JSON" in str(err.value)


def test_truncated_file(zala_path: Path, tmp_path: Path) -> None:
    data = zala_path.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError) as err:
        parse_ftm([cut], "x")
    assert err.value.line == data[: len(data) // 2].count(b"\n") + 1


def test_structurally_wrong_records(eu_path: Path, tmp_path: Path) -> None:
    cases = {
        "[1, 2]": "not a JSON object",
        '{"schema": "Person", "properties": {}}': "without 'id'",
        '{"id": "a", "schema": "Dragon", "properties": {}}': "not a valid FtM entity",
        '{"id": "a", "schema": "Person", "properties": {"name": "Bob"}}': "lists of strings",
    }
    for replacement, problem in cases.items():
        broken = _copy_with(eu_path, tmp_path, 3, replacement)
        with pytest.raises(SourceError) as err:
            parse_ftm([broken], "x")
        assert err.value.line == 3 and problem in str(err.value), replacement


def test_empty_utf16_and_wrong_file(eu_path: Path, shared_lists: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"\n\n")
    with pytest.raises(SourceError, match="empty"):
        parse_ftm([empty], "x")
    utf16 = tmp_path / "u16.json"
    utf16.write_bytes(eu_path.read_text("utf-8").encode("utf-16"))
    with pytest.raises(SourceError) as err:
        parse_ftm([utf16], "x")
    assert err.value.line == 1
    csv_file = shared_lists / "fcc-covered-list" / "table.csv"
    with pytest.raises(SourceError) as err:
        parse_ftm([csv_file], "x")
    assert err.value.line == 1 and "not valid JSON" in str(err.value)


def test_repeated_id_names_both_lines(eu_path: Path, tmp_path: Path) -> None:
    lines = eu_path.read_text("utf-8").splitlines()
    broken = _copy_with(eu_path, tmp_path, 6, lines[1])
    with pytest.raises(SourceError) as err:
        parse_ftm([broken], "x")
    assert err.value.line == 6 and "first on line 2" in str(err.value)
