"""OFAC's Enhanced XML (SDN_ENHANCED.XML / CONS_ENHANCED.XML, usually zipped).

The Enhanced XML is the richest OFAC format: names come with every translation
and its script (the Chinese and Cyrillic originals the classic XML drops), each
party states exactly which lists it is on and since when, and relationships are
structured. The file defines its own vocabulary first (`referenceValues`,
`featureTypes`) and the entities point into it by id, so the parser reads those
sections and resolves every feature, document type, country and lookup value
through them rather than trusting labels.

Entity ids are `{dataset}:{entity id}`; OFAC's entity id is the same number as the
uid of the classic XML and the ent_num of the CSV (all 443 parties of the shared
CONS_ENHANCED.ZIP have the same ids in consolidated.xml).

Listings: one per `sanctionsList` the party is on ("SDN List", "Sectoral Sanctions
Identifications List", "Non-SDN CMIC List", …) with that list's `datePublished` as
listed_on; the umbrella "Consolidated List" (a publication, not a legal list) is
dropped when a more specific list is given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

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
from clearance.sources.common import parse_date
from clearance.sources.ofac_xml import (
    AUTHORITY,
    DETAILS_URL,
    SCHEMA_BY_TYPE,
    classify_label,
    country_of,
    dates_of,
    element_to_dict,
    iter_records,
    labelled,
    line_of,
    make_identifier,
    parse_documents,
    person_caption,
    text_of,
    texts_of,
)

_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
SDN_ENHANCED_URL = _EXPORTS + "SDN_ENHANCED.ZIP"
CONS_ENHANCED_URL = _EXPORTS + "CONS_ENHANCED.ZIP"
UMBRELLA_LIST = "Consolidated List"

_ALIAS_KINDS = {"a.k.a.": NameKind.ALIAS, "f.k.a.": NameKind.FORMER, "n.k.a.": NameKind.NEW}
_CONTAINERS = frozenset(
    {
        "names",
        "translations",
        "nameParts",
        "addresses",
        "addressParts",
        "features",
        "identityDocuments",
        "relationships",
        "sanctionsLists",
        "sanctionsPrograms",
        "sanctionsTypes",
        "legalAuthorities",
    }
)


@dataclasses.dataclass(frozen=True)
class _Reference:
    type: str
    value: str
    iso: str | None


@dataclasses.dataclass
class _Vocabulary:
    """The file's own reference values and feature types, by id."""

    values: dict[str, _Reference] = dataclasses.field(default_factory=dict)
    features: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)

    def add_value(self, element: etree._Element) -> None:
        ref_id = element.get("refId")
        if ref_id:
            self.values[ref_id] = _Reference(
                text_of(element, "type") or "",
                text_of(element, "value") or "",
                text_of(element, "isoCode"),
            )

    def add_feature(self, element: etree._Element) -> None:
        type_id = element.get("featureTypeId")
        if type_id:
            label = text_of(element, "type") or ""
            self.features[type_id] = (label, (text_of(element, "detailType") or "").upper())


