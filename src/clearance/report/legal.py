"""What a listing means for the user, in plain words a compliance officer can act on.

A hit is only useful if the reader knows what the listing obliges them to do: a
blocked party, a licence requirement with a presumption of denial and a list
kept "for information" call for very different actions. Where the publisher
states the legal effect (the trade.gov CSL's licence requirement and review
policy for BIS lists; the parsers' own statements of what a denial order, the
FCC Covered List and the UFLPA Entity List mean) that text is used. Where it
does not, `GENERAL_MEANINGS` says what the list means in general.

These are summaries to help triage, not legal advice: the controlling text is
the publisher's notice and the regulation it cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from clearance.model import Listing
from clearance.sources.registry import DATASETS

#: What a list means in general, for listings whose publisher states no legal effect.
#: Keyed by list name, lower case; OpenSanctions dataset ids (FtM imports name a
#: listing by its dataset) are keys too. Each text cites the rule it summarises so a
#: reader can check it; keep them short, plain, and true for every entry of the list.
GENERAL_MEANINGS: dict[str, str] = {
    # US Treasury OFAC (31 CFR chapter V)
    "sdn list": (
        "blocking: all property and interests in property of the party in the United "
        "States or held by a US person are blocked, and US persons may not deal with it; "
        "entities owned 50% or more by blocked persons are blocked too (OFAC 50 percent rule)"
    ),
    "non-sdn consolidated list": (
        "on a non-SDN OFAC list: the party is not blocked as such; the restrictions are "
        "those of its program and any directive named in the listing"
    ),
    "sectoral sanctions identifications list": (
        "sectoral sanctions: US persons may not engage in the kinds of transaction the "
        "directive named in the listing prohibits (chiefly new debt or equity); other "
        "dealings are allowed unless the party is also blocked (E.O. 13662, E.O. 14024)"
    ),
    "foreign sanctions evaders list": (
        "foreign sanctions evader: US persons may not deal with the party in goods, "
        "services or technology from or for the United States; its property is not "
        "blocked (E.O. 13608)"
    ),
    "palestinian legislative council list": (
        "not blocked: members of the Palestinian Legislative Council elected on a "
        "slate of a designated terrorist group; OFAC authorises dealings with them by "
        "general licence as long as no blocked person has an interest"
    ),
    "capta list": (
        "correspondent and payable-through account sanctions: US financial "
        "institutions may not open or maintain such accounts for this foreign "
        "financial institution, or only under the conditions the listing states "
        "(CAPTA, 31 CFR part 561)"
    ),
    "non-sdn menu-based sanctions list": (
        "menu-based sanctions: only the measures chosen for this party apply, such as a "
        "directive under E.O. 14024; the party is not blocked"
    ),
    "non-sdn chinese military-industrial complex companies list": (
        "US persons may not buy or sell publicly traded securities of the company, or "
        "securities derived from or giving exposure to them (E.O. 13959 as amended by "
        "E.O. 14032); divestment is allowed until the date the listing states"
    ),
    "non-sdn iran sanctions act list": (
        "Iran Sanctions Act: the measures chosen from the ISA menu for this party apply; "
        "the party is not blocked"
    ),
    # US Commerce BIS (Export Administration Regulations, 15 CFR parts 730-774)
    "entity list": (
        "licence required for the items the listing states, with the review policy it "
        "states; licence exceptions are generally unavailable (15 CFR 744.11, "
        "supplement no. 4 to part 744)"
    ),
    "military end user list": (
        "licence required for the items in supplement no. 2 to part 744 when destined "
        "for this military end user (15 CFR 744.21)"
    ),
    "unverified list": (
        "BIS could not verify this party's bona fides: no licence exception may be used, "
        "and an exporter must obtain a UVL statement from the party before exporting "
        "items subject to the EAR (15 CFR 744.15)"
    ),
    "denied persons list": (
        "denial of export privileges: no one may export, reexport or transfer items "
        "subject to the EAR to or from this party, or take part with it in such "
        "transactions, for the term of the denial order (15 CFR part 764)"
    ),
    # US State Department
    "nonproliferation sanctions": (
        "US nonproliferation sanctions under the statute or order named: typically no US "
        "government procurement from, assistance to, or export licences for the party; "
        "the Federal Register notice sets the measures and their term"
    ),
    "itar debarred list": (
        "debarred: may not take part, directly or indirectly, in exports of defence "
        "articles, technical data or defence services controlled by the ITAR "
        "(22 CFR 127.7)"
    ),
    "us consolidated screening list (trade.gov)": (
        "on the US Consolidated Screening List, which merges export-control and "
        "sanctions lists of Commerce, State and Treasury: the effect is that of the "
        "source list the listing names"
    ),
    # UN, UK, EU
    "un security council consolidated list": (
        "UN sanctions: asset freeze, travel ban and/or arms embargo as the Security "
        "Council resolutions of the named regime require; states apply them through "
        "national law (in the UK and EU through their own lists)"
    ),
    "uk consolidated list of financial sanctions targets": (
        "UK asset freeze: funds and economic resources owned, held or controlled by the "
        "party must be frozen, and none may be made available to it or for its benefit "
        "without an OFSI licence"
    ),
    "eu financial sanctions files (fsf)": (
        "EU asset freeze: funds and economic resources of the party are frozen and none "
        "may be made available to it, directly or indirectly, unless a national "
        "authority authorises it"
    ),
    # US FCC, US DHS
    "fcc covered list": (
        "the FCC authorises no new equipment of this producer, so it may not be newly "
        "marketed or imported for sale in the United States, and FCC universal-service "
        "(USF) funds may not be used to buy or maintain covered equipment or services"
    ),
    "uflpa entity list": (
        "goods mined, produced or manufactured wholly or in part by the party are "
        "presumed to be made with forced labour and are barred from import into the "
        "United States (19 U.S.C. 1307), unless CBP grants an exception"
    ),
}

#: Other names the same lists go by (OFAC's own files, OpenSanctions dataset ids).
_ALIASES: dict[str, str] = {
    "fse list": "foreign sanctions evaders list",
    "non-sdn palestinian legislative council list": "palestinian legislative council list",
    "non-sdn cmic list": "non-sdn chinese military-industrial complex companies list",
    "part 561 list": "capta list",
    "non-sdn capta list": "capta list",
    "us_ofac_sdn": "sdn list",
    "us_ofac_cons": "non-sdn consolidated list",
    "us_trade_csl": "us consolidated screening list (trade.gov)",
    "us_bis_denied": "denied persons list",
    "un_sc_sanctions": "un security council consolidated list",
    "gb_hmt_sanctions": "uk consolidated list of financial sanctions targets",
    "gb_fcdo_sanctions": "uk consolidated list of financial sanctions targets",
    "eu_fsf": "eu financial sanctions files (fsf)",
    "us_fcc_covered": "fcc covered list",
    "us_dhs_uflpa": "uflpa entity list",
}

#: Notes that carry legal effect (OFAC's remarks and directive fields). Others
#: (reference numbers, "last action") are evidence, shown elsewhere.
_EFFECT_NOTE = re.compile(
    r"^(secondary sanctions risk|additional sanctions information|transactions prohibited"
    r"|executive order \d+ directive|caatsa section|sanctions type"
    r"|purchase/sales for divestment date)",
    re.IGNORECASE,
)
#: Requirement texts that state a licence's scope ("For all items subject to the EAR").
_SCOPE = re.compile(r"^(for |all items|any item)", re.IGNORECASE)


def describe_listing(listing: Listing) -> str:
    """One listing's legal effect in a sentence or two, for the report's reader.

    A summary to help a compliance officer triage a hit, not legal advice: the
    publisher's notice (Federal Register citation, regulation, listing URL) is
    the controlling text, and is named where the listing gives it.
    """
    head = _head(listing)
    effect = _publisher_effect(listing) or general_meaning(listing) or _unknown(listing)
    parts = [f"{head}: {effect}"]
    parts += _effect_notes(listing.notes)
    if listing.federal_register_notice:
        parts.append(f"Federal Register {_clean(listing.federal_register_notice)}")
    return "; ".join(parts)


def general_meaning(listing: Listing) -> str | None:
    """What the listing's list means in general, from GENERAL_MEANINGS, if known."""
    key = _clean(listing.list_name).lower()
    key = _ALIASES.get(key, key)
    return GENERAL_MEANINGS.get(key)


