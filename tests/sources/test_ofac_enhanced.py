"""OFAC Enhanced XML against the published CONS_ENHANCED.ZIP snapshot.

Expected counts come from lxml XPath on the zip member in the test itself.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from clearance.model import CountryRole, Entity, NameKind
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.ofac_enhanced import parse_ofac_enhanced
from clearance.sources.ofac_xml import parse_ofac_xml

DATASET = "us_ofac_cons"
HIKVISION = "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
ENTITY = "/*[local-name()='sanctionsData']/*[local-name()='entities']/*[local-name()='entity']"


@pytest.fixture(scope="module")
def cons_zip(shared_lists: Path) -> Path:
    return shared_lists / "ofac-consolidated-enhanced" / "CONS_ENHANCED.ZIP"


@pytest.fixture(scope="module")
def xml_bytes(cons_zip: Path) -> bytes:
    with zipfile.ZipFile(cons_zip) as archive:
        return archive.read("CONS_ENHANCED.XML")


@pytest.fixture(scope="module")
def tree(xml_bytes: bytes) -> etree._Element:
    return etree.fromstring(xml_bytes)


@pytest.fixture(scope="module")
def release(cons_zip: Path) -> ParsedRelease:
    return parse_ofac_enhanced([cons_zip], DATASET)


@pytest.fixture(scope="module")
def by_id(release: ParsedRelease) -> dict[str, Entity]:
    return {entity.id: entity for entity in release.entities}


def count(tree: etree._Element, expr: str) -> float:
    value = tree.xpath(f"count({expr})")
    assert isinstance(value, float)
    return value


# ---------------------------------------------------------------- the real file


def test_counts_and_ids_match_the_xml(release: ParsedRelease, tree: etree._Element) -> None:
    ids = tree.xpath(f"{ENTITY}/@id")
    assert isinstance(ids, list)
    assert count(tree, ENTITY) == 443 == len(release.entities)
    assert {e.id for e in release.entities} == {f"{DATASET}:{i!s}" for i in ids}
    assert not release.warnings
    for entity in release.entities:
        json.dumps(entity.raw)


def test_ids_equal_classic_xml_uids(release: ParsedRelease, shared_lists: Path) -> None:
    classic = etree.parse(str(shared_lists / "ofac-consolidated-xml" / "consolidated.xml"))
    uids = classic.xpath("//*[local-name()='sdnEntry']/*[local-name()='uid']/text()")
    assert isinstance(uids, list)
    assert {e.id for e in release.entities} == {f"{DATASET}:{uid!s}" for uid in uids}


def test_published_at(release: ParsedRelease, tree: etree._Element) -> None:
    as_of = tree.xpath("string(//*[local-name()='dataAsOf'])")
    assert isinstance(as_of, str)
    assert release.published_at == as_of[:10]


def test_hikvision_in_both_formats(release: ParsedRelease, shared_lists: Path) -> None:
    classic = parse_ofac_xml([shared_lists / "ofac-consolidated-xml" / "consolidated.xml"], DATASET)
    for parsed in (release, classic):
        [hik] = [e for e in parsed.entities if e.caption == HIKVISION]
        assert hik.id == f"{DATASET}:30946"
        assert hik.programs == ("CMIC-EO13959",)
        assert [(i.value, i.country) for i in hik.identifiers if i.type == "uscc"] == [
            ("91330000733796106P", "cn")
        ]
    [hik] = [e for e in release.entities if e.caption == HIKVISION]
    assert hik.lists == ("Non-SDN CMIC List",)
    assert hik.listed_on == "2021-06-03"
    assert "Legal Authority: Executive Order 14032 (CMIC)" in hik.listings[0].notes
    assert hik.raw["@id"] == "30946"


def test_individual_field_by_field(by_id: dict[str, Entity]) -> None:
    person = by_id[f"{DATASET}:50476"]
    assert person.schema == "Person"
    assert person.caption == "MARTELLY, Michel Joseph"
    assert person.birth_dates == ("1961-02-12",)
    assert person.birth_places == ("Port-au-Prince, Haiti",)
    assert person.gender == "male"
    assert [c.code for c in person.countries if c.role == CountryRole.NATIONALITY] == ["ht"]
    assert ("national_id", "0032768386", "ht") in {
        (i.type, i.value, i.country) for i in person.identifiers
    }
    names = {(n.value, n.kind) for n in person.names}
    assert ("MARTELLY, Michael", NameKind.ALIAS) in names
    assert ("Sweet Micky", NameKind.WEAK_ALIAS) in names
    assert person.lists == ("Non-SDN Menu-Based Sanctions List",)


def test_year_only_birth_date_and_citizenship(by_id: dict[str, Entity]) -> None:
    haniya = by_id[f"{DATASET}:9639"]
    assert haniya.birth_dates == ("1962",)
    citizens = [
        e for e in by_id.values() if any(c.role == CountryRole.CITIZENSHIP for c in e.countries)
    ]
    assert [c.code for e in citizens for c in e.countries if c.role == CountryRole.CITIZENSHIP] == [
        "tr"
    ]
    assert citizens[0].birth_dates == ("1980-02-08",)


def test_every_translation_kept_with_its_script(
    release: ParsedRelease, tree: etree._Element
) -> None:
    translations = (
        f"{ENTITY}/*[local-name()='names']/*[local-name()='name']"
        "/*[local-name()='translations']/*[local-name()='translation']"
    )
    assert sum(len(e.names) for e in release.entities) == count(tree, translations)
    han = count(tree, f"{translations}[*[local-name()='script'][starts-with(., 'Chinese')]]")
    cyrillic = count(tree, f"{translations}[*[local-name()='script']='Cyrillic']")
    scripts = [n.script for e in release.entities for n in e.names]
    assert scripts.count("Han") == han
    assert scripts.count("Cyrillic") == cyrillic
    megvii = next(e for e in release.entities if e.caption == "MEGVII TECHNOLOGY LIMITED")
    assert ("旷视科技有限公司", NameKind.NATIVE, "Han") in {
        (n.value, n.kind, n.script) for n in megvii.names
    }


def test_alias_kinds(release: ParsedRelease, tree: etree._Element) -> None:
    name = f"{ENTITY}/*[local-name()='names']/*[local-name()='name']"
    translation = "*[local-name()='translations']/*[local-name()='translation']"
    weak = count(tree, f"{name}[*[local-name()='isLowQuality']='true']/{translation}")
    fka = count(
        tree,
        f"{name}[*[local-name()='isLowQuality']='false'][*[local-name()='aliasType']='F.K.A.']"
        f"/{translation}",
    )
    kinds = [n.kind for e in release.entities for n in e.names]
    assert kinds.count(NameKind.WEAK_ALIAS) == weak
    assert kinds.count(NameKind.FORMER) == fka
    assert kinds.count(NameKind.PRIMARY) == len(release.entities)


def test_listings_and_relationships(release: ParsedRelease, tree: etree._Element) -> None:
    lists = "*[local-name()='sanctionsLists']/*[local-name()='sanctionsList']"
    on_sdn = count(tree, f"{ENTITY}[{lists}='SDN List']")
    assert sum("SDN List" in e.lists for e in release.entities) == on_sdn
    assert all("Consolidated List" not in e.lists for e in release.entities)
    relationships = count(
        tree, f"{ENTITY}/*[local-name()='relationships']/*[local-name()='relationship']"
    )
    assert sum(len(e.relations) for e in release.entities) == relationships
    orenburg = next(e for e in release.entities if e.caption == "OJSC ORENBURGNEFT")
    assert ("Owned or Controlled By", "OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY") in {
        (r.kind, r.target) for r in orenburg.relations
    }


def test_bare_xml_is_accepted(xml_bytes: bytes, tmp_path: Path) -> None:
    bare = tmp_path / "CONS_ENHANCED.XML"
    bare.write_bytes(xml_bytes)
    assert len(parse_ofac_enhanced([bare], DATASET).entities) == 443


# ---------------------------------------------------------------- broken input


def test_truncated_xml_in_zip_names_member_and_line(xml_bytes: bytes, tmp_path: Path) -> None:
    half = xml_bytes[: len(xml_bytes) // 2]
    archive = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("CONS_ENHANCED.XML", half)
    with pytest.raises(SourceError) as caught:
        parse_ofac_enhanced([archive], DATASET)
    assert caught.value.path == f"{archive}!CONS_ENHANCED.XML"
    assert caught.value.line == half.count(b"\n") + 1
    assert "truncated" in str(caught.value)


def test_un_list_and_classic_xml_are_rejected(shared_lists: Path) -> None:
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    with pytest.raises(SourceError, match=r"<CONSOLIDATED_LIST>.*UN Security Council"):
        parse_ofac_enhanced([un], DATASET)
    classic = shared_lists / "ofac-consolidated-xml" / "consolidated.xml"
    with pytest.raises(SourceError, match=r"<sdnList>.*classic"):
        parse_ofac_enhanced([classic], DATASET)


def test_empty_file_and_empty_zip(tmp_path: Path) -> None:
    empty = tmp_path / "CONS_ENHANCED.XML"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        parse_ofac_enhanced([empty], DATASET)
    no_xml = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(no_xml, "w") as out:
        out.writestr("readme.txt", "not the list")
    with pytest.raises(SourceError, match=r"no \.xml file") as caught:
        parse_ofac_enhanced([no_xml], DATASET)
    assert caught.value.path == str(no_xml)


def test_corrupt_zip(cons_zip: Path, tmp_path: Path) -> None:
    cut = tmp_path / "CONS_ENHANCED.ZIP"
    cut.write_bytes(cons_zip.read_bytes()[:5000])  # central directory gone
    with pytest.raises(SourceError, match="zip") as caught:
        parse_ofac_enhanced([cut], DATASET)
    assert caught.value.path == str(cut)
    junk = tmp_path / "JUNK.ZIP"
    junk.write_bytes(b"this is not an archive")
    with pytest.raises(SourceError, match="not a zip"):
        parse_ofac_enhanced([junk], DATASET)


def test_utf16_copy_contradicting_declaration(xml_bytes: bytes, tmp_path: Path) -> None:
    assert xml_bytes.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    utf16 = tmp_path / "CONS_ENHANCED.XML"
    utf16.write_bytes(xml_bytes.decode("utf-8").encode("utf-16"))
    with pytest.raises(SourceError, match=r"UTF-16.*utf-8") as caught:
        parse_ofac_enhanced([utf16], DATASET)
    assert caught.value.line == 1


def test_undefined_feature_type_is_an_error(xml_bytes: bytes, tmp_path: Path) -> None:
    broken = tmp_path / "CONS_ENHANCED.XML"
    broken.write_bytes(xml_bytes.replace(b'<featureType featureTypeId="8">', b"<featureType>"))
    with pytest.raises(SourceError, match="undefined type '8'") as caught:
        parse_ofac_enhanced([broken], DATASET)
    assert caught.value.element is not None
    assert caught.value.element.startswith("entity id=")
