"""FCC Covered List: the official HTML table and OpenSanctions' CSV transcription of it.

The Covered List names equipment and services, not parties. A row becomes a
screenable party only where it names the company that produces or provides the
equipment; rows that cover a whole class of goods ("Routers produced in a
foreign country") name no one and are reported as warnings, not invented
entities. Both formats give a company the same id (a hash of its name), so a
user can switch between them without losing decisions.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
from lxml.etree import ParserError, _Element

from clearance.model import Entity, Listing, Name, Relation, unique
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.common import (
    element_line,
    parse_date,
    read_text,
    require_nonempty,
    stable_id,
)

SOURCE_URL = "https://www.fcc.gov/supplychain/coveredlist"
AUTHORITY = "US FCC"
LIST_NAME = "FCC Covered List"
PROGRAM = "Secure and Trusted Communications Networks Act of 2019"
LICENSE_REQUIREMENT = (
    "Equipment and services on the Covered List cannot be bought, obtained, maintained "
    "or supported with FCC universal-service (USF) funds."
)
LICENSE_POLICY = (
    "The FCC grants no new equipment authorizations for covered equipment, so it "
    "cannot be newly marketed or imported for sale in the United States."
)

HTML_HEADERS = ("covered equipment or services", "date of inclusion")
CSV_HEADER = ["covered_equipment_or_services", "date_of_inclusion_on_covered_list"]

_LONG_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{1,2}),\s*(\d{4})"
)
# "... produced by X, including ...", "... provided by X subject to ...",
# "... supplied, directly or indirectly, by X or any of ...": the party is the
# agent of the production/provision verb, up to the clause that follows it.
_PARTY = re.compile(
    r"\b(?:produced|provided|supplied)(?:,\s*directly or indirectly,)?\s+by\s+(?P<names>.+?)"
    r"(?=,?\s+(?:including|to the extent|subject to|or any of)\b)"
)
_SUBSIDIARY = re.compile(r"\s+and its (?:wholly[- ]owned\s+)?subsidiar(?:y|ies)\s+")


def long_dates(text: str) -> list[str]:
    """Every "March 12, 2021"-style date in the text, as ISO, in order of appearance.

    common.parse_date does not read the US long form, so it is rewritten to the
    "12 March 2021" form that parse_date knows.
    """
    found = []
    for month, day, year in _LONG_DATE.findall(text):
        iso = parse_date(f"{day} {month} {year}")
        if iso:
            found.append(iso)
    return found


def company_key(name: str) -> str:
    """The part of a company name the id hashes: trailing punctuation differs by format."""
    return name.strip().rstrip(".,;").strip()


def company_id(dataset: str, name: str) -> str:
    return f"{dataset}:{stable_id(company_key(name))}"


def _clean(text: str) -> str:
    return " ".join(text.split())


def element_text(element: _Element) -> str:
    """All text inside an element, whitespace collapsed (what a reader sees in the cell)."""
    return _clean(
        " ".join(t if isinstance(t, str) else t.decode("utf-8") for t in element.itertext())
    )


@dataclass
class _Row:
    """One Covered List entry, whichever file it came from."""

    description: str
    date_text: str
    companies: list[str]
    raw: dict[str, Any]
    line: int | None
    element: str | None = None

    @property
    def where(self) -> str:
        return " ".join(x for x in (self.element, f"line {self.line}" if self.line else None) if x)


@dataclass
class _Builder:
    names: list[str] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    raws: list[dict[str, Any]] = field(default_factory=list)


def _listing(dates: list[str], transcribed: bool) -> Listing:
    notes = [f"updated on the list {d}" for d in dates[1:]]
    if transcribed:
        notes.append("read from OpenSanctions' CSV transcription of the FCC table")
    return Listing(
        authority=AUTHORITY,
        list_name=LIST_NAME,
        programs=(PROGRAM,),
        listed_on=dates[0],
        license_requirement=LICENSE_REQUIREMENT,
        license_policy=LICENSE_POLICY,
        source_url=SOURCE_URL,
        notes=tuple(notes),
    )


def _entities(
    path: Path, rows: list[_Row], dataset: str, transcribed: bool
) -> tuple[list[Entity], list[str]]:
    builders: dict[str, _Builder] = {}
    warnings: list[str] = []
    for row in rows:
        dates = long_dates(row.date_text)
        if not dates:
            raise SourceError(
                path,
                f"no inclusion date in {row.date_text!r}",
                line=row.line,
                element=row.element,
            )
        if not row.companies:
            warnings.append(
                f"{path.name} ({row.where}): entry names no company, a class of equipment "
                f"only; not a screenable party, skipped: {row.description[:80]!r}"
            )
            continue
        for company in row.companies:
            builder = builders.setdefault(company_id(dataset, company), _Builder())
            builder.names.append(company)
            builder.listings.append(_listing(dates, transcribed))
            builder.remarks.append(row.description)
            builder.raws.append(row.raw)
            builder.relations.extend(
                Relation(kind="listed in the same entry as", target=other)
                for other in row.companies
                if other != company
            )
    entities = [
        Entity(
            id=entity_id,
            dataset=dataset,
            schema="Company",
            names=tuple(Name.make(n) for n in unique(b.names)),
            listings=unique(b.listings),
            relations=unique(b.relations),
            remarks=unique(b.remarks),
            source_url=SOURCE_URL,
            raw=b.raws[0] if len(b.raws) == 1 else {"entries": b.raws},
        )
        for entity_id, b in builders.items()
    ]
    return entities, warnings


def check_html_closed(path: Path, text: str) -> None:
    """lxml repairs a cut-off page silently, so check that what was opened is closed.

    Every <table> must be closed, and a whole page (one with <html>) must end
    with </html>; otherwise the download or copy was truncated.
    """
    # Comments may mention tags; blank them but keep their newlines for line numbers.
    lower = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S).lower()
    if (comment := lower.find("<!--")) >= 0:
        line = lower.count("\n", 0, comment) + 1
        raise SourceError(path, "truncated HTML: comment opened here is never closed", line=line)
    opened = [m.start() for m in re.finditer(r"<table\b", lower)]
    closed = lower.count("</table>")
    if len(opened) > closed:
        line = lower.count("\n", 0, opened[closed]) + 1
        raise SourceError(path, "truncated HTML: <table> opened here is never closed", line=line)
    if "<html" in lower and "</html>" not in lower:
        raise SourceError(
            path, "truncated HTML: the page never closes </html>", line=text.count("\n") + 1
        )


def html_document(path: Path, text: str) -> _Element:
    """The parsed page; a leading XML declaration (an XML file fed by mistake) is dropped
    so that the caller reports the missing table rather than an lxml quirk."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        return lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as exc:
        raise SourceError(path, f"not readable as HTML: {exc}") from exc


