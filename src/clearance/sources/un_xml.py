"""UN Security Council Consolidated List, XML (consolidated.xml).

The UN publishes one XML file, root CONSOLIDATED_LIST, with INDIVIDUALS/INDIVIDUAL
and ENTITIES/ENTITY records. Each record carries its permanent DATAID, which we
use as the publisher id, and a REFERENCE_NUMBER (e.g. "QDi.428") that people
quote in correspondence, which goes into the listing's notes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from clearance.model import (
    Address,
    Country,
    CountryRole,
    Entity,
    Identifier,
    Listing,
    Name,
    NameKind,
    unique,
)
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.common import (
    country_code,
    decode_text,
    element_line,
    parse_date,
    read_bytes,
    reject_nul,
    require_nonempty,
)

AUTHORITY = "UN Security Council"
LIST_NAME = "UN Security Council Consolidated List"
SOURCE_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
ROOT = "CONSOLIDATED_LIST"

#: QUALITY as the UN writes it → how strongly a match on that alias counts.
_ALIAS_QUALITY = {
    "good": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "": NameKind.ALIAS,
    "low": NameKind.WEAK_ALIAS,
    "f.k.a.": NameKind.FORMER,
}

# xs:date may carry a time zone ("2015-04-07-04:00"); the date part is what counts.
_XS_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$")

_PASSPORT_WORDS = ("passport", "passeport", "pasaporte")
_NATIONAL_ID_WORDS = (
    "national identi",
    "identity card",
    "identification card",
    "identity number",
    "identity document",
    "tazkira",
    "civil identification",
    "personal identification",
    "national number",
    "identification number",
    "identification no",
    "social security",
)
_TAX_WORDS = ("fiscal code", "tax")
# Documents that name a person but are not state identity papers.
_OTHER_WORDS = (
    "birth",
    "ration",
    "driver",
    "voter",
    "student",
    "military",
    "serviceman",
    "resident",
)


def parse_un_xml(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Read the UN consolidated.xml file(s) of one release into entities."""
    if not files:
        raise SourceError("<none>", "no file given for the UN consolidated list")
    entities: list[Entity] = []
    warnings: list[str] = []
    published: list[str] = []
    seen: dict[str, tuple[Path, int | None]] = {}
    for path in files:
        root = _load(path)
        date = parse_date(root.get("dateGenerated"))
        if date:
            published.append(date)
        records = root.findall("INDIVIDUALS/INDIVIDUAL") + root.findall("ENTITIES/ENTITY")
        if not records:
            raise SourceError(path, "no INDIVIDUAL or ENTITY records", element=ROOT)
        for el in records:
            entity = _entity(path, el, dataset, warnings)
            if entity.id in seen:
                raise SourceError(
                    path,
                    f"DATAID {entity.id.split(':', 1)[1]} appears twice "
                    f"(first at line {seen[entity.id][1]})",
                    line=element_line(el),
                    element=str(el.tag),
                )
            seen[entity.id] = (path, element_line(el))
            entities.append(entity)
    return ParsedRelease(
        entities=entities,
        published_at=max(published) if published else None,
        warnings=warnings,
    )


def _load(path: Path) -> etree._Element:
    """Parse the file, insisting on UTF-8 XML whose root is CONSOLIDATED_LIST."""
    data = read_bytes(path)
    require_nonempty(path, data)
    reject_nul(path, data)
    decode_text(path, data, ("utf-8",))  # the UN publishes UTF-8; anything else is damage
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(path, f"malformed XML: {exc.msg}", line=exc.lineno) from exc
    if root.tag != ROOT:
        raise SourceError(
            path,
            f"not the UN consolidated list: root element is <{root.tag}>, expected <{ROOT}>",
            line=element_line(root),
            element=str(root.tag),
        )
    return root


def _text(el: etree._Element | None) -> str:
    if el is None or el.text is None:
        return ""
    return " ".join(el.text.split())


