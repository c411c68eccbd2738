"""OFAC classic XML (sdnList schema) against the published CONSOLIDATED.XML snapshot.

Expected counts come from lxml XPath in the test itself, never from the parser.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from clearance.model import CountryRole, Entity, NameKind
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.ofac_xml import CONS_LIST, SDN_LIST, parse_ofac_xml

DATASET = "us_ofac_cons"
HIKVISION = "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."


@pytest.fixture(scope="module")
def cons_xml(shared_lists: Path) -> Path:
    return shared_lists / "ofac-consolidated-xml" / "consolidated.xml"


@pytest.fixture(scope="module")
def tree(cons_xml: Path) -> etree._ElementTree:
    return etree.parse(str(cons_xml))


@pytest.fixture(scope="module")
def release(cons_xml: Path) -> ParsedRelease:
    return parse_ofac_xml([cons_xml], DATASET)


@pytest.fixture(scope="module")
def by_id(release: ParsedRelease) -> dict[str, Entity]:
    return {entity.id: entity for entity in release.entities}


def xpath(tree: etree._ElementTree, expr: str) -> object:
    return tree.xpath(expr)


def entity_named(release: ParsedRelease, caption: str) -> Entity:
    found = [e for e in release.entities if e.caption == caption]
    assert len(found) == 1, caption
    return found[0]


# ---------------------------------------------------------------- the real file


def test_counts_and_ids_match_the_xml(release: ParsedRelease, tree: etree._ElementTree) -> None:
    count = xpath(tree, "count(/*[local-name()='sdnList']/*[local-name()='sdnEntry'])")
    uids = xpath(tree, "//*[local-name()='sdnEntry']/*[local-name()='uid']/text()")
    assert isinstance(uids, list)
    assert count == 443
    assert len(release.entities) == count
    assert {e.id for e in release.entities} == {f"{DATASET}:{uid}" for uid in uids}
    assert not release.warnings


def test_published_at_and_listing(release: ParsedRelease, tree: etree._ElementTree) -> None:
    stated = xpath(tree, "string(//*[local-name()='Publish_Date'])")
    assert isinstance(stated, str)
    assert release.published_at == datetime.strptime(stated, "%m/%d/%Y").date().isoformat()
    for entity in release.entities:
        assert entity.dataset == DATASET
        assert [lst.list_name for lst in entity.listings] == [CONS_LIST]
        assert entity.listings[0].authority == "US Treasury OFAC"
        json.dumps(entity.raw)  # the publisher's record stays serialisable


def test_schemas_match_sdn_types(release: ParsedRelease, tree: etree._ElementTree) -> None:
    individuals = xpath(tree, "count(//*[local-name()='sdnType'][.='Individual'])")
    entities = xpath(tree, "count(//*[local-name()='sdnType'][.='Entity'])")
    assert sum(e.schema == "Person" for e in release.entities) == individuals
    assert sum(e.schema == "Organization" for e in release.entities) == entities


def test_hikvision(release: ParsedRelease) -> None:
    hik = entity_named(release, HIKVISION)
    assert hik.id == f"{DATASET}:30946"
    assert hik.schema == "Organization"
    assert hik.programs == ("CMIC-EO13959",)
    uscc = [i for i in hik.identifiers if i.type == "uscc"]
    assert [(i.value, i.country, i.note) for i in uscc] == [
        ("91330000733796106P", "cn", "Unified Social Credit Code (USCC)")
    ]
    assert any(i.type == "isin" and i.value == "CNE100000PM8" for i in hik.identifiers)
    aliases = {(n.value, n.kind) for n in hik.names}
    assert ("HIKVISION", NameKind.ALIAS) in aliases
    assert hik.addresses[0].city == "Hangzhou"
    assert hik.addresses[0].country == "cn"
    # CMIC dates qualify the listing; they are not identifiers.
    assert "Listing Date (CMIC) 03 Jun 2021" in hik.listings[0].notes
    assert all("CMIC" not in (i.note or "") for i in hik.identifiers)
    assert hik.raw["uid"] == "30946"
    assert hik.raw["programList"] == ["CMIC-EO13959"]


def test_individual_field_by_field(by_id: dict[str, Entity]) -> None:
    person = by_id[f"{DATASET}:50476"]
    assert person.schema == "Person"
    assert person.caption == "MARTELLY, Michel Joseph"
    assert person.birth_dates == ("1961-02-12",)
    assert person.birth_places == ("Port-au-Prince, Haiti",)
    assert person.gender == "male"
    assert [c.code for c in person.countries if c.role == CountryRole.NATIONALITY] == ["ht"]
    assert {c.code for c in person.countries if c.role == CountryRole.ADDRESS} == {
        "us",
        "ht",
        "do",
    }
    ids = {(i.type, i.value, i.country) for i in person.identifiers}
    assert ("national_id", "0032768386", "ht") in ids
    assert person.programs == ("ILLICIT-DRUGS-EO14059",)
    names = {(n.value, n.kind) for n in person.names}
    assert ("MARTELLY, Michael", NameKind.ALIAS) in names
    assert ("Sweet Micky", NameKind.WEAK_ALIAS) in names


def test_citizenship_and_year_only_birth_dates(by_id: dict[str, Entity]) -> None:
    haniya = by_id[f"{DATASET}:9639"]
    assert haniya.caption == "HANIYA, Ismail Abdul Salah"
    assert haniya.birth_dates == ("1962",)
    assert haniya.birth_places == ("Shati",)
    citizens = [
        e for e in by_id.values() if any(c.role == CountryRole.CITIZENSHIP for c in e.countries)
    ]
    assert len(citizens) == 1
    assert citizens[0].birth_dates == ("1980-02-08",)
    assert [c.code for c in citizens[0].countries if c.role == CountryRole.CITIZENSHIP] == ["tr"]


def test_alias_kinds_match_categories(release: ParsedRelease, tree: etree._ElementTree) -> None:
    aka = "//*[local-name()='aka']"
    weak = xpath(tree, f"count({aka}[*[local-name()='category']='weak'])")
    strong_aka = xpath(
        tree,
        f"count({aka}[*[local-name()='category']='strong'][*[local-name()='type']='a.k.a.'])",
    )
    strong_fka = xpath(
        tree,
        f"count({aka}[*[local-name()='category']='strong'][*[local-name()='type']='f.k.a.'])",
    )
    kinds = [n.kind for e in release.entities for n in e.names]
    assert kinds.count(NameKind.WEAK_ALIAS) == weak
    assert kinds.count(NameKind.ALIAS) == strong_aka
    assert kinds.count(NameKind.FORMER) == strong_fka
    assert kinds.count(NameKind.PRIMARY) == len(release.entities)


def test_linked_to_becomes_relation(release: ParsedRelease, tree: etree._ElementTree) -> None:
    linked = xpath(tree, "count(//*[local-name()='remarks'][contains(., 'Linked To:')])")
    related = [e for e in release.entities if e.relations]
    assert len(related) == linked
    zahhar = next(e for e in release.entities if e.caption.startswith("ZAHHAR"))
    assert [(r.kind, r.target) for r in zahhar.relations] == [("Linked To", "HAMAS")]


def test_region_pseudo_country(release: ParsedRelease) -> None:
    gaza = [a for e in release.entities for a in e.addresses if "Region: Gaza" in a.full]
    assert gaza
    assert {a.country for a in gaza} == {"ps"}


def test_list_decided_from_file_name_then_programs(cons_xml: Path, tmp_path: Path) -> None:
    sdn = tmp_path / "SDN.XML"
    sdn.write_bytes(cons_xml.read_bytes())
    assert parse_ofac_xml([sdn], DATASET).entities[0].lists == (SDN_LIST,)
    neutral = tmp_path / "download.xml"
    neutral.write_bytes(cons_xml.read_bytes())  # NS-PLC and CMIC programs: non-SDN
    assert parse_ofac_xml([neutral], DATASET).entities[0].lists == (CONS_LIST,)


def test_same_party_in_two_files_merges_listings(cons_xml: Path, tmp_path: Path) -> None:
    sdn = tmp_path / "SDN.XML"
    sdn.write_bytes(cons_xml.read_bytes())
    merged = parse_ofac_xml([cons_xml, sdn], DATASET)
    assert len(merged.entities) == 443
    assert all(set(e.lists) == {CONS_LIST, SDN_LIST} for e in merged.entities)


def test_gzip_and_zip_copies_parse_the_same(cons_xml: Path, tmp_path: Path) -> None:
    gz = tmp_path / "consolidated.xml.gz"
    gz.write_bytes(gzip.compress(cons_xml.read_bytes()))
    zipped = tmp_path / "CONSOLIDATED_XML.ZIP"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(cons_xml, "CONSOLIDATED.XML")
    assert len(parse_ofac_xml([gz], DATASET).entities) == 443
    assert len(parse_ofac_xml([zipped], DATASET).entities) == 443


# ---------------------------------------------------------------- broken input


def test_truncated_file_names_file_and_line(cons_xml: Path, tmp_path: Path) -> None:
    data = cons_xml.read_bytes()
    cut = tmp_path / "consolidated.xml"
    cut.write_bytes(data[: len(data) // 2])
    last_line = data[: len(data) // 2].count(b"\n") + 1
    with pytest.raises(SourceError) as caught:
        parse_ofac_xml([cut], DATASET)
    assert caught.value.path == str(cut)
    assert caught.value.line == last_line
    assert "truncated" in str(caught.value)


def test_un_list_is_rejected(shared_lists: Path) -> None:
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    with pytest.raises(SourceError, match=r"CONSOLIDATED_LIST.*UN Security Council"):
        parse_ofac_xml([un], DATASET)


def test_enhanced_xml_is_rejected(shared_lists: Path) -> None:
    enhanced = shared_lists / "ofac-consolidated-enhanced" / "CONS_ENHANCED.ZIP"
    with pytest.raises(SourceError, match=r"sanctionsData.*Enhanced"):
        parse_ofac_xml([enhanced], DATASET)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "CONSOLIDATED.XML"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        parse_ofac_xml([empty], DATASET)


def test_utf16_copy_contradicting_declaration(cons_xml: Path, tmp_path: Path) -> None:
    text = cons_xml.read_text(encoding="utf-8")
    undeclared = tmp_path / "undeclared.xml"
    undeclared.write_bytes(text.encode("utf-16"))
    declared = tmp_path / "declared.xml"
    declared.write_bytes(
        text.replace('version="1.0"', 'version="1.0" encoding="utf-8"').encode("utf-16")
    )
    for path in (undeclared, declared):
        with pytest.raises(SourceError, match="UTF-16") as caught:
            parse_ofac_xml([path], DATASET)
        assert caught.value.line == 1
        assert caught.value.path == str(path)


def test_latin1_bytes_name_the_line(cons_xml: Path, tmp_path: Path) -> None:
    data = cons_xml.read_bytes()
    at = data.index(b"HANIYA")
    broken = tmp_path / "consolidated.xml"
    broken.write_bytes(data[:at] + "HÄNIYA".encode("latin-1") + data[at + 6 :])
    with pytest.raises(SourceError) as caught:
        parse_ofac_xml([broken], DATASET)
    assert caught.value.line == data[:at].count(b"\n") + 1


def test_duplicate_uid_and_unknown_type(cons_xml: Path, tmp_path: Path) -> None:
    text = cons_xml.read_text(encoding="utf-8")
    start = text.index("<sdnEntry>")
    end = text.index("</sdnEntry>") + len("</sdnEntry>")
    twice = tmp_path / "twice.xml"
    twice.write_text(text[:end] + text[start:end] + text[end:], encoding="utf-8")
    with pytest.raises(SourceError, match="duplicate uid"):
        parse_ofac_xml([twice], DATASET)
    odd = tmp_path / "odd.xml"
    odd.write_text(text.replace("<sdnType>Individual<", "<sdnType>Robot<", 1), encoding="utf-8")
    with pytest.raises(SourceError, match="Robot") as caught:
        parse_ofac_xml([odd], DATASET)
    assert caught.value.element == "sdnEntry uid=9639"


def test_no_files() -> None:
    with pytest.raises(SourceError):
        parse_ofac_xml([], DATASET)