class _EntityReader:
    """Turns one <entity> into an Entity, resolving ids through the vocabulary."""

    def __init__(
        self, label: str, dataset: str, vocab: _Vocabulary, warnings: list[str], url: str
    ) -> None:
        self.label = label
        self.dataset = dataset
        self.vocab = vocab
        self.warnings = warnings
        self.url = url

    def error(self, entity: etree._Element, problem: str) -> SourceError:
        return SourceError(
            self.label, problem, line=line_of(entity), element=f"entity id={entity.get('id')}"
        )

    def ref(self, element: etree._Element | None) -> str | None:
        """The referenced value's text (by refId), else the element's own text."""
        if element is None:
            return None
        found = self.vocab.values.get(element.get("refId") or "")
        text = found.value if found else " ".join((element.text or "").split())
        return text or None

    def country(self, ref_id: str | None, name: str | None = None) -> str | None:
        """country_code() of the country's name; the file's own ISO code when rigour has none."""
        found = self.vocab.values.get(ref_id or "")
        name = (found.value if found else None) or name
        code = country_of(name)
        if code is None and found is not None and found.iso and found.iso.isalpha():
            code = found.iso.lower()
        if name and code is None:
            self.warnings.append(f"{self.label}: unknown country {name!r}")
        return code

    def country_at(self, element: etree._Element | None) -> str | None:
        if element is None:
            return None
        return self.country(element.get("refId"), " ".join((element.text or "").split()))

    def read(self, entity: etree._Element) -> Entity:
        entity_id = entity.get("id")
        if not entity_id:
            raise self.error(entity, "entity without an id attribute")
        type_text = self.ref(entity.find("{*}generalInfo/{*}entityType"))
        schema = SCHEMA_BY_TYPE.get((type_text or "").lower())
        if schema is None:
            raise self.error(entity, f"unknown entityType {type_text!r}")
        names = self.names(entity, schema == "Person")
        if not names:
            raise self.error(entity, "entity without a name")

        facts = _Facts(remarks=texts_of(entity, "generalInfo/remarks"))
        for feature in entity.iterfind("{*}features/{*}feature"):
            self.feature(entity, feature, facts)
        for document in entity.iterfind("{*}identityDocuments/{*}identityDocument"):
            label = self.ref(document.find("{*}type"))
            number = text_of(document, "documentNumber")
            if not label or not number:
                raise self.error(entity, "identityDocument without type or documentNumber")
            what = classify_label(label)
            kind = what.identifier_type if what.kind == "identifier" else "other"
            country = self.country_at(document.find("{*}issuingCountry"))
            valid = text_of(document, "isValid") != "false"
            facts.identifiers.append(
                make_identifier(kind or "other", label, number, country, valid)
            )
        for item in entity.iterfind("{*}addresses/{*}address"):
            facts.addresses.extend(self.addresses(item))
        facts.countries.extend(
            Country(a.country, CountryRole.ADDRESS) for a in facts.addresses if a.country
        )
        relations = [
            Relation(self.ref(rel.find("{*}type")) or "related", target)
            for rel in entity.iterfind("{*}relationships/{*}relationship")
            if (target := text_of(rel, "relatedEntity"))
        ]
        uid = entity_id
        return Entity(
            id=f"{self.dataset}:{uid}",
            dataset=self.dataset,
            schema=schema,
            names=unique(names),
            birth_dates=unique(facts.birth_dates),
            birth_places=unique(facts.birth_places),
            gender=facts.gender,
            countries=unique(facts.countries),
            addresses=unique(facts.addresses),
            identifiers=unique(facts.identifiers),
            listings=self.listings(entity, facts.notes),
            relations=unique(relations),
            titles=unique(facts.titles),
            remarks=unique(facts.remarks),
            source_url=DETAILS_URL.format(uid),
            raw=element_to_dict(entity, lambda name: name in _CONTAINERS),
        )

    def names(self, entity: etree._Element, is_person: bool) -> list[Name]:
        """Every translation of every name; other-script forms of the primary name are NATIVE."""
        names: list[Name] = []
        for name in entity.iterfind("{*}names/{*}name"):
            if text_of(name, "isPrimary") == "true":
                kind = NameKind.PRIMARY
            elif text_of(name, "isLowQuality") == "true":
                kind = NameKind.WEAK_ALIAS
            else:
                alias = (self.ref(name.find("{*}aliasType")) or "a.k.a.").lower()
                if alias not in _ALIAS_KINDS:
                    self.warnings.append(f"{self.label}: unknown alias type {alias!r}")
                kind = _ALIAS_KINDS.get(alias, NameKind.ALIAS)
            for translation in name.iterfind("{*}translations/{*}translation"):
                last = text_of(translation, "formattedLastName")
                first = text_of(translation, "formattedFirstName")
                value = text_of(translation, "formattedFullName") or (
                    person_caption(last, first) if is_person else last or first
                )
                if not value:
                    parts = texts_of(translation, "nameParts/namePart/value")
                    value = " ".join(parts) or None
                if not value:
                    raise self.error(entity, f"name {name.get('id')} has an empty translation")
                main = text_of(translation, "isPrimary") != "false"
                this_kind = NameKind.NATIVE if kind == NameKind.PRIMARY and not main else kind
                names.append(Name.make(value, this_kind))
        # The primary translation of the primary name leads: it is the caption.
        names.sort(key=lambda n: n.kind != NameKind.PRIMARY)
        return names

    def feature(self, entity: etree._Element, feature: etree._Element, facts: _Facts) -> None:
        type_element = feature.find("{*}type")
        type_id = type_element.get("featureTypeId") if type_element is not None else None
        if type_id not in self.vocab.features:
            raise self.error(entity, f"feature {feature.get('id')}: undefined type {type_id!r}")
        label, detail = self.vocab.features[type_id or ""]
        value_ref = self.vocab.values.get(text_of(feature, "valueRefId") or "")
        value = (value_ref.value if value_ref else None) or text_of(feature, "value")
        if not value:
            return
        what = classify_label(label)
        if what.kind == "identifier" and what.identifier_type == "other":
            # Unknown label: the file says what kind of value it is.
            if detail == "LOOKUP":
                what = dataclasses.replace(what, kind="note")
            elif detail == "DATE":
                what = dataclasses.replace(what, kind="remark")
            elif detail == "COUNTRY":
                what = dataclasses.replace(what, kind="country", role=CountryRole.OTHER)
        if what.kind == "identifier":
            facts.identifiers.append(
                make_identifier(what.identifier_type or "other", label, value, None)
            )
        elif what.kind == "country":
            code = self.country(text_of(feature, "valueRefId"), text_of(feature, "value"))
            if code:
                facts.countries.append(Country(code, what.role or CountryRole.OTHER))
        elif what.kind == "gender":
            facts.gender = value.lower()
        elif what.kind == "birth_date":
            dates = dates_of(value) or _dates_from_period(feature)
            if not dates:
                self.warnings.append(f"{self.label}: entity {entity.get('id')}: date {value!r}")
            facts.birth_dates.extend(dates)
        elif what.kind == "birth_place":
            facts.birth_places.append(value)
        elif what.kind == "title":
            facts.titles.append(value)
        elif what.kind == "note":
            facts.notes.append(labelled(label, value))
        else:
            facts.remarks.append(labelled(label, value))

    def addresses(self, item: etree._Element) -> list[Address]:
        """One Address per translation (OFAC gives Cyrillic forms beside Latin ones)."""
        country_element = item.find("{*}country")
        country_name = self.ref(country_element)
        code = self.country_at(country_element)
        out: list[Address] = []
        for translation in item.iterfind("{*}translations/{*}translation"):
            parts: dict[str, str] = {}
            for part in translation.iterfind("{*}addressParts/{*}addressPart"):
                kind = (self.ref(part.find("{*}type")) or "").upper()
                if value := text_of(part, "value"):
                    parts[kind] = value
            street = ", ".join(parts[k] for k in ("ADDRESS1", "ADDRESS2", "ADDRESS3") if k in parts)
            city, state = parts.get("CITY"), parts.get("STATE/PROVINCE")
            postal, region = parts.get("POSTAL CODE"), parts.get("REGION")
            pieces = [street, city, state, postal, region, country_name]
            out.append(
                Address(
                    full=", ".join(p for p in pieces if p),
                    country=code,
                    street=street or None,
                    city=city,
                    postal_code=postal,
                    region=state or region,
                )
            )
        if not out and country_name:
            out.append(Address(full=country_name, country=code))
        return [a for a in out if a.full]

    def listings(self, entity: etree._Element, notes: list[str]) -> tuple[Listing, ...]:
        programs = unique(texts_of(entity, "sanctionsPrograms/sanctionsProgram"))
        extra = [f"Sanctions Type: {t}" for t in texts_of(entity, "sanctionsTypes/sanctionsType")]
        extra += [
            f"Legal Authority: {t}" for t in texts_of(entity, "legalAuthorities/legalAuthority")
        ]
        lists = [
            (" ".join((el.text or "").split()), el.get("datePublished"))
            for el in entity.iterfind("{*}sanctionsLists/{*}sanctionsList")
        ]
        specific = [item for item in lists if item[0] and item[0] != UMBRELLA_LIST]
        chosen = specific or [item for item in lists if item[0]]
        if not chosen:
            raise self.error(entity, "entity is on no sanctionsList")
        return tuple(
            Listing(
                authority=AUTHORITY,
                list_name=name,
                programs=programs,
                listed_on=parse_date(published),
                source_url=self.url,
                notes=unique(notes + extra),
            )
            for name, published in chosen
        )


