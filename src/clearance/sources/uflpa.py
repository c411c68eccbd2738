"""DHS UFLPA Entity List: the HTML tables on https://www.dhs.gov/uflpa-entity-list.

DHS publishes no data file, only a web page: one table per statutory list
(Section 2(d)(2)(B)(i)...(v)), each introduced by a line naming the list and
linking to its section. A name cell packs a party, its aliases, former names
and named subsidiaries into one sentence ("X (also known as A; and formerly
known as B) and its subsidiary S"); that sentence is split here because every
one of those names is a party an importer must recognise. A party listed under
two sections becomes one entity with two listings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml.etree import _Element

from clearance.model import Entity, Listing, Name, NameKind, Relation, unique
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.common import (
    element_line,
    parse_date,
    read_text,
    require_nonempty,
    stable_id,
)
from clearance.sources.fcc_covered import (
    check_html_closed,
    element_text,
    html_document,
    long_dates,
)

SOURCE_URL = "https://www.dhs.gov/uflpa-entity-list"
AUTHORITY = "US DHS FLETF"
LIST_NAME = "UFLPA Entity List"
LICENSE_REQUIREMENT = "Import into the United States prohibited (rebuttable presumption)."
LICENSE_POLICY = (
    "Goods mined, produced or manufactured wholly or in part by this entity are presumed "
    "to be made with forced labour and are barred from entry into the United States under "
    "19 U.S.C. 1307, unless CBP finds the presumption rebutted."
)

_NAME_HEADERS = ("name of entity", "entity name", "entity")
_DATE_HEADER = "effective date"
_FR_HEADER = "federal register"

_NUMBERS = {
    word: number
    for number, word in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"), start=1
    )
}
_COUNT = rf"(?:{'|'.join(_NUMBERS)}|\d+)"
_ALIAS_OPENER = re.compile(
    rf"^(?:(?:including|and)\s+{_COUNT}\s+alias(?:es)?\s*:|also known as\b|formerly known as\b)",
    re.I,
)
_ALIAS_MARKER = re.compile(
    rf"[,;]?\s*(?:and\s+)?(?P<label>(?:including|and)\s+{_COUNT}\s+alias(?:es)?\s*:"
    r"|also known as|formerly known as)\s*",
    re.I,
)
_SUBSIDIARIES = re.compile(
    r",?\s+and its\s+(?:(?P<count>\w+)\s+)?(?:[\w-]+-based\s+)?subsidiaries,?\s+which include\s+"
    r"(?P<subs>.+)$",
    re.I,
)
_ONE_SUBSIDIARY = re.compile(r",?\s+and its subsidiary\s+(?P<subs>.+)$", re.I)
_SCOPE = re.compile(
    r",?\s+and\s+(?:its\s+)?(?:subsidiaries|subordinate and affiliated entities)\s*$", re.I
)
# Commas inside legal forms ("Co., Ltd.") are not list separators.
_LEGAL_COMMA = re.compile(r",\s*(?=(?:Ltd|Inc|LLC|Limited|Co|Corp|S\.A|GmbH)\b)")
_COMPANY_WORDS = re.compile(
    r"\b(?:Co|Ltd|Inc|LLC|Limited|Corp|Corporation|Company|Group|GmbH)\b\.?", re.I
)
_LAST_UPDATED = re.compile(r"Last\s+Updated:?\s*(\d{1,2}/\d{1,2}/\d{4})", re.I)


@dataclass
class NameEntry:
    """What one name cell says: the party, its other names, and who else it names."""

    main: str
    aliases: list[str] = field(default_factory=list)
    former: list[str] = field(default_factory=list)
    subsidiaries: list[str] = field(default_factory=list)
    scope_note: str | None = None


def _split_names(text: str) -> list[str]:
    protected = _LEGAL_COMMA.sub("\x00", text)
    parts = protected.split(";") if ";" in protected else protected.split(",")
    names = []
    for part in parts:
        name = re.sub(r"^\s*and\s+", "", part).strip(" ,;").replace("\x00", ", ")
        if name:
            names.append(" ".join(name.split()))
    return names


def _to_count(names: list[str], label: str) -> list[str]:
    """ "including two aliases: A and B" has no separator but "and"; the count says to split."""
    word = re.search(rf"\b({_COUNT})\s+alias", label, re.I)
    if word is None:
        return names
    count = _NUMBERS.get(word.group(1).lower()) or int(word.group(1))
    if len(names) >= count:
        return names
    split = [part.strip() for name in names for part in re.split(r"\s+and\s+", name)]
    return split if len(split) == count else names


def _alias_group(text: str) -> tuple[int, int] | None:
    """Start and end of the "(including two aliases: ...)" group, nested parentheses allowed."""
    for match in re.finditer(r"\(", text):
        start = match.start()
        if not _ALIAS_OPENER.match(text[start + 1 :].lstrip()):
            continue
        depth = 0
        for index in range(start, len(text)):
            if text[index] == "(":
                depth += 1
            elif text[index] == ")":
                depth -= 1
                if depth == 0:
                    return start, index
        return None
    return None


def parse_name_cell(text: str) -> NameEntry:
    """Split a UFLPA name cell into the party and the names it carries.

    Handles the phrasings DHS uses: "(including three aliases: A; B; and C)",
    "(also known as A; and formerly known as B; C)", "and subsidiaries",
    "and its subordinate and affiliated entities", "and its subsidiary S",
    "and its eight Zhuhai-based subsidiaries, which include S1, ..., and S8".
    Anything else is kept whole as the party's name.
    """
    text = " ".join(text.split())
    entry = NameEntry(main=text)
    rest = text
    group = _alias_group(text)
    if group is not None:
        start, end = group
        entry.main = text[:start].strip(" ,")
        body = text[start + 1 : end]
        rest = text[end + 1 :]
        markers = list(_ALIAS_MARKER.finditer(body))
        for index, marker in enumerate(markers):
            chunk_end = markers[index + 1].start() if index + 1 < len(markers) else len(body)
            names = _split_names(body[marker.end() : chunk_end])
            names = _to_count(names, marker.group("label"))
            if marker.group("label").lower().startswith("formerly"):
                entry.former.extend(names)
            else:
                entry.aliases.extend(names)
    for pattern in (_SUBSIDIARIES, _ONE_SUBSIDIARY):
        match = pattern.search(rest)
        if match:
            subs = match.group("subs")
            entry.subsidiaries = (
                [" ".join(subs.split()).strip(" ,;")]
                if pattern is _ONE_SUBSIDIARY
                else _split_names(subs)
            )
            rest = rest[: match.start()]
            break
    scope = _SCOPE.search(rest)
    if scope:
        entry.scope_note = rest[scope.start() :].strip(" ,")
        rest = rest[: scope.start()]
    if group is None:
        entry.main = rest.strip(" ,")
    return entry


def _schema(name: str) -> str:
    return "Company" if _COMPANY_WORDS.search(name) else "Organization"


@dataclass
class _Builder:
    schema: str
    names: list[Name] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    raws: list[dict[str, Any]] = field(default_factory=list)


def _section_of(table: _Element) -> tuple[str, str] | None:
    """(description, section) from the line that introduces the table."""
    node = table.getprevious()
    for _ in range(3):
        if node is None or node.tag == "table":  # never borrow another table's heading
            return None
        strong = node.find(".//strong")
        link = node.find(".//a")
        if strong is not None and link is not None:
            return element_text(strong), element_text(link)
        node = node.getprevious()
    return None


def _column(header: list[str], wanted: tuple[str, ...]) -> int | None:
    for index, cell in enumerate(header):
        if any(cell.startswith(w) for w in wanted):
            return index
    return None


def parse_uflpa_html(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Every party on the UFLPA Entity List page, one entity per named party."""
    if len(files) != 1:
        raise SourceError(
            ", ".join(str(f) for f in files) or "(no file)",
            f"expected exactly one HTML file, got {len(files)}",
        )
    path = files[0]
    text = read_text(path)
    require_nonempty(path, text)
    check_html_closed(path, text)
    doc = html_document(path, text)

    builders: dict[str, _Builder] = {}
    tables_read = 0
    for t_index, table in enumerate(doc.iter("table"), start=1):
        header = [element_text(th).lower() for th in table.iter("th")]
        name_col = _column(header, _NAME_HEADERS)
        date_col = _column(header, (_DATE_HEADER,))
        if name_col is None or date_col is None:
            continue
        fr_col = _column(header, (_FR_HEADER,))
        section = _section_of(table)
        if section is None:
            raise SourceError(
                path,
                "entity table has no introducing line naming its list and UFLPA section",
                line=element_line(table),
                element=f"table[{t_index}]",
            )
        description, section_name = section
        tables_read += 1
        rows = [tr for tr in table.iter("tr") if tr.find("td") is not None]
        if not rows:
            raise SourceError(
                path,
                "entity table has no rows",
                line=element_line(table),
                element=f"table[{t_index}]",
            )
        for r_index, tr in enumerate(rows, start=1):
            element = f"table[{t_index}]/tr[{r_index}]"
            cells = [element_text(td) for td in tr.findall("td")]
            if len(cells) != len(header):
                raise SourceError(
                    path,
                    f"row has {len(cells)} cells, the table header has {len(header)}",
                    line=element_line(tr),
                    element=element,
                )
            name_text, date_text = cells[name_col], cells[date_col]
            if not name_text:
                raise SourceError(path, "empty entity name", line=element_line(tr), element=element)
            dates = long_dates(date_text)
            if not dates:
                raise SourceError(
                    path,
                    f"effective date {date_text!r} is not a date",
                    line=element_line(tr),
                    element=element,
                )
            notice = cells[fr_col] if fr_col is not None and cells[fr_col] else None
            raw = {
                "section": f"{description} - {section_name}",
                "name_of_entity": name_text,
                "effective_date": date_text,
                "federal_register_notice": notice,
            }
            listing = Listing(
                authority=AUTHORITY,
                list_name=LIST_NAME,
                programs=(f"UFLPA {section_name}",),
                listed_on=dates[0],
                license_requirement=LICENSE_REQUIREMENT,
                license_policy=LICENSE_POLICY,
                federal_register_notice=notice,
                source_url=SOURCE_URL,
                notes=(description,),
            )
            _add_row(builders, parse_name_cell(name_text), listing, raw)
    if tables_read == 0:
        raise SourceError(
            path,
            "no table headed 'Name of Entity' / 'Effective Date': not the UFLPA Entity List page",
        )
    entities = [
        Entity(
            id=f"{dataset}:{key}",
            dataset=dataset,
            schema=b.schema,
            names=unique(b.names),
            listings=unique(b.listings),
            relations=unique(b.relations),
            remarks=unique(b.remarks),
            source_url=SOURCE_URL,
            raw=b.raws[0] if len(b.raws) == 1 else {"entries": b.raws},
        )
        for key, b in builders.items()
    ]
    updated = _LAST_UPDATED.search(text)
    published_at = parse_date(updated.group(1)) if updated else None
    return ParsedRelease(entities=entities, published_at=published_at)


def _add_row(
    builders: dict[str, _Builder], entry: NameEntry, listing: Listing, raw: dict[str, Any]
) -> None:
    main = builders.setdefault(stable_id(entry.main), _Builder(schema=_schema(entry.main)))
    main.names.append(Name.make(entry.main))
    main.names.extend(Name.make(a, NameKind.ALIAS) for a in entry.aliases)
    main.names.extend(Name.make(f, NameKind.FORMER) for f in entry.former)
    main.listings.append(listing)
    main.raws.append(raw)
    if entry.scope_note:
        main.remarks.append(
            f"The listing covers {entry.main} {entry.scope_note}.".replace("..", ".")
        )
    for sub in entry.subsidiaries:
        main.relations.append(Relation(kind="parent of", target=sub))
        child = builders.setdefault(stable_id(sub), _Builder(schema=_schema(sub)))
        child.names.append(Name.make(sub))
        child.listings.append(listing)
        child.relations.append(Relation(kind="subsidiary of", target=entry.main))
        child.remarks.append(f"Listed as a subsidiary of {entry.main.rstrip('.')}.")
        child.raws.append(raw)