def _child(el: etree._Element, tag: str) -> str:
    return _text(el.find(tag))


def _values(el: etree._Element, tag: str) -> list[str]:
    return [v for v in (_text(x) for x in el.findall(f"{tag}/VALUE")) if v]


def _un_date(text: str) -> str | None:
    match = _XS_DATE.match(text)
    return parse_date(match.group(1) if match else text)


def _entity(path: Path, el: etree._Element, dataset: str, warnings: list[str]) -> Entity:
    tag = str(el.tag)
    is_person = tag == "INDIVIDUAL"
    dataid = _child(el, "DATAID")
    if not dataid:
        raise SourceError(path, "record without DATAID", line=element_line(el), element=tag)
    entity_id = f"{dataset}:{dataid}"

    names = _names(el, is_person)
    if not names:
        raise SourceError(path, f"record {dataid} has no name", line=element_line(el), element=tag)

    birth_dates: list[str] = []
    birth_places: list[str] = []
    countries: list[Country] = []
    for dob in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        birth_dates.extend(_birth_dates(dob))
    for alias in el.findall("INDIVIDUAL_ALIAS"):
        # Some aliases are whole alternative identities with their own birth data.
        alias_dob = _un_date(_child(alias, "DATE_OF_BIRTH"))
        if alias_dob:
            birth_dates.append(alias_dob)
        place = _join(_child(alias, "CITY_OF_BIRTH"), _child(alias, "COUNTRY_OF_BIRTH"))
        if place:
            birth_places.append(place)
        code = country_code(_child(alias, "COUNTRY_OF_BIRTH"))
        if code:
            countries.append(Country(code, CountryRole.BIRTH))
    for pob in el.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
        place = _join(
            _child(pob, "STREET"),
            _child(pob, "CITY"),
            _child(pob, "STATE_PROVINCE"),
            _child(pob, "COUNTRY"),
        )
        if place:
            birth_places.append(place)
        code = country_code(_child(pob, "COUNTRY"))
        if code:
            countries.append(Country(code, CountryRole.BIRTH))

    for value in _values(el, "NATIONALITY"):
        code = country_code(value)
        if code:
            countries.append(Country(code, CountryRole.NATIONALITY))
        else:
            warnings.append(f"{entity_id}: unknown nationality {value!r}")

    addresses = [a for a in (_address(x) for x in el.findall(f"{tag}_ADDRESS")) if a]
    countries.extend(Country(a.country, CountryRole.ADDRESS) for a in addresses if a.country)

    identifiers: list[Identifier] = []
    remarks: list[str] = []
    for doc in el.findall("INDIVIDUAL_DOCUMENT"):
        ident, remark = _document(doc)
        if ident:
            identifiers.append(ident)
        if remark:
            remarks.append(remark)
    comments = _child(el, "COMMENTS1")
    if comments:
        remarks.insert(0, comments)

    reference = _child(el, "REFERENCE_NUMBER")
    program = _child(el, "UN_LIST_TYPE")
    listing = Listing(
        authority=AUTHORITY,
        list_name=LIST_NAME,
        programs=(program,) if program else (),
        listed_on=_un_date(_child(el, "LISTED_ON")),
        source_url=SOURCE_URL,
        notes=(f"UN reference number: {reference}",) if reference else (),
    )
    gender = _child(el, "GENDER").lower()
    return Entity(
        id=entity_id,
        dataset=dataset,
        schema="Person" if is_person else "Organization",
        names=names,
        birth_dates=unique(birth_dates),
        birth_places=unique(birth_places),
        gender=gender if gender in ("male", "female") else None,
        countries=unique(countries),
        addresses=unique(addresses),
        identifiers=unique(identifiers),
        listings=(listing,),
        titles=unique(_values(el, "TITLE") + _values(el, "DESIGNATION")),
        remarks=unique(remarks),
        raw=_raw(el),
    )


