"""The OFAC legacy CSV parser against the shared, unmodified OFAC files.

Counts are established here with the csv module, independently of the parser;
broken variants are built in tmp_path from the real files.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from clearance.model import Country, CountryRole, Entity, NameKind, Relation
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.ofac_csv import parse_ofac_csv

SDN = "us_ofac_sdn"
CONS = "us_ofac_cons"


def _csv_rows(path: Path) -> list[list[str]]:
    """Rows of an OFAC legacy file, read with the csv module only."""
    text = path.read_bytes().decode("utf-8").rstrip("\r\n").removesuffix("\x1a")
    return [row for row in csv.reader(io.StringIO(text, newline="")) if row]


def _parse_dir(folder: Path, dataset: str) -> ParsedRelease:
    return parse_ofac_csv(sorted(folder.iterdir()), dataset)


@pytest.fixture(scope="module")
def sdn(shared_lists: Path) -> dict[str, Entity]:
    return {e.id: e for e in _parse_dir(shared_lists / "ofac-sdn", SDN).entities}


@pytest.fixture(scope="module")
def cons(shared_lists: Path) -> dict[str, Entity]:
    return {e.id: e for e in _parse_dir(shared_lists / "ofac-consolidated", CONS).entities}


@pytest.fixture(scope="module")
def sdn_2024(shared_lists: Path) -> ParsedRelease:
    return _parse_dir(shared_lists / "ofac-sdn-2024-05-03", SDN)


# -- whole sets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "primary", "dataset"),
    [
        ("ofac-sdn", "sdn.csv", SDN),
        ("ofac-consolidated", "cons_prim.csv", CONS),
        ("ofac-sdn-2024-05-03", "sdn.csv", SDN),
    ],
)
def test_every_record_becomes_one_entity(
    shared_lists: Path, folder: str, primary: str, dataset: str
) -> None:
    rows = _csv_rows(shared_lists / folder / primary)
    ent_nums = {row[0] for row in rows}
    release = _parse_dir(shared_lists / folder, dataset)
    ids = [e.id for e in release.entities]
    assert len(ids) == len(set(ids)) == len(ent_nums)
    assert set(ids) == {f"{dataset}:{n}" for n in ent_nums}
    # schema follows the SDN type column
    types = Counter(row[2].strip() for row in rows)
    schemas = Counter(e.schema for e in release.entities)
    assert schemas["Person"] == types["individual"]
    assert schemas["Vessel"] == types["vessel"]
    assert schemas["Aircraft"] == types["aircraft"]
    assert schemas["Organization"] == types["-0-"]


def test_measured_counts(
    sdn: dict[str, Entity], cons: dict[str, Entity], sdn_2024: ParsedRelease
) -> None:
    """The counts in MANIFEST.md, as a sanity check beside the csv-module counts above."""
    assert (len(sdn), len(cons), len(sdn_2024.entities)) == (8976, 442, 14965)


def test_every_alt_csv_name_is_on_its_entity(shared_lists: Path, sdn: dict[str, Entity]) -> None:
    kinds = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.NEW}
    for ent_num, _alt_num, alt_type, alt_name, _remarks in _csv_rows(
        shared_lists / "ofac-sdn" / "alt.csv"
    ):
        names = {(n.value, n.kind) for n in sdn[f"{SDN}:{ent_num}"].names}
        value = " ".join(alt_name.split())
        primary = sdn[f"{SDN}:{ent_num}"].caption
        assert (value, kinds[alt_type]) in names or value == primary


def test_address_rows_become_address_countries(shared_lists: Path, cons: dict[str, Entity]) -> None:
    for row in _csv_rows(shared_lists / "ofac-consolidated" / "cons_add.csv"):
        entity = cons[f"{CONS}:{row[0]}"]
        if row[4].strip() == "China":
            assert Country("cn", CountryRole.ADDRESS) in entity.countries


def test_lists_and_sources(sdn: dict[str, Entity], cons: dict[str, Entity]) -> None:
    assert {e.lists for e in sdn.values()} == {("SDN List",)}
    assert {e.lists for e in cons.values()} == {("Non-SDN Consolidated List",)}
    entity = next(iter(cons.values()))
    assert entity.listings[0].authority == "US Treasury OFAC"
    assert entity.source_url == "https://sanctionslistservice.ofac.treas.gov/"


def test_raw_is_json_serialisable(sdn: dict[str, Entity]) -> None:
    for entity in list(sdn.values())[::400]:
        json.dumps(entity.to_dict())
        assert entity.raw["ent_num"] == entity.id.split(":")[1]


# -- spot checks --------------------------------------------------------------------------


def test_chen_quanguo(sdn: dict[str, Entity]) -> None:
    chen = sdn[f"{SDN}:29220"]
    assert chen.caption == "CHEN, Quanguo"
    assert chen.schema == "Person"
    assert chen.programs == ("GLOMAG",)
    assert chen.birth_dates == ("1955",)
    assert chen.birth_places == ("Pingyu, Henan, China",)
    assert chen.gender == "male"
    assert Country("cn", CountryRole.BIRTH) in chen.countries
    assert chen.addresses[0].full == "Xinjiang, China"
    assert chen.addresses[0].country == "cn"


def test_xpcc_linked_to_chen(sdn: dict[str, Entity]) -> None:
    xpcc = sdn[f"{SDN}:29299"]
    assert xpcc.caption == "XINJIANG PRODUCTION AND CONSTRUCTION CORPS"
    assert xpcc.schema == "Organization"
    assert Relation("linked_to", "CHEN, Quanguo") in xpcc.relations


def test_hikvision(cons: dict[str, Entity]) -> None:
    hik = cons[f"{CONS}:30946"]
    assert hik.caption == "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
    assert hik.programs == ("CMIC-EO13959",)
    ids = {(i.type, i.value, i.country) for i in hik.identifiers}
    assert ("uscc", "91330000733796106P", "cn") in ids
    assert ("isin", "CNE100000PM8", None) in ids
    assert ("HIKVISION", NameKind.ALIAS) in {(n.value, n.kind) for n in hik.names}
    assert hik.listed_on == "2021-06-03"
    assert hik.addresses[0].full == "555, Qianmo Road, Binjiang District, Hangzhou 310051, China"


def test_comments_overflow_is_joined(shared_lists: Path, sdn: dict[str, Entity]) -> None:
    prim = {r[0]: r[11] for r in _csv_rows(shared_lists / "ofac-sdn" / "sdn.csv")}
    comments = {r[0]: r[1] for r in _csv_rows(shared_lists / "ofac-sdn" / "sdn_comments.csv")}
    li = sdn[f"{SDN}:28264"]
    assert li.raw["remarks"] == (prim["28264"] + comments["28264"]).strip()
    # the join falls inside "P|hone Number"
    assert prim["28264"].endswith("; P")
    phones = [i.value for i in li.identifiers if i.type == "phone"]
    assert phones == ["8613314257947", "8618004121000"]
    assert ("national_id", "210302198701102136", "cn") in {
        (i.type, i.value, i.country) for i in li.identifiers
    }
    assert ("khaleesi", NameKind.WEAK_ALIAS) in {(n.value, n.kind) for n in li.names}
    assert Relation("linked_to", "LAZARUS GROUP") in li.relations
    # 12300: the join falls inside a company name, "PROMO RAI|Z S.A.S."
    assert Relation("linked_to", "PROMO RAIZ S.A.S.") in sdn[f"{SDN}:12300"].relations


def test_comments_overflow_joined_at_a_space(cons: dict[str, Entity]) -> None:
    # cons_prim.csv 17254 ends in "Government", cons_comments.csv goes on " Gazette Number ..."
    ids = {(i.value, i.note) for i in cons[f"{CONS}:17254"].identifiers}
    assert ("00044463", "Government Gazette Number") in ids


def test_missing_comments_file_is_reported(sdn_2024: ParsedRelease) -> None:
    assert any("28264" in w and "SDN_COMMENTS.CSV" in w for w in sdn_2024.warnings)
    li = next(e for e in sdn_2024.entities if e.id == f"{SDN}:28264")
    assert li.remarks == ("P […]",)
    assert not [i for i in li.identifiers if i.type == "phone"]


def test_weak_aliases_come_from_the_remarks(sdn: dict[str, Entity]) -> None:
    bnc = sdn[f"{SDN}:306"]
    assert [(n.value, n.kind) for n in bnc.names] == [
        ("BANCO NACIONAL DE CUBA", NameKind.PRIMARY),
        ("NATIONAL BANK OF CUBA", NameKind.ALIAS),
        ("BNC", NameKind.WEAK_ALIAS),
    ]


def test_weak_aliases_agree_with_ofac_xml(shared_lists: Path, cons: dict[str, Entity]) -> None:
    """OFAC's XML marks aliases strong or weak; the CSV only by quoting them in remarks."""
    root = etree.parse(str(shared_lists / "ofac-consolidated-xml" / "consolidated.xml")).getroot()
    ns = {"o": str(root.nsmap[None])}
    entry = next(
        e for e in root.iterfind("o:sdnEntry", ns) if e.findtext("o:uid", None, ns) == "9647"
    )
    xml_weak: set[str] = set()
    xml_strong: set[str] = set()
    for aka in entry.iterfind("o:akaList/o:aka", ns):
        parts = [aka.findtext("o:lastName", None, ns), aka.findtext("o:firstName", None, ns)]
        name = ", ".join(p for p in parts if p)
        category = aka.findtext("o:category", None, ns)
        (xml_weak if category == "weak" else xml_strong).add(name)
    names = cons[f"{CONS}:9647"].names
    assert {n.value for n in names if n.kind == NameKind.WEAK_ALIAS} == xml_weak
    assert {n.value for n in names if n.kind == NameKind.ALIAS} == xml_strong