def _head(listing: Listing) -> str:
    """'Entity List (US Commerce BIS), programs X, since D, until E'."""
    name = _clean(listing.list_name) or "unnamed list"
    about = [_clean(listing.authority)]
    dataset = DATASETS.get(name)
    if dataset is not None:  # an FtM import names the listing by its dataset id
        about.append(f"dataset {name}")
        name = dataset.title
    about = [a for a in about if a]
    head = f"{name} ({', '.join(about)})" if about else name
    if listing.programs:
        head += ", programs " + ", ".join(_clean(p) for p in listing.programs)
    if listing.listed_on:
        head += f", since {listing.listed_on}"
    if listing.end_date:
        head += f", until {listing.end_date}"
    return head


def _publisher_effect(listing: Listing) -> str | None:
    """The licence requirement and policy as the publisher (or its parser) states them."""
    requirement = _sentence(listing.license_requirement)
    policy = _sentence(listing.license_policy)
    if requirement and (scope := _SCOPE.match(requirement)):
        joiner = "licence required " if scope[1].lower() == "for " else "licence required for "
        requirement = joiner + _lower_first(requirement)
        return requirement + (f"; review policy: {_lower_first(policy)}" if policy else "")
    parts = [_lower_first(text) for text in (requirement, policy) if text]
    return "; ".join(parts) or None


def _effect_notes(notes: Iterable[str]) -> list[str]:
    kept = []
    for note in notes:
        text = _clean(note)
        if _EFFECT_NOTE.match(text) and "please visit" not in text.lower():
            kept.append(text.rstrip("."))
    return list(dict.fromkeys(kept))


def _unknown(listing: Listing) -> str:
    where = f" ({listing.source_url})" if listing.source_url else ""
    return f"no summary of this list's legal effect is on file; read the publisher's notice{where}"


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _sentence(text: str | None) -> str:
    """Whitespace collapsed, the closing full stop dropped (parts are joined with ';')."""
    cleaned = _clean(text)
    cleaned = re.sub(
        r"\.?\s*\(see ([^)]*)\)\.?$",
        lambda m: f" (see {m[1].strip().rstrip('.')})",
        cleaned,
        flags=re.IGNORECASE,
    )
    return cleaned.rstrip(".").strip()


def _lower_first(text: str) -> str:
    """'Presumption of denial' -> 'presumption of denial'; acronyms ('EAR', 'FCC') kept."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text
