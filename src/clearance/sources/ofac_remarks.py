"""Read the remarks field of OFAC's legacy CSV files into structured facts.

OFAC's legacy files (SDN.CSV, CONS_PRIM.CSV) have no columns for dates of birth,
nationalities, passports, registry numbers, crypto addresses and the like: all of
that is packed into one free-text remarks field, as `;`-separated segments that
follow a fixed house style ("DOB 03 Oct 1955; POB Pingyu, Henan, China;
Passport 1084010 (Egypt); alt. Passport ...; a.k.a. 'BNC'; Linked To: X.").
Screening needs those facts as data (birth dates and identifiers decide matches),
so this module turns each known segment kind into model values and keeps every
segment it does not map onto a model field as remark text, verbatim.

OFAC's "weak" aliases (low-quality a.k.a.s, marked `category=weak` in OFAC's XML)
appear in the legacy CSV only here, in single quotes: `a.k.a. 'BNC'`. The strong
ones are in ALT.CSV. So quoted a.k.a. names from the remarks are weak aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearance.model import Country, CountryRole, Identifier, Name, NameKind, Relation, unique
from clearance.sources.common import country_code, parse_date

#: The empty-value marker of OFAC's legacy CSV files.
EMPTY = "-0-"


@dataclass(frozen=True, slots=True)
class Remarks:
    """Everything parse_remarks could read out of one remarks field."""

    birth_dates: tuple[str, ...] = ()
    birth_places: tuple[str, ...] = ()
    countries: tuple[Country, ...] = ()  # nationality, citizenship, birth, jurisdiction
    gender: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    names: tuple[Name, ...] = ()  # a.k.a. (weak), f.k.a., n.k.a. given in the remarks
    relations: tuple[Relation, ...] = ()
    sanctions_notes: tuple[str, ...] = ()  # secondary sanctions, directives, CAATSA …
    listing_dates: tuple[str, ...] = ()  # "Listing Date (CMIC) 03 Jun 2021" → 2021-06-03
    titles: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()  # labelled facts the model has no field for
    remarks: tuple[str, ...] = ()  # segments not mapped onto a model field, verbatim

    @property
    def nationalities(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.countries if c.role == CountryRole.NATIONALITY)

    @property
    def citizenships(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.countries if c.role == CountryRole.CITIZENSHIP)


# -- identifiers ------------------------------------------------------------------------------

#: OFAC's identifier labels → IDENTIFIER_TYPES. Longest label wins, so that
#: "Identification Number IMO" is an IMO number and "Identification Number" a national id.
_ID_LABELS: dict[str, str] = {
    # passports and travel documents
    "Passport": "passport",
    "Passport No.": "passport",
    "Passport Booklet": "passport",
    "Diplomatic Passport": "passport",
    "British National Overseas Passport": "passport",
    "Stateless Person Passport": "passport",
    "Travel Document Number": "passport",
    # personal identity numbers
    "National ID No.": "national_id",
    "National Foreign ID Number": "national_id",
    "Identification Number": "national_id",
    "Personal ID Card": "national_id",
    "Cedula No.": "national_id",
    "D.N.I.": "national_id",
    "C.U.R.P.": "national_id",
    "C.U.R.P. #": "national_id",
    "C.U.I.": "national_id",
    "C.U.I.P.": "national_id",
    "SSN": "national_id",
    "N.I.E.": "national_id",
    "I.F.E.": "national_id",
    "Credencial electoral": "national_id",
    "Electoral Registry No.": "national_id",
    "Turkish Identification Number": "national_id",
    "Numero de Identidad": "national_id",
    "Citizen's Card Number": "national_id",
    "Kenyan ID No.": "national_id",
    "Tazkira National ID Card": "national_id",
    "UAE Identification": "national_id",
    "CNP (Personal Numerical Code)": "national_id",
    "Bosnian Personal ID No.": "national_id",
    "Moroccan Personal ID No.": "national_id",
    "Refugee ID Card": "national_id",
    "Stateless Person ID Card": "national_id",
    # tax numbers
    "Tax ID No.": "tax_id",
    "R.F.C.": "tax_id",
    "R.F.C. #": "tax_id",
    "RFC": "tax_id",
    "NIT #": "tax_id",
    "RUC #": "tax_id",
    "RIF #": "tax_id",
    "RTN": "tax_id",
    "V.A.T. Number": "tax_id",
    "C.U.I.T.": "tax_id",
    "C.I.F.": "tax_id",
    "N.I.F.": "tax_id",
    "US FEIN": "tax_id",
    "Italian Fiscal Code": "tax_id",
    "Fiscal Code": "tax_id",
    "Romanian Tax Registration": "tax_id",
    "Paraguayan tax identification number": "tax_id",
    "Numero Unico de Identificacao Tributaria (NUIT)": "tax_id",
    "RSIN": "tax_id",
    # Chinese Unified Social Credit Code
    "Unified Social Credit Code (USCC)": "uscc",
    "United Social Credit Code Certificate (USCCC)": "uscc",
    # company and trade registers
    "Registration Number": "registration",
    "Registration ID": "registration",
    "Business Registration Number": "registration",
    "Business Registration Document #": "registration",
    "Business Number": "registration",
    "Commercial Registry Number": "registration",
    "Company Number": "registration",
    "UK Company Number": "registration",
    "Public Registration Number": "registration",
    "Central Registration System Number": "registration",
    "Certificate of Incorporation Number": "registration",
    "Chamber of Commerce Number": "registration",
    "Istanbul Chamber of Comm. No.": "registration",
    "Dubai Chamber of Commerce Membership No.": "registration",
    "Trade License No.": "registration",
    "C.R. No.": "registration",
    "Romanian C.R.": "registration",
    "Matricula Mercantil No": "registration",
    "Folio Mercantil No.": "registration",
    "Government Gazette Number": "registration",
    "Economic Register Number (CBLS)": "registration",
    "Enterprise Number": "registration",
    "Branch Unit Number": "registration",
    "LE Number": "registration",
    "Organization Code": "registration",
    "Registered Charity No.": "registration",
    "Registration Certificate Number (Dubai)": "registration",
    "MSB Registration Number": "registration",
    "C.I.N.": "registration",
    "D-U-N-S Number": "registration",
    "License": "registration",
    "Legal Entity Number": "registration",  # an LEI when it has the LEI shape, see _identifier
    # finance
    "SWIFT/BIC": "swift_bic",
    "ISIN": "isin",
    "Identification Number ISIN:": "isin",
    # ships
    "Vessel Registration Identification IMO": "imo",
    "Identification Number IMO": "imo",
    "Company Number IMO": "imo",
    "International Maritime Organization No.": "imo",
    "Vessel Registration Identification": "registration",  # IMO if the check digit fits
    "MMSI": "mmsi",
    # aircraft
    "Aircraft Manufacturer's Serial Number (MSN)": "aircraft_serial",
    "Aircraft Serial Identification": "aircraft_serial",
    "Aircraft Construction Number (also called L/N or S/N or F/N)": "aircraft_serial",
    "Aircraft Tail Number": "aircraft_tail",
    "Previous Aircraft Tail Number": "aircraft_tail",
    # contact details
    "Email Address": "email",
    "Website": "website",
    "Phone Number": "phone",
    "Phone No.": "phone",
    "PHONE": "phone",
    "Telephone": "phone",
    "Telephone:": "phone",
    "Telephone No.": "phone",
    "Telephone Number:": "phone",
    "Alt. Telephone:": "phone",
    "Fax": "phone",
    "Fax:": "phone",
    "Fax No.": "phone",
    "FAX": "phone",
    "Alt. Fax:": "phone",
    # other documents: shown and searchable, but weak evidence
    "BIK (RU)": "other",
    "Equity Ticker": "other",
    "Other Vessel Call Sign": "call_sign",
    "Aircraft Mode S Transponder Code": "other",
    "Birth Certificate Number": "other",
    "Driver's License No.": "other",
    "Residency Number": "other",
    "VisaNumberID": "other",
    "Cartilla de Servicio Militar Nacional": "other",
    "Military Registration Number": "other",
    "Pilot License Number": "other",
    "Seafarer's Identification Document": "other",
    "SRE Permit No.": "other",
    "Immigration No.": "other",
    "Permit Number": "other",
    "Afghan Money Service Provider License Number": "other",
    "Tourism License No.": "other",
    "File Number": "other",
}
_ID_LABELS_LONGEST_FIRST = sorted(_ID_LABELS, key=len, reverse=True)

_CRYPTO = re.compile(r"^Digital Currency Address - (?P<currency>[A-Za-z0-9]+)\s+(?P<value>\S+)$")
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
_QUALIFIER = re.compile(r",?\s+(?=(?:issued|expires|expired|issue date|expire date)\b)", re.I)
_TRAILING_PAREN = re.compile(r"\s*\(([^()]+)\)\s*$")
_TRAILING_COUNTRY = re.compile(r",\s*([^,()]+)$")
#: Types whose values need not contain a digit ("SABRRUMM", "www.example.ru").
_FREE_FORM = frozenset({"email", "website", "swift_bic"})


def _imo_check_digit_ok(digits: str) -> bool:
    """IMO ship numbers carry a check digit; it tells an IMO number from a national one."""
    if not re.fullmatch(r"\d{7}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(digits[6])


def _identifier(label: str, rest: str) -> Identifier | None:
    """An identifier from '<label> <value> [(Country)] [issued …] [expires …]'."""
    id_type = _ID_LABELS[label]
    value = rest.strip().lstrip(":#").strip()
    notes = [label]
    parts = _QUALIFIER.split(value, maxsplit=1)
    if len(parts) == 2:
        value, qualifier = parts[0], parts[1].strip().rstrip(".")
        notes.append(qualifier)
    value = value.strip().rstrip(".,").strip()
    country: str | None = None
    if match := _TRAILING_PAREN.search(value):
        code = country_code(match.group(1))
        if code is not None:
            country = code
            value = value[: match.start()].strip().rstrip(",").strip()
    elif (match := _TRAILING_COUNTRY.search(value)) and (code := country_code(match.group(1))):
        country = code
        value = value[: match.start()].strip()
    if match := re.fullmatch(r"\((\d+)\)", value):
        value = match.group(1)
    if id_type in _FREE_FORM:
        value = value.split()[0].rstrip(".,") if value else value
    elif not any(ch.isdigit() for ch in value):
        return None  # "Passport issued in Sarajevo": prose, not a document number
    if not value:
        return None
    if label == "Legal Entity Number" and _LEI.match(value):
        id_type = "lei"
    elif label == "Vessel Registration Identification" and _imo_check_digit_ok(value):
        id_type = "imo"
    return Identifier(type=id_type, value=value, country=country, note="; ".join(notes))


def _match_label(segment: str) -> tuple[str, str] | None:
    """(label, rest) when the segment starts with a known identifier label."""
    for label in _ID_LABELS_LONGEST_FIRST:
        if segment.startswith(label) and (
            len(segment) == len(label) or segment[len(label)] in " :#" or label[-1] in ":#"
        ):
            return label, segment[len(label) :]
    return None


# -- dates --------------------------------------------------------------------------------------

_RANGE = re.compile(r"^(?P<start>.+?)\s+to\s+(?P<end>.+)$")


def _birth_dates(text: str) -> tuple[str, ...]:
    """DOB values: '1955', '03 Oct 1955', 'circa 1960', 'Oct 1955', '1958 to 1962'.

    A range of whole years becomes every year in it (matching compares years, and a
    listed "1958 to 1962" agrees with any of them); other ranges keep both ends.
    """
    text = text.strip().rstrip(".")
    if match := _RANGE.match(text):
        start, end = parse_date(match.group("start")), parse_date(match.group("end"))
        if start is None or end is None:
            return ()
        whole_years = (len(start) == 4 or start.endswith("-01-01")) and (
            len(end) == 4 or end.endswith("-12-31")
        )
        first, last = int(start[:4]), int(end[:4])
        if whole_years and 0 <= last - first <= 20:
            return tuple(str(year) for year in range(first, last + 1))
        return unique((start, end))
    value = parse_date(text)
    return (value,) if value else ()


# -- the segment kinds --------------------------------------------------------------------------

_NOTE_PREFIXES = tuple(
    prefix.lower()
    for prefix in (
        "Secondary sanctions risk:",
        "Additional Sanctions Information -",
        "Transactions Prohibited For Persons Owned or Controlled By",
        "Executive Order ",
        "CAATSA Section ",
        "IFCA Determination -",
        "Listing Date (",
        "Effective Date (",
        "Purchase/Sales For Divestment Date (",
        "For more information on directives",
        "For more information, please reference",
    )
)
_LISTING_DATE = re.compile(r"^Listing Date \([^)]*\):?\s*(?P<date>.+)$")

#: Facts the model has no field for: kept as remark text and offered as (label, value).
_FACT_LABELS = (
    "Organization Established Date",
    "Organization Type:",
    "Target Type",
    "Vessel Year of Build",
    "Vessel Type",
    "Other Vessel Type",
    "Other Vessel Flag",
    "Former Vessel Flag",
    "Vessel Flag",
    "Aircraft Model",
    "Aircraft Manufacture Date",
    "Aircraft Operator",
    "Issuer Name",
    "Chinese Commercial Code",
)
_NAME_KINDS = {"a.k.a.": NameKind.WEAK_ALIAS, "f.k.a.": NameKind.FORMER, "n.k.a.": NameKind.NEW}
_QUOTED = re.compile(r"^'(?P<name>.*)'\.?$")
_ALT = re.compile(r"^(?:alt\.|Alt\.)\s+")
_TITLE = re.compile(r"^(?:Title|Alternate Title)\s*[,:]?\s+")
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:[A-Za-z]\.)+[A-Za-z]|\b(?:Inc|Ltd|Co|Corp|Jr|Sr|St|Bros|Cia|Dr|No|Ave|Av))$", re.I
)


def split_segments(text: str) -> list[str]:
    """The remarks field cut into its `;`-separated segments, final full stop removed.

    OFAC ends every remarks field with a full stop, but does not double it after an
    abbreviation ("Linked To: R D I S.A."), so the stop stays where it ends one.
    """
    text = " ".join(text.split())
    if not text or text == EMPTY:
        return []
    segments = [s.strip() for s in re.split(r";\s*", text)]
    segments = [s for s in segments if s]
    if segments and segments[-1].endswith("."):
        body = segments[-1][:-1].rstrip()
        if not _ABBREVIATION_END.search(body):
            segments[-1] = body
    return segments


def resolve_country(text: str | None) -> str | None:
    """country_code() for OFAC's country texts, which include "Region: Gaza"."""
    if text is None:
        return None
    cleaned = text.strip().rstrip(".")
    if cleaned.lower().startswith("region:"):
        cleaned = cleaned.split(":", 1)[1]
    return country_code(cleaned)


