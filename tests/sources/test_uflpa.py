"""DHS UFLPA Entity List page (hand-written fixture following the published structure)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html
import pytest

from clearance.model import NameKind
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.common import stable_id
from clearance.sources.uflpa import parse_name_cell, parse_uflpa_html

DATASET = "us_dhs_uflpa"
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "uflpa_entity_list.html"


@pytest.fixture(scope="module")
def parsed() -> ParsedRelease:
    return parse_uflpa_html([FIXTURE], DATASET)


def _nodes(expr: str) -> list[Any]:
    found = lxml.html.fromstring(FIXTURE.read_bytes()).xpath(expr)
    assert isinstance(found, list)
    return found


def _entity_rows() -> list[Any]:
    return _nodes("//table[@class='usa-table']/tbody/tr")


def test_counts(parsed: ParsedRelease) -> None:
    rows = _entity_rows()
    assert len(rows) == 12
    cells = [" ".join(r.xpath("./td[1]")[0].text_content().split()) for r in rows]
    # Entries naming subsidiaries, counted from the cell wording itself.
    ninestar = next(c for c in cells if c.startswith("Ninestar Corporation"))
    assert "its eight Zhuhai-based subsidiaries" in ninestar
    single = [c for c in cells if "and its subsidiary " in c]
    assert len(single) == 2
    # One party (Xinjiang Daqo) is listed in two sections: one entity, two listings.
    daqo_rows = [c for c in cells if c.startswith("Xinjiang Daqo New Energy Co., Ltd.")]
    assert len(daqo_rows) == 2
    expected = len(rows) - (len(daqo_rows) - 1) + 8 + len(single)
    assert len(parsed.entities) == expected == 21
    ids = [e.id for e in parsed.entities]
    assert len(set(ids)) == len(ids)
    assert parsed.published_at == "2025-01-15"  # "Last Updated: 01/15/2025"
    assert parsed.warnings == []


def test_aliases_field_by_field(parsed: ParsedRelease) -> None:
    entity = next(e for e in parsed.entities if e.caption.startswith("Hefei Bitland"))
    assert entity.id == f"{DATASET}:{stable_id('Hefei Bitland Information Technology Co., Ltd.')}"
    assert entity.schema == "Company"
    assert [(n.value, n.kind) for n in entity.names] == [
        ("Hefei Bitland Information Technology Co., Ltd.", NameKind.PRIMARY),
        ("Anhui Hefei Baolongda Information Technology", NameKind.ALIAS),
        ("Hefei Baolongda Information Technology Co., Ltd.", NameKind.ALIAS),
        ("Hefei Bitland Optoelectronic Technology Co., Ltd.", NameKind.ALIAS),
    ]
    (listing,) = entity.listings
    assert listing.authority == "US DHS FLETF"
    assert listing.list_name == "UFLPA Entity List"
    assert listing.programs == ("UFLPA Section 2(d)(2)(B)(i)",)
    assert listing.listed_on == "2022-06-21"
    assert listing.federal_register_notice is None  # that table has no notice column
    assert "19 U.S.C. 1307" in (listing.license_policy or "")
    assert "forced labour" in (listing.license_policy or "")
    assert listing.notes[0].startswith("Entities in Xinjiang that mine, produce, or manufacture")
    assert entity.raw["effective_date"] == "June 21, 2022"


def test_former_names_and_subsidiary(parsed: ParsedRelease) -> None:
    parent = next(e for e in parsed.entities if e.caption == "Hongyuan Green Energy Co., Ltd.")
    kinds = {n.value: n.kind for n in parent.names}
    assert kinds["HY Solar"] == kinds["Hoyuan Green Energy Co. Ltd."] == NameKind.ALIAS
    assert kinds["Wuxi Shangji CNC Co., Ltd."] == NameKind.FORMER
    assert kinds["Wuxi Shangji Grinding Machine Co., Ltd."] == NameKind.FORMER
    assert len(parent.names) == 6
    child = next(e for e in parsed.entities if e.caption.startswith("Hongyuan New Materials"))
    assert child.caption == "Hongyuan New Materials (Baotou) Co., Ltd."
    assert [(r.kind, r.target) for r in child.relations] == [
        ("subsidiary of", "Hongyuan Green Energy Co., Ltd.")
    ]
    assert child.listings == parent.listings
    assert child.listed_on == "2025-01-15"
    assert child.listings[0].programs == ("UFLPA Section 2(d)(2)(B)(v)",)


def test_ninestar_subsidiaries_and_notice(parsed: ParsedRelease) -> None:
    parent = next(e for e in parsed.entities if e.caption == "Ninestar Corporation")
    subsidiaries = [r.target for r in parent.relations if r.kind == "parent of"]
    assert len(subsidiaries) == 8  # "its eight Zhuhai-based subsidiaries"
    assert "Zhuhai G&G Digital Technology Co., Ltd." in subsidiaries
    assert subsidiaries[-1] == "Zhuhai Ninestar Management Co., Ltd."
    (listing,) = parent.listings
    assert listing.federal_register_notice == "88 FR 38080"
    assert listing.listed_on == "2023-06-12"
    assert listing.programs == ("UFLPA Section 2(d)(2)(B)(ii)",)
    captions = {e.caption for e in parsed.entities}
    assert set(subsidiaries) <= captions


def test_party_in_two_sections(parsed: ParsedRelease) -> None:
    daqo = next(e for e in parsed.entities if e.caption == "Xinjiang Daqo New Energy Co., Ltd.")
    assert [(lst.programs, lst.listed_on) for lst in daqo.listings] == [
        (("UFLPA Section 2(d)(2)(B)(i)",), "2022-06-21"),
        (("UFLPA Section 2(d)(2)(B)(v)",), "2024-11-25"),
    ]
    assert daqo.listed_on == "2022-06-21"
    assert {n.value for n in daqo.names if n.kind == NameKind.ALIAS} == {
        "Xinjiang Great New Energy Co., Ltd.",
        "Xinjiang Daxin Energy Co., Ltd.",
        "Xinjiang Daqin Energy Co., Ltd.",
    }
    assert len(daqo.raw["entries"]) == 2


def test_scope_notes_and_schema(parsed: ParsedRelease) -> None:
    xpcc = next(e for e in parsed.entities if "Production and Construction" in e.caption)
    assert xpcc.caption == "Xinjiang Production and Construction Corps"
    assert xpcc.schema == "Organization"
    assert "subordinate and affiliated entities" in xpcc.remarks[0]
    hoshine = next(e for e in parsed.entities if e.caption.startswith("Hoshine"))
    assert hoshine.caption == "Hoshine Silicon Industry (Shanshan) Co., Ltd"
    assert [n.value for n in hoshine.names][1:] == ["Hesheng Silicon Industry (Shanshan) Co."]
    assert "and subsidiaries" in hoshine.remarks[0]


def test_name_cell_forms() -> None:
    entry = parse_name_cell("ACME Co., Ltd. (including two aliases: ACME Group and ACME Holdings)")
    assert entry.main == "ACME Co., Ltd."
    assert entry.aliases == ["ACME Group", "ACME Holdings"]  # "two" says to split at "and"
    entry = parse_name_cell("Bar Co. (including one alias: Bar and Baz Trading Co.)")
    assert entry.aliases == ["Bar and Baz Trading Co."]
    entry = parse_name_cell("Foo Textile Co., Ltd., and Subsidiaries")
    assert entry.main == "Foo Textile Co., Ltd." and entry.scope_note == "and Subsidiaries"
    entry = parse_name_cell("Plain Name Without Extras")
    assert (entry.main, entry.aliases, entry.subsidiaries) == ("Plain Name Without Extras", [], [])


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "uflpa.html"
    path.write_bytes(data)
    return path


def test_truncated_page(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    cut = _write(tmp_path, data[: data.index(b"Xinjiang Zhongtai Chemical")])
    with pytest.raises(SourceError) as err:
        parse_uflpa_html([cut], DATASET)
    assert err.value.path == str(cut) and "truncated" in str(err.value)
    second_table = _nodes("//table")[1]
    assert err.value.line == second_table.sourceline  # opened and never closed


def test_truncated_after_last_table(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    cut = _write(tmp_path, data[: data.rindex(b"Last Updated")])
    with pytest.raises(SourceError, match="never closes </html>"):
        parse_uflpa_html([cut], DATASET)


def test_truncated_in_comment(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    cut = _write(tmp_path, data[: data.index(b"Last Updated")])  # inside the top comment
    with pytest.raises(SourceError) as err:
        parse_uflpa_html([cut], DATASET)
    assert err.value.line == 2 and "comment" in str(err.value)


def test_empty_utf16_and_wrong_file(tmp_path: Path, shared_lists: Path) -> None:
    with pytest.raises(SourceError, match="empty"):
        parse_uflpa_html([_write(tmp_path, b"")], DATASET)
    utf16 = _write(tmp_path, FIXTURE.read_text("utf-8").encode("utf-16"))
    with pytest.raises(SourceError) as err:
        parse_uflpa_html([utf16], DATASET)
    assert err.value.line == 1
    fcc = shared_lists / "fcc-covered-list" / "table.html"
    with pytest.raises(SourceError, match="not the UFLPA Entity List"):
        parse_uflpa_html([fcc], DATASET)


def test_bad_date_and_missing_cell_name_row(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8")
    bad_date = _write(tmp_path, text.replace("November 25, 2024", "soon", 1).encode())
    with pytest.raises(SourceError) as err:
        parse_uflpa_html([bad_date], DATASET)
    assert err.value.element == "table[2]/tr[3]" and "'soon'" in str(err.value)
    assert err.value.line is not None
    one_cell = text.replace(
        "<td>Donghai JA Solar Technology Co., Ltd.</td>\n          <td>January 15, 2025</td>", ""
    )
    with pytest.raises(SourceError) as err:
        parse_uflpa_html([_write(tmp_path, one_cell.encode())], DATASET)
    assert err.value.element == "table[3]/tr[3]" and "1 cells" in str(err.value)


def test_table_without_section_line(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8")
    start = text.index("<p><strong>Entities working with")
    end = text.index("</p>", start) + len("</p>")
    broken = _write(tmp_path, (text[:start] + text[end:]).encode())
    with pytest.raises(SourceError) as err:
        parse_uflpa_html([broken], DATASET)
    assert err.value.element == "table[2]" and "section" in str(err.value)
