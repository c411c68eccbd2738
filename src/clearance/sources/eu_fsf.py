"""EU Financial Sanctions Files (FSF): the consolidated list export, XML 1.1.

The European Commission publishes one XML file, root `export` in the namespace
http://eu.europa.ec/fpi/fsd/export, with one `sanctionEntity` per listed party.
Nearly everything is in attributes; every detail repeats a `regulationSummary`
naming the act that introduced it (we leave those out of `raw`: they are
bookkeeping, and the entity's `regulation` elements already name the acts).
Each entity has a permanent `logicalId`, our publisher id; its EU reference
number ("EU.27.28") goes into the listing notes.
"""

from __future__ import annotations

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

AUTHORITY = "European Union"
LIST_NAME = "EU Financial Sanctions Files (FSF)"

#: The namespace the Commission's export uses; the ".eu" spelling is accepted too,
#: as some documentation writes it that way.
NAMESPACES = ("http://eu.europa.ec/fpi/fsd/export", "http://eu.europa.eu/fpi/fsd/export")

_SCHEMA = {"person": "Person", "enterprise": "Organization"}

_ID_TYPES = {
    "passport": "passport",
    "id": "national_id",
    "ssn": "national_id",
    "fiscalcode": "tax_id",
    "regnumber": "registration",
    "swiftbic": "swift_bic",
    "imo": "imo",
}
_CONTACT_TYPES = {"PHONE": "phone", "FAX": "phone", "EMAIL": "email", "WEB": "website"}
_DOCUMENT_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")
_GENDER = {"M": "male", "F": "female"}