@dataclasses.dataclass
class _Facts:
    """What an entity's features, documents and addresses add up to."""

    remarks: list[str]
    notes: list[str] = dataclasses.field(default_factory=list)
    identifiers: list[Identifier] = dataclasses.field(default_factory=list)
    countries: list[Country] = dataclasses.field(default_factory=list)
    addresses: list[Address] = dataclasses.field(default_factory=list)
    birth_dates: list[str] = dataclasses.field(default_factory=list)
    birth_places: list[str] = dataclasses.field(default_factory=list)
    titles: list[str] = dataclasses.field(default_factory=list)
    gender: str | None = None


def _dates_from_period(feature: etree._Element) -> list[str]:
    """The date from <valueDate> when the value text is not a date parse_date reads.

    A whole year is given as Jan 1 .. Dec 31, a month as its first .. last day.
    """
    period = feature.find("{*}valueDate")
    if period is None:
        return []
    begin, end = text_of(period, "fromDateBegin"), text_of(period, "toDateEnd")
    if not begin or not end:
        return []
    if begin == end:
        return [begin[:10]]
    if begin[4:10] == "-01-01" and end[4:10] == "-12-31":
        years = sorted({begin[:4], end[:4]})
        return years
    if begin[:7] == end[:7] and begin[8:10] == "01":
        return [begin[:7]]
    return [begin[:10], end[:10]]


