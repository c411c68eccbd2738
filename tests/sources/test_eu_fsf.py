"""EU Financial Sanctions Files XML export.

No official FSF file is among the shared snapshots, so these tests read
tests/fixtures/eu_fsf_sample.xml: HAND-WRITTEN for these tests (fictional parties),
following the structure of the FSF "xmlFullSanctionsList_1_1" export.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from clearance.model import Address, Country, CountryRole, Entity, Identifier, NameKind
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.eu_fsf import NAMESPACES, parse_eu_fsf

DATASET = "eu_fsf"
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "eu_fsf_sample.xml"
NS = {"fsf": NAMESPACES[0]}


@pytest.fixture(scope="module")
def release() -> ParsedRelease:
    return parse_eu_fsf([SAMPLE], DATASET)


def by_id(release: ParsedRelease, logical_id: str) -> Entity:
    matches = [e for e in release.entities if e.id == f"{DATASET}:{logical_id}"]
    assert len(matches) == 1
    return matches[0]


def test_counts_match_an_independent_xpath_count(release: ParsedRelease) -> None:
    root = etree.parse(str(SAMPLE)).getroot()
    ids = root.xpath("/fsf:export/fsf:sanctionEntity/@logicalId", namespaces=NS)
    assert len(ids) == 4
    assert [e.id for e in release.entities] == [f"{DATASET}:{i}" for i in ids]
    persons = root.xpath("count(//fsf:subjectType[@code='person'])", namespaces=NS)
    assert [e.schema for e in release.entities].count("Person") == persons
    assert release.published_at == root.get("generationDate")[:10] == "2024-06-14"
    assert release.warnings == []


def test_person_with_latin_and_cyrillic_names(release: ParsedRelease) -> None:
    e = by_id(release, "90101")
    assert e.schema == "Person"
    assert [(n.value, n.kind, n.lang, n.script) for n in e.names] == [
        ("Pavel Sergeyevich VOLKOV", NameKind.PRIMARY, None, "Latin"),
        ("Павел Сергеевич ВОЛКОВ", NameKind.ALIAS, "ru", "Cyrillic"),
        ("Pavel Sergeevich VOLKOFF", NameKind.ALIAS, None, "Latin"),
        ("Volk", NameKind.WEAK_ALIAS, None, "Latin"),  # strong="false"
    ]
    assert e.gender == "male"
    assert e.titles == ("Deputy Director General of Uralsk Precision Instruments JSC",)
    assert e.birth_dates == ("1968-07-14", "1969")
    assert e.birth_places == ("Yekaterinburg, Sverdlovsk Oblast, RUSSIAN FEDERATION",)
    assert set(e.countries) == {
        Country("ru", CountryRole.CITIZENSHIP),
        Country("ru", CountryRole.BIRTH),
        Country("ru", CountryRole.ADDRESS),
    }
    assert e.identifiers == (
        Identifier("passport", "751234567", "ru", "National passport"),
        Identifier(
            "national_id", "6604 123456", "ru", "National identification card; internal passport"
        ),
    )
    assert e.addresses == (
        Address(
            "ul. Lenina 12, Yekaterinburg, Sverdlovsk Oblast, 620014, RUSSIAN FEDERATION",
            country="ru",
            street="ul. Lenina 12",
            city="Yekaterinburg",
            postal_code="620014",
            region="Sverdlovsk Oblast",
        ),
    )
    (listing,) = e.listings
    assert listing.authority == "European Union"
    assert listing.list_name == "EU Financial Sanctions Files (FSF)"
    assert listing.programs == ("UKR",)
    assert listing.listed_on == "2022-03-15"  # designationDate
    assert listing.source_url == (
        "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32022R0427"
    )
    assert listing.notes == (
        "EU reference number: EU.9901.11",
        "Regulation 2022/427 (OJ L87) of 2022-03-15",
        "Regulation 2023/1765 (OJ L226) of 2023-09-13",
    )
    assert e.remarks == (
        "Fictional test record. Deputy Director General of Uralsk Precision Instruments JSC.",
    )
    assert e.raw["euReferenceNumber"] == "EU.9901.11"
    assert "regulationSummary" not in json.dumps(e.raw)


def test_enterprise_with_registry_numbers_and_contacts(release: ParsedRelease) -> None:
    e = by_id(release, "90102")
    assert e.schema == "Organization"
    assert e.caption == "Joint Stock Company Uralsk Precision Instruments"
    assert ("АО «Уральские точные приборы»", NameKind.ALIAS, "ru") in [
        (n.value, n.kind, n.lang) for n in e.names
    ]
    assert e.identifiers == (
        Identifier("registration", "1026600000001", "ru", "Registration Number; OGRN"),
        Identifier("tax_id", "6600000001", "ru", "Fiscal Code; INN"),
        Identifier("phone", "+7 343 000 0000"),
        Identifier("website", "www.upi-jsc.example"),
    )
    assert e.birth_dates == () and e.gender is None
    assert e.listings[0].listed_on == "2023-02-25"


def test_un_derived_person(release: ParsedRelease) -> None:
    e = by_id(release, "90103")
    kinds = {n.value: (n.kind, n.lang) for n in e.names}
    assert kinds == {
        "Karim Haddad": (NameKind.PRIMARY, None),
        "كريم حداد": (NameKind.ALIAS, "ar"),
        "Abu Samir": (NameKind.WEAK_ALIAS, None),  # strong, but remark "low quality alias"
    }
    assert e.titles == ("Sheikh",)
    assert e.birth_dates == ("1961-03",)  # year and month only
    citizenships = [c.code for c in e.countries if c.role == CountryRole.CITIZENSHIP]
    assert citizenships == ["sy", "lb"]
    assert e.identifiers == (
        Identifier("passport", "N0012345", "sy", "Diplomatic passport; diplomatic; knownExpired"),
    )
    assert e.addresses == ()  # the UNKNOWN address only carries a remark
    assert "Believed to reside in the border area, as at 2015." in e.remarks
    (listing,) = e.listings
    assert listing.programs == ("AQL",)
    assert listing.listed_on == "2015-09-25"  # no designationDate: the regulation's date
    assert "UN reference number: QDi.999" in listing.notes


def test_weak_alias_and_email(release: ParsedRelease) -> None:
    e = by_id(release, "90104")
    assert [(n.value, n.kind) for n in e.names] == [
        ("Northern Lantern Public Security Bureau", NameKind.PRIMARY),
        ("NLPSB", NameKind.WEAK_ALIAS),
    ]
    assert e.identifiers == (Identifier("email", "office@nlpsb.example"),)
    assert e.addresses[0].country == "cn"
    assert e.listings[0].programs == ("CHR",)


def test_eu_namespace_spelling_is_accepted(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(NAMESPACES[0], NAMESPACES[1])
    path = tmp_path / "eu.xml"
    path.write_text(text, encoding="utf-8")
    assert len(parse_eu_fsf([path], DATASET).entities) == 4


# --- broken files -----------------------------------------------------------------------


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def broken_sample(tmp_path: Path, old: str, new: str) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path, "broken.xml", text.replace(old, new, 1).encode("utf-8"))


def test_truncated_file(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    path = write(tmp_path, "cut.xml", data[: len(data) // 2])
    with pytest.raises(SourceError, match="malformed XML") as info:
        parse_eu_fsf([path], DATASET)
    assert info.value.path == str(path) and info.value.line is not None


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty"):
        parse_eu_fsf([write(tmp_path, "empty.xml", b"")], DATASET)


def test_utf16_reencoded_file(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    path = write(tmp_path, "utf16.xml", text.encode("utf-16"))
    with pytest.raises(SourceError, match="UTF-16") as info:
        parse_eu_fsf([path], DATASET)
    assert info.value.line == 1


def test_other_lists_are_rejected(shared_lists: Path) -> None:
    for other in ("un-consolidated/consolidated.xml", "ofac-consolidated-xml/consolidated.xml"):
        path = shared_lists / other
        with pytest.raises(SourceError, match="not the EU FSF export") as info:
            parse_eu_fsf([path], DATASET)
        assert info.value.path == str(path) and info.value.line is not None
    csv_file = shared_lists / "ofac-sdn" / "sdn.csv"
    with pytest.raises(SourceError):
        parse_eu_fsf([csv_file], DATASET)


def test_export_in_a_foreign_namespace(tmp_path: Path) -> None:
    path = broken_sample(tmp_path, f'xmlns="{NAMESPACES[0]}"', 'xmlns="http://example.org/x"')
    with pytest.raises(SourceError, match="expected <export> in namespace"):
        parse_eu_fsf([path], DATASET)


def test_entity_problems_name_the_element(tmp_path: Path) -> None:
    path = broken_sample(tmp_path, 'logicalId="90102"', 'logicalId=""')
    with pytest.raises(SourceError, match="without logicalId") as info:
        parse_eu_fsf([path], DATASET)
    assert info.value.element == "sanctionEntity" and info.value.line is not None
    path = broken_sample(tmp_path, 'code="enterprise"', 'code="vessel"')
    with pytest.raises(SourceError, match="unknown subjectType code 'vessel'"):
        parse_eu_fsf([path], DATASET)
    path = broken_sample(tmp_path, 'logicalId="90104"', 'logicalId="90101"')
    with pytest.raises(SourceError, match="logicalId 90101 appears twice"):
        parse_eu_fsf([path], DATASET)


def test_export_without_entities(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "none.xml",
        f'<export xmlns="{NAMESPACES[0]}" generationDate="2024-01-01T00:00:00+01:00"/>'.encode(),
    )
    with pytest.raises(SourceError, match="no sanctionEntity"):
        parse_eu_fsf([path], DATASET)