def _only_file(files: Sequence[Path], kind: str) -> Path:
    if len(files) != 1:
        raise SourceError(
            ", ".join(str(f) for f in files) or "(no file)",
            f"expected exactly one {kind} file, got {len(files)}",
        )
    return files[0]


def _html_rows(path: Path) -> list[_Row]:
    text = read_text(path)
    require_nonempty(path, text)
    check_html_closed(path, text)
    doc = html_document(path, text)
    for t_index, table in enumerate(doc.iter("table"), start=1):
        header = [element_text(th).lower() for th in table.iter("th")]
        if not (
            len(header) >= 2
            and header[0].startswith(HTML_HEADERS[0])
            and header[1].startswith(HTML_HEADERS[1])
        ):
            continue
        rows = []
        body_rows = [tr for tr in table.iter("tr") if tr.find("td") is not None]
        for r_index, tr in enumerate(body_rows, start=1):
            element = f"table[{t_index}]/tr[{r_index}]"
            cells = tr.findall("td")
            if len(cells) != 2:
                raise SourceError(
                    path,
                    f"row has {len(cells)} cells, the Covered List table has 2",
                    line=element_line(tr),
                    element=element,
                )
            description = element_text(cells[0])
            # The FCC sets each named company in bold; that markup is the table's
            # own statement of who is listed.
            companies = [element_text(b) for b in cells[0].iter("strong", "b") if element_text(b)]
            date_text = element_text(cells[1])
            rows.append(
                _Row(
                    description=description,
                    date_text=date_text,
                    companies=[c for c in unique(companies) if c],
                    raw={
                        "covered_equipment_or_services": description,
                        "date_of_inclusion_on_covered_list": date_text,
                    },
                    line=element_line(tr),
                    element=element,
                )
            )
        if not rows:
            raise SourceError(path, "the Covered List table has no rows", element="table")
        return rows
    raise SourceError(
        path,
        "no table headed 'Covered Equipment or Services' / 'Date of Inclusion on Covered "
        "List': not the FCC Covered List table",
    )


def parse_fcc_html(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """The FCC's own Covered List table (the HTML the FCC publishes)."""
    path = _only_file(files, "HTML")
    entities, warnings = _entities(path, _html_rows(path), dataset, transcribed=False)
    return ParsedRelease(entities=entities, published_at=None, warnings=warnings)


def companies_in(description: str) -> list[str]:
    """Company names in a plain-text entry, where its wording names them.

    The CSV drops the FCC's bold markup, so the names are read from the fixed
    phrasing of the entries ("produced by X, including ...").
    """
    match = _PARTY.search(description)
    if match is None:
        return []
    return [part.strip() for part in _SUBSIDIARY.split(match.group("names")) if part.strip()]


def _csv_rows(path: Path) -> list[_Row]:
    text = read_text(path)
    require_nonempty(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[_Row] = []
    header: list[str] | None = None
    start = 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not record:
                continue
            if header is None:
                header = [c.strip().lower() for c in record]
                if header != CSV_HEADER:
                    raise SourceError(
                        path,
                        f"header {record!r} is not the Covered List transcription's {CSV_HEADER!r}",
                        line=line,
                    )
                continue
            if len(record) != len(CSV_HEADER):
                raise SourceError(
                    path, f"row has {len(record)} fields, expected {len(CSV_HEADER)}", line=line
                )
            description, date_text = (_clean(v) for v in record)
            rows.append(
                _Row(
                    description=description,
                    date_text=date_text,
                    companies=companies_in(description),
                    raw=dict(zip(CSV_HEADER, record, strict=True)),
                    line=line,
                )
            )
    except csv.Error as exc:
        raise SourceError(path, f"malformed CSV: {exc}", line=reader.line_num) from exc
    if not rows:
        raise SourceError(path, "no rows after the header")
    return rows


def parse_fcc_csv(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """OpenSanctions' CSV transcription of the Covered List (not an FCC file)."""
    path = _only_file(files, "CSV")
    entities, warnings = _entities(path, _csv_rows(path), dataset, transcribed=True)
    return ParsedRelease(entities=entities, published_at=None, warnings=warnings)
