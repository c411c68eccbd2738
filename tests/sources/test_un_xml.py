"""UN Security Council consolidated.xml: the real published file, and broken copies of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from clearance.model import Address, Country, CountryRole, Entity, Identifier, NameKind
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.un_xml import parse_un_xml

DATASET = "un_sc_sanctions"


@pytest.fixture(scope="module")
def un_file(shared_lists: Path) -> Path:
    return shared_lists / "un-consolidated" / "consolidated.xml"


@pytest.fixture(scope="module")
def un_tree(un_file: Path) -> etree._Element:
    return etree.parse(str(un_file)).getroot()


@pytest.fixture(scope="module")
def release(un_file: Path) -> ParsedRelease:
    return parse_un_xml([un_file], DATASET)


def by_id(release: ParsedRelease, dataid: str) -> Entity:
    matches = [e for e in release.entities if e.id == f"{DATASET}:{dataid}"]
    assert len(matches) == 1
    return matches[0]


def test_counts_match_an_independent_xpath_count(
    release: ParsedRelease, un_tree: etree._Element
) -> None:
    individuals = un_tree.xpath("count(/CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL)")
    entities = un_tree.xpath("count(/CONSOLIDATED_LIST/ENTITIES/ENTITY)")
    assert (individuals, entities) == (732, 272)  # as MANIFEST.md states for this snapshot
    schemas = [e.schema for e in release.entities]
    assert schemas.count("Person") == individuals
    assert schemas.count("Organization") == entities
    dataids = {f"{DATASET}:{x}" for x in un_tree.xpath("//DATAID/text()")}
    assert {e.id for e in release.entities} == dataids
    assert len(release.entities) == len(dataids)


def test_published_at_is_date_generated(release: ParsedRelease, un_tree: etree._Element) -> None:
    assert release.published_at == un_tree.get("dateGenerated")[:10] == "2026-03-28"


def test_individual_with_native_name_and_passport(release: ParsedRelease) -> None:
    e = by_id(release, "6908833")
    assert e.schema == "Person"
    assert e.caption == "JAMAL HUSSEIN HASSAN ZEINIYE"
    native = [n for n in e.names if n.kind == NameKind.NATIVE]
    assert [(n.value, n.script) for n in native] == [("جمال حسين حسن زينيه", "Arabic")]
    assert ("Jamal Husayn Zayniyah", NameKind.ALIAS) in [(n.value, n.kind) for n in e.names]
    weak = {n.value for n in e.names if n.kind == NameKind.WEAK_ALIAS}
    assert weak == {
        "Abu Malek El Talleh",
        "Abu Hussein",
        "abu-Malik al-Ansari",
        "Abu-Malik al-Shami",
        "Abu-Malik al-Talli",
    }
    assert e.gender == "male"
    assert e.birth_dates == ("1972-08-17", "1972-01-01")
    assert e.birth_places == (
        "Benghazi, Libya",
        "Al Tall, Syrian Arab Republic",
        "Tell Mnin, Syrian Arab Republic",
    )
    assert Country("sy", CountryRole.NATIONALITY) in e.countries
    assert Country("ly", CountryRole.BIRTH) in e.countries
    assert e.identifiers[0] == Identifier("passport", "3987189", "sy", "Passport")
    assert Identifier("national_id", "13080011550", None, "National Identification Number") in (
        e.identifiers
    )
    assert Address("Arsal, Bekaa, Lebanon", "lb", None, "Arsal", None, "Bekaa") in e.addresses
    (listing,) = e.listings
    assert listing.authority == "UN Security Council"
    assert listing.list_name == "UN Security Council Consolidated List"
    assert listing.programs == ("Al-Qaida",)
    assert listing.listed_on == "2020-10-08"
    assert listing.notes == ("UN reference number: QDi.428",)
    assert e.remarks[0].startswith("Leader of AL-NUSRAH FRONT FOR THE PEOPLE OF THE LEVANT")
    assert e.raw["REFERENCE_NUMBER"] == "QDi.428"


def test_entity_with_aliases_and_addresses(release: ParsedRelease) -> None:
    e = by_id(release, "6908605")
    assert e.schema == "Organization"
    assert e.caption == "SELSELAT AL-THAHAB"
    assert [n.value for n in e.names if n.kind == NameKind.NATIVE] == ["سلسلة الذهب للصرافة"]
    aliases = [n.value for n in e.names if n.kind == NameKind.ALIAS]
    assert aliases == [
        "Silsilet al Thahab",
        "Selselat al Thahab For Money Exchange",
        "Silsilat Money Exchange Company",
        "Silsilah Money Exchange Company",
        "Al Silsilah al Dhahaba",
        "Silsalat al Dhab",
    ]
    assert [a.full for a in e.addresses] == [
        "Al-Kadhumi Complex, Al-Harthia, Baghdad, Iraq",
        "Al-Abbas Street, Karbala, Iraq",
    ]
    assert {a.country for a in e.addresses} == {"iq"}
    assert e.listings[0].programs == ("Al-Qaida",)
    assert e.listings[0].listed_on == "2017-07-20"
    assert e.listings[0].notes == ("UN reference number: QDe.154",)
    assert e.birth_dates == () and e.gender is None


def test_designation_and_title_become_titles(release: ParsedRelease) -> None:
    e = by_id(release, "6907995")
    assert e.titles == (
        "FDLR Interim President",
        "FDLR-FOCA 1st Vice-President",
        "FDLR-FOCA Major General",
    )
    assert e.birth_dates == ("1948",)
    assert "Musanze District, Northern Province, Rwanda" in e.birth_places


def test_birth_year_range_lists_each_year(release: ParsedRelease) -> None:
    assert by_id(release, "6908021").birth_dates[:2] == ("1973", "1974")


def test_listed_on_with_time_zone_suffix(release: ParsedRelease) -> None:
    # The file writes LISTED_ON "2015-04-07-04:00" for this record.
    assert by_id(release, "6908452").listed_on == "2015-04-07"


def test_fka_alias_is_a_former_name(release: ParsedRelease, un_tree: etree._Element) -> None:
    fka = un_tree.xpath("//ENTITY[ENTITY_ALIAS/QUALITY='f.k.a.']")[0]
    expected = {
        " ".join(a.findtext("ALIAS_NAME").split())
        for a in fka.findall("ENTITY_ALIAS")
        if a.findtext("QUALITY") == "f.k.a."
    }
    e = by_id(release, fka.findtext("DATAID"))
    assert {n.value for n in e.names if n.kind == NameKind.FORMER} == expected


def test_every_entity_is_json_serialisable_with_listing(release: ParsedRelease) -> None:
    for e in release.entities:
        json.dumps(e.to_dict(), ensure_ascii=False)
        assert e.listings and e.listings[0].programs
        assert e.names[0].kind == NameKind.PRIMARY
    assert release.warnings == []


# --- broken files -----------------------------------------------------------------------


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_truncated_file_names_line(un_file: Path, tmp_path: Path) -> None:
    data = un_file.read_bytes()
    path = write(tmp_path, "cut.xml", data[: len(data) // 2])
    with pytest.raises(SourceError) as info:
        parse_un_xml([path], DATASET)
    assert info.value.path == str(path)
    assert info.value.line is not None and info.value.line > 1000
    assert "malformed XML" in str(info.value)


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.xml", b"")
    with pytest.raises(SourceError, match="empty"):
        parse_un_xml([path], DATASET)


def test_utf16_reencoded_file(un_file: Path, tmp_path: Path) -> None:
    text = un_file.read_text(encoding="utf-8")
    for name, encoding in (("bom.xml", "utf-16"), ("le.xml", "utf-16-le")):
        path = write(tmp_path, name, text.encode(encoding))
        with pytest.raises(SourceError) as info:
            parse_un_xml([path], DATASET)
        assert info.value.line == 1
        assert "UTF-16" in str(info.value) or "utf-8" in str(info.value)


def test_other_lists_are_rejected(shared_lists: Path) -> None:
    ofac_xml = shared_lists / "ofac-consolidated-xml" / "consolidated.xml"
    with pytest.raises(SourceError, match="root element") as info:
        parse_un_xml([ofac_xml], DATASET)
    assert info.value.element is not None and "sdnList" in info.value.element
    hmt_csv = shared_lists / "uk-ofsi-conlist-legacy" / "ConList.csv"
    with pytest.raises(SourceError) as info:
        parse_un_xml([hmt_csv], DATASET)
    assert info.value.path == str(hmt_csv) and info.value.line is not None


def test_record_without_dataid(un_file: Path, tmp_path: Path) -> None:
    text = un_file.read_text(encoding="utf-8")
    broken = text.replace("<DATAID>6907994</DATAID>", "", 1)
    path = write(tmp_path, "noid.xml", broken.encode("utf-8"))
    with pytest.raises(SourceError, match="without DATAID") as info:
        parse_un_xml([path], DATASET)
    assert info.value.element == "INDIVIDUAL" and info.value.line is not None


def test_duplicate_dataid(un_file: Path, tmp_path: Path) -> None:
    text = un_file.read_text(encoding="utf-8")
    broken = text.replace("<DATAID>6907994</DATAID>", "<DATAID>6907993</DATAID>", 1)
    path = write(tmp_path, "dup.xml", broken.encode("utf-8"))
    with pytest.raises(SourceError, match="6907993 appears twice"):
        parse_un_xml([path], DATASET)


def test_no_records(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "none.xml",
        b'<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">'
        b"<INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>",
    )
    with pytest.raises(SourceError, match="no INDIVIDUAL or ENTITY"):
        parse_un_xml([path], DATASET)