def test_vessel(sdn: dict[str, Entity]) -> None:
    ship = sdn[f"{SDN}:15036"]
    assert ship.schema == "Vessel"
    assert ship.caption == "ARTAVIL"
    ids = {(i.type, i.value) for i in ship.identifiers}
    assert {("imo", "9187629"), ("mmsi", "572469210"), ("call_sign", "T2EU4")} <= ids
    assert Country("ir", CountryRole.FLAG) in ship.countries
    assert {"Vessel Type Crude/Oil Products Tanker", "Tonnage 99,144", "GRT 56,068"} <= set(
        ship.remarks
    )
    assert [n.value for n in ship.names if n.kind == NameKind.FORMER] == [
        "ABADAN",
        "SHONA",
        "ALPHA",
    ]
    # 4243 SAND SWAN has a registered owner in its column
    assert Relation("owner", "Sand & Swan Navigation Co. Ltd.") in sdn[f"{SDN}:4243"].relations


def test_aircraft(sdn: dict[str, Entity]) -> None:
    plane = sdn[f"{SDN}:15431"]
    assert plane.schema == "Aircraft"
    assert ("aircraft_serial", "1023409321") in {(i.type, i.value) for i in plane.identifiers}
    assert Relation("linked_to", "POUYA AIR") in plane.relations


