"""OFAC's classic XML (the `sdnList` schema of SDN.XML and CONSOLIDATED.XML).

OFAC publishes the same list in several formats; this one is compact and carries
the structured fields (ids, addresses, birth dates) that the legacy CSV buries in a
remarks string. The module also holds what the Enhanced XML parser shares with it:
streaming the file (plain, gzip or zip) with lxml and turning syntax errors into
SourceError, and the table that sorts OFAC's "ID" labels into identifiers,
countries and sanction notes, because the classic `idList` mixes all three.

Which list a file is: the sdnList root looks the same for both publications, so
`list_name` is decided from the file name first (a name containing "CONS" is the
Non-SDN Consolidated List, "SDN" the SDN List), and only for other names from
the programs: a file with a program that exists only on non-SDN lists (NS-*,
FSE-*, CMIC-EO13959, CAPTA) is the consolidated list, otherwise the SDN list.
"""

from __future__ import annotations

import dataclasses
import gzip
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

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
    Relation,
    unique,
)
from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.common import country_code, element_line, parse_date

line_of = element_line  # the name the OFAC modules use

AUTHORITY = "US Treasury OFAC"
SDN_LIST = "SDN List"
CONS_LIST = "Non-SDN Consolidated List"
_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
SDN_XML_URL = _EXPORTS + "SDN.XML"
CONS_XML_URL = _EXPORTS + "CONSOLIDATED.XML"
#: OFAC's page for one listed party, by its uid / entity id.
DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"

SCHEMA_BY_TYPE = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Aircraft",
}

#: Root elements of formats someone may feed us by mistake, to say what the file is.
_KNOWN_ROOTS = {
    "sdnList": "OFAC classic XML (SDN.XML / CONSOLIDATED.XML)",
    "sanctionsData": "OFAC Enhanced XML (SDN_ENHANCED.XML / CONS_ENHANCED.XML)",
    "Sanctions": "OFAC Advanced XML (SDN_ADVANCED.XML)",
    "CONSOLIDATED_LIST": "the UN Security Council consolidated list",
    "export": "the EU financial sanctions file",
}

_NON_SDN_PROGRAM = re.compile(r"^(NS-|FSE-|CMIC-EO13959$|CAPTA)", re.I)
_LINKED_TO = re.compile(r"Linked To:\s*((?:[^;()]|\([^()]*\))+)")


# --------------------------------------------------------------------------------------
# Reading the bytes: plain, gzip or zip, with the encoding checked against the declaration


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def open_stream(path: Path) -> IO[bytes]:
    """The file as a binary stream, gunzipped on the fly (no whole-file copy in memory)."""
    try:
        handle: IO[bytes] = path.open("rb")
    except OSError as exc:
        raise SourceError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if handle.read(2) == b"\x1f\x8b":
        handle.seek(0)
        return cast(IO[bytes], gzip.GzipFile(fileobj=handle, mode="rb"))
    handle.seek(0)
    return handle


def _head(opener: Callable[[], IO[bytes]], label: str) -> bytes:
    try:
        with opener() as handle:
            return handle.read(1024)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise SourceError(label, f"cannot read file: {exc}") from exc