def parse_eu_fsf(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Read the FSF XML export(s) of one release into entities."""
    if not files:
        raise SourceError("<none>", "no file given for the EU FSF list")
    entities: list[Entity] = []
    warnings: list[str] = []
    published: list[str] = []
    seen: dict[str, int | None] = {}
    for path in files:
        root, ns = _load(path)
        date = parse_date(root.get("generationDate"))
        if date:
            published.append(date)
        records = root.findall(f"{{{ns}}}sanctionEntity")
        if not records:
            raise SourceError(path, "no sanctionEntity elements", element="export")
        for el in records:
            entity = _Reader(path, ns, el, warnings).entity(dataset)
            if entity.id in seen:
                raise SourceError(
                    path,
                    f"logicalId {el.get('logicalId')} appears twice "
                    f"(first at line {seen[entity.id]})",
                    line=element_line(el),
                    element="sanctionEntity",
                )
            seen[entity.id] = element_line(el)
            entities.append(entity)
    return ParsedRelease(
        entities=entities,
        published_at=max(published) if published else None,
        warnings=warnings,
    )


def _load(path: Path) -> tuple[etree._Element, str]:
    """Parse the file, insisting on UTF-8 XML whose root is the FSF `export`."""
    data = read_bytes(path)
    require_nonempty(path, data)
    reject_nul(path, data)
    decode_text(path, data, ("utf-8",))  # the export is UTF-8; anything else is damage
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(path, f"malformed XML: {exc.msg}", line=exc.lineno) from exc
    qname = etree.QName(root)
    if qname.localname != "export" or qname.namespace not in NAMESPACES:
        raise SourceError(
            path,
            f"not the EU FSF export: root element is <{root.tag}>, "
            f"expected <export> in namespace {NAMESPACES[0]}",
            line=element_line(root),
            element=qname.localname,
        )
    return root, str(qname.namespace)


def _clean(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


def _country(el: etree._Element) -> str | None:
    """The country an element names; "UNKNOWN"/"00" mean none.

    The description goes first: the export still writes "CS" for Serbia and
    Montenegro, which ISO now reads as Czechoslovakia.
    """
    description = _clean(el.get("countryDescription"))
    if description and description.upper() != "UNKNOWN":
        code = country_code(description)
        if code:
            return code
    iso = _clean(el.get("countryIso2Code"))
    return country_code(iso) if iso and iso != "00" else None


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


class _Reader:
    """Reads one sanctionEntity; holds the namespace so lookups stay short."""

    def __init__(self, path: Path, ns: str, el: etree._Element, warnings: list[str]) -> None:
        self.path, self.ns, self.el, self.warnings = path, ns, el, warnings

    def all(self, el: etree._Element, name: str) -> list[etree._Element]:
        return el.findall(f"{{{self.ns}}}{name}")

    def texts(self, el: etree._Element, name: str) -> list[str]:
        return [t for t in (_clean(x.text) for x in self.all(el, name)) if t]

    def fail(self, problem: str) -> SourceError:
        return SourceError(self.path, problem, line=element_line(self.el), element="sanctionEntity")

    def entity(self, dataset: str) -> Entity:
        el = self.el
        logical_id = _clean(el.get("logicalId"))
        if not logical_id:
            raise self.fail("sanctionEntity without logicalId")
        subject = self.all(el, "subjectType")
        code = _clean(subject[0].get("code")) if subject else ""
        schema = _SCHEMA.get(code.lower())
        if schema is None:
            raise self.fail(f"entity {logical_id}: unknown subjectType code {code!r}")
        entity_id = f"{dataset}:{logical_id}"

        names, titles, gender, remarks = self.names(schema == "Person")
        if not names:
            raise self.fail(f"entity {logical_id} has no nameAlias with a name")
        remarks = self.texts(el, "remark") + remarks

        countries = [
            Country(c, CountryRole.CITIZENSHIP)
            for c in (_country(x) for x in self.all(el, "citizenship"))
            if c
        ]
        birth_dates: list[str] = []
        birth_places: list[str] = []
        for birth in self.all(el, "birthdate"):
            birth_dates.extend(_birth_dates(birth))
            place = _join(
                _clean(birth.get("city")),
                _clean(birth.get("place")),
                _clean(birth.get("region")),
                _clean(birth.get("countryDescription")).replace("UNKNOWN", ""),
            )
            if place:
                birth_places.append(place)
            birth_country = _country(birth)
            if birth_country:
                countries.append(Country(birth_country, CountryRole.BIRTH))

        identifiers = [i for x in self.all(el, "identification") for i in self.identifiers(x)]
        addresses: list[Address] = []
        for node in self.all(el, "address"):
            address = _address(node)
            if address:
                addresses.append(address)
                if address.country:
                    countries.append(Country(address.country, CountryRole.ADDRESS))
            remarks += self.texts(node, "remark")
            for contact in self.all(node, "contactInfo"):
                kind = _CONTACT_TYPES.get(_clean(contact.get("key")).upper())
                value = _clean(contact.get("value"))
                if kind and value:
                    identifiers.append(Identifier(kind, value))

        return Entity(
            id=entity_id,
            dataset=dataset,
            schema=schema,
            names=names,
            birth_dates=unique(birth_dates),
            birth_places=unique(birth_places),
            gender=gender,
            countries=unique(countries),
            addresses=unique(addresses),
            identifiers=unique(identifiers),
            listings=(self.listing(),),
            titles=unique(titles),
            remarks=unique(remarks),
            raw=_raw(el),
        )

    def names(self, is_person: bool) -> tuple[tuple[Name, ...], list[str], str | None, list[str]]:
        """Names, titles/functions, gender and name remarks from the nameAlias elements.

        The primary name is the first strong one in Latin script (the export lists
        translations into EU languages beside it); strong="false" or a remark
        saying "low quality" makes a weak alias.
        """
        candidates: list[tuple[str, bool, str | None]] = []
        titles: list[str] = []
        remarks: list[str] = []
        gender: str | None = None
        for alias in self.all(self.el, "nameAlias"):
            value = _clean(alias.get("wholeName")) or " ".join(
                p
                for p in (_clean(alias.get(k)) for k in ("firstName", "middleName", "lastName"))
                if p
            )
            strong = _clean(alias.get("strong")).lower() != "false"
            for remark in self.texts(alias, "remark"):
                if "low quality" in remark.lower():
                    strong = False
                else:
                    remarks.append(remark)
            title, function = _clean(alias.get("title")), _clean(alias.get("function"))
            titles += [t for t in (title, function if is_person else "") if t]
            if function and not is_person:
                remarks.append(function)
            gender = gender or _GENDER.get(_clean(alias.get("gender")).upper())
            if value:
                lang = _clean(alias.get("nameLanguage")).lower() or None
                candidates.append((value, strong, lang))
        if not candidates:
            return (), titles, gender, remarks
        strong_ones = [c for c in candidates if c[1]]
        latin = [c for c in strong_ones if Name.make(c[0]).script in ("Latin", "Common")]
        primary = (latin or strong_ones or candidates)[0]
        names = [Name.make(primary[0], NameKind.PRIMARY, lang=primary[2])]
        for candidate in candidates:
            if candidate is primary:
                continue
            kind = NameKind.ALIAS if candidate[1] else NameKind.WEAK_ALIAS
            names.append(Name.make(candidate[0], kind, lang=candidate[2]))
        return unique(names), titles, gender, remarks

    def identifiers(self, node: etree._Element) -> list[Identifier]:
        code = _clean(node.get("identificationTypeCode"))
        kind = _ID_TYPES.get(code.lower(), "other")
        details = [_clean(node.get("identificationTypeDescription")) or code]
        details += [f for f in _DOCUMENT_FLAGS if node.get(f) == "true"]
        issued_by, issued = _clean(node.get("issuedBy")), _clean(node.get("issueDate"))
        details += [
            f"issued by {issued_by}" if issued_by else "",
            f"issued {issued}" if issued else "",
        ]
        details += self.texts(node, "remark")
        note = "; ".join(d for d in details if d) or None
        country = _country(node)
        values = unique(
            v for v in (_clean(node.get("number")), _clean(node.get("latinNumber"))) if v
        )
        return [Identifier(kind, value, country, note) for value in values]

    def listing(self) -> Listing:
        el = self.el
        regulations = sorted(
            self.all(el, "regulation"), key=lambda r: _clean(r.get("publicationDate"))
        )
        programs = unique(p for p in (_clean(r.get("programme")) for r in regulations) if p)
        dates = [d for d in (parse_date(r.get("publicationDate")) for r in regulations) if d]
        listed_on = parse_date(el.get("designationDate")) or (dates[0] if dates else None)
        notes: list[str] = []
        reference, un_id = _clean(el.get("euReferenceNumber")), _clean(el.get("unitedNationId"))
        if reference:
            notes.append(f"EU reference number: {reference}")
        if un_id:
            notes.append(f"UN reference number: {un_id}")
        urls: list[str] = []
        for regulation in regulations:
            title = _clean(regulation.get("numberTitle"))
            date = _clean(regulation.get("publicationDate"))
            if title:
                notes.append(f"Regulation {title}" + (f" of {date}" if date else ""))
            urls += self.texts(regulation, "publicationUrl")
        return Listing(
            authority=AUTHORITY,
            list_name=LIST_NAME,
            programs=programs,
            listed_on=listed_on,
            source_url=urls[0] if urls else None,
            notes=tuple(notes),
        )


def _birth_dates(birth: etree._Element) -> list[str]:
    """The full date if given, else what year/month/day parts exist, else a year range."""
    full = parse_date(birth.get("birthdate"))
    if full:
        return [full]
    year, month, day = (_clean(birth.get(k)) for k in ("year", "monthOfYear", "dayOfMonth"))
    if year.isdigit():
        iso = f"{int(year):04d}"
        if month.isdigit():
            iso += f"-{int(month):02d}"
            if day.isdigit():
                iso += f"-{int(day):02d}"
        parsed = parse_date(iso)
        return [parsed] if parsed else []
    start, end = _clean(birth.get("yearRangeFrom")), _clean(birth.get("yearRangeTo"))
    if start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) <= 20:
        return [f"{y:04d}" for y in range(int(start), int(end) + 1)]
    return []


def _address(node: etree._Element) -> Address | None:
    street, po_box = _clean(node.get("street")), _clean(node.get("poBox"))
    city, postal = _clean(node.get("city")), _clean(node.get("zipCode"))
    region, place = _clean(node.get("region")), _clean(node.get("place"))
    country_text = _clean(node.get("countryDescription")).replace("UNKNOWN", "")
    full = _join(street, f"PO Box {po_box}" if po_box else "", place, city, region, postal)
    full = _join(full, country_text)
    if not full:
        return None
    return Address(
        full=full,
        country=_country(node),
        street=street or None,
        city=city or None,
        postal_code=postal or None,
        region=region or None,
    )


def _raw(el: etree._Element) -> dict[str, Any]:
    """Attributes, text and children (by local name, as lists), minus regulationSummary."""
    out: dict[str, Any] = {str(k): str(v) for k, v in el.attrib.items() if v}
    text = _clean(el.text)
    if text:
        out["text"] = text
    for child in el:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name == "regulationSummary":
            continue
        out.setdefault(name, []).append(_raw(child))
    return out