def test_digital_currency_addresses(sdn: dict[str, Entity]) -> None:
    andreyev = sdn[f"{SDN}:29703"]
    wallets = {(i.note, i.value) for i in andreyev.identifiers if i.type == "crypto_wallet"}
    assert ("Digital Currency Address - XBT", "1Fz29BQp82pE3vXXcsZoMNQ3KSHfMzfMe3") in wallets
    # this one is in sdn_comments.csv only
    assert ("Digital Currency Address - LTC", "LWnbjLYUfqeokfbWM4FcU7uk2FP2DSxuWS") in wallets
    assert ("passport", "4005504207", "ru") in {
        (i.type, i.value, i.country) for i in andreyev.identifiers
    }


def test_programs_are_split(sdn: dict[str, Entity], cons: dict[str, Entity]) -> None:
    assert sdn[f"{SDN}:28264"].programs == ("DPRK3", "CYBER2")
    assert cons[f"{CONS}:9647"].programs == ("SDGT", "NS-PLC")


def test_title_column(sdn: dict[str, Entity]) -> None:
    naqdi = sdn[f"{SDN}:12057"]
    assert naqdi.titles[:2] == (
        "Brigadier General and Commander of the IRGC Basij Resistance Force",
        "President of the Organization of the Basij of the Oppressed",
    )
    # OFAC repeats the titles at the end of the remarks; they are not kept twice
    assert not set(naqdi.titles) & set(naqdi.remarks)


def test_file_names_are_case_insensitive(shared_lists: Path, tmp_path: Path) -> None:
    for path in (shared_lists / "ofac-consolidated").iterdir():
        shutil.copy(path, tmp_path / path.name.upper())
    release = _parse_dir(tmp_path, CONS)
    assert len(release.entities) == 442
    assert release.entities[0].lists == ("Non-SDN Consolidated List",)


def test_cp1252_bytes_are_read(shared_lists: Path, tmp_path: Path) -> None:
    data = (shared_lists / "ofac-consolidated" / "cons_prim.csv").read_bytes()
    (tmp_path / "cons_prim.csv").write_bytes(data.replace(b"HANIYA, Ismail", b"HANIY\xc9, Ismail"))
    entities = parse_ofac_csv([tmp_path / "cons_prim.csv"], CONS).entities
    assert entities[0].caption == "HANIYÉ, Ismail Abdul Salah"


# -- broken files -------------------------------------------------------------------------


def _copy_set(shared_lists: Path, tmp_path: Path) -> dict[str, Path]:
    out = {}
    for path in (shared_lists / "ofac-consolidated").iterdir():
        out[path.name] = tmp_path / path.name
        shutil.copy(path, out[path.name])
    return out


def _error(files: list[Path]) -> SourceError:
    with pytest.raises(SourceError) as info:
        parse_ofac_csv(files, CONS)
    return info.value