@dataclass
class _Builder:
    """Mutable accumulator; parse_remarks freezes it into Remarks."""

    birth_dates: list[str]
    birth_places: list[str]
    countries: list[Country]
    gender: str | None
    identifiers: list[Identifier]
    names: list[Name]
    relations: list[Relation]
    notes: list[str]
    listing_dates: list[str]
    titles: list[str]
    facts: list[tuple[str, str]]
    remarks: list[str]


def _read_segment(out: _Builder, original: str) -> None:
    """Route one segment to the model field it belongs to, else keep it as a remark."""
    segment = _ALT.sub("", original)
    head, _, rest = segment.partition(" ")

    if head == "DOB":
        dates = _birth_dates(rest)
        if dates:
            out.birth_dates.extend(dates)
            return
    elif head == "POB" and rest:
        place = rest.rstrip(".")
        out.birth_places.append(place)
        if (code := resolve_country(place.rsplit(",", 1)[-1])) is not None:
            out.countries.append(Country(code, CountryRole.BIRTH))
        return
    elif head in ("nationality", "citizen") and (code := resolve_country(rest)) is not None:
        role = CountryRole.NATIONALITY if head == "nationality" else CountryRole.CITIZENSHIP
        out.countries.append(Country(code, role))
        return
    elif head == "Gender" and rest.rstrip(".").lower() in ("male", "female"):
        out.gender = rest.rstrip(".").lower()
        return
    elif head in _NAME_KINDS and (match := _QUOTED.match(rest.strip())):
        if match.group("name").strip():
            out.names.append(Name.make(match.group("name"), _NAME_KINDS[head]))
        return

    if segment.startswith("Linked To:"):
        target = segment[len("Linked To:") :].strip()
        if target:
            out.relations.append(Relation("linked_to", target))
            return
    if segment.startswith("Nationality of Registration ") and (
        code := resolve_country(segment[len("Nationality of Registration ") :])
    ):
        out.countries.append(Country(code, CountryRole.FLAG))
        return
    if segment.lower().startswith(_NOTE_PREFIXES):
        out.notes.append(segment)
        if (match := _LISTING_DATE.match(segment)) and (day := parse_date(match.group("date"))):
            out.listing_dates.append(day)
        return
    if match := _TITLE.match(segment):
        titles = re.split(r",?\s*Alternate Title\s*[,:]\s*", segment[match.end() :])
        out.titles.extend(t.strip().rstrip(".") for t in titles if t.strip())
        return
    if match := _CRYPTO.match(segment):
        value = match.group("value").rstrip(".")
        out.identifiers.append(
            Identifier(
                "crypto_wallet", value, note=f"Digital Currency Address - {match['currency']}"
            )
        )
        return
    if labelled := _match_label(segment):
        identifier = _identifier(*labelled)
        if identifier is not None:
            out.identifiers.append(identifier)
            return
    for label in _FACT_LABELS:
        if segment.startswith(label + " ") or (label.endswith(":") and segment.startswith(label)):
            value = segment[len(label) :].strip().rstrip(".")
            out.facts.append((label.rstrip(":"), value))
            if label == "Aircraft Operator" and value:
                out.relations.append(Relation("operator", value))
            break
    out.remarks.append(original)


def parse_remarks(text: str, *, truncated: bool = False) -> Remarks:
    """Structured facts from one OFAC remarks field (already joined with its overflow).

    `truncated` says the field was cut off (OFAC caps it at 1,000 characters and
    continues in SDN_COMMENTS.CSV; without that file the tail is missing): the last,
    partial segment is then kept as remark text only, never read as a fact, so that a
    cut passport number never becomes an identifier.
    """
    out = _Builder([], [], [], None, [], [], [], [], [], [], [], [])
    segments = split_segments(text)
    tail: str | None = None
    if truncated and segments:
        tail = segments.pop()
    for segment in segments:
        _read_segment(out, segment)
    if tail is not None:
        out.remarks.append(tail + " […]")
    return Remarks(
        birth_dates=unique(out.birth_dates),
        birth_places=unique(out.birth_places),
        countries=unique(out.countries),
        gender=out.gender,
        identifiers=unique(out.identifiers),
        names=unique(out.names),
        relations=unique(out.relations),
        sanctions_notes=unique(out.notes),
        listing_dates=unique(out.listing_dates),
        titles=unique(out.titles),
        facts=unique(out.facts),
        remarks=unique(out.remarks),
    )