_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)""")


def check_xml_head(label: str, head: bytes) -> None:
    """Reject an empty file, and bytes whose encoding contradicts the XML declaration.

    libxml2 trusts a UTF-16 byte-order mark over a declaration saying utf-8, so a
    re-encoded file would parse without complaint; OFAC publishes UTF-8 only, and a
    file that is not in the encoding it declares (none declared means UTF-8) has been
    altered after download.
    """
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise SourceError(label, "file is empty")
    detected: str | None = None
    codec = "utf-8"
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        detected, codec = "UTF-32", "utf-32"
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        detected, codec = "UTF-16", "utf-16"
    elif head[:1] == b"\x00" or head[1:2] == b"\x00":
        detected = "UTF-16 (no byte-order mark)"
        codec = "utf-16-be" if head[:1] == b"\x00" else "utf-16-le"
    text = head.decode(codec, errors="replace").lstrip("\ufeff")
    match = _DECLARED.match(text)
    declared = match.group(1) if match else None
    norm = (declared or "utf-8").lower().replace("-", "").replace("_", "")
    if detected is not None and not norm.startswith(("utf16", "utf32", "ucs")):
        says = f"says encoding={declared!r}" if declared else "declares no encoding (so UTF-8)"
        raise SourceError(
            label,
            f"the bytes are {detected} but the XML declaration {says}; "
            "OFAC publishes UTF-8, so the file was re-encoded after download",
            line=1,
        )
    if detected is None and norm.startswith(("utf16", "utf32", "ucs")):
        raise SourceError(
            label, f"the XML declaration says encoding={declared!r} but the bytes are not", line=1
        )
    if not text.lstrip().startswith("<"):
        raise SourceError(label, "not an XML file (does not start with '<')", line=1)


@contextmanager
def xml_sources(path: Path) -> Iterator[list[tuple[str, Callable[[], IO[bytes]]]]]:
    """The XML documents in a published file: itself, or each .xml member of a zip.

    Yields (label, opener) pairs; the label names the zip member (`X.ZIP!X.XML`) so
    that an error points at the right file. The zip stays open for the block.
    """
    try:
        with path.open("rb") as probe:
            magic = probe.read(4)
    except OSError as exc:
        raise SourceError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if magic[:2] != b"PK":
        if path.suffix.lower() == ".zip" and magic[:1] not in (b"<", b"\xef", b"\xff", b"\xfe"):
            raise SourceError(path, "not a zip archive (corrupt or wrong file)")
        yield [(str(path), lambda: open_stream(path))]
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SourceError(path, f"corrupt zip archive: {exc}") from exc
    with archive:
        members = [
            info.filename
            for info in archive.infolist()
            if not info.is_dir() and info.filename.lower().endswith(".xml")
        ]
        if not members:
            names = ", ".join(archive.namelist()) or "nothing"
            raise SourceError(path, f"zip archive holds no .xml file (it holds {names})")
        yield [(f"{path}!{member}", _member_opener(archive, member)) for member in members]


def _member_opener(archive: zipfile.ZipFile, member: str) -> Callable[[], IO[bytes]]:
    return lambda: archive.open(member)


def iter_records(
    opener: Callable[[], IO[bytes]],
    label: str,
    *,
    root: str,
    records: Mapping[str, str],
) -> Iterator[etree._Element]:
    """Stream the finished elements named in `records` (local name -> parent's local name).

    Namespaces are ignored (SDN.XML and CONSOLIDATED.XML use different ones). Each
    element is cleared once the caller is done with it, so memory stays flat on the
    100 MB SDN files. Any syntax, truncation or encoding error becomes a SourceError
    with the line; a file whose root is not `root` is rejected at its first element.
    """
    check_xml_head(label, _head(opener, label))
    try:
        with opener() as handle:
            events = etree.iterparse(
                handle,
                events=("start", "end"),
                resolve_entities=False,
                no_network=True,
                remove_comments=True,
            )
            seen_root = False
            for event, element in events:
                if not seen_root:
                    seen_root = True
                    name = _local(element.tag)
                    if name != root:
                        what = _KNOWN_ROOTS.get(name, "an unknown format")
                        raise SourceError(
                            label,
                            f"root element is <{name}>, expected <{root}>: this looks like {what}",
                            line=line_of(element),
                            element=name,
                        )
                    continue
                if event != "end":
                    continue
                parent = element.getparent()
                if parent is None or records.get(_local(element.tag)) != _local(parent.tag):
                    continue
                yield element
                element.clear()
                while element.getprevious() is not None:
                    del parent[0]
            if not seen_root:
                raise SourceError(label, "no XML element found")
    except etree.XMLSyntaxError as exc:
        message = re.sub(r"\s*\([^()]*, line \d+\)$", "", str(exc))
        problem = "file is truncated" if "Premature end of data" in message else "malformed XML"
        raise SourceError(label, f"{problem}: {message}", line=exc.lineno) from exc
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise SourceError(label, f"cannot read file: {exc}") from exc


# --------------------------------------------------------------------------------------
# Small element helpers and the raw record


def text_of(element: etree._Element, child: str) -> str | None:
    """Stripped text of the first child with this local name, None when absent or blank."""
    value = element.findtext("{*}" + child)
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def texts_of(element: etree._Element, path: str) -> list[str]:
    """Stripped texts of every element at `path` (local names separated by '/')."""
    xpath = "/".join("{*}" + part for part in path.split("/"))
    values = (" ".join((el.text or "").split()) for el in element.iterfind(xpath))
    return [value for value in values if value]


def element_to_dict(element: etree._Element, containers: Callable[[str], bool]) -> Any:
    """A JSON-ready copy of an element: the publisher's record kept for display.

    Children become keys by local name; `containers` says which elements are lists
    (so one alias is still a list of one); attributes are "@name", text beside
    attributes is "#text".
    """
    attrs = {"@" + _local(key): str(value) for key, value in element.attrib.items()}
    children = [child for child in element if isinstance(child.tag, str)]
    if containers(_local(element.tag)):
        return [element_to_dict(child, containers) for child in children]
    if not children:
        text = " ".join((element.text or "").split())
        if not attrs:
            return text
        return {**attrs, "#text": text} if text else attrs
    out: dict[str, Any] = dict(attrs)
    for child in children:
        key = _local(child.tag)
        value = element_to_dict(child, containers)
        if key not in out:
            out[key] = value
        elif isinstance(out[key], list) and not containers(key):
            out[key].append(value)
        else:
            out[key] = [out[key], value]
    return out


def country_of(text: str | None) -> str | None:
    """country_code(), also for OFAC's "Region: Crimea" style pseudo-countries."""
    if text is None:
        return None
    code = country_code(text)
    if code is None and ":" in text:
        code = country_code(text.split(":", 1)[1])
    return code


def dates_of(text: str | None) -> list[str]:
    """ISO dates for an OFAC date text; both ends for "1962 to 1964"; [] if unreadable."""
    if not text:
        return []
    single = parse_date(text)
    if single:
        return [single]
    parts = [parse_date(part) for part in re.split(r"\s+to\s+", text.strip(), flags=re.I)]
    if len(parts) == 2 and all(parts):
        return [p for p in parts if p]
    return []


# --------------------------------------------------------------------------------------
# OFAC's labels: which are identifiers (of which type), countries, notes


#: OFAC identifier labels by our IDENTIFIER_TYPES type, "|"-separated, lower case.
_IDENTIFIER_TABLE = """
national_id: national id no. | cedula no. | d.n.i. | ssn | c.u.r.p. | bosnian personal id no.
  | kenyan id no. | moroccan personal id no. | personal id card | turkish identification number
  | cnp (personal numerical code) | tazkira national id card | uae identification
  | citizen's card number | identification number | numero de identidad
  | national foreign id number | n.i.e. | c.i.n. | stateless person id card | refugee id card
tax_id: tax id no. | rfc | r.f.c. | nit # | ruc # | c.u.i.t. | c.i.f. | rif # | us fein
  | italian fiscal code | fiscal code | v.a.t. number | n.i.f. | rtn | c.u.i. | rsin
  | paraguayan tax identification number | romanian tax registration
  | numero unico de identificacao tributaria (nuit)
uscc: unified social credit code (uscc) | united social credit code certificate (usccc)
registration: registration id | registration number | business registration number
  | business registration document # | company number | uk company number
  | commercial registry number | certificate of incorporation number | c.r. no. | romanian c.r.
  | public registration number | government gazette number | chamber of commerce number
  | trade license no. | registered charity no. | business number | enterprise number
  | organization code | matricula mercantil no | folio mercantil no.
  | istanbul chamber of comm. no. | dubai chamber of commerce membership no.
  | registration certificate number (dubai) | central registration system number
  | economic register number (cbls) | branch unit number | le number | msb registration number
  | russian state individual business registration number pattern (ogrnip)
lei: legal entity number
swift_bic: swift/bic
isin: isin
imo: vessel registration identification | imo number
mmsi: mmsi
email: email address
website: website
phone: phone number | telephone | fax
aircraft_tail: aircraft tail number | previous aircraft tail number
"""
_IDENTIFIER_LABELS = {
    label.strip(): kind.strip()
    for kind, labels in re.findall(r"^(\w+):((?:.*\n?)(?:^ +\|.*\n?)*)", _IDENTIFIER_TABLE, re.M)
    for label in labels.replace("\n", " ").split("|")
}

_COUNTRY_LABELS = {
    "nationality country": CountryRole.NATIONALITY,
    "citizenship country": CountryRole.CITIZENSHIP,
    "nationality of registration": CountryRole.FLAG,
    "registration country": CountryRole.JURISDICTION,
    "vessel flag": CountryRole.FLAG,
    "former vessel flag": CountryRole.OTHER,
    "other vessel flag": CountryRole.OTHER,
}

#: Labels that qualify the sanction itself (directives, secondary sanctions, CMIC dates):
#: kept as Listing.notes, worded as OFAC's CSV remarks word them ("Label value").
_SANCTION_NOTE_PREFIXES = (
    "secondary sanctions risk",
    "additional sanctions information",
    "executive order",
    "caatsa",
    "ifca",
    "peesa",
    "paipa",
    "transactions prohibited",
    "listing date",
    "effective date",
    "purchase/sales for divestment",
)

#: Descriptive facts with no field of their own: appended to Entity.remarks.
_REMARK_LABELS = (
    "organization established date",
    "organization type",
    "target type",
    "issuer name",
    "vessel year of build",
    "vessel type",
    "other vessel type",
    "vessel tonnage",
    "vessel gross registered tonnage",
    "vessel owner",
    "aircraft model",
    "aircraft operator",
    "aircraft manufacture date",
    "location",
)


@dataclasses.dataclass(frozen=True)
class LabelKind:
    """What an OFAC label (idType / feature type / document type) stands for."""

    kind: str  # identifier | country | gender | birth_date | birth_place | title | note | remark
    identifier_type: str | None = None
    role: CountryRole | None = None


def classify_label(label: str) -> LabelKind:
    """Sort one OFAC label; anything unknown is an identifier of type "other".

    Unknown labels are kept as identifiers (with the label as note) rather than
    dropped, because new OFAC labels have so far been mostly new document kinds.
    """
    key = " ".join(label.lower().split())
    if key in _IDENTIFIER_LABELS:
        return LabelKind("identifier", _IDENTIFIER_LABELS[key])
    if "passport" in key:
        return LabelKind("identifier", "passport")
    if key.startswith("digital currency address"):
        return LabelKind("identifier", "crypto_wallet")
    if key.startswith(("aircraft manufacturer", "aircraft construction number")):
        return LabelKind("identifier", "aircraft_serial")
    if key in _COUNTRY_LABELS:
        return LabelKind("country", role=_COUNTRY_LABELS[key])
    if key in ("gender", "birthdate", "place of birth", "title"):
        return LabelKind({"birthdate": "birth_date", "place of birth": "birth_place"}.get(key, key))
    if key.startswith(_SANCTION_NOTE_PREFIXES):
        return LabelKind("note")
    if key.rstrip(":").strip() in _REMARK_LABELS:
        return LabelKind("remark")
    return LabelKind("identifier", "other")


def make_identifier(
    kind: str, label: str, value: str, country: str | None, valid: bool = True
) -> Identifier:
    """An Identifier keeping OFAC's label as note; IMO numbers lose their "IMO " prefix."""
    if kind == "imo":
        value = re.sub(r"^IMO\s*", "", value, flags=re.I)
    note = label if valid else f"{label} (marked not valid by OFAC)"
    return Identifier(type=kind, value=value, country=country, note=note)


def labelled(label: str, value: str) -> str:
    """OFAC's own wording of a feature in its CSV remarks: "Label value"."""
    return f"{label} {value}"


def person_caption(last: str | None, first: str | None) -> str | None:
    """OFAC's CSV form of a person's name: "LAST, First"."""
    if last and first:
        return f"{last}, {first}"
    return last or first


def merge_entity(entities: dict[str, Entity], entity: Entity) -> None:
    """Add an entity; the same id in two files (SDN.XML and CONSOLIDATED.XML) merges listings.

    (The same id twice within one file is a broken file; each parser rejects that.)
    """
    previous = entities.get(entity.id)
    if previous is None:
        entities[entity.id] = entity
    else:
        listings = unique(previous.listings + entity.listings)
        entities[entity.id] = dataclasses.replace(previous, listings=listings)


def latest_date(dates: list[str], warnings: list[str]) -> str | None:
    distinct = sorted(set(dates))
    if len(distinct) > 1:
        warnings.append(f"files state different publication dates: {', '.join(distinct)}")
    return distinct[-1] if distinct else None


# --------------------------------------------------------------------------------------
# The classic sdnList parser


def _list_name(label: str, programs: set[str]) -> str:
    name = Path(label.split("!")[-1]).name.upper()
    if "CONS" in name:
        return CONS_LIST
    if "SDN" in name:
        return SDN_LIST
    return CONS_LIST if any(_NON_SDN_PROGRAM.match(p) for p in programs) else SDN_LIST


class _EntryReader:
    """Turns one <sdnEntry> into an Entity; collects warnings for the release."""

    def __init__(self, label: str, dataset: str, warnings: list[str]) -> None:
        self.label = label
        self.dataset = dataset
        self.warnings = warnings

    def error(self, entry: etree._Element, problem: str) -> SourceError:
        uid = text_of(entry, "uid")
        return SourceError(self.label, problem, line=line_of(entry), element=f"sdnEntry uid={uid}")

    def country(self, text: str | None, uid: str) -> str | None:
        code = country_of(text)
        if text and code is None:
            self.warnings.append(f"{self.label}: sdnEntry {uid}: unknown country {text!r}")
        return code

    def read(self, entry: etree._Element) -> tuple[Entity, list[str]]:
        """The entity, with a placeholder listing name, and its programs."""
        uid = text_of(entry, "uid")
        if not uid:
            raise self.error(entry, "sdnEntry without <uid>")
        sdn_type = text_of(entry, "sdnType")
        schema = SCHEMA_BY_TYPE.get((sdn_type or "").lower())
        if schema is None:
            raise self.error(entry, f"unknown sdnType {sdn_type!r}")
        is_person = schema == "Person"

        def caption(element: etree._Element) -> str | None:
            last, first = text_of(element, "lastName"), text_of(element, "firstName")
            return person_caption(last, first) if is_person else (last or first)

        primary = caption(entry)
        if not primary:
            raise self.error(entry, "sdnEntry without <lastName>")
        names = [Name.make(primary)]
        for aka in entry.iterfind("{*}akaList/{*}aka"):
            value = caption(aka)
            if not value:
                raise self.error(entry, "aka without a name")
            names.append(Name.make(value, self.name_kind(aka, uid)))

        countries: list[Country] = []
        identifiers: list[Identifier] = []
        notes: list[str] = []
        remarks: list[str] = texts_of(entry, "remarks")
        relations = [
            Relation("Linked To", target.strip())
            for remark in remarks
            for target in _LINKED_TO.findall(remark)
        ]
        titles = texts_of(entry, "title")
        gender: str | None = None
        for item in entry.iterfind("{*}idList/{*}id"):
            label, value = text_of(item, "idType"), text_of(item, "idNumber")
            if not label or not value:
                raise self.error(entry, "id without <idType> or <idNumber>")
            what = classify_label(label)
            if what.kind == "identifier":
                code = self.country(text_of(item, "idCountry"), uid)
                identifiers.append(
                    make_identifier(what.identifier_type or "other", label, value, code)
                )
            elif what.kind == "country" and what.role is not None:
                if code := self.country(value, uid):
                    countries.append(Country(code, what.role))
            elif what.kind == "gender":
                gender = value.lower()
            elif what.kind == "title":
                titles.append(value)
            elif what.kind == "note":
                notes.append(labelled(label, value))
            else:
                remarks.append(labelled(label, value))

        for path, role in (
            ("nationalityList/nationality", CountryRole.NATIONALITY),
            ("citizenshipList/citizenship", CountryRole.CITIZENSHIP),
        ):
            for item in entry.iterfind("/".join("{*}" + p for p in path.split("/"))):
                if code := self.country(text_of(item, "country"), uid):
                    countries.append(Country(code, role))

        addresses: list[Address] = []
        for item in entry.iterfind("{*}addressList/{*}address"):
            address = self.address(item, uid)
            if address is not None:
                addresses.append(address)
                if address.country:
                    countries.append(Country(address.country, CountryRole.ADDRESS))

        birth_dates: list[str] = []
        for text in texts_of(entry, "dateOfBirthList/dateOfBirthItem/dateOfBirth"):
            parsed = dates_of(text)
            if not parsed:
                self.warnings.append(f"{self.label}: sdnEntry {uid}: unreadable date {text!r}")
            birth_dates.extend(parsed)
        birth_places = texts_of(entry, "placeOfBirthList/placeOfBirthItem/placeOfBirth")

        vessel = entry.find("{*}vesselInfo")
        if vessel is not None:
            flag = self.country(text_of(vessel, "vesselFlag"), uid)
            if flag:
                countries.append(Country(flag, CountryRole.FLAG))
            if call_sign := text_of(vessel, "callSign"):
                identifiers.append(Identifier("call_sign", call_sign))
            if owner := text_of(vessel, "vesselOwner"):
                relations.append(Relation("Vessel Owner", owner))

        programs = unique(texts_of(entry, "programList/program"))
        raw = element_to_dict(entry, lambda name: name.endswith("List"))
        entity = Entity(
            id=f"{self.dataset}:{uid}",
            dataset=self.dataset,
            schema=schema,
            names=unique(names),
            birth_dates=unique(birth_dates),
            birth_places=unique(birth_places),
            gender=gender,
            countries=unique(countries),
            addresses=unique(addresses),
            identifiers=unique(identifiers),
            listings=(Listing(AUTHORITY, "", programs=programs, notes=unique(notes)),),
            relations=unique(relations),
            titles=unique(titles),
            remarks=unique(remarks),
            source_url=DETAILS_URL.format(uid),
            raw=raw,
        )
        return entity, list(programs)

    def name_kind(self, aka: etree._Element, uid: str) -> NameKind:
        if (text_of(aka, "category") or "").lower() == "weak":
            return NameKind.WEAK_ALIAS
        kind = (text_of(aka, "type") or "a.k.a.").lower()
        known = {"a.k.a.": NameKind.ALIAS, "f.k.a.": NameKind.FORMER, "n.k.a.": NameKind.NEW}
        if kind not in known:
            self.warnings.append(f"{self.label}: sdnEntry {uid}: unknown alias type {kind!r}")
        return known.get(kind, NameKind.ALIAS)

    def address(self, item: etree._Element, uid: str) -> Address | None:
        street = (
            ", ".join(v for v in (text_of(item, f"address{i}") for i in (1, 2, 3)) if v) or None
        )
        city, state = text_of(item, "city"), text_of(item, "stateOrProvince")
        postal, country = text_of(item, "postalCode"), text_of(item, "country")
        region = text_of(item, "region")
        parts = [street, city, state, postal, region, country]
        full = ", ".join(p for p in parts if p)
        if not full:
            return None
        return Address(
            full=full,
            country=self.country(country, uid),
            street=street,
            city=city,
            postal_code=postal,
            region=state or region,
        )


def _parse_document(
    label: str,
    opener: Callable[[], IO[bytes]],
    dataset: str,
    warnings: list[str],
) -> tuple[list[Entity], str | None]:
    reader = _EntryReader(label, dataset, warnings)
    entities: list[Entity] = []
    programs: set[str] = set()
    published: str | None = None
    stated_count: int | None = None
    seen: set[str] = set()
    records = {"publshInformation": "sdnList", "sdnEntry": "sdnList"}
    for element in iter_records(opener, label, root="sdnList", records=records):
        if _local(element.tag) == "publshInformation":
            date_text = text_of(element, "Publish_Date")
            published = parse_date(date_text)
            if date_text and published is None:
                raise SourceError(
                    label, f"unreadable Publish_Date {date_text!r}", line=line_of(element)
                )
            count = text_of(element, "Record_Count")
            stated_count = int(count) if count and count.isdigit() else None
            continue
        entity, entry_programs = reader.read(element)
        if entity.id in seen:
            raise reader.error(element, f"duplicate uid: {entity.id} appears twice")
        seen.add(entity.id)
        entities.append(entity)
        programs.update(entry_programs)
    if stated_count is not None and stated_count != len(entities):
        warnings.append(
            f"{label}: Record_Count says {stated_count} entries, the file holds {len(entities)}"
        )
    list_name = _list_name(label, programs)
    url = CONS_XML_URL if list_name == CONS_LIST else SDN_XML_URL
    named = [
        dataclasses.replace(
            entity,
            listings=tuple(
                dataclasses.replace(listing, list_name=list_name, source_url=url)
                for listing in entity.listings
            ),
        )
        for entity in entities
    ]
    return named, published


def parse_ofac_xml(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Parse OFAC classic XML files (SDN.XML, CONSOLIDATED.XML; plain, gzip or zip).

    Ids are `{dataset}:{uid}`; uids are OFAC's entity numbers, the same as the
    Enhanced XML's entity ids and the CSV's ent_num.
    """
    return parse_documents(files, dataset, _parse_document, "OFAC XML")


DocumentParser = Callable[
    [str, Callable[[], IO[bytes]], str, list[str]], tuple[list[Entity], str | None]
]


def parse_documents(
    files: Sequence[Path], dataset: str, parse_document: DocumentParser, kind: str
) -> ParsedRelease:
    """Run a per-document parser over plain, gzipped or zipped files and merge by id.

    Both OFAC XML formats share this: one party may appear in several files
    (SDN.XML and CONSOLIDATED.XML), and its listings are then merged.
    """
    if not files:
        raise SourceError("<no files>", f"no {kind} file given")
    warnings: list[str] = []
    entities: dict[str, Entity] = {}
    dates: list[str] = []
    for path in files:
        with xml_sources(path) as documents:
            for label, opener in documents:
                parsed, published = parse_document(label, opener, dataset, warnings)
                for entity in parsed:
                    merge_entity(entities, entity)
                if published:
                    dates.append(published)
    return ParsedRelease(
        entities=list(entities.values()),
        published_at=latest_date(dates, warnings),
        warnings=warnings,
    )