def test_truncated_inside_a_quoted_field(shared_lists: Path, tmp_path: Path) -> None:
    files = _copy_set(shared_lists, tmp_path)
    data = files["cons_prim.csv"].read_bytes()
    cut = data.index(b',"DOB', len(data) // 2) + 8  # inside the remarks of some record
    files["cons_prim.csv"].write_bytes(data[:cut])
    error = _error(list(files.values()))
    assert error.path.endswith("cons_prim.csv")
    assert error.line == data.count(b"\n", 0, cut) + 1
    assert "truncated" in error.problem


def test_truncated_between_fields(shared_lists: Path, tmp_path: Path) -> None:
    files = _copy_set(shared_lists, tmp_path)
    data = files["cons_alt.csv"].read_bytes()
    cut = data.index(b'"aka"', len(data) // 2)  # row ends after ent_num and alt_num
    files["cons_alt.csv"].write_bytes(data[:cut])
    error = _error(list(files.values()))
    assert error.path.endswith("cons_alt.csv")
    assert error.line == data.count(b"\n", 0, cut) + 1
    assert "expected 5 columns" in error.problem


def test_column_removed(shared_lists: Path, tmp_path: Path) -> None:
    files = _copy_set(shared_lists, tmp_path)
    rows = _csv_rows(files["cons_prim.csv"])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(row[:4] + row[5:] for row in rows)
    files["cons_prim.csv"].write_text(buffer.getvalue() + "\x1a", encoding="utf-8")
    error = _error(list(files.values()))
    assert error.path.endswith("cons_prim.csv")
    assert error.line == 1
    assert "expected 12 columns" in error.problem and "found 11" in error.problem


def test_utf16_file(shared_lists: Path, tmp_path: Path) -> None:
    text = (shared_lists / "ofac-consolidated" / "cons_prim.csv").read_bytes().decode("utf-8")
    path = tmp_path / "cons_prim.csv"
    path.write_bytes(text.encode("utf-16"))
    error = _error([path])
    assert error.path.endswith("cons_prim.csv")
    assert error.line == 1
    assert "UTF-16" in error.problem


@pytest.mark.parametrize("content", [b"", b"\r\n", b"\x1a"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(content)
    error = _error([path])
    assert error.path.endswith("sdn.csv")
    assert "empty" in error.problem


def test_un_xml_fed_in(shared_lists: Path, tmp_path: Path) -> None:
    un_xml = shared_lists / "un-consolidated" / "consolidated.xml"
    error = _error([un_xml])
    assert "not an OFAC legacy CSV file name" in error.problem
    path = tmp_path / "sdn.csv"
    shutil.copy(un_xml, path)
    error = _error([path])
    assert error.path.endswith("sdn.csv")
    assert error.line == 1
    assert "XML" in error.problem


def test_other_csv_list_fed_in(shared_lists: Path, tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    shutil.copy(shared_lists / "trade-csl-sample" / "consolidated.csv", path)
    error = _error([path])
    assert error.line == 1
    assert "columns" in error.problem


def test_alt_row_for_unknown_ent_num(shared_lists: Path, tmp_path: Path) -> None:
    files = _copy_set(shared_lists, tmp_path)
    data = files["cons_alt.csv"].read_bytes().removesuffix(b"\x1a")
    files["cons_alt.csv"].write_bytes(data + b'99999999,1,"aka","NOBODY",-0- \r\n\x1a')
    error = _error(list(files.values()))
    assert error.path.endswith("cons_alt.csv")
    assert error.line == data.count(b"\n") + 1
    assert "99999999" in error.problem


def test_unknown_sdn_type(shared_lists: Path, tmp_path: Path) -> None:
    files = _copy_set(shared_lists, tmp_path)
    data = files["cons_prim.csv"].read_bytes()
    files["cons_prim.csv"].write_bytes(data.replace(b'"individual"', b'"submarine"', 1))
    error = _error(list(files.values()))
    assert error.line == 1
    assert "submarine" in error.problem


def test_repeated_ent_num(shared_lists: Path, tmp_path: Path) -> None:
    files = _copy_set(shared_lists, tmp_path)
    data = files["cons_prim.csv"].read_bytes()
    first_line = data.split(b"\r\n", 1)[0]
    files["cons_prim.csv"].write_bytes(first_line + b"\r\n" + data)
    error = _error(list(files.values()))
    assert error.line == 2
    assert "repeated" in error.problem


def test_file_sets_must_be_consistent(shared_lists: Path) -> None:
    sdn_dir, cons_dir = shared_lists / "ofac-sdn", shared_lists / "ofac-consolidated"
    assert "mixes" in _error([sdn_dir / "sdn.csv", cons_dir / "cons_alt.csv"]).problem
    assert "no primary file" in _error([sdn_dir / "alt.csv"]).problem
    assert "second primary" in _error([sdn_dir / "sdn.csv", sdn_dir / "sdn.csv"]).problem