def _names(el: etree._Element, is_person: bool) -> tuple[Name, ...]:
    """The primary name as the UN writes it, its original script, then aliases."""
    parts = [_child(el, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    names: list[Name] = []
    primary = " ".join(p for p in parts if p)
    if primary:
        names.append(Name.make(primary, NameKind.PRIMARY))
    native = _child(el, "NAME_ORIGINAL_SCRIPT")
    if native:
        names.append(Name.make(native, NameKind.NATIVE))
    alias_tag = "INDIVIDUAL_ALIAS" if is_person else "ENTITY_ALIAS"
    for alias in el.findall(alias_tag):
        value = _child(alias, "ALIAS_NAME")
        if not value:
            continue
        quality = _child(alias, "QUALITY").lower()
        names.append(Name.make(value, _ALIAS_QUALITY.get(quality, NameKind.ALIAS)))
    return unique(names)


def _birth_dates(dob: etree._Element) -> list[str]:
    kind = _child(dob, "TYPE_OF_DATE").upper()
    if kind == "BETWEEN":
        start, end = _child(dob, "FROM_YEAR"), _child(dob, "TO_YEAR")
        if start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) <= 20:
            return [f"{year:04d}" for year in range(int(start), int(end) + 1)]
        return [d for d in (parse_date(start), parse_date(end)) if d]
    for tag in ("DATE", "YEAR", "NOTE"):
        value = _un_date(_child(dob, tag))
        if value:
            return [value]
    return []


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _address(el: etree._Element) -> Address | None:
    street, city = _child(el, "STREET"), _child(el, "CITY")
    region, postal = _child(el, "STATE_PROVINCE"), _child(el, "ZIP_CODE")
    country = _child(el, "COUNTRY")
    full = _join(street, city, region, postal, country)
    if not full:
        return None
    return Address(
        full=full,
        country=country_code(country),
        street=street or None,
        city=city or None,
        postal_code=postal or None,
        region=region or None,
    )


def _classify(text: str) -> str | None:
    lowered = text.lower()
    if any(w in lowered for w in _OTHER_WORDS):
        return "other"
    if any(w in lowered for w in _PASSPORT_WORDS):
        return "passport"
    if any(w in lowered for w in _TAX_WORDS):
        return "tax_id"
    if any(w in lowered for w in _NATIONAL_ID_WORDS):
        return "national_id"
    return None


def _document_type(kind: str, detail: str) -> str:
    """IDENTIFIER_TYPES for a document: the free-text detail wins over the coarse type."""
    return _classify(detail) or _classify(kind) or "other"


def _document(el: etree._Element) -> tuple[Identifier | None, str | None]:
    """A travel or identity document; without a number its note becomes a remark."""
    kind, detail = _child(el, "TYPE_OF_DOCUMENT"), _child(el, "TYPE_OF_DOCUMENT2")
    number, note = _child(el, "NUMBER"), _child(el, "NOTE")
    if not (kind or detail or number or note):
        return None, None
    if not number:
        label = detail or kind or "Document"
        return None, f"{label}: {note}" if note else None
    country = _child(el, "ISSUING_COUNTRY") or _child(el, "COUNTRY_OF_ISSUE")
    issued = _child(el, "DATE_OF_ISSUE")
    city = _child(el, "CITY_OF_ISSUE")
    details = [
        detail or kind,
        f"issued {issued}" if issued else "",
        f"in {city}" if city else "",
        note,
    ]
    ident = Identifier(
        type=_document_type(kind, detail),
        value=number,
        country=country_code(country),
        note="; ".join(d for d in details if d) or None,
    )
    return ident, None


def _raw(el: etree._Element) -> dict[str, Any]:
    """The record as nested dicts/lists of its non-empty text, for display."""
    out: dict[str, Any] = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        value: Any = _raw(child) if len(child) else (child.text or "").strip()
        if not value:
            continue
        if child.tag in out:
            previous = out[child.tag]
            out[child.tag] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            out[child.tag] = value
    return out