def _source_url(label: str, list_names: list[str]) -> str:
    if list_names:
        return SDN_ENHANCED_URL if "SDN List" in list_names else CONS_ENHANCED_URL
    name = Path(label.split("!")[-1]).name.upper()
    return CONS_ENHANCED_URL if "CONS" in name else SDN_ENHANCED_URL


def _parse_document(
    label: str, opener: Callable[[], IO[bytes]], dataset: str, warnings: list[str]
) -> tuple[list[Entity], str | None]:
    vocab = _Vocabulary()
    reader: _EntityReader | None = None
    entities: list[Entity] = []
    seen: set[str] = set()
    published: str | None = None
    filters: list[str] = []
    records = {
        "publicationInfo": "sanctionsData",
        "referenceValue": "referenceValues",
        "featureType": "featureTypes",
        "entity": "entities",
    }
    for element in iter_records(opener, label, root="sanctionsData", records=records):
        name = etree.QName(element).localname
        if name == "publicationInfo":
            as_of = text_of(element, "dataAsOf")
            published = parse_date(as_of)
            if as_of and published is None:
                raise SourceError(label, f"unreadable dataAsOf {as_of!r}", line=line_of(element))
            filters = texts_of(element, "filters/sanctionsLists/sanctionsList")
        elif name == "referenceValue":
            vocab.add_value(element)
        elif name == "featureType":
            vocab.add_feature(element)
        else:
            if reader is None:
                url = _source_url(label, filters)
                reader = _EntityReader(label, dataset, vocab, warnings, url)
            entity = reader.read(element)
            if entity.id in seen:
                raise reader.error(element, f"duplicate entity id: {entity.id} appears twice")
            seen.add(entity.id)
            entities.append(entity)
    return entities, published


def parse_ofac_enhanced(files: Sequence[Path], dataset: str) -> ParsedRelease:
    """Parse OFAC Enhanced XML: SDN_ENHANCED.ZIP / CONS_ENHANCED.ZIP or the bare XML inside."""
    return parse_documents(files, dataset, _parse_document, "OFAC Enhanced XML")
